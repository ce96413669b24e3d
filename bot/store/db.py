"""The engine and session factory, and migrating a database to the current schema."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    if is_sqlite_file(url):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
        engine = pooled_sqlite_engine(url)
    else:  # a connection is tried before use: one the server closed (a restart, a fail-over) is replaced
        engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def is_sqlite_file(url: str) -> bool:
    return url.startswith("sqlite:///") and not url.endswith(":memory:")


def pooled_sqlite_engine(url: str, future: bool = True) -> Engine:
    """An SQLite file with its connections kept open for reuse, as SQLAlchemy 2 does by default
    (1.4 opens a new connection for every session: a few milliseconds each, several times a turn).
    A connection is used by one thread at a time, handed over by the pool."""
    return create_engine(url, future=future, poolclass=QueuePool, pool_size=5, max_overflow=20,
                         connect_args={"check_same_thread": False})


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # The Rasa process (transcript) and the action server (answers) write to the same file:
    # WAL lets them read while the other writes, and busy_timeout makes a writer wait its turn.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    # what is deleted (an erased case) is overwritten, not left in free pages
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def make_sessionmaker(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, future=True, expire_on_commit=False)


def migrate(url: str, revision: str = "head", data_key: Optional[str] = None) -> None:
    """Bring the database at `url` to the newest schema (creating it if need be), or to
    `revision`. `data_key`: for the migrations that encrypt what was stored in the clear."""
    from alembic import command  # here, so the servers that only read and write never load it
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["data_key"] = data_key
    make_engine(url).dispose()  # creates the SQLite folder
    command.upgrade(config, revision)
