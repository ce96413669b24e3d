"""A drawing the child made as an answer (issue 20), wherever the child's answers are shown: the
picture itself in the Word and HTML summaries, with its words right after it; the PNG in the JSON
(base64, with its SHA-256), so that the content hash covers its pixels; its SHA-256 named in the
Markdown; the review page and the transcript showing it, served only to the session's owner."""
from __future__ import annotations

import base64
import hashlib
import io
import json
import re

import pytest
from docx import Document
from PIL import Image, ImageDraw

from bot.report.render import render, wording
from bot.report.summary import build_summary
from bot.store.drawing_image import clean_png
from bot.store.drawings import Drawings

QUESTION = "Tell me about good things."
WORDS_PROMPT = "Thank you for your drawing. Tell me about it. What does it show?"
WORDS = "A house with my dog"


def a_drawing() -> bytes:
    image = Image.new("RGB", (1024, 768), "white")
    ImageDraw.Draw(image).rectangle((100, 150, 500, 600), fill=(220, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pixels(png: bytes) -> bytes:
    with Image.open(io.BytesIO(png)) as image:
        return image.convert("RGBA").tobytes()


@pytest.fixture
def drawn(store, session):
    """A session in which the child answered one question with a drawing, then said what it shows."""
    store.mark_started(session.id)
    store.record_child_turn(session.id, "m-typed", input="typed", text="I like football")
    store.record_answer(session.id, activity="warm_up", prompt_key="warm_up_likes",
                        prompt_text="Tell me about something you like doing.", kind="answer",
                        text="I like football", message_id="m-typed")
    made = _draw(store, session)
    store.mark_ended(session.id, "completed")
    return made


def test_the_json_carries_the_png_and_its_words_point_to_it(store, pack, drawn):
    session, clean, drawing_id = drawn
    summary = build_summary(store, pack, session.id, "Europe/London")
    document = json.loads(render(summary, "json"))
    picture, words = document["answers"][1], document["answers"][2]
    assert picture["kind"] == "drawing" and picture["text"] is None and picture["prompt"] == QUESTION
    assert picture["drawing_id"] == drawing_id
    assert {k: picture["drawing"][k] for k in ("id", "sha256", "width", "height")} == {
        "id": drawing_id, "sha256": clean.sha256, "width": 1024, "height": 768}
    png = base64.b64decode(picture["drawing"]["png_base64"])
    assert png == clean.png and hashlib.sha256(png).hexdigest() == clean.sha256
    assert (words["text"], words["drawing_id"], words["prompt"]) == (WORDS, drawing_id, WORDS_PROMPT)
    assert document["session"]["entered"]["drawn_by_child"] == 1
    assert document["session"]["entered"]["typed_by_child"] == 2  # the drawing is not a tapped button
    assert document["session"]["entered"]["tapped_by_child"] == 0
    assert "drawing_id" not in document["answers"][0] and "drawing" not in document["answers"][0]


def test_the_content_hash_covers_the_drawings_pixels(store, pack, drawn):
    session, clean, _ = drawn
    summary = build_summary(store, pack, session.id, "Europe/London")
    from bot.report.summary import content_hash

    assert content_hash(summary) == summary["content_hash"]
    changed = json.loads(json.dumps(summary))
    changed["answers"][1]["drawing"]["png_base64"] = base64.b64encode(clean.png + b"x").decode("ascii")
    assert content_hash(changed) != summary["content_hash"]


def test_the_word_file_holds_the_picture_with_its_words_right_after(store, pack, drawn):
    session, clean, _ = drawn
    document = Document(io.BytesIO(render(build_summary(store, pack, session.id, "Europe/London"), "docx")))
    [shape] = document.inline_shapes
    blip = shape._inline.graphic.graphicData.pic.blipFill.blip
    image = document.part.related_parts[blip.embed].blob
    assert pixels(image) == pixels(clean.png)
    assert shape._inline.docPr.get("descr") == "Sam's drawing"
    assert abs(shape.width.cm - 12) < 0.01
    paragraphs = document.paragraphs
    at = next(i for i, p in enumerate(paragraphs) if p._p.xpath(".//pic:pic"))
    after = [p.text for p in paragraphs[at + 1:] if p.text]
    assert after[0] == f"Sam's drawing (1024 × 768 pixels, SHA-256 {clean.sha256})."
    assert after[1] == f"{wording()['prompt_label']} {QUESTION}"
    assert after[2] == f"“{WORDS}”"  # the drawing's words, quoted as every other answer
    assert after[3] == f"{wording()['prompt_label']} {WORDS_PROMPT}"
    tables = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "1 drawing by Sam" in tables


def test_the_html_shows_the_picture_inline_then_its_words(store, pack, drawn):
    session, clean, _ = drawn
    html = render(build_summary(store, pack, session.id, "Europe/London"), "html")
    [(data, alt)] = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"', html)
    assert alt == "Sam&#39;s drawing"
    assert base64.b64decode(data) == clean.png and pixels(base64.b64decode(data)) == pixels(clean.png)
    picture, words = html.index("<img "), html.index(f"“{WORDS}”")
    assert picture < html.index(QUESTION) < words < html.index(WORDS_PROMPT)
    assert "1 drawing by Sam" in html


def test_the_markdown_names_the_drawing_by_its_sha256(store, pack, drawn):
    session, clean, _ = drawn
    markdown = render(build_summary(store, pack, session.id, "Europe/London"), "md")
    assert f"SHA-256 {clean.sha256}" in markdown and "base64" not in markdown
    assert markdown.index(clean.sha256) < markdown.index(f">     {WORDS}\n")


def test_a_session_without_drawings_keeps_its_shape(store, pack, session):
    store.record_child_turn(session.id, "m1", input="typed", text="I like drawing")
    store.record_answer(session.id, activity="warm_up", prompt_key="q", prompt_text="What do you like?",
                        kind="answer", text="I like drawing", message_id="m1")
    summary = build_summary(store, pack, session.id, "Europe/London")
    assert set(summary["answers"][0]) == {"id", "order", "activity", "about_activity", "prompt_key", "prompt", "text",
                                          "kind", "choice", "choice_label", "entered_by", "scribe", "at", "included",
                                          "note"}
    assert set(summary["session"]["entered"]) == {"typed_by_child", "tapped_by_child", "written_down"}
    assert "<img" not in render(summary, "html") and "pixels, SHA-256" not in render(summary, "md")
    assert not Document(io.BytesIO(render(summary, "docx"))).inline_shapes


def test_an_unkept_drawing_is_said_so_in_every_format(store, pack, session):
    """A drawing answer whose picture is not kept (as in practice) is named, never a crash."""
    store.record_answer(session.id, activity="three_houses", prompt_key="three_houses_good", prompt_text=QUESTION,
                        kind="drawing", text=None, message_id="m-draw", drawing_id="not-kept")
    summary = build_summary(store, pack, session.id, "Europe/London")
    assert summary["answers"][0]["drawing"] == {"id": "not-kept", "sha256": None, "width": None, "height": None,
                                                "png_base64": None}
    not_kept = wording()["drawing"]["not_kept"]
    assert not_kept in render(summary, "md") and "<img" not in render(summary, "html")
    word = Document(io.BytesIO(render(summary, "docx")))
    assert not word.inline_shapes and not_kept in [p.text for p in word.paragraphs]


def test_the_transcript_command_names_the_drawing_not_its_payload(store, drawn, database_url, data_key,
                                                                  monkeypatch, capsys):
    from bot.cli import main

    session, clean, drawing_id = drawn
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("OWN_WORDS_DATA_KEY", data_key)
    assert main(["transcript", session.id]) == 0
    text = capsys.readouterr().out
    assert f"child: [drawing {clean.sha256[:12]}]" in text and "/inform" not in text
    assert main(["transcript", session.id, "--format", "json"]) == 0
    [turn] = [t for t in json.loads(capsys.readouterr().out) if t["input"] == "drawing"]
    assert turn["drawing"] == {"id": drawing_id, "sha256": clean.sha256, "kept": True}


# The review pages, through Flask's test client (as tests/test_web_security.py)

PASSWORD = "correct horse battery staple"


@pytest.fixture
def app(web_app):
    app = web_app
    accounts = app.extensions["own_words"]["accounts"]
    accounts.add("alex", PASSWORD, "fca", "Alex Morgan")
    accounts.add("robin", PASSWORD, "fca", "Robin Lee")
    return app


def logged_in(app, name="alex"):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf[-_]token"[^>]*(?:value|content)="([^"]+)"', page).group(1)
    assert client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token}).status_code == 302
    return client


@pytest.fixture
def drawn_online(app):
    """The `drawn` session, owned by alex, in the web app's own store."""
    from bot.dialogue.sessions import start_session

    own = app.extensions["own_words"]
    store, pack = own["store"], own["pack"]
    owner = own["accounts"].by_name("alex")
    session = start_session(store, pack, case_reference="CASE-D", child_name="Zoë", age=6, language="en",
                            practitioner="Alex Morgan", owner_id=owner.id)
    return _draw(store, session)


def _draw(store, session):
    """The child answers a question with a drawing, then says what it shows."""
    clean = clean_png(a_drawing())
    drawing_id = Drawings(store).keep(session.id, "m-draw", clean)
    store.record_child_turn(session.id, "m-draw", input="drawing", text=None,
                            payload='/inform{"drawing":"%s"}' % drawing_id)
    store.record_answer(session.id, activity="three_houses", prompt_key="three_houses_good", prompt_text=QUESTION,
                        kind="drawing", text=None, message_id="m-draw", drawing_id=drawing_id)
    store.record_child_turn(session.id, "m-words", input="typed", text=WORDS)
    store.record_answer(session.id, activity="three_houses", prompt_key="drawing_words", prompt_text=WORDS_PROMPT,
                        kind="answer", text=WORDS, message_id="m-words", drawing_id=drawing_id)
    return session, clean, drawing_id


def test_the_review_page_and_transcript_show_the_drawing_served_to_its_owner_alone(app, drawn_online):
    session, clean, drawing_id = drawn_online
    client = logged_in(app)
    src = f"/sessions/{session.id}/drawings/{drawing_id}.png"
    page = client.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert f'<img src="{src}" alt="Zoë&#39;s drawing"' in page
    assert page.index(src) < page.index(WORDS_PROMPT) < page.index(WORDS)  # (the page: each prompt first)
    transcript = client.get(f"/sessions/{session.id}/transcript").get_data(as_text=True)
    assert f'<img src="{src}"' in transcript and "/inform" not in transcript

    picture = client.get(src)
    assert picture.status_code == 200 and picture.mimetype == "image/png"
    assert picture.headers["Cache-Control"] == "no-store"
    assert picture.data == clean.png and pixels(picture.data) == pixels(clean.png)
    events = app.extensions["own_words"]["store"]
    from bot.store.reviews import Reviews

    assert "view_drawing" in [e["action"] for e in Reviews(events).audit_events("CASE-D")]

    assert client.get(f"/sessions/{session.id}/drawings/no-such-drawing.png").status_code == 404
    assert logged_in(app, "robin").get(src).status_code == 404  # another practitioner's session
    stranger = app.test_client().get(src)
    assert stranger.status_code == 302 and "/login" in stranger.headers["Location"]


def test_a_drawings_alt_text_and_caption_are_escaped_in_every_format(store, pack):
    """The child's chosen name goes into the drawing's alt text and caption: shown as typed, never markup."""
    from bot.dialogue.sessions import start_session

    name = 'Zoë "<b>{x}</b>" *_'
    session = start_session(store, pack, case_reference="CASE-E", child_name=name, age=6, language="en",
                            practitioner="Alex")
    _, clean, _ = _draw(store, session)
    summary = build_summary(store, pack, session.id, "Europe/London")
    html = render(summary, "html")
    assert '<b>{x}' not in html and 'alt="Zoë &#34;&lt;b&gt;{x}&lt;/b&gt;&#34; *_&#39;s drawing"' in html
    word = Document(io.BytesIO(render(summary, "docx")))
    assert word.inline_shapes[0]._inline.docPr.get("descr") == f"{name}'s drawing"
    assert f"{name}'s drawing (1024 × 768 pixels, SHA-256 {clean.sha256})." in [p.text for p in word.paragraphs]
    markdown = render(summary, "md")
    assert "<b>" not in markdown and "\\*\\_ made a drawing" in markdown
