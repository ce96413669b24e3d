"""The web app, through its real server with Rasa and the action server behind it: the JSON API (with
an API token, and with the log-in cookie and CSRF), who may see which session, and the chat page in
a real browser (Playwright driving Debian's Chromium)."""
from __future__ import annotations

import json
import re
import sqlite3
import uuid
from pathlib import Path

import pytest
import requests
import yaml

from bot.pack.prompt_pack import PromptPack
from bot.report.render import QUOTE_PREFIX
from tests.servers import ROOT, Wording, words_checked_as

pytestmark = pytest.mark.servers

PASSWORD = "correct horse battery staple"
PIN = "97531"  # the code the practitioner chooses for their panel on the tablet
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "var" / "test-results" / "screenshots"
WORDING = Wording("Alex Morgan")
WEB_WORDING = yaml.safe_load((ROOT / "bot" / "web" / "wording.yml").read_text(encoding="utf-8"))["en"]


@pytest.fixture(scope="module")
def servers(shared_servers):
    for name, display in (("alex", "Alex Morgan"), ("sam", "Sam Jones")):
        shared_servers.cli("users", "add", name, "--role", "fca", "--display-name", display, "--password-stdin",
                           stdin=PASSWORD + "\n")
    shared_servers.cli("users", "add", "tina", "--role", "trainer", "--password-stdin", stdin=PASSWORD + "\n")
    return shared_servers


class Api:
    def __init__(self, servers, user):
        self.base = servers.web_url
        self.headers = {"Authorization": "Bearer " + servers.cli("users", "token", user).strip()}

    def post(self, path, body=None):
        return requests.post(self.base + path, json=body, headers=self.headers, timeout=120)

    def get(self, path):
        return requests.get(self.base + path, headers=self.headers, timeout=60)

    def new_session(self, **fields):
        body = {"case_reference": "WEB-1", "child_name": "Zoë", "age": 9, "language": "en",
                "plan": ["warm_up", "three_wishes"], **fields}
        reply = self.post("/api/sessions", body)
        assert reply.status_code == 201, reply.text
        return reply.json()["id"]

    def say(self, session_id, **body):
        reply = self.post(f"/api/sessions/{session_id}/messages", {"message_id": uuid.uuid4().hex, **body})
        assert reply.status_code == 200, reply.text
        return reply.json()


def exported(servers, session_id):
    return json.loads(servers.cli("export", session_id, "--format", "json"))


def test_a_whole_session_through_the_api_with_a_token(servers, awkward_answers):
    api = Api(servers, "alex")
    session_id = api.new_session()
    first = api.say(session_id, payload="/start")
    assert first["messages"][-1]["text"] == WORDING.text("utter_ask_warm_up_likes", "age_8_11")
    typed = [awkward_answers[0], awkward_answers[6], "  spaces kept  ", "/restart", "a bit tired", "just sleepy", "Pizza 🍕"]
    questions = ["warm_up_likes", "three_wishes_first", "three_wishes_second", "three_wishes_third", "closing_mood",
                 "closing_mood_more", "closing_looking_forward"]
    expected, sent = [], [None]
    for question, text in zip(questions, typed):
        reply = api.say(session_id, message=text)
        expected.append((question, text))
        sent.append(text)
        if WORDING.checked_control("age_8_11", reply["messages"]):  # kept, then checked with the child: "No, carry on"
            reply = api.say(session_id, payload="/deny")
            expected.append(("control_check", None))
            sent.append(None)
    assert reply["status"] == "completed"
    answers = [(a["prompt_key"], a["text"]) for a in exported(servers, session_id)["answers"]]
    assert answers == expected
    history = api.get(f"/api/sessions/{session_id}/messages").json()
    assert [m["text"] for m in history["messages"] if m["speaker"] == "child"] == sent
    assert api.post(f"/api/sessions/{session_id}/observations", {"text": "Calm, chatty"}).status_code == 201
    assert servers.store().observations(session_id)[0]["text"] == "Calm, chatty"


def test_a_practitioner_cannot_open_drive_or_end_another_practitioners_session(servers):
    alex, sam = Api(servers, "alex"), Api(servers, "sam")
    session_id = alex.new_session(case_reference="ALEX-ONLY")
    for path in ("/messages", "/end", "/observations"):
        reply = sam.post(f"/api/sessions/{session_id}{path}", {"message_id": "x1", "payload": "/start", "text": "x"})
        assert (reply.status_code, reply.json()["error"]) == (404, "not_found")
    assert sam.get(f"/api/sessions/{session_id}/messages").status_code == 404
    reply = sam.post("/api/sessions", {"case_reference": "ALEX-ONLY", "child_name": "X", "age": 9, "language": "en"})
    assert (reply.status_code, reply.json()["error"]) == (403, "case_not_yours")
    assert servers.store().transcript(session_id) == []  # nothing reached the session
    assert servers.store().get_session(session_id).status == "new"


def test_the_api_refuses_strangers_trainers_bad_input_and_cookies_without_csrf(servers):
    base = servers.web_url
    assert requests.post(base + "/api/sessions", json={}, timeout=30).status_code == 401
    bad = requests.post(base + "/api/sessions", json={}, headers={"Authorization": "Bearer nope"}, timeout=30)
    assert bad.status_code == 401
    trainer = Api(servers, "tina")
    assert trainer.post("/api/sessions", {}).json()["error"] == "not_a_practitioner"
    alex = Api(servers, "alex")
    reply = alex.post("/api/sessions", {"case_reference": "X-1", "child_name": "A", "age": 3, "language": "en"})
    assert (reply.status_code, reply.json()["error"]) == (400, "bad_session") and "4 to 17" in reply.json()["message"]
    session_id = alex.new_session(case_reference="X-2")
    reply = alex.post(f"/api/sessions/{session_id}/messages", {"message_id": "m1"})
    assert reply.status_code == 400
    # logged in with the cookie, but no CSRF token: refused. (requests keeps a Secure cookie off
    # plain http, as it should; browsers make an exception for 127.0.0.1, so it is sent by hand.)
    login_page = requests.get(base + "/login", timeout=30)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page.text).group(1)
    cookie = next(c for c in login_page.cookies if c.name == "own_words_session")
    assert cookie.secure and cookie.has_nonstandard_attr("HttpOnly")
    logged_in = requests.post(
        base + "/login", data={"name": "alex", "password": PASSWORD, "csrf_token": token},
        headers={"Cookie": f"own_words_session={cookie.value}"}, allow_redirects=False, timeout=30,
    )
    assert logged_in.status_code == 302, logged_in.text
    session_cookie = {"Cookie": f"own_words_session={logged_in.cookies['own_words_session']}"}
    assert requests.get(base + "/", headers=session_cookie, timeout=30).status_code == 200
    refused = requests.post(base + f"/api/sessions/{session_id}/end", json={}, headers=session_cookie, timeout=30)
    assert (refused.status_code, refused.json()["error"]) == (400, "csrf")
    assert servers.store().get_session(session_id).status == "new"


