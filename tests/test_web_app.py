"""The web app on its own (Flask's test client, a real database): accounts, and what happens when
the assistant behind it does not answer."""
from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import text

from bot.store.accounts import AccountError, Accounts

PASSWORD = "correct horse battery staple"


@pytest.fixture
def app(web_app):
    return web_app


def accounts(app) -> Accounts:
    return app.extensions["own_words"]["accounts"]


def test_passwords_are_hashed_and_checked(app):
    user = accounts(app).add("alex", PASSWORD, "fca", "Alex Morgan")
    assert accounts(app).check_password("alex", PASSWORD) == user
    assert accounts(app).check_password("alex", PASSWORD + "!") is None
    assert accounts(app).check_password("nobody", PASSWORD) is None
    with app.extensions["own_words"]["store"].sessionmaker() as db:
        stored = db.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith("$argon2") and PASSWORD not in stored


@pytest.mark.parametrize("name,password,role,problem", [
    ("Alex Morgan", PASSWORD, "fca", "user name"),
    ("alex", "short", "fca", "at least"),
    ("alex", PASSWORD, "judge", "role"),
])
def test_bad_accounts_are_refused_clearly(app, name, password, role, problem):
    with pytest.raises(AccountError, match=problem):
        accounts(app).add(name, password, role)


def test_when_the_assistant_does_not_answer_the_api_says_so_and_stores_nothing(app):
    accounts(app).add("alex", PASSWORD, "fca")
    token, _ = accounts(app).new_token("alex", days=30)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/sessions", json={"case_reference": "C-1", "child_name": "Zoë", "age": 6,
                                                 "language": "en"}, headers=headers)
    assert created.status_code == 201 and created.json["chat_url"].startswith("/chat/")
    session_id = created.json["id"]
    reply = client.post(f"/api/sessions/{session_id}/messages",
                        json={"message_id": "m1", "message": "my words"}, headers=headers)
    assert (reply.status_code, reply.json["error"]) == (503, "assistant_unavailable")
    assert app.extensions["own_words"]["store"].transcript(session_id) == []
    session = app.extensions["own_words"]["store"].get_session(session_id)
    assert session.read_aloud is True and session.status == "new"  # read aloud by default for 4-7


def test_pages_need_a_log_in_and_carry_security_headers(app):
    client = app.test_client()
    home = client.get("/")
    assert home.status_code == 302 and "/login" in home.headers["Location"]
    login = client.get("/login")
    assert "default-src 'self'" in login.headers["Content-Security-Policy"]
    assert login.headers["Cache-Control"] == "no-store"
    assert client.get("/api/sessions/x/messages").status_code == 401


def log_in(client, name="alex", password=PASSWORD):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


def test_the_log_in_cookie_is_secure_http_only_strict_and_expires_when_idle(app, monkeypatch):
    accounts(app).add("alex", PASSWORD, "fca")
    client = app.test_client()
    assert log_in(client, password="wrong password!").status_code == 401
    response = log_in(client)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert all(flag in cookie for flag in ("Secure", "HttpOnly", "SameSite=Strict"))
    assert client.get("/").status_code == 200
    idle = app.permanent_session_lifetime.total_seconds()
    later = time.time() + idle + 60
    monkeypatch.setattr(time, "time", lambda: later)  # itsdangerous reads the clock here
    assert client.get("/").status_code == 302  # signed too long ago: logged out


def test_logging_out_ends_the_log_in_and_needs_the_csrf_token(app):
    accounts(app).add("alex", PASSWORD, "fca")
    client = app.test_client()
    log_in(client)
    home = client.get("/").get_data(as_text=True)
    assert client.post("/logout").status_code == 400  # no CSRF token: refused
    assert client.get("/").status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', home).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/").status_code == 302


