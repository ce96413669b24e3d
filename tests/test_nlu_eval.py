"""Typed words on held-out child-like messages: no answer is ever taken as a control, and controls
are recognised at least 95% of the time (the figures are in the README: python -m bot nlu-report)."""
from __future__ import annotations

import pytest

from bot.channel.typed_controls import is_control
from bot.pack.model import ensure_trained
from bot.pack.nlu_eval import (
    ANSWER,
    evaluate,
    load_messages,
    parsed,
    same_words,
    training_examples,
)
from bot.safeguarding.concern import find_concern
from bot.safeguarding.lexicon import Lexicon
from tests.conftest import ROOT

pytestmark = pytest.mark.trained  # the trained model's figures: not in make check

MESSAGES = ROOT / "tests" / "nlu" / "child_messages.yml"


@pytest.fixture(scope="module")
def evaluation():
    return evaluate(ensure_trained(ROOT), MESSAGES)


def test_the_set_is_large_and_kept_apart_from_the_training_data():
    messages = load_messages(MESSAGES)
    assert sum(len(m) for m in messages.values()) >= 300 and len(messages[ANSWER]) >= 200
    training = training_examples(ROOT)
    overlap = [m for ms in messages.values() for m in ms if same_words(m) in training]
    assert not overlap, f"these test messages are also training examples: {overlap}"


def test_no_answer_is_taken_as_a_control(evaluation):
    assert evaluation.answers_taken_as_controls() == []


def test_controls_are_recognised(evaluation):
    assert evaluation.control_recall() >= 0.95, evaluation.table()


def test_awkward_answers_are_answers_not_controls_or_concerns(awkward_answers):
    """Emoji, other scripts, markup, SQL, blank lines, a very long answer: whatever its shape, an
    answer stays an answer (the HTTP tests then walk whole sessions with these)."""
    lexicon = Lexicon.load(ROOT)
    for _, message, parse_data, meaning in parsed(ensure_trained(ROOT), {"answer": [a for a in awkward_answers if a.strip()]}):
        assert not is_control(parse_data["intent"]["name"]), f"taken as {parse_data['intent']['name']}: {message!r}"
        assert find_concern(message, parse_data, lexicon, meaning) is None, f"a false safeguarding alarm: {message!r}"
