"""The practitioner's review of a session (which answers go in the report, their notes) and the
audit log of who viewed, exported or changed what. Neither ever touches the child's words."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import select

from bot.store import models
from bot.store.repository import Store, _utc, utcnow


class ReviewError(LookupError):
    """The answer is not one of this session's."""


@dataclass(frozen=True)
class ReviewInfo:
    included: bool
    note: Optional[str]
    updated_by: str
    updated_at: datetime


class Reviews:
    def __init__(self, store: Store):
        self._sessions = store.sessionmaker
        self._cipher = store.cipher

    def of_session(self, session_id: str) -> Dict[int, ReviewInfo]:
        """answer id -> review, for the answers someone has reviewed (the others are included)."""
        with self._sessions() as db:
            rows = db.execute(
                select(models.Review).join(models.Answer, models.Answer.id == models.Review.answer_id)
                .where(models.Answer.session_id == session_id)
            ).scalars()
            return {
                row.answer_id: ReviewInfo(row.included, self._cipher.decrypt(row.note_encrypted), row.updated_by,
                                          _utc(row.updated_at))
                for row in rows
            }

    def set(self, session_id: str, answer_id: int, actor: str, *, included: Optional[bool] = None,
            note: Optional[str] = None) -> ReviewInfo:
        """Include or leave out an answer, or set the practitioner's note on it ("" clears it)."""
        with self._sessions.begin() as db:
            answer = db.get(models.Answer, answer_id)
            if answer is None or answer.session_id != session_id:
                raise ReviewError(f"answer {answer_id} is not one of this session's")
            row = db.execute(select(models.Review).where(models.Review.answer_id == answer_id)).scalar_one_or_none()
            if row is None:
                row = models.Review(answer_id=answer_id, included=True)
                db.add(row)
            if included is not None:
                row.included = included
            if note is not None:
                row.note_encrypted = self._cipher.encrypt(note) if note.strip() else None
            row.updated_by, row.updated_at = actor, utcnow()
            db.flush()
            return ReviewInfo(row.included, self._cipher.decrypt(row.note_encrypted), actor, row.updated_at)

    def audit(self, actor: str, action: str, *, case_reference: Optional[str] = None,
              session_id: Optional[str] = None, detail: Optional[Dict[str, Any]] = None) -> None:
        with self._sessions.begin() as db:
            db.add(models.AuditEvent(at=utcnow(), actor=actor, action=action, case_reference=case_reference,
                                     session_id=session_id, detail=detail))

    def audit_events(self, case_reference: str) -> List[Dict[str, Any]]:
        with self._sessions() as db:
            rows = db.execute(
                select(models.AuditEvent).where(models.AuditEvent.case_reference == case_reference)
                .order_by(models.AuditEvent.id)
            ).scalars()
            return [
                {"at": _utc(r.at).isoformat(), "actor": r.actor, "action": r.action, "session_id": r.session_id,
                 "detail": r.detail}
                for r in rows
            ]
