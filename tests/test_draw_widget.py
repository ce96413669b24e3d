"""The drawing canvas (bot/web/static/draw.js) in a real browser (Playwright driving Debian's
Chromium), on a page of its own loaded from a file: no servers. A stroke drawn with the mouse can be
undone and cleared, and what Send hands over is a PNG the server's check keeps, with the stroke in it."""
from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
from PIL import Image

from bot.store.drawing_image import clean_png

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "bot" / "web" / "static"
CHROMIUM = "/usr/bin/chromium"  # as in tests/test_web.py, with the same launch arguments
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RED = (215, 38, 61)  # draw.js's red, #d7263d
WHITE = (255, 255, 255)

WORDS = {
    "title": "Draw your answer", "canvas": "Drawing space", "colour_group": "Colours", "pen_group": "Pens",
    "colours": {"black": "Black", "brown": "Brown", "red": "Red", "orange": "Orange", "yellow": "Yellow",
                "green": "Green", "blue": "Blue", "purple": "Purple"},
    "thin": "Thin pen", "thick": "Thick pen", "eraser": "Rubber", "undo": "Undo", "clear": "Start again",
    "clear_confirm": "Rub out the whole drawing?", "clear_yes": "Yes, rub it out", "clear_no": "No, keep it",
    "cancel": "Cancel", "send": "Send my drawing",
}

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Drawing</title>
<link rel="stylesheet" href="{css}"></head>
<body><main id="host"></main><script src="{js}"></script>
<script>
  window.sent = []; window.cancelled = 0;
  window.drawing = OwnWordsDraw.open(document.getElementById("host"), {words},
    (blob) => {{ window.sent.push(blob); }}, () => {{ window.cancelled += 1; }});
