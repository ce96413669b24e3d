"""Waits until the action server, the Rasa server and the web app answer, then says what to open.

Run as the `ready` process of the Procfile: it stays up (honcho stops everything when any process
ends) and only prints."""
from __future__ import annotations

import os
import signal
import time

import requests

from bot.config import Settings


def wait_until_ready(settings: Settings, timeout: float = 600.0) -> bool:
    checks = [
        f"http://127.0.0.1:{settings.action_port}/health",
        *(webhook[: -len("webhook")] for webhook in settings.webhook_urls),  # every Rasa server's channel
        settings.web_url + "healthz",
    ]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(_answers(url) for url in checks):
            return True
        time.sleep(1)
    return False


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _command_prefix() -> str:
    """How a command in another terminal reaches these servers' database: `make run-scaled` keeps
    its settings (PostgreSQL's port, among them) in an env file of its own, not .env."""
    env_file = os.environ.get("OWN_WORDS_ENV_FILE", "")
    return f".venv/bin/honcho run -e {env_file} " if env_file else ""


def announce_and_wait(settings: Settings) -> int:
    if not wait_until_ready(settings):
        print("Own Words did not start: see the actions and rasa lines above.", flush=True)
        return 1
    print(
        "\nOwn Words is ready.\n"
        f"  Open {settings.web_url} in a browser and log in.\n"
        f"  No account yet? In another terminal: {_command_prefix()}.venv/bin/python -m bot users add NAME --role fca\n"
        f"  (Scripts and tests: the tablet channel is POST {settings.webhook_urls[0]}, on this machine only,\n"
        "   with the header Authorization: Bearer <CHANNEL_TOKEN from .env>.)\n"
        "  Press Ctrl-C to stop.\n",
        flush=True,
    )
    signal.pause()
    return 0
