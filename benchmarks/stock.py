"""The stock Rasa 3.6 assistant, exactly as `rasa init` creates it (the mood bot), trained and run
in a folder of its own, talking over Rasa's REST channel."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

import requests

from benchmarks.ours import NotAnswered
from benchmarks.processes import peak_resident_bytes
from tests.servers import free_port

GREETING = ("Hey! How are you?", "Hello there! How are you today?")  # the wording-only change
MESSAGES = ("hello", "I am feeling great", "hi", "I am sad", "yes", "goodbye")


def rasa(*args: str, cwd: Path, cache: Optional[Path] = None) -> float:
    """Run `python -m rasa ARGS` in `cwd` (its cache is `cache`, or `cwd/.rasa` so that a training
    time is one from nothing); the seconds it took."""
    started = time.perf_counter()
    cache = cache or cwd / ".rasa" / "cache"
    done = subprocess.run([sys.executable, "-m", "rasa", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, env={**os.environ, "RASA_CACHE_DIRECTORY": str(cache)})
    if done.returncode != 0:
        raise RuntimeError(f"rasa {' '.join(args)} failed:\n{done.stderr.decode(errors='replace')[-3000:]}")
    return time.perf_counter() - started


def quick_config() -> str:
    """Rasa's default configuration (what the stock config.yml's empty lists stand for), written
    out with one epoch for each model."""
    import rasa.engine.recipes

    default = Path(rasa.engine.recipes.__file__).parent / "config_files" / "default_config.yml"
    return default.read_text(encoding="utf-8").replace("epochs: 100", "epochs: 1")


class StockChat:
    def __init__(self, webhook: str):
        self.webhook, self.sender, self.http = webhook, f"bench-{uuid.uuid4().hex}", requests.Session()

    def post(self, text: str) -> List[dict]:
        reply = self.http.post(self.webhook, json={"sender": self.sender, "message": text}, timeout=120)
        if reply.status_code != 200:  # a reply may be empty: the model chose to say nothing
            raise NotAnswered(f"{reply.status_code}: {reply.text[:300]}")
        return reply.json()

    def turn(self, number: int) -> None:
        self.post(MESSAGES[number % len(MESSAGES)])


class Stock:
    def __init__(self, folder: Path):
        self.folder = folder
        self.process = None
        self.port = free_port()
        self.cache: Optional[Path] = None  # the folder's own: trainings from nothing

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/rest/webhook"

    def create_and_train(self, quick: bool = False) -> float:
        """`rasa init --no-prompt`: the project's files, then a full training from nothing.
        `quick` (make test's check that the benchmark runs): the same files, each model trained
        for one epoch, with a cache kept on the machine from one run to the next (the same files
        every time: after the first run, restored, not trained), so the figures are not the
        stock assistant's."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if not quick:
            return rasa("init", "--no-prompt", "--init-dir", str(self.folder), cwd=self.folder)
        from bot.pack.model import rasa_cache_directory

        self.cache = rasa_cache_directory().parent / "rasa-stock-quick"
        subprocess.run([sys.executable, "-c", "import sys; from rasa.cli.scaffold import create_initial_project; "
                        "create_initial_project(sys.argv[1])", str(self.folder)], check=True)
        (self.folder / "config.yml").write_text(quick_config(), encoding="utf-8")
        return rasa("train", cwd=self.folder, cache=self.cache)

    def retrain_after_wording_change(self) -> float:
        domain = self.folder / "domain.yml"
        text = domain.read_text(encoding="utf-8")
        if GREETING[0] not in text:
            raise RuntimeError(f"the stock domain has no {GREETING[0]!r}: update benchmarks/stock.py")
        domain.write_text(text.replace(GREETING[0], GREETING[1]), encoding="utf-8")
        return rasa("train", cwd=self.folder, cache=self.cache)

    def start(self) -> float:
        """Start `rasa run` (REST channel, loopback only); seconds until the first reply."""
        started = time.perf_counter()
        log = (self.folder / "rasa.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "rasa", "run", "--interface", "127.0.0.1", "--port", str(self.port)],
            cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
        )
        while time.perf_counter() - started < 300:
            if self.process.poll() is not None:
                raise RuntimeError(f"the stock assistant stopped:\n{(self.folder / 'rasa.log').read_text()[-3000:]}")
            try:
                StockChat(self.webhook).post(MESSAGES[0])
                return time.perf_counter() - started
            except (requests.ConnectionError, NotAnswered):
                time.sleep(0.1)
        raise RuntimeError("the stock assistant did not answer within 300 s")

    def chat(self, _number: int = 0) -> StockChat:
        return StockChat(self.webhook)

    def peak_memory(self) -> Dict[str, int]:
        return {"Rasa server": peak_resident_bytes(self.process.pid)}

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