def test_my_cases_and_the_same_activity_side_by_side_across_sessions(app):
    from bot.dialogue.sessions import start_session

    user = accounts(app).add("alex", PASSWORD, "fca", "Alex Morgan")
    store, pack = app.extensions["own_words"]["store"], app.extensions["own_words"]["pack"]
    said = ["<b>first</b> time", "second time\nmore"]
    for number, words in enumerate(said):
        session = start_session(store, pack, case_reference="CMP-1", child_name="Zoë", age=9, language="en",
                                practitioner="Alex Morgan", owner_id=user.id)
        store.record_answer(session.id, activity="warm_up", prompt_key="warm_up_likes", prompt_text="Tell me",
                            kind="answer", text=words, message_id=f"m{number}")
    client = app.test_client()
    log_in(client)
    home = client.get("/").get_data(as_text=True)
    assert "Case CMP-1" in home and "/cases/CMP-1/compare" in home
    page = client.get("/cases/CMP-1/compare").get_data(as_text=True)
    assert page.index("&lt;b&gt;first&lt;/b&gt; time") < page.index("second time\nmore")
    assert client.get("/cases/NOT-MINE/compare").status_code == 404


def test_safeguarding_flags_alert_the_practitioner_and_their_acknowledgement_is_recorded(app):
    from bot.dialogue.sessions import start_session
    from bot.store.flags import Flags
    from bot.store.reviews import Reviews

    user = accounts(app).add("alex", PASSWORD, "fca", "Alex Morgan")
    accounts(app).add("sam", PASSWORD, "fca", "Sam Jones")
    accounts(app).add("terry", PASSWORD, "trainer", "Terry Trainer")
    store, pack = app.extensions["own_words"]["store"], app.extensions["own_words"]["pack"]
    session = start_session(store, pack, case_reference="FLAG-1", child_name="Kit", age=9, language="en",
                            practitioner="Alex Morgan", owner_id=user.id)
    quiet = start_session(store, pack, case_reference="FLAG-1", child_name="Kit", age=9, language="en",
                          practitioner="Alex Morgan", owner_id=user.id)
    words = "he hits me <img src=x onerror=alert(1)>"
    flag = Flags(store).record(session.id, "m1", words=words, activity="three_houses", prompt="Tell me about worries.",
                               found_by={"lexicon": [{"concern": "physical_harm", "phrase": "hit* me"}],
                                         "intent_confidence": 0.2})

    client = app.test_client()
    log_in(client)
    home = client.get("/").get_data(as_text=True)
    assert home.count("⚑ 1") == 1  # the flagged session is marked; the other is not
    history = client.get(f"/api/sessions/{session.id}/messages").json
    [alert] = history["alerts"]
    assert alert["id"] == flag.id and "words" not in alert and words not in str(history)
    assert client.get(f"/api/sessions/{quiet.id}/messages").json["alerts"] == []

    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert page.index("Safeguarding flags") < page.index("About the session")
    assert "he hits me &lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page

    for other, refused in (("sam", 404), ("terry", 403)):  # another practitioner; a trainer
        bearer = {"Authorization": f"Bearer {accounts(app).new_token(other, days=1)[0]}"}
        assert app.test_client().post(alert["acknowledge_url"], headers=bearer).status_code == refused
        other_client = app.test_client()
        log_in(other_client, other)
        assert other_client.get(f"/sessions/{session.id}").status_code == refused

    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get(f"/chat/{session.id}").get_data(as_text=True))
    assert client.post(alert["acknowledge_url"]).status_code == 400  # no CSRF token
    seen = client.post(alert["acknowledge_url"], headers={"X-CSRFToken": csrf.group(1)})
    assert seen.status_code == 200 and seen.json["alerts"] == [] and seen.json["acknowledged_by"] == "alex"
    [kept] = Flags(store).of_session(session.id)
    assert kept.acknowledged_by == "alex" and kept.acknowledged_at is not None
    events = [(e["actor"], e["action"]) for e in Reviews(store).audit_events("FLAG-1")]
    assert ("alex", "acknowledge_flag") in events
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "acknowledged by alex" in page


