"""Log-ins kept on the server, so that logging out ends one for good.

The browser's signed cookie holds only a random id (Flask-Login's user id); its SHA-256 is kept
here, with the user and, for child mode, the one session the tablet may chat in. A copied cookie
stops working the moment its log-in ends: at log-out, when the practitioner hands the tablet to
the child (their own log-in on it ends), or when child mode ends.

In child mode the practitioner's panel opens with a code they chose when handing the tablet over,
never with their password (the tablet's browser may have saved that, and would offer it to a
child). The code is kept as an Argon2 hash; `unlocked_until` says until when the panel is open. Wrong
codes count against this log-in alone, so a child tapping at the box can lock nobody out of their
account: after MAX_PIN_FAILURES the tablet is logged out and the practitioner logs in again."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, or_, select, update

from bot.store import models
from bot.store.accounts import UserInfo, _info
from bot.store.repository import Store, _utc, utcnow

MAX_PIN_FAILURES = 5
PIN_LENGTHS = range(4, 9)  # digits
_hasher = PasswordHasher()


class PinError(ValueError):
    """The code for the panel is not 4 to 8 digits."""


class Unlock(Enum):
    OPEN = "open"  # the right code: the panel is open
    WRONG = "wrong"  # a wrong code, counted
    ENDED = "ended"  # too many wrong codes (or no log-in): the tablet is logged out


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


def check_pin_format(pin: str) -> str:
    if not (pin.isascii() and pin.isdigit() and len(pin) in PIN_LENGTHS):
        raise PinError(f"the code for your controls must be {PIN_LENGTHS.start} to {PIN_LENGTHS.stop - 1} digits")
    return pin


class Logins:
    def __init__(self, store: Store):
        self._sessions = store.sessionmaker

    def start(self, user_id: int, session_id: Optional[str] = None, pin: Optional[str] = None) -> str:
        """A new log-in for the user (in child mode for `session_id`, whose panel opens with
        `pin`); the id for the cookie."""
        token = secrets.token_urlsafe(32)
        pin_hash = _hasher.hash(check_pin_format(pin)) if session_id is not None else None
        with self._sessions.begin() as db:
            db.add(models.Login(token_hash=_digest(token), user_id=user_id, session_id=session_id,
                                pin_hash=pin_hash, pin_failures=0, created_at=utcnow()))
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

    def unlock(self, token: str, pin: str, minutes: int) -> Unlock:
        """Open the panel for `minutes` if `pin` is the log-in's code; count a wrong one, and end
        the log-in at the last allowed. Counted and checked in one transaction."""
        with self._sessions.begin() as db:
            row = db.execute(
                select(models.Login).where(models.Login.token_hash == _digest(token), models.Login.ended_at.is_(None))
                .with_for_update()
            ).scalar_one_or_none()
            if row is None or row.pin_hash is None:
                return Unlock.ENDED
            try:
                _hasher.verify(row.pin_hash, pin)
            except (VerificationError, InvalidHashError):
                row.pin_failures += 1
                if row.pin_failures >= MAX_PIN_FAILURES:
                    row.ended_at = utcnow()
                    return Unlock.ENDED
                return Unlock.WRONG
            row.pin_failures, row.unlocked_until = 0, utcnow() + timedelta(minutes=minutes)
            return Unlock.OPEN

    def end(self, token: str) -> None:
        self._set(token, ended_at=utcnow())

    def lock(self, token: str) -> None:
        self._set(token, unlocked_until=None)

    def forget_older_than(self, moment: datetime) -> int:
        """Remove the log-ins that ended, or were last started, before `moment` (a cookie that old
        has expired anyway); how many."""
        with self._sessions.begin() as db:
            return db.execute(delete(models.Login).where(
                or_(models.Login.ended_at < moment, models.Login.created_at < moment)
            )).rowcount

    def _set(self, token: str, **values) -> None:
        with self._sessions.begin() as db:
            db.execute(update(models.Login).where(models.Login.token_hash == _digest(token)).values(**values))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
