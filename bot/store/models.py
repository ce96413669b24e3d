"""Own Words' tables. Rasa keeps its own tracker store apart; these are the record of the session.

Columns ending in `_encrypted` hold Fernet tokens of the child's words (see crypto.py); they are
written and read only through repository.py.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class User(Base):
    """A practitioner, trainer or administrator who logs in to the web app."""

    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    name = Column(String(64), nullable=False, unique=True)  # what they log in with
    display_name = Column(String(200), nullable=False)  # what the child is told they are called
    role = Column(String(16), nullable=False)  # fca, trainer, admin
    password_hash = Column(Text, nullable=False)  # argon2
    created_at = Column(DateTime(timezone=True), nullable=False)


class LoginFailure(Base):
    """A log-in attempt not (yet) known to have succeeded, by the user name tried (known or not) and
    the address it came from: too many lock that name from that address, or that address, a while."""

    __tablename__ = "login_failures"

    id = Column(Integer, primary_key=True)
    name = Column(String(64), nullable=False, index=True)  # lower-case, as tried
    client = Column(String(64), nullable=False, default="", index=True)  # the address it came from
    at = Column(DateTime(timezone=True), nullable=False)


class Login(Base):
    """One log-in on one browser, kept on the server so that logging out ends it for good: the
    cookie holds only a random id whose SHA-256 is here. A child-mode log-in (the tablet handed to
    the child) may use one session's chat and nothing else."""

    __tablename__ = "logins"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    # child mode: the one session this log-in may chat in (None: the practitioner's own log-in)
    session_id = Column(String(36))
    created_at = Column(DateTime(timezone=True), nullable=False)
    ended_at = Column(DateTime(timezone=True))  # logged out, or child mode ended
    # child mode: the code the practitioner chose for the panel (Argon2; never their password, which a
    # tablet's browser may have saved), wrong codes typed so far, and until when the panel is open
    pin_hash = Column(Text)
    pin_failures = Column(Integer, nullable=False, default=0)
    unlocked_until = Column(DateTime(timezone=True))


