"""What the tablet may post to the channel, checked before anything reaches Rasa or the database.

A request is `{"sender": SESSION_ID, "message": TEXT}` for words the child typed, or
`{"sender": SESSION_ID, "payload": "/intent"}` for a button they tapped (a choice button's payload
is `/choose{"choice":"value"}`), or `{"sender": SESSION_ID, "drawing": DRAWING_ID}` for a drawing the web
app has already checked and kept (bot/store/drawings.py), with an optional
`"message_id"` the client keeps when it retries, so that a retried message is handled once, and,
for typed words only, an optional `"scribed_by"`: the name of the practitioner who typed what the
child said (scribing; a button the child taps is always the child's).

A payload may carry only a button's intent (button_intents): those of the domain's buttons and the
chat page's own controls, never an answer (`inform`) or a disclosure, which only the channel's own
safeguarding check makes, and never one of Rasa's (`restart`, `session_start`, ...).
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any, Collection, FrozenSet, Iterable, Mapping, Optional

from bot.dialogue.capture import DRAWING_INPUT

MAX_MESSAGE_CHARS = 20_000
MAX_SCRIBE_CHARS = 200  # as the users' display names (bot/store/models.py)
# fullmatch, not match with ^...$: "$" also matches before a final line break ("abc\n").
# Neither pattern can backtrack: bounded repeats of a single character class, nothing nested.
_MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# "/intent", or a choice button's '/choose{"choice":"value"}'
_PAYLOAD = re.compile(r'/([a-z][a-z0-9_]{0,63})(\{"choice": ?"[A-Za-z0-9_]{1,64}"\})?')
# a drawing's id, as bot/store/drawings.py makes them (a UUID)
_DRAWING_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DRAWING_INTENT = "inform"  # a drawing is an answer like typed words (bot/dialogue/capture.py)
CHOICE_INTENT = "choose"
# The chat page's own buttons (bot/web/templates/chat.html), its first message, and /repeat,
# which the API documents (README); every other button intent comes from the domain's responses.
PAGE_INTENTS = frozenset({"start", "skip", "dont_know", "help", "take_break", "stop", "repeat", "talk_to_practitioner"})
# Never from a button, whatever a trainer writes: an answer is typed, and a disclosure is only ever
# the channel's own finding (bot/safeguarding/).
NEVER_BUTTONS = frozenset({"inform", "disclosure"})


class BadRequest(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Incoming:
    sender: str
    message_id: str
    input: str  # "typed", "button" or "drawing"
    text: str  # the typed words exactly, or the button's payload (for a drawing, one the channel made)
    scribe: Optional[str] = None  # the practitioner who typed the child's words for them
    drawing: Optional[str] = None  # the id of the drawing sent (input "drawing")

    @property
    def is_typed(self) -> bool:
        return self.input == "typed"


def valid_message_id(message_id: Any) -> bool:
    return isinstance(message_id, str) and _MESSAGE_ID.fullmatch(message_id) is not None


def parse_incoming(body: Any, known_intents: Collection[str]) -> Incoming:
    if not isinstance(body, dict):
        raise BadRequest("bad_request", "the body must be a JSON object")
    sender = body.get("sender")
    if not isinstance(sender, str) or not sender or len(sender) > 64:
        raise BadRequest("bad_sender", "`sender` must be the session id the session was created with")

    message_id = body.get("message_id")
    if message_id is None:
        message_id = uuid.uuid4().hex
    elif not valid_message_id(message_id):
        raise BadRequest("bad_message_id", "`message_id` must be 1-64 letters, digits, '-' or '_'")

    has_message, has_payload, has_drawing = "message" in body, "payload" in body, "drawing" in body
    if has_message + has_payload + has_drawing != 1:
        raise BadRequest(
            "bad_request", "send one of `message` (what the child typed), `payload` (a button) or `drawing` (its id)"
        )
    if has_drawing:
        drawing = body["drawing"]
        if "scribed_by" in body:
            raise BadRequest("bad_scribed_by", "a drawing is the child's own: `scribed_by` goes with `message` only")
        if not isinstance(drawing, str) or not _DRAWING_ID.fullmatch(drawing):
            raise BadRequest("bad_drawing", "`drawing` must be the id the web app gave the drawing it kept")
        return Incoming(sender, message_id, DRAWING_INPUT, f'/{DRAWING_INTENT}{{"drawing":"{drawing}"}}',
                        drawing=drawing)
    if has_payload:
        if "scribed_by" in body:
            raise BadRequest("bad_scribed_by", "a button is always the child's own: `scribed_by` goes with `message` only")
        return Incoming(sender, message_id, "button", _payload(body["payload"], known_intents))
    return Incoming(sender, message_id, "typed", _typed_text(body["message"]), _scribe(body))


def button_intents(responses: Mapping[str, Any], intents: Iterable[str], rasa_intents: Iterable[str] = ()
                   ) -> FrozenSet[str]:
    """The intents a payload may carry: those of the buttons in the domain's responses (every
    variation) and PAGE_INTENTS, if the domain has them; never NEVER_BUTTONS nor Rasa's own intents.
    Worked out once for each domain the server loads (bot/channel/tablet.py)."""
    on_buttons = set(PAGE_INTENTS)
    for variations in responses.values():
        for variation in variations or []:
            for button in (variation or {}).get("buttons") or []:
                payload = str((button or {}).get("payload", ""))
                if payload.startswith("/"):
                    on_buttons.add(payload[1:].partition("{")[0].strip())
    return frozenset(on_buttons.intersection(intents) - NEVER_BUTTONS - set(rasa_intents))


def _payload(payload: Any, known_intents: Collection[str]) -> str:
    match = _PAYLOAD.fullmatch(payload) if isinstance(payload, str) else None
    if (
        match is None
        or match.group(1) not in known_intents
        or (match.group(2) is not None) != (match.group(1) == CHOICE_INTENT)
    ):
        raise BadRequest("bad_payload", "`payload` must be one of the bot's button payloads, e.g. /skip")
    return payload


def _scribe(body: dict) -> Optional[str]:
    scribe = body.get("scribed_by")
    if scribe is None:
        return None
    if not isinstance(scribe, str) or not scribe.strip() or len(scribe) > MAX_SCRIBE_CHARS:
        raise BadRequest("bad_scribed_by", f"`scribed_by` must be the practitioner's name, 1-{MAX_SCRIBE_CHARS} characters")
    return scribe


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
