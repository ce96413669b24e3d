"""Our own tools' access to Rasa's tracker store (its one table, `events`), without loading Rasa:
encrypting rows written before the store encrypted them, and undoing a turn that failed part-way.

The table is Rasa's (rasa/core/tracker_store.py, SQLTrackerStore.SQLEvent); only the columns used
here are named. bot/channel/tracker_store.py writes `data` encrypted with the data key."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sqlalchemy import (
    Column,
    create_engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    inspect,
    select,
    update,
)

from bot.store.crypto import Cipher
from bot.store.db import pooled_sqlite_engine

events = Table(
    "events", MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("data", Text),
)


@lru_cache(maxsize=None)
def tracker_engine(tracker_db: str):
    """One engine a tracker store for the life of the process (the channel asks twice a turn), for
    every tool of ours that touches it. `tracker_db`: a SQLite file, or a database URL."""
    if is_url(tracker_db):
        return create_engine(tracker_db, future=True, pool_pre_ping=True)
    return pooled_sqlite_engine(f"sqlite:///{tracker_db}")


def is_url(tracker_db: str) -> bool:
    return "://" in tracker_db


def tracker_exists(tracker_db: str) -> bool:
    if not is_url(tracker_db) and not Path(tracker_db).exists():
        return False
    return inspect(tracker_engine(tracker_db)).has_table("events")


def encrypt_plain_rows(tracker_db: str, cipher: Cipher) -> int:
    """Encrypt the events stored in the clear (before the store encrypted them). Returns how many."""
    if not tracker_exists(tracker_db):
        return 0
    done = 0
    with tracker_engine(tracker_db).begin() as connection:
        rows = connection.execute(select(events.c.id, events.c.data).where(events.c.data.like("{%"))).all()
        for row in rows:
            connection.execute(update(events).where(events.c.id == row.id).values(data=cipher.encrypt(row.data)))
            done += 1
    return done



def last_event_id(tracker_db: str, sender_id: str) -> int:
    """The id of the conversation's newest event (0 if none): where a turn starts."""
    if not tracker_exists(tracker_db):
        return 0
    with tracker_engine(tracker_db).connect() as connection:
        return connection.execute(
            select(func.max(events.c.id)).where(events.c.sender_id == sender_id)
        ).scalar_one() or 0


def drop_events_after(tracker_db: str, sender_id: str, last_id: int) -> int:
    """Undo a turn: delete the conversation's events newer than `last_id`. Returns how many."""
    if not tracker_exists(tracker_db):
        return 0
    with tracker_engine(tracker_db).begin() as connection:
        return connection.execute(
            delete(events).where(events.c.sender_id == sender_id, events.c.id > last_id)
        ).rowcount
