"""Child mode: once the practitioner hands the tablet to the child, it can use that one session's
chat and nothing else.

Starting a session on the start form, or "Hand the tablet to the child" for a session already
started, ends the practitioner's log-in on that browser and starts a child-mode log-in for the
session (bot/store/logins.py). The tablet may then open that session's chat page, send its messages
and read back only what the chat shows (the bot's last messages: never the transcript). Any other
page, Back included, leads back to the chat; any other API call is refused. The practitioner's ⋯
panel (a note, ending the session, acknowledging a flag, writing down what the child says) needs the code they chose when handing
the tablet over (never their password: a tablet's browser may have saved it) and stays open for a
few minutes or until it is closed; five wrong codes log the tablet out. Ending the session from the
panel, or "Log out of this tablet", ends child mode: the tablet is logged out."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired

from bot.store.logins import PinError
from bot.web import csrf, services
from bot.web.auth import current_login, end_login, start_login

blueprint = Blueprint("child_mode", __name__)
PANEL_OPEN_MINUTES = 5
# what the tablet may do in child mode, each for its own session only
SESSION_ENDPOINTS = frozenset({
    "pages.chat", "api.send_message", "api.send_drawing", "api.transcript", "api.unlock", "api.lock",
    "api.end", "api.observe", "api.acknowledge", "api.scribing",
})
NEEDS_PASSWORD = frozenset({"api.end", "api.observe", "api.acknowledge", "api.scribing"})
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


class HandOverForm(FlaskForm):
    panel_pin = PasswordField(validators=[DataRequired()])


def hand_to_child(user_id: int, session_id: str, pin: str):
    """End the practitioner's log-in on this browser; child mode for the session (its panel opening
    with `pin`); its chat. Raises PinError for a code that is not 4 to 8 digits."""
    start_login(user_id, session_id, pin)
    return redirect(url_for("pages.chat", session_id=session_id))


@blueprint.route("/chat/<session_id>/hand-over", methods=["POST"])
@login_required
def hand_over(session_id: str):
    login = current_login()
    session = services.store().get_session(session_id)
    if (session is None or session.practice or not session.is_open or login.user.role != "fca"
            or session.owner_id != login.user.id or login.child_mode):
        abort(404)
    form = HandOverForm()
    if form.validate_on_submit():
        try:
            return hand_to_child(login.user.id, session.id, form.panel_pin.data)
        except PinError as error:
            return handover_page(session, problem=str(error)), 400
    return handover_page(session, problem=services.wording()["practitioner"]["panel_pin_missing"]), 400


def handover_page(session, problem=None):
    """What a practitioner's own log-in sees at a session's chat address: the step that hands the
    tablet over, so their log-in is never left on the child's screen."""
    return render_template("handover.html", session=session, form=HandOverForm(), problem=problem,
                           words=services.wording()["practitioner"])


@blueprint.route("/tablet/log-out", methods=["POST"])
@csrf.exempt  # logging out only takes access away; after the idle time the token has gone with the log-in
def leave():
    """Ends child mode (no code needed)."""
    end_login()
    return redirect(url_for("auth.login"))
