"""What the channel accepts, and the clear errors for what it does not."""
from __future__ import annotations

import pytest

from bot.channel.incoming import (
    MAX_MESSAGE_CHARS,
    BadRequest,
    button_intents,
    parse_incoming,
)
from tests.conftest import ROOT

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
        ({"sender": "s", "message": "hi", "message_id": "abc\n"}, "bad_message_id"),  # "$" would let it in
        ({"sender": "s", "payload": "/skip\n"}, "bad_payload"),
        ({"sender": "s", "payload": "/inform"}, "bad_payload"),
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


DOCUMENTED = {"start", "skip", "dont_know", "help", "repeat", "take_break", "talk_to_practitioner", "stop", "affirm",
              "deny", "choose"}  # README, "The tablet channel": the payloads a client may send


def test_button_intents_are_those_of_the_domains_buttons_and_the_chat_page():
    from rasa.shared.core.constants import DEFAULT_INTENTS
    from rasa.shared.core.domain import Domain

    domain = Domain.load(str(ROOT / "domain.yml"))
    allowed = button_intents(domain.responses, domain.intents, DEFAULT_INTENTS)
    assert allowed == DOCUMENTED
    assert {"inform", "disclosure", "restart", "session_start"} <= set(domain.intents) - allowed


def test_a_trainer_cannot_make_a_button_say_an_answer_or_a_disclosure():
    responses = {"utter_ask_x": [{"text": "?", "buttons": [
        {"title": "a", "payload": "/disclosure"}, {"title": "b", "payload": '/inform{"x": 1}'},
        {"title": "c", "payload": "/restart"}, {"title": "d", "payload": '/choose{"choice":"a"}'},
        {"title": "e", "payload": "/made_up"}, {"title": "f", "payload": "no slash"},
    ]}], "utter_plain": [{"text": "hello"}]}
    intents = ["disclosure", "inform", "restart", "choose", "skip", "stop", "affirm"]
    assert button_intents(responses, intents, ["restart"]) == {"choose", "skip", "stop"}
