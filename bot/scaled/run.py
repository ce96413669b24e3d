"""`make run-scaled`: PostgreSQL and Redis of this site's own in var/scaled/ (kept between runs, on
free ports), migrated, then honcho runs Procfile.scaled (two Rasa servers, two action servers, the
web app) with .env's settings and these: one database for our tables and Rasa's tracker store,
Redis for Rasa's lock store, and the web app's list of both Rasa servers. Ctrl-C stops everything,
PostgreSQL and Redis last."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Dict

from dotenv import dotenv_values

from bot import private_files
from bot.config import PROJECT_ROOT
from bot.scaled.ports import free_port
from bot.scaled.postgres import PrivatePostgres
from bot.scaled.redis import PrivateRedis
from bot.store.db import migrate

FOLDER = PROJECT_ROOT / "var" / "scaled"
DATABASE = "own_words"


def scaled_settings(database_url: str, lock_store_url: str) -> Dict[str, str]:
    """The settings that differ from one machine's: each server's port, and what they share."""
    ports = {name: str(free_port()) for name in ("RASA_PORT_1", "RASA_PORT_2", "ACTION_PORT_1", "ACTION_PORT_2")}
    return {
        **ports,
        "RASA_PORT": ports["RASA_PORT_1"], "ACTION_PORT": ports["ACTION_PORT_1"],  # what `wait-ready` checks first
        "DATABASE_URL": database_url, "TRACKER_DB": "", "LOCK_STORE_URL": lock_store_url,  # one URL for both
        "RASA_URLS": ",".join(f"http://127.0.0.1:{ports[name]}" for name in ("RASA_PORT_1", "RASA_PORT_2")),
    }


def write_env(path: Path, settings: Dict[str, str]) -> None:
    lines = [f"{name}={value}" for name, value in settings.items() if value is not None and "\n" not in value]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")  # 0600: it holds the keys (private_files)


def _run_honcho(env_file: Path) -> int:
    """honcho until it ends. It has a process group of its own, so Ctrl-C (or SIGTERM) reaches this
    process alone, which passes it on once, as one Ctrl-C: honcho then stops all its processes."""
    honcho = Path(sys.executable).parent / "honcho"
    process = subprocess.Popen([str(honcho), "start", "-f", "Procfile.scaled", "-e", str(env_file)], cwd=PROJECT_ROOT,
                               env={**os.environ, "PATH": f"{honcho.parent}{os.pathsep}{os.environ['PATH']}"},
                               start_new_session=True)

    def stop(*_) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    return process.wait()


def main() -> int:
    private_files.restrict()
    FOLDER.mkdir(parents=True, exist_ok=True)
    site = dotenv_values(PROJECT_ROOT / ".env")
    postgres = PrivatePostgres(FOLDER / "postgres", durable=True)
    redis = PrivateRedis(FOLDER / "redis")
    try:
        database_url = postgres.database(DATABASE)
        migrate(database_url, data_key=site.get("OWN_WORDS_DATA_KEY"))
        env_file = FOLDER / "scaled.env"
        write_env(env_file, {**site, **scaled_settings(database_url, redis.url),
                             "OWN_WORDS_ENV_FILE": str(env_file.relative_to(PROJECT_ROOT))})  # for ready.py's hint
        print(f"PostgreSQL on 127.0.0.1:{postgres.port} (data in {postgres.folder}), Redis on 127.0.0.1:{redis.port}",
              flush=True)
        return _run_honcho(env_file)
    finally:
        redis.stop()
        postgres.stop()
