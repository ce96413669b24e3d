"""The fault suite: real sessions while things break on purpose, on loopback. Every answer sent must
be stored exactly once, in order, under its own session. The table of what was sent, stored, lost
and doubled is printed at the end of the run and kept in docs/reliability.md (tests/reliability.py)."""
from __future__ import annotations

import os
import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests import reliability
from tests.reliability import write_section
from tests.servers import Chat, Processes

pytestmark = pytest.mark.servers

CHOOSE_GOOD = '/choose{"choice":"good"}'
SESSIONS = int(os.environ.get("FAULT_SESSIONS", "20"))
ANSWERS = int(os.environ.get("FAULT_ANSWERS", "40"))
RESULTS = []  # (scenario, sent, stored, lost, doubled)


@pytest.fixture(scope="module")
def processes(tmp_path_factory):
    processes = Processes(tmp_path_factory.mktemp("faults"))
    yield processes
    processes.stop()
    write_report()


class Session:
    """A child's session in the three houses, whose 'what else?' question takes answer after answer."""

    def __init__(self, processes, name="Ash"):
        self.processes = processes
        self.chat = Chat(processes, processes.cli(
            "session", "new", "--case", f"FAULT-{uuid.uuid4().hex[:8]}", "--child-name", name, "--age", "10",
            "--language", "en", "--practitioner", "Alex", "--plan", "three_houses", "--child-chooses", "no",
        ).strip())
        self.sent = []
        self.chat.tap("/start")
        self.chat.tap(CHOOSE_GOOD)

    def send(self, words, message_id=None):
        """One answer, as the tablet sends it: the same message id on every try."""
        reply = self.chat.post(message=words, message_id=message_id or uuid.uuid4().hex)
        return reply

    def answer(self, words):
        message_id = uuid.uuid4().hex
        reply = self.send(words, message_id)
        assert reply.status_code == 200, reply.text
        self.sent.append(words)
        return reply.json()

    def stored(self):
        return [a.text for a in self.processes.store().answers(self.chat.sender) if a.text is not None]


def record(scenario, sessions):
    reliability.record(RESULTS, scenario, sessions)


def test_a_retried_message_is_stored_once(processes):
    session = Session(processes)
    first = session.send("a kite", "retry-1")
    again = session.send("a kite", "retry-1")  # the tablet did not see the reply and sends it again
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    session.sent.append("a kite")
    session.answer("my bike")
    record("the same message sent twice", [session])


def test_the_action_server_dies_mid_session_and_nothing_is_lost(processes):
    session = Session(processes)
    before = session.answer("a red bike")  # an answer nothing takes for a control (the model checks "pancakes" as a break)
    processes.kill("actions")
    during = session.send("swimming on Saturdays", "during-outage")
    assert during.status_code == 503 and during.json()["error"] == "not_handled"
    processes.start("actions")
    after = session.send("swimming on Saturdays", "during-outage")  # the tablet's retry, same id
    assert after.status_code == 200 and after.json()[-1]["text"] == before[-1]["text"]  # the same prompt again
    session.sent.append("swimming on Saturdays")
    session.answer("my cat")
    record("action server killed and restarted", [session])


def test_the_rasa_server_dies_mid_session_and_it_resumes_at_the_same_prompt(processes):
    session = Session(processes)
    before = session.answer("the park")
    processes.kill("rasa")
    with pytest.raises(requests.ConnectionError):
        session.send("my friend Jo", "while-rasa-is-down")
    processes.start("rasa")
    after = session.send("my friend Jo", "while-rasa-is-down")
    assert after.status_code == 200 and after.json()[-1]["text"] == before[-1]["text"]
    session.sent.append("my friend Jo")
    session.answer("ice cream")
    record("Rasa server killed and restarted", [session])


