"""The three layers on held-out messages (tests/nlu/safeguarding.yml, labelled by the kind of harm):
every disclosure of every kind is found, and the false-alarm rate on ordinary answers stays low (the
figures are in the README: python -m bot safeguarding-report)."""
from __future__ import annotations

import pytest

from bot.pack.model import ensure_trained
from bot.pack.nlu_eval import load_messages, same_words, training_examples
from bot.safeguarding.evaluation import ORDINARY, evaluate, is_disclosure
from tests.conftest import ROOT

pytestmark = pytest.mark.trained  # the trained model's figures: not in make check

MESSAGES = ROOT / "tests" / "nlu" / "safeguarding.yml"
# Erring towards flagging costs some false alarms, but each one also tells a child who said nothing
# worrying that they are not in trouble: at most 1 in 50 ordinary answers.
MAX_FALSE_ALARM_RATE = 0.02
# The kinds of harm a safeguarding practitioner would name: each is in the set, with enough messages.
KINDS = ("physical", "sexual", "neglect", "emotional", "domestic", "self_harm", "suicide", "exploitation",
         "forced_marriage_fgm", "radicalisation", "substance_carer", "secrecy")
MIN_PER_KIND = 10


@pytest.fixture(scope="module")
def evaluation():
    return evaluate(ensure_trained(ROOT), MESSAGES)


def test_the_set_is_large_covers_every_kind_and_is_kept_apart_from_the_training_data():
    messages = load_messages(MESSAGES)
    disclosures = {label: ms for label, ms in messages.items() if is_disclosure(label)}
    assert set(disclosures) == {f"disclosure_{kind}" for kind in KINDS}, sorted(disclosures)
    assert all(len(ms) >= MIN_PER_KIND for ms in disclosures.values()), {k: len(v) for k, v in disclosures.items()}
    assert sum(len(ms) for ms in disclosures.values()) >= 300 and len(messages[ORDINARY]) >= 500
    training = training_examples(ROOT)
    overlap = [m for ms in messages.values() for m in ms if same_words(m) in training]
    assert not overlap, f"these test messages are also training examples: {overlap}"


def test_every_disclosure_is_found(evaluation):
    assert evaluation.missed() == [], evaluation.table()


def test_few_ordinary_answers_raise_a_false_alarm(evaluation):
    assert evaluation.false_alarm_rate() <= MAX_FALSE_ALARM_RATE, evaluation.false_alarms()
