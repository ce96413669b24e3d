"""The summary for the court report: every answer exactly, under its activity and prompt."""
from __future__ import annotations

import json

import pytest

from bot.report.render import QUOTE_PREFIX, render, wording
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
        assert f"{QUOTE_PREFIX}{line}\n" in markdown
    assert f"{QUOTE_PREFIX}{awkward_answers[7]}\n" in markdown  # HTML kept as typed, not escaped
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
    said(6, "sharing", "sharing_preference", "Who can read it?", "choice", choice="someone_not_to_read",
         label="🔒 There's someone I don't want to read it")
    summary = build_summary(store, pack, session.id, "Europe/London")

    feelings, sharing = summary["choices"]  # sharing: a choice asked once, its follow-up with it
    assert [e["answer"]["order"] for e in sharing["entries"]] == [6]
    assert [(e["answer"]["choice_label"], [f["text"] for f in e["follow_ups"]]) for e in feelings["entries"]] == [
        ("😢 Sad", ["they shout  "]), ("🤷 I don't know", []),
    ]
    assert [(s["activity"], [(a["activity"], [r["order"] for r in a["answers"]]) for a in s["about"]])
            for s in summary["gone_over"]] == [("read_back", [("feelings", [4, 5])])]  # sharing: asked once, not per activity
    assert [a["order"] for a in summary["answers"] if a["activity"] == "sharing"] == [6]

    markdown = render(summary, "md")
    read_back = markdown[markdown.index("## Read-back"):]
    read_back = read_back[:read_back.index("\n## ", 1)]
    assert "### Feelings faces" in read_back and f"{QUOTE_PREFIX}not all the time\n" in read_back
    assert "🔒 There's someone I don't want to read it" in markdown[markdown.index("## Sharing preferences"):]
    choices = markdown[markdown.index(wording()["headings"]["choices"]):markdown.index(wording()["headings"]["said"])]
    assert choices.index("😢 Sad") < choices.index(f"{QUOTE_PREFIX}they shout  \n")


MARKUP = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '=HYPERLINK("http://x","y")', "**bold**",
          "{{ 7*7 }}", "line one\nline two\ttabbed"]


@pytest.fixture
def marked_up(store, session):
    from bot.store.reviews import Reviews

    store.mark_started(session.id)
    for number, text in enumerate(MARKUP):
        store.record_answer(session.id, activity="warm_up", prompt_key="warm_up_likes", prompt_text=f"Q{number}",
                            kind="answer", text=text, message_id=f"m{number}")
    store.record_answer(session.id, activity="three_wishes", prompt_key="three_wishes_first", prompt_text="A wish",
                        kind="answer", text="a secret wish", message_id="left-out")
    left_out = store.answers(session.id)[-1]
    Reviews(store).set(session.id, left_out.id, "alex", included=False, note="Not relevant to the application")
    Reviews(store).set(session.id, store.answers(session.id)[0].id, "alex", note="Said with a smile")
    store.mark_ended(session.id, "completed")
    return session


def test_every_format_shows_markup_literally_and_leaves_out_what_the_practitioner_left_out(store, pack, marked_up):
    import html
    import io

    from docx import Document
    from markdown import markdown as markdown_to_html
    from markupsafe import escape

    summary = build_summary(store, pack, marked_up.id, "Europe/London")
    assert summary["session"]["answers_left_out"] == 1
    markdown, page = render(summary, "md"), render(summary, "html")
    word = Document(io.BytesIO(render(summary, "docx")))
    word_text = "\n".join(p.text for p in word.paragraphs)
    for text in MARKUP:
        assert all(f"{QUOTE_PREFIX}{line}\n" in markdown for line in text.split("\n"))
        assert f"“{escape(text)}”" in page  # escaped, so a browser shows it as typed
        assert f"“{text}”" in word_text  # byte for byte, in its own run
    assert "<script>alert(1)</script>" not in page.replace("&lt;script&gt;", "")
    # a Markdown viewer (Python-Markdown here) shows the child's words as typed, not as markup
    viewed = markdown_to_html(markdown)
    for text in MARKUP:
        assert html.escape(text.split("\n")[0], quote=False) in viewed
    assert "<strong>bold</strong>" not in viewed and "<script>" not in viewed and "<img" not in viewed
    for rendered, label in ((markdown, wording()["practitioner_note"]), (page, str(escape(wording()["practitioner_note"]))),
                            (word_text, wording()["practitioner_note"])):
        assert "a secret wish" not in rendered
        assert "Said with a smile" in rendered and label in rendered  # the practitioner's note, labelled as theirs
    footer = word.sections[0].footer.paragraphs[0].text
    assert marked_up.id in footer and summary["content_hash"] in footer
    assert summary["content_hash"] in markdown and summary["content_hash"] in page
    everything = build_summary(store, pack, marked_up.id, "Europe/London", include_all=True)
    assert "a secret wish" in render(everything, "md")
    assert [a["included"] for a in everything["answers"]][-1] is False
    assert everything["content_hash"] != summary["content_hash"]


