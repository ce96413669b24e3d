"""Recording a child's reply to a question, exactly as given.

What each reply means for the question it answers:
- words typed: stored verbatim as the answer (a typed "I don't know" is stored with kind
  `dont_know`, a typed "skip" with kind `skipped`, the words kept either way);
- the Skip or "I don't know" button: stored as `skipped` or `dont_know`, with no words;
- Help (button or a short typed "I don't understand"): nothing is stored as an answer and the
  question is asked again, more simply; Repeat asks it again as it was;
- a break, or asking for the practitioner (who is then told): the bot says so, and the question
  waits to be asked again;
- only spaces or line breaks: asked again (they stay in the transcript, like every message).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional

from bot.store.repository import Store

KIND_BY_INTENT = {"skip": "skipped", "dont_know": "dont_know"}
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

    @classmethod
    def from_latest_message(cls, latest_message: Dict[str, Any]) -> "Reply":
        metadata = latest_message.get("metadata") or {}
        return cls(
            message_id=latest_message["message_id"],
            intent=(latest_message.get("intent") or {}).get("name"),
            input=metadata.get("input", "typed"),
            text=latest_message.get("text") or "",
        )


@dataclass(frozen=True)
class Outcome:
    """What the form should do: fill the question with `slot_value`, or ask it again (more simply
    if `rephrase`; None leaves the wording as it was), after saying the response `say`."""

    slot_value: Optional[str]
    rephrase: Optional[bool] = False
    say: Optional[str] = None


def record_reply(
    store: Store,
    session_id: str,
    *,
    activity: str,
    prompt_key: str,
    prompt_text: str,
    reply: Reply,
) -> Outcome:
    if reply.intent == HELP_INTENT:
        return Outcome(None, rephrase=True)
    if reply.intent == REPEAT_INTENT:
        return Outcome(None, rephrase=None)
    if reply.intent in PAUSES:
        response, notice = PAUSES[reply.intent]
        if notice:
            store.record_notice(session_id, notice, reply.message_id)
        return Outcome(None, rephrase=None, say=response)
    typed = reply.input == "typed"
    if typed and not reply.text.strip():
        return Outcome(None)
    answer = store.record_answer(
        session_id,
        activity=activity,
        prompt_key=prompt_key,
        prompt_text=prompt_text,
        kind=KIND_BY_INTENT.get(reply.intent, "answer"),
        text=reply.text if typed else None,
        choice=None if typed else reply.text,
        message_id=reply.message_id,
    )
    if answer.prompt_key != prompt_key:
        # This message was already stored as the answer to an earlier question (a retry that
        # reached Rasa twice): it is not this question's answer, so ask this one again.
        return Outcome(None)
    return Outcome(f"answer:{answer.id}")


def prompt_shown(events: Iterable[Dict[str, Any]], form: str, prompt_key: str) -> str:
    """The exact words of the question as the child last saw it, from the conversation's events."""
    asks = {f"utter_ask_{form}_{prompt_key}", f"utter_ask_{prompt_key}"}
    last_bot_text = None
    for event in reversed(list(events)):
        if event.get("event") != "bot":
            continue
        if (event.get("metadata") or {}).get("utter_action") in asks:
            return event.get("text") or ""
        if last_bot_text is None:
            last_bot_text = event.get("text")
    return last_bot_text or ""