def files_holding(folder: Path, words: str) -> list:
    """Every file under `folder` (databases, their journals, logs) whose bytes hold `words`."""
    needle = words.encode("utf-8")
    return [path for path in folder.rglob("*") if path.is_file() and needle in path.read_bytes()]


def rows_of(servers, table: str, session_id: str) -> int:
    column = "sender_id" if table == "events" else "session_id"
    database = servers.settings["TRACKER_DB"] if table == "events" else servers.settings["DATABASE_URL"][len("sqlite:///"):]
    with sqlite3.connect(database) as connection:
        return connection.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", (session_id,)).fetchone()[0]


def test_a_trainer_practises_and_nothing_typed_in_practice_is_kept_anywhere(servers):
    tina, alex = Api(servers, "tina"), Api(servers, "alex")
    band = "age_4_7"
    created = tina.post("/api/practice", {"age_band": band, "plan": ["three_wishes", "read_back"]})
    assert created.status_code == 201, created.text
    practice_id = created.json()["id"]
    assert created.json()["practice"] and servers.store().get_session(practice_id).case_reference is None

    first = tina.say(practice_id, payload="/start")
    assert first["messages"][-1]["text"] == WORDING.text("utter_ask_three_wishes_first", band)
    wish = "a practice wish for a marmalade cat"
    tina.say(practice_id, message=wish)
    tina.say(practice_id, payload="/skip")
    worry = "my uncle hurts me when mum is out"  # a disclosure, as a trainer would test the response
    checked = tina.say(practice_id, message=worry)
    assert checked["messages"][-1]["text"] == Wording("tina").text("utter_ask_safeguarding_check", band)
    assert checked["alerts"] == []  # practice raises no flag
    heard = tina.say(practice_id, payload="/deny")
    # the read-back quotes the wish: the action server held it, in memory, for the conversation
    assert any(wish in (m.get("text") or "") for m in heard["messages"]), heard

    # a real session at the same time is kept as always: in our tables and Rasa's tracker store
    real_id = alex.new_session(case_reference="REAL-BESIDE-PRACTICE", plan=["three_wishes"])
    alex.say(real_id, payload="/start")
    alex.say(real_id, message="a real wish kept for the court")
    assert rows_of(servers, "events", real_id) > 0 and rows_of(servers, "answers", real_id) == 1

    assert tina.post(f"/api/sessions/{practice_id}/end").status_code == 200
    for table in ("events", "turns", "answers", "flags", "notices"):
        assert rows_of(servers, table, practice_id) == 0, table
    for words in (wish, worry, "marmalade"):
        assert files_holding(servers.home, words) == [], words
    assert files_holding(servers.home, "REAL-BESIDE-PRACTICE")  # the search finds what is there (in the clear)
    assert not [f for f in servers.store().answers(real_id) if f.text != "a real wish kept for the court"]


def test_practice_sessions_are_only_their_starters_and_are_never_reviewed(servers):
    tina, alex = Api(servers, "tina"), Api(servers, "alex")
    practice_id = tina.post("/api/practice", {"age_band": "age_12_17"}).json()["id"]
    assert alex.post(f"/api/sessions/{practice_id}/messages", {"message_id": "m", "payload": "/start"}).status_code == 404
    assert tina.post("/api/practice", {"age_band": "babies"}).json()["error"] == "bad_session"
    assert tina.post("/api/sessions", {}).json()["error"] == "not_a_practitioner"  # a real session: still refused
    mine = servers.store().get_session(alex.post("/api/practice", {"age_band": "age_8_11", "plan": ["scale"]}).json()["id"])
    assert mine.practice and mine.id not in [s.id for s in servers.store().sessions_of(mine.owner_id)]


# --- the chat page in a real browser -------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: `make test` installs it (make browser)"
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield browser
        browser.close()


def log_in(page, servers, name="alex"):
    page.goto(servers.web_url + "/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(servers.web_url + "/")


def start_in_browser(page, servers, age, plan, case="BROWSER-1", shot=None):
    page.goto(servers.web_url + "/sessions/new")
    page.fill("#case_reference", case)
    page.fill("#child_name", "Zoë")
    page.fill("#age", str(age))
    page.fill("#panel_pin", PIN)
    for box in page.query_selector_all("input[name=activities]"):
        if (box.get_attribute("value") in plan) != box.is_checked():
            box.click()
    if shot:
        screenshot(page, shot, full_page=True)
        check_accessibility(page)
    page.click("#start-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/chat/[0-9a-f-]+$"))
    return page.url.rsplit("/", 1)[1]


def open_panel(page):
    """The practitioner's ⋯ panel on a tablet in child mode: their code first."""
    page.click("#practitioner-open")
    page.wait_for_selector("#unlock-form:not([hidden])")
    assert page.locator("#panel-controls").is_hidden()
    page.fill("#panel-pin", PIN)
    page.click("#unlock")
    page.wait_for_selector("#panel-controls:not([hidden])")


def last_message(page):
    page.wait_for_selector("#choices button.choice, body:not(.busy) .message")
    return page.locator(".message p").last


def wait_for_question(page, text):
    try:
        page.wait_for_function(
            "(t) => [...document.querySelectorAll('.message p')].some(p => p.textContent === t)"
            " && !document.body.classList.contains('busy')",
            arg=text, timeout=60000,
        )
    except Exception:
        screenshot(page, "failed")
        raise AssertionError(f"waited for {text!r}; the page shows:\n{page.inner_text('body')}") from None


