"""When typed words only look like a control (bot/channel/typed_controls.py), they are kept as the child's
answer like any other, and the bot then asks, with buttons in the band's words, whether the child
meant the control (utter_ask_control_check: "Do you want to stop?" [Yes, stop] [No, carry on]).

What each reply to that check means (the reply itself is kept, as the answer to the check):
- "No, carry on" (or a typed no): the activity goes on from the question after;
- yes: the control is done now. Skip and "I don't know" leave the question's follow-ups out (the
  words are still the answer); Help and Repeat ask the question again, more simply for Help; a break
  or the practitioner is said, and the question waits to be asked again; stop ends the session,
  keeping everything said (the check was its confirmation);
- Help or Repeat at the check: the check is asked again;
- anything else typed: kept as the answer to the check, and the activity goes on.

The check is a question of every activity's form, like the safeguarding check, asked only while the
channel's `control_to_check` entity has set the slot of that name; a concern is asked about first."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from bot.dialogue.capture import HELP_INTENT, PAUSES, REPEAT_INTENT, Reply, record_reply
from bot.store.repository import Store

CHECK_QUESTION = "control_check"
CONTROL_SLOT = "control_to_check"  # the control the words looked like; also the channel's entity
CHECKED_SLOT = "checked_question"  # the question the words answered, to ask again or close
YES, NO = "affirm", "deny"
MOVES_ON = ("skip", "dont_know")  # the question is done: its follow-ups are left out
ASKS_AGAIN = {HELP_INTENT: True, REPEAT_INTENT: False}  # control -> asked again more simply?


@dataclass(frozen=True)
class CheckOutcome:
    answered: bool  # the check is done: the activity goes on (or the session has stopped)
    say: Optional[str] = None  # a response to say first (a break, the practitioner told)
    ask_again: bool = False  # the question the words answered is asked again
    rephrase: Optional[bool] = None  # ... more simply (None: the wording as it was)
    close_question: bool = False  # the question's follow-ups are left out
    stop: bool = False  # the session ends here


def asks_control_check(control: object, questions: Sequence[str]) -> list:
    """An activity's questions, with the check before the next one while a control waits for it."""
    rest = [q for q in questions if q != CHECK_QUESTION]
    return ([CHECK_QUESTION] if control else []) + rest


def record_control_check_reply(store: Store, session_id: str, *, control: str, activity: str, prompt_text: str,
                               reply: Reply, buttons: Sequence[dict] = (), about_activity=None) -> CheckOutcome:
    if reply.intent in (HELP_INTENT, REPEAT_INTENT):
        return CheckOutcome(answered=False)
    if reply.typed and not reply.text.strip():
        return CheckOutcome(answered=False)
    record_reply(store, session_id, activity=activity, prompt_key=CHECK_QUESTION, prompt_text=prompt_text,
                 reply=reply, buttons=buttons, about_activity=about_activity)
    if reply.intent != YES:
        return CheckOutcome(answered=True)
    if control == "stop":
        return CheckOutcome(answered=True, stop=True)
    if control in MOVES_ON:
        return CheckOutcome(answered=True, close_question=True)
    if control in ASKS_AGAIN:
        return CheckOutcome(answered=True, ask_again=True, rephrase=ASKS_AGAIN[control])
    response, notice = PAUSES[control]
    if notice:
        store.record_notice(session_id, notice, reply.message_id)
    return CheckOutcome(answered=True, say=response, ask_again=True)
