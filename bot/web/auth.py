"""Logging in and out (Flask-Login), and who is asking: the logged-in practitioner, the tablet in
child mode, or the owner of an API token.

Each log-in is kept on the server (bot/store/logins.py): the cookie holds only its random id, so
logging out ends it for good, even for a copy of the cookie. Handing the tablet to the child ends
the practitioner's log-in on it and starts a child-mode one (bot/web/child_mode.py)."""
from __future__ import annotations

import logging
from typing import Optional

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from bot.store.accounts import TooManyFailures, UserInfo
from bot.store.logins import LoginInfo, Logins
from bot.web import services

blueprint = Blueprint("auth", __name__)
login_manager = LoginManager()
logger = logging.getLogger(__name__)  # user names only: never a password or token


class User(UserMixin):
    def __init__(self, login: LoginInfo):
        self.login = login

    @property
    def info(self) -> UserInfo:
        return self.login.user

    def get_id(self) -> str:
        return self.login.token  # Flask-Login's "alternative token": it dies with the log-in


def logins() -> Logins:
    return Logins(services.store())


@login_manager.user_loader
def _load_user(token: str) -> Optional[User]:
    login = logins().find(token)
    return User(login) if login else None


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"


def token_user() -> Optional[UserInfo]:
    """The user of the API token in the Authorization header (`Bearer <token>`), if any."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    return services.accounts().user_for_token(header[len("Bearer "):].strip())


def logged_in_user() -> Optional[UserInfo]:
    return current_user.info if current_user.is_authenticated else None


def current_login() -> Optional[LoginInfo]:
    return current_user.login if current_user.is_authenticated else None


def start_login(user_id: int, session_id: Optional[str] = None, pin: Optional[str] = None) -> None:
    """A new log-in on this browser (in child mode for `session_id`, its panel opening with `pin`):
    whatever log-in the cookie held before ends on the server, and the cookie starts afresh (with a
    new CSRF token)."""
    token = logins().start(user_id, session_id, pin)  # first: a bad code changes nothing
    end_login()
    session.permanent = True  # expires after WEB_IDLE_MINUTES without a request
    login_user(User(logins().find(token)))


def end_login() -> None:
    if current_user.is_authenticated:
        logins().end(current_user.login.token)
        logout_user()
    session.clear()


def check_password(name: str, password: str) -> Optional[UserInfo]:
    """The account, if the password is right; counted against this name from this address
    (bot/store/accounts.py). Raises TooManyFailures."""
    return services.accounts().check_password(name, password, client=request.remote_addr or "")


class LoginForm(FlaskForm):
    name = StringField(validators=[DataRequired(), Length(max=64)])
    password = PasswordField(validators=[DataRequired(), Length(max=1024)])


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    failed, locked = False, None
    if form.validate_on_submit():
        try:
            info = check_password(form.name.data.strip(), form.password.data)
        except TooManyFailures as refusal:
            locked = refusal.minutes
            logger.warning("log-in refused: user name locked after repeated failures")
        else:
            if info:
                start_login(info.id)
                logger.debug("%s logged in", info.name)
                return redirect(url_for("pages.home"))
            failed = True
            logger.debug("a log-in failed")
    words = services.wording()["practitioner"]
    status = 429 if locked else 401 if failed else 200
    return render_template("login.html", form=form, failed=failed, locked=locked, words=words), status


@blueprint.route("/logout", methods=["POST"])
@login_required
def logout():
    end_login()
    return redirect(url_for("auth.login"))
