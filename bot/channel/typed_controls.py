"""When typed words count as a control (stop, skip, help, ...), when they are an answer, and when
they are an answer the bot then checks with the child.

Buttons are the sure way to stop, skip or get help; typed words count as a control only when they
are a short, clear phrase in plain words the NLU is sure of (no "/", brackets, markup or emoji), no
other control comes close, and the meaning classifier (bot/meaning/), judging by meaning rather
than words, takes them for the same control. Words that only look like a control (the NLU leans to
one, or the meaning classifier does, or the two disagree) are the child's answer, kept exactly, and
the bot then asks with buttons whether they meant the control (bot/dialogue/control_check.py): a wrong guess
costs one tap, never a lost question or an ignored "I want to stop". Anything else is simply the
child's answer: "I want it to stop when they shout" must never end the session."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Optional

if TYPE_CHECKING:
    from bot.meaning.classifier import Meaning

ANSWER_INTENT = "inform"
FALLBACK_INTENT = "nlu_fallback"  # the NLU unsure of everything: an answer too (config.yml)
# The intents that are the child's answer when no control is acted on, so may be checked for a
# control the meaning classifier sees (a `disclosure` without a concern is an answer: bot/channel/tablet.py).
CHECKABLE_ANSWERS = (ANSWER_INTENT, FALLBACK_INTENT, "disclosure")
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
# Acted on only if no other control is this close: "say it different" may look like skip and help
# at once, and skipping would lose the question the child asked to hear again.
MAX_RIVAL_CONFIDENCE = 0.05
# Checked with the child: the NLU leans to a control this much, in a message of at most this many
# words (a longer one is an answer, however it reads).
MIN_CONFIDENCE_TO_CHECK = 0.4
MAX_WORDS_TO_CHECK = 15
# The meaning classifier's probability of a control at which it agrees with the NLU's (needed to act
# on it), and at which it alone has an answer checked for that control. Chosen on the tuning set.
MIN_MEANING_TO_AGREE = 0.5
MIN_MEANING_TO_CHECK = 0.5


@dataclass(frozen=True)
class Taken:
    intent: Dict[str, Any]  # what the words are taken as: the control, or an answer
    to_check: Optional[str] = None  # an answer that looks like this control: the bot asks


def is_control(intent: str) -> bool:
    return intent in MAX_WORDS


ANSWER = {"name": ANSWER_INTENT, "confidence": 1.0}


def taken_as(text: str, intent: Dict[str, Any], ranking: Optional[List[Dict[str, Any]]] = None,
             meaning: "Optional[Meaning]" = None) -> Taken:
    """What typed words are taken as: the NLU's intent, unless that is a control it is not clear of
    (then an answer, checked with the child if it looks enough like the control); an answer the
    meaning classifier takes for a control is checked too. `meaning`: the meaning classifier's
    judgement; when it did not understand the words (mostly not its English words: "idk", "brb"),
    a control is checked, never acted on. None: the NLU's judgement alone (the unit tests of these
    rules)."""
    name = intent.get("name")
    if len(text) > MAX_CONTROL_CHARS:  # first: nothing below ever sees a long text
        return Taken(ANSWER) if is_control(name) else Taken(intent)
    words = len(text.split())
    suggested = (meaning.control if meaning is not None and meaning.control_probability >= MIN_MEANING_TO_CHECK
                 and words <= MAX_WORDS_TO_CHECK else None)
    if not is_control(name):
        return Taken(intent, to_check=suggested if name in CHECKABLE_ANSWERS else None)
    confidence = intent.get("confidence", 0.0)
    needed = MIN_CONFIDENCE_ONE_WORD if words == 1 else MIN_CONFIDENCE
    rival = max((float(i.get("confidence") or 0.0) for i in ranking or []
                 if is_control(i.get("name")) and i.get("name") != name), default=0.0)
    sure = (plain_words(text) and words <= MAX_WORDS[name] and confidence >= needed and rival < MAX_RIVAL_CONFIDENCE
            and not repetition_idiom(text))
    agrees = meaning is None or (meaning.understood and meaning.control == name
                                 and meaning.control_probability >= MIN_MEANING_TO_AGREE)
    if sure and agrees:
        return Taken(intent)
    # Not acted on: checked for the control the likelier of the two judges leans to, if either does
    # (help asked for in new words is checked as help, not as the skip the NLU guessed).
    leans = sure or (words <= MAX_WORDS_TO_CHECK and confidence >= MIN_CONFIDENCE_TO_CHECK)
    if suggested and (not leans or meaning.control_probability > confidence):
        return Taken(ANSWER, to_check=suggested)
    return Taken(ANSWER, to_check=name if leans else None)


def repetition_idiom(text: str) -> bool:
    """A word on both sides of "and" ("again and again", "over and over", "on and on"): how a child
    says how often something happens, an answer however much it sounds like "say it again"."""
    words = [word.strip("".join(WORD_MARKS)).lower() for word in text.split()]
    return any(words[i] == "and" and words[i - 1] == words[i + 1] != "" for i in range(1, len(words) - 1))


def effective_intent(text: str, intent: Dict[str, Any]) -> Dict[str, Any]:
    """The intent typed words are taken as (without the NLU's ranking: no rival is weighed)."""
    return taken_as(text, intent).intent


def plain_words(text: str) -> bool:
    """Whether the text, spaces around it aside, is words in plain letters or digits, starting with
    one, with only spaces and WORD_MARKS between and after them. One pass over the characters, no
    regular expression: a regex of "words separated by marks" nests one repeat in another and can
    take hours to reject "Stop!!!!!!!!!!!!!!!!!!!!!!!! :(" (issue 16)."""
    text = text.strip()
    return bool(text) and text[0].isalnum() and all(
        char.isalnum() or char.isspace() or char in WORD_MARKS for char in text
    )
