"""A practice session's record is kept like any session's, but nothing typed or tapped in it is
written to the database: its words live only in the memory of the process that holds them."""
from __future__ import annotations

import sqlite3

import pytest

from bot.dialogue import practice
from bot.dialogue.sessions import SessionInputError, start_practice
from bot.store.repository import BotMessage, Store

WORDS = "a practice answer about the purple kite"


def rows_of(database_url: str, table: str, session_id: str) -> int:
    with sqlite3.connect(database_url[len("sqlite:///"):]) as connection:
        return connection.execute(f"SELECT count(*) FROM {table} WHERE session_id = ?", (session_id,)).fetchone()[0]


@pytest.fixture
def rehearsal(store, pack):
    return start_practice(store, pack, age_band="age_4_7", language="en", plan=["feelings"],
                          practitioner="Tess Trainer", started_by=7)


def use_as_a_child_would(store: Store, session_id: str) -> None:
    store.record_child_turn(session_id, "m1", input="typed", text=WORDS)
    store.record_bot_replies(session_id, "m1", [BotMessage(f"You said: {WORDS}", None)])
    store.record_answer(session_id, activity="feelings", prompt_key="q", prompt_text="How do you feel?",
                        kind="answer", text=WORDS, message_id="m1")
    store.record_notice(session_id, "talk_to_practitioner", "m2")
    store.add_observation(session_id, "tess", "noted in practice")


def test_a_practice_session_belongs_to_no_case_and_to_whoever_started_it(store, rehearsal):
    assert practice.is_practice(rehearsal.id) and rehearsal.practice
    assert rehearsal.case_reference is None and rehearsal.owner_id == 7
    assert rehearsal.age_band == "age_4_7" and rehearsal.read_aloud and rehearsal.plan == ["feelings"]
    assert store.get_session(rehearsal.id) == rehearsal
    assert store.sessions_of(7) == []  # not among anyone's cases


def test_nothing_typed_in_practice_reaches_the_database(store, database_url, rehearsal, session):
    use_as_a_child_would(store, rehearsal.id)
    use_as_a_child_would(store, session.id)

    # the process that holds the practice sees it, as the conversation needs
    assert [a.text for a in store.answers(rehearsal.id)] == [WORDS]
    assert [t.text for t in store.transcript(rehearsal.id)] == [WORDS, f"You said: {WORDS}"]
    assert store.child_turn_replies(rehearsal.id, "m1") == [BotMessage(f"You said: {WORDS}", None)]
    for table in ("turns", "answers", "notices", "observations"):
        assert rows_of(database_url, table, rehearsal.id) == 0, table
        assert rows_of(database_url, table, session.id) > 0, table  # a real session's words are kept


def test_another_process_sees_none_of_a_practice_and_its_end_forgets_it(store, database_url, data_key, chain_key, rehearsal):
    use_as_a_child_would(store, rehearsal.id)
    elsewhere = Store(database_url, data_key, chain_key=chain_key)  # as the web app would be, in its own process
    try:
        assert elsewhere.answers(rehearsal.id) == [] and elsewhere.transcript(rehearsal.id) == []
        store.mark_ended(rehearsal.id, "ended")
        assert store.answers(rehearsal.id) == [] and store.transcript(rehearsal.id) == []
        assert store.get_session(rehearsal.id).status == "ended"  # the record stays, with no words
    finally:
        elsewhere.close()


def test_a_practice_idle_too_long_is_forgotten(store, pack, rehearsal, monkeypatch):
    use_as_a_child_would(store, rehearsal.id)
    monkeypatch.setattr(practice, "IDLE_LIMIT_SECONDS", 0)
    later = start_practice(store, pack, age_band="age_12_17", language="en", plan=None,
                           practitioner="Tess Trainer", started_by=7)
    store.answers(later.id)  # any use of a practice session sweeps out the idle ones
    assert store.answers(rehearsal.id) == []


def test_practice_needs_a_known_age_band_and_plan(store, pack):
    with pytest.raises(SessionInputError, match="age band"):
        start_practice(store, pack, age_band="toddlers", language="en", plan=None, practitioner="T", started_by=1)
    with pytest.raises(SessionInputError, match="plan"):
        start_practice(store, pack, age_band="age_8_11", language="en", plan=["juggling"], practitioner="T",
                       started_by=1)
    with pytest.raises(SessionInputError, match="language"):
        start_practice(store, pack, age_band="age_8_11", language="xx", plan=None, practitioner="T", started_by=1)