def test_the_content_hash_matches_the_record_and_changes_with_it(store, pack, marked_up):
    first = build_summary(store, pack, marked_up.id, "Europe/London")
    assert build_summary(store, pack, marked_up.id, "Europe/London")["content_hash"] == first["content_hash"]
    store.add_observation(marked_up.id, "alex", "Another note")
    assert build_summary(store, pack, marked_up.id, "Europe/London")["content_hash"] != first["content_hash"]


def test_the_export_command_writes_each_format_and_logs_each_export(store, marked_up, database_url, data_key,
                                                                     monkeypatch, tmp_path, capsys):
    from docx import Document

    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OWN_WORDS_DATA_KEY", data_key)
    assert main(["export", marked_up.id, "--format", "docx"]) == 2  # a Word file needs -o
    assert "-o" in capsys.readouterr().err
    assert main(["export", marked_up.id, "--format", "docx", "-o", str(tmp_path / "s.docx")]) == 0
    assert "“**bold**”" in [p.text for p in Document(str(tmp_path / "s.docx")).paragraphs]
    assert main(["export", marked_up.id, "--format", "html", "--all", "-o", str(tmp_path / "s.html")]) == 0
    assert "a secret wish" in (tmp_path / "s.html").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["audit", "CASE-1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[2] for line in lines] == ["export", "export"]
    assert '"format": "docx"' in lines[0] and '"all": true' in lines[1]


def test_characters_word_cannot_hold_are_marked_in_the_word_file_only(store, pack, session):
    import io

    from docx import Document

    text = "bell\x07 and vertical\x0btab"
    store.record_answer(session.id, activity="warm_up", prompt_key="warm_up_likes", prompt_text="Q", kind="answer",
                        text=text, message_id="m1")
    summary = build_summary(store, pack, session.id, "Europe/London")
    word = Document(io.BytesIO(render(summary, "docx")))
    assert "“bell\ufffd and vertical\ufffdtab”" in [p.text for p in word.paragraphs]
    assert summary["answers"][0]["text"] == text and f"{QUOTE_PREFIX}{text}\n" in render(summary, "md")


def test_the_message_to_the_judge_on_a_page_of_its_own(store, pack, answered, awkward_answers):
    import io

    from docx import Document

    summary = build_summary(store, pack, answered.id, "Europe/London")
    markdown = render(summary, "md", page="judge_message")
    assert markdown.startswith("# My message to the judge: in Sam's own words")
    assert f"{QUOTE_PREFIX}{awkward_answers[7]}\n" in markdown
    assert awkward_answers[0] not in markdown and "Tell me about dreams." not in markdown  # only the judge page
    assert summary["content_hash"] in markdown and answered.id in markdown
    word = Document(io.BytesIO(render(summary, "docx", page="judge_message")))
    assert f"“{awkward_answers[7]}”" in [p.text for p in word.paragraphs]


def test_the_method_of_engagement_says_whether_the_child_was_seen_alone(store, pack):
    from bot.dialogue.sessions import start_session

    for seen_alone, shown in ((True, "yes"), (False, "no"), (None, "not recorded")):
        session = start_session(store, pack, case_reference="ALONE-1", child_name="Kit", age=12, language="en",
                                practitioner="Alex", seen_alone=seen_alone)
        markdown = render(build_summary(store, pack, session.id, "Europe/London"), "md")
        assert f"- **{wording()['details']['seen_alone']}:** {shown}\n" in markdown


def test_a_read_back_answer_kept_without_what_it_was_about_still_renders_in_every_format(store, pack, session):
    store.record_answer(session.id, activity="read_back", prompt_key="read_back_change", prompt_text="Tell me more.",
                        kind="answer", text="and my cat", message_id="m1")  # as `make bench` and older data have it
    summary = build_summary(store, pack, session.id, "Europe/London", include_all=True)
    [section] = summary["gone_over"]
    assert [about["title"] for about in section["about"]] == [pack.title("read_back")]
    for fmt in ("md", "html", "docx", "json"):
        assert render(summary, fmt)


def test_every_format_says_who_entered_each_answer_and_carries_the_chain_head(store, pack, session):
    """Scribing: the child's typed words, the practitioner's note of what the child said, and a
    button the child tapped, each said as such beside the quote and counted in the details."""
    import io

    from docx import Document

    said = [("m1", "I like drawing", None), ("m2", "my dog Biscuit", "Alex Morgan"), ("m3", "nan's house", "Alex Morgan")]
    for number, (message_id, text, scribe) in enumerate(said):
        store.record_child_turn(session.id, message_id, input="typed", text=text, scribe=scribe)
        store.record_answer(session.id, activity="warm_up", prompt_key=f"q{number}", prompt_text=f"Question {number}?",
                            kind="answer", text=text, message_id=message_id)
    store.record_child_turn(session.id, "m4", input="button", text=None, payload="/skip")
    store.record_answer(session.id, activity="warm_up", prompt_key="q3", prompt_text="Question 3?", kind="skipped",
                        text=None, choice="/skip", message_id="m4")
    from bot.store.flags import Flags

    Flags(store).record(session.id, "m3", words="nan's house", activity="warm_up", prompt="Question 2?", found_by={})
    summary = build_summary(store, pack, session.id, "Europe/London")
    assert [(f["entered_by"], f["scribe"]) for f in summary["flags"]] == [("practitioner", "Alex Morgan")]

    assert [(a["entered_by"], a["scribe"]) for a in summary["answers"]] == [
        ("child", None), ("practitioner", "Alex Morgan"), ("practitioner", "Alex Morgan"), ("child", None)]
    assert summary["session"]["entered"] == {"typed_by_child": 1, "tapped_by_child": 1,
                                             "written_down": [{"by": "Alex Morgan", "answers": 2}]}
    record = summary["record"]
    assert record["intact"] and record["entries"] == 8 and len(record["chain_head"]) == 64
    words = wording()
    document = json.loads(render(summary, "json"))
    assert document["note"] == words["verbatim_note_scribed"] and "as they typed them" not in document["note"]

    counts = "1 typed by Sam; 2 written down by Alex Morgan; 1 chosen with a button by Sam"
    markdown, html = render(summary, "md"), render(summary, "html")
    docx = "\n".join(p.text for p in Document(io.BytesIO(render(summary, "docx"))).paragraphs)
    tables = "\n".join(c.text for t in Document(io.BytesIO(render(summary, "docx"))).tables for r in t.rows for c in r.cells)
    for text in (markdown, html, docx + tables):
        assert "as they typed them" not in text
        assert text.count("Said by Sam, written down by Alex Morgan.") == 3  # two answers and the flag's words
        assert text.count("Typed by Sam.") == 1 and text.count("Tapped by Sam.") == 1
        assert counts in text
    for text in (markdown, html):  # the footer (Word keeps it in the page footer)
        assert f"record chain head {record['chain_head']} (record intact)" in text
    footer = Document(io.BytesIO(render(summary, "docx"))).sections[0].footer.paragraphs[0].text
    assert record["chain_head"] in footer and summary["content_hash"] in footer


def test_a_session_typed_by_the_child_alone_says_so_without_marking_each_quote(store, pack, session):
    store.record_child_turn(session.id, "m1", input="typed", text="I like drawing")
    store.record_answer(session.id, activity="warm_up", prompt_key="q", prompt_text="What do you like?",
                        kind="answer", text="I like drawing", message_id="m1")
    markdown = render(build_summary(store, pack, session.id, "Europe/London"), "md")
    assert wording()["verbatim_note"].split(":")[0] in markdown and "Typed by Sam." not in markdown
    assert "1 typed by Sam; 0 chosen with a button by Sam" in markdown