class ApiToken(Base):
    """A token for scripted use of the JSON API; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    created_at = Column(DateTime(timezone=True), nullable=False)
    expires_at = Column(DateTime(timezone=True), nullable=False)  # API_TOKEN_DAYS after it was made
    revoked_at = Column(DateTime(timezone=True))  # `python -m bot users revoke-tokens NAME`


class Case(Base):
    __tablename__ = "cases"

    id = Column(Integer, primary_key=True)
    reference = Column(String(64), nullable=False, unique=True)
    practitioner = Column(String(200), nullable=False)
    # the user whose case it is (None for a case made on the command line, which no one's web
    # login can open)
    owner_id = Column(Integer)
    created_at = Column(DateTime(timezone=True), nullable=False)
    # when the proceedings ended for Own Words (`python -m bot cases close`): `purge` erases the case
    # RETENTION_DAYS after it
    closed_at = Column(DateTime(timezone=True))

    sessions = relationship("Session", back_populates="case")


class Session(Base):
    """One direct-work session with a child. Its id is the Rasa sender id."""

    __tablename__ = "sessions"

    id = Column(String(36), primary_key=True)
    # None for a practice session (bot/dialogue/practice.py), which belongs to no case
    case_id = Column(Integer, ForeignKey("cases.id"), index=True)
    started_by = Column(Integer)  # the user who started it (None: from the command line)
    child_name_encrypted = Column(Text, nullable=False)
    age = Column(Integer, nullable=False)
    age_band = Column(String(16), nullable=False)
    language = Column(String(8), nullable=False)
    practitioner = Column(String(200), nullable=False)
    present = Column(Text)
    place = Column(Text)
    plan = Column(JSON, nullable=False)
    # the child may choose which of the plan's activities comes next, where the bot offers it
    child_chooses = Column(Boolean, nullable=False, default=True)
    read_aloud = Column(Boolean, nullable=False, default=False)
    seen_alone = Column(Boolean)  # None: not recorded
    # what the case is about, in neutral words the practitioner chose to say to the child ("where you
    # live"): encrypted, as it may name the child's family; None: not given
    case_about_encrypted = Column(Text)
    prompt_pack_version = Column(String(64), nullable=False)
    status = Column(String(16), nullable=False)  # new, active, completed, stopped (by the child), ended (by the practitioner)
    created_at = Column(DateTime(timezone=True), nullable=False)
    started_at = Column(DateTime(timezone=True))
    ended_at = Column(DateTime(timezone=True))
    # the practitioner is writing down what the child says: the chat page marks each typed message
    # so while this is on (bot/web/api.py); each message's own mark is what the record keeps
    scribing = Column(Boolean, nullable=False, default=False)
    # the keyed hash over the chain's last link and its position (bot/store/chain.py): a deleted
    # last entry, or a link table cut short, no longer matches it
    chain_head = Column(String(64))

    case = relationship("Case", back_populates="sessions")


class Turn(Base):
    """One message of the transcript, as the child typed or tapped it or as the bot showed it."""

    __tablename__ = "turns"
    __table_args__ = (
        UniqueConstraint("session_id", "seq"),
        UniqueConstraint("session_id", "message_id"),
    )

    id = Column(Integer, primary_key=True)
    session_id = Column(String(36), ForeignKey("sessions.id"), nullable=False, index=True)
    seq = Column(Integer, nullable=False)
    speaker = Column(String(8), nullable=False)  # child, bot
    # the child's message id (unique per session); a bot turn has none
    message_id = Column(String(64))
    # for a bot turn, the child's message it answered
    reply_to = Column(String(64), index=True)
    # typed, button (child); text (bot)
    input = Column(String(8), nullable=False)
    # who entered a child's message: "child", or "practitioner" writing down what the child said
    # (scribing; then `scribe` is their name); a bot turn is "bot"
    entered_by = Column(String(16), nullable=False, default="child")
    scribe = Column(String(200))
    text_encrypted = Column(Text)
    payload = Column(String(200))  # the button payload a child tapped
    buttons = Column(JSON)  # the buttons a bot message offered: [{"title", "payload"}]
    offers_drawing = Column(Boolean, nullable=False, default=False)  # a bot message asking what a drawing may answer
    at = Column(DateTime(timezone=True), nullable=False)
    # set once every bot reply to this child message is recorded; a retry then replays them
    replied_at = Column(DateTime(timezone=True))
    # a child message's: the last of Rasa's events for the session before its first try; a retry
    # undoes any events an unfinished try left after it (bot/channel/tablet.py)
    tracker_mark = Column(Integer)


class Answer(Base):
    """A child's reply to one prompt, linked to the prompt and activity it answered."""

    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("session_id", "seq"),
        # a child's message answers one prompt at most, however often it is retried
        UniqueConstraint("session_id", "message_id"),
    )

    id = Column(Integer, primary_key=True)
    session_id = Column(String(36), ForeignKey("sessions.id"), nullable=False, index=True)
    seq = Column(Integer, nullable=False)
    activity = Column(String(64), nullable=False)
    prompt_key = Column(String(128), nullable=False)
    # the question as the child saw it: encrypted, as it may quote their words ("You chose ...")
    prompt_text_encrypted = Column(Text, nullable=False)
    kind = Column(String(16), nullable=False)  # answer, skipped, dont_know
    text_encrypted = Column(Text)  # None when the child tapped a button instead of typing
    choice = Column(String(200))  # the value (or payload) of the button the child tapped, if they did
    choice_label = Column(Text)  # the words on that button, as the child saw them
    # for a read-back or sharing answer: the activity it is about
    about_activity = Column(String(64))
    # as the message's turn: "child", or "practitioner" (with their name in `scribe`) writing it down
    entered_by = Column(String(16), nullable=False, default="child")
    scribe = Column(String(200))
    message_id = Column(String(64), nullable=False)
    at = Column(DateTime(timezone=True), nullable=False)
    # a drawing the child sent as this answer (kind `drawing`), or the drawing these words describe
    drawing_id = Column(String(36), index=True)


class Drawing(Base):
    """A picture the child drew as an answer: a PNG re-encoded from its pixels alone
    (bot/store/drawing_image.py), stored encrypted. Never kept for a practice session."""

    __tablename__ = "drawings"
    # the chat message that sent it: a retried upload is stored once
    __table_args__ = (UniqueConstraint("session_id", "message_id"),)

    id = Column(String(36), primary_key=True)
    session_id = Column(String(36), ForeignKey("sessions.id"), nullable=False, index=True)
    message_id = Column(String(64), nullable=False)
    image_encrypted = Column(Text, nullable=False)  # the PNG, base64, then encrypted
    sha256 = Column(String(64), nullable=False)  # of the PNG, for the exports' references
    width = Column(Integer, nullable=False)
    height = Column(Integer, nullable=False)
    at = Column(DateTime(timezone=True), nullable=False)


