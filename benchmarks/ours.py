"""Own Words as `make run` starts it (honcho and the Procfile), from a copy of the project (whose
wording the benchmark changes), with a database, key and free loopback ports of its own, and its
chats: straight to the Rasa server's tablet channel, or through the web app's API as the tablet
page sends them."""
from __future__ import annotations

import secrets
import time
import uuid
from pathlib import Path
from typing import Dict

import requests

from benchmarks.processes import peaks_by_name
from bot.dialogue.sessions import start_session
from bot.pack.prompt_pack import PromptPack
from bot.store.accounts import Accounts
from bot.store.repository import Store
from tests.servers import launch, prepare, project_copy

USER = "bench"
PROCESSES = {"Rasa server": "rasa run", "action server": "rasa_sdk", "web app": "bot web"}
# The three houses ("good" first): its "What else goes in ...?" takes answer after answer.
PLAN, OPENING = ["three_houses"], ("/start", '/choose{"choice":"good"}')
# The introduction a 10-year-old is shown first, and the same said another way.
INTRODUCTION = ("Hi! I'm a computer helper, not a person.", "Hiya! I'm a computer helper, and not a person.")


class NotAnswered(RuntimeError):
    pass


class RasaChat:
    """A child's session, straight to the Rasa server's tablet channel (with the web app's CHANNEL_TOKEN)."""

    def __init__(self, webhook: str, session_id: str, channel_token: str = ""):
        self.webhook, self.session_id, self.http = webhook, session_id, requests.Session()
        if channel_token:  # the secret the web app sends the channel (bot/channel/auth.py)
            self.http.headers["Authorization"] = f"Bearer {channel_token}"

    def post(self, **body) -> list:
        reply = self.http.post(self.webhook, json={"sender": self.session_id, "message_id": uuid.uuid4().hex, **body},
                               timeout=120)
        if reply.status_code != 200:
            raise NotAnswered(f"{reply.status_code}: {reply.text[:300]}")
        return reply.json()

    def open(self) -> "RasaChat":
        for payload in OPENING:
            self.post(payload=payload)
        return self

    def turn(self, number: int) -> None:
        self.post(message=f"answer {number}: my room, my cat 🐈")


class WebChat(RasaChat):
    """The same, through the web app's API with a practitioner's token."""

    def __init__(self, web_url: str, token: str, session_id: str):
        super().__init__(f"{web_url}/api/sessions/{session_id}/messages", session_id)
        self.http.headers["Authorization"] = f"Bearer {token}"

    def post(self, **body) -> list:
        reply = self.http.post(self.webhook, json={"message_id": uuid.uuid4().hex, **body}, timeout=120)
        if reply.status_code != 200:
            raise NotAnswered(f"{reply.status_code}: {reply.text[:300]}")
        return reply.json()["messages"]


class Ours:
    def __init__(self, home: Path):
        self.root = project_copy(home, models=True)
        settings, env_file = prepare(home)
        self.store = Store(settings["DATABASE_URL"], settings["OWN_WORDS_DATA_KEY"],
                           chain_key=settings["OWN_WORDS_CHAIN_KEY"])
        Accounts(self.store).add(USER, secrets.token_urlsafe(), "fca", "Alex Bench")
        self.token, _ = Accounts(self.store).new_token(USER, days=1)
        self.pack = PromptPack.load()
        self.started = time.perf_counter()
        self.servers = launch(home, settings, env_file, self.root)

    def first_reply(self, timeout: float = 300) -> float:
        """Seconds from starting the processes to the first reply through the web app."""
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            if self.servers.process.poll() is not None:
                raise RuntimeError(f"Own Words stopped while starting:\n{self.servers.log()[-3000:]}")
            try:
                session_id = self._web_session()
                WebChat(self.servers.web_url, self.token, session_id).post(payload=OPENING[0])
                return time.perf_counter() - self.started
            except (requests.ConnectionError, NotAnswered):
                time.sleep(0.1)
        raise RuntimeError(f"no reply within {timeout} s:\n{self.servers.log()[-3000:]}")

    def _web_session(self) -> str:
        body = {"case_reference": f"BENCH-{uuid.uuid4().hex[:8]}", "child_name": "Ash", "age": 10,
                "language": "en", "plan": PLAN, "child_chooses": False}
        reply = requests.post(f"{self.servers.web_url}/api/sessions", json=body,
                              headers={"Authorization": f"Bearer {self.token}"}, timeout=60)
        if reply.status_code != 201:
            raise NotAnswered(f"{reply.status_code}: {reply.text[:300]}")
        return reply.json()["id"]

    def web_chat(self, _number: int = 0) -> WebChat:
        return WebChat(self.servers.web_url, self.token, self._web_session()).open()

    def rasa_chat(self, _number: int = 0) -> RasaChat:
        return self._new_rasa_chat().open()

    def _new_rasa_chat(self) -> RasaChat:
        session = start_session(self.store, self.pack, case_reference=f"BENCH-{uuid.uuid4().hex[:8]}",
                                child_name="Ash", age=10, language="en", practitioner="Alex Bench", plan=PLAN,
                                child_chooses=False)
        return RasaChat(self.servers.webhook, session.id, self.servers.settings["CHANNEL_TOKEN"])

    def wording_live(self, timeout: float = 60) -> float:
        """Seconds from saving a change of wording in domain.yml to a new session being shown it."""
        domain = self.root / "domain.yml"
        text = domain.read_text(encoding="utf-8")
        if INTRODUCTION[0] not in text:
            raise RuntimeError(f"domain.yml has no {INTRODUCTION[0]!r} any more: update benchmarks/ours.py")
        domain.write_text(text.replace(INTRODUCTION[0], INTRODUCTION[1], 1), encoding="utf-8")
        saved = time.perf_counter()
        while time.perf_counter() - saved < timeout:
            replies = self._new_rasa_chat().post(payload=OPENING[0])
            if any(INTRODUCTION[1] in (reply.get("text") or "") for reply in replies):
                return time.perf_counter() - saved
        raise RuntimeError(f"the new wording was not shown within {timeout} s:\n{self.servers.log()[-3000:]}")

    def peak_memory(self) -> Dict[str, int]:
        return peaks_by_name(self.servers.process.pid, PROCESSES)

    def stop(self) -> None:
        self.servers.stop()
        self.store.close()
