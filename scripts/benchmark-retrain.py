"""Benchmark: how long training takes from nothing, and how long a retrain takes after a change of
wording alone (Rasa's cache keeps everything else). Prints both figures (TRAINERS.md quotes them).

Run: .venv/bin/python scripts/benchmark-retrain.py    (a few minutes: it trains twice, in a
temporary copy of the project with a cache of its own)"""
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.model import ensure_trained  # noqa: E402

QUESTION = "Let's start. Tell me about something you like doing."


def timed(project: Path) -> float:
    started = time.monotonic()
    ensure_trained(project)
    return time.monotonic() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        for name in ("config.yml", "domain.yml"):
            shutil.copy(ROOT / name, project / name)
        shutil.copytree(ROOT / "data", project / "data")
        full = timed(project)
        domain = project / "domain.yml"
        text = domain.read_text(encoding="utf-8")
        assert QUESTION in text, "the benchmark changes the warm-up question: update QUESTION"
        domain.write_text(text.replace(QUESTION, "Let's begin. Tell me about something you enjoy doing.", 1),
                          encoding="utf-8")
        wording = timed(project)
    print("| training | seconds |")
    print("| --- | --- |")
    print(f"| from nothing | {full:.0f} |")
    print(f"| after a change of wording alone | {wording:.0f} |")


if __name__ == "__main__":
    main()
