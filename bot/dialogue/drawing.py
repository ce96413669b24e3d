"""After a drawing, the bot asks the child what it shows (utter_ask_drawing_words: "Thank you for
your drawing. Tell me about it. What does it show?"), and keeps those words with the drawing.

A trainer lists the questions a drawing may answer in activities.yml (`drawing:`); the chat page
then offers Draw. The drawing is kept as that question's answer (bot/dialogue/capture.py, kind
`drawing`), and `drawing_to_describe` holds its id until the child has replied here.

What each reply to "what does it show?" means (every one kept points to the drawing):
- words typed: kept as the drawing's words, exactly, and quoted by the question that follows;
- Skip or "I don't know": kept as such; the activity goes on (the drawing is still the answer);
- Help, Repeat, a break, the practitioner, only spaces: as for any question (asked again);
- words that may tell of harm: kept, and the safeguarding check comes first.

Like the two checks, it is a question of every activity's form, asked only while the slot is set."""
from __future__ import annotations

from typing import Optional, Sequence

from bot.dialogue.capture import Outcome, Reply, record_reply
from bot.store.repository import Store

DRAWING_QUESTION = "drawing_words"
DRAWING_SLOT = "drawing_to_describe"  # the id of the drawing the child has not yet said anything about


def asks_drawing_words(drawing: object, questions: Sequence[str]) -> list:
    """An activity's questions, with "what does it show?" before the next one while a drawing waits."""
    rest = [q for q in questions if q != DRAWING_QUESTION]
    return ([DRAWING_QUESTION] if drawing else []) + rest


def record_drawing_words(store: Store, session_id: str, *, drawing: str, activity: str, prompt_text: str,
                         reply: Reply, about_activity: Optional[str] = None) -> Outcome:
    """The reply kept with the drawing; the outcome's slot_value is None while the question is to be asked again."""
    return record_reply(store, session_id, activity=activity, prompt_key=DRAWING_QUESTION, prompt_text=prompt_text,
                        reply=reply, about_activity=about_activity, describes=drawing)
