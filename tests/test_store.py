"""The store keeps the child's words exactly, encrypted, once, in order."""
from __future__ import annotations

import sqlite3
import threading

import pytest

from bot.store.crypto import Cipher, DataKeyError, new_key
from bot.store.repository import BotMessage, Store


def raw_database_bytes(database_url: str) -> bytes:
    path = database_url[len("sqlite:///"):]
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(FULL)")
    return open(path, "rb").read()


def test_answers_come_back_exactly_as_given(store, session, awkward_answers):
    for number, text in enumerate(awkward_answers):
        store.record_answer(
            session.id, activity="warm_up", prompt_key=f"q{number}", prompt_text="Tell me.",
            kind="answer", text=text, message_id=f"m{number}",
        )
    stored = [a.text for a in store.answers(session.id)]
    assert stored == awkward_answers
    assert [a.seq for a in store.answers(session.id)] == list(range(1, len(awkward_answers) + 1))


def test_the_childs_words_are_not_in_the_database_file_in_the_clear(store, pack, database_url):
    # A name long enough that no encrypted value holds it by chance ("Sam" once turned up in a
    # Fernet token's base64).
    from bot.dialogue.sessions import start_session

    name = "Marigold-Featherstonehaugh"
    session = start_session(store, pack, case_reference="CASE-1", child_name=name, age=9, language="en",
                            practitioner="Alex")
    secret = "my secret answer about the blue bicycle"
    store.record_answer(
        session.id, activity="warm_up", prompt_key="q", prompt_text="Tell me.",
        kind="answer", text=secret, message_id="m1",
    )
    store.record_child_turn(session.id, "m2", input="typed", text=secret + " again")
    follow_up = store.record_answer(  # a follow-up quotes the child's words back
        session.id, activity="warm_up", prompt_key="q_more", prompt_text="You chose “red kite”. Tell me more.",
        kind="answer", text="it flies", message_id="m3",
    )
    assert follow_up.prompt_text == "You chose “red kite”. Tell me more."
    raw = raw_database_bytes(database_url)
    assert b"blue bicycle" not in raw and "red kite".encode() not in raw
    assert name.encode() not in raw  # the child's chosen name is encrypted too
    assert store.answers(session.id)[0].text == secret


def test_a_repeated_message_is_stored_once(store, session):
    first = store.record_answer(
        session.id, activity="warm_up", prompt_key="q1", prompt_text="Tell me.",
        kind="answer", text="football", message_id="same",
    )
    again = store.record_answer(
        session.id, activity="three_houses", prompt_key="q2", prompt_text="Other.",
        kind="answer", text="football", message_id="same",
    )
    assert again.id == first.id and again.prompt_key == "q1"
    assert len(store.answers(session.id)) == 1


def test_child_turns_are_idempotent_and_replies_replayed(store, session):
    assert store.record_child_turn(session.id, "m1", input="typed", text="hello ") is True
    assert store.child_turn_replies(session.id, "m1") is None  # not answered yet
    assert store.record_child_turn(session.id, "m1", input="typed", text="hello ") is False
    replies = [BotMessage("Hi!", None), BotMessage("Stop?", [{"title": "Yes", "payload": "/affirm"}])]
    store.record_bot_replies(session.id, "m1", replies)
    store.record_bot_replies(session.id, "m1", replies)  # a second call changes nothing
    assert store.child_turn_replies(session.id, "m1") == replies
    transcript = store.transcript(session.id)
    assert [(t.speaker, t.text) for t in transcript] == [("child", "hello "), ("bot", "Hi!"), ("bot", "Stop?")]


