"""The path of a session's activities on the chat page (bot/web/progress.py): worked out from the
answers stored, and given to the page by the API."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.config import Settings
from bot.store.repository import AnswerInfo
from bot.web import create_app
from bot.web.progress import CURRENT, DONE, TO_DO, states
from tests.servers import free_port

PLAN = ["warm_up", "feelings", "scale", "read_back"]
CHOOSABLE = ["feelings", "scale"]
LEFT_OUT = ["read_back"]  # left out when the child has said nothing to go over


def answer(activity, kind="answer", choice=None):
    return AnswerInfo(id=0, seq=0, activity=activity, prompt_key=f"{activity}_q", prompt_text="", kind=kind,
                      text=None, choice=choice, choice_label=None, about_activity=None, message_id="m",
                      at=datetime.now(timezone.utc))


def path(answers, is_open=True, child_chooses=True):
    return states(PLAN, answers, is_open=is_open, choosable=CHOOSABLE, child_chooses=child_chooses,
                  left_out_if_nothing_said=LEFT_OUT)


def test_before_any_answer_the_first_activity_is_current_and_the_closing_ends_the_path():
    assert path([]) == [("warm_up", CURRENT), ("feelings", TO_DO), ("scale", TO_DO), ("read_back", TO_DO),
                        ("closing", TO_DO)]


def test_the_child_choosing_first_leaves_nothing_current():
    assert dict(states(["feelings", "scale"], [], is_open=True, choosable=CHOOSABLE, child_chooses=True)) == {
        "feelings": TO_DO, "scale": TO_DO, "closing": TO_DO}


def test_an_activity_is_done_once_the_next_one_has_an_answer():
    assert dict(path([answer("warm_up")]))["warm_up"] == CURRENT  # its last answer may not be its last question
    assert dict(path([answer("warm_up"), answer("feelings", "skipped")])) == {
        "warm_up": DONE, "feelings": CURRENT, "scale": TO_DO, "read_back": TO_DO, "closing": TO_DO}


def test_the_activity_the_child_chooses_is_current_at_once_and_is_not_taken_for_the_plans_next():
    answers = [answer("warm_up"), answer("choose_next", "choice", "scale")]
    assert dict(path(answers)) == {
        "warm_up": DONE, "scale": CURRENT, "feelings": TO_DO, "read_back": TO_DO, "closing": TO_DO}
    answers += [answer("scale", "choice", "3"), answer("feelings")]
    assert dict(path(answers))["scale"] == DONE and dict(path(answers))["feelings"] == CURRENT


@pytest.mark.parametrize("kind,choice", [("dont_know", None), ("answer", None), ("choice", "something_else")])
def test_no_choice_of_an_activity_keeps_the_plans_order(kind, choice):
    answers = [answer("warm_up"), answer("choose_next", kind, choice)]
    assert dict(path(answers))["feelings"] == CURRENT


def test_a_read_back_left_out_is_passed_and_a_finished_session_has_nothing_current():
    answers = [answer("warm_up"), answer("feelings"), answer("scale"), answer("closing")]
    assert dict(path(answers)) == {
        "warm_up": DONE, "feelings": DONE, "scale": DONE, "read_back": DONE, "closing": CURRENT}
    assert set(dict(path(answers, is_open=False)).values()) == {DONE}
    stopped = dict(path([answer("warm_up")], is_open=False))
    assert stopped == {"warm_up": DONE, "feelings": TO_DO, "scale": TO_DO, "read_back": TO_DO, "closing": TO_DO}


def test_the_api_gives_the_path_with_the_packs_names_and_the_apps_own_pictures(database_url, data_key, chain_key, pack):
    app = create_app(Settings(
        database_url=database_url, data_key=data_key, chain_key=chain_key, rasa_port=free_port(), action_port=free_port(),
        report_time_zone="Europe/London", web_secret_key="test-secret-" + data_key,
    ))
    own_words = app.extensions["own_words"]
    own_words["accounts"].add("alex", "correct horse battery staple", "fca")
    token, _ = own_words["accounts"].new_token("alex", days=30)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/sessions", json={"case_reference": "P-1", "child_name": "Kit", "age": 5,
                                                 "plan": ["warm_up", "three_houses"]}, headers=headers)
    session_id = created.json["id"]
    own_words["store"].record_answer(session_id, activity="warm_up", prompt_key="warm_up_likes", prompt_text="?",
                                     kind="answer", text="drawing", message_id="m1")
    progress = client.get(f"/api/sessions/{session_id}/messages", headers=headers).json["progress"]
    assert [(s["activity"], s["state"], s["name"]) for s in progress] == [
        ("warm_up", CURRENT, pack.activities["warm_up"].name_for_child),
        ("three_houses", TO_DO, pack.activities["three_houses"].name_for_child),
        ("closing", TO_DO, pack.title("closing")),
    ]
    for step in progress:
        assert step["picture"] == f"/static/pictures/{step['activity']}.svg"
        assert client.get(step["picture"]).status_code == 200
