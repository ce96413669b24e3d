"""What the tablet may post to the channel, checked before anything reaches Rasa or the database.

A request is `{"sender": SESSION_ID, "message": TEXT}` for words the child typed, or
`{"sender": SESSION_ID, "payload": "/intent"}` for a button they tapped (a choice button's payload
is `/choose{"choice":"value"}`), with an optional
`"message_id"` the client keeps when it retries, so that a retried message is handled once.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any, Collection, Optional

MAX_MESSAGE_CHARS = 20_000
_MESSAGE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# "/intent", or a choice button's '/choose{"choice":"value"}'
_PAYLOAD = re.compile(r'^/([a-z][a-z0-9_]{0,63})(\{"choice": ?"[A-Za-z0-9_]{1,64}"\})?$')
CHOICE_INTENT = "choose"


class BadRequest(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Incoming:
    sender: str
    message_id: str
    input: str  # "typed" or "button"
    text: str  # the typed words exactly, or the button's payload

    @property
    def is_typed(self) -> bool:
        return self.input == "typed"


def parse_incoming(body: Any, known_intents: Collection[str]) -> Incoming:
    if not isinstance(body, dict):
        raise BadRequest("bad_request", "the body must be a JSON object")
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender or len(sender) > 64:
        raise BadRequest("bad_sender", "`sender` must be the session id the session was created with")

    message_id = body.get("message_id")
    if message_id is None:
        message_id = uuid.uuid4().hex
    elif not isinstance(message_id, str) or not _MESSAGE_ID.match(message_id):
        raise BadRequest("bad_message_id", "`message_id` must be 1-64 letters, digits, '-' or '_'")

    has_message, has_payload = "message" in body, "payload" in body
    if has_message == has_payload:
        raise BadRequest(
            "bad_request", "send either `message` (what the child typed) or `payload` (a button)"
        )
    if has_payload:
        return Incoming(sender, message_id, "button", _payload(body["payload"], known_intents))
    return Incoming(sender, message_id, "typed", _typed_text(body["message"]))


def _payload(payload: Any, known_intents: Collection[str]) -> str:
    match = _PAYLOAD.match(payload) if isinstance(payload, str) else None
    if (
        match is None
        or match.group(1) not in known_intents
        or (match.group(2) is not None) != (match.group(1) == CHOICE_INTENT)
    ):
        raise BadRequest("bad_payload", "`payload` must be one of the bot's button payloads, e.g. /skip")
    return payload


def _typed_text(text: Optional[Any]) -> str:
    if not isinstance(text, str):
        raise BadRequest("bad_message", "`message` must be a string")
    if text == "":
        raise BadRequest("empty_message", "the message is empty: nothing was sent or stored")
    if text.strip() == "":
        # Rasa reads blank text as no text at all: it would re-ask the question with nothing stored
        raise BadRequest(
            "blank_message", "the message is only spaces or line breaks: nothing was stored; type an answer or tap Skip"
        )
    if len(text) > MAX_MESSAGE_CHARS:
        raise BadRequest(
            "message_too_long",
            f"the message is longer than {MAX_MESSAGE_CHARS} characters: nothing was stored; "
            "keep the text and send it in parts",
        )
    return text