def check_accessibility(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not serious, json.dumps([(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in serious], indent=1)


def progress_path(page):
    """The 4-7 page's path of activities: each step's state, and whether its picture came from the
    app's own static files and was drawn."""
    return page.eval_on_selector_all("#progress-path li", """steps => steps.map(step => {
        const picture = step.querySelector('img');
        return [step.className.replace('step ', ''), step.title,
                !!picture && picture.src.startsWith(location.origin + '/static/pictures/') && picture.naturalWidth > 0];
    })""")


def screenshot(page, name, full_page=False):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


@pytest.mark.parametrize("age,band,viewport", [
    (5, "age_4_7", {"width": 1280, "height": 800}),
    (9, "age_8_11", {"width": 800, "height": 1280}),
    (15, "age_12_17", {"width": 390, "height": 844}),
])
def test_a_child_answers_in_the_browser_and_every_word_is_stored_exactly(servers, browser, age, band, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    log_in(page, servers)
    session_id = start_in_browser(
        page, servers, age, ["warm_up", "feelings", "scale"], case=f"BROWSER-{age}",
        shot=f"start-page-{viewport['width']}x{viewport['height']}",
    )
    wait_for_question(page, WORDING.text("utter_ask_warm_up_likes", band))
    check_accessibility(page)
    young = band == "age_4_7"
    pack = PromptPack.load(ROOT)
    names = [pack.activities[key].name_for_child or pack.title(key) for key in ("warm_up", "feelings", "scale", "closing")]
    if young:  # a path of pictures across the top, the first activity ringed
        assert progress_path(page) == [["current", names[0], True]] + [["to_do", name, True] for name in names[1:]]
    else:  # a plainer page: one line, no pictures
        assert page.locator("#progress img, #progress-path").count() == 0
        assert page.inner_text("#progress-count") == WEB_WORDING["chat"]["progress_count"][band].format(done=0, total=4)

    typed = "I like 🐶 and drawing\n  with my nan  "
    page.fill("#typed", typed)
    page.click("#send")
    wait_for_question(page, WORDING.text("utter_ask_choose_next_activity", band))
    if young:  # the activities to choose from as big buttons with their pictures
        choices = page.locator("#choices button.choice.picture")
        assert choices.count() == 2 and page.locator("#choices button.choice.picture img[alt='']").count() == 2
        assert all(src.startswith("/static/pictures/") for src in page.eval_on_selector_all(
            "#choices img", "images => images.map(i => i.getAttribute('src'))"))
        assert min(choices.nth(i).bounding_box()["height"] for i in range(2)) >= 100
        for size in ({"width": 800, "height": 1280}, {"width": 390, "height": 844}):
            page.set_viewport_size(size)
            screenshot(page, f"chat-age-{age}-choose-{size['width']}x{size['height']}")
        check_accessibility(page)
        page.set_viewport_size(viewport)
    page.locator("#choices button.choice", has_text="Feelings faces").click()  # the child chooses
    wait_for_question(page, WORDING.text("utter_ask_feelings_home", band))
    if young:  # the choice makes it current at once, and the warm-up is ticked
        assert [state for state, _, _ in progress_path(page)] == ["done", "current", "to_do", "to_do"]
        assert page.locator("#progress-path li[aria-current=step]").get_attribute("title") == names[1]
        assert page.locator("#choices button.choice").first.bounding_box()["height"] >= 100  # big faces
    else:
        assert page.inner_text("#progress-count") == WEB_WORDING["chat"]["progress_count"][band].format(done=1, total=4)
    assert page.locator("#typed").input_value() == ""  # sent, and only then cleared
    faces = page.locator("#choices button.choice")
    assert faces.count() == 10 and page.locator("#choices .face").count() == 10  # faces with a word under
    for size in (viewport, {"width": 390, "height": 844}, {"width": 800, "height": 1280}):
        page.set_viewport_size(size)  # the same page on a phone and a 10-inch tablet
        screenshot(page, f"chat-age-{age}-{size['width']}x{size['height']}")
        check_accessibility(page)
    page.set_viewport_size(viewport)
    page.locator("#choices button.choice", has_text="Worried").click()
    follow_up = WORDING.text("utter_ask_feelings_home_more", band, last_words="😟 Worried")
    wait_for_question(page, follow_up)

    # a break, then carrying on where we were
    page.click("#controls button[data-payload='/take_break']")
    page.wait_for_selector("#break-screen:not([hidden])")
    page.click("#carry-on")
    wait_for_question(page, follow_up)
    page.fill("#typed", "when they shout")
    page.keyboard.press("Enter")
    wait_for_question(page, WORDING.text("utter_ask_feelings_other_home", band))
    page.click("#controls button[data-payload='/skip']")
    wait_for_question(page, WORDING.text("utter_ask_feelings_school", band))
    page.click("#controls button[data-payload='/dont_know']")
    wait_for_question(page, WORDING.text("utter_ask_scale_score", band))
    scale = page.locator("#choices button.choice")
    shown = page.eval_on_selector_all("#choices button.choice", "buttons => buttons.map(b => b.dataset.payload)")
    assert shown == [b["payload"] for b in WORDING.variation("utter_ask_scale_score", band)["buttons"]]  # in order
    if band == "age_4_7":
        scale.filter(has_text="OK").click()
        # the scale answered: the feelings ticked too
        page.wait_for_function("() => document.querySelectorAll('#progress-path li.done').length === 2")
        assert [state for state, _, _ in progress_path(page)] == ["done", "done", "current", "to_do"]
    else:
        assert page.locator("#choices.scale").count() == 1  # 0-10 as a row of numbers
        scale.filter(has_text=re.compile(r"^7$")).click()
    # stop, confirmed: what was said is kept
    page.wait_for_selector("body:not(.busy)")
    page.click("#controls button[data-payload='/stop']")
    wait_for_question(page, WORDING.text("utter_ask_stop", band))
    page.locator("#choices button.choice").first.wait_for()
    page.locator("#choices button[data-payload='/affirm']").click()
    page.wait_for_selector("#ended-screen:not([hidden])", timeout=30000)

    answers = exported(servers, session_id)["answers"]
    assert [(a["prompt_key"], a["kind"], a["text"], a["choice_label"]) for a in answers] == [
        ("warm_up_likes", "answer", typed, None),
        ("choose_next_activity", "choice", None, "😊 Feelings faces"),
        ("feelings_home", "choice", None, "😟 Worried"),
        ("feelings_home_more", "answer", "when they shout", None),
        ("feelings_other_home", "skipped", None, "🙊 I don't want to say"),
        ("feelings_school", "dont_know", None, "🤷 I don't know"),
        ("scale_score", "choice", None, "😐 OK" if band == "age_4_7" else "7"),
    ]
    assert exported(servers, session_id)["session"]["status"] == "stopped"
    context.close()


def test_a_long_path_on_a_phone_keeps_the_childs_step_in_view(servers, browser):
    """4-7 on a phone with every activity planned: the path is wider than the screen, so it scrolls
    sideways (and can take the keyboard's focus), with the step the child is in kept in view."""
    pack = PromptPack.load(ROOT)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, servers)
    session_id = start_in_browser(page, servers, 6, pack.plannable, case="BROWSER-PATH")
    wait_for_question(page, WORDING.text("utter_ask_warm_up_likes", "age_4_7"))
    begun = pack.plannable[: pack.plannable.index("scale") + 1]
    for number, activity in enumerate(begun):  # as if the child had gone as far as the scale
        servers.store().record_answer(session_id, activity=activity, prompt_key=f"{activity}_path", prompt_text="?",
                                      kind="skipped", text=None, message_id=f"path-{number}")
    page.reload()  # the page learns it from the server
    page.wait_for_selector("#progress-path li.current")
    steps = progress_path(page)
    assert [state for state, _, _ in steps] == ["done"] * (len(begun) - 1) + ["current"] + ["to_do"] * (
        len(pack.plannable) - len(begun) + 1)
    assert all(drawn for _, _, drawn in steps)
    assert page.eval_on_selector("#progress-path", "p => [p.scrollWidth > p.clientWidth, p.tabIndex, p.scrollLeft > 0]") == [
        True, 0, True]
    path, current = page.locator("#progress-path").bounding_box(), page.locator("#progress-path li.current").bounding_box()
    assert path["x"] <= current["x"] and current["x"] + current["width"] <= path["x"] + path["width"]
    screenshot(page, "chat-age-6-long-path-390x844")
    check_accessibility(page)
    context.close()


def test_a_trainer_previews_an_activity_for_young_children_in_a_clearly_marked_practice(servers, browser):
    band = "age_4_7"
    context = browser.new_context(viewport={"width": 1024, "height": 768})
    page = context.new_page()
    log_in(page, servers, "tina")
    page.click(f"text={WEB_WORDING['practitioner']['practice_new']}")
    page.select_option("#age_band", band)
    page.locator("input[name=activities][value=feelings]").check()
    check_accessibility(page)
    page.click("#practice-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/chat/practice-[0-9a-f]+$"))
    banner = page.locator("#practice-banner")
    assert banner.is_visible() and banner.inner_text() == WEB_WORDING["practitioner"]["practice_banner"]
    home = Wording("tina").text("utter_ask_feelings_home", band)
    wait_for_question(page, home)
    screenshot(page, "practice-age-4-7")
    check_accessibility(page)
    page.locator("#choices button.choice").first.click()
    page.wait_for_selector("body:not(.busy)")
    assert banner.is_visible()  # still marked as the conversation goes on
    page.reload()  # nothing was kept, so there is nothing to show again
    assert WEB_WORDING["practitioner"]["practice_again"] in page.inner_text("body")
    context.close()


def test_another_practitioner_cannot_open_the_chat_page(servers, browser):
    alex = Api(servers, "alex")
    session_id = alex.new_session(case_reference="PAGE-ALEX")
    context = browser.new_context()
    page = context.new_page()
    log_in(page, servers, "sam")
    response = page.goto(servers.web_url + f"/chat/{session_id}")
    assert response.status == 404
    context.close()


def test_a_lost_reply_shows_calm_words_keeps_the_text_and_is_stored_once(servers, browser):
    context = browser.new_context()
    page = context.new_page()
    log_in(page, servers)
    session_id = start_in_browser(page, servers, 9, ["warm_up", "three_wishes"], case="BROWSER-LOST")
    wait_for_question(page, WORDING.text("utter_ask_warm_up_likes", "age_8_11"))
    lost = []

    def lose_the_first_reply(route):
        if route.request.method == "POST" and not lost:
            lost.append(route.request.post_data)
            route.fetch()  # the web app gets the message and answers; the answer never arrives
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/sessions/*/messages", lose_the_first_reply)
    typed = "Swimming, and my cat Biscuit 🐈"
    page.fill("#typed", typed)
    page.click("#send")
    trouble = WEB_WORDING["chat"]["trouble"]["age_8_11"]
    page.wait_for_function("(t) => document.getElementById('status').textContent === t", arg=trouble)
    assert page.locator("#typed").input_value() == typed  # still there while it is resent
    wait_for_question(page, WORDING.text("utter_ask_three_wishes_first", "age_8_11"))
    assert page.locator("#typed").input_value() == ""
    answers = exported(servers, session_id)["answers"]
    assert [(a["prompt_key"], a["text"]) for a in answers] == [("warm_up_likes", typed)]
    child_turns = [t for t in servers.store().transcript(session_id) if t.speaker == "child"]
    assert [t.text for t in child_turns] == [None, typed]  # /start, then the words once
    assert len(lost) == 1
    context.close()


def test_read_aloud_the_practitioners_controls_and_nothing_leaves_the_app(servers, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    # record what the page asks the browser to say, without needing a voice on the test machine
    context.add_init_script(
        "window.__spoken = []; if (window.speechSynthesis) { window.speechSynthesis.speak ="
        " (u) => window.__spoken.push(u.text); }"
    )
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(page, servers)
    session_id = start_in_browser(page, servers, 6, ["warm_up", "three_wishes"], case="BROWSER-CONTROLS")
    question = WORDING.text("utter_ask_warm_up_likes", "age_4_7")
    wait_for_question(page, question)
    talk = WEB_WORDING["chat"]["talk"]["age_4_7"].replace("{practitioner_name}", "Alex Morgan")
    assert page.locator("#talk").is_visible() and page.inner_text("#talk").endswith(talk)  # always there
    assert question in page.evaluate("window.__spoken")  # read aloud by default for 4-7
    spoken = len(page.evaluate("window.__spoken"))
    page.locator(".message button.speak").last.click()
    assert page.evaluate("window.__spoken")[spoken:] == [question]

    typed = "Lego, with my sister 🧱"
    page.fill("#typed", typed)
    page.click("#send")
    wait_for_question(page, WORDING.text("utter_ask_three_wishes_first", "age_4_7"))
    assert typed not in page.url
    assert page.evaluate("[localStorage.length, sessionStorage.length, document.cookie]") == [0, 0, ""]

    open_panel(page)
    page.fill("#note", "Smiled when talking about Lego")
    page.click("#note-save")
    page.wait_for_function("() => document.getElementById('note-status').textContent.length > 0")
    page.click("#pause")
    page.wait_for_selector("#pause-screen:not([hidden])")
    open_panel(page)  # closing the panel locked it again
    page.click("#resume")
    page.wait_for_selector("#pause-screen", state="hidden")
    open_panel(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#end")
    page.wait_for_selector("#ended-screen:not([hidden])")
    assert page.locator("#practitioner-open").is_hidden()  # ending the session logged the tablet out
    page.goto(servers.web_url + "/")
    assert page.url.startswith(servers.web_url + "/login")

    assert servers.store().get_session(session_id).status == "ended"
    assert [o["text"] for o in servers.store().observations(session_id)] == ["Smiled when talking about Lego"]
    assert [a["text"] for a in exported(servers, session_id)["answers"]] == [typed]  # the note is not an answer
    assert all(url.startswith(servers.web_url) for url in requested), [u for u in requested if not u.startswith(servers.web_url)]
    context.close()


def test_a_disclosure_alerts_the_practitioner_discreetly_and_the_acknowledgement_is_recorded(servers, browser):
    from bot.store.flags import Flags

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log_in(page, servers)
    session_id = start_in_browser(page, servers, 10, ["warm_up", "three_wishes"], case="BROWSER-FLAG")
    wait_for_question(page, WORDING.text("utter_ask_warm_up_likes", "age_8_11"))
    assert "alert" not in (page.get_attribute("#practitioner-open", "class") or "")

    words = "my mums boyfriend hits me"
    page.fill("#typed", words)
    page.click("#send")
    check = WORDING.text("utter_ask_safeguarding_check", "age_8_11")
    wait_for_question(page, check)
    page.wait_for_selector("#practitioner-open.alert")  # the discreet dot
    assert page.inner_text("#practitioner-open") == "⋯"  # no words a child reads over a shoulder
    screenshot(page, "safeguarding-alert-tablet")
    check_accessibility(page)

    open_panel(page)
    page.wait_for_selector("#alerts:not([hidden]) button.acknowledge")
    screenshot(page, "safeguarding-alert-panel")
    page.click("#alerts button.acknowledge")
    page.wait_for_selector("#alerts", state="hidden")
    page.click("#practitioner-close")
    assert "alert" not in (page.get_attribute("#practitioner-open", "class") or "")
    [flag] = Flags(servers.store()).of_session(session_id)
    assert flag.words == words and flag.acknowledged_by == "alex" and flag.reply == check

    page.locator("#choices button.choice", has_text="Carry on").click()
    wait_for_question(page, WORDING.text("utter_ask_three_wishes_first", "age_8_11"))
    laptop = browser.new_context(viewport={"width": 1280, "height": 800})  # the review, on the practitioner's own machine
    page = laptop.new_page()
    log_in(page, servers)
    page.goto(servers.web_url + f"/sessions/{session_id}")
    assert page.inner_text(".flags blockquote.words") == words
    check_accessibility(page)
    screenshot(page, "review-page-flag")
    assert "acknowledged by alex" in page.inner_text(".flags") and "Physical harm" in page.inner_text(".flags")
    laptop.close()
    context.close()


def test_the_tablet_in_child_mode_goes_nowhere_but_the_chat_and_the_panel_asks_for_the_code(servers, browser):
    alex = Api(servers, "alex")
    other = alex.new_session(case_reference="ANOTHER-CHILD")
    alex.say(other, payload="/start")
    alex.say(other, message="another child's private words")
    context = browser.new_context(viewport={"width": 800, "height": 1280})
    page = context.new_page()
    log_in(page, servers)
    session_id = start_in_browser(page, servers, 8, ["warm_up"], case="CHILD-MODE")
    chat_url = servers.web_url + f"/chat/{session_id}"
    wait_for_question(page, WORDING.text("utter_ask_warm_up_likes", "age_8_11"))
    page.go_back()  # the child presses Back: the start form is not shown again
    page.wait_for_url(chat_url)
    for address in ("/", f"/sessions/{other}", f"/chat/{other}", f"/sessions/{other}/transcript", "/login"):
        page.goto(servers.web_url + address)
        assert page.url == chat_url, address
        assert "another child's private words" not in page.content()
    api = page.request.get(servers.web_url + f"/api/sessions/{other}/messages")
    assert (api.status, api.json()["error"]) == (403, "child_mode")
    wait_for_question(page, WORDING.text("utter_ask_warm_up_likes", "age_8_11"))

    page.fill("#typed", "Football")
    page.click("#send")
    wait_for_question(page, WORDING.text("utter_ask_closing_mood", "age_8_11"))
    page.reload()  # the page shows the same question again, and nothing is sent for the child
    wait_for_question(page, WORDING.text("utter_ask_closing_mood", "age_8_11"))
    child_turns = [t.payload or t.text for t in servers.store().transcript(session_id) if t.speaker == "child"]
    assert child_turns == ["/start", "Football"]

    page.click("#practitioner-open")  # a child tapping the practitioner's button finds a box for a code
    page.wait_for_selector("#unlock-form:not([hidden])")
    assert page.locator("#end").is_hidden() and page.locator("#note").is_hidden()
    screenshot(page, "practitioner-panel-locked")
    check_accessibility(page)
    page.fill("#panel-pin", "1234")
    page.click("#unlock")
    page.wait_for_function("() => document.getElementById('unlock-status').textContent.length > 0")
    assert page.inner_text("#unlock-status") == WEB_WORDING["practitioner_controls"]["wrong_pin"]
    assert page.locator("#end").is_hidden()
    page.click("#practitioner-close")

    open_panel(page)
    page.click("#log-out-tablet button")  # the practitioner takes the tablet back
    page.wait_for_url(re.compile(r".*/login$"))
    page.goto(chat_url)
    assert page.url.startswith(servers.web_url + "/login")
    assert servers.store().get_session(session_id).status == "active"  # the session itself goes on
    context.close()


def test_the_practitioner_reviews_leaves_out_notes_and_exports_in_the_browser(servers, browser, tmp_path):
    from docx import Document

    api = Api(servers, "alex")
    session_id = api.new_session(case_reference="REVIEW-1")
    api.say(session_id, payload="/start")
    typed = ["<img src=x onerror=alert(1)> **bold** {{ 7*7 }}", "=HYPERLINK(\"http://x\",\"y\")", "a private wish",
             "A dog\nand a cat", "Holidays"]
    for text in typed:
        api.say(session_id, message=text)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    alerts = []
    page.on("dialog", lambda dialog: (alerts.append(dialog.message), dialog.dismiss()))
    log_in(page, servers)
    page.click(f"a[href='/sessions/{session_id}']")
    page.wait_for_url(f"{servers.web_url}/sessions/{session_id}")  # loaded, style sheet too: inner_text follows it
    words = page.locator("blockquote.words")
    assert [words.nth(i).inner_text() for i in range(words.count())] == typed  # shown literally
    answers = {a["text"]: a["id"] for a in exported(servers, session_id)["answers"]}
    private = page.locator(f"#answer-{answers['a private wish']}")
    private.locator("button[name=included]").click()
    page.wait_for_selector(f"#answer-{answers['a private wish']}.left-out")
    first = page.locator(f"#answer-{answers[typed[0]]}")
    first.locator("textarea").fill("Laughed while typing this")
    first.locator(".note-form button").click()
    page.wait_for_selector("text=Laughed while typing this")
    check_accessibility(page)
    screenshot(page, "review-page", full_page=True)

    with page.expect_download() as download:
        page.click("a[href$='export.docx']")
    path = tmp_path / "summary.docx"
    download.value.save_as(path)
    paragraphs = [p.text for p in Document(str(path)).paragraphs]
    for text in typed:
        assert (f"“{text}”" in paragraphs) == (text != "a private wish")
    assert any("Laughed while typing this" in p for p in paragraphs)
    with page.expect_download() as download:
        page.click("a[href$='export.md']")
    markdown = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"{QUOTE_PREFIX}A dog\n{QUOTE_PREFIX}and a cat\n" in markdown and "a private wish" not in markdown
    with page.expect_download() as download:
        page.click("a[href$='export.json']")
    summary = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [a["text"] for a in summary["answers"]] == [t for t in typed if t != "a private wish"]
    with page.expect_download() as download:
        page.click("a[href$='export.html']")
    printable = tmp_path / "summary.html"
    download.value.save_as(printable)
    page.click("text=Full transcript")
    page.wait_for_url(f"{servers.web_url}/sessions/{session_id}/transcript")
    assert page.locator("span.words", has_text="A dog").count() == 1
    page.goto(printable.as_uri())  # the printable summary, opened as a practitioner would
    quotes = page.locator("blockquote.words")
    shown = [quotes.nth(i).inner_text() for i in range(quotes.count())]
    # (a choice with its follow-up, the closing's mood here, is also shown among the choices)
    assert set(shown) == {f"“{t}”" for t in typed if t != "a private wish"}
    assert alerts == []  # nothing the child typed ran as code
    events = [line.split("  ") for line in servers.cli("audit", "REVIEW-1").splitlines()]
    actions = [event[2] for event in events if event[1] == "alex"]  # (the test's own exports are the command line's)
    assert actions[:2] == ["view_session", "leave_out"] and actions.count("export") == 4
    assert "note" in actions and "view_transcript" in actions
    context.close()


def test_another_practitioner_or_a_trainer_cannot_review_or_export(servers, browser):
    session_id = Api(servers, "alex").new_session(case_reference="REVIEW-ALEX")
    for user, status in (("sam", 404), ("tina", 403)):
        context = browser.new_context()
        page = context.new_page()
        log_in(page, servers, user)
        for path in ("", "/transcript", "/export.docx", "/export.json"):
            assert page.request.get(servers.web_url + f"/sessions/{session_id}{path}").status == status
        assert "REVIEW-ALEX" not in page.content()
        context.close()


def test_an_administrator_reallocates_a_case_and_the_export_command_respects_who_owns_it(servers):
    alex, sam = Api(servers, "alex"), Api(servers, "sam")
    session_id = alex.new_session(case_reference="MOVING-1")
    alex.say(session_id, payload="/start")
    alex.say(session_id, message="Football ⚽")
    assert "Football ⚽" in servers.cli("export", session_id, "--as", "alex")
    with pytest.raises(AssertionError, match="no session"):
        servers.cli("export", session_id, "--as", "sam")
    with pytest.raises(AssertionError, match="no session"):
        servers.cli("export", session_id, "--as", "tina")  # a trainer sees no child's words
    assert "now belongs to sam" in servers.cli("cases", "reallocate", "MOVING-1", "sam")
    assert sam.get(f"/api/sessions/{session_id}/messages").status_code == 200
    assert alex.get(f"/api/sessions/{session_id}/messages").status_code == 404
    assert "Football ⚽" in servers.cli("export", session_id, "--as", "sam")
    actions = [line.split("  ")[1:3] for line in servers.cli("audit", "MOVING-1").splitlines()]
    assert ["alex", "export"] in actions and ["sam", "export"] in actions
    assert any(action == "reallocate" for _, action in actions)


def test_no_password_token_key_or_childs_words_in_the_servers_log_even_at_debug(servers):
    """Run last in this module: by now the log holds log-ins, API calls, sessions, disclosures and
    exports, with our own loggers at DEBUG (tests/conftest.py) and Rasa's at INFO."""
    secrets = {name: servers.settings[name] for name in ("OWN_WORDS_DATA_KEY", "WEB_SECRET_KEY", "ACTION_TOKEN",
                                                         "CHANNEL_TOKEN")}
    secrets["password"] = PASSWORD
    secrets["API token"] = Api(servers, "alex").headers["Authorization"].split()[1]
    Api(servers, "alex").get("/api/sessions/none/messages")  # a token used
    wrong = "a wrong password that must not be logged"
    login_page = requests.get(servers.web_url + "/login", timeout=30)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page.text).group(1)
    failed = requests.post(servers.web_url + "/login", data={"name": "alex", "password": wrong, "csrf_token": csrf},
                           headers={"Cookie": f"own_words_session={login_page.cookies['own_words_session']}"},
                           timeout=30)
    assert failed.status_code == 401, failed.text
    action_server = f"http://127.0.0.1:{servers.settings['ACTION_PORT']}/webhook"
    assert requests.post(action_server, json={}, headers={"Authorization": "Bearer not-the-token"}).status_code == 401
    # the real output of every process, with our own DEBUG lines (so the search below means something)
    expected = ("Own Words is ready", "DEBUG bot.channel.tablet: session ", "DEBUG bot.dialogue.capture: session ",
                "DEBUG bot.web.auth: alex logged in", "DEBUG bot.web.auth: a log-in failed",
                "DEBUG bot.web.review: alex exported session ",
                "INFO bot.channel.tablet: a message was flagged for the practitioner: flag ",
                "WARNING bot.dialogue.action_auth: action server: a call to /webhook refused")
    log = servers.log(*expected)
    for line in expected:
        assert line in log, f"no {line!r} line in the log"
    secrets["wrong password"] = wrong
    for name, value in secrets.items():
        assert value not in log, f"the {name} is in the log"
    for words in ("Football ⚽", "a practice wish for a marmalade cat", "a real wish kept for the court",
                  "my uncle hurts me when mum is out"):
        assert words not in log


def test_words_that_only_look_like_stop_are_kept_and_the_child_is_asked_with_buttons(servers, browser):
    from tests.test_control_check_http import PHRASINGS

    words = words_checked_as(servers, {"stop": PHRASINGS["stop"]})["stop"]
    context = browser.new_context(viewport={"width": 800, "height": 1280})
    page = context.new_page()
    log_in(page, servers)
    session_id = start_in_browser(page, servers, 10, ["warm_up", "three_wishes"], case="BROWSER-CHECK")
    wait_for_question(page, WORDING.text("utter_ask_warm_up_likes", "age_8_11"))
    page.fill("#typed", words)
    page.click("#send")
    check = WORDING.control_check("age_8_11", "stop")
    wait_for_question(page, check["text"])
    shown = page.eval_on_selector_all("#choices button.choice", "buttons => buttons.map(b => b.dataset.payload)")
    assert shown == ["/affirm", "/deny"]  # yes, then no: a check's two buttons keep their order
    screenshot(page, "control-check-stop")
    check_accessibility(page)
    page.locator("#choices button[data-payload='/deny']").click()  # "No, carry on"
    wait_for_question(page, WORDING.text("utter_ask_three_wishes_first", "age_8_11"))
    assert [a["text"] for a in exported(servers, session_id)["answers"]][:1] == [words]
    assert servers.store().get_session(session_id).status == "active"
    context.close()


