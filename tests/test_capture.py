"""What a reply means for its question, and which prompt it answered."""
from __future__ import annotations

from bot.dialogue.capture import NOT_ASKED, Reply, question_shown, record_reply


def reply(intent="inform", input="typed", text="football", message_id="m1"):
    return Reply(message_id=message_id, intent=intent, input=input, text=text)


def record(store, session, the_reply, prompt_key="warm_up_likes", **choices):
    return record_reply(
        store, session.id, activity="warm_up", prompt_key=prompt_key,
        prompt_text="Tell me about something you like doing.", reply=the_reply, **choices,
    )


def test_typed_words_are_the_answer_verbatim(store, session):
    outcome = record(store, session, reply(text="  football\nand tennis  "))
    [answer] = store.answers(session.id)
    assert outcome.slot_value == f"answer:{answer.id}" and outcome.rephrase is False
    assert (answer.kind, answer.text, answer.choice) == ("answer", "  football\nand tennis  ", None)
    assert answer.prompt_text == "Tell me about something you like doing."


def test_skip_and_dont_know_buttons_are_recorded_as_such(store, session):
    record(store, session, reply(intent="skip", input="button", text="/skip", message_id="m1"), "q1")
    record(store, session, reply(intent="dont_know", input="button", text="/dont_know", message_id="m2"), "q2")
    answers = store.answers(session.id)
    assert [(a.kind, a.text, a.choice) for a in answers] == [
        ("skipped", None, "/skip"),
        ("dont_know", None, "/dont_know"),
    ]


def test_typed_dont_know_keeps_the_words(store, session):
    record(store, session, reply(intent="dont_know", text="dunno really"))
    [answer] = store.answers(session.id)
    assert (answer.kind, answer.text) == ("dont_know", "dunno really")


def test_help_asks_again_more_simply_and_stores_no_answer(store, session):
    outcome = record(store, session, reply(intent="help", input="button", text="/help"))
    assert outcome.slot_value is None and outcome.rephrase is True
    assert store.answers(session.id) == []


def test_only_spaces_asks_again(store, session):
    outcome = record(store, session, reply(text=" \n\t "))
    assert outcome.slot_value is None and outcome.rephrase is False
    assert store.answers(session.id) == []


def test_a_message_already_stored_for_an_earlier_question_is_not_stored_again(store, session):
    record(store, session, reply(message_id="same"), prompt_key="three_houses_good")
    outcome = record(store, session, reply(message_id="same"), prompt_key="three_houses_worries")
    assert outcome.slot_value is None
    assert [a.prompt_key for a in store.answers(session.id)] == ["three_houses_good"]


def test_the_prompt_is_the_last_time_the_question_was_asked():
    buttons = [{"title": "😊 Happy", "payload": '/choose{"choice":"happy"}'}]
    events = [
        {"event": "bot", "text": "Tell me about good things.", "metadata": {"utter_action": "utter_ask_three_houses_good"}},
        {"event": "user", "text": "/help"},
        {"event": "bot", "text": "What things are good for you?", "data": {"buttons": buttons},
         "metadata": {"utter_action": "utter_ask_three_houses_good"}},
        {"event": "bot", "text": "Something said after.", "metadata": {"utter_action": "utter_other"}},
        {"event": "user", "text": "my dog"},
    ]
    assert question_shown(events, "three_houses_form", "three_houses_good") == ("What things are good for you?", buttons)


FACES = [
    {"title": "😢 Sad", "payload": '/choose{"choice":"sad"}'},
    {"title": "🤷 I don't know", "payload": "/dont_know"},
]


def test_a_choice_keeps_the_words_on_the_button_and_is_quoted_next(store, session):
    choice = Reply(message_id="m1", intent="choose", input="button", text='/choose{"choice":"sad"}', choice="sad")
    outcome = record(store, session, choice, "feelings_home", buttons=FACES, follow_ups=["feelings_home_more"])
    [answer] = store.answers(session.id)
    assert (answer.kind, answer.text, answer.choice, answer.choice_label) == ("choice", None, "sad", "😢 Sad")
    assert outcome.last_words == "😢 Sad" and outcome.not_asked == ()


def test_a_typed_answer_to_a_choice_is_kept_and_quoted(store, session):
    outcome = record(store, session, reply(intent="choose", text="sort of sad"), "feelings_home", buttons=FACES)
    [answer] = store.answers(session.id)
    assert (answer.kind, answer.text, answer.choice) == ("answer", "sort of sad", None)
    assert outcome.last_words == "sort of sad"


def test_not_choosing_leaves_out_the_follow_up_questions(store, session):
    dont_know = reply(intent="dont_know", input="button", text="/dont_know")
    outcome = record(store, session, dont_know, "scale_score", buttons=FACES, follow_ups=["scale_why", "scale_better"])
    assert outcome.not_asked == ("scale_why", "scale_better") and NOT_ASKED == "not_asked"
    assert [a.kind for a in store.answers(session.id)] == ["dont_know"]


def test_a_choice_that_needs_nothing_more_leaves_out_the_follow_ups_and_is_kept(store, session):
    right = Reply(message_id="m1", intent="choose", input="button", text='/choose{"choice":"right"}', choice="right")
    outcome = record(store, session, right, "read_back_check", follow_ups=["read_back_change"],
                     no_follow_up_choices=["right"], about_activity="feelings")
    assert outcome.not_asked == ("read_back_change",) and outcome.slot_value.endswith(":right")
    [answer] = store.answers(session.id)
    assert (answer.kind, answer.choice, answer.about_activity) == ("choice", "right", "feelings")
    change = Reply(message_id="m2", intent="choose", input="button", text='/choose{"choice":"change"}', choice="change")
    outcome = record(store, session, change, "read_back_check", follow_ups=["read_back_change"], no_follow_up_choices=["right"])
    assert outcome.not_asked == ()


def test_repeat_asks_again_as_it_was(store, session):
    outcome = record(store, session, reply(intent="repeat", input="button", text="/repeat"))
    assert (outcome.slot_value, outcome.rephrase, outcome.say) == (None, None, None)
    assert store.answers(session.id) == []


def test_a_break_pauses_and_the_question_waits(store, session):
    outcome = record(store, session, reply(intent="take_break", input="button", text="/take_break"))
    assert (outcome.slot_value, outcome.rephrase, outcome.say) == (None, None, "utter_break")
    assert store.notices(session.id) == []


def test_asking_for_the_practitioner_tells_them_once(store, session):
    for _ in range(2):  # a retried message
        outcome = record(store, session, reply(intent="talk_to_practitioner", text="I want to talk to my worker"))
    assert (outcome.slot_value, outcome.say) == (None, "utter_practitioner_told")
    assert [n["kind"] for n in store.notices(session.id)] == ["talk_to_practitioner"]
    assert store.answers(session.id) == []


def test_a_question_asked_until_done_keeps_every_reply_then_stops_on_thats_all(store, session):
    for number, words in enumerate(["my bike", "my nan's dog"]):
        outcome = record(store, session, reply(text=words, message_id=f"m{number}"), "three_houses_good_more", until_done=True)
        assert outcome.slot_value is None and outcome.last_words == words
    done = record(store, session, reply(intent="deny", input="button", text="/deny", message_id="m9"),
                  "three_houses_good_more", until_done=True)
    assert done.slot_value == "done"
    assert [a.text for a in store.answers(session.id)] == ["my bike", "my nan's dog"]
