"""A tracker store that cannot be read or written fails the turn, rather than starting it afresh.

Rasa wraps every tracker store in its FailSafeTrackerStore (rasa/core/agent.py), which, when the
database does not answer (PostgreSQL restarting, a fail-over, a network fault), logs the error and
goes on with an empty conversation held in memory: the child's answer would reach a conversation
with no question asked, go unstored, and the tablet would be told all was well. Here the error
goes on up instead: the channel undoes the turn and answers 503 (bot/channel/tablet.py), and the
tablet sends the same message again, with its id, until the database is back. Found by the fault
suite across replicas (tests/test_faults_replicas.py: PostgreSQL restarted mid-run lost an answer)."""
from __future__ import annotations

from typing import Optional, Text

from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker


async def _retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
    return await self._tracker_store.retrieve(sender_id)


async def _retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
    return await self._tracker_store.retrieve_full_tracker(sender_id)


async def _save(self, tracker: DialogueStateTracker) -> None:
    await self._tracker_store.save(tracker)


def install() -> None:
    FailSafeTrackerStore.retrieve = _retrieve
    FailSafeTrackerStore.retrieve_full_tracker = _retrieve_full_tracker
    FailSafeTrackerStore.save = _save
