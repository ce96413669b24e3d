"""`python -m bot keys rotate`: a new key in .env, every encrypted value in our tables and every
event in Rasa's tracker store re-encrypted, and nothing unreadable if it is interrupted."""
from __future__ import annotations

import asyncio
import socket

import pytest
from rasa.shared.core.domain import Domain

from bot import envfile
from bot.channel.tracker_store import OwnWordsTrackerStore
from bot.config import Settings
from bot.store import rotation
from bot.store.crypto import DataKeyError
from bot.store.flags import Flags
from bot.store.repository import BotMessage, Store
from tests.conftest import ROOT
from tests.servers import free_port
from tests.test_tracker_store import WORDS, conversation

NAME, ANSWER, NOTE = "Sam", "I want to live with my nan 🏠", "Child kept looking at the door"


@pytest.fixture
def setup(tmp_path, store, session, database_url, data_key, chain_key, monkeypatch):
    monkeypatch.setenv("OWN_WORDS_DATA_KEY", data_key)
    monkeypatch.delenv("OWN_WORDS_PREVIOUS_DATA_KEYS", raising=False)
    env = tmp_path / ".env"
    env.write_text(f"# settings\nOWN_WORDS_DATA_KEY={data_key}\nOWN_WORDS_PREVIOUS_DATA_KEYS=\nRASA_PORT=5005\n",
                   encoding="utf-8")
    store.record_child_turn(session.id, "m1", input="typed", text=ANSWER)
    store.record_bot_replies(session.id, "m1", [BotMessage(f"You said {ANSWER}", None)])
    store.record_answer(session.id, activity="warm_up", prompt_key="q", prompt_text="Tell me", kind="answer",
                        text=ANSWER, message_id="m1")
    store.add_observation(session.id, "alex", NOTE)
    Flags(store).record(session.id, "m1", words=ANSWER, activity="warm_up", prompt="Tell me", found_by={})
    tracker_db = str(tmp_path / "rasa_tracker.db")
    asyncio.run(OwnWordsTrackerStore(Domain.load(str(ROOT / "domain.yml")), db=tracker_db).save(conversation(session.id)))
    settings = Settings(database_url=database_url, data_key=data_key, rasa_port=free_port(), action_port=free_port(),
                        report_time_zone="Europe/London", web_port=free_port(), tracker_db=tracker_db,
                        chain_key=chain_key)
    return settings, env, session


def everything_readable(settings: Settings, key: str, previous=()) -> None:
    store = Store(settings.database_url, key, previous, chain_key=settings.chain_key)
    try:
        info = store.get_session(the_session_id(store))
        assert info.child_name == NAME
        assert [a.text for a in store.answers(info.id)] == [ANSWER]
        assert [t.text for t in store.transcript(info.id)] == [ANSWER, f"You said {ANSWER}"]
        assert [o["text"] for o in store.observations(info.id)] == [NOTE]
        assert [f.words for f in Flags(store).of_session(info.id)] == [ANSWER]
        # the chain is over the words, not their encryption: re-encrypted, the record is still intact
        verdict = store.verify(info.id)
        assert verdict.intact and verdict.entries == 3, verdict.problems
    finally:
        store.close()


def the_session_id(store: Store) -> str:
    from sqlalchemy import select

    from bot.store import models

    with store.sessionmaker() as db:
        return db.execute(select(models.Session.id)).scalar_one()


def tracker_words(settings: Settings, key: str, session_id: str, monkeypatch) -> str:
    monkeypatch.setenv("OWN_WORDS_DATA_KEY", key)
    tracker_store = OwnWordsTrackerStore(Domain.load(str(ROOT / "domain.yml")), db=settings.tracker_db)
    return asyncio.run(tracker_store.retrieve(session_id)).latest_message.text


def test_rotation_re_encrypts_everything_with_a_new_key(setup, monkeypatch):
    settings, env, session = setup
    done = rotation.rotate(settings, env)
    key = envfile.value_of(env, "OWN_WORDS_DATA_KEY")
    assert key != settings.data_key and envfile.value_of(env, "OWN_WORDS_PREVIOUS_DATA_KEYS") == ""
    assert "RASA_PORT=5005" in env.read_text(encoding="utf-8")  # the rest of .env kept
    assert done.values >= 6 and done.events == 4
    everything_readable(settings, key)
    assert tracker_words(settings, key, session.id, monkeypatch) == WORDS
    with pytest.raises(DataKeyError):
        everything_readable(settings, settings.data_key)  # the old key reads nothing now


def test_an_interrupted_rotation_loses_nothing_and_finishes_when_run_again(setup, monkeypatch):
    settings, env, session = setup

    def cut_off(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(rotation, "_rotate_events", cut_off)
    with pytest.raises(KeyboardInterrupt):
        rotation.rotate(settings, env)
    key, previous = envfile.value_of(env, "OWN_WORDS_DATA_KEY"), envfile.value_of(env, "OWN_WORDS_PREVIOUS_DATA_KEYS")
    assert previous == settings.data_key
    everything_readable(settings, key, [previous])
    monkeypatch.undo()
    monkeypatch.setenv("OWN_WORDS_PREVIOUS_DATA_KEYS", previous)
    again = Settings(**{**settings.__dict__, "data_key": key, "previous_data_keys": (previous,)})
    rotation.rotate(again, env)
    newest = envfile.value_of(env, "OWN_WORDS_DATA_KEY")
    assert envfile.value_of(env, "OWN_WORDS_PREVIOUS_DATA_KEYS") == ""
    everything_readable(settings, newest)
    monkeypatch.delenv("OWN_WORDS_PREVIOUS_DATA_KEYS")
    assert tracker_words(settings, newest, session.id, monkeypatch) == WORDS


def test_rotation_is_refused_while_own_words_runs_or_when_the_key_is_not_in_env(setup):
    settings, env, _ = setup
    before = env.read_text(encoding="utf-8")
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", settings.rasa_port))
        listening.listen()
        with pytest.raises(rotation.RotationRefused, match="stop it first"):
            rotation.rotate(settings, env)
    env.write_text(before.replace(settings.data_key, "another-key"), encoding="utf-8")
    with pytest.raises(rotation.RotationRefused, match="set in the environment"):
        rotation.rotate(settings, env)
    assert env.read_text(encoding="utf-8") == before.replace(settings.data_key, "another-key")
