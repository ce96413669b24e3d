"""Talking to the Rasa servers' tablet channel, server-side, with the shared secret CHANNEL_TOKEN
that the channel requires of every message (bot/channel/auth.py).

With several Rasa servers (RASA_URLS), each message goes to the next server in turn, and to the one
after if a server does not answer: the channel handles a message id once whichever server gets it,
and one message of a session at a time across servers (bot/channel/session_lock.py). A practice
lives in the memory of the server that started it, so all its messages go to that one, chosen from
its id alone, the same in every web process."""
from __future__ import annotations

import hashlib
import itertools
import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

import requests

logger = logging.getLogger(__name__)


class AssistantUnavailable(RuntimeError):
    """Rasa (or the action server behind it) did not answer: the child's message may be resent
    with the same message id, and is handled once."""


@dataclass(frozen=True)
class Reply:
    status: int  # the channel's status: 200, or 400/403/409 with `error`
    body: Any


_turns = itertools.count()  # next() of it is atomic: the web app's threads share it


def servers_for(webhooks: Sequence[str], session_id: str, *, practice: bool) -> Tuple[str, ...]:
    """The servers to try for one message, in order."""
    if practice:
        pinned = int.from_bytes(hashlib.sha256(session_id.encode("utf-8")).digest()[:8], "big") % len(webhooks)
        return (webhooks[pinned],)
    first = next(_turns) % len(webhooks)
    return tuple(webhooks[first:]) + tuple(webhooks[:first])


def send(webhooks: Sequence[str], sender: str, *, message: Optional[str], payload: Optional[str], message_id: str,
         token: str, scribed_by: Optional[str] = None, drawing: Optional[str] = None) -> Reply:
    """`webhooks`: the servers to try, in order (servers_for); `token`: CHANNEL_TOKEN, the secret the
    channel asks of every message; `scribed_by`: the practitioner who typed the child's words for
    them; `drawing`: the id of a drawing kept (bot/store/drawings.py)."""
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
    failure = AssistantUnavailable("no Rasa server")
    for webhook in webhooks:
        try:
            return _post(webhook, body, token)
        except AssistantUnavailable as error:  # the same message id to the next server: handled once
            if len(webhooks) > 1:
                logger.warning("a Rasa server did not answer (%s): trying the next", error)
            failure = error
    raise failure


def _post(webhook: str, body: Dict[str, Any], token: str) -> Reply:
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
