"""The kinds of check a prompt-lint rule can make. prompt_lint.yml says which words each rule looks
for and where; this module knows only how to look.

- `phrases`: a sentence (or, with `buttons: true`, a button's words) holds one of the rule's
  `phrases` (each also with its `endings`), unless what was found lies inside one of the
  `allowed` phrases ("secret" inside "I can't keep this a secret").
- `phrase_then_word`: one of the `phrases` followed by one of the `words`, a comma allowed
  between them ("Tell me, did ...").
- `question_starts`: a question (a sentence ending in "?") whose first word is one of the `words`
  ("Are you ...?": a yes/no question).
- `question_holds`: a question holding one of the `words` that does not start with one of the
  `open_starts` ("Was it good or bad?": a forced choice; "What should I add or change?" is open).
- `longest_sentence`: a sentence of more words than `max_words` gives the message's age band.
- `questions_per_message`: more question marks in a message than `most` (those inside double
  quotes or a placeholder not counted).
- `must_say`: a wording of one of the rule's `responses` holds none of the `phrases`.
- `buttons_end_with`: a set of buttons with a `choice_payload` among them does not end with the
  `payloads`, in that order.

Each check gives hits: the sentence (or button, or whole message) that is wrong, and what was
found; bot/pack/lint.py turns them into the trainer's finding lines.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from bot.pack import text
from bot.pack.messages import Message

if TYPE_CHECKING:
    from bot.pack.rules import Rule


@dataclass(frozen=True)
class Hit:
    said: Optional[str]  # the sentence, button words or message that is wrong; None: the message's buttons
    position: int = 0  # its place in the message, so findings keep the message's order
    button: bool = False
    found: str = ""
    count: int = 0
    limit: int = 0


def _pieces(rule: "Rule", message: Message) -> List[Tuple[str, bool]]:
    """The message's sentences, then (if the rule reads them) its buttons' words."""
    pieces = [(sentence, False) for sentence in text.sentences(message.text)]
    if rule.buttons:
        pieces += [(title, True) for title in message.button_titles]
    return pieces


def phrases_in(
    said: str, phrases: Sequence[str], endings: Sequence[str] = (), allowed: Sequence[str] = ()
) -> List[str]:
    """The words found for the phrases in what is said, as said ("parents" for "parent" with its
    ending), leaving out any found only inside an allowed phrase."""
    normal = text.normalise(said)
    as_written = text.normalise(said, keep_case=True)
    if len(as_written) != len(normal):  # a letter whose small form is longer ("ß": "ss")
        as_written = normal
    excused = [span for phrase in allowed for span in text.find(phrase, normal)]
    found: List[str] = []
    for phrase in phrases:
        for start, end in text.find(phrase, normal, endings):
            if not any(a <= start and end <= b for a, b in excused) and as_written[start:end] not in found:
                found.append(as_written[start:end])
    return found


def _joined(found: Sequence[str]) -> str:
    return '", "'.join(found)


def phrases(rule: "Rule", message: Message, age_bands: Sequence[str]) -> Iterator[Hit]:
    for position, (said, button) in enumerate(_pieces(rule, message)):
        found = phrases_in(said, rule.phrases, rule.endings, rule.allowed)
        if found:
            yield Hit(said, position, button, found=_joined(found))


def phrase_then_word(rule: "Rule", message: Message, age_bands: Sequence[str]) -> Iterator[Hit]:
    joined = [f"{phrase}{between}{word}" for phrase in rule.phrases for word in rule.words for between in (" ", ", ")]
    for position, (said, button) in enumerate(_pieces(rule, message)):
        found = phrases_in(said, joined)
        if found:
            yield Hit(said, position, button, found=_joined(found))


def question_starts(rule: "Rule", message: Message, age_bands: Sequence[str]) -> Iterator[Hit]:
    for position, sentence in enumerate(text.sentences(message.text)):
        first = text.first_word(sentence)
        if text.is_question(sentence) and first in rule.words:
            yield Hit(sentence, position, found=first)


def question_holds(rule: "Rule", message: Message, age_bands: Sequence[str]) -> Iterator[Hit]:
    for position, sentence in enumerate(text.sentences(message.text)):
        if not text.is_question(sentence) or text.first_word(sentence) in rule.open_starts:
            continue
        found = phrases_in(sentence, rule.words)
        if found:
            yield Hit(sentence, position, found=_joined(found))


def longest_sentence(rule: "Rule", message: Message, age_bands: Sequence[str]) -> Iterator[Hit]:
    limit = rule.longest(message, age_bands)
    if limit is None:
        return  # lint.py reports the band prompt_lint.yml gives no number for
    for position, sentence in enumerate(text.sentences(message.text)):
        count = len(text.words(sentence))
        if count > limit:
            yield Hit(sentence, position, count=count, limit=limit)


def questions_per_message(rule: "Rule", message: Message, age_bands: Sequence[str]) -> Iterator[Hit]:
    count = text.question_marks(message.text)
    if count > rule.most:
        yield Hit(message.text, count=count, limit=rule.most)


def must_say(rule: "Rule", message: Message, age_bands: Sequence[str]) -> Iterator[Hit]:
    if not phrases_in(message.text, rule.phrases, rule.endings):
        yield Hit(message.text)


def buttons_end_with(rule: "Rule", message: Message, age_bands: Sequence[str]) -> Iterator[Hit]:
    payloads = message.button_payloads
    if rule.payloads and any(rule.choice_payload in payload for payload in payloads):
        if payloads[-len(rule.payloads):] != list(rule.payloads):
            yield Hit(None)


Check = Callable[["Rule", Message, Sequence[str]], Iterator[Hit]]
# kind: (its function, the keys a rule of this kind must have, the keys it may have)
KINDS: Dict[str, Tuple[Check, Set[str], Set[str]]] = {
    "phrases": (phrases, {"phrases"}, {"endings", "allowed"}),
    "phrase_then_word": (phrase_then_word, {"phrases", "words"}, set()),
    "question_starts": (question_starts, {"words"}, set()),
    "question_holds": (question_holds, {"words", "open_starts"}, set()),
    "longest_sentence": (longest_sentence, {"max_words"}, set()),
    "questions_per_message": (questions_per_message, set(), {"most"}),
    "must_say": (must_say, {"phrases", "responses"}, {"endings"}),
    "buttons_end_with": (buttons_end_with, {"payloads", "choice_payload"}, set()),
}
