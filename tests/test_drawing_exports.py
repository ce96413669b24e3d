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
    clean = clean_png(a_drawing())
    drawing_id = Drawings(store).keep(session.id, "m-draw", clean)
    store.record_child_turn(session.id, "m-draw", input="drawing", text=None,
                            payload='/inform{"drawing":"%s"}' % drawing_id)
    store.record_answer(session.id, activity="three_houses", prompt_key="three_houses_good", prompt_text=QUESTION,
                        kind="drawing", text=None, message_id="m-draw", drawing_id=drawing_id)
    store.record_child_turn(session.id, "m-words", input="typed", text=WORDS)
    store.record_answer(session.id, activity="three_houses", prompt_key="drawing_words", prompt_text=WORDS_PROMPT,
                        kind="answer", text=WORDS, message_id="m-words", drawing_id=drawing_id)
    store.mark_ended(session.id, "completed")
    return session, clean, drawing_id


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
