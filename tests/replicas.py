"""Procfile.scaled's servers, as `make run-scaled` starts them: two Rasa servers, each with an action
server of its own, on a private PostgreSQL (our tables and Rasa's tracker store in one database, named once) and
Redis (Rasa's lock store), each process started on its own so that a test can kill one. No web app:
the fault suite and the benchmark send as it does (bot/web/assistant.py)."""
from __future__ import annotations

from bot.scaled.redis import PrivateRedis
from tests.servers import Processes, free_port

SERVERS = ("1", "2")


class Replicas(Processes):
    """Started on creation, the four at once; stop() stops Redis too (PostgreSQL is the caller's)."""

    PROCFILE = "Procfile.scaled"
    HEALTH = {
        **{f"actions-{n}": f"http://127.0.0.1:{{ACTION_PORT_{n}}}/health" for n in SERVERS},
        **{f"rasa-{n}": f"http://127.0.0.1:{{RASA_PORT_{n}}}/webhooks/tablet/" for n in SERVERS},
    }

    def __init__(self, home, postgres):
        self.redis = PrivateRedis(home / "redis")
        database = postgres.new_database()
        ports = {f"{kind}_PORT_{n}": str(free_port()) for kind in ("RASA", "ACTION") for n in SERVERS}
        super().__init__(home, {**ports, "RASA_PORT": ports["RASA_PORT_1"], "ACTION_PORT": ports["ACTION_PORT_1"],
                                # TRACKER_DB empty: Rasa's tracker store in DATABASE_URL's database (one URL for both)
                                "DATABASE_URL": database, "TRACKER_DB": "", "LOCK_STORE_URL": self.redis.url})

    @property
    def webhooks(self):
        return tuple(f"http://127.0.0.1:{self.settings[f'RASA_PORT_{n}']}/webhooks/tablet/webhook" for n in SERVERS)

    def stop(self, timeout: float = 60):
        super().stop(timeout)
        self.redis.stop()
