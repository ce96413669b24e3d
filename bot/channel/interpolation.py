"""Filling a response's {slot} placeholders without ever garbling the child's words.

Rasa 3.6 (rasa/core/nlg/interpolator.py) fills placeholders with str.format, then looks for "0[" in
the result to spot a placeholder it could not fill; when a child's own words carry "0[" (as in "I
gave it a 10[ish]") quoted back through {last_words}, the whole response falls back to the raw
template and the child reads "{last_words}". This fills each placeholder once, by name, and never
looks inside the values. The tablet channel installs it when Rasa loads the channel."""
from __future__ import annotations

import re
from typing import Any, Dict

from rasa.core.nlg import interpolator

_PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")


def interpolate_text(response: str, values: Dict[str, Any]) -> str:
    """Each {name} with a value becomes the value, as Rasa would print it; anything else (a
    choice button's JSON payload, an unknown name) stays as written."""

    def fill(match: "re.Match[str]") -> str:
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)

    return _PLACEHOLDER.sub(fill, response)


def install() -> None:
    interpolator.interpolate_text = interpolate_text
