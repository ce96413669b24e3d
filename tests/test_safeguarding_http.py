"""Safeguarding through the real servers: words that may tell of harm, typed in each activity, in a
control exchange and as the very first message, are flagged once with the exact words, answered
safely (no question asking for detail: the prompt lint checks that wording), still kept as the
child's answer where a question was asked, and the session goes on."""
from __future__ import annotations

import json

import pytest
import yaml

from tests.servers import ROOT, Chat, Wording

pytestmark = pytest.mark.servers

ACTIVITIES = yaml.safe_load((ROOT / "activities.yml").read_text(encoding="utf-8"))["activities"]
PRACTITIONER = "Alex Morgan"
WORDING = Wording(PRACTITIONER)
WAYS_ON = {"/deny", "/take_break", "/talk_to_practitioner"}  # Carry on, Have a break, Talk to ...
# The session plan that reaches each activity's first question, and what to answer before it.
REACH = {
    "read_back": (["warm_up", "read_back"], ["Drawing dragons"]),
    "sharing": (["warm_up", "sharing"], ["Drawing dragons"]),
    # the closing's last question (after a mood typed, its follow-up): the session then ends
    "closing": (["warm_up"], ["Drawing dragons", "a bit tired", "just sleepy"]),
    "choose_next": (["feelings", "three_houses"], []),
}


@pytest.fixture(scope="module")
def servers(shared_servers):
    return shared_servers


def new_session(servers, age, plan, child_chooses="no") -> Chat:
    session_id = servers.cli(
        "session", "new", "--case", "FAM-2026-0099", "--child-name", "Kit", "--age", str(age), "--language", "en",
        "--practitioner", PRACTITIONER, "--plan", ",".join(plan), "--child-chooses", child_chooses,
    ).strip()
    return Chat(servers, session_id)


def flags(servers, session_id):
    document = json.loads(servers.cli("export", session_id, "--format", "json"))
    return document, document["flags"]


def check_asked(replies, band):
    """The bot's whole answer is the safeguarding check, with the three ways on."""
    assert [m.get("text") for m in replies] == [WORDING.text("utter_ask_safeguarding_check", band)]
    assert {b["payload"] for b in replies[-1]["buttons"]} == WAYS_ON


@pytest.mark.parametrize("activity", [key for key in ACTIVITIES])
def test_a_disclosure_in_each_activity_is_flagged_answered_safely_kept_and_the_session_goes_on(servers, activity):
    plan, before = REACH.get(activity, ([activity], []))
    chat = new_session(servers, 9, plan, child_chooses="yes" if activity == "choose_next" else "no")
    replies = chat.tap("/start")
    for words in before:
        replies = chat.say(words)
        if WORDING.checked_control("age_8_11", replies):  # kept, then checked with the child: "No, carry on"
            replies = chat.tap("/deny")
    question = replies[-1]["text"]
    words = "my dad hits me when he's angry 😢\nplease don't tell him"

    check_asked(chat.say(words, message_id="disclosure-1"), "age_8_11")

    document, [flag] = flags(servers, chat.sender)
    assert flag["text"] == words and flag["prompt"] == question and flag["activity"] == activity
    assert flag["reply"] == WORDING.text("utter_ask_safeguarding_check", "age_8_11")
    assert flag["acknowledged_at"] is None and "Physical harm" in flag["found_by"]
    [kept] = [a for a in document["answers"] if a["text"] == words]
    assert kept["activity"] == activity and kept["prompt"] == question

    going_on = chat.tap("/deny")
    said = [m.get("text") for m in going_on]
    assert said and WORDING.text("utter_ask_safeguarding_check", "age_8_11") not in said
    assert not any(words in (text or "") for text in said), "a follow-up quoted the disclosure back"
    document, again = flags(servers, chat.sender)
    assert len(again) == 1
    assert document["session"]["status"] == ("completed" if activity == "closing" else "active")


