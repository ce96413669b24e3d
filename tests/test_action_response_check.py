"""The quicker check of the action server's replies (bot/channel/action_response_check.py) accepts and
refuses exactly what Rasa's own check does, with the same error."""
from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot.channel.action_response_check import _validate_action_result

REPLIES = [
    {"events": [{"event": "slot", "name": "x", "value": "my words"}], "responses": [{"response": "utter_ask_x"}]},
    {"events": [], "responses": []},
    {},
    {"events": "not a list"},
    {"events": [{"event": 3}]},
    {"events": [{"name": "no event key"}]},
    {"responses": "not a list"},
]


def rasas_own_check(reply):
    """What Rasa 3.6 does (RemoteAction._validate_action_result): jsonschema.validate."""
    try:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())
        return None
    except jsonschema.ValidationError as error:
        return error.message


@pytest.mark.parametrize("reply", REPLIES)
def test_the_same_replies_pass_and_fail_with_the_same_error(reply):
    expected = rasas_own_check(reply)
    action = RemoteAction("validate_three_houses_form", None)
    if expected is None:
        assert _validate_action_result(action, reply) is True
    else:
        with pytest.raises(jsonschema.ValidationError) as refused:
            _validate_action_result(action, reply)
        assert refused.value.message.startswith(expected + ". Failed to validate Action server response")
    assert any(rasas_own_check(r) for r in REPLIES)  # some replies are refused: the test tells them apart
