"""Keeping Rasa's working conversation short, so that turn 300 of a session is as quick as turn 10.

Rasa reloads and replays a conversation's events on every message, and several of its steps
(replaying, rule and loop checks, the policies' states) cost more than linearly in the number of
events: without this, a turn deep into a long "What else ...?" question took twenty times as long
as an early one (docs/benchmarks.md). Rasa itself only loads the events of the latest conversation
session (those since the last `session_started`), so every so many events the tracker store begins
a new Rasa session that carries everything on: the slots, the active form, and the last turn's
question (what the child is answering, which capture reads as the exact prompt).

It is done only where Rasa's rules alone decide what comes next: a form is active and has just
asked its question. The earlier events stay in the store (encrypted, erased with the session)."""
from __future__ import annotations

import copy
import time
from typing import List, Optional

from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

# Events since the session started before a new one is begun. A new session starts with about 60
# (the slots that are set, and the last question); Rasa's policies look back 5 turns (config.yml).
COMPACT_AFTER = 150


def compaction(tracker: DialogueStateTracker, events_in_session: int) -> List[Event]:
    """The events that begin a new Rasa session carrying this one on, or [] if it is not yet due
    or not safe here."""
    if events_in_session <= COMPACT_AFTER or tracker.active_loop_name is None:
        return []
    last_question = _last_question(tracker)
    if last_question is None:
        return []
    carried: List[Event] = [
        ActionExecuted(ACTION_SESSION_START_NAME),
        SessionStarted(),
        *(SlotSet(slot.name, slot.value) for slot in tracker.slots.values() if slot.value != slot.initial_value),
        ActiveLoop(tracker.active_loop_name),
        *(copy.deepcopy(event) for event in last_question),
    ]
    # Rasa finds the latest session by timestamp: each event later than the last one stored.
    start = max(time.time(), tracker.events[-1].timestamp) + 0.001
    for number, event in enumerate(carried):
        event.timestamp = start + number * 1e-6
    return carried


def _last_question(tracker: DialogueStateTracker) -> Optional[List[Event]]:
    """The events since the child's last message, if they are the active form asking its question
    and then listening: [ActionExecuted(form), SlotSet..., BotUttered..., ActionExecuted(listen)]."""
    events = list(tracker.events)
    if not events or not isinstance(events[-1], ActionExecuted) or events[-1].action_name != ACTION_LISTEN_NAME:
        return None
    start = next((i for i in range(len(events) - 1, -1, -1) if isinstance(events[i], UserUttered)), None)
    if start is None:
        return None
    actions = [i for i in range(start + 1, len(events)) if isinstance(events[i], ActionExecuted)]
    if len(actions) != 2 or events[actions[0]].action_name != tracker.active_loop_name:
        return None
    return events[actions[0]:]
