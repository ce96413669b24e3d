"""`python -m bot keys rotate`: a new data key for everything encrypted with the old one.

Safe to interrupt: the new key is written to .env first, with the old one kept as a previous key
(still able to read), then every encrypted value in our tables and every event in Rasa's tracker
store is re-encrypted, and only then is the previous key dropped. Run it again after an
interruption: what was done already is simply rotated again."""
from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update

from bot import envfile
from bot.config import Settings
from bot.store import models
from bot.store.crypto import Cipher, new_key
from bot.store.db import make_engine
from bot.store.tracker_events import events, tracker_engine, tracker_exists


class RotationRefused(RuntimeError):
    """The key cannot be rotated now; the message says why and what to do."""


@dataclass(frozen=True)
class Rotated:
    values: int  # encrypted values in our tables
    events: int  # events in Rasa's tracker store


def rotate(settings: Settings, env: Path) -> Rotated:
    if envfile.value_of(env, "OWN_WORDS_DATA_KEY") != settings.data_key:
        raise RotationRefused(
            "the data key in use is not the one in .env (it is set in the environment): "
            "rotate it where it is set"
        )
    running = [port for port in (settings.rasa_port, settings.action_port, settings.web_port) if _listening(port)]
    if running:
        raise RotationRefused(f"Own Words is running (port {running[0]} answers): stop it first (Ctrl-C)")
    old = [settings.data_key, *settings.previous_data_keys]
    key = new_key()
    envfile.set_values(env, {"OWN_WORDS_DATA_KEY": key, "OWN_WORDS_PREVIOUS_DATA_KEYS": ",".join(old)})
    cipher = Cipher(key, old)
    done = Rotated(_rotate_tables(settings.database_url, cipher), _rotate_events(settings.tracker_db, cipher))
    envfile.set_values(env, {"OWN_WORDS_PREVIOUS_DATA_KEYS": ""})
    return done


def _rotate_tables(database_url: str, cipher: Cipher) -> int:
    engine = make_engine(database_url)
    count = 0
    try:
        with engine.begin() as connection:
            for table in models.Base.metadata.sorted_tables:
                for column in [c for c in table.columns if c.name.endswith("_encrypted")]:
                    rows = connection.execute(select(table.c.id, column).where(column.is_not(None))).all()
                    for row_id, token in rows:
                        connection.execute(update(table).where(table.c.id == row_id).values({column.name: cipher.rotate(token)}))
                        count += 1
    finally:
        engine.dispose()
    return count


def _rotate_events(tracker_db: str, cipher: Cipher) -> int:
    if not tracker_exists(tracker_db):
        return 0
    count = 0
    with tracker_engine(tracker_db).begin() as connection:
        for row_id, token in connection.execute(select(events.c.id, events.c.data)).all():
            fresh = cipher.encrypt(token) if token.startswith("{") else cipher.rotate(token)  # "{": in the clear
            connection.execute(update(events).where(events.c.id == row_id).values(data=fresh))
            count += 1
    return count


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.3)
        return probe.connect_ex(("127.0.0.1", port)) == 0
