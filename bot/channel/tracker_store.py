"""Rasa's tracker store for Own Words (endpoints.yml: `type: bot.channel.tracker_store.OwnWordsTrackerStore`).

Rasa's SQL tracker store, with two differences:
- every event's data (which holds what the child typed, and the slots) is encrypted with the data
  key, like the child's words in our tables; the columns Rasa queries by (sender, event type,
  timestamp, intent and action names) stay readable, and hold none of the child's words;
- each turn decrypts only the events written since the last (bot/channel/decrypted_events.py),
  and reads and writes them with SQLAlchemy's Core, not its ORM (a third of the cost of a turn in
  the Rasa server was SQLAlchemy's, docs/benchmarks.md); the queries are Rasa's own;
- a long conversation is carried on in a new Rasa session every so many events
  (bot/channel/tracker_compaction.py), so that Rasa, which replays them all on every message, stays quick;
- a practice session's conversation (bot/dialogue/practice.py) is kept only in this process's memory: Rasa
  needs it to carry on the conversation, but nothing typed in practice may be written to disk.
"""
from __future__ import annotations

import itertools
import json
from typing import Any, Dict, Iterable, Optional, Text

from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from bot.channel.decrypted_events import DecryptedEvents
from bot.channel.tracker_compaction import compaction
from bot.config import load_settings
from bot.dialogue import practice
from bot.store.crypto import Cipher
from bot.store.db import is_sqlite_file, pooled_sqlite_engine


class OwnWordsTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Optional[Domain] = None, **kwargs: Any) -> None:
        self._practice = InMemoryTrackerStore(domain)
        settings = load_settings()
        self.cipher = Cipher(settings.data_key, settings.previous_data_keys)
        self.decrypted = DecryptedEvents(self.cipher.decrypt)
        # the TRACKER_DB setting (endpoints.yml gives no `db`; a test may)
        super().__init__(domain=domain, **_connection({**kwargs, "db": kwargs.get("db") or settings.tracker_db}))
        if is_sqlite_file(str(self.engine.url)):
            # Connections kept open for reuse, and a write-ahead log: each turn's commit costs one
            # sync instead of several (the file keeps the mode; erasure empties the log).
            self.engine.dispose()
            self.engine = pooled_sqlite_engine(str(self.engine.url), future=False)
            self.sessionmaker = sessionmaker(bind=self.engine)
            with self.engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
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
            return
        await self.stream_events(tracker)
        events = self.SQLEvent.__table__
        with self.engine.begin() as connection:
            # the tracker holds the events since its Rasa session began, as they were loaded
            stored = connection.execute(
                select(func.count()).select_from(events).where(self._in_latest_session(tracker.sender_id))
            ).scalar_one()
            new = [*itertools.islice(tracker.events, stored, None), *compaction(tracker, len(tracker.events))]
            if new:
                connection.execute(insert(events), [self._row(tracker.sender_id, event) for event in new])

    def _row(self, sender_id: Text, event: Event) -> Dict[str, Any]:
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": self.cipher.encrypt(json.dumps(data)),
        }

    def _in_latest_session(self, sender_id: Text):
        """Rasa's condition for the events of a conversation's latest session (`_event_query`):
        those at or after its last `session_started`, or all if it has none."""
        events = self.SQLEvent.__table__
        session_start = (select(func.max(events.c.timestamp))
                         .where(events.c.sender_id == sender_id, events.c.type_name == SessionStarted.type_name)
                         .scalar_subquery())
        return and_(events.c.sender_id == sender_id,
                    or_(events.c.timestamp >= session_start, session_start.is_(None)))

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        if practice.is_practice(sender_id):
            return await self._practice.retrieve(sender_id)
        table = self.SQLEvent.__table__
        with self.engine.connect() as connection:
            rows = connection.execute(select(table.c.id, table.c.data).where(self._in_latest_session(sender_id))
                                      .order_by(table.c.id)).all()
        events = self.decrypted.events(sender_id, [(row.id, row.data) for row in rows])
        if not events or not self.domain:
            self.decrypted.forget(sender_id)
            return None
        return DialogueStateTracker.from_events(sender_id, events, self.domain.slots)

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        if practice.is_practice(conversation_id):
            return await self._practice.retrieve_full_tracker(conversation_id)
        with self.session_scope() as session:
            rows = self._event_query(session, conversation_id, fetch_events_from_all_sessions=True).all()
            events = [json.loads(self.cipher.decrypt(row.data)) for row in rows]
        if not events or not self.domain:
            return None
        return DialogueStateTracker.from_dict(conversation_id, events, self.domain.slots)

    async def keys(self) -> Iterable[Text]:
        return [*await super().keys(), *await self._practice.keys()]

    def _forget(self, session_id: str) -> None:
        self._practice.store.pop(session_id, None)


def _connection(kwargs: dict) -> dict:
    """`db`: TRACKER_DB, a SQLite file, or a URL (postgresql+psycopg2://user:
    password@host:port/database?sslmode=require), taken apart into the arguments Rasa's SQL tracker
    store asks for (the query, such as sslmode, too)."""
    db = str(kwargs.get("db") or "")
    if "://" not in db:
        return kwargs
    url = make_url(db)
    return {**kwargs, "dialect": url.drivername, "host": url.host, "port": url.port, "db": url.database,
            "username": url.username, "password": url.password, "query": dict(url.query) or None}
