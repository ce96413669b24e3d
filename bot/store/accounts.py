"""Practitioners', trainers' and administrators' accounts, and API tokens.

Passwords are hashed with Argon2 (argon2-cffi); an API token is shown once and only its SHA-256 is
kept, so neither can be read back from the database."""
from __future__ import annotations

import hashlib
import re
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select

from bot.store import models
from bot.store.repository import Store, utcnow

ROLES = ("fca", "trainer", "admin")
MIN_PASSWORD_LENGTH = 10
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()
# verified against when the name is unknown, so a wrong name takes as long as a wrong password
_DUMMY_HASH = _hasher.hash("not a password of anyone's")
# a user name that fails this often within the window is refused, right password or not, until the
# oldest of those failures is older than the window: guessing is slowed to a handful an hour
MAX_FAILURES = 5
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
        if not _NAME.match(name or ""):
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

    def check_password(self, name: str, password: str) -> Optional[UserInfo]:
        """The user, if the password is theirs; None if not. Raises TooManyFailures when this name
        has failed MAX_FAILURES times within FAILURE_WINDOW (the password is not even checked)."""
        tried, now = name.strip().lower()[:64], utcnow()
        with self._sessions() as db:
            recent = db.execute(
                select(func.count(), func.min(models.LoginFailure.at))
                .where(models.LoginFailure.name == tried, models.LoginFailure.at > now - FAILURE_WINDOW)
            ).one()
            user = db.execute(select(models.User).where(models.User.name == name)).scalar_one_or_none()
        if recent[0] >= MAX_FAILURES:
            oldest = recent[1] if recent[1].tzinfo else recent[1].replace(tzinfo=now.tzinfo)
            raise TooManyFailures(max(1, math.ceil((oldest + FAILURE_WINDOW - now).total_seconds() / 60)))
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            user = None
        with self._sessions.begin() as db:
            if user is None:
                db.add(models.LoginFailure(name=tried, at=now))
            else:
                db.execute(delete(models.LoginFailure).where(models.LoginFailure.name == tried))
        return _info(user) if user else None

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

    def new_token(self, name: str) -> str:
        token = secrets.token_urlsafe(32)
        with self._sessions.begin() as db:
            user = db.execute(select(models.User).where(models.User.name == name)).scalar_one_or_none()
            if user is None:
                raise AccountError(f"there is no user called {name}")
            db.add(models.ApiToken(user_id=user.id, token_hash=_digest(token), created_at=utcnow()))
        return token

    def user_for_token(self, token: str) -> Optional[UserInfo]:
        with self._sessions() as db:
            row = db.execute(
                select(models.User).join(models.ApiToken, models.ApiToken.user_id == models.User.id)
                .where(models.ApiToken.token_hash == _digest(token))
            ).scalar_one_or_none()
            return _info(row) if row else None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _info(user: models.User) -> UserInfo:
    return UserInfo(user.id, user.name, user.display_name, user.role)
