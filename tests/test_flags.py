"""Safeguarding flags in the store: kept once per message, with what the bot said back; the first
acknowledgement is kept; listed by practitioner; and in the summary, at the top of every format."""
from __future__ import annotations

import io
import json

import docx
import pytest

from bot.dialogue.sessions import start_session
from bot.pack.prompt_pack import PromptPack
from bot.report.render import QUOTE_PREFIX, render
from bot.report.summary import build_summary
from bot.store.flags import FlagError, Flags
from tests.conftest import ROOT

WORDS = "he hurts me <script>alert(1)</script> **not bold**\nsecond line"
PACK = PromptPack.load(ROOT)


def new_session(store, case="FAM-1", owner_id=None):
    return start_session(store, PACK, case_reference=case, child_name="Kit", age=9, language="en",
                         practitioner="Alex Morgan", owner_id=owner_id)


def flag(store, session_id, message_id="m1"):
    return Flags(store).record(session_id, message_id, words=WORDS, activity="three_houses",
                               prompt="Tell me about your worries house.",
                               found_by={"lexicon": [{"concern": "physical_harm", "phrase": "hurt* me"}],
                                         "intent_confidence": 0.91})


def test_a_flag_is_kept_once_with_the_exact_words_and_the_reply(store):
    session = new_session(store)
    first = flag(store, session.id)
    again = flag(store, session.id)  # a retried message
    assert again.id == first.id and len(Flags(store).of_session(session.id)) == 1
    Flags(store).set_reply(session.id, "m1", "Thank you for telling me.")
    Flags(store).set_reply(session.id, "m1", "something else")  # a replay does not change it
    [kept] = Flags(store).of_session(session.id)
    assert kept.words == WORDS and kept.reply == "Thank you for telling me." and kept.activity == "three_houses"


def test_the_first_acknowledgement_is_kept_and_only_for_the_sessions_own_flags(store):
    session, other = new_session(store, "FAM-1", owner_id=1), new_session(store, "FAM-2", owner_id=2)
    mine = flag(store, session.id)
    theirs = flag(store, other.id)
    assert [f.id for f in Flags(store).unacknowledged(1)] == [mine.id]
    assert {f.id for f in Flags(store).unacknowledged()} == {mine.id, theirs.id}
    with pytest.raises(FlagError):
        Flags(store).acknowledge(session.id, theirs.id, "alex")
    seen = Flags(store).acknowledge(session.id, mine.id, "alex")
    later = Flags(store).acknowledge(session.id, mine.id, "sam")
    assert seen.acknowledged_by == later.acknowledged_by == "alex" and later.acknowledged_at == seen.acknowledged_at
    assert Flags(store).unacknowledged(1) == [] and Flags(store).counts([session.id, other.id]) == {
        session.id: 1, other.id: 1}


def test_flags_are_at_the_top_of_every_format_with_the_words_exactly(store):
    session = new_session(store)
    flag(store, session.id)
    summary = build_summary(store, PACK, session.id, "Europe/London")
    [entry] = summary["flags"]
    assert entry["text"] == WORDS and entry["found_by"] == ["Physical harm"]
    assert json.loads(render(summary, "json"))["flags"][0]["text"] == WORDS

    markdown = render(summary, "md")
    assert markdown.index("Safeguarding flags") < markdown.index("About the session")
    assert f"{QUOTE_PREFIX}he hurts me <script>alert(1)</script> **not bold**\n{QUOTE_PREFIX}second line" in markdown
    assert "not yet acknowledged" in markdown

    html = render(summary, "html")
    assert html.index("Safeguarding flags") < html.index("About the session")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html

    document = docx.Document(io.BytesIO(render(summary, "docx")))
    paragraphs = [p.text for p in document.paragraphs]
    heading = paragraphs.index("Safeguarding flags: words that may tell of harm")
    assert heading < paragraphs.index("About the session") and f"“{WORDS}”" in paragraphs
