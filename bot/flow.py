"""The order of a session's activities."""
from __future__ import annotations

from typing import Optional, Sequence

CLOSING = "closing"


def next_activity(plan: Sequence[str], current: Optional[str]) -> str:
    """The activity after `current` in the plan; the closing once the plan is done."""
    if current is None:
        return plan[0] if plan else CLOSING
    if current not in plan:
        return CLOSING
    position = list(plan).index(current) + 1
    return plan[position] if position < len(plan) else CLOSING
