"""The action server answers only the Rasa server: every call must carry the shared secret
ACTION_TOKEN (endpoints.yml sends it as `Authorization: Bearer ...`). Only the health check is open.

Without this, anything on the machine could call an action with a made-up tracker and write
answers into a child's session."""
from __future__ import annotations

import hmac
import logging
import os

from sanic import Sanic, response

from bot.config import SettingsError

OPEN_PATHS = ("/health",)
logger = logging.getLogger(__name__)


def require_token(app: Sanic) -> None:
    token = os.environ.get("ACTION_TOKEN", "").strip()
    if not token:
        raise SettingsError("ACTION_TOKEN is not set: run `make env` to add a fresh one to .env")
    expected = f"Bearer {token}".encode()

    @app.middleware("request")
    async def _only_our_rasa_server(request):
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            logger.warning("action server: a call to %s refused (no or wrong ACTION_TOKEN)", request.path)
            return response.json({"error": "unauthorised", "message": "this action server answers only Own Words' "
                                  "Rasa server"}, status=401)
        return None
