"""`make bench`: Own Words beside the stock Rasa 3.6 assistant (the mood bot `rasa init` creates),
both trained and run in this one run on this machine, on loopback only. Prints one table and
writes it into docs/benchmarks.md (between its markers; the findings below them are kept).

    python -m benchmarks            about 12 minutes on 2 CPUs
    python -m benchmarks --quick    about 3 minutes: small loads, Own Words' training and two Rasa
                                    servers on PostgreSQL and Redis not measured,
                                    the stock models trained one epoch each and, after the first
                                    run, restored from a cache kept on the machine (its figures are
                                    not the stock's), the table written to var/bench/benchmarks-quick.md

The targets are printed beside the figures; a missed target does not fail the run (an error does).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

from benchmarks import export, load, training
from benchmarks.ours import Ours
from benchmarks.report import Report
from benchmarks.scaled import Scaled
from benchmarks.stock import Stock
from bot.config import PROJECT_ROOT
from bot.pack.model import ensure_trained


@dataclass(frozen=True)
class Scale:
    turns_at: Dict[int, int]  # sessions at once -> turns each
    long_session: int  # turns in the long session
    window: int  # turns averaged at the start and the end of the long session
    export_answers: int
    export_repeats: int
    train_ours: bool
    scaled_sessions: int  # sessions at once on two Rasa servers (PostgreSQL, Redis); 0: not measured
    doc: Path = field(default=PROJECT_ROOT / "docs" / "benchmarks.md")


# A child may type anything: each of these once took a backtracking regular expression hours.
HOSTILE = {
    '"Stop" and 10,000 "!"': "Stop" + "!" * 10_000 + " :(",
    '"stop" and 5,000 " -"': "stop" + " -" * 5_000,
    '"a" and 5,000 ",a"': "a" + ",a" * 5_000 + "!",
}

FULL = Scale({1: 60, 10: 15, 20: 10}, long_session=300, window=10, export_answers=500, export_repeats=3,
             train_ours=True, scaled_sessions=20)
QUICK = Scale({1: 5, 10: 2, 20: 1}, long_session=12, window=2, export_answers=500, export_repeats=1,
              train_ours=False, scaled_sessions=0, doc=PROJECT_ROOT / "var" / "bench" / "benchmarks-quick.md")


def step(what: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {what}", flush=True)


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small loads: checks the benchmark runs")
    scale = QUICK if parser.parse_args(argv).quick else FULL
    report = Report(quick=scale is QUICK, export_answers=scale.export_answers)
    started = time.perf_counter()
    ensure_trained()  # our model, as `make run` serves it

    step(f"export: the summary of a session with {scale.export_answers} answers, in each format")
    for fmt, seconds in export.measure(scale.export_answers, scale.export_repeats).items():
        report.export(fmt, seconds)

    with tempfile.TemporaryDirectory(prefix="own-words-bench-") as folder:
        folder = Path(folder)
        stock = Stock(folder / "stock")
        step("training the stock assistant (rasa init), then again after a change of wording")
        report.training("from nothing", stock=stock.create_and_train(quick=scale is QUICK))
        report.training("after a change of wording alone", stock=stock.retrain_after_wording_change())
        if scale.train_ours:
            step("training Own Words in a copy of the project, then again after a change of wording")
            (folder / "ours-training").mkdir()
            full, wording = training.measure(folder / "ours-training")
            report.training("from nothing", ours=full)
            report.training("after a change of wording alone", ours=wording)

        step("starting the stock assistant, then Own Words (seconds to the first reply)")
        ours = None
        try:
            report.start_up(stock=stock.start())
            (folder / "ours").mkdir()
            ours = Ours(folder / "ours")
            report.start_up(ours=ours.first_reply())
            for sessions, turns in scale.turns_at.items():
                step(f"{sessions} session(s) at once, {turns} turns each: stock, Own Words' Rasa, Own Words' web app")
                report.load("stock", load.run(stock.chat, sessions, turns))
                report.load("rasa", load.run(ours.rasa_chat, sessions, turns))
                report.load("web", load.run(ours.web_chat, sessions, turns))
            step(f"one long session: {scale.long_session} turns")
            chat = ours.rasa_chat()
            latencies = [load.timed_turn(chat, number) for number in range(scale.long_session)]
            early, late = latencies[5:5 + scale.window], latencies[-scale.window:]
            report.long_session(5 + scale.window, statistics.mean(early), scale.long_session, statistics.mean(late),
                                scale.window)
            step("messages built to make a regular expression backtrack (issue 16)")
            for what, text in HOSTILE.items():
                chat = ours.rasa_chat()
                started_turn = time.perf_counter()
                chat.post(message=text)
                report.hostile_message(what, time.perf_counter() - started_turn)
            step("a change of wording alone, saved while the servers run: seconds until a new session shows it")
            report.wording_live(ours.wording_live())
            report.memory(ours=ours.peak_memory(), stock=stock.peak_memory())
        finally:
            stock.stop()
            if ours is not None:
                ours.stop()
        if scale.scaled_sessions:
            step(f"two Rasa servers on PostgreSQL and Redis: {scale.scaled_sessions} sessions at once")
            (folder / "scaled").mkdir()
            scaled = Scaled(folder / "scaled")
            try:
                report.load("scaled", load.run(scaled.chat, scale.scaled_sessions, scale.turns_at[scale.scaled_sessions]))
            finally:
                scaled.stop()

    report.finish(time.perf_counter() - started)
    print("\n".join(report.table()))
    report.write(scale.doc)
    print(f"\nWritten to {scale.doc.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
