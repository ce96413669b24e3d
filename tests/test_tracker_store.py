"""Rasa's tracker store as Own Words runs it: event data encrypted at rest, practice kept in memory,
events from before encryption encrypted by `python -m bot migrate`."""
from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channel.decrypted_events import DecryptedEvents
from bot.channel.tracker_store import OwnWordsTrackerStore
from bot.dialogue import practice
from bot.store.crypto import Cipher
from bot.store.tracker_events import encrypt_plain_rows
from tests.conftest import ROOT

WORDS = "my secret about the green bicycle"


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def tracker_db(tmp_path, data_key, monkeypatch):
    monkeypatch.setenv("OWN_WORDS_DATA_KEY", data_key)
    return str(tmp_path / "rasa_tracker.db")


def conversation(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, slots=None)
    for event in (SessionStarted(), ActionExecuted("action_listen"),
                  UserUttered(WORDS, {"name": "inform", "confidence": 1.0}), SlotSet("last_words", WORDS)):
        tracker.update(event)
    return tracker


def raw(path: str) -> bytes:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return open(path, "rb").read()


def test_events_are_encrypted_at_rest_and_come_back_whole(domain, tracker_db):
    store = OwnWordsTrackerStore(domain, db=tracker_db)
    asyncio.run(store.save(conversation("session-1")))
    assert WORDS.encode() not in raw(tracker_db) and b"green bicycle" not in raw(tracker_db)
    back = asyncio.run(store.retrieve("session-1"))
    assert back.latest_message.text == WORDS and back.get_slot("last_words") == WORDS
    # a second save appends only what is new, as Rasa's own store does
    tracker = back
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(store.save(tracker))
    assert len(asyncio.run(store.retrieve_full_tracker("session-1")).events) == len(tracker.events)


def test_a_practice_conversation_stays_in_memory_and_is_forgotten(domain, tracker_db):
    store = OwnWordsTrackerStore(domain, db=tracker_db)
    sender = practice.new_id()
    asyncio.run(store.save(conversation(sender)))
    assert asyncio.run(store.retrieve(sender)).latest_message.text == WORDS
    with sqlite3.connect(tracker_db) as connection:
        assert connection.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    practice.memory.forget(sender)
    assert asyncio.run(store.retrieve(sender)) is None


def test_events_stored_in_the_clear_before_are_encrypted_by_migrate(domain, tracker_db, data_key):
    asyncio.run(SQLTrackerStore(domain, db=tracker_db).save(conversation("older")))  # Rasa's own store
    assert WORDS.encode() in raw(tracker_db)
    assert encrypt_plain_rows(tracker_db, Cipher(data_key)) == 4
    assert WORDS.encode() not in raw(tracker_db)
    assert encrypt_plain_rows(tracker_db, Cipher(data_key)) == 0  # once only
    back = asyncio.run(OwnWordsTrackerStore(domain, db=tracker_db).retrieve("older"))
    assert back.latest_message.text == WORDS


def test_a_tracker_db_url_keeps_its_query_such_as_sslmode():
    """TRACKER_DB=postgresql+psycopg2://...?sslmode=require must reach the database driver: a managed
    PostgreSQL may refuse connections without TLS, and a URL quietly stripped of it would not say so."""
    from bot.channel.tracker_store import _connection

    arguments = _connection({"db": "postgresql+psycopg2://own:secret@db.example:6432/own_words?sslmode=require"})
    url = SQLTrackerStore.get_db_url(arguments["dialect"], arguments["host"], arguments["port"], arguments["db"],
                                     arguments["username"], arguments["password"], query=arguments["query"])
    assert url.query == {"sslmode": "require"} and url.host == "db.example" and url.port == 6432
    assert _connection({"db": "postgresql+psycopg2://own@db.example/own_words"})["query"] is None


