"""The action server's one Store, made on first use from the settings (tests set their own)."""
from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import List, Set, Tuple

from bot.pack.prompt_pack import PromptPack
from bot.store.flags import Flags
from bot.store.repository import AnswerInfo, Store


@lru_cache(maxsize=None)
def get_store() -> Store:
    return Store.from_settings()


@lru_cache(maxsize=None)
def get_prompt_pack() -> PromptPack:
    return PromptPack.load()


async def answers_and_flagged(session_id: str) -> Tuple[List[AnswerInfo], Set[str]]:
    """The session's answers, and the message ids of the child's words that raised a flag (which
    the read-back leaves out: bot/dialogue/read_back.py)."""
    store = get_store()
    answers = await asyncio.to_thread(store.answers, session_id)
    return answers, await asyncio.to_thread(Flags(store).message_ids, session_id)
