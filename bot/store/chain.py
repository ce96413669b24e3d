"""The session record's chain: every turn and answer, as it is written, is linked to the one before
it by a keyed hash (HMAC-SHA256) of its content and of that link.

What `python -m bot verify SESSION` then finds, made directly in the database afterwards:
- a word, a prompt, who entered it or when, changed, or a drawing's pixels (or the drawing
  deleted): that entry no longer matches its link;
- an entry deleted, or turns or answers reordered: the links no longer follow one another;
- the last entries deleted, with their links: the session's head (a keyed hash of the last link
  and its position) no longer matches;
- a turn or answer added without a link: it is named.
What it cannot find: the whole database put back as it was earlier; an export's chain head, kept
elsewhere, shows that.

The hash is over the words themselves, not over their encryption, so rotating the data key leaves
the chain valid. The chain key (OWN_WORDS_CHAIN_KEY) is kept like the data key: without it no one
can make a link that matches, nor guess a short answer ("yes") from its hash. Reviews, notes and
leave-out marks are outside the chain: they never change the child's words.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

from sqlalchemy import select, update

from bot.store import models

TURN, ANSWER = "turn", "answer"


def new_chain_key() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Verdict:
    session_id: str
    entries: int  # links found
    head: Optional[str]  # the session's chain head, as exports carry it
    problems: List[str] = field(default_factory=list)  # where the chain breaks, first break first
    chained: bool = True  # False: recorded before the chain existed (no links, but turns)

    @property
    def intact(self) -> bool:
        return self.chained and not self.problems


class Chain:
    def __init__(self, key: str):
        if not key:
            raise ValueError("OWN_WORDS_CHAIN_KEY is not set: run `make env` to add one to .env")
        self._key = key.encode("utf-8")

    # writing ----------------------------------------------------------------------------------

    def append(self, db, session_id: str, kind: str, row_id: int, content: Dict[str, Any]) -> None:
        """Link a new turn or answer (already flushed, so it has its id) to the session's chain, in
        the caller's transaction. Two writers taking the same position: the unique constraint
        refuses the second, whose transaction is then retried (repository._insert_once)."""
        last = db.execute(
            select(models.ChainLink).where(models.ChainLink.session_id == session_id)
            .order_by(models.ChainLink.position.desc()).limit(1)
        ).scalar_one_or_none()
        position = last.position + 1 if last else 1
        mac = self._mac(last.mac if last else "", kind, content)
        db.add(models.ChainLink(session_id=session_id, position=position, kind=kind, row_id=row_id, mac=mac))
        # an UPDATE, not the session loaded for one column: this runs for every turn and answer
        db.execute(update(models.Session).where(models.Session.id == session_id)
                   .values(chain_head=self._head(position, mac)))

    # checking ---------------------------------------------------------------------------------

    def verify(self, db, session_id: str, decrypt) -> Verdict:
        """Recompute the session's chain from its rows; `decrypt` reads an encrypted column."""
        session = db.get(models.Session, session_id)
        links = list(db.execute(
            select(models.ChainLink).where(models.ChainLink.session_id == session_id).order_by(models.ChainLink.position)
        ).scalars())
        turns = {r.id: r for r in db.execute(select(models.Turn).where(models.Turn.session_id == session_id)).scalars()}
        answers = {r.id: r for r in db.execute(select(models.Answer).where(models.Answer.session_id == session_id)).scalars()}
        head = session.chain_head if session else None
        if not links and (turns or answers):
            return Verdict(session_id, 0, head, ["recorded before the record was chained: nothing to check"], chained=False)

        problems: List[str] = []
        previous, linked = "", {TURN: set(), ANSWER: set()}
        for expected, link in enumerate(links, start=1):
            if link.position != expected:
                problems.append(f"entry {expected} is missing: the chain jumps to entry {link.position}")
            rows = turns if link.kind == TURN else answers
            row = rows.get(link.row_id)
            if row is None:
                problems.append(f"entry {link.position} ({link.kind}) has been deleted")
            else:
                linked[link.kind].add(row.id)
                content = turn_content(row, decrypt(row.text_encrypted)) if link.kind == TURN else answer_content(
                    row, decrypt(row.prompt_text_encrypted), decrypt(row.text_encrypted), drawing_hash(db, row, decrypt))
                if not hmac.compare_digest(self._mac(previous, link.kind, content), link.mac):
                    problems.append(f"entry {link.position} ({_name(link.kind, row)}) has been changed, "
                                    "moved or does not follow the entry before it")
            previous = link.mac
        if links and not hmac.compare_digest(head or "", self._head(links[-1].position, links[-1].mac)):
            problems.append(f"the record ends early or its head was altered: entry {links[-1].position} "
                            "is not the last one written")
        for kind, rows in ((TURN, turns), (ANSWER, answers)):
            for row in sorted(rows.values(), key=lambda r: r.seq):
                if row.id not in linked[kind]:
                    problems.append(f"{_name(kind, row)} was added outside the record")
        return Verdict(session_id, len(links), head, problems)

    # the hashes -------------------------------------------------------------------------------

    def _mac(self, previous: str, kind: str, content: Dict[str, Any]) -> str:
        message = json.dumps({"previous": previous, "kind": kind, **content}, ensure_ascii=False, sort_keys=True,
                             separators=(",", ":"))
        return hmac.new(self._key, message.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def _head(self, position: int, mac: str) -> str:
        return hmac.new(self._key, f"head:{position}:{mac}".encode("ascii"), hashlib.sha256).hexdigest()


def turn_content(row: models.Turn, text: Optional[str]) -> Dict[str, Any]:
    """What a turn's link vouches for: everything the child or the bot said and how, with when;
    not `replied_at` nor `tracker_mark`, marks of the channel's progress."""
    content = {
        "session_id": row.session_id, "seq": row.seq, "speaker": row.speaker, "input": row.input,
        "entered_by": row.entered_by, "scribe": row.scribe, "text": text, "payload": row.payload,
        "buttons": row.buttons, "message_id": row.message_id, "reply_to": row.reply_to, "at": _moment(row.at),
    }
    if row.offers_drawing:  # (only then, so that turns chained before drawings existed still match)
        content["offers_drawing"] = True
    return content


def answer_content(row: models.Answer, prompt_text: str, text: Optional[str], drawing: Optional[str] = None
                   ) -> Dict[str, Any]:
    """`drawing`: the hash of the pixels of the drawing the answer is or describes (drawing_hash)."""
    content = {
        "session_id": row.session_id, "seq": row.seq, "activity": row.activity, "prompt_key": row.prompt_key,
        "prompt_text": prompt_text, "kind": row.kind, "text": text, "choice": row.choice,
        "choice_label": row.choice_label, "about_activity": row.about_activity, "entered_by": row.entered_by,
        "scribe": row.scribe, "message_id": row.message_id, "at": _moment(row.at),
    }
    if row.drawing_id:  # (only then, so that answers chained before drawings existed still match)
        content["drawing"] = {"id": row.drawing_id, "sha256": drawing}
    return content


def png_of(stored: str) -> bytes:
    """A kept drawing's PNG from its decrypted column (base64)."""
    return base64.b64decode(stored.encode("ascii"), validate=True)


def drawing_hash(db, row: models.Answer, decrypt) -> Optional[str]:
    """The SHA-256 of the pixels of the drawing an answer is or describes, as kept now (None: no
    drawing, or it is gone), so that a drawing changed or deleted afterwards breaks the chain."""
    if not row.drawing_id:
        return None
    drawing = db.get(models.Drawing, row.drawing_id)
    if drawing is None:
        return None
    return hashlib.sha256(png_of(decrypt(drawing.image_encrypted))).hexdigest()


def _moment(moment: datetime) -> str:
    # SQLite hands datetimes back without their zone; everything is stored in UTC
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def _name(kind: str, row) -> str:
    return f"{'turn' if kind == TURN else 'answer'} {row.seq}"
