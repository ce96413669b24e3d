"""Recording a child's reply to a question, exactly as given.

What each reply means for the question it answers:
- words typed: stored verbatim as the answer (a typed "I don't know" is stored with kind
  `dont_know`, a typed "skip" with kind `skipped`, the words kept either way);
- the Skip or "I don't know" button: stored as `skipped` or `dont_know`, with the button's words
  (no typed words);
- Help (button or a short typed "I don't understand"): nothing is stored as an answer and the
  question is asked again, more simply; Repeat asks it again as it was;
- a break, or asking for the practitioner (who is then told): the bot says so, and the question
  waits to be asked again;
- only spaces or line breaks: asked again (they stay in the transcript, like every message);
- a question asked until done ("What else goes in ...?"): each reply is stored and the question
  asked again, until the child taps "That's all" (or types a plain "no");
- a choice button: stored as a `choice`, with the button's words as the child saw them; the open
  questions that follow a choice quote it (or the typed answer) exactly. If the child does not
  choose (skip, "I don't know"), or chooses one that needs nothing more ("That's right"), those
  follow-up questions are not asked;
- a drawing (the chat page's Draw, where the question offers it): stored as a `drawing` that points
  to the picture kept (bot/store/drawings.py); the bot then asks what it shows, and those words are
  kept with it (bot/dialogue/drawing.py) and quoted by the questions that follow;
- words that may tell of harm (the channel made them a `disclosure`): stored like any answer, but
  nothing asks about them: the follow-up questions that would quote them are not asked, and a
  question asked until done is done. The bot asks bot/safeguarding/check.py's question next.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from bot.safeguarding.concern import DISCLOSURE_INTENT
from bot.store.repository import Store

logger = logging.getLogger(__name__)  # identifiers only, never the child's words

KIND_BY_INTENT = {"skip": "skipped", "dont_know": "dont_know", "choose": "choice"}
DRAWING_KIND = "drawing"
DRAWING_INPUT = "drawing"  # the message's input: a drawing the chat page sent (bot/channel/incoming.py)
DRAWING_ENTITY = "drawing"  # its entity: the drawing's id
NOT_ASKED = "not_asked"  # the value of a follow-up question left out because nothing was chosen
DONE = "done"  # the value of a question asked until done, once the child has said "that's all"
DONE_INTENT = "deny"
HELP_INTENT = "help"
REPEAT_INTENT = "repeat"
# intent: (what the bot says, a notice for the practitioner)
PAUSES = {
    "take_break": ("utter_break", None),
    "talk_to_practitioner": ("utter_practitioner_told", "talk_to_practitioner"),
}


@dataclass(frozen=True)
class Reply:
    message_id: str
    intent: Optional[str]
    input: str  # "typed" or "button"
    text: str  # the typed words, or the button's payload
    choice: Optional[str] = None  # the value a choice button carries
    drawing: Optional[str] = None  # the id of the drawing sent (bot/store/drawings.py)

    @property
    def typed(self) -> bool:
        return self.input == "typed"

    @classmethod
    def from_latest_message(cls, latest_message: Dict[str, Any]) -> "Reply":
        metadata = latest_message.get("metadata") or {}
        def entity(name: str) -> Optional[str]:
            values = [e.get("value") for e in latest_message.get("entities") or [] if e.get("entity") == name]
            return str(values[0]) if values else None

        input_ = metadata.get("input", "typed")
        return cls(
            message_id=latest_message["message_id"],
            intent=(latest_message.get("intent") or {}).get("name"),
            input=input_,
            text=latest_message.get("text") or "",
            choice=entity("choice"),
            drawing=entity(DRAWING_ENTITY) if input_ == DRAWING_INPUT else None,
        )


@dataclass(frozen=True)
class Outcome:
    """What the form should do: fill the question with `slot_value`, or ask it again (more simply
    if `rephrase`; None leaves the wording as it was), after saying the response `say`."""

    slot_value: Optional[str]
    rephrase: Optional[bool] = False
    say: Optional[str] = None
    last_words: Optional[str] = None  # for the next question to quote
    not_asked: Tuple[str, ...] = ()  # follow-up questions to leave out
    concern_answered: bool = False  # the child has answered the safeguarding check
    drawing: Optional[str] = None  # a drawing was kept as the answer: its id, for the bot to ask about


def record_reply(
    store: Store,
    session_id: str,
    *,
    activity: str,
    prompt_key: str,
    prompt_text: str,
    reply: Reply,
    buttons: Sequence[Dict[str, Any]] = (),
    follow_ups: Sequence[str] = (),
    until_done: bool = False,
    no_follow_up_choices: Sequence[str] = (),
    about_activity: Optional[str] = None,
    describes: Optional[str] = None,
) -> Outcome:
    """`describes`: the drawing whose words these are (the reply to bot/dialogue/drawing.py's question)."""
    if reply.intent == HELP_INTENT:
        return Outcome(None, rephrase=True)
    if reply.intent == REPEAT_INTENT:
        return Outcome(None, rephrase=None)
    if reply.intent in PAUSES:
        response, notice = PAUSES[reply.intent]
        if notice:
            store.record_notice(session_id, notice, reply.message_id)
        return Outcome(None, rephrase=None, say=response)
    if reply.typed and not reply.text.strip():
        return Outcome(None)
    if until_done and reply.intent == DONE_INTENT:
        return Outcome(DONE)
    if reply.drawing:
        kind = DRAWING_KIND
    else:
        kind = "answer" if reply.typed and reply.intent == "choose" else KIND_BY_INTENT.get(reply.intent, "answer")
    tapped = not reply.typed and not reply.drawing
    label = button_title(buttons, reply.text) if tapped else None
    answer = store.record_answer(
        session_id,
        activity=activity,
        prompt_key=prompt_key,
        prompt_text=prompt_text,
        kind=kind,
        text=reply.text if reply.typed else None,
        choice=(reply.choice or reply.text) if tapped else None,
        choice_label=label,
        message_id=reply.message_id,
        about_activity=about_activity,
        drawing_id=reply.drawing or describes,
    )
    logger.debug("session %s: %s to %s stored as answer %s", session_id, kind, prompt_key, answer.id)
    if answer.prompt_key != prompt_key:
        # This message was already stored as the answer to an earlier question (a retry that
        # reached Rasa twice): it is not this question's answer, so ask this one again.
        return Outcome(None)
    chose_nothing = kind in ("skipped", "dont_know")
    disclosure = reply.intent == DISCLOSURE_INTENT
    last_words = None if disclosure else (reply.text if reply.typed else label)
    if until_done and not chose_nothing and not disclosure:
        return Outcome(None, last_words=last_words, drawing=reply.drawing)  # kept; the same question again, until done
    if until_done and disclosure:
        return Outcome(DONE)
    reference = f"answer:{answer.id}" + (f":{answer.choice}" if kind == "choice" else "")
    no_follow_up = chose_nothing or disclosure or (kind == "choice" and answer.choice in no_follow_up_choices)
    return Outcome(reference, last_words=last_words, not_asked=tuple(follow_ups) if no_follow_up else (),
                   drawing=reply.drawing)


def button_title(buttons: Sequence[Dict[str, Any]], payload: str) -> Optional[str]:
    """The words on the button the child tapped, as shown."""
    return next((b.get("title") for b in buttons if b.get("payload") == payload), None)


def question_shown(
    events: Iterable[Dict[str, Any]], form: str, prompt_key: str
) -> Tuple[str, List[Dict[str, Any]]]:
    """The exact words of the question as the child last saw it, and its buttons, from the
    conversation's events."""
    asks = {f"utter_ask_{form}_{prompt_key}", f"utter_ask_{prompt_key}"}
    last_bot = None
    for event in reversed(list(events)):
        if event.get("event") != "bot":
            continue
        if (event.get("metadata") or {}).get("utter_action") in asks:
            return _words_and_buttons(event)
        last_bot = last_bot or event
    return _words_and_buttons(last_bot) if last_bot else ("", [])


def _words_and_buttons(event: Dict[str, Any]) -> Tuple[str, List[Dict[str, Any]]]:
    return event.get("text") or "", list((event.get("data") or {}).get("buttons") or [])
