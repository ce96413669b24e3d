"""The order the child sees a question's choices in.

Young children tend to pick the last choice they see, so unordered choices (feelings, houses,
activities, ...) come in a new order each time. A scale keeps its order: a set of choices whose
values are all whole numbers (0 to 10, or the faces from "Really good" 5 to "Really bad" 1) means
nothing shuffled. "Something else", "I don't know" and "I don't want to say" always stay last, in
their order, as does any button that is not a choice (Carry on, That's all)."""
from __future__ import annotations

import json
import random
from typing import Any, Dict, List, Optional

CHOICE_PREFIX = "/choose"
SOMETHING_ELSE = "something_else"
_random = random.SystemRandom()


def arranged(buttons: Optional[List[Dict[str, Any]]]) -> Optional[List[Dict[str, Any]]]:
    if not buttons:
        return buttons
    choices = [b for b in buttons if _choice_value(b) not in (None, SOMETHING_ELSE)]
    rest = [b for b in buttons if b not in choices]
    if not _is_scale(choices):
        _random.shuffle(choices)
    return choices + rest


def _is_scale(choices: List[Dict[str, Any]]) -> bool:
    return bool(choices) and all(str(_choice_value(b)).isdigit() for b in choices)


def _choice_value(button: Dict[str, Any]) -> Optional[str]:
    """The value of a choice button's payload (`/choose{"choice":"5"}` -> "5"); None for others."""
    payload = str(button.get("payload", ""))
    if not payload.startswith(CHOICE_PREFIX + "{"):
        return None
    try:
        value = json.loads(payload[len(CHOICE_PREFIX):]).get("choice")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None
