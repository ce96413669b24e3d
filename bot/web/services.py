"""The app's shared parts (settings, store, accounts, prompt pack, page wording), for the views."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml
from flask import current_app

from bot.config import Settings
from bot.pack.prompt_pack import PromptPack
from bot.store.accounts import Accounts
from bot.store.repository import Store

WORDING_FILE = Path(__file__).resolve().parent / "wording.yml"


def settings() -> Settings:
    return current_app.extensions["own_words"]["settings"]


def store() -> Store:
    return current_app.extensions["own_words"]["store"]


def accounts() -> Accounts:
    return current_app.extensions["own_words"]["accounts"]


def pack() -> PromptPack:
    return current_app.extensions["own_words"]["pack"]


@lru_cache(maxsize=None)
def _wording(mtime: float) -> Dict[str, Any]:
    with WORDING_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def wording(language: str = "en") -> Dict[str, Any]:
    """The page words in a language (bot/web/wording.yml), re-read when a trainer edits the file."""
    words = _wording(WORDING_FILE.stat().st_mtime)
    return words.get(language) or words["en"]
