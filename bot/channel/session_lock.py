"""One message of a session at a time, across every Rasa server that shares the database.

Within one process an asyncio lock per session does it (bot/channel/tablet.py: a retry waits for the
first try). Rasa servers behind a load balancer share only the database, so on PostgreSQL the turn
also holds an advisory lock keyed on the session id, taken on a connection of its own and let go
after the turn; a server that dies mid-turn lets go with its connection. Waiting is a poll with
pg_try_advisory_lock, never a blocked thread, so a session waiting for its lock holds up no other.
On SQLite there is one Rasa server, and the process's own lock is the whole story."""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator, Optional

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

POLL_SECONDS = 0.05
_TRY = text("SELECT pg_try_advisory_lock(hashtextextended(:session, 0))")
_LET_GO = text("SELECT pg_advisory_unlock(hashtextextended(:session, 0))")


def lock_engine(store_engine: Engine) -> Optional[Engine]:
    """An engine for the locks (a connection per turn, none kept), or None where none is needed."""
    if store_engine.dialect.name != "postgresql":
        return None
    return create_engine(store_engine.url, future=True, poolclass=NullPool)


@asynccontextmanager
async def one_at_a_time(engine: Optional[Engine], session_id: str) -> AsyncIterator[None]:
    if engine is None:
        yield
        return
    connection = await asyncio.to_thread(_connect, engine)
    try:
        while not await asyncio.to_thread(_try, connection, session_id):
            await asyncio.sleep(POLL_SECONDS)
        yield
    finally:
        await asyncio.to_thread(_let_go, connection, session_id)


def _connect(engine: Engine):
    return engine.connect().execution_options(isolation_level="AUTOCOMMIT")


def _try(connection, session_id: str) -> bool:
    return bool(connection.execute(_TRY, {"session": session_id}).scalar_one())


def _let_go(connection, session_id: str) -> None:
    try:
        connection.execute(_LET_GO, {"session": session_id})
    finally:
        connection.close()  # a lock still held (the unlock failed) goes with the connection
