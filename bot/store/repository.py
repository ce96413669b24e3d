"""Reading and writing the session record. The only place the child's words are encrypted or decrypted.

Every write that a retried request could repeat is idempotent: a child's message is keyed on its
message id, an answer on (message id, prompt). Order numbers (`seq`) are given inside the write's
transaction and retried if another process took the same number first.
"""
from __future__ import annotations

import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, List, Optional, Sequence, TypeVar

from sqlalchemy import create_engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

from bot.config import Settings, load_settings
from bot.dialogue import practice
from bot.store import models
from bot.store.chain import ANSWER, TURN, Chain, Verdict, answer_content, drawing_hash, turn_content
from bot.store.crypto import Cipher
from bot.store.db import make_engine, make_sessionmaker

T = TypeVar("T")


class CaseNotYours(PermissionError):
    """A session was asked for on a case that another practitioner owns."""

_SEQ_RETRIES = 20


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _utc(moment: Optional[datetime]) -> Optional[datetime]:
    # SQLite hands datetimes back without their zone; everything is stored in UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class SessionInfo:
    id: str
    case_reference: Optional[str]  # None for a practice session
    child_name: str
    age: int
    age_band: str
    language: str
    practitioner: str
    present: Optional[str]
    place: Optional[str]
    plan: List[str]
    child_chooses: bool
    read_aloud: bool
    seen_alone: Optional[bool]
    owner_id: Optional[int]
    prompt_pack_version: str
    status: str
    created_at: datetime
    started_at: Optional[datetime]
    ended_at: Optional[datetime]
    case_about: Optional[str] = None  # the practitioner's neutral words for what the case is about
    scribing: bool = False  # the practitioner is writing down what the child says (bot/web/api.py)

    @property
    def is_open(self) -> bool:
        return self.status in ("new", "active")

    @property
    def practice(self) -> bool:
        return practice.is_practice(self.id)


@dataclass(frozen=True)
class AnswerInfo:
    id: int
    seq: int
    activity: str
    prompt_key: str
    prompt_text: str
    kind: str
    text: Optional[str]
    choice: Optional[str]
    choice_label: Optional[str]
    about_activity: Optional[str]
    message_id: str
    at: datetime
    entered_by: str = "child"  # or "practitioner", writing down what the child said
    scribe: Optional[str] = None  # that practitioner's name
    drawing_id: Optional[str] = None  # the drawing this answer is (kind `drawing`) or whose words these are


@dataclass(frozen=True)
class TurnInfo:
    seq: int
    speaker: str
    input: str
    text: Optional[str]
    payload: Optional[str]
    buttons: Optional[list]
    message_id: Optional[str]
    reply_to: Optional[str]
    at: datetime
    entered_by: str = "child"  # "child", "practitioner" (writing down what the child said) or "bot"
    scribe: Optional[str] = None
    offers_drawing: bool = False  # a bot message asking a question a drawing may answer


@dataclass(frozen=True)
class BotMessage:
    text: Optional[str]
    buttons: Optional[list]
    offers_drawing: bool = False  # it asks a question a drawing may answer (activities.yml `drawing`)


