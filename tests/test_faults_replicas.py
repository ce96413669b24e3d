"""The fault suite across replicas (issue 22): two Rasa servers, each with an action server of its own,
sharing a private PostgreSQL (our tables and Rasa's tracker store) and Redis (Rasa's lock store), as
`make run-scaled` starts them (Procfile.scaled). Each session's messages alternate between the two
servers, sent by the web app's own client (bot/web/assistant.py: the next server if one does not
answer), and again with the same message id while neither answers, as the tablet does. Things break
on purpose: a Rasa server SIGKILLed mid-run and restarted, Redis restarted, PostgreSQL restarted,
and the same message sent to both servers at once. Every answer must be stored exactly once, in
order, under its own session; the table goes into docs/reliability.md beside the one machine's."""
from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.dialogue.sessions import start_session
from bot.pack.prompt_pack import PromptPack
from bot.web import assistant
from tests import reliability
from tests.reliability import write_section
from tests.replicas import Replicas
from tests.servers import ROOT

pytestmark = pytest.mark.postgres

RESULTS = []  # (scenario, sent, stored, lost, doubled)
RETRY_FOR = 180  # seconds a message is sent again while no server answers, as the tablet retries


@pytest.fixture(scope="module")
def replicas(tmp_path_factory, postgres):
    replicas = Replicas(tmp_path_factory.mktemp("replicas"), postgres)
    yield replicas
    replicas.stop()
    write_section("Two Rasa servers on PostgreSQL and Redis", "tests/test_faults_replicas.py, two Rasa servers and "
                  "two action servers on one machine, on loopback", RESULTS)


class Session:
    """A child's session in the three houses, whose 'what else?' question takes answer after answer."""

    def __init__(self, replicas, store, number):
        self.replicas, self.store = replicas, store
        self.id = start_session(store, PromptPack.load(ROOT), case_reference=f"REPLICA-{uuid.uuid4().hex[:8]}",
                                child_name=f"Child {number}", age=10, language="en", practitioner="Alex",
                                plan=["three_houses"], child_chooses=False).id
        self.sent, self.turn, self.sent_again = [], 0, 0
        self.send(payload="/start")
        self.send(payload='/choose{"choice":"good"}')

    def send(self, message=None, payload=None, message_id=None, first=None):
        """One message, to the servers in turn (this session's messages alternate between them), the
        next if one does not answer, and again, with the same id, while none does."""
        message_id = message_id or uuid.uuid4().hex
        webhooks = self.replicas.webhooks
        first = self.turn % len(webhooks) if first is None else first
        self.turn += 1
        order = webhooks[first:] + webhooks[:first]
        deadline = time.monotonic() + RETRY_FOR
        while True:
            try:
                reply = assistant.send(order, self.id, message=message, payload=payload, message_id=message_id,
                                       token=self.replicas.settings["CHANNEL_TOKEN"])
                assert reply.status == 200, reply.body
                return reply.body
            except assistant.AssistantUnavailable:
                assert time.monotonic() < deadline, f"no server answered for {RETRY_FOR} s"
                self.sent_again += 1
                time.sleep(0.5)

    def answer(self, words):
        self.send(message=words)
        self.sent.append(words)

    def stored(self):
        return [a.text for a in self.store.answers(self.id) if a.text is not None]


def record(scenario, sessions):
    again = sum(s.sent_again for s in sessions)  # shows the fault was felt: neither server answered these at first
    reliability.record(RESULTS, f"{scenario} ({again} sent again while neither server answered)", sessions)


def run_sessions(replicas, count, answers, fault=None, fault_after=0.3):
    """`count` sessions at once, `answers` each; `fault()` is called once a share `fault_after` of
    all the answers are in (the sessions go on meanwhile)."""
    store = replicas.store()
    sessions = [Session(replicas, store, n) for n in range(count)]
    done, fault_due = [0], threading.Event()

    def run(session):
        for number in range(answers):
            session.answer(f"{session.id[:8]} answer {number} 🌟")
            done[0] += 1
            if done[0] >= count * answers * fault_after:
                fault_due.set()

    with ThreadPoolExecutor(max_workers=count) as pool:
        running = [pool.submit(run, s) for s in sessions]
        if fault is not None:
            fault_due.wait(600)
            fault()
        for future in running:
            future.result()
    return sessions


def test_sessions_alternating_between_servers_while_one_is_killed_and_restarted(replicas):
    def kill_and_restart():
        replicas.kill("rasa-2")  # mid-turn for some: their messages go to rasa-1, with the same ids
        time.sleep(2)
        replicas.start("rasa-2")

    sessions = run_sessions(replicas, 40, 20, kill_and_restart)
    record("40 sessions, 20 answers each, alternating between 2 Rasa servers; one SIGKILLed and restarted", sessions)


def test_redis_restarted_mid_run(replicas):
    def restart_redis():
        replicas.redis.stop()
        time.sleep(2)
        replicas.redis.start()  # the same port: the servers' Redis clients connect again

    sessions = run_sessions(replicas, 10, 10, restart_redis)
    record("Redis (Rasa's lock store) restarted, 10 sessions of 10 answers", sessions)


def test_postgresql_restarted_mid_run(replicas, postgres):
    def restart_postgresql():
        postgres.halt()
        time.sleep(2)
        postgres.start()

    sessions = run_sessions(replicas, 10, 10, restart_postgresql)
    record("PostgreSQL restarted, 10 sessions of 10 answers", sessions)


def test_the_same_message_sent_to_both_servers_at_once(replicas):
    store = replicas.store()
    sessions = [Session(replicas, store, n) for n in range(10)]

    def both_at_once(session):
        message_id, words = uuid.uuid4().hex, f"{session.id[:8]} sent twice"
        with ThreadPoolExecutor(max_workers=2) as pool:
            replies = list(pool.map(lambda first: session.send(message=words, message_id=message_id, first=first), (0, 1)))
        assert replies[0] == replies[1]  # one handled it, the other waited and sent the same answer again
        session.sent.append(words)
        session.answer(f"{session.id[:8]} and then this")

    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(both_at_once, sessions))
    record("the same message sent to both servers at once, 10 sessions", sessions)
