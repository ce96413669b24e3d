"""validate_<activity>_form for every activity in activities.yml: one generic validation that
stores each reply verbatim (bot/capture.py) so a trainer adds an activity with YAML alone."""
from __future__ import annotations

import asyncio
from abc import abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.store import get_prompt_pack, get_store
from bot.capture import Reply, prompt_shown, record_reply


class ActivityFormValidation(FormValidationAction):
    """Abstract (no form): rasa-sdk registers only the concrete subclasses made below."""

    @property
    @abstractmethod
    def form(self) -> str:
        ...

    def name(self) -> Text:
        return f"validate_{self.form}"

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        candidates = {k: v for k, v in tracker.slots_to_validate().items() if k in required}
        question = tracker.get_slot("requested_slot")
        if question not in candidates:
            return [SlotSet(slot, value) for slot, value in candidates.items()]

        outcome = await asyncio.to_thread(
            record_reply,
            get_store(),
            tracker.sender_id,
            activity=get_prompt_pack().activity_of_form(self.form),
            prompt_key=question,
            prompt_text=prompt_shown(tracker.events, self.form, question),
            reply=Reply.from_latest_message(tracker.latest_message),
        )
        if outcome.say:
            dispatcher.utter_message(response=outcome.say)
        # The slot keeps a reference to the stored answer, not the words themselves.
        events = [SlotSet(question, outcome.slot_value)]
        if outcome.rephrase is not None:
            events.append(SlotSet("rephrase", outcome.rephrase))
        return events


def _validation_for(form: str) -> type:
    class_name = "Validate" + "".join(part.title() for part in form.split("_"))
    return type(class_name, (ActivityFormValidation,), {"form": form, "__module__": __name__})


VALIDATIONS = [_validation_for(activity.form) for activity in get_prompt_pack().activities.values()]
