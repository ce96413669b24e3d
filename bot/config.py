"""Settings, read once from the environment and the project's .env file (see .env.example)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Tuple

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(RuntimeError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_key: str
    rasa_port: int
    action_port: int
    report_time_zone: str
    web_secret_key: str = ""
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    web_idle_minutes: int = 30
    web_cookie_secure: bool = True
    tracker_db: str = str(PROJECT_ROOT / "var" / "rasa_tracker.db")  # Rasa's tracker store: a SQLite file or a URL
    previous_data_keys: Tuple[str, ...] = ()  # still readable, during `python -m bot keys rotate`
    retention_days: int = 90  # days a closed case is kept before `python -m bot purge` erases it
    channel_token: str = ""  # the web app's secret for the tablet channel (bot/channel/auth.py)
    api_token_days: int = 30  # days an API token works (`python -m bot users token NAME`)
    web_trusted_proxies: int = 0  # HTTPS proxies in front of the web app, trusted to give the client's address
    chain_key: str = ""  # the record's chain (bot/store/chain.py); required, like the data key
    rasa_urls: Tuple[str, ...] = ()  # the Rasa servers the web app sends to (RASA_URLS); none: this machine's

    @property
    def web_url(self) -> str:
        host = "127.0.0.1" if self.web_host in ("0.0.0.0", "::") else self.web_host
        return f"http://{host}:{self.web_port}/"

    @property
    def webhook_urls(self) -> Tuple[str, ...]:
        """The tablet channel of every Rasa server, in the order RASA_URLS lists them."""
        bases = self.rasa_urls or (f"http://127.0.0.1:{self.rasa_port}",)
        return tuple(f"{base}/webhooks/tablet/webhook" for base in bases)


def _port(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default))
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a port number, not {raw!r}") from None


def _absolute_sqlite(url: str) -> str:
    # A relative SQLite path means "relative to the project", whatever directory a process runs in.
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != prefix + ":memory:":
        return prefix + str(PROJECT_ROOT / url[len(prefix):])
    return url


def load_settings() -> Settings:
    """Settings from the environment; values already in the environment win over .env."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    key = os.environ.get("OWN_WORDS_DATA_KEY", "").strip()
    if not key:
        raise SettingsError(
            "OWN_WORDS_DATA_KEY is not set. Run `make env` to create .env with a fresh key, "
            "or set it in the environment."
        )
    chain_key = os.environ.get("OWN_WORDS_CHAIN_KEY", "").strip()
    if not chain_key:
        raise SettingsError(
            "OWN_WORDS_CHAIN_KEY is not set. Run `make env` to add a fresh one to .env, "
            "or set it in the environment."
        )
    database_url = _absolute_sqlite(os.environ.get("DATABASE_URL", "sqlite:///var/own_words.db"))
    return Settings(
        database_url=database_url,
        data_key=key,
        chain_key=chain_key,
        rasa_port=_port("RASA_PORT", 5005),
        action_port=_port("ACTION_PORT", 5055),
        report_time_zone=os.environ.get("REPORT_TIME_ZONE", "Europe/London"),
        web_secret_key=os.environ.get("WEB_SECRET_KEY", "").strip(),
        web_host=os.environ.get("WEB_HOST", "127.0.0.1"),
        web_port=_port("WEB_PORT", 8000),
        web_idle_minutes=_positive("WEB_IDLE_MINUTES", 30),
        retention_days=_positive("RETENTION_DAYS", 90),
        api_token_days=_positive("API_TOKEN_DAYS", 30),
        web_trusted_proxies=_count("WEB_TRUSTED_PROXIES"),
        web_cookie_secure=os.environ.get("WEB_COOKIE_SECURE", "true").strip().lower() not in ("false", "0", "no"),
        tracker_db=_tracker_db(os.environ.get("TRACKER_DB", "var/rasa_tracker.db").strip(), database_url),
        channel_token=os.environ.get("CHANNEL_TOKEN", "").strip(),
        rasa_urls=_urls("RASA_URLS"),
        previous_data_keys=tuple(k.strip() for k in os.environ.get("OWN_WORDS_PREVIOUS_DATA_KEYS", "").split(",") if k.strip()),
    )


def _tracker_db(value: str, database_url: str) -> str:
    """A SQLite file (relative to the project folder) or a database URL (postgresql+psycopg2://...);
    empty: DATABASE_URL's database where that is PostgreSQL (one URL for both), else var/'s file."""
    if not value:
        return database_url if not database_url.startswith("sqlite") else str(PROJECT_ROOT / "var" / "rasa_tracker.db")
    return value if "://" in value else str(PROJECT_ROOT / value)


def _urls(name: str) -> Tuple[str, ...]:
    """A comma-separated list of http(s) base URLs, each without a trailing slash."""
    urls = tuple(u.strip().rstrip("/") for u in os.environ.get(name, "").split(",") if u.strip())
    for url in urls:
        if not url.startswith(("http://", "https://")) or len(url) > 200:
            raise SettingsError(f"{name} must list base URLs such as http://rasa-0:5005, separated by commas, not {url!r}")
    return urls


def _count(name: str) -> int:
    raw = os.environ.get(name, "0")
    if not raw.strip().isdigit():
        raise SettingsError(f"{name} must be a whole number (0 or more), not {raw!r}")
    return int(raw)


def _positive(name: str, default: int) -> int:
    raw = os.environ.get(name, str(default))
    if not raw.strip().isdigit() or int(raw) < 1:
        raise SettingsError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)