def test_a_five_year_olds_words_written_down_and_typed_are_told_apart_in_the_record_and_every_export(
        servers, browser, tmp_path):
    """Scribing on by default for 4-7: the practitioner types what the child says, then hands the
    typing to the child; a button stays the child's. The record, the review page and every export
    say who entered each answer, and the review page says the record is intact."""
    from docx import Document

    context = browser.new_context(viewport={"width": 800, "height": 1280})
    page = context.new_page()
    log_in(page, servers)
    session_id = start_in_browser(page, servers, 5, ["warm_up", "three_wishes"], case="SCRIBE-5")
    wait_for_question(page, WORDING.text("utter_ask_warm_up_likes", "age_4_7"))
    note = page.locator("#scribing-note")
    assert note.is_visible() and note.inner_text() == "✎ Alex Morgan is writing down what Zoë says"
    page.fill("#typed", "I like puppies")
    page.click("#send")
    wait_for_question(page, WORDING.text("utter_ask_three_wishes_first", "age_4_7"))
    open_panel(page)
    toggle = page.locator("#scribing-toggle")
    assert toggle.inner_text() == "Stop writing down: Zoë types" and toggle.get_attribute("aria-pressed") == "true"
    check_accessibility(page)
    toggle.click()
    page.wait_for_selector("#scribing-note", state="hidden")
    page.fill("#typed", "a big red bike")
    page.click("#send")
    wait_for_question(page, WORDING.text("utter_ask_three_wishes_second", "age_4_7"))
    page.click("#controls button[data-payload='/skip']")
    wait_for_question(page, WORDING.text("utter_ask_three_wishes_third", "age_4_7"))
    context.close()

    store = servers.store()
    assert [(a.text, a.entered_by, a.scribe) for a in store.answers(session_id)] == [
        ("I like puppies", "practitioner", "Alex Morgan"), ("a big red bike", "child", None), (None, "child", None)]
    assert [(t.input, t.entered_by) for t in store.transcript(session_id) if t.speaker == "child"] == [
        ("button", "child"), ("typed", "practitioner"), ("typed", "child"), ("button", "child")]
    assert not store.get_session(session_id).scribing  # switched off from the panel
    summary = exported(servers, session_id)
    assert [(a["entered_by"], a["scribe"]) for a in summary["answers"]] == [
        ("practitioner", "Alex Morgan"), ("child", None), ("child", None)]
    assert summary["record"]["intact"]  # every turn and answer, linked in the order written
    assert summary["record"]["entries"] == len(store.transcript(session_id)) + len(store.answers(session_id))

    review = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = review.new_page()
    log_in(page, servers)
    page.goto(f"{servers.web_url}/sessions/{session_id}")
    assert page.locator("#record-state").inner_text().startswith("✔ Record intact")
    entered = page.locator(".answer .entered")
    assert [entered.nth(i).inner_text() for i in range(entered.count())] == [
        "Said by Zoë, written down by Alex Morgan.", "Typed by Zoë.", "Tapped by Zoë."]
    screenshot(page, "review-scribed", full_page=True)
    exports = {}
    for fmt in ("docx", "md", "html"):
        with page.expect_download() as download:
            page.click(f"a[href$='export.{fmt}']")
        exports[fmt] = Path(download.value.path())
    word = Document(str(exports["docx"]))
    texts = {"docx": "\n".join([p.text for p in word.paragraphs] + [c.text for t in word.tables for r in t.rows
                                                                    for c in r.cells]),
             "md": exports["md"].read_text(encoding="utf-8"), "html": exports["html"].read_text(encoding="utf-8")}
    for fmt, text in texts.items():
        assert "Said by Zoë, written down by Alex Morgan." in text, fmt
        assert "1 typed by Zoë; 1 written down by Alex Morgan; 1 chosen with a button by Zoë" in text, fmt
        assert "as they typed them" not in text, fmt
    assert summary["record"]["chain_head"] in word.sections[0].footer.paragraphs[0].text
    review.close()


