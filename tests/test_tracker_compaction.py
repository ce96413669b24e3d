"""Cutting Rasa's working conversation short (bot/channel/tracker_compaction.py), on a tracker made from the
JSON fixture of a child answering in the three houses, then answering "what else?" many times."""
from __future__ import annotations

import copy

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channel.tracker_compaction import COMPACT_AFTER, compaction
from tests.conftest import load_fixture
from tests.servers import ROOT

FORM = "three_houses_form"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def what_else_turn(number: int, time: float) -> list:
    """A child's answer to "What else goes in the house of good things?" and the question again."""
    return [
        {"event": "user", "timestamp": time, "text": f"thing {number}", "parse_data": {"intent": {"name": "inform"}}},
        {"event": "action", "timestamp": time + 0.1, "name": FORM},
        {"event": "slot", "timestamp": time + 0.2, "name": "last_words", "value": f"thing {number}"},
        {"event": "slot", "timestamp": time + 0.3, "name": "requested_slot", "value": "three_houses_good_more"},
        {"event": "bot", "timestamp": time + 0.4, "text": "What else goes in the house of good things?",
         "metadata": {"utter_action": "utter_ask_three_houses_good_more"}},
        {"event": "action", "timestamp": time + 0.5, "name": "action_listen"},
    ]


def tracker_after(turns: int, domain: Domain, ending: list = ()) -> DialogueStateTracker:
    opening = load_fixture("tracker_three_houses_good.json")["events"][:8]  # the form asks, then listens
    events = copy.deepcopy(opening)
    for number in range(turns):
        events += what_else_turn(number, 1_000_000 + number)
    events += list(ending)
    return DialogueStateTracker.from_dict("session-1", events, domain.slots)


def test_nothing_is_done_before_the_session_is_long(domain):
    tracker = tracker_after(3, domain)
    assert compaction(tracker, len(tracker.events)) == []


def test_a_long_session_goes_on_in_a_new_rasa_session_with_everything_carried(domain):
    tracker = tracker_after(COMPACT_AFTER // 6 + 1, domain)
    assert len(tracker.events) > COMPACT_AFTER
    carried = compaction(tracker, len(tracker.events))
    assert [e.type_name for e in carried[:2]] == ["action", "session_started"]
    assert carried[0].action_name == "action_session_start"
    times = [e.timestamp for e in carried]
    assert times == sorted(times) and times[0] > tracker.events[-1].timestamp

    # What Rasa will load next time: the events from the new session's start.
    start = next(i for i, e in enumerate(carried) if isinstance(e, SessionStarted))
    resumed = DialogueStateTracker.from_events("session-1", carried[start:], domain.slots)
    assert resumed.current_slot_values() == tracker.current_slot_values()
    assert resumed.active_loop_name == FORM
    assert resumed.latest_action_name == "action_listen"
    last_bot = [e for e in resumed.events if e.type_name == "bot"][-1]
    assert last_bot.text == "What else goes in the house of good things?"  # the prompt the answer is stored with
    assert last_bot.metadata == {"utter_action": "utter_ask_three_houses_good_more"}
    assert len(resumed.events) < COMPACT_AFTER // 2  # short again


def test_nothing_is_done_where_the_rules_need_the_turns_before(domain):
    asked_to_stop = [
        {"event": "user", "timestamp": 2_000_000, "text": "stop", "parse_data": {"intent": {"name": "stop"}}},
        {"event": "action", "timestamp": 2_000_001, "name": "utter_ask_stop"},
        {"event": "bot", "timestamp": 2_000_002, "text": "Do you want to stop?"},
        {"event": "action", "timestamp": 2_000_003, "name": "action_listen"},
    ]
    tracker = tracker_after(COMPACT_AFTER // 6 + 1, domain, asked_to_stop)
    assert compaction(tracker, len(tracker.events)) == []  # "the child carries on" needs utter_ask_stop
    form_ended = [{"event": "active_loop", "timestamp": 2_000_004, "name": None}]
    tracker = tracker_after(COMPACT_AFTER // 6 + 1, domain, form_ended)
    assert compaction(tracker, len(tracker.events)) == []
