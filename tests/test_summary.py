"""The summary for the court report: every answer exactly, under its activity and prompt."""
from __future__ import annotations

import json

import pytest

from bot.report.render import render, wording
from bot.report.summary import SessionNotFound, build_summary


@pytest.fixture
def answered(store, session, awkward_answers):
    store.mark_started(session.id)
    rows = [
        ("warm_up", "warm_up_likes", "Tell me about something you like doing.", "answer", awkward_answers[0], None),
        ("three_houses", "three_houses_good", "Tell me about good things.", "skipped", None, "/skip"),
        ("three_houses", "three_houses_worries", "Tell me about worries.", "dont_know", "dunno", None),
        ("three_houses", "three_houses_dreams", "Tell me about dreams.", "answer", awkward_answers[6], None),
        ("judge_message", "judge_message_know", "What do you want the judge to know?", "answer", awkward_answers[7], None),
    ]
    for number, (activity, key, prompt, kind, text, choice) in enumerate(rows):
        store.record_answer(
            session.id, activity=activity, prompt_key=key, prompt_text=prompt, kind=kind,
            text=text, choice=choice, message_id=f"m{number}",
        )
    store.mark_ended(session.id, "completed")
    return session


def test_json_carries_the_session_activities_and_every_answer(store, pack, answered, awkward_answers):
    document = json.loads(render(build_summary(store, pack, answered.id, "Europe/London"), "json"))
    assert document["session"]["child_name"] == "Sam"
    assert document["session"]["age_band"] == "8-11"
    assert document["session"]["duration_seconds"] is not None
    assert [a["key"] for a in document["activities"]] == ["warm_up", "three_houses", "judge_message"]
    assert document["activities"][2]["set_apart"] is True
    assert [(a["activity"], a["prompt_key"], a["kind"], a["text"]) for a in document["answers"]] == [
        ("warm_up", "warm_up_likes", "answer", awkward_answers[0]),
        ("three_houses", "three_houses_good", "skipped", None),
        ("three_houses", "three_houses_worries", "dont_know", "dunno"),
        ("three_houses", "three_houses_dreams", "answer", awkward_answers[6]),
        ("judge_message", "judge_message_know", "answer", awkward_answers[7]),
    ]
    assert set(document["answers"][0]) >= {"activity", "prompt_key", "prompt", "text", "kind", "at"}
    assert document["note"] == wording()["verbatim_note"]


def test_markdown_quotes_every_line_unchanged_and_sets_the_judge_message_apart(store, pack, answered, awkward_answers):
    markdown = render(build_summary(store, pack, answered.id, "Europe/London"), "md")
    for line in awkward_answers[6].split("\n"):
        assert f"> {line}\n" in markdown
    assert f"> {awkward_answers[7]}\n" in markdown  # HTML kept as typed, not escaped
    said, _, judge = markdown.partition("## My message to the judge")
    assert "What do you want the judge to know?" in judge and "What do you want the judge to know?" not in said
    assert "## Questions the child chose not to answer\n\n- Tell me about good things." in markdown
    assert wording()["kinds"]["dont_know"] in markdown
    assert "**Case:** CASE-1" in markdown and "Prompt pack version" in markdown


def test_an_unknown_session_is_a_clear_error(store, pack):
    with pytest.raises(SessionNotFound, match="no session"):
        build_summary(store, pack, "nope", "Europe/London")


def test_a_choice_shows_the_words_on_the_button(store, pack, session):
    store.record_answer(
        session.id, activity="feelings", prompt_key="feelings_home", prompt_text="Which face shows how you feel at home?",
        kind="choice", text=None, choice="sad", choice_label="😢 Sad", message_id="m1",
    )
    summary = build_summary(store, pack, session.id, "Europe/London")
    assert summary["answers"][0]["choice_label"] == "😢 Sad"
    assert f"{wording()['chose']} 😢 Sad\n" in render(summary, "md")


def test_feelings_read_back_and_sharing_are_grouped_for_the_report(store, pack, session):
    def said(number, activity, key, prompt, kind, text=None, choice=None, label=None, about=None):
        store.record_answer(
            session.id, activity=activity, prompt_key=key, prompt_text=prompt, kind=kind, text=text,
            choice=choice, choice_label=label, about_activity=about, message_id=f"m{number}",
        )

    said(1, "feelings", "feelings_home", "Which face shows how you feel at home?", "choice", choice="sad", label="😢 Sad")
    said(2, "feelings", "feelings_home_more", 'You chose "😢 Sad". Tell me more.', "answer", text="they shout  ")
    said(3, "feelings", "feelings_school", "Which face shows how you feel at school?", "dont_know", label="🤷 I don't know")
    said(4, "read_back", "read_back_check", "Tell me if I got it right.", "choice", choice="change",
         label="✏️ I want to add or change something", about="feelings")
    said(5, "read_back", "read_back_change", "Tell me what you want to add or change.", "answer",
         text="not all the time", about="feelings")
    said(6, "sharing", "sharing_preference", "Who can read it?", "choice", choice="not_parents",
         label="🔒 I don't want my parents to read it", about="feelings")
    summary = build_summary(store, pack, session.id, "Europe/London")

    [feelings] = summary["choices"]
    assert [(e["answer"]["choice_label"], [f["text"] for f in e["follow_ups"]]) for e in feelings["entries"]] == [
        ("😢 Sad", ["they shout  "]), ("🤷 I don't know", []),
    ]
    assert [(s["activity"], [(a["activity"], [r["order"] for r in a["answers"]]) for a in s["about"]])
            for s in summary["gone_over"]] == [("read_back", [("feelings", [4, 5])]), ("sharing", [("feelings", [6])])]

    markdown = render(summary, "md")
    read_back = markdown[markdown.index("## Read-back"):markdown.index("## Sharing preferences")]
    assert "### Feelings faces" in read_back and "> not all the time\n" in read_back
    assert "🔒 I don't want my parents to read it" in markdown[markdown.index("## Sharing preferences"):]
    choices = markdown[markdown.index(wording()["headings"]["choices"]):markdown.index(wording()["headings"]["said"])]
    assert choices.index("😢 Sad") < choices.index("> they shout  \n")
