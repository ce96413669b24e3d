"""Two Rasa servers on PostgreSQL and Redis, as `make run-scaled` runs them (tests/replicas.py), for
the row beside one Rasa server on SQLite. On one machine both servers share its CPUs, so the point is
the ratio: what the shared database, the lock across servers and Redis cost, not a second machine's
worth of throughput."""
from __future__ import annotations

import itertools
import uuid
from pathlib import Path

from benchmarks.ours import PLAN, RasaChat
from bot.dialogue.sessions import start_session
from bot.pack.prompt_pack import PromptPack
from bot.scaled.postgres import PrivatePostgres
from tests.replicas import Replicas


class AlternatingChat(RasaChat):
    """A session whose messages go to each server in turn, as the web app sends them (RASA_URLS)."""

    def __init__(self, webhooks, session_id: str, channel_token: str):
        super().__init__(webhooks[0], session_id, channel_token)
        self.webhooks = itertools.cycle(webhooks)

    def post(self, **body) -> list:
        self.webhook = next(self.webhooks)
        return super().post(**body)


class Scaled:
    def __init__(self, home: Path):
        self.postgres = PrivatePostgres()
        try:
            self.replicas = Replicas(home, self.postgres)
        except BaseException:
            self.postgres.stop()
            raise
        self.store, self.pack = self.replicas.store(), PromptPack.load()

    def chat(self, _number: int = 0) -> AlternatingChat:
        session = start_session(self.store, self.pack, case_reference=f"BENCH-{uuid.uuid4().hex[:8]}",
                                child_name="Ash", age=10, language="en", practitioner="Alex Bench", plan=PLAN,
                                child_chooses=False)
        return AlternatingChat(self.replicas.webhooks, session.id, self.replicas.settings["CHANNEL_TOKEN"]).open()

    def stop(self) -> None:
        try:
            self.replicas.stop()
            self.store.close()
        finally:
            self.postgres.stop()
