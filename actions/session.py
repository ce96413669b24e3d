"""action_session_start: the age band, language and practitioner come from the session record.

Nothing carries over from anywhere else: each session has its own sender id, and slots start empty."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.store import get_store


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        store = get_store()
        session = await asyncio.to_thread(store.get_session, tracker.sender_id)
        events: List[EventType] = [SessionStarted()]
        if session is None:
            # The channel refuses unknown senders before Rasa sees them; this covers a session
            # erased while its conversation was still open.
            dispatcher.utter_message(response="utter_session_unknown")
        else:
            await asyncio.to_thread(store.mark_started, session.id)
            events += [
                SlotSet("age_band", session.age_band),
                SlotSet("language", session.language),
                SlotSet("practitioner_name", session.practitioner),
                SlotSet("case_about", session.case_about),
                SlotSet("rephrase", False),
            ]
        events.append(ActionExecuted("action_listen"))
        return events
