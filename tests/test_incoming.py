"""What the channel accepts, and the clear errors for what it does not."""
from __future__ import annotations

import pytest

from bot.incoming import MAX_MESSAGE_CHARS, BadRequest, parse_incoming

INTENTS = ["skip", "help", "stop", "affirm"]


def test_typed_text_is_kept_exactly():
    incoming = parse_incoming({"sender": "s1", "message": " /restart \n", "message_id": "abc-1"}, INTENTS)
    assert (incoming.input, incoming.text, incoming.message_id) == ("typed", " /restart \n", "abc-1")


def test_a_button_payload_is_an_intent():
    incoming = parse_incoming({"sender": "s1", "payload": "/skip"}, INTENTS)
    assert (incoming.input, incoming.text) == ("button", "/skip")
    assert len(incoming.message_id) == 32  # one is made when the client sends none


@pytest.mark.parametrize(
    "body, code",
    [
        (None, "bad_request"),
        ({"message": "hi"}, "bad_sender"),
        ({"sender": "s", "message": ""}, "empty_message"),
        ({"sender": "s", "message": "  \t\n "}, "blank_message"),
        ({"sender": "s", "message": 5}, "bad_message"),
        ({"sender": "s", "message": "x" * (MAX_MESSAGE_CHARS + 1)}, "message_too_long"),
        ({"sender": "s"}, "bad_request"),
        ({"sender": "s", "message": "hi", "payload": "/skip"}, "bad_request"),
        ({"sender": "s", "payload": "/restart"}, "bad_payload"),
        ({"sender": "s", "payload": '/skip{"a": 1}'}, "bad_payload"),
        ({"sender": "s", "message": "hi", "message_id": "has space"}, "bad_message_id"),
    ],
)
def test_bad_requests_are_refused(body, code):
    with pytest.raises(BadRequest) as error:
        parse_incoming(body, INTENTS)
    assert error.value.code == code


def test_a_choice_button_carries_its_value():
    incoming = parse_incoming({"sender": "s1", "payload": '/choose{"choice":"mixed_up"}'}, INTENTS + ["choose"])
    assert (incoming.input, incoming.text) == ("button", '/choose{"choice":"mixed_up"}')


@pytest.mark.parametrize(
    "payload", ['/choose', '/skip{"choice":"x"}', '/choose{"choice":"x","other":"y"}', '/choose{"feeling":"sad"}']
)
def test_choices_only_with_the_choose_intent_and_one_value(payload):
    with pytest.raises(BadRequest):
        parse_incoming({"sender": "s1", "payload": payload}, INTENTS + ["choose"])
