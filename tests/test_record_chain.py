"""The record's chain (bot/store/chain.py): changes made directly in the database afterwards are
found by `python -m bot verify`, and the record written by the store itself verifies as intact."""
from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from bot.cli import main
from bot.store.chain import new_chain_key
from bot.store.crypto import Cipher
from bot.store.repository import BotMessage, Store


@pytest.fixture
def recorded(store, session):
    """A short session as the channel and the actions write it: two child turns (one written down
    by the practitioner), the bot's replies, two answers."""
    store.record_child_turn(session.id, "m1", input="typed", text="I like my nan's dog")
    store.record_bot_replies(session.id, "m1", [BotMessage("Thank you. How do you feel at home?", None)])
    store.record_answer(session.id, activity="warm_up", prompt_key="q1", prompt_text="What do you like?",
                        kind="answer", text="I like my nan's dog", message_id="m1")
    store.record_child_turn(session.id, "m2", input="typed", text="sad when they shout", scribe="Alex Morgan")
    store.record_bot_replies(session.id, "m2", [BotMessage("Thank you for telling me.", None)])
    store.record_answer(session.id, activity="feelings", prompt_key="q2", prompt_text="How do you feel at home?",
                        kind="answer", text="sad when they shout", message_id="m2")
    return session


def sql(database_url: str, statement: str, *params) -> None:
    with closing(sqlite3.connect(database_url[len("sqlite:///"):])) as db:
        db.execute(statement, params)
        db.commit()


def test_the_record_as_written_is_intact_and_says_who_entered_each_word(store, recorded):
    verdict = store.verify(recorded.id)
    assert verdict.intact and verdict.entries == 6 and verdict.problems == []
    answers = store.answers(recorded.id)
    assert [(a.entered_by, a.scribe) for a in answers] == [("child", None), ("practitioner", "Alex Morgan")]
    assert [t.entered_by for t in store.transcript(recorded.id)] == ["child", "bot", "practitioner", "bot"]


def test_a_changed_word_is_found(store, recorded, database_url, data_key):
    changed = Cipher(data_key).encrypt("happy when they shout")  # a well-formed token: only the chain can tell
    sql(database_url, "UPDATE answers SET text_encrypted = ? WHERE seq = 2", changed)
    verdict = store.verify(recorded.id)
    assert not verdict.intact
    assert verdict.problems == ["entry 6 (answer 2) has been changed, moved or does not follow the entry before it"]


def test_who_entered_a_word_cannot_be_changed_unnoticed(store, recorded, database_url):
    sql(database_url, "UPDATE answers SET entered_by = 'child', scribe = NULL WHERE seq = 2")
    assert store.verify(recorded.id).problems == [
        "entry 6 (answer 2) has been changed, moved or does not follow the entry before it"]


def test_a_deleted_answer_is_found(store, recorded, database_url):
    sql(database_url, "DELETE FROM answers WHERE seq = 1")
    assert store.verify(recorded.id).problems == ["entry 3 (answer) has been deleted"]


def test_a_deleted_answer_with_its_link_is_found(store, recorded, database_url):
    sql(database_url, "DELETE FROM chain_links WHERE kind = 'answer' AND position = 3")
    sql(database_url, "DELETE FROM answers WHERE seq = 1")
    problems = store.verify(recorded.id).problems
    assert problems[0] == "entry 3 is missing: the chain jumps to entry 4"
    assert "entry 4 (turn 3) has been changed, moved or does not follow the entry before it" in problems


def test_the_last_answer_deleted_with_its_link_is_found(store, recorded, database_url):
    sql(database_url, "DELETE FROM chain_links WHERE position = 6")
    sql(database_url, "DELETE FROM answers WHERE seq = 2")
    assert store.verify(recorded.id).problems == [
        "the record ends early or its head was altered: entry 5 is not the last one written"]


def test_reordered_turns_are_found(store, recorded, database_url):
    sql(database_url, "UPDATE turns SET seq = 99 WHERE seq = 1")
    sql(database_url, "UPDATE turns SET seq = 1 WHERE seq = 3")
    sql(database_url, "UPDATE turns SET seq = 3 WHERE seq = 99")
    problems = store.verify(recorded.id).problems
    assert problems == [
        "entry 1 (turn 3) has been changed, moved or does not follow the entry before it",
        "entry 4 (turn 1) has been changed, moved or does not follow the entry before it",
    ]


def test_an_answer_added_outside_the_record_is_named(store, recorded, database_url):
    sql(database_url, "INSERT INTO answers (session_id, seq, activity, prompt_key, prompt_text_encrypted, kind, "
        "entered_by, message_id, at) SELECT session_id, 3, activity, prompt_key, prompt_text_encrypted, kind, "
        "'child', 'forged', at FROM answers WHERE seq = 1")
    assert store.verify(recorded.id).problems == ["answer 3 was added outside the record"]


def test_another_chain_key_cannot_vouch_for_the_record(recorded, database_url, data_key):
    other = Store(database_url, data_key, chain_key=new_chain_key())
    try:
        assert not other.verify(recorded.id).intact
    finally:
        other.close()


def test_bot_verify_says_intact_or_where_it_breaks(recorded, database_url, data_key, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OWN_WORDS_DATA_KEY", data_key)
    assert main(["verify", recorded.id]) == 0
    assert capsys.readouterr().out.startswith("intact: 6 turns and answers")
    sql(database_url, "UPDATE turns SET input = 'button' WHERE seq = 3")
    assert main(["verify", recorded.id]) == 1
    assert "entry 4 (turn 3) has been changed" in capsys.readouterr().out
    assert main(["verify", "no-such-session"]) == 2
