"""The check that typed words are plain words (bot/channel/typed_controls.py) decides as the regular
expression it replaced did, on every ordinary message we have, and rejects the shapes that made that
expression backtrack for hours (issue 16) at once."""
from __future__ import annotations

import re
import sys

import pytest
import yaml

from bot.channel.typed_controls import (
    ANSWER_INTENT,
    MAX_CONTROL_CHARS,
    effective_intent,
    plain_words,
)
from tests import test_typed_controls as existing
from tests.conftest import ROOT, load_fixture

# The expression before issue 16, kept here only to compare decisions on short ordinary text: it
# nests one unbounded repeat in another, and "Stop" with 30 "!" and " :(" takes it minutes.
OLD_PLAIN_WORDS = re.compile(r"[^\W_]+(?:[\s'’.,!?-]+[^\W_]*)*[\s.,!?]*")

HOSTILE = [
    "Stop" + "!" * 10_000 + " :(",
    "Stop" + "!" * 60 + " :(",  # short enough for the check, hours for the old expression
    "stop" + " -" * 5_000,
    "stop" + " -" * 40 + " :(",
    "'" * 10_000,
    "a" + ",a" * 5_000 + "!",
    "a" + ",a" * 40 + " ~",
    ("!?.,;:-'\"()[]{}<>/\\|@#~ " * 800)[:20_000],
]
CONTROL_INTENTS = ["stop", "skip", "help", "dont_know", "take_break", "repeat", "talk_to_practitioner"]


def ordinary_messages():
    """Every message of the held-out NLU sets, the training data and the awkward answers."""
    messages = []
    for name in ("child_messages.yml", "safeguarding.yml"):
        for group in yaml.safe_load((ROOT / "tests" / "nlu" / name).read_text(encoding="utf-8")).values():
            messages += [str(m) for m in group]
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            messages += [line[2:] for line in block.get("examples", "").splitlines() if line.startswith("- ")]
    messages += [a for a in load_fixture("awkward_answers.json") if isinstance(a, str)]
    return [m for m in messages if len(m) <= MAX_CONTROL_CHARS]


def test_the_same_decision_as_before_on_every_ordinary_message():
    messages = ordinary_messages()
    assert len(messages) > 500
    for text in messages:
        assert plain_words(text) == (OLD_PLAIN_WORDS.fullmatch(text.strip()) is not None), text


@pytest.mark.parametrize("text", [
    "stop", "Stop!", "I don’t know!", "can we stop now?", " skip it \n", "huh?", "not-sure", "1 2 3",
    "stop...", "stop,please", "Ça suffit", "مرحبا", "", " ", "_stop", "stop_", "stop 🛑", "/stop", "<b>stop</b>",
    "-stop", "stop :(", "'stop'", "stop\u00a0now", "stop\u2028now", "stop!?!", "x" * MAX_CONTROL_CHARS,
])
def test_the_same_decision_as_before_on_edge_cases(text):
    assert plain_words(text) == (OLD_PLAIN_WORDS.fullmatch(text.strip()) is not None)


def test_letters_digits_and_spaces_are_what_python_calls_them_in_every_character():
    """[^\\W_] is str.isalnum() and \\s is str.isspace(), for every code point."""
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    assert re.findall(r"[^\W_]", everything) == [c for c in everything if c.isalnum()]
    assert re.findall(r"\s", everything) == [c for c in everything if c.isspace()]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: f"{t[:12]!r}x{len(t)}")
@pytest.mark.parametrize("intent", CONTROL_INTENTS)
def test_hostile_shapes_are_answers_not_controls(text, intent):
    assert effective_intent(text, {"name": intent, "confidence": 0.999})["name"] == ANSWER_INTENT


def test_a_long_text_is_never_a_control_even_in_plain_words():
    padded = "stop" + " " * MAX_CONTROL_CHARS + "now"
    assert plain_words(padded)  # plain, and two words: only its length makes it an answer
    assert effective_intent(padded, {"name": "stop", "confidence": 0.999})["name"] == ANSWER_INTENT
    assert effective_intent("stop  now", {"name": "stop", "confidence": 0.999})["name"] == "stop"


@pytest.mark.parametrize("text, intent, confidence, taken", existing.test_typed_words.pytestmark[0].args[1])
def test_the_existing_decisions_still_hold(text, intent, confidence, taken):
    assert effective_intent(text, {"name": intent, "confidence": confidence})["name"] == taken
