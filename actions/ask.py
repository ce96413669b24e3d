"""Questions whose content comes from the session itself. The wording is still the trainer's: each
says its domain.yml responses; only the child's own words and the activity buttons are added."""
from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.flow import STARTED_SLOT
from actions.store import get_prompt_pack, get_store
from bot.flow import choices_now
from bot.read_back import HEARD_RESPONSE, heard_text


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


class ActionAskReadBackCheck(Action):
    """Shows the child what they said in one activity, each answer exactly, then asks whether it
    is right (utter_ask_read_back_check)."""

    def name(self) -> Text:
        return "action_ask_read_back_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        answers = await asyncio.to_thread(get_store().answers, tracker.sender_id)
        heard = heard_text(answers, tracker.get_slot("about_activity"), get_prompt_pack().read_back_line)
        dispatcher.utter_message(response=HEARD_RESPONSE)
        dispatcher.utter_message(text=heard)  # the child's words go as they are, never through a template
        dispatcher.utter_message(response="utter_ask_read_back_check")
        return []