class ChainLink(Base):
    """One turn or answer's place in its session's chain (bot/store/chain.py): a keyed hash of its
    content and of the link before, so that a word changed, a row deleted or turns reordered in the
    database afterwards are found by `python -m bot verify SESSION`."""

    __tablename__ = "chain_links"
    __table_args__ = (UniqueConstraint("session_id", "position"),)

    id = Column(Integer, primary_key=True)
    session_id = Column(String(36), ForeignKey("sessions.id"), nullable=False, index=True)
    position = Column(Integer, nullable=False)  # 1, 2, ... in the order written
    kind = Column(String(8), nullable=False)  # turn, answer
    row_id = Column(Integer, nullable=False)  # turns.id or answers.id
    mac = Column(String(64), nullable=False)  # HMAC-SHA256, hex


class Notice(Base):
    """Something the practitioner must see during the session, such as the child asking for them."""

    __tablename__ = "notices"
    __table_args__ = (UniqueConstraint("session_id", "message_id", "kind"),)

    id = Column(Integer, primary_key=True)
    session_id = Column(String(36), ForeignKey("sessions.id"), nullable=False, index=True)
    kind = Column(String(32), nullable=False)  # talk_to_practitioner
    message_id = Column(String(64), nullable=False)
    at = Column(DateTime(timezone=True), nullable=False)
    acknowledged_at = Column(DateTime(timezone=True))


class Observation(Base):
    """The practitioner's note during a session: always apart from the child's words."""

    __tablename__ = "observations"

    id = Column(Integer, primary_key=True)
    session_id = Column(String(36), ForeignKey("sessions.id"), nullable=False, index=True)
    author = Column(String(64), nullable=False)
    text_encrypted = Column(Text, nullable=False)
    at = Column(DateTime(timezone=True), nullable=False)


class Review(Base):
    """The practitioner's decision on one answer: in the report or left out, and their note. The
    child's words themselves are never changed: they stay in `answers`."""

    __tablename__ = "reviews"

    id = Column(Integer, primary_key=True)
    answer_id = Column(Integer, ForeignKey("answers.id"), nullable=False, unique=True)
    included = Column(Boolean, nullable=False, default=True)
    note_encrypted = Column(Text)
    updated_by = Column(String(64), nullable=False)
    updated_at = Column(DateTime(timezone=True), nullable=False)


class AuditEvent(Base):
    """Who viewed, exported or changed what, and when. Holds no child's words."""

    __tablename__ = "audit_events"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime(timezone=True), nullable=False)
    actor = Column(String(64), nullable=False)
    action = Column(String(32), nullable=False)
    case_reference = Column(String(64), index=True)
    session_id = Column(String(36))
    detail = Column(JSON)


class Flag(Base):
    """A possible safeguarding disclosure: the child's exact words, when, where in the session, how
    it was found, what the bot said back, and who acknowledged the alert."""

    __tablename__ = "flags"
    __table_args__ = (UniqueConstraint("session_id", "message_id"),)

    id = Column(Integer, primary_key=True)
    session_id = Column(String(36), ForeignKey("sessions.id"), nullable=False, index=True)
    message_id = Column(String(64), nullable=False)
    words_encrypted = Column(Text, nullable=False)
    at = Column(DateTime(timezone=True), nullable=False)
    activity = Column(String(64))  # None before the first activity
    prompt_encrypted = Column(Text)  # what the bot had last said when the child wrote this
    # what raised the concern, as JSON, encrypted: it tells what kind of harm the child spoke of
    # {"lexicon": [{"concern", "phrase"}], "intent_confidence": 0.93}
    found_by_encrypted = Column(Text, nullable=False)
    reply_encrypted = Column(Text)  # what the bot said back (set once the bot has replied)
    acknowledged_at = Column(DateTime(timezone=True))
    acknowledged_by = Column(String(64))
