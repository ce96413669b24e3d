"""The order of a session's activities."""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

CLOSING = "closing"


def next_activity(plan: Sequence[str], current: Optional[str]) -> str:
    """The activity after `current` in the plan; the closing once the plan is done."""
    if current is None:
        return plan[0] if plan else CLOSING
    if current not in plan:
        return CLOSING
    position = list(plan).index(current) + 1
    return plan[position] if position < len(plan) else CLOSING


def question_order(
    questions: Sequence[str], chooser: Optional[str], parts: Dict[str, List[str]], chosen: Optional[str]
) -> List[str]:
    """An activity's questions, with the part the child chose asked straight after the choice.

    `chosen` is the chooser question's slot value ("answer:<id>:<choice>" for a choice)."""
    pieces = (chosen or "").split(":")
    first = parts.get(pieces[2]) if chooser and len(pieces) == 3 else None
    if not first or chooser not in questions:
        return list(questions)
    rest = [q for q in questions if q not in first]
    after = rest.index(chooser) + 1
    return rest[:after] + list(first) + rest[after:]
