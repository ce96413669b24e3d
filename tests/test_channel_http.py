"""The tablet channel through the real servers (issue 16): only the web app, with CHANNEL_TOKEN, may
post, and a refused post leaves nothing anywhere; a payload carries only a button's intent; and
typed shapes that made the old control check backtrack for hours are answered and kept once."""
from __future__ import annotations

import subprocess
import sys
import time
import uuid

import pytest
import requests

from bot.pack.model import model_path
from bot.store.tracker_events import last_event_id
from tests.servers import ROOT, Chat, free_port, port_is_open

pytestmark = pytest.mark.servers

TIMEOUT = 60  # a liveness check: the old check would take hours on these (never a timing target)
HOSTILE = [
    "Stop" + "!" * 10_000 + " :(",
    "stop" + " -" * 5_000,
    "'" * 10_000,
    "a" + ",a" * 5_000 + "!",
    ("!?.,;:-'\"()[]{}<>/\\|@#~ \u2019\u00a0*&^%$" * 1_000)[:20_000],
]
DOCUMENTED = ["/start", "/help", "/repeat", "/skip", "/dont_know", "/take_break", "/talk_to_practitioner",
              "/affirm", "/deny", '/choose{"choice":"good"}', "/stop", "/deny"]


@pytest.fixture(scope="module")
def servers(shared_servers):
    return shared_servers


def new_session(servers, plan="three_houses") -> Chat:
    return Chat(servers, servers.cli(
        "session", "new", "--case", f"CHAN-{uuid.uuid4().hex[:8]}", "--child-name", "Ash", "--age", "10",
        "--language", "en", "--practitioner", "Alex", "--plan", plan, "--child-chooses", "no",
    ).strip())


def nothing_kept(servers, session_id):
    assert servers.store().transcript(session_id) == []
    assert last_event_id(servers.settings["TRACKER_DB"], session_id) == 0


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer not-the-token"},
    {"Authorization": "Bearer "},
    "token only",  # the secret without "Bearer "
    "longer",  # the secret with one more character
    "other header",  # the right secret, in a header of its own
], ids=["none", "wrong", "empty", "no scheme", "longer", "other header"])
def test_a_post_without_the_secret_is_refused_and_nothing_is_kept(servers, headers):
    chat = new_session(servers)
    token = servers.settings["CHANNEL_TOKEN"]
    headers = {"token only": {"Authorization": token}, "longer": {"Authorization": f"Bearer {token}x"},
               "other header": {"X-Channel-Token": f"Bearer {token}", "X-Authorization": f"Bearer {token}"},
               }.get(headers, headers) if isinstance(headers, str) else headers
    for body in ({"payload": "/start"}, {"message": "my words", "message_id": "m-1"}):
        reply = requests.post(servers.webhook, json={"sender": chat.sender, **body}, headers=headers, timeout=TIMEOUT)
        assert reply.status_code == 401, reply.text
        assert reply.json()["error"] == "not_allowed" and reply.json()["message"]
    nothing_kept(servers, chat.sender)
    refused = "tablet channel: a message refused (no or wrong CHANNEL_TOKEN)"
    log = servers.log(refused)
    assert refused in log
    assert token not in log
    assert chat.tap("/start")  # with the secret, the same session is answered


def test_a_bad_body_without_the_secret_is_refused_before_it_is_read(servers):
    reply = requests.post(servers.webhook, data=b"\xff not JSON", headers={"Content-Type": "application/json"},
                          timeout=TIMEOUT)
    assert reply.status_code == 401 and reply.json()["error"] == "not_allowed"


@pytest.mark.parametrize("payload", ["/disclosure", "/inform", "/restart", "/session_start", "/back",
                                     '/disclosure{"concern":"m1"}', "/skip\n", "/nlu_fallback", "/out_of_scope"])
def test_a_payload_that_is_no_buttons_is_refused(servers, payload):
    chat = new_session(servers)
    reply = chat.post(payload=payload)
    assert reply.status_code == 400 and reply.json()["error"] == "bad_payload", reply.text
    nothing_kept(servers, chat.sender)


def test_every_documented_payload_is_accepted(servers):
    chat = new_session(servers, "three_houses")
    for payload in DOCUMENTED:
        reply = chat.post(payload=payload)
        assert reply.status_code == 200, (payload, reply.text)
    assert [t.payload for t in servers.store().transcript(chat.sender) if t.payload] == DOCUMENTED


def test_a_message_id_with_a_final_line_break_is_refused(servers):
    chat = new_session(servers)
    reply = chat.post(payload="/start", message_id="abc\n")
    assert reply.status_code == 400 and reply.json()["error"] == "bad_message_id"
    nothing_kept(servers, chat.sender)


def test_shapes_that_backtracked_for_hours_are_answered_and_kept_once(servers):
    chat = new_session(servers)
    chat.tap("/start")
    chat.tap('/choose{"choice":"good"}')  # "what else goes in it?" takes answer after answer
    for text in HOSTILE:
        reply = requests.post(servers.webhook, json={"sender": chat.sender, "message": text},
                              headers=servers.channel_headers, timeout=TIMEOUT)
        assert reply.status_code == 200, (text[:20], reply.text[:300])
    assert [a.text for a in servers.store().answers(chat.sender) if a.text is not None] == HOSTILE


def test_the_rasa_server_will_not_start_without_a_channel_token(servers, tmp_path):
    port = free_port()
    with (tmp_path / "rasa.log").open("wb") as log:
        rasa = subprocess.Popen(
            [sys.executable, "-m", "rasa", "run", "--interface", "127.0.0.1", "--port", str(port),
             "--model", str(model_path()), "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
            cwd=ROOT, env={**servers.env(), "CHANNEL_TOKEN": "", "RASA_PORT": str(port)}, stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 300
        while rasa.poll() is None and not port_is_open(port) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert rasa.poll() not in (None, 0), "the Rasa server started without CHANNEL_TOKEN"
    finally:
        if rasa.poll() is None:
            rasa.kill()
            rasa.wait()
    assert "CHANNEL_TOKEN is not set: run `make env`" in (tmp_path / "rasa.log").read_text(errors="replace")