def test_a_retry_undoes_what_an_unfinished_try_left_in_the_tracker_store(domain, tracker_db, store, session):
    """A try that got as far as saving the turn in Rasa's tracker store, then failed before its
    replies were recorded (the database gone mid-turn), must not leave the conversation a question
    ahead: the retry starts from where the first try did (bot/channel/tablet.py)."""
    from bot.channel.tablet import _undo_unfinished_try
    from bot.store.tracker_events import last_event_id

    tracker_store = OwnWordsTrackerStore(domain, db=tracker_db)
    asyncio.run(tracker_store.save(conversation(session.id)))
    before = last_event_id(tracker_db, session.id)
    assert store.record_child_turn(session.id, "m-1", input="typed", text=WORDS, tracker_mark=before)
    tracker = asyncio.run(tracker_store.retrieve(session.id))
    tracker.update(UserUttered("the first try's words", {"name": "inform", "confidence": 1.0}))
    tracker.update(ActionExecuted("utter_ask_next_question"))
    asyncio.run(tracker_store.save(tracker))  # the first try's turn, saved; then it failed
    after = last_event_id(tracker_db, session.id)
    assert after > before

    assert not store.record_child_turn(session.id, "m-1", input="typed", text=WORDS, tracker_mark=after)
    assert _undo_unfinished_try(store, tracker_db, session.id, "m-1", after) == before
    assert last_event_id(tracker_db, session.id) == before
    assert asyncio.run(tracker_store.retrieve(session.id)).latest_message.text == WORDS  # as before the first try
    # a message whose first try left nothing behind: nothing undone
    assert _undo_unfinished_try(store, tracker_db, session.id, "m-1", before) == before
    assert last_event_id(tracker_db, session.id) == before


def test_a_turn_decrypts_only_the_events_written_since_the_last(data_key):
    cipher = Cipher(data_key)
    decrypted = []

    def decrypt(token):
        decrypted.append(token)
        return cipher.decrypt(token)

    def row(row_id, event):
        return row_id, cipher.encrypt(json.dumps(event.as_dict()))

    kept = DecryptedEvents(decrypt)
    rows = [row(1, SessionStarted()), row(2, UserUttered(WORDS, {"name": "inform", "confidence": 1.0}))]
    first = kept.events("s", rows)
    assert [e.as_dict() for e in first] == [json.loads(cipher.decrypt(r[1])) for r in rows] and len(decrypted) == 2
    rows.append(row(3, ActionExecuted("action_listen")))
    assert kept.events("s", rows)[:2] == first and len(decrypted) == 3  # only the new row read
    # the same row id holding other words (a turn undone and written again): read afresh
    rows[1] = row(2, UserUttered("other words", {"name": "inform", "confidence": 1.0}))
    assert kept.events("s", rows)[1].text == "other words" and len(decrypted) == 4
    # no rows (the session erased): nothing kept for it
    assert kept.events("s", []) == [] and len(kept) == 0


def test_conversations_are_kept_for_a_while_and_a_number_only(data_key):
    cipher = Cipher(data_key)
    now = [0.0]
    kept = DecryptedEvents(cipher.decrypt, clock=lambda: now[0], max_conversations=2, keep_unused=60)
    rows = [(1, cipher.encrypt(json.dumps(SessionStarted().as_dict())))]
    for sender in ("a", "b", "c"):
        kept.events(sender, rows)
    assert len(kept) == 2  # the least recently read, "a", dropped
    now[0] = 61
    kept.events("c", rows)
    assert len(kept) == 1  # "b" unused for longer than a minute


def test_another_server_s_rewrite_of_a_conversation_is_read_not_what_was_kept(domain, tracker_db):
    """Two Rasa servers on one database: a turn undone on one and written again under the same row
    id (SQLite reuses the highest id once it is deleted) must reach the other as written."""
    one, other = OwnWordsTrackerStore(domain, db=tracker_db), OwnWordsTrackerStore(domain, db=tracker_db)
    asyncio.run(one.save(conversation("session-1")))
    assert asyncio.run(one.retrieve("session-1")).latest_message.text == WORDS  # now kept by `one`
    with sqlite3.connect(tracker_db) as connection:
        last = connection.execute("SELECT max(id) FROM events").fetchone()[0]
        connection.execute("DELETE FROM events WHERE id >= ?", (last - 1,))  # the words and the slot
    tracker = asyncio.run(other.retrieve("session-1"))
    tracker.update(UserUttered("the retry's words", {"name": "inform", "confidence": 1.0}))
    asyncio.run(other.save(tracker))
    with sqlite3.connect(tracker_db) as connection:
        assert connection.execute("SELECT max(id) FROM events").fetchone()[0] == last - 1  # the id again
    back = asyncio.run(one.retrieve("session-1"))
    assert back.latest_message.text == "the retry's words" and back.get_slot("last_words") is None


def test_what_is_kept_is_swept_away_with_no_message_to_ask(data_key):
    """The decrypted words of a conversation nobody writes to again leave the server's memory."""
    cipher = Cipher(data_key)
    kept = DecryptedEvents(cipher.decrypt, keep_unused=0.2)
    rows = [(1, cipher.encrypt(json.dumps(UserUttered(WORDS, {"name": "inform", "confidence": 1.0}).as_dict())))]

    async def a_turn_then_nothing():
        kept.events("s", rows)
        assert len(kept) == 1
        await asyncio.sleep(0.5)
        return len(kept)

    assert asyncio.run(a_turn_then_nothing()) == 0
