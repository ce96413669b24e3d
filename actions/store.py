"""The action server's one Store, made on first use from the settings (tests set their own)."""
from __future__ import annotations

from functools import lru_cache

from bot.prompt_pack import PromptPack
from bot.store.repository import Store


@lru_cache(maxsize=None)
def get_store() -> Store:
    return Store.from_settings()


@lru_cache(maxsize=None)
def get_prompt_pack() -> PromptPack:
    return PromptPack.load()