def test_the_api_marks_words_written_down_by_the_practitioner_and_refuses_a_scribed_button(servers):
    api = Api(servers, "alex")
    session_id = api.new_session(case_reference="SCRIBE-API", age=6, plan=["warm_up"])
    assert api.get(f"/api/sessions/{session_id}/messages").json()["scribing"] is True  # on by default for 4-7
    api.say(session_id, payload="/start")
    for body, error in (({"message": "x", "scribed": "yes"}, "bad_scribed"),
                        ({"payload": "/skip", "scribed": True}, "bad_scribed")):
        reply = api.post(f"/api/sessions/{session_id}/messages", {"message_id": uuid.uuid4().hex, **body})
        assert (reply.status_code, reply.json()["error"]) == (400, error)
    api.say(session_id, message="trains and my nan", scribed=True)
    turns = api.get(f"/api/sessions/{session_id}/messages").json()["messages"]
    assert [(t["text"], t["entered_by"], t["scribe"]) for t in turns if t["speaker"] == "child"] == [
        (None, "child", None), ("trains and my nan", "practitioner", "Alex Morgan")]
    assert api.post(f"/api/sessions/{session_id}/scribing", {"on": False}).json() == {"scribing": False}
    assert api.post(f"/api/sessions/{session_id}/scribing", {"on": "no"}).status_code == 400
    assert servers.store().verify(session_id).intact


