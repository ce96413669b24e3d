"""What the Rasa server sends the action server with each call: the domain without its responses.

Rasa sends its whole domain with every call to a custom action (rasa/core/actions/action.py,
`_action_call_format`), and ours is mostly responses: the wording of every prompt in every age
band, 130 of its 155 KB. The actions never read the wording: they name a response and the Rasa
server renders it (actions/ask.py). Encoding that JSON was an eighth of the Rasa server's work in a
turn (docs/benchmarks.md); the forms, slots, intents and actions the actions do read are all sent."""
from __future__ import annotations

from typing import Any, Dict, Text

from rasa.core.actions.action import RemoteAction

_send = RemoteAction._action_call_format
_without_responses: Dict[int, Any] = {}  # id(domain) -> (domain, its dict without responses)


def _action_call_format(self, tracker, domain) -> Dict[Text, Any]:
    call = _send(self, tracker, domain)
    if "domain" in call:
        kept = _without_responses.get(id(domain))
        if kept is None or kept[0] is not domain:  # a domain is loaded once a model: one entry each
            kept = (domain, {key: value for key, value in call["domain"].items() if key != "responses"})
            _without_responses.clear()
            _without_responses[id(domain)] = kept
        call["domain"] = kept[1]
    return call


def install() -> None:
    RemoteAction._action_call_format = _action_call_format
