"""Practice sessions: a trainer or practitioner previews activities as a child would see them.

A practice session is recognised by its id alone, so every process can tell without a lookup. Its
record (age band, plan, status) is kept like any session's, but nothing typed or tapped in it is
written anywhere: the transcript and answers live in an in-memory database in the process that
needs them (bot/store/repository.py), and Rasa's tracker in memory too (bot/channel/tracker_store.py).
Each process forgets a practice conversation when it ends there, or once it has been idle for
IDLE_LIMIT, and all of them on restart.
"""
from __future__ import annotations

import threading
import time
import uuid
import weakref
from typing import Callable, Dict, List

PREFIX = "practice-"
IDLE_LIMIT_SECONDS = 3 * 60 * 60  # no preview lasts this long untouched


def new_id() -> str:
    # 36 characters, the length of a session id column (a uuid4's 122 random bits, less 14)
    return PREFIX + uuid.uuid4().hex[: 36 - len(PREFIX)]


def is_practice(session_id: str) -> bool:
    return str(session_id).startswith(PREFIX)


class Memory:
    """What this process holds of practice conversations: whoever keeps some registers a way to
    forget one, and every use of a practice session marks it as still in use."""

    def __init__(self) -> None:
        self._forgetters: List[weakref.WeakMethod] = []
        self._last_used: Dict[str, float] = {}
        self._lock = threading.Lock()

    def on_forget(self, forget: Callable[[str], None]) -> None:
        """`forget` is a bound method; it is held weakly, so its object can go."""
        self._forgetters.append(weakref.WeakMethod(forget))

    def used(self, session_id: str) -> None:
        """A practice session was used just now; those idle too long are forgotten."""
        now = time.monotonic()
        with self._lock:
            self._last_used[session_id] = now
            idle = [key for key, last in self._last_used.items() if now - last > IDLE_LIMIT_SECONDS]
        for key in idle:
            self.forget(key)

    def forget(self, session_id: str) -> None:
        with self._lock:
            self._last_used.pop(session_id, None)
        for reference in list(self._forgetters):
            forget = reference()
            if forget is None:
                self._forgetters.remove(reference)
            else:
                forget(session_id)


memory = Memory()  # one per process: what it holds is this process's memory
