"""Rasa's tracker store for Own Words (endpoints.yml: `type: bot.tracker_store.OwnWordsTrackerStore`).

Rasa's SQL tracker store, except that a practice session's conversation (bot/practice.py) is kept
only in this process's memory: Rasa needs it to carry on the conversation, but nothing typed in
practice may be written to disk.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional, Text

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot import practice


class OwnWordsTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Optional[Domain] = None, **kwargs: Any) -> None:
        self._practice = InMemoryTrackerStore(domain)
        super().__init__(domain=domain, **kwargs)
        practice.memory.on_forget(self._forget)

    @property
    def domain(self) -> Domain:
        return self._domain

    @domain.setter
    def domain(self, domain: Optional[Domain]) -> None:
        self._domain = domain or Domain.empty()
        self._practice.domain = domain

    async def save(self, tracker: DialogueStateTracker) -> None:
        if practice.is_practice(tracker.sender_id):
            practice.memory.used(tracker.sender_id)
            await self._practice.save(tracker)
        else:
            await super().save(tracker)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        if practice.is_practice(sender_id):
            return await self._practice.retrieve(sender_id)
        return await super().retrieve(sender_id)

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        if practice.is_practice(conversation_id):
            return await self._practice.retrieve_full_tracker(conversation_id)
        return await super().retrieve_full_tracker(conversation_id)

    async def keys(self) -> Iterable[Text]:
        return [*await super().keys(), *await self._practice.keys()]

    def _forget(self, session_id: str) -> None:
        self._practice.store.pop(session_id, None)
