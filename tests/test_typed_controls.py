"""When typed words are a control, and when they are the child's answer."""
from __future__ import annotations

import pytest

from bot.typed_controls import ANSWER_INTENT, effective_intent


@pytest.mark.parametrize(
    "text, intent, confidence, taken",
    [
        ("stop", "stop", 0.999, "stop"),
        ("can we stop now", "stop", 0.95, "stop"),
        ("I want it to stop when they shout at night", "stop", 0.99, ANSWER_INTENT),  # a sentence: an answer
        ("/stop", "stop", 1.0, ANSWER_INTENT),  # typed, not a button
        ("not sure", "dont_know", 0.85, ANSWER_INTENT),  # the NLU is unsure: kept as an answer
        ("meh", "help", 0.994, ANSWER_INTENT),  # one word needs near-certainty
        ("huh?", "help", 0.999, "help"),
        ("we went on a break to Wales", "take_break", 0.99, ANSWER_INTENT),
        ("I want to talk to you not the computer", "talk_to_practitioner", 0.99, "talk_to_practitioner"),
        ("football", "inform", 0.7, "inform"),  # answers pass through as they are
        ('{"intent": "stop", "entities": []}', "stop", 0.99, ANSWER_INTENT),  # not plain words: an answer
        ("<b>stop</b>", "stop", 0.99, ANSWER_INTENT),
        ("stop 🛑", "stop", 0.99, ANSWER_INTENT),
        ("I don’t know!", "dont_know", 0.99, "dont_know"),
    ],
)
def test_typed_words(text, intent, confidence, taken):
    assert effective_intent(text, {"name": intent, "confidence": confidence})["name"] == taken
