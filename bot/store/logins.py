"""Log-ins kept on the server, so that logging out ends one for good.

The browser's signed cookie holds only a random id (Flask-Login's user id); its SHA-256 is kept
here, with the user and, for child mode, the one session the tablet may chat in. A copied cookie
stops working the moment its log-in ends: at log-out, when the practitioner hands the tablet to
the child (their own log-in on it ends), or when child mode ends. In child mode the practitioner's
panel is closed until they type their password again: `unlocked_until` says until when it is open."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import select, update

from bot.store import models
from bot.store.accounts import UserInfo, _info
from bot.store.repository import Store, _utc, utcnow


@dataclass(frozen=True)
class LoginInfo:
    token: str
    user: UserInfo
    session_id: Optional[str]  # child mode: the only session this log-in may use
    unlocked_until: Optional[datetime]

    @property
    def child_mode(self) -> bool:
        return self.session_id is not None

    @property
    def unlocked(self) -> bool:
        return self.unlocked_until is not None and self.unlocked_until > utcnow()


class Logins:
    def __init__(self, store: Store):
        self._sessions = store.sessionmaker

    def start(self, user_id: int, session_id: Optional[str] = None) -> str:
        """A new log-in for the user (in child mode for `session_id`); the id for the cookie."""
        token = secrets.token_urlsafe(32)
        with self._sessions.begin() as db:
            db.add(models.Login(token_hash=_digest(token), user_id=user_id, session_id=session_id,
                                created_at=utcnow()))
        return token

    def find(self, token: str) -> Optional[LoginInfo]:
        """The log-in, if it has not ended."""
        with self._sessions() as db:
            row = db.execute(
                select(models.Login, models.User).join(models.User, models.User.id == models.Login.user_id)
                .where(models.Login.token_hash == _digest(token), models.Login.ended_at.is_(None))
            ).one_or_none()
            if row is None:
                return None
            login, user = row
            return LoginInfo(token, _info(user), login.session_id, _utc(login.unlocked_until))

    def end(self, token: str) -> None:
        self._set(token, ended_at=utcnow())

    def unlock(self, token: str, minutes: int) -> datetime:
        until = utcnow() + timedelta(minutes=minutes)
        self._set(token, unlocked_until=until)
        return until

    def lock(self, token: str) -> None:
        self._set(token, unlocked_until=None)

    def _set(self, token: str, **values) -> None:
        with self._sessions.begin() as db:
            db.execute(update(models.Login).where(models.Login.token_hash == _digest(token)).values(**values))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