class Store:
    def __init__(self, database_url: str, data_key: str, previous_keys: Sequence[str] = (), *, chain_key: str):
        self.engine = make_engine(database_url)
        self._sessions = make_sessionmaker(self.engine)
        self._cipher = Cipher(data_key, previous_keys)
        self._chain = Chain(chain_key)
        self._practice_words: Optional[_OneAtATime] = None

    @classmethod
    def from_settings(cls, settings: Optional[Settings] = None) -> "Store":
        settings = settings or load_settings()
        return cls(settings.database_url, settings.data_key, settings.previous_data_keys, chain_key=settings.chain_key)

    @property
    def sessionmaker(self):
        """For the other stores that share this database (accounts, reviews)."""
        return self._sessions

    @property
    def cipher(self) -> Cipher:
        return self._cipher

    def close(self) -> None:
        self.engine.dispose()

    # sessions ---------------------------------------------------------------------------------

    def create_session(
        self,
        *,
        case_reference: str,
        practitioner: str,
        child_name: str,
        age: int,
        age_band: str,
        language: str,
        plan: Sequence[str],
        prompt_pack_version: str,
        child_chooses: bool = True,
        read_aloud: bool = False,
        scribing: bool = False,
        seen_alone: Optional[bool] = None,
        owner_id: Optional[int] = None,
        present: Optional[str] = None,
        place: Optional[str] = None,
        case_about: Optional[str] = None,
    ) -> SessionInfo:
        now = utcnow()
        with self._sessions.begin() as db:
            case = db.execute(
                select(models.Case).where(models.Case.reference == case_reference)
            ).scalar_one_or_none()
            if case is None:
                case = models.Case(
                    reference=case_reference, practitioner=practitioner, owner_id=owner_id, created_at=now
                )
                db.add(case)
                db.flush()
            elif case.owner_id != owner_id:
                raise CaseNotYours(f"case {case_reference} belongs to another practitioner")
            return self._add_session(
                db, case, id=str(uuid.uuid4()), child_name=child_name, age=age, age_band=age_band,
                language=language, practitioner=practitioner, present=present, place=place, plan=plan,
                child_chooses=child_chooses, read_aloud=read_aloud, seen_alone=seen_alone, scribing=scribing,
                prompt_pack_version=prompt_pack_version, created_at=now, started_by=owner_id,
                case_about_encrypted=self._cipher.encrypt(case_about),
            )

    def create_practice_session(
        self,
        *,
        practitioner: str,
        age: int,
        age_band: str,
        language: str,
        plan: Sequence[str],
        prompt_pack_version: str,
        child_chooses: bool,
        read_aloud: bool,
        started_by: Optional[int],
    ) -> SessionInfo:
        """A session that belongs to no case, whose words are never written (bot/dialogue/practice.py)."""
        with self._sessions.begin() as db:
            return self._add_session(
                db, None, id=practice.new_id(), child_name="", age=age, age_band=age_band, language=language,
                practitioner=practitioner, plan=plan, child_chooses=child_chooses, read_aloud=read_aloud,
                prompt_pack_version=prompt_pack_version, created_at=utcnow(), started_by=started_by,
            )

    def _add_session(self, db, case: Optional[models.Case], *, child_name: str, plan: Sequence[str],
                     **fields) -> SessionInfo:
        """A new session row (status "new"), in the caller's transaction."""
        row = models.Session(case_id=case.id if case else None, child_name_encrypted=self._cipher.encrypt(child_name),
                             plan=list(plan), status="new", **fields)
        db.add(row)
        db.flush()
        return self._session_info(row, case)

    def get_session(self, session_id: str) -> Optional[SessionInfo]:
        with self._sessions() as db:
            row = db.get(models.Session, session_id)
            if row is None:
                return None
            return self._session_info(row, row.case)

    def sessions_of(self, owner_id: int) -> List[SessionInfo]:
        """The sessions of the cases a user owns, newest first."""
        with self._sessions() as db:
            rows = db.execute(
                select(models.Session)
                .join(models.Case)
                .where(models.Case.owner_id == owner_id)
                .order_by(models.Session.created_at.desc())
            ).scalars()
            return [self._session_info(row, row.case) for row in rows]

    def reallocate_case(self, case_reference: str, owner_id: int, practitioner: str) -> None:
        """The case, and so all its sessions, now belongs to another practitioner."""
        with self._sessions.begin() as db:
            case = db.execute(
                select(models.Case).where(models.Case.reference == case_reference)
            ).scalar_one_or_none()
            if case is None:
                raise LookupError(f"there is no case {case_reference}")
            case.owner_id, case.practitioner = owner_id, practitioner

    def close_case(self, case_reference: str) -> datetime:
        """The proceedings have ended: the case is erased by `purge` once the retention period has
        passed. Closing again keeps the first date."""
        with self._sessions.begin() as db:
            case = db.execute(
                select(models.Case).where(models.Case.reference == case_reference)
            ).scalar_one_or_none()
            if case is None:
                raise LookupError(f"there is no case {case_reference}")
            case.closed_at = case.closed_at or utcnow()
            return _utc(case.closed_at)

    def case_references_of(self, owner_id: int) -> List[str]:
        with self._sessions() as db:
            return list(
                db.execute(
                    select(models.Case.reference).where(models.Case.owner_id == owner_id).order_by(models.Case.reference)
                ).scalars()
            )

    def set_scribing(self, session_id: str, on: bool) -> None:
        """The practitioner starts or stops writing down what the child says: the chat page marks
        the typed messages it sends from now on accordingly."""
        with self._sessions.begin() as db:
            row = db.get(models.Session, session_id)
            if row is not None:
                row.scribing = on

    def mark_started(self, session_id: str) -> None:
        with self._sessions.begin() as db:
            row = db.get(models.Session, session_id)
            if row is not None and row.started_at is None:
                row.started_at = utcnow()
                row.status = "active"

    def mark_ended(self, session_id: str, status: str) -> None:
        with self._sessions.begin() as db:
            row = db.get(models.Session, session_id)
            if row is not None and row.ended_at is None:
                row.ended_at = utcnow()
                row.status = status
        if practice.is_practice(session_id):
            practice.memory.forget(session_id)

    def _session_info(self, row: models.Session, case: Optional[models.Case]) -> SessionInfo:
        return SessionInfo(
            id=row.id,
            case_reference=case.reference if case else None,
            child_name=self._cipher.decrypt(row.child_name_encrypted),
            age=row.age,
            age_band=row.age_band,
            language=row.language,
            practitioner=row.practitioner,
            present=row.present,
            place=row.place,
            plan=list(row.plan),
            child_chooses=bool(row.child_chooses),
            read_aloud=bool(row.read_aloud),
            seen_alone=row.seen_alone,
            owner_id=case.owner_id if case else row.started_by,
            prompt_pack_version=row.prompt_pack_version,
            status=row.status,
            created_at=_utc(row.created_at),
            started_at=_utc(row.started_at),
            ended_at=_utc(row.ended_at),
            case_about=self._cipher.decrypt(row.case_about_encrypted),
            scribing=bool(row.scribing),
        )

    # transcript -------------------------------------------------------------------------------

    def record_child_turn(
        self,
        session_id: str,
        message_id: str,
        *,
        input: str,
        text: Optional[str],
        payload: Optional[str] = None,
        scribe: Optional[str] = None,
        tracker_mark: Optional[int] = None,
    ) -> bool:
        """Store a message the child sent. False if that message id was stored already.
        `scribe`: the practitioner who typed the child's words for them (a button is always the child's);
        `tracker_mark`: the last tracker event before this first try (tracker_mark_of)."""

        def insert(db) -> None:
            row = models.Turn(
                session_id=session_id,
                seq=self._next_seq(db, models.Turn, session_id),
                speaker="child",
                message_id=message_id,
                input=input,
                entered_by="practitioner" if scribe else "child",
                scribe=scribe or None,
                text_encrypted=self._cipher.encrypt(text),
                payload=payload,
                at=utcnow(),
                tracker_mark=tracker_mark,
            )
            self._add_linked(db, TURN, row, text)

        def exists(db) -> bool:
            return self._child_turn(db, session_id, message_id) is not None

        return self._insert_once(insert, exists, session_id)

    def tracker_mark_of(self, session_id: str, message_id: str) -> Optional[int]:
        """The last tracker event before the child's message was first tried (None: not known)."""
        with self._words(session_id)() as db:
            turn = self._child_turn(db, session_id, message_id)
            return turn.tracker_mark if turn is not None else None

    def child_turn_replies(self, session_id: str, message_id: str) -> Optional[List[BotMessage]]:
        """The bot's replies to a child's message, or None if they were never all recorded."""
        with self._words(session_id)() as db:
            turn = self._child_turn(db, session_id, message_id)
            if turn is None or turn.replied_at is None:
                return None
            rows = db.execute(
                select(models.Turn)
                .where(models.Turn.session_id == session_id, models.Turn.reply_to == message_id)
                .order_by(models.Turn.seq)
            ).scalars()
            return [BotMessage(self._cipher.decrypt(r.text_encrypted), r.buttons, bool(r.offers_drawing)) for r in rows]

    def record_bot_replies(
        self, session_id: str, reply_to: str, messages: Sequence[BotMessage]
    ) -> None:
        """Store what the bot showed in answer to a child's message, once, in order."""

        def insert(db) -> None:
            turn = self._child_turn(db, session_id, reply_to)
            if turn.replied_at is not None:
                return
            for message in messages:
                row = models.Turn(
                    session_id=session_id,
                    seq=self._next_seq(db, models.Turn, session_id),
                    speaker="bot",
                    reply_to=reply_to,
                    input="text",
                    entered_by="bot",
                    text_encrypted=self._cipher.encrypt(message.text),
                    buttons=message.buttons,
                    offers_drawing=message.offers_drawing,
                    at=utcnow(),
                )
                self._add_linked(db, TURN, row, message.text)
            turn.replied_at = utcnow()

        self._insert_once(insert, lambda db: False, session_id)

    def transcript(self, session_id: str) -> List[TurnInfo]:
        with self._words(session_id)() as db:
            rows = db.execute(
                select(models.Turn).where(models.Turn.session_id == session_id).order_by(models.Turn.seq)
            ).scalars()
            return [
                TurnInfo(
                    seq=r.seq,
                    speaker=r.speaker,
                    input=r.input,
                    text=self._cipher.decrypt(r.text_encrypted),
                    payload=r.payload,
                    buttons=r.buttons,
                    message_id=r.message_id,
                    reply_to=r.reply_to,
                    at=_utc(r.at),
                    entered_by=r.entered_by,
                    scribe=r.scribe,
                    offers_drawing=bool(r.offers_drawing),
                )
                for r in rows
            ]

    def offers_drawing_now(self, session_id: str) -> bool:
        """Whether the bot's last message asked a question a drawing may answer."""
        with self._words(session_id)() as db:
            offers = db.execute(
                select(models.Turn.offers_drawing).where(models.Turn.session_id == session_id, models.Turn.speaker == "bot")
                .order_by(models.Turn.seq.desc()).limit(1)
            ).scalar_one_or_none()
            return bool(offers)

    @staticmethod
    def _child_turn(db, session_id: str, message_id: str) -> Optional[models.Turn]:
        return db.execute(
            select(models.Turn).where(
                models.Turn.session_id == session_id, models.Turn.message_id == message_id
            )
        ).scalar_one_or_none()

    # answers ----------------------------------------------------------------------------------

    def record_answer(
        self,
        session_id: str,
        *,
        activity: str,
        prompt_key: str,
        prompt_text: str,
        kind: str,
        text: Optional[str],
        message_id: str,
        choice: Optional[str] = None,
        choice_label: Optional[str] = None,
        about_activity: Optional[str] = None,
        drawing_id: Optional[str] = None,
    ) -> AnswerInfo:
        """Store a child's reply to a prompt, once per message.

        A message already stored (a retry, or Rasa running the validation again) is not stored
        twice: the first answer comes back, and the caller compares its prompt_key."""

        def find(db) -> Optional[models.Answer]:
            return db.execute(
                select(models.Answer).where(
                    models.Answer.session_id == session_id,
                    models.Answer.message_id == message_id,
                )
            ).scalar_one_or_none()

        def insert(db) -> None:
            turn = self._child_turn(db, session_id, message_id)  # who entered it: as the message's turn
            row = models.Answer(
                session_id=session_id,
                seq=self._next_seq(db, models.Answer, session_id),
                activity=activity,
                prompt_key=prompt_key,
                prompt_text_encrypted=self._cipher.encrypt(prompt_text),
                kind=kind,
                text_encrypted=self._cipher.encrypt(text),
                choice=choice,
                choice_label=choice_label,
                about_activity=about_activity,
                entered_by=turn.entered_by if turn is not None else "child",
                scribe=turn.scribe if turn is not None else None,
                message_id=message_id,
                at=utcnow(),
                drawing_id=drawing_id,
            )
            self._add_linked(db, ANSWER, row, text, prompt_text)

        self._insert_once(insert, lambda db: find(db) is not None, session_id)
        with self._words(session_id)() as db:
            return self._answer_info(find(db))

    def answers(self, session_id: str) -> List[AnswerInfo]:
        with self._words(session_id)() as db:
            rows = db.execute(
                select(models.Answer)
                .where(models.Answer.session_id == session_id)
                .order_by(models.Answer.seq)
            ).scalars()
            return [self._answer_info(r) for r in rows]

    def _answer_info(self, row: models.Answer) -> AnswerInfo:
        return AnswerInfo(
            id=row.id,
            seq=row.seq,
            activity=row.activity,
            prompt_key=row.prompt_key,
            prompt_text=self._cipher.decrypt(row.prompt_text_encrypted),
            kind=row.kind,
            text=self._cipher.decrypt(row.text_encrypted),
            choice=row.choice,
            choice_label=row.choice_label,
            about_activity=row.about_activity,
            message_id=row.message_id,
            at=_utc(row.at),
            entered_by=row.entered_by,
            scribe=row.scribe,
            drawing_id=row.drawing_id,
        )

    # notices ----------------------------------------------------------------------------------

    def record_notice(self, session_id: str, kind: str, message_id: str) -> None:
        """Something for the practitioner to see (once per message, however often it is retried)."""

        def exists(db) -> bool:
            return db.execute(
                select(models.Notice.id).where(
                    models.Notice.session_id == session_id,
                    models.Notice.message_id == message_id,
                    models.Notice.kind == kind,
                )
            ).first() is not None

        def insert(db) -> None:
            db.add(models.Notice(session_id=session_id, kind=kind, message_id=message_id, at=utcnow()))

        self._insert_once(insert, exists, session_id)

    def notices(self, session_id: str) -> List[dict]:
        with self._words(session_id)() as db:
            rows = db.execute(
                select(models.Notice).where(models.Notice.session_id == session_id).order_by(models.Notice.id)
            ).scalars()
            return [{"kind": r.kind, "at": _utc(r.at), "acknowledged_at": _utc(r.acknowledged_at)} for r in rows]

    # observations -----------------------------------------------------------------------------

    def add_observation(self, session_id: str, author: str, text: str) -> None:
        """The practitioner's note, kept apart from the child's words (and encrypted like them)."""
        with self._words(session_id).begin() as db:
            db.add(
                models.Observation(
                    session_id=session_id, author=author, text_encrypted=self._cipher.encrypt(text), at=utcnow()
                )
            )

    def observations(self, session_id: str) -> List[dict]:
        with self._words(session_id)() as db:
            rows = db.execute(
                select(models.Observation)
                .where(models.Observation.session_id == session_id)
                .order_by(models.Observation.id)
            ).scalars()
            return [{"author": r.author, "text": self._cipher.decrypt(r.text_encrypted), "at": _utc(r.at)} for r in rows]

    # practice sessions ------------------------------------------------------------------------

    def _words(self, session_id: str):
        """Where a session's words go: this database, or for a practice session this process's
        memory, which is never written to disk."""
        if not practice.is_practice(session_id):
            return self._sessions
        if self._practice_words is None:
            engine = create_engine(
                "sqlite://", future=True, poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
            models.Base.metadata.create_all(engine)
            self._practice_words = _OneAtATime(make_sessionmaker(engine))
            practice.memory.on_forget(self._forget_practice)
        practice.memory.used(session_id)
        return self._practice_words

    def _forget_practice(self, session_id: str) -> None:
        if self._practice_words is None:
            return
        with self._practice_words.begin() as db:
            for model in (models.Turn, models.Answer, models.Notice, models.Observation, models.Flag):
                db.execute(delete(model).where(model.session_id == session_id))

    # the record's chain ------------------------------------------------------------------------

    def _add_linked(self, db, kind: str, row, text: Optional[str], prompt_text: str = "") -> None:
        """Add a turn or answer and link it to its session's chain (bot/store/chain.py); a practice
        session's words, kept in memory for a while only, are not chained."""
        db.add(row)
        db.flush()
        if practice.is_practice(row.session_id):
            return
        content = turn_content(row, text) if kind == TURN else answer_content(
            row, prompt_text, text, drawing_hash(db, row, self._cipher.decrypt))
        self._chain.append(db, row.session_id, kind, row.id, content)

    def verify(self, session_id: str) -> Verdict:
        """Whether the session's turns and answers are as they were written (bot/store/chain.py)."""
        with self._sessions() as db:
            if db.get(models.Session, session_id) is None:
                raise LookupError(f"no session has the id {session_id!r}")
            return self._chain.verify(db, session_id, self._cipher.decrypt)

    # helpers ----------------------------------------------------------------------------------

    @staticmethod
    def _next_seq(db, model, session_id: str) -> int:
        current = db.execute(
            select(func.max(model.seq)).where(model.session_id == session_id)
        ).scalar_one()
        return (current or 0) + 1

    def _insert_once(self, insert: Callable, exists: Callable, session_id: Optional[str] = None) -> bool:
        """Run `insert` in a transaction unless `exists`; retry when a concurrent writer took the
        same order number. Returns True if this call wrote."""
        sessions = self._words(session_id) if session_id is not None else self._sessions
        for _ in range(_SEQ_RETRIES):
            try:
                with sessions.begin() as db:
                    if exists(db):
                        return False
                    insert(db)
                return True
            except IntegrityError:
                continue  # another writer won: look again (it may have stored this very row)
        raise RuntimeError("could not store the record: the database stayed busy")


class _OneAtATime:
    """A sessionmaker over one in-memory SQLite connection, whose sessions take turns (threads
    of one process share the connection)."""

    def __init__(self, maker) -> None:
        self._maker = maker
        self._lock = threading.RLock()

    @contextmanager
    def __call__(self):
        with self._lock, self._maker() as db:
            yield db

    @contextmanager
    def begin(self):
        with self._lock, self._maker.begin() as db:
            yield db
