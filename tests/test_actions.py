"""The custom actions, run as the action server runs them, on JSON trackers and a real database."""
from __future__ import annotations

import asyncio
import copy

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import store as action_store
from actions.ask import ActionAskChooseNextActivity, ActionAskReadBackCheck
from actions.capture import VALIDATIONS
from actions.flow import ActionNextActivity, ActionStopSession
from actions.session import ActionSessionStart
from tests.conftest import ROOT, load_fixture

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def actions_use(monkeypatch, database_url, data_key, store):
    """The action server's Store, made from settings that point at the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OWN_WORDS_DATA_KEY", data_key)
    action_store.get_store.cache_clear()
    yield store
    action_store.get_store().close()
    action_store.get_store.cache_clear()


def tracker_for(session_id: str, fixture: str = "tracker_three_houses_good.json") -> Tracker:
    state = copy.deepcopy(load_fixture(fixture))
    state["sender_id"] = session_id
    return Tracker.from_dict(state)


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher, events


def validation(form):
    return next(v() for v in VALIDATIONS if v().name() == f"validate_{form}")


def test_a_validation_action_exists_for_every_activity_form():
    names = {v().name() for v in VALIDATIONS}
    assert names == {f"validate_{form}" for form in DOMAIN["forms"]}


def test_an_answer_is_stored_verbatim_with_its_prompt(actions_use, session):
    tracker = tracker_for(session.id)
    _, events = run(validation("three_houses_form"), tracker)
    [answer] = actions_use.answers(session.id)
    assert answer.text == " my dog, Biscuit 🐶\nand my nan's garden "
    assert answer.prompt_text == "First, the house of good things. Tell me about the things that are going well for you."
    assert (answer.activity, answer.prompt_key, answer.kind, answer.message_id) == (
        "three_houses", "three_houses_good", "answer", "f00dfeed01"
    )
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots == {"three_houses_good": f"answer:{answer.id}", "rephrase": False, "last_words": answer.text,
                     "requested_slot": "three_houses_good_more"}


def test_running_the_validation_twice_stores_once(actions_use, session):
    run(validation("three_houses_form"), tracker_for(session.id))
    run(validation("three_houses_form"), tracker_for(session.id))
    assert len(actions_use.answers(session.id)) == 1


def test_help_reasks_more_simply(actions_use, session):
    state = load_fixture("tracker_three_houses_good.json")
    state["sender_id"] = session.id
    state["latest_message"].update(text="/help", intent={"name": "help", "confidence": 1.0}, metadata={"input": "button"})
    state["events"][-1]["value"] = "/help"
    _, events = run(validation("three_houses_form"), Tracker.from_dict(state))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots == {"three_houses_good": None, "rephrase": True, "requested_slot": "three_houses_good"}
    assert actions_use.answers(session.id) == []


def test_session_start_sets_the_age_band_and_language_from_the_record(actions_use, session):
    dispatcher, events = run(ActionSessionStart(), tracker_for(session.id))
    assert events[0]["event"] == "session_started"
    assert (events[-1]["event"], events[-1]["name"]) == ("action", "action_listen")
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots == {"age_band": "age_8_11", "language": "en", "practitioner_name": "Alex", "rephrase": False,
                     "case_about": None}
    assert dispatcher.messages == []
    assert actions_use.get_session(session.id).status == "active"


def test_session_start_for_an_unknown_sender_sets_nothing(actions_use):
    dispatcher, events = run(ActionSessionStart(), tracker_for("no-such-session"))
    assert [e["event"] for e in events] == ["session_started", "action"]
    assert [m["response"] for m in dispatcher.messages] == ["utter_session_unknown"]


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_next_activity_follows_the_sessions_plan_with_the_next_form_empty(actions_use, session):
    state = load_fixture("tracker_three_houses_good.json")
    state["sender_id"] = session.id
    state["slots"].update(activity="warm_up", activities_started=["warm_up"])
    _, events = run(ActionNextActivity(), Tracker.from_dict(state))
    assert slot_events(events) == {
        "activity": "understanding", "rephrase": False, "activities_started": ["warm_up", "understanding"],
        "safeguarding_check": None, "control_check": None, "drawing_words": None, "understanding_why": None,
        "understanding_next": None,
    }
    # understanding is done: the child is offered the choosable activities that come next
    state["slots"].update(activity="understanding", activities_started=["warm_up", "understanding"])
    _, events = run(ActionNextActivity(), Tracker.from_dict(state))
    assert slot_events(events) == {"activity": "choose_next", "rephrase": False, "safeguarding_check": None,
                                   "control_check": None, "drawing_words": None, "choose_next_activity": None}
    dispatcher, _ = run(ActionAskChooseNextActivity(), Tracker.from_dict(state))
    [offer] = dispatcher.messages
    assert offer["response"] == "utter_ask_choose_next_activity"
    assert [b["payload"] for b in offer["buttons"]] == [
        f'/choose{{"choice":"{key}"}}'
        for key in ("feelings", "three_houses", "important_people", "scale", "three_wishes", "judge_message")
    ]
    # the child tapped the scale
    state["slots"].update(activity="choose_next", choose_next_activity="answer:3:scale")
    _, events = run(ActionNextActivity(), Tracker.from_dict(state))
    assert slot_events(events)["activity"] == "scale"
    # "I don't know": the plan's order, and the choice is not offered again straight away
    state["slots"].update(choose_next_activity="answer:4")
    _, events = run(ActionNextActivity(), Tracker.from_dict(state))
    assert slot_events(events)["activity"] == "feelings"


def test_the_read_back_is_left_out_when_the_child_has_said_nothing_yet(actions_use, session):
    state = load_fixture("tracker_three_houses_good.json")
    state["sender_id"] = session.id
    started = [key for key in session.plan if key not in ("read_back", "sharing")]
    state["slots"].update(activity=started[-1], activities_started=started)
    _, events = run(ActionNextActivity(), Tracker.from_dict(state))
    assert slot_events(events)["activity"] == "closing"


def test_the_read_back_shows_the_childs_words_exactly(actions_use, session):
    for number, (kind, text, label) in enumerate(
        [("answer", " my dog {0[x]} 🐶\n", None), ("choice", None, "😊 Happy"), ("skipped", None, "🙊 I don't want to say")]
    ):
        actions_use.record_answer(session.id, activity="feelings", prompt_key="q", prompt_text="Q", kind=kind,
                                  text=text, choice_label=label, message_id=f"m{number}")
    state = load_fixture("tracker_three_houses_good.json")
    state["sender_id"] = session.id
    state["slots"].update(activity="scale", activities_started=session.plan[:-2])
    _, events = run(ActionNextActivity(), Tracker.from_dict(state))
    assert slot_events(events)["activity"] == "read_back"
    assert slot_events(events)["about_activity"] == "feelings"
    state["slots"].update(slot_events(events))
    dispatcher, _ = run(ActionAskReadBackCheck(), Tracker.from_dict(state))
    assert [m.get("response") for m in dispatcher.messages] == ["utter_read_back_heard", None, "utter_ask_read_back_check"]
    assert dispatcher.messages[1]["text"] == "“ my dog {0[x]} 🐶\n”\n“😊 Happy”"


def test_words_that_raised_a_flag_are_left_out_of_the_read_back_and_the_child_is_told(actions_use, session):
    from actions.ask import ActionSayFlaggedApart
    from bot.store.flags import Flags

    for number, text in enumerate(["my dog", "he hurts me", "a bike"]):
        actions_use.record_answer(session.id, activity="three_wishes", prompt_key="q", prompt_text="Q", kind="answer",
                                  text=text, message_id=f"m{number}")
    state = load_fixture("tracker_three_houses_good.json")
    state["sender_id"] = session.id
    state["slots"].update(activity="scale", activities_started=session.plan[:-2])
    dispatcher, _ = run(ActionSayFlaggedApart(), Tracker.from_dict(state))
    assert dispatcher.messages == []  # nothing flagged: nothing said
    Flags(actions_use).record(session.id, "m1", words="he hurts me", activity="three_wishes", prompt="Q",
                              found_by={"lexicon": [], "intent_confidence": 0.9})
    dispatcher, said = run(ActionSayFlaggedApart(), Tracker.from_dict(state))
    assert [m["response"] for m in dispatcher.messages] == ["utter_read_back_flagged"]
    state["slots"].update(slot_events(said))
    dispatcher, _ = run(ActionSayFlaggedApart(), Tracker.from_dict(state))
    assert dispatcher.messages == []  # said once a session
    _, events = run(ActionNextActivity(), Tracker.from_dict(state))
    state["slots"].update(slot_events(events))
    dispatcher, _ = run(ActionAskReadBackCheck(), Tracker.from_dict(state))
    assert dispatcher.messages[1]["text"] == "“my dog”\n“a bike”"


def test_an_activity_whose_only_words_raised_a_flag_is_not_read_back(actions_use, session):
    from bot.store.flags import Flags

    actions_use.record_answer(session.id, activity="three_wishes", prompt_key="q", prompt_text="Q", kind="answer",
                              text="he hurts me", message_id="m1")
    Flags(actions_use).record(session.id, "m1", words="he hurts me", activity="three_wishes", prompt="Q",
                              found_by={"lexicon": [], "intent_confidence": 0.9})
    state = load_fixture("tracker_three_houses_good.json")
    state["sender_id"] = session.id
    state["slots"].update(activity="my_questions", activities_started=session.plan[:-2])
    _, events = run(ActionNextActivity(), Tracker.from_dict(state))
    assert slot_events(events)["activity"] == "closing"  # nothing else said: no read-back, no sharing


@pytest.mark.parametrize("case_about,starts_as", [(None, "not_asked"), ("where you live", None)])
def test_a_question_naming_what_the_case_is_about_is_left_out_without_it(actions_use, session, case_about, starts_as):
    state = load_fixture("tracker_three_houses_good.json")
    state["sender_id"] = session.id
    started = session.plan[:session.plan.index("judge_message")]
    state["slots"].update(activity=started[-1], activities_started=started, case_about=case_about,
                          choose_next_activity="answer:4")
    state["slots"]["activity"] = "choose_next"
    _, events = run(ActionNextActivity(), Tracker.from_dict(state))
    slots = slot_events(events)
    assert slots["activity"] == "judge_message"
    assert slots["judge_message_arrangements"] == starts_as and slots["judge_message_contact"] is None


def test_stop_ends_the_session_and_the_form(actions_use, session):
    _, events = run(ActionStopSession(), tracker_for(session.id))
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert actions_use.get_session(session.id).status == "stopped"


def test_a_disclosure_is_kept_as_the_answer_and_the_safeguarding_check_comes_next(actions_use, session):
    state = load_fixture("tracker_three_houses_good.json")
    state["sender_id"] = session.id
    state["slots"]["concern"] = "f00dfeed01"  # the channel's `concern` entity, extracted by Rasa
    state["latest_message"]["intent"] = {"name": "disclosure", "confidence": 1.0}
    _, events = run(validation("three_houses_form"), Tracker.from_dict(state))
    [answer] = actions_use.answers(session.id)
    assert answer.text == " my dog, Biscuit 🐶\nand my nan's garden " and answer.prompt_key == "three_houses_good"
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert next_question("three_houses_form", state, slots) == "safeguarding_check" and "last_words" not in slots

    # the child taps "Carry on": nothing more is stored, the concern is answered, the activity goes on
    state["slots"].update({k: v for k, v in slots.items() if k != "last_words"}, safeguarding_check="/deny",
                          requested_slot="safeguarding_check")
    state["latest_message"].update(text="/deny", intent={"name": "deny", "confidence": 1.0},
                                   message_id="f00dfeed02", metadata={"input": "button"})
    state["events"][-1].update(name="safeguarding_check", value="/deny")  # what Rasa extracted
    _, events = run(validation("three_houses_form"), Tracker.from_dict(state))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["concern"] is None and slots["safeguarding_check"] is None
    # "What else goes in the house of good things?" follows up the disclosure: it is not asked
    assert state["slots"]["three_houses_good_more"] == "not_asked"
    assert next_question("three_houses_form", state, slots) == "three_houses_worries"
    assert len(actions_use.answers(session.id)) == 1


def next_question(form, state, slots):
    """The question the form asks next: the one the validation names, or else (when the order is the
    domain's own) the first of the domain's that is still empty, as Rasa's FormAction picks it."""
    if "requested_slot" in slots:
        return slots["requested_slot"]
    values = {**state["slots"], **slots}
    return next(q for q in DOMAIN["forms"][form]["required_slots"] if values.get(q) is None)


def answered_looking_like(actions_use, session, control, text="can we miss this one out"):
    """The child typed words the channel took as an answer that looks like `control`: stored, and
    the check of what they meant comes next (bot/dialogue/control_check.py)."""
    state = load_fixture("tracker_three_houses_good.json")
    state["sender_id"] = session.id
    state["slots"]["control_to_check"] = control  # the channel's entity, extracted by Rasa
    state["latest_message"]["text"] = text
    state["events"][-1].update(value=text)
    _, events = run(validation("three_houses_form"), Tracker.from_dict(state))
    slots = slot_events(events)
    [answer] = actions_use.answers(session.id)
    assert (answer.prompt_key, answer.text) == ("three_houses_good", text)  # kept exactly, as the answer
    assert slots["checked_question"] == "three_houses_good"
    assert next_question("three_houses_form", state, {**slots, "safeguarding_check": "-"}) == "control_check"
    state["slots"].update(slots, requested_slot="control_check")
    return state


def reply_to_check(state, payload, message_id="f00dfeed02"):
    state["latest_message"].update(text=payload, intent={"name": payload[1:], "confidence": 1.0},
                                   message_id=message_id, metadata={"input": "button"})
    state["events"][-1].update(name="control_check", value=payload)
    state["slots"]["control_check"] = payload
    return run(validation("three_houses_form"), Tracker.from_dict(state))


def test_no_at_the_check_goes_on_and_the_reply_is_kept(actions_use, session):
    state = answered_looking_like(actions_use, session, "skip")
    _, events = reply_to_check(state, "/deny")
    slots = slot_events(events)
    assert slots == {"control_check": None, "control_to_check": None, "requested_slot": "three_houses_good_more"}
    assert [a.prompt_key for a in actions_use.answers(session.id)] == ["three_houses_good", "control_check"]
    # the follow-up is still asked next


def test_yes_to_skip_leaves_the_follow_up_out_and_keeps_the_words(actions_use, session):
    state = answered_looking_like(actions_use, session, "skip")
    _, events = reply_to_check(state, "/affirm")
    slots = slot_events(events)
    assert slots["three_houses_good_more"] == "not_asked" and slots["control_to_check"] is None
    assert actions_use.answers(session.id)[0].text == "can we miss this one out"


@pytest.mark.parametrize("control,rephrase,said", [("help", True, None), ("repeat", False, None),
                                                   ("take_break", False, "utter_break"),
                                                   ("talk_to_practitioner", False, "utter_practitioner_told")])
def test_yes_to_a_control_that_waits_asks_the_question_again(actions_use, session, control, rephrase, said):
    state = answered_looking_like(actions_use, session, control, text="i dont get what you mean by that")
    dispatcher, events = reply_to_check(state, "/affirm")
    slots = slot_events(events)
    assert slots["three_houses_good"] is None and slots["rephrase"] is rephrase
    assert [m.get("response") for m in dispatcher.messages] == ([said] if said else [])
    notices = [n["kind"] for n in actions_use.notices(session.id)]
    assert notices == (["talk_to_practitioner"] if control == "talk_to_practitioner" else [])


def test_yes_to_stop_ends_the_session_at_once_keeping_what_was_said(actions_use, session):
    state = answered_looking_like(actions_use, session, "stop", text="i dont want to do this anymore")
    dispatcher, events = reply_to_check(state, "/affirm")
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert [m["response"] for m in dispatcher.messages] == ["utter_stopped"]
    assert actions_use.get_session(session.id).status == "stopped"
    assert actions_use.answers(session.id)[0].text == "i dont want to do this anymore"
    _, events = run(ActionNextActivity(), Tracker.from_dict(state))  # the form's end: nothing more follows
    assert slot_events(events) == {"activity": "ended"}


def test_help_at_the_check_asks_it_again(actions_use, session):
    state = answered_looking_like(actions_use, session, "stop")
    _, events = reply_to_check(state, "/help")
    assert slot_events(events) == {"control_check": None, "requested_slot": "control_check"}
    assert actions_use.get_session(session.id).status != "stopped"


def drawn_for_good_things(session, drawing_id="0f8c5a2e-1b2c-4d3e-8f9a-0123456789ab"):
    """The tracker as the channel leaves it after a drawing sent for "good things"
    (bot/channel/incoming.py: an answer carrying the drawing's id)."""
    state = load_fixture("tracker_three_houses_good.json")
    state["sender_id"] = session.id
    payload = f'/inform{{"drawing":"{drawing_id}"}}'
    state["latest_message"].update(text=payload, intent={"name": "inform", "confidence": 1.0},
                                   entities=[{"entity": "drawing", "value": drawing_id}], metadata={"input": "drawing"})
    state["events"][-1].update(value=payload)
    state["slots"]["three_houses_good"] = payload
    return state


def test_a_drawing_is_the_answer_and_what_it_shows_is_asked_next_then_kept_with_it(actions_use, session):
    state = drawn_for_good_things(session)
    _, events = run(validation("three_houses_form"), Tracker.from_dict(state))
    slots = slot_events(events)
    [drawn] = actions_use.answers(session.id)
    assert (drawn.prompt_key, drawn.kind, drawn.text, drawn.choice, drawn.drawing_id) == (
        "three_houses_good", "drawing", None, None, "0f8c5a2e-1b2c-4d3e-8f9a-0123456789ab")
    assert slots["drawing_to_describe"] == drawn.drawing_id and slots["three_houses_good"].startswith("answer:")
    assert next_question("three_houses_form", state, {**slots, "safeguarding_check": "-", "control_check": "-"}) == (
        "drawing_words")

    # Help at "What does it show?": asked again, more simply, nothing kept
    state["slots"].update(slots, requested_slot="drawing_words")
    state["latest_message"].update(text="/help", intent={"name": "help", "confidence": 1.0}, entities=[],
                                   message_id="f00dfeed03", metadata={"input": "button"})
    state["events"][-1].update(name="drawing_words", value="/help")
    state["slots"]["drawing_words"] = "/help"
    _, events = run(validation("three_houses_form"), Tracker.from_dict(state))
    assert slot_events(events) == {"drawing_words": None, "rephrase": True, "requested_slot": "drawing_words"}
    assert len(actions_use.answers(session.id)) == 1

    words = "Me and Nan\n  baking 🍰"
    state["latest_message"].update(text=words, intent={"name": "inform", "confidence": 1.0},
                                   message_id="f00dfeed04", metadata={"input": "typed"})
    state["events"][-1].update(value=words)
    state["slots"]["drawing_words"] = words
    _, events = run(validation("three_houses_form"), Tracker.from_dict(state))
    slots = slot_events(events)
    assert slots["drawing_to_describe"] is None and slots["last_words"] == words  # the follow-up quotes them
    assert slots["requested_slot"] == "three_houses_good_more"
    described = actions_use.answers(session.id)[1]
    assert (described.prompt_key, described.text, described.drawing_id) == ("drawing_words", words, drawn.drawing_id)
