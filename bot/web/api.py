"""The JSON API the chat page uses, and scripts with an API token (`python -m bot users token NAME`).

Every call needs the logged-in cookie with the CSRF token in an X-CSRFToken header, or an
`Authorization: Bearer <token>` header. A practitioner only sees and drives the sessions of their
own cases; any other session is answered as if it did not exist (404). Anyone who logs in may start
and drive their own practice sessions (bot/dialogue/practice.py)."""
from __future__ import annotations

from typing import Any, Optional

from flask import Blueprint, abort, g, jsonify, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge

from bot.channel.incoming import valid_message_id
from bot.dialogue import practice
from bot.dialogue.sessions import SessionInputError, start_practice, start_session
from bot.store.drawing_image import MAX_DRAWING_BYTES, MESSAGES, NOT_ASKED, DrawingRefused, clean_png
from bot.store.drawings import Drawings
from bot.store.flags import FlagError, Flags
from bot.store.logins import Unlock
from bot.store.repository import CaseNotYours, SessionInfo
from bot.store.reviews import Reviews
from bot.web import assistant, progress, services
from bot.web.auth import current_login, end_login, logged_in_user, logins, token_user
from bot.web.child_mode import PANEL_OPEN_MINUTES

blueprint = Blueprint("api", __name__, url_prefix="/api")


def _error(status: int, error: str, message: str, **extra):
    return jsonify({"error": error, "message": message, **extra}), status


@blueprint.before_request
def _who_is_asking():
    if request.endpoint == "api.send_drawing":  # a drawing may be larger than any other request
        request.max_content_length = MAX_DRAWING_BYTES
    user, g.login = token_user(), None
    if user is None:
        user, g.login = logged_in_user(), current_login()
        if user is None:
            return _error(401, "not_logged_in", "log in, or send an API token")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            from bot.web import csrf

            try:
                csrf.protect()
            except CSRFError as error:
                return _error(400, "csrf", error.description)
    g.user = user


def _not_a_practitioner():
    return _error(403, "not_a_practitioner", "only a practitioner (fca) runs sessions with children")


@blueprint.before_request
def _practitioners_only():
    """Beyond practice, only a practitioner (fca) may use the API."""
    session_id = (request.view_args or {}).get("session_id", "")
    if g.user.role != "fca" and request.endpoint != "api.create_practice" and not practice.is_practice(session_id):
        return _not_a_practitioner()


def own_session(session_id: str) -> SessionInfo:
    session = services.store().get_session(session_id)
    if session is None or session.owner_id != g.user.id:
        abort(404)
    return session


@blueprint.errorhandler(RequestEntityTooLarge)
def _too_large(_exception):
    """A body over the limit, found wherever it is first read (the CSRF check reads the form)."""
    if request.endpoint == "api.send_drawing":
        refusal = DrawingRefused("too_large")
        return _error(413, "drawing_refused", str(refusal), reason=refusal.code)
    return _error(413, "too_large", "the request is too large")


@blueprint.errorhandler(404)
def _not_found(_exception):
    return _error(404, "not_found", "no such session among your cases")


@blueprint.route("/sessions", methods=["POST"])
def create_session():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(400, "bad_request", "send a JSON object")
    try:
        session = start_session(
            services.store(), services.pack(),
            case_reference=str(body.get("case_reference", "")),
            child_name=str(body.get("child_name", "")),
            age=_age(body.get("age")),
            language=str(body.get("language", "en")),
            practitioner=g.user.display_name,
            present=_optional_text(body.get("present")),
            place=_optional_text(body.get("place")),
            plan=body.get("plan"),
            child_chooses=bool(body.get("child_chooses", True)),
            read_aloud=body.get("read_aloud") if isinstance(body.get("read_aloud"), bool) else None,
            scribing=body.get("scribing") if isinstance(body.get("scribing"), bool) else None,
            seen_alone=body.get("seen_alone") if isinstance(body.get("seen_alone"), bool) else None,
            owner_id=g.user.id,
            case_about=_optional_text(body.get("case_about")),
        )
    except SessionInputError as error:
        return _error(400, "bad_session", str(error))
    except CaseNotYours as error:
        return _error(403, "case_not_yours", str(error))
    return jsonify({"id": session.id, "chat_url": url_for("pages.chat", session_id=session.id)}), 201


