"""validate_<activity>_form for every activity in activities.yml: one generic validation that
stores each reply verbatim (bot/dialogue/capture.py) so a trainer adds an activity with YAML alone."""
from __future__ import annotations

import asyncio
from abc import abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.flow import about_events
from actions.store import answers_and_flagged, get_prompt_pack, get_store
from bot.dialogue.capture import NOT_ASKED, Reply, question_shown, record_reply
from bot.dialogue.control_check import CHECK_QUESTION as CONTROL_CHECK
from bot.dialogue.control_check import (
    CHECKED_SLOT,
    CONTROL_SLOT,
    asks_control_check,
    record_control_check_reply,
)
from bot.dialogue.drawing import DRAWING_QUESTION, DRAWING_SLOT, asks_drawing_words, record_drawing_words
from bot.dialogue.flow import question_order
from bot.dialogue.read_back import activities_heard, activity_after
from bot.pack.prompt_pack import Activity
from bot.safeguarding.check import (
    CHECK_QUESTION,
    CONCERN_SLOT,
    asks_check,
    record_check_reply,
)


class ActivityFormValidation(FormValidationAction):
    """Abstract (no form): rasa-sdk registers only the concrete subclasses made below."""

    @property
    @abstractmethod
    def form(self) -> str:
        ...

    def name(self) -> Text:
        return f"validate_{self.form}"

    def activity(self) -> Activity:
        pack = get_prompt_pack()
        return pack.activities[pack.activity_of_form(self.form)]

    async def required_slots(self, domain_slots, dispatcher, tracker, domain) -> List[Text]:
        activity = self.activity()
        chooser = activity.order_chosen_by
        chosen = tracker.get_slot(chooser) if chooser else None
        questions = question_order(domain_slots, chooser, activity.parts, chosen)
        questions = asks_drawing_words(tracker.get_slot(DRAWING_SLOT), questions)
        return asks_check(tracker.get_slot(CONCERN_SLOT), asks_control_check(tracker.get_slot(CONTROL_SLOT), questions))

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        candidates = {k: v for k, v in tracker.slots_to_validate().items() if k in required}
        question = tracker.get_slot("requested_slot")
        if question not in candidates:
            return [SlotSet(slot, value) for slot, value in candidates.items()]

        activity = self.activity()
        prompt_text, buttons = question_shown(tracker.events, self.form, question)
        about = tracker.get_slot("about_activity") if activity.for_each_activity else None
        if question == CHECK_QUESTION:
            return await self._check_answered(dispatcher, tracker, activity, prompt_text, about, required)
        if question == CONTROL_CHECK:
            return await self._control_checked(dispatcher, tracker, activity, prompt_text, buttons, about)
        if question == DRAWING_QUESTION:
            return await self._drawing_described(dispatcher, tracker, activity, prompt_text, about)
        outcome = await asyncio.to_thread(
            record_reply,
            get_store(),
            tracker.sender_id,
            activity=activity.key,
            prompt_key=question,
            prompt_text=prompt_text,
            reply=Reply.from_latest_message(tracker.latest_message),
            buttons=buttons,
            follow_ups=activity.follow_ups.get(question, ()),
            until_done=question in activity.until_done,
            no_follow_up_choices=activity.no_follow_up_choices,
            about_activity=about,
        )
        if outcome.say:
            dispatcher.utter_message(response=outcome.say)
        # The slot keeps a reference to the stored answer, not the words themselves.
        events = [SlotSet(question, outcome.slot_value)]
        events += [SlotSet(follow_up, NOT_ASKED) for follow_up in outcome.not_asked]
        if outcome.rephrase is not None:
            events.append(SlotSet("rephrase", outcome.rephrase))
        if outcome.last_words is not None:
            events.append(SlotSet("last_words", outcome.last_words))
        if outcome.drawing:  # what it shows is asked next
            events.append(SlotSet(DRAWING_SLOT, outcome.drawing))
        if tracker.get_slot(CONTROL_SLOT):  # the words looked like a control: the check comes next
            events.append(SlotSet(CHECKED_SLOT, question))
        if activity.for_each_activity:
            events += await self._next_round(tracker, required, events)
        return events

    async def _control_checked(self, dispatcher, tracker, activity, prompt_text, buttons, about) -> List[EventType]:
        """The child's reply to the check of what they meant (bot/dialogue/control_check.py)."""
        store, session_id = get_store(), tracker.sender_id
        outcome = await asyncio.to_thread(
            record_control_check_reply, store, session_id, control=tracker.get_slot(CONTROL_SLOT),
            activity=activity.key, prompt_text=prompt_text, reply=Reply.from_latest_message(tracker.latest_message),
            buttons=buttons, about_activity=about,
        )
        events: List[EventType] = [SlotSet(CONTROL_CHECK, None)]
        if not outcome.answered:
            return events
        events.append(SlotSet(CONTROL_SLOT, None))
        if outcome.stop:  # the check was the confirmation: as action_stop_session does
            await asyncio.to_thread(store.mark_ended, session_id, "stopped")
            dispatcher.utter_message(response="utter_stopped")
            return events + [ActiveLoop(None), SlotSet("requested_slot", None)]
        if outcome.say:
            dispatcher.utter_message(response=outcome.say)
        checked = tracker.get_slot(CHECKED_SLOT)
        if outcome.ask_again and checked:
            events += [SlotSet(checked, None), SlotSet("rephrase", bool(outcome.rephrase))]
        if outcome.close_question and checked:
            events += [SlotSet(follow_up, NOT_ASKED) for follow_up in activity.follow_ups.get(checked, ())]
        return events

    async def _drawing_described(self, dispatcher, tracker, activity, prompt_text, about) -> List[EventType]:
        """The child's words about their drawing (bot/dialogue/drawing.py)."""
        outcome = await asyncio.to_thread(
            record_drawing_words, get_store(), tracker.sender_id, drawing=tracker.get_slot(DRAWING_SLOT),
            activity=activity.key, prompt_text=prompt_text, reply=Reply.from_latest_message(tracker.latest_message),
            about_activity=about,
        )
        if outcome.say:
            dispatcher.utter_message(response=outcome.say)
        events: List[EventType] = [SlotSet(DRAWING_QUESTION, None)]
        if outcome.rephrase is not None:
            events.append(SlotSet("rephrase", outcome.rephrase))
        if outcome.slot_value is None and not outcome.drawing:
            return events  # asked again
        # answered; another drawing sent instead is asked about in its turn
        events.append(SlotSet(DRAWING_SLOT, outcome.drawing))
        if outcome.last_words is not None:
            events.append(SlotSet("last_words", outcome.last_words))
        if tracker.get_slot(CONTROL_SLOT):
            events.append(SlotSet(CHECKED_SLOT, DRAWING_QUESTION))
        return events

    async def _check_answered(self, dispatcher, tracker, activity, prompt_text, about, required) -> List[EventType]:
        """The child's reply to the safeguarding check (bot/safeguarding/check.py)."""
        outcome = await asyncio.to_thread(
            record_check_reply, get_store(), tracker.sender_id, activity=activity.key, prompt_text=prompt_text,
            reply=Reply.from_latest_message(tracker.latest_message), about_activity=about,
        )
        if outcome.say:
            dispatcher.utter_message(response=outcome.say)
        events: List[EventType] = [SlotSet(CHECK_QUESTION, None)]
        if outcome.rephrase is not None:
            events.append(SlotSet("rephrase", outcome.rephrase))
        if outcome.concern_answered:
            events.append(SlotSet(CONCERN_SLOT, None))
            if activity.for_each_activity:
                events += await self._next_round(tracker, [q for q in required if q != CHECK_QUESTION], events)
        return events

    async def _next_round(self, tracker: Tracker, required: List[Text], events: List[EventType]) -> List[EventType]:
        """Once every question is answered for one activity, the same questions again, about the
        next activity the child said something in (none left: the form is done)."""
        values = {slot: tracker.get_slot(slot) for slot in required}
        values.update({e["name"]: e["value"] for e in events if e.get("event") == "slot" and e["name"] in values})
        if any(value is None for value in values.values()):
            return []
        pack = get_prompt_pack()
        answers, flagged = await answers_and_flagged(tracker.sender_id)
        heard = activities_heard(answers, pack.read_back_candidates(), flagged)
        following = activity_after(heard, tracker.get_slot("about_activity"))
        if following is None:
            return []
        return [SlotSet(slot, None) for slot in required] + about_events(pack, following)


def _validation_for(form: str) -> type:
    class_name = "Validate" + "".join(part.title() for part in form.split("_"))
    return type(class_name, (ActivityFormValidation,), {"form": form, "__module__": __name__})


VALIDATIONS = [_validation_for(activity.form) for activity in get_prompt_pack().activities.values()]
