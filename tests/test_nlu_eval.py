"""Typed words on held-out child-like messages: no answer is ever taken as a control, and controls
are recognised at least 95% of the time (the figures are in the README: python -m bot nlu-report)."""
from __future__ import annotations

import pytest

from bot.model import ensure_trained
from bot.nlu_eval import ANSWER, evaluate, load_messages, training_examples
from tests.conftest import ROOT

MESSAGES = ROOT / "tests" / "nlu" / "child_messages.yml"


@pytest.fixture(scope="module")
def evaluation():
    return evaluate(ensure_trained(ROOT), MESSAGES)


def test_the_set_is_large_and_kept_apart_from_the_training_data():
    messages = load_messages(MESSAGES)
    assert sum(len(m) for m in messages.values()) >= 300 and len(messages[ANSWER]) >= 200
    training = training_examples(ROOT)
    overlap = [m for ms in messages.values() for m in ms if m.strip().lower() in training]
    assert not overlap, f"these test messages are also training examples: {overlap}"


def test_no_answer_is_taken_as_a_control(evaluation):
    assert evaluation.answers_taken_as_controls() == []


def test_controls_are_recognised(evaluation):
    assert evaluation.control_recall() >= 0.95, evaluation.table()
