"""`make profile`: where the Rasa server's work in a turn goes, under make bench's load.

Starts Own Words as `make bench` does, and while 10 sessions answer the three houses at once for
40 seconds, py-spy samples the Rasa server 100 times a second whenever it holds Python's global
interpreter lock: the server runs its turns on one event loop, so that lock is what limits how
many turns a second it answers. Prints the turns a second, each process's CPU seconds and the
share of the samples in each part of a turn; the raw samples are kept in var/profile/ (one line a
stack: flamegraph.pl draws them).

    python -m benchmarks.profile [--sessions 10] [--seconds 40]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import List, Tuple

from benchmarks.ours import PROCESSES, Ours
from benchmarks.processes import pids_by_name
from bot.config import PROJECT_ROOT

PY_SPY = Path(sys.executable).with_name("py-spy")
OUT = PROJECT_ROOT / "var" / "profile"
# The parts of a turn, by a frame that only that part's stacks hold (the first that matches counts).
PARTS: List[Tuple[str, str]] = [
    ("loading the conversation (tracker store)", "get_or_create_tracker ("),
    ("saving the conversation (tracker store)", "save_tracker ("),
    ("typed words understood: NLU, sentence model, safeguarding", "_understand (bot/channel"),
    ("the child's turn and the replies recorded (our tables)", "bot/store/repository.py"),
    ("calls to the action server", "rasa/core/actions/action.py"),
    ("choosing the next action (policies)", "_predict_next_with_tracker ("),
    ("rendering responses", "rasa/core/nlg/"),
    ("the turn's locks", "lock"),
]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def parts(samples: Path) -> Tuple[int, Counter]:
    total, found = 0, Counter()
    for line in samples.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        found[next((name for name, frame in PARTS if frame in stack), "everything else (Sanic, asyncio, Rasa's processor)")] += int(count)
    return total, found


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=40)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="own-words-profile-") as folder:
        ours = Ours(Path(folder))
        try:
            ours.first_reply()
            pids = {name: found[-1] for name, found in pids_by_name(ours.servers.process.pid, PROCESSES).items()}
            chats = [ours.rasa_chat(number) for number in range(args.sessions)]
            raw = OUT / "rasa-server.txt"
            spy = subprocess.Popen([str(PY_SPY), "record", "--pid", str(pids["Rasa server"]), "--duration",
                                    str(args.seconds), "--rate", "100", "--gil", "--nonblocking", "--format", "raw",
                                    "--output", str(raw)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            turns, until = Counter(), time.monotonic() + args.seconds

            def talk(chat) -> None:
                while time.monotonic() < until:
                    chat.turn(turns[id(chat)])
                    turns[id(chat)] += 1

            started = time.monotonic()
            threads = [threading.Thread(target=talk, args=(chat,)) for chat in chats]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            used = {name: cpu_seconds(pid) - before[name] for name, pid in pids.items()}
            spy.wait()
        finally:
            ours.stop()
    answered = sum(turns.values())
    print(f"{answered} turns in {elapsed:.0f} s at {args.sessions} sessions at once: {answered / elapsed:.1f} a second")
    print("CPU seconds: " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in used.items()))
    total, found = parts(raw)
    print(f"Rasa server holding the interpreter lock: {total} samples, {total * 10 / answered:.0f} ms a turn")
    for name, count in found.most_common():
        print(f"  {100 * count / total:5.1f}%  {name}")
    print(f"Raw samples: {raw.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
