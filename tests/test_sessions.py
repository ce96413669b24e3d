"""Starting a session: age bands and clear errors for what cannot start one."""
from __future__ import annotations

import pytest

from bot.dialogue.flow import choices_now, chosen_value, next_activity
from bot.dialogue.sessions import SessionInputError, age_band_for, start_session


@pytest.mark.parametrize(
    "age, band", [(4, "age_4_7"), (7, "age_4_7"), (8, "age_8_11"), (11, "age_8_11"), (12, "age_12_17"), (17, "age_12_17")]
)
def test_age_bands(age, band):
    assert age_band_for(age) == band


@pytest.mark.parametrize("age", [3, 18, -1, 0])
def test_ages_outside_4_to_17_are_refused(age):
    with pytest.raises(SessionInputError, match="from 4 to 17"):
        age_band_for(age)


def test_a_session_records_what_the_practitioner_entered(store, pack):
    session = start_session(
        store, pack, case_reference="FAM-2026/001", child_name="Zoë", age=15, language="en",
        practitioner="Alex Jones", present="Alex only", place="School library",
    )
    again = store.get_session(session.id)
    assert (again.case_reference, again.child_name, again.age, again.age_band) == ("FAM-2026/001", "Zoë", 15, "age_12_17")
    assert (again.present, again.place, again.status) == ("Alex only", "School library", "new")
    assert again.plan == pack.default_plan
    assert again.prompt_pack_version == pack.version()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"case_reference": ""}, "case reference"),
        ({"case_reference": "has space"}, "case reference"),
        ({"child_name": "  "}, "chosen name"),
        ({"practitioner": ""}, "practitioner"),
        ({"language": "fr"}, "no prompts yet"),
        ({"plan": ["warm_up", "juggling"]}, "not allowed"),
        ({"plan": ["warm_up", "closing"]}, "not allowed"),
        ({"plan": ["warm_up", "warm_up"]}, "each of its activities once"),
        ({"age": 2}, "from 4 to 17"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error_and_nothing_stored(store, pack, changes, message):
    fields = dict(case_reference="C-1", child_name="Sam", age=9, language="en", practitioner="Alex")
    fields.update(changes)
    with pytest.raises(SessionInputError, match=message):
        start_session(store, pack, **fields)


def test_next_activity_follows_the_plan_then_closes():
    plan = ["warm_up", "three_houses"]
    assert next_activity(plan, []) == "warm_up"
    assert next_activity(plan, ["warm_up"]) == "three_houses"
    assert next_activity(plan, ["warm_up", "three_houses"]) == "closing"
    assert next_activity([], []) == "closing"


CHOOSABLE = ["feelings", "three_houses", "scale", "three_wishes"]


def test_the_child_chooses_among_the_choosable_activities_that_come_next():
    plan = ["warm_up", "feelings", "three_houses", "scale", "read_back", "three_wishes"]
    offer = dict(choosable=CHOOSABLE, child_chooses=True)
    assert next_activity(plan, [], **offer) == "warm_up"  # the warm-up is not the child's to move
    assert next_activity(plan, ["warm_up"], **offer) == "choose_next"
    assert choices_now(plan, ["warm_up"], CHOOSABLE) == ["feelings", "three_houses", "scale"]
    assert next_activity(plan, ["warm_up"], chosen="scale", **offer) == "scale"
    assert choices_now(plan, ["warm_up", "scale"], CHOOSABLE) == ["feelings", "three_houses"]
    # "I don't know", skip, typed words, or an activity not on offer: the plan's order
    for chosen in ("", "something_else", "three_wishes"):
        assert next_activity(plan, ["warm_up", "scale"], chosen=chosen, **offer) == "feelings"
    # one left before the practitioner's fixed read-back: no choice to offer
    assert next_activity(plan, ["warm_up", "scale", "feelings"], **offer) == "three_houses"
    assert next_activity(plan, ["warm_up", "feelings", "three_houses", "scale"], **offer) == "read_back"
    # the practitioner turned the choice off
    assert next_activity(plan, ["warm_up"], choosable=CHOOSABLE, child_chooses=False) == "feelings"


def test_chosen_value_reads_the_button_a_slot_records():
    assert chosen_value("answer:12:three_houses") == "three_houses"
    assert chosen_value("answer:12") is None
    assert chosen_value(None) is None


def test_the_part_the_child_chooses_comes_straight_after_the_choice():
    from bot.dialogue.flow import question_order

    questions = ["first", "good", "good_more", "worries", "worries_more", "dreams", "dreams_more"]
    parts = {"good": ["good", "good_more"], "worries": ["worries", "worries_more"], "dreams": ["dreams", "dreams_more"]}
    assert question_order(questions, "first", parts, "answer:7:dreams") == [
        "first", "dreams", "dreams_more", "good", "good_more", "worries", "worries_more"
    ]
    assert question_order(questions, "first", parts, "answer:7") == questions  # "I don't know": as written
    assert question_order(questions, "first", parts, None) == questions
