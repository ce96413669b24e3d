"""Creating .env from .env.example on first run, with freshly generated secrets; adding any secret
a newer .env.example asks for to an older .env."""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Callable, Dict, List

from bot.store.chain import new_chain_key
from bot.store.crypto import new_key

# the settings .env.example leaves empty for each machine to generate its own
GENERATED: Dict[str, Callable[[], str]] = {
    "OWN_WORDS_DATA_KEY": new_key,
    "OWN_WORDS_CHAIN_KEY": new_chain_key,
    "WEB_SECRET_KEY": lambda: secrets.token_urlsafe(48),
    "ACTION_TOKEN": lambda: secrets.token_urlsafe(32),
    "CHANNEL_TOKEN": lambda: secrets.token_urlsafe(32),
}


def ensure_env_file(root: Path) -> str:
    env, example = root / ".env", root / ".env.example"
    if env.exists():
        env.chmod(0o600)  # an older version left it readable by others for a moment, or for good
        added = _add_missing(env)
        return f".env: added {', '.join(added)}" if added else ".env already exists: kept as it is"
    text = example.read_text(encoding="utf-8")
    for name, make in GENERATED.items():
        text, count = re.subn(rf"^{name}=\s*$", f"{name}={make()}", text, flags=re.MULTILINE)
        if count != 1:
            raise RuntimeError(f".env.example must have exactly one empty `{name}=` line")
    _write_private(env, text)
    return "created .env with a new data key (keep it safe: without it the stored words cannot be read)"


def _add_missing(env: Path) -> List[str]:
    """Fills in (or adds) each generated setting the .env lacks; the names of those it filled."""
    text = env.read_text(encoding="utf-8")
    filled = []
    for name, make in GENERATED.items():
        if re.search(rf"^{name}=\S", text, flags=re.MULTILINE):
            continue
        text, count = re.subn(rf"^{name}=\s*$", f"{name}={make()}", text, count=1, flags=re.MULTILINE)
        if not count:
            text += ("" if text.endswith("\n") or not text else "\n") + f"{name}={make()}\n"
        filled.append(name)
    if filled:
        env.write_text(text, encoding="utf-8")
    return filled


def set_values(env: Path, values: Dict[str, str]) -> None:
    """Set these settings in the .env file (each line replaced, or added at the end), keeping the
    rest of the file as it is; written to a new file first, then moved into place."""
    text = env.read_text(encoding="utf-8")
    for name, value in values.items():
        text, count = re.subn(rf"^{name}=.*$", lambda _: f"{name}={value}", text, count=1, flags=re.MULTILINE)
        if not count:
            text += ("" if text.endswith("\n") or not text else "\n") + f"{name}={value}\n"
    partial = env.with_name(env.name + ".new")
    partial.unlink(missing_ok=True)
    _write_private(partial, text)
    partial.replace(env)


def _write_private(path: Path, text: str) -> None:
    """A new file readable by its owner alone from the moment it exists (not chmod-ed after)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def value_of(env: Path, name: str) -> str:
    match = re.search(rf"^{name}=(.*)$", env.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return match.group(1).strip() if match else ""
