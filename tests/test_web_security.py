"""The web app's defences, through Flask's test client on a real database: child mode (the tablet
handed to a child reaches its own chat and nothing else; the practitioner's panel needs their
password), log-ins that end for good, the log-in limits under attempts made at once, API tokens
that expire and can be revoked, audit events for every read of a child's words, and files only
their owner can read."""
from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from bot.dialogue.sessions import start_session
from bot.store import accounts as accounts_module
from bot.store.accounts import TooManyFailures
from bot.store.flags import Flags
from bot.store.repository import BotMessage
from bot.store.reviews import Reviews
from tests.servers import ROOT

PASSWORD = "correct horse battery staple"
PIN = "2468"  # the code the practitioner chooses for their panel on the tablet


@pytest.fixture
def app(web_app):
    web_app.extensions["own_words"]["accounts"].add("alex", PASSWORD, "fca", "Alex Morgan")
    return web_app


def parts(app):
    own = app.extensions["own_words"]
    return own["store"], own["accounts"], own["pack"]


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf[-_]token"[^>]*(?:value|content)="([^"]+)"', page).group(1)


def log_in(client, name="alex", password=PASSWORD):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


def start_on_the_form(client, case="CHILD-1", child="Kit") -> str:
    """The practitioner starts a session on the tablet: the tablet is handed to the child."""
    form = client.get("/sessions/new").get_data(as_text=True)
    started = client.post("/sessions/new", data={
        "csrf_token": csrf_of(form), "case_reference": case, "child_name": child, "age": "9", "language": "en",
        "activities": ["warm_up"], "read_aloud": "auto", "seen_alone": "", "panel_pin": PIN,
    })
    assert started.status_code == 302, started.get_data(as_text=True)
    return started.headers["Location"].rsplit("/", 1)[1]


def session_cookie(client) -> str:
    return client.get_cookie("own_words_session").value


def test_a_tablet_handed_to_the_child_reaches_its_own_chat_and_nothing_else(app):
    store, _, pack = parts(app)
    user = app.extensions["own_words"]["accounts"].by_name("alex")
    other = start_session(store, pack, case_reference="OTHER-CHILD", child_name="Mo", age=8, language="en",
                          practitioner="Alex Morgan", owner_id=user.id)
    store.record_answer(other.id, activity="warm_up", prompt_key="warm_up_likes", prompt_text="Tell me",
                        kind="answer", text="Mo's private words", message_id="m1")
    tablet = app.test_client()
    log_in(tablet)
    practitioners_cookie = session_cookie(tablet)
    session_id = start_on_the_form(tablet)
    chat = tablet.get(f"/chat/{session_id}")
    assert chat.status_code == 200 and 'id="unlock-form"' in chat.get_data(as_text=True)

    # every page of the practitioner's leads back to the chat: My sessions, review, another chat,
    # the start form (Back), the log-in page, practice
    for page in ("/", f"/sessions/{other.id}", f"/sessions/{session_id}", f"/sessions/{other.id}/transcript",
                 f"/sessions/{other.id}/export.json", f"/chat/{other.id}", "/sessions/new", "/login", "/practice",
                 "/cases/OTHER-CHILD/compare"):
        response = tablet.get(page)
        assert (response.status_code, response.headers.get("Location")) == (302, f"/chat/{session_id}"), page
    # and the API only serves its own session's chat
    csrf = {"X-CSRFToken": csrf_of(chat.get_data(as_text=True))}
    for method, path, body in (
        ("get", f"/api/sessions/{other.id}/messages", None),
        ("post", f"/api/sessions/{other.id}/messages", {"message_id": "x", "message": "words in Mo's record"}),
        ("post", f"/api/sessions/{other.id}/end", {}),
        ("post", f"/api/sessions/{other.id}/observations", {"text": "a note"}),
        ("post", "/api/sessions", {"case_reference": "NEW-1", "child_name": "X", "age": 9, "language": "en"}),
        ("post", "/api/practice", {"age_band": "age_8_11"}),
    ):
        response = getattr(tablet, method)(path, json=body, headers=csrf)
        assert (response.status_code, response.json["error"]) == (403, "child_mode"), path
    assert store.get_session(other.id).status == "new" and store.observations(other.id) == []
    assert [t for t in store.transcript(other.id)] == []

    # the practitioner's own log-in on the tablet ended at the hand-over: a copy of its cookie is dead
    thief = app.test_client()
    thief.set_cookie("own_words_session", practitioners_cookie, domain="localhost")
    assert thief.get("/").status_code == 302 and thief.get("/").headers["Location"].startswith("/login")
    assert thief.get(f"/api/sessions/{other.id}/messages").status_code == 401


def test_in_child_mode_the_chat_reads_back_only_what_it_shows_and_no_childs_words(app):
    store, _, _ = parts(app)
    tablet = app.test_client()
    log_in(tablet)
    session_id = start_on_the_form(tablet)
    store.record_child_turn(session_id, "m1", input="button", text=None, payload="/start")
    store.record_bot_replies(session_id, "m1", [BotMessage("What do you like doing?", None)])
    store.record_child_turn(session_id, "m2", input="typed", text="a secret only the court may read", payload=None)
    store.record_bot_replies(session_id, "m2", [BotMessage("Thank you.", None), BotMessage("What is your wish?", None)])
    store.record_child_turn(session_id, "m3", input="typed", text="still being answered", payload=None)
    history = tablet.get(f"/api/sessions/{session_id}/messages").json
    assert [m["text"] for m in history["shown"]] == ["Thank you.", "What is your wish?"]  # shown again on a reload
    assert "messages" not in history and "a secret only the court may read" not in str(history)
    assert history["status"] == "new"  # the chat page sends /start only to a session not begun
    events = [e["action"] for e in Reviews(store).audit_events("CHILD-1")]
    assert "view_transcript" not in events  # nothing of the child's words was read


def test_the_practitioners_panel_needs_their_password_and_ending_the_session_logs_the_tablet_out(app):
    store, _, _ = parts(app)
    tablet = app.test_client()
    log_in(tablet)
    session_id = start_on_the_form(tablet)
    flag = Flags(store).record(session_id, "m1", words="he hurts me", activity="warm_up", prompt="Tell me",
                               found_by={"lexicon": [], "intent_confidence": 0.9})
    csrf = {"X-CSRFToken": csrf_of(tablet.get(f"/chat/{session_id}").get_data(as_text=True))}
    api = f"/api/sessions/{session_id}"
    locked = {"observations": {"text": "written by a child"}, f"flags/{flag.id}/acknowledge": {}, "end": {}}
    for path, body in locked.items():
        response = tablet.post(f"{api}/{path}", json=body, headers=csrf)
        assert (response.status_code, response.json["error"]) == (403, "panel_locked"), path
    assert store.observations(session_id) == [] and Flags(store).of_session(session_id)[0].acknowledged_at is None
    assert store.get_session(session_id).status == "new"

    wrong = tablet.post(f"{api}/unlock", json={"pin": "1234"}, headers=csrf)
    assert (wrong.status_code, wrong.json["error"]) == (401, "wrong_pin")
    refused = tablet.post(f"{api}/unlock", json={"pin": PASSWORD}, headers=csrf)  # the account's password is not it
    assert (refused.status_code, refused.json["error"]) == (401, "wrong_pin")
    assert tablet.post(f"{api}/unlock", json={"pin": PIN}).status_code == 400  # CSRF still checked
    opened = tablet.post(f"{api}/unlock", json={"pin": PIN}, headers=csrf)
    assert opened.status_code == 200 and opened.json["unlocked_until"]
    assert tablet.post(f"{api}/observations", json={"text": "Calm"}, headers=csrf).status_code == 201
    assert tablet.post(f"{api}/lock", headers=csrf).status_code == 200  # the panel closed
    assert tablet.post(f"{api}/observations", json={"text": "again"}, headers=csrf).json["error"] == "panel_locked"
    tablet.post(f"{api}/unlock", json={"pin": PIN}, headers=csrf)
    seen = tablet.post(f"{api}/flags/{flag.id}/acknowledge", headers=csrf)
    assert seen.status_code == 200 and seen.json["acknowledged_by"] == "alex"
    ended = tablet.post(f"{api}/end", headers=csrf)
    assert ended.json == {"status": "ended", "logged_out": True}
    assert [o["text"] for o in store.observations(session_id)] == ["Calm"]
    assert tablet.get(f"/chat/{session_id}").headers["Location"].startswith("/login")
    assert tablet.get(f"{api}/messages").status_code == 401


def test_the_panel_stays_open_only_a_few_minutes(app, monkeypatch):
    from bot.store import logins as logins_module
    from bot.web.child_mode import PANEL_OPEN_MINUTES

    tablet = app.test_client()
    log_in(tablet)
    session_id = start_on_the_form(tablet)
    csrf = {"X-CSRFToken": csrf_of(tablet.get(f"/chat/{session_id}").get_data(as_text=True))}
    tablet.post(f"/api/sessions/{session_id}/unlock", json={"pin": PIN}, headers=csrf)
    later = logins_module.utcnow() + timedelta(minutes=PANEL_OPEN_MINUTES, seconds=1)
    monkeypatch.setattr(logins_module, "utcnow", lambda: later)
    refused = tablet.post(f"/api/sessions/{session_id}/end", headers=csrf)
    assert refused.json["error"] == "panel_locked"


def test_a_child_guessing_codes_logs_the_tablet_out_and_locks_nobody_out_of_their_account(app):
    from bot.store.logins import MAX_PIN_FAILURES

    tablet = app.test_client()
    log_in(tablet)
    session_id = start_on_the_form(tablet)
    csrf = {"X-CSRFToken": csrf_of(tablet.get(f"/chat/{session_id}").get_data(as_text=True))}
    for _ in range(MAX_PIN_FAILURES - 1):
        assert tablet.post(f"/api/sessions/{session_id}/unlock", json={"pin": "0000"}, headers=csrf).json["error"] == "wrong_pin"
    last = tablet.post(f"/api/sessions/{session_id}/unlock", json={"pin": "0000"}, headers=csrf)
    assert (last.status_code, last.json["error"]) == (401, "not_logged_in")
    assert tablet.get(f"/chat/{session_id}").headers["Location"].startswith("/login")
    assert log_in(tablet).status_code == 302  # the practitioner logs straight back in, from the same tablet


def test_log_out_of_this_tablet_needs_no_password_and_ends_child_mode(app):
    tablet = app.test_client()
    log_in(tablet)
    session_id = start_on_the_form(tablet)
    assert tablet.get(f"/chat/{session_id}").status_code == 200
    cookie = session_cookie(tablet)
    assert tablet.post("/tablet/log-out").status_code == 302  # no token needed: it only takes access away
    assert tablet.get(f"/chat/{session_id}").headers["Location"].startswith("/login")
    replay = app.test_client()
    replay.set_cookie("own_words_session", cookie, domain="localhost")
    assert replay.get(f"/chat/{session_id}").headers["Location"].startswith("/login")


def test_a_practitioner_opening_a_chat_is_asked_to_hand_the_tablet_over(app):
    store, _, pack = parts(app)
    user = app.extensions["own_words"]["accounts"].by_name("alex")
    session = start_session(store, pack, case_reference="HAND-1", child_name="Kit", age=9, language="en",
                            practitioner="Alex Morgan", owner_id=user.id)
    laptop = app.test_client()
    log_in(laptop)
    page = laptop.get(f"/chat/{session.id}").get_data(as_text=True)
    assert 'id="handover-form"' in page and 'id="conversation"' not in page
    no_code = laptop.post(f"/chat/{session.id}/hand-over", data={"csrf_token": csrf_of(page)})
    assert no_code.status_code == 400 and 'id="handover-form"' in no_code.get_data(as_text=True)
    short = laptop.post(f"/chat/{session.id}/hand-over", data={"csrf_token": csrf_of(page), "panel_pin": "12"})
    assert short.status_code == 400 and laptop.get("/").status_code == 200  # still the practitioner's log-in
    handed = laptop.post(f"/chat/{session.id}/hand-over", data={"csrf_token": csrf_of(page), "panel_pin": PIN})
    assert handed.headers["Location"] == f"/chat/{session.id}"
    assert 'id="conversation"' in laptop.get(f"/chat/{session.id}").get_data(as_text=True)
    assert laptop.get("/").headers["Location"] == f"/chat/{session.id}"


def test_a_copied_cookie_is_refused_after_logging_out(app):
    laptop = app.test_client()
    log_in(laptop)
    copied = session_cookie(laptop)
    home = laptop.get("/").get_data(as_text=True)
    assert laptop.post("/logout", data={"csrf_token": csrf_of(home)}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("own_words_session", copied, domain="localhost")
    assert replay.get("/").status_code == 302
    assert replay.get("/api/sessions/x/messages").status_code == 401


def test_log_ins_tried_at_the_same_moment_are_counted_one_after_another(app):
    _, accounts, _ = parts(app)
    attempts = 10

    def guess(_):
        try:
            return accounts.check_password("alex", "a wrong guess", client="203.0.113.7")
        except TooManyFailures:
            return "refused"

    with ThreadPoolExecutor(attempts) as pool:
        results = list(pool.map(guess, range(attempts)))
    assert results.count(None) == accounts_module.MAX_FAILURES  # checked (and wrong)
    assert results.count("refused") == attempts - accounts_module.MAX_FAILURES
    with pytest.raises(TooManyFailures):
        accounts.check_password("alex", PASSWORD, client="203.0.113.7")
    # the practitioner, from their own machine, is not locked out by someone else's guesses
    assert accounts.check_password("alex", PASSWORD, client="198.51.100.2").name == "alex"


def test_an_address_guessing_many_names_is_refused(app):
    _, accounts, _ = parts(app)
    for number in range(accounts_module.MAX_CLIENT_FAILURES):
        assert accounts.check_password(f"name{number}", "a guess", client="203.0.113.9") is None
    with pytest.raises(TooManyFailures):
        accounts.check_password("alex", PASSWORD, client="203.0.113.9")
    assert accounts.check_password("alex", PASSWORD, client="192.0.2.1").name == "alex"


def test_api_tokens_expire_and_can_be_revoked(app, monkeypatch):
    _, accounts, _ = parts(app)
    client = app.test_client()
    token, expires = accounts.new_token("alex", days=2)
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/sessions/none/messages", headers=bearer).status_code == 404  # known: a 404
    assert timedelta(days=2) - timedelta(minutes=1) < expires - accounts_module.utcnow() <= timedelta(days=2)
    later = accounts_module.utcnow() + timedelta(days=2, seconds=1)
    monkeypatch.setattr(accounts_module, "utcnow", lambda: later)
    assert client.get("/api/sessions/none/messages", headers=bearer).status_code == 401
    monkeypatch.undo()
    first, _ = accounts.new_token("alex", days=30)
    second, _ = accounts.new_token("alex", days=30)
    assert accounts.revoke_tokens("alex") == 3  # the expired one too: none can come back
    for revoked in (first, second):
        assert client.get("/api/sessions/none/messages", headers={"Authorization": f"Bearer {revoked}"}).status_code == 401
    assert accounts.user_for_token(accounts.new_token("alex", days=1)[0]).name == "alex"  # a new one works


def test_reading_the_transcript_through_the_api_is_audited(app):
    store, accounts, pack = parts(app)
    user = accounts.by_name("alex")
    session = start_session(store, pack, case_reference="AUDIT-1", child_name="Kit", age=9, language="en",
                            practitioner="Alex Morgan", owner_id=user.id)
    token, _ = accounts.new_token("alex", days=1)
    read = app.test_client().get(f"/api/sessions/{session.id}/messages", headers={"Authorization": f"Bearer {token}"})
    assert read.status_code == 200
    events = [(e["actor"], e["action"], e["detail"]) for e in Reviews(store).audit_events("AUDIT-1")]
    assert ("alex", "view_transcript", {"via": "api"}) in events


def run_bot(env, *args, umask=None):
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          preexec_fn=(lambda: os.umask(umask)) if umask is not None else None, check=False)


@pytest.fixture
def cli_env(database_url, data_key):
    return {**os.environ, "DATABASE_URL": database_url, "OWN_WORDS_DATA_KEY": data_key}


def test_the_commands_make_expiring_tokens_revoke_them_and_audit_transcript_reads(app, cli_env):
    store, accounts, pack = parts(app)
    made = run_bot({**cli_env, "API_TOKEN_DAYS": "3"}, "users", "token", "alex")
    token = made.stdout.strip()
    assert made.returncode == 0 and "\n" not in token and "works until" in made.stderr
    assert accounts.user_for_token(token).name == "alex"
    revoked = run_bot(cli_env, "users", "revoke-tokens", "alex")
    assert revoked.returncode == 0 and "Revoked 1 API tokens of alex." in revoked.stdout
    assert accounts.user_for_token(token) is None
    assert run_bot(cli_env, "users", "revoke-tokens", "nobody").returncode == 2

    session = start_session(store, pack, case_reference="AUDIT-2", child_name="Kit", age=9, language="en",
                            practitioner="Alex Morgan")
    assert run_bot(cli_env, "transcript", session.id).returncode == 0
    assert [e["action"] for e in Reviews(store).audit_events("AUDIT-2")] == ["view_transcript"]


def test_every_process_makes_files_only_their_owner_can_read(tmp_path, cli_env):
    # started with a permissive umask, as a shell often is: each process of ours narrows it first
    for module in ("bot", "actions.capture", "bot.channel.tablet"):
        shown = subprocess.run([sys.executable, "-c", f"import os, {module}; print(oct(os.umask(0)))"], cwd=ROOT,
                               env=cli_env, capture_output=True, text=True, preexec_fn=lambda: os.umask(0o022),
                               check=True)
        assert shown.stdout.split()[-1] == "0o77", module
    database = tmp_path / "var" / "own_words.db"
    migrated = run_bot({**cli_env, "DATABASE_URL": f"sqlite:///{database}"}, "migrate", umask=0o022)
    assert migrated.returncode == 0, migrated.stderr
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700
    assert [p.name for p in database.parent.iterdir() if stat.S_IMODE(p.stat().st_mode) != 0o600] == []


def test_env_is_private_from_its_first_byte_and_an_open_one_is_tightened(tmp_path):
    from bot.envfile import ensure_env_file
    from bot.private_files import tighten

    (tmp_path / ".env.example").write_text((ROOT / ".env.example").read_text(encoding="utf-8"), encoding="utf-8")
    previous = os.umask(0o000)  # the most open a process could be
    try:
        ensure_env_file(tmp_path)
        assert stat.S_IMODE((tmp_path / ".env").stat().st_mode) == 0o600
        (tmp_path / ".env").chmod(0o644)
        ensure_env_file(tmp_path)  # an older version's .env
        assert stat.S_IMODE((tmp_path / ".env").stat().st_mode) == 0o600
        old = tmp_path / "var" / "old"
        old.mkdir(parents=True)
        (old / "own_words.db").write_text("x")
        tighten(tmp_path / "var")
    finally:
        os.umask(previous)
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "var", old)} == {0o700}
    assert stat.S_IMODE((old / "own_words.db").stat().st_mode) == 0o600


