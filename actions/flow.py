"""Moving through the session's plan of activities, and ending the session."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.store import answers_and_flagged, get_prompt_pack, get_store
from bot.dialogue.capture import NOT_ASKED
from bot.dialogue.flow import CHOOSE_NEXT, CLOSING, chosen_value, next_activity
from bot.dialogue.read_back import activities_heard
from bot.pack.prompt_pack import Activity, PromptPack

STARTED_SLOT = "activities_started"
ENDED = "ended"  # the `activity` once the session has ended: the rules then say nothing more
CHOSEN_SLOT = "choose_next_activity"  # the question that offers the child the choice


class ActionNextActivity(Action):
    """Sets the `activity` slot to what comes next: the plan's next activity, the child's choice of
    it, or the closing. The activity's rules in data/stories/ then start its form, with its
    questions empty; a read-back starts at the first activity the child said something in, and it
    and sharing are left out if there is none (words that raised a flag aside)."""

    def name(self) -> Text:
        return "action_next_activity"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        store, pack = get_store(), get_prompt_pack()
        session = await asyncio.to_thread(store.get_session, tracker.sender_id)
        if session is None or not session.is_open:  # stopped by the child from a check of what they meant
            return [SlotSet("activity", ENDED)]
        plan = session.plan
        started = list(tracker.get_slot(STARTED_SLOT) or [])
        # after the offer, whatever the child did ("" for no choice) decides; it is offered once
        chosen = (chosen_value(tracker.get_slot(CHOSEN_SLOT)) or "") if tracker.get_slot("activity") == CHOOSE_NEXT else None
        heard: Optional[List[str]] = None
        while True:
            following = next_activity(
                plan, started, choosable=pack.choosable,
                child_chooses=bool(session and session.child_chooses), chosen=chosen,
            )
            chosen = None
            if following in (CHOOSE_NEXT, CLOSING) or not pack.activities[following].after_words:
                break
            if heard is None:
                answers, flagged = await answers_and_flagged(tracker.sender_id)
                heard = activities_heard(answers, pack.read_back_candidates(), flagged)
            if heard:
                break
            started.append(following)  # nothing said yet to go over

        events: List[EventType] = [SlotSet("activity", following), SlotSet("rephrase", False)]
        if following != CHOOSE_NEXT:
            events.append(SlotSet(STARTED_SLOT, started + [following]))
        activity = pack.activities[following]
        events += [SlotSet(question, _starting_value(activity, question, tracker))
                   for question in _questions(domain, activity.form)]
        if following not in (CHOOSE_NEXT, CLOSING) and pack.activities[following].for_each_activity:
            events += about_events(pack, heard[0])
        return events


def about_events(pack: PromptPack, activity: str) -> List[EventType]:
    """The activity a read-back question is about, and its name for the child."""
    about = pack.activities[activity]
    return [SlotSet("about_activity", activity), SlotSet("about_name", about.name_for_child or about.title)]


def _starting_value(activity: Activity, question: str, tracker: Tracker) -> Optional[str]:
    """A question starts empty, or left out when it needs a detail the practitioner did not give
    at the start (activities.yml, only_with)."""
    needed = activity.only_with.get(question)
    return NOT_ASKED if needed and not tracker.get_slot(needed) else None


def _questions(domain: Dict[Text, Any], form: str) -> List[str]:
    return list(((domain.get("forms") or {}).get(form) or {}).get("required_slots") or [])


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
