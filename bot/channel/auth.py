"""The tablet channel answers only the web app: every message must carry the shared secret
CHANNEL_TOKEN as `Authorization: Bearer ...` (bot/web/assistant.py sends it). Only the health check
is open.

The Rasa server listens on 127.0.0.1 only, but any process on the machine could otherwise post
words into a child's session once it learnt the session id. The check is made before the body is
read, so a refused post leaves nothing anywhere."""
from __future__ import annotations

import hmac
import logging

from bot.config import Settings, SettingsError

logger = logging.getLogger(__name__)


def expected_header(settings: Settings) -> bytes:
    """The Authorization header a message must carry; the Rasa server does not start without it."""
    if not settings.channel_token:
        raise SettingsError("CHANNEL_TOKEN is not set: run `make env` to add a fresh one to .env")
    return f"Bearer {settings.channel_token}".encode()


def allowed(given: str, expected: bytes) -> bool:
    """Whether the Authorization header given is the expected one (compared in constant time)."""
    if hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected):
        return True
    logger.warning("tablet channel: a message refused (no or wrong CHANNEL_TOKEN)")
    return False