def test_an_export_of_words_holding_half_an_emoji_is_the_exact_characters_not_a_failure(app):
    store, accounts, pack = parts(app)
    session = start_session(store, pack, case_reference="HALF-1", child_name="Kit", age=9, language="en",
                            practitioner="Alex Morgan", owner_id=accounts.by_name("alex").id)
    half = "a dog \ud83d and a cat"  # a lone surrogate, as a client can send in JSON ("\\ud83d")
    store.record_answer(session.id, activity="warm_up", prompt_key="warm_up_likes", prompt_text="Tell me",
                        kind="answer", text=half, message_id="m1")
    laptop = app.test_client()
    log_in(laptop)
    for fmt in ("md", "html", "json"):
        export = laptop.get(f"/sessions/{session.id}/export.{fmt}")
        assert export.status_code == 200, fmt
        assert half.encode("utf-8", "surrogatepass") in export.data or fmt == "json" and b"\\ud83d" in export.data


def test_purge_forgets_failed_log_ins_past_their_window_and_log_ins_over_a_day_old(app, cli_env):
    from sqlalchemy import text

    store, accounts, _ = parts(app)
    accounts.check_password("alex", "a wrong guess", client="203.0.113.5")
    laptop = app.test_client()
    log_in(laptop)  # a log-in still in use
    with store.sessionmaker.begin() as db:
        db.execute(text("UPDATE login_failures SET at = '2020-01-01 00:00:00'"))
        db.execute(text("INSERT INTO logins (token_hash, user_id, created_at, ended_at, pin_failures) "
                        "VALUES ('old', 1, '2020-01-01 00:00:00', '2020-01-01 01:00:00', 0)"))
    purged = run_bot(cli_env, "purge")
    assert purged.returncode == 0 and "Forgot 1 failed log-ins and 1 log-ins" in purged.stdout, purged.stderr
    with store.sessionmaker() as db:
        assert db.execute(text("SELECT count(*) FROM login_failures")).scalar_one() == 0
        kept = db.execute(text("SELECT token_hash FROM logins")).scalars().all()
    assert len(kept) == 1 and "old" not in kept
    assert laptop.get("/").status_code == 200  # today's log-in goes on