@blueprint.route("/practice", methods=["POST"])
def create_practice():
    """A practice session: {"age_band": "age_8_11", "plan": [...], "language": "en"}."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _error(400, "bad_request", "send a JSON object")
    try:
        session = start_practice(
            services.store(), services.pack(),
            age_band=str(body.get("age_band", "")),
            language=str(body.get("language", "en")),
            plan=body.get("plan"),
            practitioner=g.user.display_name,
            started_by=g.user.id,
            child_chooses=bool(body.get("child_chooses", False)),
        )
    except SessionInputError as error:
        return _error(400, "bad_session", str(error))
    return jsonify({
        "id": session.id, "practice": True, "chat_url": url_for("pages.chat", session_id=session.id)
    }), 201


@blueprint.route("/sessions/<session_id>/messages", methods=["POST"])
def send_message(session_id: str):
    session = own_session(session_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("message_id"), str):
        return _error(400, "bad_request", "send a JSON object with message_id and message or payload")
    message, payload = body.get("message"), body.get("payload")
    if (message is None) == (payload is None):
        return _error(400, "bad_request", "send either message (typed) or payload (a button)")
    scribed = body.get("scribed", False)
    if not isinstance(scribed, bool):
        return _error(400, "bad_scribed", "scribed must be true (you typed what the child said) or false")
    if scribed and payload is not None:
        return _error(400, "bad_scribed", "a button is always the child's own: scribed goes with a typed message only")
    return _sent(session, message_id=body["message_id"], message=message, payload=payload,
                 scribed_by=g.user.display_name if scribed else None)


@blueprint.route("/sessions/<session_id>/drawings", methods=["POST"])
def send_drawing(session_id: str):
    """A drawing as the answer to the question on the screen: the PNG is the body (image/png), the
    chat message's id in `?message_id=` (send the same again after a 503: it is kept once). It is
    checked and re-encoded (bot/store/drawing_image.py), kept encrypted (never for a practice), then
    sent to the assistant, which asks what it shows. Refused, with nothing kept: not a PNG, too big
    (413), or a question that a drawing does not answer (409)."""
    session = own_session(session_id)
    message_id = request.args.get("message_id", "")
    if not valid_message_id(message_id):
        return _error(400, "bad_request", "send the picture as the body (image/png) with ?message_id= "
                      "(1-64 letters, digits, '-' or '_')")
    if not session.is_open:
        return _error(409, "session_ended", "this session has ended")
    kept = Drawings(services.store()).kept_for(session.id, message_id)
    if kept:  # sent again (the first reply was lost): the channel answers it once
        return _sent(session, message_id=message_id, drawing=kept)
    if not session.practice and not services.store().offers_drawing_now(session.id):
        return _error(409, "drawing_not_asked", MESSAGES[NOT_ASKED])
    try:
        clean = clean_png(request.get_data(cache=False))  # over the limit: _too_large answers
    except DrawingRefused as refusal:
        return _error(413 if refusal.code == "too_large" else 400, "drawing_refused", str(refusal), reason=refusal.code)
    drawings = Drawings(services.store())
    drawing_id = drawings.keep(session.id, message_id, clean)
    sent = _sent(session, message_id=message_id, drawing=drawing_id)
    if isinstance(sent, tuple) and 400 <= sent[1] < 500:  # refused for good (not 503: that is sent again)
        drawings.forget_unanswered(session.id, drawing_id)
    return sent


def _sent(session: SessionInfo, *, message_id: str, message=None, payload=None, drawing=None, scribed_by=None):
    """The child's message (typed, a button or a drawing) sent to the assistant, and what it said back."""
    try:
        settings = services.settings()
        servers = assistant.servers_for(settings.webhook_urls, session.id, practice=session.practice)
        reply = assistant.send(servers, session.id, message=message, payload=payload, drawing=drawing,
                               message_id=message_id, token=settings.channel_token, scribed_by=scribed_by)
    except assistant.AssistantUnavailable:
        return _error(503, "assistant_unavailable", "the assistant is not answering; send the same message again")
    if reply.status != 200:
        return jsonify(reply.body), reply.status
    return jsonify({"messages": assistant.messages_of(reply), "status": _status(session.id), "alerts": _alerts(session.id),
                    "progress": progress.of_session(session.id)})


@blueprint.route("/sessions/<session_id>/messages", methods=["GET"])
def transcript(session_id: str):
    """`shown`: the bot's last messages, which the chat shows again after a reload; `messages`: the
    whole transcript, for the practitioner (an audit event: it holds the child's words), never for
    the tablet in child mode."""
    session = own_session(session_id)
    turns = services.store().transcript(session.id)
    history = {"status": session.status, "alerts": _alerts(session.id), "shown": _turns(last_bot_messages(turns)),
               "progress": progress.of_session(session.id), "scribing": session.scribing}
    if not _child_mode():
        history["messages"] = _turns(turns)
        if not session.practice:
            Reviews(services.store()).audit(g.user.name, "view_transcript", case_reference=session.case_reference,
                                            session_id=session.id, detail={"via": "api"})
    return jsonify(history)


def _turns(turns: list) -> list:
    return [{"speaker": t.speaker, "text": t.text, "payload": t.payload, "buttons": t.buttons, "at": t.at.isoformat(),
             "entered_by": t.entered_by, "scribe": t.scribe, **({"drawing": True} if t.offers_drawing else {})}
            for t in turns]


