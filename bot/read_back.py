"""Going back over what the child said, activity by activity: the read-back and the sharing
preferences ask their questions once for each activity the child said something in."""
from __future__ import annotations

from typing import List, Optional, Sequence

from bot.store.repository import AnswerInfo

SAID = ("answer", "choice")  # kinds of answer that hold the child's words or choice
HEARD_RESPONSE = "utter_read_back_heard"  # "Here is what you told me about ...", said before the words


def activities_heard(answers: Sequence[AnswerInfo], candidates: Sequence[str]) -> List[str]:
    """The candidate activities the child said or chose something in, in the order they did them."""
    heard: List[str] = []
    for answer in answers:
        if answer.activity in candidates and answer.kind in SAID and answer.activity not in heard:
            heard.append(answer.activity)
    return heard


def activity_after(heard: Sequence[str], current: Optional[str]) -> Optional[str]:
    if current not in heard:
        return None
    position = list(heard).index(current) + 1
    return heard[position] if position < len(heard) else None


def heard_text(answers: Sequence[AnswerInfo], activity: str, line: str) -> str:
    """What the child said in an activity, each answer exactly, one a line in the trainer's format
    (`line` holds {words})."""
    return "\n".join(
        line.replace("{words}", _words(answer))
        for answer in answers
        if answer.activity == activity and answer.kind in SAID
    )


def _words(answer: AnswerInfo) -> str:
    if answer.text is not None:
        return answer.text
    return answer.choice_label or answer.choice or ""
