"""The session's path of activities across the top of the chat page: which are done, which is now.

The web app cannot see Rasa's `activity` slot, so the path is worked out from the answers stored
(each with its activity): an activity is current from its first answer, or from the moment the
child chooses it ("what shall we do next?"), and the one before it is then done. So between an
activity's last answer and the next one's first, the finished one still shows as current."""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

from flask import url_for

from bot.dialogue.flow import CHOOSE_NEXT, CLOSING, next_activity
from bot.store.repository import AnswerInfo
from bot.web import services

DONE, CURRENT, TO_DO = "done", "current", "to_do"
PICTURES = Path(__file__).resolve().parent / "static" / "pictures"


def states(
    plan: Sequence[str],
    answers: Iterable[AnswerInfo],
    *,
    is_open: bool,
    choosable: Sequence[str] = (),
    child_chooses: bool = False,
    left_out_if_nothing_said: Sequence[str] = (),
) -> List[Tuple[str, str]]:
    """Each step of the plan, then the closing, with its state (DONE, CURRENT or TO_DO)."""
    steps = [key for key in plan if key != CLOSING] + [CLOSING]
    begun: List[str] = []  # in the order the child began them
    current: Optional[str] = None
    for answer in answers:
        if answer.activity == CHOOSE_NEXT:
            # what the action server does with the choice: anything but an activity on offer
            # ("I don't know", typed words) keeps the plan's order
            chosen = answer.choice if answer.kind == "choice" else ""
            current = next_activity(plan, begun, choosable=choosable, chosen=chosen or "")
        elif answer.activity in steps:
            current = answer.activity
        if current in steps and current not in begun:
            begun.append(current)
    if not begun and is_open:
        # nothing answered yet: the first question of the first activity, unless the child chooses it
        first = next_activity(plan, [], choosable=choosable, child_chooses=child_chooses)
        current = first if first in steps else None
    if not is_open:
        current = None
    # a read-back or sharing the bot left out (nothing said to go over) is behind us once a later step began
    latest = max((steps.index(key) for key in begun), default=0)
    passed = {key for key in steps[:latest] if key in left_out_if_nothing_said}
    return [
        (key, CURRENT if key == current else DONE if key in begun or key in passed else TO_DO)
        for key in steps
    ]


def of_session(session_id: str) -> List[dict]:
    """The path for the chat page: each step's activity, its name for the child (from the pack),
    its state and its picture's address (None if the app has no picture for it)."""
    store, pack = services.store(), services.pack()
    session = store.get_session(session_id)
    if session is None:
        return []
    path = states(
        session.plan,
        # a practice session's answers are kept in the action server's memory alone: nothing to go by
        [] if session.practice else store.answers(session_id),
        is_open=session.is_open and not session.practice,
        choosable=pack.choosable,
        child_chooses=session.child_chooses,
        left_out_if_nothing_said=[key for key, activity in pack.activities.items() if activity.after_words],
    )
    return [
        {"activity": key, "name": _name(pack, key), "state": state, "picture": _picture(key)}
        for key, state in path
    ]


def _name(pack, key: str) -> str:
    activity = pack.activities.get(key)
    return (activity.name_for_child or activity.title) if activity else pack.title(key)


def _picture(key: str) -> Optional[str]:
    # a trainer's new activity may have no picture yet: the page then shows its name alone
    if (PICTURES / f"{key}.svg").is_file():
        return url_for("static", filename=f"pictures/{key}.svg")
    return None
