"""Our tables on PostgreSQL (issue 22, first part): the migrations, the session record and its chain,
drawings, many writers at once, erasure (nothing of the case in a pg_dump) and key rotation, against
a private PostgreSQL the tests start (bot/scaled/postgres.py); and Rasa's tracker store there. The
servers end to end on PostgreSQL and Redis, several at once: tests/test_faults_replicas.py."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, inspect, text

from bot.dialogue.sessions import start_session
from bot.store import rotation
from bot.store.chain import new_chain_key
from bot.store.crypto import Cipher, new_key
from bot.store.db import migrate
from bot.store.drawing_image import clean_png
from bot.store.drawings import Drawings
from bot.store.erasure import erase_case, purge
from bot.store.models import Base
from bot.store.repository import BotMessage, Store
from tests.test_drawing_exports import a_drawing, pixels

pytestmark = pytest.mark.postgres
WORDS = "I want to live with mum 🏠 and see dad at weekends"


@pytest.fixture
def pg_store(postgres):
    """A store on a new, migrated database of the private cluster: (store, url, data key, chain key)."""
    url, data_key, chain_key = postgres.new_database(), new_key(), new_chain_key()
    migrate(url)
    store = Store(url, data_key, chain_key=chain_key)
    yield store, url, data_key, chain_key
    store.close()


def recorded(store, pack, reference="PG-1"):
    session = start_session(store, pack, case_reference=reference, child_name="Sam", age=9, language="en",
                            practitioner="Alex Morgan")
    store.record_child_turn(session.id, "m1", input="typed", text=WORDS)
    store.record_bot_replies(session.id, "m1", [BotMessage("Thank you. What is your first wish?", None, True)])
    store.record_answer(session.id, activity="warm_up", prompt_key="warm_up_likes", prompt_text="What do you like?",
                        kind="answer", text=WORDS, message_id="m1")
    drawing_id = Drawings(store).keep(session.id, "m2", clean_png(a_drawing()))
    store.record_child_turn(session.id, "m2", input="drawing", text=None,
                            payload=f'/inform{{"drawing":"{drawing_id}"}}')
    store.record_answer(session.id, activity="three_wishes", prompt_key="three_wishes_first",
                        prompt_text="What is your first wish?", kind="drawing", text=None, message_id="m2",
                        drawing_id=drawing_id)
    return session, drawing_id


def test_the_migrations_make_every_table_the_models_name(pg_store):
    url = pg_store[1]
    assert set(Base.metadata.tables) <= set(inspect(create_engine(url)).get_table_names())


def test_the_record_its_chain_and_a_drawing_as_on_sqlite(pg_store, pack):
    store, url, data_key, _ = pg_store
    session, drawing_id = recorded(store, pack)
    assert [a.text for a in store.answers(session.id)] == [WORDS, None]  # exactly, emoji and all
    assert store.offers_drawing_now(session.id)
    assert pixels(Drawings(store).get(session.id, drawing_id).png) == pixels(a_drawing())
    assert store.verify(session.id).intact
    with create_engine(url).begin() as connection:  # a word changed in the database afterwards
        changed = Cipher(data_key).encrypt("I want to live with dad")
        connection.execute(text("UPDATE answers SET text_encrypted = :t WHERE seq = 1"), {"t": changed})
    assert store.verify(session.id).problems == [
        "entry 3 (answer 1) has been changed, moved or does not follow the entry before it"]


def test_many_writers_at_once_store_each_answer_once_in_order(pg_store, pack):
    store = pg_store[0]
    session = start_session(store, pack, case_reference="PG-2", child_name="Sam", age=9, language="en",
                            practitioner="Alex Morgan")

    def write(n):
        for _ in range(2):  # each message twice, as a retry would send it
            store.record_answer(session.id, activity="warm_up", prompt_key="warm_up_likes", prompt_text="Q",
                                kind="answer", text=f"answer {n}", message_id=f"m{n}")
    threads = [threading.Thread(target=write, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answers = store.answers(session.id)
    assert sorted(a.text for a in answers) == sorted(f"answer {n}" for n in range(20))
    assert [a.seq for a in answers] == list(range(1, 21))
    assert store.verify(session.id).intact


def test_erasing_a_case_leaves_nothing_of_it_in_a_pg_dump(pg_store, pack, postgres):
    store, url = pg_store[:2]
    doomed, drawing_id = recorded(store, pack, "PG-ERASE")
    kept, _ = recorded(store, pack, "PG-KEEP")
    before = postgres.dump(url)
    assert doomed.id in before and drawing_id in before
    erased = erase_case(store, "/nonexistent/tracker.db", "PG-ERASE", "admin")
    assert (erased.sessions, erased.answers) == (1, 2)
    after = postgres.dump(url)
    assert doomed.id not in after and drawing_id not in after
    assert store.verify(kept.id).intact and [a.text for a in store.answers(kept.id)][0] == WORDS


def test_purge_erases_the_cases_closed_too_long_ago_and_keeps_the_rest(pg_store, pack, postgres):
    store, url = pg_store[:2]
    old, old_drawing = recorded(store, pack, "PG-CLOSED-LONG-AGO")
    recent, _ = recorded(store, pack, "PG-CLOSED-LATELY")
    for reference in ("PG-CLOSED-LONG-AGO", "PG-CLOSED-LATELY"):
        store.close_case(reference)
    with store.engine.begin() as connection:  # closed 100 days ago
        connection.execute(text("UPDATE cases SET closed_at = closed_at - interval '100 days' "
                                "WHERE reference = 'PG-CLOSED-LONG-AGO'"))
    erased = purge(store, "/nonexistent/tracker.db", 90, "admin")
    assert [(e.sessions, e.answers) for e in erased] == [(1, 2)]
    after = postgres.dump(url)
    assert old.id not in after and old_drawing not in after
    assert recent.id in after and [a.text for a in store.answers(recent.id)][0] == WORDS


def test_key_rotation_on_postgresql_keeps_everything_readable_and_the_chain_intact(pg_store, pack):
    store, url, data_key, chain_key = pg_store
    session, drawing_id = recorded(store, pack)
    key = new_key()
    assert rotation._rotate_tables(url, Cipher(key, [data_key])) > 0  # as `python -m bot keys rotate` does
    rotated = Store(url, key, chain_key=chain_key)
    assert [a.text for a in rotated.answers(session.id)] == [WORDS, None]
    assert pixels(Drawings(rotated).get(session.id, drawing_id).png) == pixels(a_drawing())
    assert rotated.verify(session.id).intact


def test_rasas_tracker_store_and_our_tools_on_postgresql(pg_store, pack, postgres, monkeypatch):
    """Rasa's conversations in the same database (one URL for both): encrypted at rest, a failed
    turn undone, re-encrypted by key rotation, a long one compacted, erased with the case."""
    import asyncio

    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted

    from bot.channel.tracker_store import OwnWordsTrackerStore
    from bot.store.tracker_events import drop_events_after, last_event_id
    from tests.conftest import ROOT
    from tests.test_tracker_store import WORDS as TYPED
    from tests.test_tracker_store import conversation

    store, url, data_key, _ = pg_store
    monkeypatch.setenv("OWN_WORDS_DATA_KEY", data_key)
    session, _ = recorded(store, pack, "PG-TRACKER")
    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker_store = OwnWordsTrackerStore(domain, db=url)
    tracker = conversation(session.id)
    asyncio.run(tracker_store.save(tracker))
    back = asyncio.run(tracker_store.retrieve(session.id))
    assert back.latest_message.text == TYPED and back.get_slot("last_words") == TYPED
    assert TYPED not in postgres.dump(url)  # encrypted at rest

    turn_start = last_event_id(url, session.id)
    tracker.update(ActionExecuted("action_listen"))
    asyncio.run(tracker_store.save(tracker))
    assert last_event_id(url, session.id) > turn_start
    assert drop_events_after(url, session.id, turn_start) == 1  # the failed turn undone
    assert last_event_id(url, session.id) == turn_start

    key = new_key()
    assert rotation._rotate_events(url, Cipher(key, [data_key])) == 4  # as `python -m bot keys rotate` does
    monkeypatch.setenv("OWN_WORDS_DATA_KEY", key)
    assert asyncio.run(OwnWordsTrackerStore(domain, db=url).retrieve(session.id)).latest_message.text == TYPED

    # a long conversation goes on in a new Rasa session, and only that is loaded again (compaction)
    from bot.channel.tracker_compaction import COMPACT_AFTER
    from tests.test_tracker_compaction import tracker_after

    long_one = tracker_after(COMPACT_AFTER // 6 + 1, domain)
    asyncio.run(OwnWordsTrackerStore(domain, db=url).save(long_one))
    resumed = asyncio.run(OwnWordsTrackerStore(domain, db=url).retrieve(long_one.sender_id))
    assert resumed.current_slot_values() == long_one.current_slot_values()
    assert len(resumed.events) < COMPACT_AFTER // 2

    rotated = Store(url, key, chain_key=pg_store[3])
    erased = erase_case(rotated, url, "PG-TRACKER", "admin")
    assert erased.conversation_events == 4
    assert session.id not in postgres.dump(url)


def test_one_message_of_a_session_at_a_time_across_processes_sharing_the_database(pg_store):
    """The channel's lock across Rasa servers (bot/channel/session_lock.py): each turn on a connection
    of its own, as two servers would hold them; another session does not wait; a server that dies
    mid-turn lets go with its connection."""
    import asyncio
    import time

    from bot.channel.session_lock import _connect, _try, lock_engine, one_at_a_time

    store = pg_store[0]
    engine = lock_engine(store.engine)
    assert engine is not None and lock_engine(create_engine("sqlite://")) is None
    spans = {}

    async def turn(name, session, seconds):
        async with one_at_a_time(engine, session):
            start = time.monotonic()
            await asyncio.sleep(seconds)
            spans[name] = (start, time.monotonic())

    async def both():
        first = asyncio.create_task(turn("first", "session-a", 0.4))
        await asyncio.sleep(0.1)
        await asyncio.gather(first, turn("retry", "session-a", 0.05), turn("other", "session-b", 0.05))

    asyncio.run(both())
    assert spans["retry"][0] >= spans["first"][1]  # the same session waited for the turn before
    assert spans["other"][0] < spans["first"][1]  # another session did not

    dying = _connect(engine)
    assert _try(dying, "session-c")
    dying.close()  # the server died mid-turn: its lock went with its connection
    asyncio.run(asyncio.wait_for(turn("after", "session-c", 0), timeout=5))
