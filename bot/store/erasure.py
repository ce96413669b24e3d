"""Erasing a case from every store, now (`python -m bot erase CASE`) or once it has been closed for
longer than the retention period (`python -m bot purge`).

Everything of the case goes: its sessions, the child's words (answers, transcript, flags, notices),
the practitioner's reviews and notes, its audit events, and its conversations in Rasa's tracker
store. One audit event is left, saying that the case was erased, when and by whom (it holds no
words). SQLite overwrites what it deletes (secure_delete) and its write-ahead log is emptied, so
the encrypted words do not linger in free pages either. Own Words writes no export to disk itself:
a file someone saved with `export --output` is theirs to delete.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List, Optional

from sqlalchemy import delete, select, text

from bot.store import models
from bot.store.repository import Store, utcnow
from bot.store.reviews import Reviews
from bot.store.tracker_events import events, tracker_engine, tracker_exists

# what a session's rows hang from, children first
_SESSION_TABLES = (models.ChainLink, models.Drawing, models.Answer, models.Turn, models.Notice, models.Observation, models.Flag, models.Login)


class NoSuchCase(LookupError):
    """There is no case with that reference."""


@dataclass(frozen=True)
class Erased:
    case_reference: str
    sessions: int
    answers: int
    conversation_events: int


def erase_case(store: Store, tracker_db: str, reference: str, actor: str) -> Erased:
    with store.sessionmaker.begin() as db:
        case = db.execute(select(models.Case).where(models.Case.reference == reference)).scalar_one_or_none()
        if case is None:
            raise NoSuchCase(f"there is no case {reference!r}")
        session_ids = list(db.execute(select(models.Session.id).where(models.Session.case_id == case.id)).scalars())
        answer_ids = list(db.execute(select(models.Answer.id).where(models.Answer.session_id.in_(session_ids))).scalars())
        db.execute(delete(models.Review).where(models.Review.answer_id.in_(answer_ids)))
        for model in _SESSION_TABLES:
            db.execute(delete(model).where(model.session_id.in_(session_ids)))
        db.execute(delete(models.Session).where(models.Session.id.in_(session_ids)))
        db.execute(delete(models.AuditEvent).where(models.AuditEvent.case_reference == reference))
        db.delete(case)
    conversation_events = _erase_conversations(tracker_db, session_ids)
    erased = Erased(reference, len(session_ids), len(answer_ids), conversation_events)
    Reviews(store).audit(actor, "erase_case", case_reference=reference, detail={
        "sessions": erased.sessions, "answers": erased.answers, "conversation_events": conversation_events,
    })
    _empty_write_ahead_log(store.engine)
    _vacuum(store.engine, [m.__tablename__ for m in (*_SESSION_TABLES, models.Review, models.Session,
                                                      models.AuditEvent, models.Case)])
    return erased


def closed_before(store: Store, moment: datetime) -> List[str]:
    """The references of the cases closed before `moment`."""
    with store.sessionmaker() as db:
        return list(db.execute(
            select(models.Case.reference).where(models.Case.closed_at.is_not(None), models.Case.closed_at < moment)
            .order_by(models.Case.reference)
        ).scalars())


def purge(store: Store, tracker_db: str, retention_days: int, actor: str,
          now: Optional[datetime] = None) -> List[Erased]:
    """Erase every case closed more than `retention_days` ago."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    return [erase_case(store, tracker_db, reference, actor) for reference in closed_before(store, cutoff)]


def _erase_conversations(tracker_db: str, session_ids: List[str]) -> int:
    if not session_ids or not tracker_exists(tracker_db):
        return 0
    engine = tracker_engine(tracker_db)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA secure_delete=ON")
        erased = connection.execute(delete(events).where(events.c.sender_id.in_(session_ids))).rowcount
    _empty_write_ahead_log(engine)
    _vacuum(engine, ["events"])
    return erased


def _empty_write_ahead_log(engine) -> None:
    """SQLite keeps copies of changed pages in its write-ahead log until a checkpoint."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def _vacuum(engine, tables) -> None:
    """PostgreSQL keeps deleted rows in its tables' files until a VACUUM frees their space for reuse
    (VACUUM cannot run inside a transaction)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in tables:
            connection.execute(text(f"VACUUM {table}"))
