"""Talking to the Rasa server's tablet channel, server-side, on 127.0.0.1, with the shared secret
CHANNEL_TOKEN that the channel requires of every message (bot/channel/auth.py)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import requests

logger = logging.getLogger(__name__)


class AssistantUnavailable(RuntimeError):
    """Rasa (or the action server behind it) did not answer: the child's message may be resent
    with the same message id, and is handled once."""


@dataclass(frozen=True)
class Reply:
    status: int  # the channel's status: 200, or 400/403/409 with `error`
    body: Any


def send(webhook: str, sender: str, *, message: Optional[str], payload: Optional[str], message_id: str,
         token: str, scribed_by: Optional[str] = None, drawing: Optional[str] = None) -> Reply:
    """`token`: CHANNEL_TOKEN, the secret the channel asks of every message; `scribed_by`: the
    practitioner who typed the child's words for them; `drawing`: the id of a drawing kept (bot/store/drawings.py)."""
    if not token:
        logger.error("CHANNEL_TOKEN is not set for the web app: run `make env`, then start Own Words again")
        raise AssistantUnavailable("no CHANNEL_TOKEN")
    body: Dict[str, Any] = {"sender": sender, "message_id": message_id}
    if drawing is not None:
        body["drawing"] = drawing
    elif payload is not None:
        body["payload"] = payload
    else:
        body["message"] = message
        if scribed_by:
            body["scribed_by"] = scribed_by
    try:
        response = requests.post(webhook, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=90)
    except requests.RequestException as error:
        raise AssistantUnavailable(str(error.__class__.__name__)) from None
    if response.status_code == 401:  # the channel has another secret: nothing was stored
        logger.error("the Rasa server refused the web app's CHANNEL_TOKEN: both must be started with the same .env")
        raise AssistantUnavailable("CHANNEL_TOKEN refused")
    if response.status_code >= 500:
        raise AssistantUnavailable(f"status {response.status_code}")
    try:
        return Reply(response.status_code, response.json())
    except ValueError:
        raise AssistantUnavailable("not JSON") from None


def messages_of(reply: Reply) -> List[Dict[str, Any]]:
    return reply.body if isinstance(reply.body, list) else []