# --- drawing as an answer (issue 20) --------------------------------------------------------------

def picture_png(colour=(215, 38, 61), size=(1024, 768)) -> bytes:
    """A drawing as the canvas sends one: a PNG, on white, with a shape in one colour."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).rectangle((200, 200, 700, 500), fill=colour)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def send_drawing(servers, api, session_id, data: bytes, message_id=None):
    return requests.post(f"{servers.web_url}/api/sessions/{session_id}/drawings",
                         params={"message_id": message_id or uuid.uuid4().hex}, data=data,
                         headers={**api.headers, "Content-Type": "image/png"}, timeout=120)


def test_a_drawing_through_the_api_is_kept_once_described_and_bad_pictures_are_refused(servers):
    from PIL import Image

    from bot.store.drawings import Drawings

    api = Api(servers, "alex")
    session_id = api.new_session(case_reference="DRAW-API", age=6, plan=["three_wishes"])
    asked = api.say(session_id, payload="/start")["messages"][-1]
    first_wish = WORDING.text("utter_ask_three_wishes_first", "age_4_7")
    assert (asked["text"], asked.get("drawing")) == (first_wish, True)  # the page offers Draw here
    # bad pictures: refused with a clear reason, nothing kept, the question still waiting
    for data, status, reason in ((b"GIF89a" + b"\0" * 100, 400, "not_png"),
                                 (b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024), 413, "too_large"),
                                 (picture_png()[:300], 400, "unreadable")):
        refused = send_drawing(servers, api, session_id, data)
        assert (refused.status_code, refused.json()["error"], refused.json()["reason"]) == (status, "drawing_refused", reason)
        assert refused.json()["message"].startswith("The drawing was not kept")
    assert send_drawing(servers, api, session_id, picture_png(), message_id="../x").status_code == 400
    assert rows_of(servers, "drawings", session_id) == 0

    message_id = uuid.uuid4().hex
    sent = send_drawing(servers, api, session_id, picture_png(), message_id=message_id)
    assert sent.status_code == 200, sent.text
    describe = WORDING.text("utter_ask_drawing_words", "age_4_7")
    assert [m["text"] for m in sent.json()["messages"]] == [describe]
    assert "drawing" not in sent.json()["messages"][-1]
    again = send_drawing(servers, api, session_id, picture_png(), message_id=message_id)  # a retry: kept once
    assert (again.status_code, again.json()["messages"]) == (200, sent.json()["messages"])
    assert rows_of(servers, "drawings", session_id) == 1
    # "What does it show?" takes words, not another drawing
    not_asked = send_drawing(servers, api, session_id, picture_png((30, 99, 214)))
    assert (not_asked.status_code, not_asked.json()["error"]) == (409, "drawing_not_asked")

    next_question = api.say(session_id, message="  My dog Biscuit\nand a rainbow  ")["messages"][-1]
    assert (next_question["text"], next_question.get("drawing")) == (
        WORDING.text("utter_ask_three_wishes_second", "age_4_7"), True)

    store = servers.store()
    drawn, words = store.answers(session_id)
    assert (drawn.prompt_key, drawn.prompt_text, drawn.kind, drawn.text, drawn.entered_by) == (
        "three_wishes_first", first_wish, "drawing", None, "child")
    assert (words.prompt_key, words.prompt_text, words.text, words.drawing_id) == (
        "drawing_words", describe, "  My dog Biscuit\nand a rainbow  ", drawn.drawing_id)
    kept = Drawings(store).get(session_id, drawn.drawing_id)
    import io
    assert Image.open(io.BytesIO(kept.png)).convert("RGB").tobytes() == Image.open(
        io.BytesIO(picture_png())).convert("RGB").tobytes()  # the same pixels, re-encoded
    assert "intact" in servers.cli("verify", session_id)
    child_turns = [t for t in store.transcript(session_id) if t.speaker == "child"]
    assert [t.input for t in child_turns] == ["button", "drawing", "typed"]
    # the channel itself takes only a drawing the web app kept for this session
    stranger = requests.post(servers.webhook, json={"sender": session_id, "drawing": str(uuid.uuid4())},
                             headers=servers.channel_headers, timeout=60)
    assert (stranger.status_code, stranger.json()["error"]) == (400, "unknown_drawing")

    # a practice: the drawing is checked and answered, and nothing of it is kept
    practice = api.post("/api/practice", {"age_band": "age_4_7", "plan": ["three_wishes"]}).json()["id"]
    assert api.say(practice, payload="/start")["messages"][-1].get("drawing") is True
    practised = send_drawing(servers, api, practice, picture_png())
    assert practised.status_code == 200 and practised.json()["messages"][-1]["text"] == describe
    twice = send_drawing(servers, api, practice, picture_png())  # the question has moved on: the channel says so
    assert (twice.status_code, twice.json()["error"]) == (409, "drawing_not_asked")
    assert rows_of(servers, "drawings", practice) == 0
    # nothing of the drawing in the clear in the database file
    assert kept.png not in Path(servers.settings["DATABASE_URL"].removeprefix("sqlite:///")).read_bytes()


def test_a_five_year_old_draws_a_wish_says_what_it_shows_and_the_practitioner_finds_it_everywhere(
        servers, browser, tmp_path):
    from docx import Document
    from PIL import Image

    from tests.test_draw_widget import stroke

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log_in(page, servers)
    session_id = start_in_browser(page, servers, 5, ["three_wishes"], case="DRAW-5")
    wait_for_question(page, WORDING.text("utter_ask_three_wishes_first", "age_4_7"))
    draw = page.locator("#draw")
    assert draw.is_visible() and draw.inner_text() == WEB_WORDING["draw"]["button"]
    draw.scroll_into_view_if_needed()
    screenshot(page, "chat-age-5-draw")
    # from the tablet itself (its log-in cookie and CSRF token): a picture that is not a PNG, and one
    # too big, are refused with the reason, and the session goes on
    refused = page.evaluate("""async () => {
        const data = JSON.parse(document.getElementById("chat-data").textContent);
        const csrf = document.querySelector('meta[name="csrf-token"]').content;
        const post = async (body) => {
            const response = await fetch(data.drawing_url + "?message_id=" + crypto.randomUUID(), {method: "POST",
                headers: {"Content-Type": "image/png", "X-CSRFToken": csrf}, body});
            return [response.status, (await response.json()).reason];
        };
        const big = new Uint8Array(2 * 1024 * 1024 + 1);
        big.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        return [await post(new TextEncoder().encode("<svg onload=alert(1)>")), await post(big)];
    }""")
    assert refused == [[400, "not_png"], [413, "too_large"]]
    draw.click()
    page.wait_for_selector("canvas")
    page.get_by_role("button", name=WEB_WORDING["draw"]["colours"]["blue"]).click()
    for y in (250, 384, 520):
        stroke(page, y=y)
    screenshot(page, "drawing-canvas-4-7")
    check_accessibility(page)
    page.get_by_role("button", name=WEB_WORDING["draw"]["send"]).click()
    wait_for_question(page, WORDING.text("utter_ask_drawing_words", "age_4_7"))
    assert page.locator("canvas").count() == 0 and page.locator("#draw").is_hidden()
    page.fill("#typed", "Me and mum at the seaside")
    page.click("#send")
    wait_for_question(page, WORDING.text("utter_ask_three_wishes_second", "age_4_7"))
    assert page.locator("#draw").is_visible()
    context.close()

    store = servers.store()
    drawn, words = store.answers(session_id)[:2]
    assert (drawn.kind, words.text, words.drawing_id) == ("drawing", "Me and mum at the seaside", drawn.drawing_id)
    from bot.store.drawings import Drawings
    kept = Image.open(__import__("io").BytesIO(Drawings(store).get(session_id, drawn.drawing_id).png)).convert("RGB")
    assert kept.size == (1024, 768) and kept.getpixel((500, 384)) == (30, 99, 214)  # draw.js's blue, where drawn

    review = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = review.new_page()
    log_in(page, servers)
    page.goto(f"{servers.web_url}/sessions/{session_id}")
    pictures = page.locator("figure.drawing img")
    assert pictures.count() == 1 and pictures.first.evaluate("img => img.naturalWidth") == 1024
    assert page.locator("blockquote.words").first.inner_text() == "Me and mum at the seaside"
    screenshot(page, "review-drawing", full_page=True)
    with page.expect_download() as download:
        page.click("a[href$='export.docx']")
    word = Document(str(download.value.path()))
    assert len(word.inline_shapes) == 1
    with page.expect_download() as download:
        page.click("a[href$='export.html']")
    printable = tmp_path / "summary.html"
    download.value.save_as(printable)
    page.goto(printable.as_uri())
    assert page.locator("img").evaluate_all("imgs => imgs.filter(i => i.naturalWidth === 1024).length") == 1
    screenshot(page, "summary-drawing", full_page=True)
    review.close()
