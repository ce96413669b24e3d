"""When typed words are a control, and when they are the child's answer."""
from __future__ import annotations

import pytest

from bot.channel.typed_controls import (
    ANSWER_INTENT,
    effective_intent,
    repetition_idiom,
    taken_as,
)


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


@pytest.mark.parametrize(
    "text, intent, confidence, ranking, taken, to_check",
    [
        ("not sure", "dont_know", 0.85, [], ANSWER_INTENT, "dont_know"),  # unsure: kept, then checked with the child
        ("I want it to stop when they shout at night", "stop", 0.99, [], ANSWER_INTENT, "stop"),  # too long to act on
        ("stop 🛑", "stop", 0.99, [], ANSWER_INTENT, "stop"),  # not plain words: checked, never acted on
        ("meh", "help", 0.994, [], ANSWER_INTENT, "help"),
        # sure of skip, but help comes close: skipping would lose the question the child asked about
        ("can you say it different", "skip", 0.95, [{"name": "help", "confidence": 0.2}], ANSWER_INTENT, "skip"),
        ("stop", "stop", 0.999, [{"name": "inform", "confidence": 0.5}], "stop", None),  # an answer is no rival
        ("football", "inform", 0.7, [], "inform", None),  # an answer, nothing to check
        ("I want it to stop when they shout at night and then they go to bed and it is quiet again",
         "stop", 0.99, [], ANSWER_INTENT, None),  # a long answer is an answer, however it reads
        ("can we stop", "stop", 0.3, [], ANSWER_INTENT, None),  # barely leaning: an answer
    ],
)
def test_words_that_only_look_like_a_control_are_kept_and_checked(text, intent, confidence, ranking, taken, to_check):
    decided = taken_as(text, {"name": intent, "confidence": confidence}, ranking)
    assert (decided.intent["name"], decided.to_check) == (taken, to_check)


@pytest.mark.parametrize("text, idiom", [
    ("again and again", True), ("Over and over!", True), ("on and on and on", True), ("round and round", True),
    ("again", False), ("stop and go home", False), ("and and", False), ("say it again and again please", True),
])
def test_a_word_repeated_around_and_is_an_answer_not_a_control(text, idiom):
    assert repetition_idiom(text) == idiom
    decided = taken_as(text, {"name": "repeat", "confidence": 0.9999}, [])
    if idiom:  # kept as the answer and checked, never acted on
        assert (decided.intent["name"], decided.to_check) == (ANSWER_INTENT, "repeat")