def test_a_disclosure_at_the_stop_question_is_answered_safely_and_the_session_does_not_stop(servers):
    chat = new_session(servers, 6, ["warm_up"])
    first_question = chat.tap("/start")[-1]["text"]
    [stop_question] = chat.tap("/stop")
    assert stop_question["text"] == WORDING.text("utter_ask_stop", "age_4_7")

    words = "yes stop. he said not to tell"
    check_asked(chat.say(words), "age_4_7")

    document, [flag] = flags(servers, chat.sender)
    assert flag["text"] == words and flag["prompt"] == stop_question["text"]
    assert document["session"]["status"] == "active"
    assert document["answers"] == []  # the words answered the stop question, not the activity's: they are the flag's
    assert [m["text"] for m in chat.tap("/deny")] == [first_question]


def test_a_disclosure_at_the_check_is_flagged_again_and_kept_and_a_break_then_goes_on(servers):
    chat = new_session(servers, 15, ["warm_up", "understanding"])
    chat.tap("/start")
    check_asked(chat.say("i want to kill myself"), "age_12_17")
    check_text = WORDING.text("utter_ask_safeguarding_check", "age_12_17")

    check_asked(chat.say("i cut myself last night"), "age_12_17")
    document, both = flags(servers, chat.sender)
    assert [f["text"] for f in both] == ["i want to kill myself", "i cut myself last night"]
    assert both[1]["prompt"] == check_text
    assert [(a["prompt_key"], a["text"]) for a in document["answers"]] == [
        ("warm_up_likes", "i want to kill myself"), ("safeguarding_check", "i cut myself last night"),
    ]

    after_break = [m["text"] for m in chat.tap("/take_break")]
    assert after_break[0] == WORDING.text("utter_break", "age_12_17")
    assert after_break[-1] == WORDING.text("utter_ask_understanding_why", "age_12_17")


def test_asking_for_the_practitioner_at_the_check_tells_them(servers):
    chat = new_session(servers, 10, ["warm_up"])
    chat.tap("/start")
    chat.say("Nobody feeds us at dads")
    replies = [m["text"] for m in chat.tap("/talk_to_practitioner")]
    assert replies[0] == WORDING.text("utter_practitioner_told", "age_8_11")
    assert [n["kind"] for n in servers.store().notices(chat.sender)] == ["talk_to_practitioner"]


def test_the_very_first_message_and_a_typed_control_are_checked_and_a_retry_is_flagged_once(servers):
    chat = new_session(servers, 12, ["understanding"])
    question = chat.tap("/start")[-1]["text"]
    words = "help. i'm scared of my stepdad"  # would otherwise be a typed control
    check_asked(chat.say(words, message_id="first-words"), "age_12_17")
    check_asked(chat.say(words, message_id="first-words"), "age_12_17")  # the client retried

    document, [flag] = flags(servers, chat.sender)
    assert flag["text"] == words and flag["prompt"] == question
    assert [a["text"] for a in document["answers"]] == [words]


def test_ordinary_sad_words_are_not_flagged(servers):
    chat = new_session(servers, 8, ["warm_up", "understanding"])
    chat.tap("/start")
    replies = chat.say("I feel sad when I leave mum's house")
    assert WORDING.text("utter_ask_safeguarding_check", "age_8_11") not in [m.get("text") for m in replies]
    _, none = flags(servers, chat.sender)
    assert none == []


def test_the_flags_command_lists_what_waits_for_acknowledgement(servers):
    chat = new_session(servers, 13, ["warm_up"])
    chat.tap("/start")
    words = "my boyfriend is 24 and says keep it secret"
    chat.say(words)
    waiting = json.loads(servers.cli("flags", "--format", "json"))
    [mine] = [f for f in waiting if f["session_id"] == chat.sender]
    assert mine["words"] == words and mine["case_reference"] == "FAM-2026-0099"
    assert json.dumps(words)[1:-1] in servers.cli("flags")  # the text listing shows the words exactly
    servers.cli("users", "add", "lee", "--role", "fca", "--password-stdin", stdin="a long enough password\n")
    assert json.loads(servers.cli("flags", "--as", "lee", "--format", "json")) == []  # none of lee's cases
    events = servers.cli("audit", "FAM-2026-0099")
    assert "view_flag" in events
