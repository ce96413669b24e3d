"""How long a trainer waits: training Own Words from nothing, and retraining after a change of
wording alone (none: the model's fingerprint leaves the wording out, bot/pack/model.py), in a copy
of the project with a cache of its own."""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Tuple
from unittest.mock import patch

from bot.config import PROJECT_ROOT
from bot.pack.model import ensure_trained

QUESTION = ("Let's start. Tell me about something you like doing.",
            "Let's begin. Tell me about something you enjoy doing.")


def timed(project: Path) -> float:
    """Seconds to train `project`, with a Rasa cache of its own (not the machine's shared one)."""
    with patch.dict(os.environ, {"RASA_CACHE_DIRECTORY": str(project / ".rasa" / "cache")}):
        started = time.perf_counter()
        ensure_trained(project, quiet=True)
        return time.perf_counter() - started


def measure(folder: Path) -> Tuple[float, float]:
    """(seconds from nothing, seconds after a wording-only change)."""
    for name in ("config.yml", "domain.yml"):
        shutil.copy(PROJECT_ROOT / name, folder / name)
    shutil.copytree(PROJECT_ROOT / "data", folder / "data")
    full = timed(folder)
    domain = folder / "domain.yml"
    text = domain.read_text(encoding="utf-8")
    if QUESTION[0] not in text:
        raise RuntimeError(f"domain.yml has no {QUESTION[0]!r} any more: update benchmarks/training.py")
    domain.write_text(text.replace(QUESTION[0], QUESTION[1], 1), encoding="utf-8")
    return full, timed(folder)
