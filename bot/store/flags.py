"""Safeguarding flags: each possible disclosure a child typed, kept once however often the message
is retried, with what the bot said back and the practitioner's acknowledgement. What found the
concern (`found_by`: the kind of harm and the trainers' phrase) is encrypted like the child's words:
it says as much about the child."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional, Set

from sqlalchemy import select

from bot.store import models
from bot.store.repository import Store, _utc, utcnow


class FlagError(LookupError):
    """The flag is not one of this session's."""


@dataclass(frozen=True)
class FlagInfo:
    id: int
    session_id: str
    message_id: str
    words: str
    at: datetime
    activity: Optional[str]
    prompt: Optional[str]
    found_by: Dict[str, Any]
    reply: Optional[str]
    acknowledged_at: Optional[datetime]
    acknowledged_by: Optional[str]
    case_reference: Optional[str] = None


class Flags:
    def __init__(self, store: Store):
        self._sessions = store.sessionmaker
        self._cipher = store.cipher
        self._store = store

    def record(self, session_id: str, message_id: str, *, words: str, activity: Optional[str],
               prompt: Optional[str], found_by: Dict[str, Any]) -> FlagInfo:
        """Keep a flag for the child's message (once: a retry finds the first one)."""

        def exists(db) -> bool:
            return self._row(db, session_id, message_id) is not None

        def insert(db) -> None:
            db.add(models.Flag(
                session_id=session_id, message_id=message_id, words_encrypted=self._cipher.encrypt(words),
                at=utcnow(), activity=activity, prompt_encrypted=self._cipher.encrypt(prompt),
                found_by_encrypted=self._cipher.encrypt(json.dumps(found_by)),
            ))

        self._store._insert_once(insert, exists)
        with self._sessions() as db:
            return self._info(self._row(db, session_id, message_id))

    def set_reply(self, session_id: str, message_id: str, reply: str) -> None:
        """What the bot said back, once it has (a retry's replay does not change it)."""
        with self._sessions.begin() as db:
            row = self._row(db, session_id, message_id)
            if row is not None and row.reply_encrypted is None:
                row.reply_encrypted = self._cipher.encrypt(reply)

    def of_session(self, session_id: str) -> List[FlagInfo]:
        with self._sessions() as db:
            rows = db.execute(
                select(models.Flag).where(models.Flag.session_id == session_id).order_by(models.Flag.id)
            ).scalars()
            return [self._info(row) for row in rows]

    def message_ids(self, session_id: str) -> Set[str]:
        """The child's messages that raised a flag in the session (nothing decrypted)."""
        with self._sessions() as db:
            return set(db.execute(select(models.Flag.message_id).where(models.Flag.session_id == session_id)).scalars())

    def unacknowledged(self, owner_id: Optional[int] = None) -> List[FlagInfo]:
        """Flags no one has acknowledged yet, oldest first: of one practitioner's cases, or of all."""
        query = (
            select(models.Flag, models.Case.reference)
            .join(models.Session, models.Session.id == models.Flag.session_id)
            .join(models.Case, models.Case.id == models.Session.case_id)
            .where(models.Flag.acknowledged_at.is_(None))
            .order_by(models.Flag.at, models.Flag.id)
        )
        if owner_id is not None:
            query = query.where(models.Case.owner_id == owner_id)
        with self._sessions() as db:
            return [self._info(row, reference) for row, reference in db.execute(query)]

    def counts(self, session_ids: List[str]) -> Dict[str, int]:
        """session id -> how many flags it has (sessions without any are left out)."""
        counts: Dict[str, int] = {}
        with self._sessions() as db:
            for session_id in db.execute(
                select(models.Flag.session_id).where(models.Flag.session_id.in_(session_ids))
            ).scalars():
                counts[session_id] = counts.get(session_id, 0) + 1
        return counts

    def acknowledge(self, session_id: str, flag_id: int, actor: str) -> FlagInfo:
        """The practitioner has seen the alert. The first acknowledgement is the one kept."""
        with self._sessions.begin() as db:
            row = db.get(models.Flag, flag_id)
            if row is None or row.session_id != session_id:
                raise FlagError(f"flag {flag_id} is not one of this session's")
            if row.acknowledged_at is None:
                row.acknowledged_at, row.acknowledged_by = utcnow(), actor
                db.flush()
            return self._info(row)

    @staticmethod
    def _row(db, session_id: str, message_id: str) -> Optional[models.Flag]:
        return db.execute(
            select(models.Flag).where(models.Flag.session_id == session_id, models.Flag.message_id == message_id)
        ).scalar_one_or_none()

    def _info(self, row: models.Flag, case_reference: Optional[str] = None) -> FlagInfo:
        return FlagInfo(
            id=row.id, session_id=row.session_id, message_id=row.message_id,
            words=self._cipher.decrypt(row.words_encrypted), at=_utc(row.at), activity=row.activity,
            prompt=self._cipher.decrypt(row.prompt_encrypted),
            found_by=json.loads(self._cipher.decrypt(row.found_by_encrypted)),
            reply=self._cipher.decrypt(row.reply_encrypted), acknowledged_at=_utc(row.acknowledged_at),
            acknowledged_by=row.acknowledged_by, case_reference=case_reference,
        )
