"""Erasing a case: nothing of it is left in any file (not even its encrypted words), the other cases
are untouched, and one audit event says it happened. Purge erases the cases closed too long ago."""
from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain

from bot.channel.tracker_store import OwnWordsTrackerStore
from bot.dialogue.sessions import start_session
from bot.store.erasure import NoSuchCase, erase_case, purge
from bot.store.flags import Flags
from bot.store.repository import BotMessage
from bot.store.reviews import Reviews
from tests.conftest import ROOT
from tests.test_tracker_store import conversation

WORDS = {"ERASE-ME": "I want to stay with my dad and the dog", "KEEP-ME": "Nan makes the best pancakes"}


@pytest.fixture
def cases(store, pack, tmp_path, data_key, monkeypatch):
    monkeypatch.setenv("OWN_WORDS_DATA_KEY", data_key)
    tracker_db = str(tmp_path / "rasa_tracker.db")
    tracker_store = OwnWordsTrackerStore(Domain.load(str(ROOT / "domain.yml")), db=tracker_db)
    sessions = {}
    for reference, words in WORDS.items():
        session = start_session(store, pack, case_reference=reference, child_name="Robin", age=10, language="en",
                                practitioner="Alex")
        store.record_child_turn(session.id, "m1", input="typed", text=words)
        store.record_bot_replies(session.id, "m1", [BotMessage(f"You said {words}", None)])
        answer = store.record_answer(session.id, activity="warm_up", prompt_key="q", prompt_text=f"You chose {words}",
                                     kind="answer", text=words, message_id="m1")
        store.record_notice(session.id, "talk_to_practitioner", "m1")
        store.add_observation(session.id, "alex", "a note")
        Flags(store).record(session.id, "m1", words=words, activity="warm_up", prompt="Tell me", found_by={})
        Reviews(store).set(session.id, answer.id, "alex", included=False, note="left out")
        Reviews(store).audit("alex", "export", case_reference=reference, session_id=session.id)
        asyncio.run(tracker_store.save(conversation(session.id)))
        sessions[reference] = session
    return sessions, tracker_db, tracker_store


def encrypted_values(database: str) -> list:
    """Every encrypted value in our tables, as stored."""
    with sqlite3.connect(database) as connection:
        tables = [t for (t,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        found = []
        for table in tables:
            for column in [c[1] for c in connection.execute(f"PRAGMA table_info({table})") if c[1].endswith("_encrypted")]:
                found += [v for (v,) in connection.execute(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL")]
        return found


def tracker_values(tracker_db: str, session_id: str) -> list:
    with sqlite3.connect(tracker_db) as connection:
        return [d for (d,) in connection.execute("SELECT data FROM events WHERE sender_id = ?", (session_id,))]


def found_in_files(folder: Path, values: list) -> list:
    """The values whose bytes are in some file under `folder` (databases, their journals, anything)."""
    contents = [path.read_bytes() for path in folder.rglob("*") if path.is_file()]
    return [value for value in values if any(value[-40:].encode() in data for data in contents)]


def test_erasing_a_case_leaves_no_byte_of_it_and_keeps_the_others(store, cases, database_url, tmp_path):
    sessions, tracker_db, tracker_store = cases
    database = database_url[len("sqlite:///"):]
    kept_before = [a.text for a in store.answers(sessions["KEEP-ME"].id)]
    doomed = [v for v in encrypted_values(database)] + tracker_values(tracker_db, sessions["ERASE-ME"].id)
    assert found_in_files(tmp_path, doomed) == doomed  # the search finds every one of them before
    with sqlite3.connect(database) as connection:  # the record's chain: its links' keyed hashes
        links = [m for (m,) in connection.execute("SELECT mac FROM chain_links WHERE session_id = ?",
                                                  (sessions["ERASE-ME"].id,))]
    assert len(links) == 3 and found_in_files(tmp_path, links) == links

    erased = erase_case(store, tracker_db, "ERASE-ME", "admin")
    assert (erased.sessions, erased.answers, erased.conversation_events) == (1, 1, 4)

    survivors = set(encrypted_values(database)) | set(tracker_values(tracker_db, sessions["KEEP-ME"].id))
    gone = [v for v in doomed if v not in survivors]
    assert len(gone) >= 10 and found_in_files(tmp_path, gone) == []  # not in the databases, journals or free pages
    assert found_in_files(tmp_path, links) == []  # the chain went with the session
    assert store.verify(sessions["KEEP-ME"].id).intact  # and the other session's is untouched
    assert store.get_session(sessions["ERASE-ME"].id) is None and tracker_values(tracker_db, sessions["ERASE-ME"].id) == []
    assert [e["action"] for e in Reviews(store).audit_events("ERASE-ME")] == ["erase_case"]

    assert [a.text for a in store.answers(sessions["KEEP-ME"].id)] == kept_before == [WORDS["KEEP-ME"]]
    assert [f.words for f in Flags(store).of_session(sessions["KEEP-ME"].id)] == [WORDS["KEEP-ME"]]
    assert asyncio.run(tracker_store.retrieve(sessions["KEEP-ME"].id)) is not None
    with pytest.raises(NoSuchCase):
        erase_case(store, tracker_db, "ERASE-ME", "admin")


def test_purge_erases_the_cases_closed_longer_ago_than_the_retention_period(store, cases):
    _, tracker_db, _ = cases
    closed = store.close_case("ERASE-ME")
    assert store.close_case("ERASE-ME") == closed  # closing again keeps the first date
    assert purge(store, tracker_db, 90, "purge", now=closed + timedelta(days=89)) == []
    [erased] = purge(store, tracker_db, 90, "purge", now=closed + timedelta(days=91))
    assert erased.case_reference == "ERASE-ME"
    with store.sessionmaker() as db:
        from sqlalchemy import select

        from bot.store import models

        assert list(db.execute(select(models.Case.reference)).scalars()) == ["KEEP-ME"]  # open cases stay


def test_the_commands_close_erase_and_purge(store, cases, database_url, data_key):
    _, tracker_db, _ = cases
    env = {**os.environ, "DATABASE_URL": database_url, "OWN_WORDS_DATA_KEY": data_key,
           "TRACKER_DB": tracker_db, "RETENTION_DAYS": "90"}

    def bot(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, input=stdin,
                              capture_output=True, text=True, check=False)

    closed = bot("cases", "close", "KEEP-ME")
    assert closed.returncode == 0 and "purge` erases it after 90 days" in closed.stdout
    assert "0 cases closed more than 90 days ago erased." in bot("purge").stdout  # closed today: kept
    refused = bot("erase", "ERASE-ME", stdin="ERASE-ME?\n")
    assert refused.returncode != 0 and "nothing was erased" in refused.stderr
    done = bot("erase", "ERASE-ME", stdin="ERASE-ME\n")
    assert done.returncode == 0 and "Erased case ERASE-ME: 1 sessions, 1 answers, 4 conversation events." in done.stdout
    assert "there is no case 'ERASE-ME'" in bot("erase", "ERASE-ME", "--yes").stderr
