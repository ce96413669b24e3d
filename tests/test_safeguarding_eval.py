"""The two layers on held-out messages (tests/nlu/safeguarding.yml): every disclosure is found, and
the false-alarm rate on ordinary answers stays low (the figures are in the README:
python -m bot safeguarding-report)."""
from __future__ import annotations

import pytest

from bot.model import ensure_trained
from bot.nlu_eval import load_messages, training_examples
from bot.safeguarding.evaluation import DISCLOSURE, ORDINARY, evaluate
from tests.conftest import ROOT

MESSAGES = ROOT / "tests" / "nlu" / "safeguarding.yml"
# Erring towards flagging costs some false alarms; more than this would bury the real ones.
MAX_FALSE_ALARM_RATE = 0.10


@pytest.fixture(scope="module")
def evaluation():
    return evaluate(ensure_trained(ROOT), MESSAGES)


def test_the_set_is_large_and_kept_apart_from_the_training_data():
    messages = load_messages(MESSAGES)
    assert len(messages[DISCLOSURE]) >= 150 and len(messages[ORDINARY]) >= 300
    training = training_examples(ROOT)
    overlap = [m for ms in messages.values() for m in ms if m.strip().lower() in training]
    assert not overlap, f"these test messages are also training examples: {overlap}"


def test_every_disclosure_is_found(evaluation):
    assert evaluation.missed() == [], evaluation.table()


def test_few_ordinary_answers_raise_a_false_alarm(evaluation):
    assert evaluation.false_alarm_rate() <= MAX_FALSE_ALARM_RATE, evaluation.false_alarms()
