"""Questions whose content comes from the session itself. The wording is still the trainer's: each
says its domain.yml responses; only the child's own words and the activity buttons are added."""
from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.flow import STARTED_SLOT
from actions.store import answers_and_flagged, get_prompt_pack, get_store
from bot.dialogue.flow import choices_now
from bot.dialogue.read_back import FLAGGED_RESPONSE, HEARD_RESPONSE, heard_text
from bot.store.flags import Flags

FLAGGED_SAID_SLOT = "flagged_apart_said"


class ActionAskChooseNextActivity(Action):
    """Offers the child the activities they may choose next, each as a button, with the three
    ways out that utter_ask_choose_next_activity carries."""

    def name(self) -> Text:
        return "action_ask_choose_next_activity"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        pack = get_prompt_pack()
        session = await asyncio.to_thread(get_store().get_session, tracker.sender_id)
        started = tracker.get_slot(STARTED_SLOT) or []
        options = choices_now(session.plan if session else [], started, pack.choosable)
        buttons = [
            {"title": pack.activities[key].button, "payload": "/choose" + json.dumps({"choice": key}, separators=(",", ":"))}
            for key in options
        ]
        dispatcher.utter_message(response="utter_ask_choose_next_activity", buttons=buttons)
        return []


class ActionSayFlaggedApart(Action):
    """At the start of the read-back and of sharing: if words the child wrote raised a safeguarding
    flag, they are not gone over; the child is told, once in the session (saying it again would keep
    pointing at it), that the practitioner will talk with them about them (utter_read_back_flagged)."""

    def name(self) -> Text:
        return "action_say_flagged_apart"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if tracker.get_slot(FLAGGED_SAID_SLOT):
            return []
        if not await asyncio.to_thread(Flags(get_store()).message_ids, tracker.sender_id):
            return []
        dispatcher.utter_message(response=FLAGGED_RESPONSE)
        return [SlotSet(FLAGGED_SAID_SLOT, True)]


class ActionAskReadBackCheck(Action):
    """Shows the child what they said in one activity, each answer exactly (words that raised a
    flag left out), then asks what they would like to do (utter_ask_read_back_check)."""

    def name(self) -> Text:
        return "action_ask_read_back_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        answers, flagged = await answers_and_flagged(tracker.sender_id)
        heard = heard_text(answers, tracker.get_slot("about_activity"), get_prompt_pack().read_back_line, flagged)
        dispatcher.utter_message(response=HEARD_RESPONSE)
        dispatcher.utter_message(text=heard)  # the child's words go as they are, never through a template
        dispatcher.utter_message(response="utter_ask_read_back_check")
        return []