@blueprint.route("/sessions/<session_id>/scribing", methods=["POST"])
def scribing(session_id: str):
    """{"on": true}: the practitioner is writing down what the child says; the chat page then sends
    each typed message with `scribed`, and the record says who entered it. On a tablet in child
    mode the panel must be open (bot/web/child_mode.py)."""
    session = own_session(session_id)
    body = request.get_json(silent=True)
    on = body.get("on") if isinstance(body, dict) else None
    if not isinstance(on, bool):
        return _error(400, "bad_request", 'send {"on": true} or {"on": false}')
    services.store().set_scribing(session.id, on)
    return jsonify({"scribing": on})


@blueprint.route("/sessions/<session_id>/unlock", methods=["POST"])
def unlock(session_id: str):
    """The practitioner's code for the panel, typed on the tablet, opens it for a few minutes; too
    many wrong codes log the tablet out (bot/store/logins.py)."""
    own_session(session_id)
    if not _child_mode():
        return _error(400, "not_child_mode", "only a tablet in child mode has a locked panel")
    body = request.get_json(silent=True)
    pin = body.get("pin") if isinstance(body, dict) else None
    if not isinstance(pin, str) or not pin:
        return _error(400, "no_pin", "type the code you chose for your controls")
    result = logins().unlock(g.login.token, pin[:64], PANEL_OPEN_MINUTES)
    if result is Unlock.ENDED:
        end_login()
        return _error(401, "not_logged_in", "too many wrong codes: the tablet is logged out; log in again")
    if result is Unlock.WRONG:
        return _error(401, "wrong_pin", "that code is not right")
    return jsonify({"unlocked_until": logins().find(g.login.token).unlocked_until.isoformat()})


@blueprint.route("/sessions/<session_id>/lock", methods=["POST"])
def lock(session_id: str):
    own_session(session_id)
    if _child_mode():
        logins().lock(g.login.token)
    return jsonify({"locked": True})


@blueprint.route("/sessions/<session_id>/end", methods=["POST"])
def end(session_id: str):
    """The practitioner ends the session; in child mode, the tablet is logged out too."""
    session = own_session(session_id)
    if session.is_open:
        services.store().mark_ended(session.id, "ended")
    status = _status(session.id)
    if _child_mode():
        end_login()
        return jsonify({"status": status, "logged_out": True})
    return jsonify({"status": status})


@blueprint.route("/sessions/<session_id>/observations", methods=["POST"])
def observe(session_id: str):
    session = own_session(session_id)
    body = request.get_json(silent=True)
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or not text.strip():
        return _error(400, "empty_observation", "write the observation first")
    services.store().add_observation(session.id, g.user.name, text)
    return jsonify({"saved": True}), 201


@blueprint.route("/sessions/<session_id>/flags/<int:flag_id>/acknowledge", methods=["POST"])
def acknowledge(session_id: str, flag_id: int):
    """The practitioner has seen a safeguarding alert: who and when are recorded (once)."""
    session = own_session(session_id)
    try:
        flag = Flags(services.store()).acknowledge(session.id, flag_id, g.user.name)
    except FlagError:
        abort(404)
    Reviews(services.store()).audit(g.user.name, "acknowledge_flag", case_reference=session.case_reference,
                             session_id=session.id, detail={"flag": flag.id})
    return jsonify({
        "acknowledged_at": flag.acknowledged_at.isoformat(), "acknowledged_by": flag.acknowledged_by,
        "alerts": _alerts(session.id),
    })


def last_bot_messages(turns: list) -> list:
    """The bot's last run of messages (what the child was last shown), whatever came after it."""
    end = len(turns)
    while end and turns[end - 1].speaker != "bot":
        end -= 1
    start = end
    while start and turns[start - 1].speaker == "bot":
        start -= 1
    return turns[start:end]


def _child_mode() -> bool:
    """Whether this call comes from a tablet in child mode (an API token never is)."""
    return g.login is not None and g.login.child_mode


def _alerts(session_id: str) -> list:
    """The session's safeguarding flags not yet acknowledged: for the practitioner's discreet alert.
    Only when and where; the child's words are on the review page."""
    pack = services.pack()
    return [
        {"id": f.id, "at": f.at.isoformat(), "activity": pack.title(f.activity) if f.activity in pack.activities else None,
         "acknowledge_url": url_for("api.acknowledge", session_id=session_id, flag_id=f.id)}
        for f in Flags(services.store()).of_session(session_id) if f.acknowledged_at is None
    ]


def _status(session_id: str) -> str:
    session = services.store().get_session(session_id)
    return session.status if session else "unknown"


def _age(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip().isdigit():
        raise SessionInputError("age must be a whole number from 4 to 17")
    return int(value)


def _optional_text(value: Any) -> Optional[str]:
    return str(value) if value not in (None, "") else None

