"""The events of each conversation as last read from the tracker store, decrypted and deserialised,
so that a turn decrypts and deserialises only the events written since the last one.

Rasa loads a conversation's events from the database at every message; decrypting each event and
turning it back into Rasa's objects was a fifth of the Rasa server's work in a turn (docs/
benchmarks.md). The database stays the only record: every read still asks it for the session's
rows (their ids and ciphertexts), and an event is taken from here only if the same row holds the
very same ciphertext. Encryption uses a fresh nonce each time, so a row written again (a turn
undone and retried, on this server or another, a key rotated, a session erased and begun again)
never matches and is read afresh. Nothing is written through here.

What is kept is the child's words in the clear, in this process's memory only: for the
conversations used most recently, each dropped five minutes after its last message (a sweep runs
on the event loop while anything is kept, so an idle server keeps nothing), and at once when the
database has no events for it (erased). A session erased in the web app is gone from here within
those five minutes at most."""
from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from rasa.shared.core.events import Event

# Conversations kept: more than the sessions one Rasa server has running at once.
MAX_CONVERSATIONS = 500
# A conversation not read for this long is dropped: a child's next answer usually comes sooner,
# and after a longer pause the next turn reads its events afresh (a few milliseconds).
KEEP_UNUSED_SECONDS = 5 * 60

Row = Tuple[int, str]  # a stored event's id and its ciphertext (Fernet: fresh each time)


class DecryptedEvents:
    def __init__(self, decrypt: Callable[[bytes], str], clock: Callable[[], float] = time.monotonic,
                 max_conversations: int = MAX_CONVERSATIONS, keep_unused: float = KEEP_UNUSED_SECONDS):
        self._decrypt, self._clock = decrypt, clock
        self._max, self._keep_unused = max_conversations, keep_unused
        # sender id -> (last read, {row id: (ciphertext, event)}), least recently read first
        self._kept: "OrderedDict[str, Tuple[float, Dict[int, Tuple[str, Event]]]]" = OrderedDict()
        self._sweep: Optional[Tuple[asyncio.AbstractEventLoop, asyncio.TimerHandle]] = None

    def events(self, sender_id: str, rows: Sequence[Row]) -> List[Event]:
        """The events the rows hold, in the rows' order: those read before taken from memory."""
        _, known = self._kept.pop(sender_id, (0.0, {}))
        now = self._clock()
        self._drop_unused(now)
        read: Dict[int, Tuple[str, Event]] = {}
        events: List[Event] = []
        for row_id, ciphertext in rows:
            kept = known.get(row_id)
            event: Optional[Event]
            if kept is not None and kept[0] == ciphertext:
                event = kept[1]
            else:
                event = Event.from_parameters(json.loads(self._decrypt(ciphertext)))
            if event is None:  # a type this Rasa does not know: left out, as Rasa leaves it out
                continue
            read[row_id] = (ciphertext, event)
            events.append(event)
        if read:
            self._kept[sender_id] = (now, read)
            while len(self._kept) > self._max:
                self._kept.popitem(last=False)
            self._sweep_later()
        return events

    def _sweep_later(self) -> None:
        """Drop what has gone unused once it is due, even if no message comes to ask."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside an event loop (a script): swept at the next read
            return
        if self._sweep is not None and self._sweep[0] is loop:
            return

        def sweep() -> None:
            self._sweep = None
            self._drop_unused(self._clock())
            if self._kept:
                self._sweep_later()

        self._sweep = (loop, loop.call_later(self._keep_unused / 2, sweep))

    def forget(self, sender_id: str) -> None:
        self._kept.pop(sender_id, None)

    def __len__(self) -> int:
        return len(self._kept)

    def _drop_unused(self, now: float) -> None:
        while self._kept:
            sender_id, (last_read, _) = next(iter(self._kept.items()))
            if now - last_read < self._keep_unused:
                return
            del self._kept[sender_id]
