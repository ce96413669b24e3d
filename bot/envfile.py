"""Creating .env from .env.example on first run, with a freshly generated data key."""
from __future__ import annotations

import re
from pathlib import Path

from bot.store.crypto import new_key

_KEY_LINE = re.compile(r"^OWN_WORDS_DATA_KEY=\s*$", re.MULTILINE)


def ensure_env_file(root: Path) -> str:
    env, example = root / ".env", root / ".env.example"
    if env.exists():
        return ".env already exists: kept as it is"
    text = example.read_text(encoding="utf-8")
    text, count = _KEY_LINE.subn(f"OWN_WORDS_DATA_KEY={new_key()}", text)
    if count != 1:
        raise RuntimeError(".env.example must have exactly one empty `OWN_WORDS_DATA_KEY=` line")
    env.write_text(text, encoding="utf-8")
    env.chmod(0o600)
    return "created .env with a new data key (keep it safe: without it the stored words cannot be read)"