def test_a_flag_can_be_acknowledged_from_the_review_page(app):
    from bot.dialogue.sessions import start_session
    from bot.store.flags import Flags

    user = accounts(app).add("alex", PASSWORD, "fca", "Alex Morgan")
    store, pack = app.extensions["own_words"]["store"], app.extensions["own_words"]["pack"]
    session = start_session(store, pack, case_reference="FLAG-2", child_name="Kit", age=12, language="en",
                            practitioner="Alex Morgan", owner_id=user.id)
    flag = Flags(store).record(session.id, "m1", words="i want to die", activity=None, prompt=None,
                               found_by={"lexicon": [], "intent_confidence": 0.8})
    client = app.test_client()
    log_in(client)
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "the assistant&#39;s trained model" in page or "the assistant's trained model" in page
    form = re.search(r'action="(/sessions/[^"]+/acknowledge)"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"', page)
    assert client.post(form.group(1)).status_code == 400  # no CSRF token
    assert client.post(form.group(1), data={"csrf_token": form.group(2)}).status_code == 302
    assert Flags(store).of_session(session.id)[0].acknowledged_by == "alex"
    assert "Mark as seen" not in client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert flag.id == Flags(store).of_session(session.id)[0].id


def test_the_practice_page_starts_a_marked_session_for_a_trainer_that_nobody_can_review(app):
    accounts(app).add("tina", PASSWORD, "trainer", "Tina Trainer")
    accounts(app).add("alex", PASSWORD, "fca")
    store = app.extensions["own_words"]["store"]
    client = app.test_client()
    log_in(client, "tina")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/practice"' in home and "/sessions/new" not in home  # a trainer practises, runs no session
    form = client.get("/practice").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    assert client.post("/practice", data={"age_band": "age_4_7", "language": "en"}).status_code == 400  # no CSRF
    refused = client.post("/practice", data={"csrf_token": token, "age_band": "age_4_7", "language": "en"})
    assert refused.status_code == 400 and "plan must list" in refused.get_data(as_text=True)
    started = client.post("/practice", data={"csrf_token": token, "age_band": "age_4_7", "language": "en",
                                             "activities": ["feelings"]})
    assert started.status_code == 302
    chat_url = started.headers["Location"]
    session = store.get_session(chat_url.rsplit("/", 1)[1])
    assert session.practice and session.age_band == "age_4_7" and session.plan == ["feelings"]
    page = client.get(chat_url).get_data(as_text=True)
    assert 'id="practice-banner"' in page and "nothing typed here is kept" in page
    assert client.get(f"/sessions/{session.id}").status_code == 403  # a trainer reviews nothing

    other = app.test_client()
    log_in(other, "alex")
    assert other.get(chat_url).status_code == 404  # someone else's practice
    store.mark_started(session.id)
    assert "cannot be shown" in client.get(chat_url).get_data(as_text=True)  # nothing kept to show again
    assert "practice-" not in other.get("/").get_data(as_text=True)
    from bot.dialogue.sessions import start_practice

    alex = accounts(app).by_name("alex")
    own = start_practice(store, app.extensions["own_words"]["pack"], age_band="age_8_11", language="en", plan=None,
                         practitioner="Alex", started_by=alex.id)
    assert other.get(f"/chat/{own.id}").status_code == 200
    assert other.get(f"/sessions/{own.id}").status_code == 404  # nothing of a practice to review


def test_repeated_failed_log_ins_lock_the_user_name_for_a_while(app, monkeypatch):
    from datetime import timedelta

    from bot.store import accounts as accounts_module

    accounts(app).add("alex", PASSWORD, "fca")
    client = app.test_client()
    for _ in range(accounts_module.MAX_FAILURES):
        assert log_in(client, password="a wrong guess").status_code == 401
    refused = log_in(client)  # the right password, but too late
    assert refused.status_code == 429
    assert "Too many failed log-ins for this user name. Try again in 15 minutes." in refused.get_data(as_text=True)
    assert log_in(client, "ALEX", PASSWORD).status_code == 429  # the same name, however it is typed
    accounts(app).add("sam", PASSWORD, "fca")
    assert log_in(app.test_client(), "sam").status_code == 302  # other names are not locked
    later = accounts_module.utcnow() + accounts_module.FAILURE_WINDOW + timedelta(seconds=1)
    monkeypatch.setattr(accounts_module, "utcnow", lambda: later)
    assert log_in(client).status_code == 302  # the window has passed
    monkeypatch.undo()
    assert log_in(app.test_client(), password="one more wrong").status_code == 401  # success cleared the count