def hold_database(processes, seconds):
    """Lock the database for writing, as a backup tool or a stuck process might."""
    path = processes.settings["DATABASE_URL"][len("sqlite:///"):]
    locked = threading.Event()

    def hold():
        connection = sqlite3.connect(path, timeout=30)
        connection.execute("BEGIN EXCLUSIVE")
        locked.set()
        time.sleep(seconds)
        connection.rollback()
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    locked.wait(10)
    return holder


def test_the_database_locked_for_a_while_loses_and_doubles_nothing(processes):
    session = Session(processes)
    session.answer("drawing")
    holder = hold_database(processes, 3)  # shorter than the writers' busy timeout: they wait
    session.answer("football")
    holder.join()
    holder = hold_database(processes, 14)  # longer: the message is refused, then sent again
    refused = session.send("baking cakes", "while-locked")
    assert refused.status_code in (500, 503), refused.text
    holder.join()
    retried = session.send("baking cakes", "while-locked")
    assert retried.status_code == 200, retried.text
    session.sent.append("baking cakes")
    session.answer("my nan's garden")
    record("database locked for 3 s, then 14 s", [session])


BAD_INPUT = [
    "", "   ", "\t\n", "x" * 100_000, "a NUL \x00 inside", "a bell \x07 and an escape \x1b[31m",
    "half an emoji \ud83d", "مرحبا، أريد أن أبقى", "e\u0301 n\u0303 combining", "👩🏽\u200d🚒 🏳️\u200d🌈 👨\u200d👩\u200d👧",
    "/restart", "/stop", '{"intent": "stop", "entities": []}', "<img src=x onerror=alert(1)>",
    "'); DROP TABLE answers; --", '=HYPERLINK("http://example.com","click")', "+SUM(1,2)",
    # shapes that made the old typed-control check backtrack for hours, freezing the Rasa server (issue 16)
    "Stop" + "!" * 10_000 + " :(", "stop" + " -" * 5_000, "'" * 10_000, "a" + ",a" * 5_000 + "!",
    ("!?.,;:-'\"()[]{}<>/\\|@#~ \u2019\u00a0*&^%$" * 1_000)[:20_000],
]


def test_bad_input_is_stored_exactly_or_refused_clearly_and_touches_no_other_session(processes):
    session, bystander = Session(processes), Session(processes, name="Bo")
    bystander.answer("my own answer")
    for text in BAD_INPUT:
        reply = session.send(text)
        if reply.status_code == 200:
            session.sent.append(text)
        else:
            assert reply.status_code == 400 and reply.json()["error"] and reply.json()["message"], (text[:40], reply.text)
    raw = b'{"sender": "%s", "message_id": "raw-1", "message": "\xff\xfe not UTF-8"}' % session.chat.sender.encode()
    refused = requests.post(processes.webhook, data=raw, headers={"Content-Type": "application/json",
                            **processes.channel_headers}, timeout=60)
    assert refused.status_code == 400 and refused.json()["error"] == "bad_request"
    for name in Processes.HEALTH:  # nothing crashed
        assert requests.get(Processes.HEALTH[name].format(**processes.settings), timeout=10).status_code == 200
    assert len(session.sent) >= len(BAD_INPUT) - 4  # only the empty, blank and too long are refused
    record("bad input (empty, 100 KB, control characters, surrogates, RTL, emoji, commands, HTML, SQL, formulas, "
           "shapes that backtrack)",
           [session, bystander])


def test_many_sessions_at_once_each_answer_stored_once_in_order(processes):
    sessions = [Session(processes, name=f"Child {n}") for n in range(SESSIONS)]

    def run(session):
        for number in range(ANSWERS):
            session.answer(f"{session.chat.sender[:8]} answer {number} 🌟")

    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        list(pool.map(run, sessions))
    record(f"{SESSIONS} sessions at once, {ANSWERS} answers each", sessions)


def write_report():
    write_section("One machine: one Rasa server on SQLite", "tests/test_faults.py, on loopback", RESULTS)
