"""The pictures children draw as answers (issue 20): kept encrypted, one per chat message.

The web app checks each upload first (bot/store/drawing_image.py: a PNG, within the limits,
re-encoded from its pixels alone) and keeps it here before the chat message that sends it goes to
Rasa; the answer the dialogue stores then points to it (`answers.drawing_id`), and so do the words
the child says about it. A retried upload (the same message id) is kept once. A practice session's
drawing is never kept: it is checked, then dropped. Erasure removes drawings with their session,
key rotation re-encrypts them, and the record's chain vouches for each one's pixels through the
answer that points to it (bot/store/chain.py)."""
from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from typing import Dict, Iterable, Optional, Tuple

from sqlalchemy import delete, select

from bot.dialogue import practice
from bot.store import models
from bot.store.chain import png_of
from bot.store.drawing_image import CleanDrawing
from bot.dialogue.capture import DRAWING_INPUT
from bot.store.repository import Store, TurnInfo, utcnow


@dataclass(frozen=True)
class DrawingInfo:
    id: str
    session_id: str
    message_id: str
    png: bytes
    sha256: str
    width: int
    height: int


def drawing_id_of(payload: Optional[str]) -> Optional[str]:
    """The id of the drawing a child's turn sent (its payload `/inform{"drawing":"<id>"}`), or None."""
    if not payload or not payload.startswith("/inform{"):
        return None
    try:
        entities = json.loads(payload[len("/inform"):])
    except ValueError:
        return None
    drawing = entities.get("drawing") if isinstance(entities, dict) else None
    return drawing if isinstance(drawing, str) else None


class Drawings:
    def __init__(self, store: Store):
        self._store = store
        self._sessions = store.sessionmaker
        self._cipher = store.cipher

    def keep(self, session_id: str, message_id: str, drawing: CleanDrawing) -> str:
        """The drawing's id: kept now, or the one kept already for this message (a retry). A
        practice session's drawing gets an id but is not kept."""
        if practice.is_practice(session_id):
            return str(uuid.uuid4())

        def find(db) -> Optional[models.Drawing]:
            return self._of_message(db, session_id, message_id)

        def insert(db) -> None:
            db.add(models.Drawing(
                id=str(uuid.uuid4()), session_id=session_id, message_id=message_id,
                image_encrypted=self._cipher.encrypt(base64.b64encode(drawing.png).decode("ascii")),
                sha256=drawing.sha256, width=drawing.width, height=drawing.height, at=utcnow(),
            ))

        self._store._insert_once(insert, lambda db: find(db) is not None)
        with self._sessions() as db:
            return find(db).id

    def kept_for(self, session_id: str, message_id: str) -> Optional[str]:
        """The id of the drawing kept for this chat message, if one was (a retried upload)."""
        with self._sessions() as db:
            row = self._of_message(db, session_id, message_id)
            return row.id if row is not None else None

    @staticmethod
    def _of_message(db, session_id: str, message_id: str) -> Optional[models.Drawing]:
        return db.execute(select(models.Drawing).where(
            models.Drawing.session_id == session_id, models.Drawing.message_id == message_id)).scalar_one_or_none()

    def forget_unanswered(self, session_id: str, drawing_id: str) -> bool:
        """Delete a kept drawing that no answer points to (the assistant refused the message that
        sent it, so it never became one). True if it was deleted."""
        with self._sessions.begin() as db:
            answered = db.execute(select(models.Answer.id).where(
                models.Answer.session_id == session_id, models.Answer.drawing_id == drawing_id).limit(1)).first()
            if answered is not None:
                return False
            return db.execute(delete(models.Drawing).where(
                models.Drawing.session_id == session_id, models.Drawing.id == drawing_id)).rowcount > 0

    def exists(self, session_id: str, drawing_id: Optional[str]) -> bool:
        with self._sessions() as db:
            row = db.get(models.Drawing, drawing_id) if drawing_id else None
            return row is not None and row.session_id == session_id

    def get(self, session_id: str, drawing_id: str) -> Optional[DrawingInfo]:
        with self._sessions() as db:
            row = db.get(models.Drawing, drawing_id)
            return self._info(row) if row is not None and row.session_id == session_id else None

    def sent_in(self, session_id: str, turns: Iterable[TurnInfo]) -> Dict[int, Tuple[Optional[str], Optional[DrawingInfo]]]:
        """For each child's turn that sent a drawing, by its seq: the drawing's id, and the drawing
        if it is kept (for the transcript, which shows it rather than its payload)."""
        sent = {t.seq: drawing_id_of(t.payload) for t in turns if t.speaker == "child" and t.input == DRAWING_INPUT}
        kept = self.of_session(session_id) if sent else {}
        return {seq: (drawing_id, kept.get(drawing_id or "")) for seq, drawing_id in sent.items()}

    def of_session(self, session_id: str) -> Dict[str, DrawingInfo]:
        """Every kept drawing of a session, by id (none for a practice session)."""
        with self._sessions() as db:
            rows = db.execute(select(models.Drawing).where(models.Drawing.session_id == session_id)).scalars()
            return {row.id: self._info(row) for row in rows}

    def _info(self, row: models.Drawing) -> DrawingInfo:
        return DrawingInfo(id=row.id, session_id=row.session_id, message_id=row.message_id,
                           png=png_of(self._cipher.decrypt(row.image_encrypted)), sha256=row.sha256,
                           width=row.width, height=row.height)

