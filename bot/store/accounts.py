"""Practitioners', trainers' and administrators' accounts, and API tokens.

Passwords are hashed with Argon2 (argon2-cffi); an API token is shown once and only its SHA-256 is
kept, so neither can be read back from the database."""
from __future__ import annotations

import hashlib
import re
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional, Tuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update

from bot.store import models
from bot.store.repository import Store, utcnow

ROLES = ("fca", "trainer", "admin")
MIN_PASSWORD_LENGTH = 10
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")  # fullmatch: "$" would let a newline end it
_hasher = PasswordHasher()
# verified against when the name is unknown, so a wrong name takes as long as a wrong password
_DUMMY_HASH = _hasher.hash("not a password of anyone's")
# Log-in attempts are counted per user name and address: a name tried and failed this often from one
# address within the window is refused there, right password or not, until the oldest of those
# failures is older than the window (guessing is slowed to a handful an hour), while the same name
# still logs in from anywhere else (so nobody can lock a practitioner out from their own machine).
# An address that fails this often, whatever names it tries, is refused as well.
MAX_FAILURES = 5
MAX_CLIENT_FAILURES = 20
FAILURE_WINDOW = timedelta(minutes=15)


class TooManyFailures(Exception):
    """Log-ins for this user name are refused for now; `minutes` says for how long."""

    def __init__(self, minutes: int):
        super().__init__(f"too many failed log-ins: try again in {minutes} minutes")
        self.minutes = minutes


class AccountError(ValueError):
    """An account cannot be made or used as asked; the message says why."""


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    display_name: str
    role: str


class Accounts:
    def __init__(self, store: Store):
        self._sessions = store.sessionmaker

    def add(self, name: str, password: str, role: str, display_name: Optional[str] = None) -> UserInfo:
        if not _NAME.fullmatch(name or ""):
            raise AccountError("a user name is 2-64 lower-case letters, digits, '.', '_' or '-'")
        if role not in ROLES:
            raise AccountError(f"the role must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
        with self._sessions.begin() as db:
            if db.execute(select(models.User).where(models.User.name == name)).scalar_one_or_none():
                raise AccountError(f"there is already a user called {name}")
            user = models.User(
                name=name, display_name=(display_name or name).strip() or name, role=role,
                password_hash=_hasher.hash(password), created_at=utcnow(),
            )
            db.add(user)
            db.flush()
            return _info(user)

    def check_password(self, name: str, password: str, client: str = "") -> Optional[UserInfo]:
        """The user, if the password is theirs; None if not. Raises TooManyFailures when this name
        has failed MAX_FAILURES times from `client` (the address asking) within FAILURE_WINDOW, or
        `client` MAX_CLIENT_FAILURES times (the password is not even checked)."""
        tried, client = name.strip().lower()[:64], client[:64]
        self._reserve_attempt(tried, client)
        with self._sessions() as db:
            user = db.execute(select(models.User).where(models.User.name == name)).scalar_one_or_none()
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None  # the reserved attempt stays, as a failure
        with self._sessions.begin() as db:
            db.execute(delete(models.LoginFailure).where(models.LoginFailure.name == tried,
                                                         models.LoginFailure.client == client))
        return _info(user)

    def _reserve_attempt(self, tried: str, client: str) -> None:
        """Count this attempt as a failure before the password is checked, in one transaction with
        the count: the insert takes the database's write lock first, so attempts made at the same
        moment are counted one after another and no more than MAX_FAILURES are ever checked."""
        now = utcnow()
        since = now - FAILURE_WINDOW
        failures = models.LoginFailure
        with self._sessions.begin() as db:
            db.add(failures(name=tried, client=client, at=now))
            db.flush()
            for where, limit in (((failures.name == tried, failures.client == client), MAX_FAILURES),
                                 ((failures.client == client,), MAX_CLIENT_FAILURES)):
                count, oldest = db.execute(
                    select(func.count(), func.min(failures.at)).where(failures.at > since, *where)
                ).one()
                if count > limit:  # this attempt included: refused, and not counted (rolled back)
                    oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
                    raise TooManyFailures(max(1, math.ceil((oldest + FAILURE_WINDOW - now).total_seconds() / 60)))

    def forget_failures(self, now: Optional[datetime] = None) -> int:
        """Remove the failed log-ins too old to count any more (`python -m bot purge`); how many."""
        since = (now or utcnow()) - FAILURE_WINDOW
        with self._sessions.begin() as db:
            return db.execute(delete(models.LoginFailure).where(models.LoginFailure.at <= since)).rowcount

    def by_name(self, name: str) -> UserInfo:
        with self._sessions() as db:
            user = db.execute(select(models.User).where(models.User.name == name)).scalar_one_or_none()
            if user is None:
                raise AccountError(f"there is no user called {name}")
            return _info(user)

    def get(self, user_id: int) -> Optional[UserInfo]:
        with self._sessions() as db:
            user = db.get(models.User, user_id)
            return _info(user) if user else None

    def new_token(self, name: str, days: int) -> Tuple[str, datetime]:
        """A new API token for the user and when it stops working."""
        token, now = secrets.token_urlsafe(32), utcnow()
        expires = now + timedelta(days=days)
        with self._sessions.begin() as db:
            user = db.execute(select(models.User).where(models.User.name == name)).scalar_one_or_none()
            if user is None:
                raise AccountError(f"there is no user called {name}")
            db.add(models.ApiToken(user_id=user.id, token_hash=_digest(token), created_at=now, expires_at=expires))
        return token, expires

    def revoke_tokens(self, name: str) -> int:
        """End every API token of the user that still works; how many there were."""
        now = utcnow()
        with self._sessions.begin() as db:
            user = db.execute(select(models.User).where(models.User.name == name)).scalar_one_or_none()
            if user is None:
                raise AccountError(f"there is no user called {name}")
            return db.execute(
                update(models.ApiToken)
                .where(models.ApiToken.user_id == user.id, models.ApiToken.revoked_at.is_(None))
                .values(revoked_at=now)
            ).rowcount

    def user_for_token(self, token: str) -> Optional[UserInfo]:
        """The token's user, unless the token is unknown, expired or revoked."""
        with self._sessions() as db:
            row = db.execute(
                select(models.User).join(models.ApiToken, models.ApiToken.user_id == models.User.id)
                .where(models.ApiToken.token_hash == _digest(token), models.ApiToken.revoked_at.is_(None),
                       models.ApiToken.expires_at > utcnow())
            ).scalar_one_or_none()
            return _info(row) if row else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _info(user: models.User) -> UserInfo:
    return UserInfo(user.id, user.name, user.display_name, user.role)
