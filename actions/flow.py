"""Moving through the session's plan of activities, and ending the session."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.store import get_store
from bot.flow import next_activity


class ActionNextActivity(Action):
    """Sets the `activity` slot to the plan's next activity (or `closing`); the activity's rules
    in data/stories/ then start its form."""

    def name(self) -> Text:
        return "action_next_activity"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        session = await asyncio.to_thread(get_store().get_session, tracker.sender_id)
        plan = session.plan if session else []
        return [SlotSet("activity", next_activity(plan, tracker.get_slot("activity"))), SlotSet("rephrase", False)]


class ActionStopSession(Action):
    """The child confirmed they want to stop: the session ends, with what they said so far kept."""

    def name(self) -> Text:
        return "action_stop_session"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        await asyncio.to_thread(get_store().mark_ended, tracker.sender_id, "stopped")
        return [ActiveLoop(None), SlotSet("requested_slot", None)]


class ActionEndSession(Action):
    def name(self) -> Text:
        return "action_end_session"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        await asyncio.to_thread(get_store().mark_ended, tracker.sender_id, "completed")
        return []
