"""Child mode: once the practitioner hands the tablet to the child, it can use that one session's
chat and nothing else.

Starting a session on the start form, or "Hand the tablet to the child" for a session already
started, ends the practitioner's log-in on that browser and starts a child-mode log-in for the
session (bot/store/logins.py). The tablet may then open that session's chat page, send its messages
and read back only what the chat shows (the bot's last messages: never the transcript). Any other
page, Back included, leads back to the chat; any other API call is refused. The practitioner's ⋯
panel (a note, ending the session, acknowledging a flag) needs their password first and stays
open for a few minutes or until it is closed. Ending the session from the panel, or "Log out of
this tablet", ends child mode: the tablet is logged out."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_login import login_required

from bot.web import services
from bot.web.auth import current_login, end_login, start_login

blueprint = Blueprint("child_mode", __name__)
PANEL_OPEN_MINUTES = 5
# what the tablet may do in child mode, each for its own session only
SESSION_ENDPOINTS = frozenset({
    "pages.chat", "api.send_message", "api.transcript", "api.unlock", "api.lock",
    "api.end", "api.observe", "api.acknowledge",
})
NEEDS_PASSWORD = frozenset({"api.end", "api.observe", "api.acknowledge"})
ALWAYS = frozenset({"static", "child_mode.leave", "auth.logout", "_health"})


def init_app(app) -> None:
    app.before_request(_only_the_childs_session)
    app.register_blueprint(blueprint)


def _only_the_childs_session():
    login = current_login()
    if login is None or not login.child_mode or request.endpoint in ALWAYS:
        return None
    session_id = (request.view_args or {}).get("session_id")
    if request.endpoint in SESSION_ENDPOINTS and session_id == login.session_id:
        if request.endpoint in NEEDS_PASSWORD and not login.unlocked:
            return jsonify({"error": "panel_locked", "message": "type the practitioner's password first"}), 403
        return None
    if request.path.startswith("/api/"):
        return jsonify({"error": "child_mode", "message": "this tablet may only use its child's chat"}), 403
    return redirect(url_for("pages.chat", session_id=login.session_id))


def hand_to_child(user_id: int, session_id: str):
    """End the practitioner's log-in on this browser; child mode for the session; its chat."""
    start_login(user_id, session_id)
    return redirect(url_for("pages.chat", session_id=session_id))


@blueprint.route("/chat/<session_id>/hand-over", methods=["POST"])
@login_required
def hand_over(session_id: str):
    login = current_login()
    session = services.store().get_session(session_id)
    if (session is None or session.practice or login.user.role != "fca" or session.owner_id != login.user.id
            or login.child_mode):
        abort(404)
    return hand_to_child(login.user.id, session.id)


def handover_page(session):
    """What a practitioner's own log-in sees at a session's chat address: the step that hands the
    tablet over, so their log-in is never left on the child's screen."""
    return render_template("handover.html", session=session, words=services.wording()["practitioner"])


@blueprint.route("/tablet/log-out", methods=["POST"])
def leave():
    """Ends child mode (no password needed: logging out only takes access away)."""
    end_login()
    return redirect(url_for("auth.login"))
