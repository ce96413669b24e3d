"""The web app: the only part a browser talks to. It logs practitioners in, starts sessions, serves
the child's chat page and a small JSON API, and calls the Rasa server itself, on 127.0.0.1.

Log-in sessions are Flask-Login's, in Flask's signed cookie (HttpOnly, SameSite=Strict, Secure,
expiring after WEB_IDLE_MINUTES without a request) holding only the id of a log-in kept on the
server (bot/web/auth.py); a tablet handed to a child is in child mode (bot/web/child_mode.py); every form and state-changing API call is
CSRF-checked by Flask-WTF, unless it carries an API token instead of the cookie."""
from __future__ import annotations

from datetime import timedelta
from typing import Optional

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.config import Settings, SettingsError, load_settings
from bot.pack.prompt_pack import PromptPack
from bot.store.accounts import Accounts
from bot.store.repository import Store

csrf = CSRFProtect()


def create_app(settings: Optional[Settings] = None) -> Flask:
    settings = settings or load_settings()
    if not settings.web_secret_key:
        raise SettingsError("WEB_SECRET_KEY is not set. Run `make env` to add a fresh one to .env.")
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.web_secret_key,
        SESSION_COOKIE_NAME="own_words_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.web_cookie_secure,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=settings.web_idle_minutes),
        SESSION_REFRESH_EACH_REQUEST=True,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the log-in session
        MAX_CONTENT_LENGTH=256 * 1024,
    )
    store = Store.from_settings(settings)
    app.extensions["own_words"] = {
        "settings": settings,
        "store": store,
        "accounts": Accounts(store),
        "pack": PromptPack.load(),
    }
    csrf.init_app(app)
    if settings.web_trusted_proxies:
        # behind HTTPS proxies, the client's address (for the log-in limits) is theirs to tell
        n = settings.web_trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    from bot.web import api, auth, child_mode, pages, review

    auth.init_app(app)
    child_mode.init_app(app)
    app.register_blueprint(auth.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(review.blueprint)
    app.register_blueprint(api.blueprint)
    csrf.exempt(api.blueprint)  # the API checks CSRF itself, unless an API token is used

    @app.get("/healthz")
    def _health():
        return "ok"

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; media-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if not response.headers.get("Cache-Control"):
            response.headers["Cache-Control"] = "no-store"
        return response

    return app
