"""The order of a session's activities."""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

CLOSING = "closing"
CHOOSE_NEXT = "choose_next"  # the child chooses which activity comes next


def next_activity(
    plan: Sequence[str],
    started: Sequence[str],
    *,
    choosable: Sequence[str] = (),
    child_chooses: bool = False,
    chosen: Optional[str] = None,
) -> str:
    """What comes next: the plan's first activity not yet started, or CHOOSE_NEXT to let the
    child choose among the activities they may choose now; the closing once the plan is done.

    `chosen` is what the child chose when last offered the choice (None if they were not): an
    activity they may choose now, or anything else ("I don't know", skip, typed words), which
    means the plan's order."""
    remaining = [key for key in plan if key not in started]
    if not remaining:
        return CLOSING
    options = choices_now(plan, started, choosable)
    if chosen is not None:
        return chosen if chosen in options else remaining[0]
    if child_chooses and len(options) > 1:
        return CHOOSE_NEXT
    return remaining[0]


def choices_now(plan: Sequence[str], started: Sequence[str], choosable: Sequence[str]) -> List[str]:
    """The activities the child may choose between now: the choosable ones that come next in the
    plan, up to the first one the practitioner placed that the child may not move."""
    options: List[str] = []
    for key in plan:
        if key in started:
            continue
        if key not in choosable:
            break
        options.append(key)
    return options


def chosen_value(slot_value: Optional[str]) -> Optional[str]:
    """The value of the button a question's slot records ("answer:<id>:<choice>"), if any."""
    pieces = (slot_value or "").split(":")
    return pieces[2] if len(pieces) == 3 else None


def question_order(
    questions: Sequence[str], chooser: Optional[str], parts: Dict[str, List[str]], chosen: Optional[str]
) -> List[str]:
    """An activity's questions, with the part the child chose asked straight after the choice.

    `chosen` is the chooser question's slot value ("answer:<id>:<choice>" for a choice)."""
    value = chosen_value(chosen)
    first = parts.get(value) if chooser and value else None
    if not first or chooser not in questions:
        return list(questions)
    rest = [q for q in questions if q not in first]
    after = rest.index(chooser) + 1
    return rest[:after] + list(first) + rest[after:]
