"""Rasa's lock store, chosen by the LOCK_STORE_URL setting: Redis (redis://host:port/db) where several
Rasa servers share the conversations, Rasa's in-memory store where one server has them all.

endpoints.yml cannot leave out a section when a setting is empty, so it names this class and the
choice is made here. Rasa's lock keeps its own processor's turns in order; what makes one message of
a session at a time across servers is the channel's PostgreSQL advisory lock
(bot/channel/session_lock.py), held with the database the turn writes to."""
from __future__ import annotations

import os
from typing import Optional, Text
from urllib.parse import unquote, urlparse

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore

from bot.config import SettingsError


class LockStoreFromSettings(LockStore):
    def __init__(self, endpoint_config=None, url: Optional[str] = None) -> None:
        url = (os.environ.get("LOCK_STORE_URL", "") if url is None else url).strip()
        self.store = redis_lock_store(url) if url else InMemoryLockStore()
        super().__init__()

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return self.store.get_lock(conversation_id)

    def delete_lock(self, conversation_id: Text) -> None:
        self.store.delete_lock(conversation_id)

    def save_lock(self, lock: TicketLock) -> None:
        self.store.save_lock(lock)


def redis_lock_store(url: str) -> RedisLockStore:
    parts = urlparse(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise SettingsError(f"LOCK_STORE_URL must look like redis://host:6379/1 (or rediss:// for TLS), not {url!r}")
    path = parts.path.strip("/")
    if path and not path.isdigit():
        raise SettingsError(f"LOCK_STORE_URL's database must be a number (redis://host:6379/1), not {path!r}")
    return RedisLockStore(host=parts.hostname, port=parts.port or 6379, db=int(path or 1),
                          username=unquote(parts.username) if parts.username else None,
                          password=unquote(parts.password) if parts.password else None,
                          use_ssl=parts.scheme == "rediss")