</script></body></html>"""

CANVAS_PIXEL = """([x, y]) => Array.from(document.querySelector("canvas").getContext("2d").getImageData(x, y, 1, 1).data.slice(0, 3))"""
SENT_BASE64 = """async () => {
  const bytes = new Uint8Array(await window.sent[0].arrayBuffer());
  let text = ""; bytes.forEach((b) => { text += String.fromCharCode(b); }); return btoa(text);
}"""
LAYOUT = """() => ({
  overflow: document.documentElement.scrollWidth - window.innerWidth,
  buttons: Array.from(document.querySelectorAll(".ow-draw button:not([hidden] *)")).map((b) => {
    const box = b.getBoundingClientRect();
    return {name: b.getAttribute("aria-label"), width: box.width, height: box.height, right: box.right, bottom: box.bottom};
  }),
})"""


@pytest.fixture
def page(tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():  # `make pytest` installs it first; `make check` may run without it
        pytest.skip("Debian's chromium is missing (make browser)")
    (tmp_path / "draw.html").write_text(PAGE.format(
        css=(STATIC / "draw.css").as_uri(), js=(STATIC / "draw.js").as_uri(), words=json.dumps(WORDS)), encoding="utf-8")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 800, "height": 1280})
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
        page.goto((tmp_path / "draw.html").as_uri())
        yield page
        browser.close()


def stroke(page, y=384, x_from=200, x_to=800):
    """A line across the canvas with the mouse, at drawing coordinates (1024 x 768)."""
    box = page.locator("canvas").bounding_box()
    scale = box["width"] / 1024

    def to_screen(x, y):
        return box["x"] + x * scale, box["y"] + y * scale

    page.mouse.move(*to_screen(x_from, y))
    page.mouse.down()
    page.mouse.move(*to_screen(x_to, y), steps=12)
    page.mouse.up()


def check_layout(page, width, height):
    page.set_viewport_size({"width": width, "height": height})
    layout = page.evaluate(LAYOUT)
    assert layout["overflow"] <= 0, f"{width}x{height}: the page scrolls sideways"
    for button in layout["buttons"]:
        assert button["width"] >= 48 and button["height"] >= 48, f"{width}x{height}: {button} is too small to tap"
        assert button["right"] <= width and button["bottom"] <= height, f"{width}x{height}: {button} is off screen"


def test_a_stroke_can_be_drawn_undone_cleared_and_sent_as_a_png_the_server_keeps(page):
    red = page.get_by_role("button", name="Red")
    send, undo = page.get_by_role("button", name="Send my drawing"), page.get_by_role("button", name="Undo")
    assert send.is_disabled() and undo.is_disabled()  # nothing to send yet
    red.click()
    assert red.get_attribute("aria-pressed") == "true"
    assert page.get_by_role("button", name="Black").get_attribute("aria-pressed") == "false"

    stroke(page)
    assert page.evaluate(CANVAS_PIXEL, [500, 384]) == list(RED)
    undo.click()
    assert page.evaluate(CANVAS_PIXEL, [500, 384]) == list(WHITE) and send.is_disabled()

    stroke(page)
    page.get_by_role("button", name="Start again").click()
    page.get_by_role("button", name="No, keep it").click()  # asked first; "no" keeps it
    assert page.evaluate(CANVAS_PIXEL, [500, 384]) == list(RED)
    page.get_by_role("button", name="Start again").click()
    assert page.get_by_text("Rub out the whole drawing?").is_visible()
    page.get_by_role("button", name="Yes, rub it out").click()
    assert page.evaluate(CANVAS_PIXEL, [500, 384]) == list(WHITE) and undo.is_disabled()

    stroke(page)
    page.get_by_role("button", name="Thin pen").click()
    stroke(page, y=600)
    # every button is reached with Tab, in order, Send last
    page.get_by_role("button", name="Black").focus()
    reached = [page.evaluate("document.activeElement.getAttribute('aria-label')")]
    while reached[-1] != "Send my drawing" and len(reached) < 30:
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.getAttribute('aria-label')"))
    assert reached == ["Black", "Brown", "Red", "Orange", "Yellow", "Green", "Blue", "Purple", "Thin pen", "Thick pen",
                       "Rubber", "Undo", "Start again", "Cancel", "Send my drawing"]
    page.keyboard.press("Enter")  # Send, from the keyboard
    page.wait_for_function("window.sent.length === 1")
    blob_type = page.evaluate("window.sent[0].type")
    png = base64.b64decode(page.evaluate(SENT_BASE64))

    assert blob_type == "image/png"
    clean = clean_png(png)
    assert (clean.width, clean.height) == (1024, 768)
    with Image.open(io.BytesIO(clean.png)) as image:
        image = image.convert("RGB")
        assert image.getpixel((500, 384)) == RED and image.getpixel((500, 384 + 10)) == RED  # the thick stroke
        assert image.getpixel((500, 600)) == RED and image.getpixel((500, 600 + 10)) == WHITE  # the thin one
        assert image.getpixel((50, 50)) == WHITE and image.getpixel((1000, 740)) == WHITE  # white paper elsewhere

    page.get_by_role("button", name="Cancel").click()
    assert page.evaluate("window.cancelled") == 1
    assert page.evaluate("[localStorage.length, sessionStorage.length, location.hash, location.search]") == [0, 0, "", ""]
    check_layout(page, 800, 1280)
    check_layout(page, 390, 844)
    check_layout(page, 1280, 800)
    assert page.errors == []
    check_accessibility(page)  # (axe's own requests for the stylesheet fail under file://: not counted)
    error = page.evaluate("""() => { try { OwnWordsDraw.open(document.body, {title: "x"}, () => {}, () => {}); }
                                     catch (e) { return e.message; } }""")
    assert "canvas" in error and "colours.purple" in error  # a caller that forgot some words hears of it
    page.evaluate("window.drawing.close()")
    assert page.locator(".ow-draw").count() == 0


def check_accessibility(page):
    """axe's serious and critical findings, as tests/test_web.py checks the chat page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert not serious, json.dumps([(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in serious], indent=1)
