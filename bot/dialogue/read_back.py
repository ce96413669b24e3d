"""Going back over what the child said, activity by activity: the read-back asks its questions
once for each activity the child said something in.

Words that raised a safeguarding flag are never read back (`leave_out`: their message ids): read
aloud they could be overheard, and going over them invites the child to take them back. The child is
told instead that there is one thing the practitioner will talk with them about."""
from __future__ import annotations

from typing import AbstractSet, List, Optional, Sequence

from bot.store.repository import AnswerInfo

SAID = ("answer", "choice")  # kinds of answer that hold the child's words or choice
# replies to the bot's own checks (after a concern, or words that looked like a control): about the
# conversation, not the child's views, so not read back
CHECKS = ("safeguarding_check", "control_check")
HEARD_RESPONSE = "utter_read_back_heard"  # "Here is what you told me about ...", said before the words


FLAGGED_RESPONSE = "utter_read_back_flagged"  # "There is one thing you wrote that ... will talk with you about."


def activities_heard(answers: Sequence[AnswerInfo], candidates: Sequence[str],
                     leave_out: AbstractSet[str] = frozenset()) -> List[str]:
    """The candidate activities the child said or chose something in (flagged words aside), in the
    order they did them."""
    heard: List[str] = []
    for answer in _read_back(answers, leave_out):
        if answer.activity in candidates and answer.activity not in heard:
            heard.append(answer.activity)
    return heard


def activity_after(heard: Sequence[str], current: Optional[str]) -> Optional[str]:
    if current not in heard:
        return None
    position = list(heard).index(current) + 1
    return heard[position] if position < len(heard) else None


def heard_text(answers: Sequence[AnswerInfo], activity: str, line: str,
               leave_out: AbstractSet[str] = frozenset()) -> str:
    """What the child said in an activity, each answer exactly, one a line in the trainer's format
    (`line` holds {words}); flagged words left out."""
    return "\n".join(
        line.replace("{words}", _words(answer))
        for answer in _read_back(answers, leave_out)
        if answer.activity == activity
    )


def _read_back(answers: Sequence[AnswerInfo], leave_out: AbstractSet[str]) -> List[AnswerInfo]:
    return [answer for answer in answers
            if answer.kind in SAID and answer.prompt_key not in CHECKS and answer.message_id not in leave_out]


def _words(answer: AnswerInfo) -> str:
    if answer.text is not None:
        return answer.text
    return answer.choice_label or answer.choice or ""
