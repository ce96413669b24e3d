"""Logging in and out (Flask-Login), and who is asking: the logged-in practitioner, or the owner
of an API token."""
from __future__ import annotations

import logging
from typing import Optional

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from bot.store.accounts import TooManyFailures, UserInfo
from bot.web import services

blueprint = Blueprint("auth", __name__)
login_manager = LoginManager()
logger = logging.getLogger(__name__)  # user names only: never a password or token


class User(UserMixin):
    def __init__(self, info: UserInfo):
        self.info = info

    def get_id(self) -> str:
        return str(self.info.id)


@login_manager.user_loader
def _load_user(user_id: str) -> Optional[User]:
    info = services.accounts().get(int(user_id)) if user_id.isdigit() else None
    return User(info) if info else None


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


class LoginForm(FlaskForm):
    name = StringField(validators=[DataRequired(), Length(max=64)])
    password = PasswordField(validators=[DataRequired(), Length(max=1024)])


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    failed, locked = False, None
    if form.validate_on_submit():
        try:
            info = services.accounts().check_password(form.name.data.strip(), form.password.data)
        except TooManyFailures as refusal:
            locked = refusal.minutes
            logger.warning("log-in refused: user name locked after repeated failures")
        else:
            if info:
                session.clear()
                session.permanent = True  # expires after WEB_IDLE_MINUTES without a request
                login_user(User(info))
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
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))
