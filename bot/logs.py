"""Our own loggers (`bot.*`, `actions.*`), set apart from Rasa's: `OWN_WORDS_LOG_LEVEL` chooses how
much they say (DEBUG for diagnosis is safe: they never log a child's words, a password, a token or
a key; tests/test_web.py runs the servers at DEBUG and searches the log), while Rasa's own
`LOG_LEVEL` stays at INFO, since at DEBUG Rasa logs what the child typed.

Each process (the web app, the Rasa server through the tablet channel, the action server through
actions/) calls `configure()` once; it writes to standard error, which honcho collects."""
from __future__ import annotations

import logging
import os
import sys

from bot.config import SettingsError

OWN_LOGGERS = ("bot", "actions")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def level() -> str:
    raw = os.environ.get("OWN_WORDS_LOG_LEVEL", "INFO").strip().upper()
    if raw not in LEVELS:
        raise SettingsError(f"OWN_WORDS_LOG_LEVEL must be one of {', '.join(LEVELS)}, not {raw!r}")
    return raw


def configure() -> None:
    """A handler of our own (Rasa's handler filters below its own level); idempotent."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    chosen = level()
    for name in OWN_LOGGERS:
        logger = logging.getLogger(name)
        if not any(getattr(h, "own_words", False) for h in logger.handlers):
            handler.own_words = True  # type: ignore[attr-defined]
            logger.addHandler(handler)
        logger.setLevel(chosen)
        logger.propagate = False