def test_concurrent_writers_each_get_their_own_place(database_url, data_key, chain_key, session, store):
    # Two Store objects (as in the Rasa process and the action server) writing at once.
    other = Store(database_url, data_key, chain_key=chain_key)
    errors = []

    def write(writer, prefix):
        try:
            for number in range(15):
                writer.record_child_turn(session.id, f"{prefix}{number}", input="typed", text=prefix)
        except Exception as error:  # pragma: no cover - shown in the assertion
            errors.append(error)

    threads = [threading.Thread(target=write, args=(s, p)) for s, p in ((store, "a"), (other, "b"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(t.seq for t in store.transcript(session.id)) == list(range(1, 31))
    other.close()


def test_a_wrong_key_is_a_clear_error(database_url, chain_key, store, session):
    wrong = Store(database_url, new_key(), chain_key=chain_key)
    with pytest.raises(DataKeyError, match="not the one they were written with"):
        wrong.get_session(session.id)
    wrong.close()


def test_a_malformed_key_is_a_clear_error():
    with pytest.raises(DataKeyError, match="not a valid key"):
        Cipher("not-a-key")


def test_a_lone_surrogate_survives():
    cipher = Cipher(new_key())
    assert cipher.decrypt(cipher.encrypt("half an emoji \ud83d")) == "half an emoji \ud83d"


def test_the_transcript_shows_the_words_on_a_tapped_button(store, session, database_url, data_key, monkeypatch, capsys):
    from bot.cli import main

    store.record_child_turn(session.id, "m1", input="button", text=None, payload="/start")
    store.record_bot_replies(session.id, "m1", [BotMessage("Pick one", [{"title": "😊 Happy", "payload": '/choose{"choice":"happy"}'}])])
    store.record_child_turn(session.id, "m2", input="button", text=None, payload='/choose{"choice":"happy"}')
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OWN_WORDS_DATA_KEY", data_key)
    assert main(["transcript", session.id]) == 0
    out = capsys.readouterr().out
    assert "[tapped /start]" in out and "[tapped 😊 Happy]" in out


def test_a_database_with_sessions_in_it_migrates_to_the_newest_schema(tmp_path, data_key):
    """Every migration runs on a database in use, not only on an empty one (SQLite re-creates a
    table for some changes, which the foreign keys of its rows can refuse)."""
    import sqlite3

    from bot.store.db import migrate

    url = f"sqlite:///{tmp_path}/old.db"
    migrate(url, "0001")
    with sqlite3.connect(tmp_path / "old.db") as db:
        db.execute("INSERT INTO cases (id, reference, practitioner, created_at) VALUES (1, 'C-1', 'Alex', '2026-01-01')")
        db.execute(
            "INSERT INTO sessions (id, case_id, child_name_encrypted, age, age_band, language, practitioner, plan,"
            " prompt_pack_version, status, created_at) VALUES ('s1', 1, 'x', 9, 'age_8_11', 'en', 'Alex', '[]', 'v',"
            " 'completed', '2026-01-01')"
        )
        db.execute(
            "INSERT INTO answers (session_id, seq, activity, prompt_key, prompt_text, kind, message_id, at)"
            " VALUES ('s1', 1, 'warm_up', 'warm_up_likes', 'Tell me', 'skipped', 'm1', '2026-01-01')"
        )
    with pytest.raises(RuntimeError, match="data key"):
        migrate(url)  # prompts stored in the clear are encrypted: that needs the key
    migrate(url, data_key=data_key)
    with sqlite3.connect(tmp_path / "old.db") as db:
        assert db.execute("SELECT child_chooses FROM sessions").fetchall() == [(1,)]
        assert db.execute("SELECT about_activity, kind FROM answers").fetchall() == [(None, "skipped")]
        [(token,)] = db.execute("SELECT prompt_text_encrypted FROM answers").fetchall()
    assert Cipher(data_key).decrypt(token) == "Tell me"


def test_a_review_only_touches_an_answer_of_its_own_session_and_never_the_words(store, pack, session):
    import pytest

    from bot.dialogue.sessions import start_session
    from bot.store.reviews import ReviewError, Reviews

    other = start_session(store, pack, case_reference="CASE-2", child_name="Kit", age=12, language="en",
                          practitioner="Alex")
    answer = store.record_answer(other.id, activity="warm_up", prompt_key="warm_up_likes", prompt_text="Q",
                                 kind="answer", text="mine", message_id="m1")
    with pytest.raises(ReviewError):
        Reviews(store).set(session.id, answer.id, "alex", included=False)
    review = Reviews(store).set(other.id, answer.id, "alex", included=False, note="a note")
    assert (review.included, review.note) == (False, "a note")
    assert Reviews(store).set(other.id, answer.id, "alex", note="").note is None
    assert store.answers(other.id)[0].text == "mine"


def test_the_migrations_build_the_tables_the_models_describe(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.store.db import make_engine
    from bot.store.models import Base

    engine = make_engine(database_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []
