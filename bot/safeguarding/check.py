"""After a concern, before anything else, the bot thanks the child and asks whether they would like
to carry on, have a break or talk to their practitioner now (utter_ask_safeguarding_check). This
is what each reply to that question does. The concern itself was flagged by the channel."""
from __future__ import annotations

from typing import Sequence

from bot.dialogue.capture import (
    HELP_INTENT,
    PAUSES,
    REPEAT_INTENT,
    Outcome,
    Reply,
    record_reply,
)
from bot.safeguarding.concern import DISCLOSURE_INTENT
from bot.store.repository import Store

CHECK_QUESTION = "safeguarding_check"
CONCERN_SLOT = "concern"  # set from the channel's `concern` entity; cleared once the child replies
# The "Carry on" button says no to a break or the practitioner (typed "carry on" is a deny too).
CARRY_ON_INTENT = "deny"


def asks_check(concern: object, questions: Sequence[str]) -> list:
    """An activity's questions, with the check first while a concern waits for it."""
    rest = [q for q in questions if q != CHECK_QUESTION]
    return ([CHECK_QUESTION] if concern else []) + rest


def record_check_reply(store: Store, session_id: str, *, activity: str, prompt_text: str, reply: Reply,
                       about_activity=None) -> Outcome:
    """Help and Repeat ask again; another disclosure is kept and the check asked again; a break
    or the practitioner is said and then the activity goes on; anything typed is kept as the
    child's answer to the check, and the activity goes on."""
    if reply.intent in (HELP_INTENT, REPEAT_INTENT):
        return Outcome(None, rephrase=reply.intent == HELP_INTENT or None)
    if reply.intent in PAUSES:
        response, notice = PAUSES[reply.intent]
        if notice:
            store.record_notice(session_id, notice, reply.message_id)
        return Outcome(None, say=response, concern_answered=True)
    if reply.intent == CARRY_ON_INTENT and not reply.typed:
        return Outcome(None, concern_answered=True)
    if reply.typed and not reply.text.strip():
        return Outcome(None, rephrase=None)
    record_reply(store, session_id, activity=activity, prompt_key=CHECK_QUESTION, prompt_text=prompt_text,
                 reply=reply, about_activity=about_activity)
    return Outcome(None, concern_answered=reply.intent != DISCLOSURE_INTENT)
