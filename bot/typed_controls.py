"""When typed words count as a control (stop, skip, help, ...) and when they are an answer.

Buttons are the sure way to stop, skip or get help; typed words count as a control only when they
are a short, clear phrase in plain words the NLU is sure of (no "/", brackets, markup or emoji). Anything else is the
child's answer: "I want it to stop when they shout" must never end the session, and when the NLU
is unsure the words are kept as an answer."""
from __future__ import annotations

from typing import Any, Dict

ANSWER_INTENT = "inform"
# A control is said in plain words ("stop please", "I don't know!"): text with brackets, quotes,
# markup, symbols or emoji ('{"intent": "stop"}', "<b>stop</b>", "stop 🛑") is the child's answer.
# Between and after the words: spaces and these marks only.
WORD_MARKS = frozenset("'’.,!?-")
# A control has at most 10 words: anything longer than this is an answer, whatever it holds.
MAX_CONTROL_CHARS = 200
# intent: the most words a typed phrase may have to count as it. Skip and "I don't know" move on,
# so they must be short; asking for a break is short too ("we went on a break to Wales" is an
# answer); the others ask again, so a longer phrase costs little if the NLU was wrong: the question
# is there again to answer.
MAX_WORDS = {
    "skip": 5, "dont_know": 5,
    "stop": 6, "take_break": 6, "help": 8, "repeat": 8, "talk_to_practitioner": 10,
}
MIN_CONFIDENCE = 0.9
# A single word ("meh", "playtime", "next") is the most ambiguous message of all: the NLU must be
# all but certain before it counts as a control.
MIN_CONFIDENCE_ONE_WORD = 0.995


def is_control(intent: str) -> bool:
    return intent in MAX_WORDS


def effective_intent(text: str, intent: Dict[str, Any]) -> Dict[str, Any]:
    """The intent typed words are taken as: the NLU's, unless that is a control it is not clear of."""
    name = intent.get("name")
    if not is_control(name):
        return intent
    if len(text) > MAX_CONTROL_CHARS:  # first: nothing below ever sees a long text
        return {"name": ANSWER_INTENT, "confidence": 1.0}
    words = len(text.split())
    needed = MIN_CONFIDENCE_ONE_WORD if words == 1 else MIN_CONFIDENCE
    clear = (
        plain_words(text)
        and words <= MAX_WORDS[name]
        and intent.get("confidence", 0.0) >= needed
    )
    return intent if clear else {"name": ANSWER_INTENT, "confidence": 1.0}


def plain_words(text: str) -> bool:
    """Whether the text, spaces around it aside, is words in plain letters or digits, starting with
    one, with only spaces and WORD_MARKS between and after them. One pass over the characters, no
    regular expression: a regex of "words separated by marks" nests one repeat in another and can
    take hours to reject "Stop!!!!!!!!!!!!!!!!!!!!!!!! :(" (issue 16)."""
    text = text.strip()
    return bool(text) and text[0].isalnum() and all(
        char.isalnum() or char.isspace() or char in WORD_MARKS for char in text
    )
