"""Issue 16, point 3: every export shows the child's words, and every other value that is not a fixed
word of ours (prompts that quote the child, choice labels, the child's chosen name, a flag's words
and the reply stored on it, notes, observations, who was present, the place, the case reference), as
typed: never as markup, and never able to end the block that holds it.

Every value of one session holds a hostile string (the fault suite's bad input, the awkward answers,
markup, and each line break str.splitlines knows). Its exports are compared with those of a twin
session whose values keep their whitespace but have a "w" for every other character: escaped values
make the same elements as their twins, so an element the twin lacks came from the child's words.
Markdown is viewed with Python-Markdown (and with CommonMark where markdown-it-py is installed), the
HTML export is read as a browser reads it, the Word file with python-docx; the JSON must be exact."""
from __future__ import annotations

import ast
import io
import json
import re
import zipfile
from collections import Counter
from html.parser import HTMLParser
from typing import Callable, Dict, List

import pytest

from bot.dialogue.sessions import start_session
from bot.report.render import QUOTE_PREFIX, render, wording
from bot.report.summary import build_summary
from bot.store.flags import Flags
from bot.store.reviews import Reviews
from bot.store.chain import new_chain_key
from bot.store.crypto import new_key
from bot.store.repository import Store
from tests.conftest import ROOT, copy_of, load_fixture

LINE_ENDING = re.compile("\r\n|\r|\n")  # the only line endings of Markdown (CommonMark, Python-Markdown) and HTML
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def fault_suite_inputs() -> List[str]:
    """BAD_INPUT of tests/test_faults.py, read from its source: importing it would load Rasa."""
    tree = ast.parse((ROOT / "tests" / "test_faults.py").read_text(encoding="utf-8"))
    [node] = [n for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "BAD_INPUT"]
    return eval(compile(ast.Expression(node.value), "test_faults.py", "eval"), {"__builtins__": {}})


MARKUP = [
    "<img src=x onerror=alert(1)> **not bold**", "<script>alert(1)</script>", "a\rb", "a\r\nb", "x\u2028y",
    "```", "````\n# heading", "[link](javascript:alert(1))", "| table | row |", "| table | row |\n| --- | --- |",
    "> quote", "- list", "1. list", "1) list", "+ list", "&amp; &lt;", "\\*escaped\\*", "![x](http://e/x.png)",
    "# heading", "heading\n===", "heading\n---", "    indented\n\n    code", "<http://e.example>", "~~struck~~",
    "_em_ *em* __strong__", "`code`", "[x]: http://e.example", "***", "line ending in a backslash\\\nnext",
    "a\x0bb", "a\x0cb", "a\x1cb\x1dc\x1ed", "a\x85b", "a\u2029b", "line\r# heading\r\n> quote\r- list\r\n\r\n<b>x</b>",
]
ANSWERS = fault_suite_inputs() + load_fixture("awkward_answers.json") + MARKUP
FOLLOW_UP = "You chose <b>x</b> **y**"  # a prompt quoting the child's words, as the follow-ups do
NAME = "<b>Sam</b> **Sam** _Sam_ [Sam](javascript:alert(1))"
CASE = "1.__x__/_y_"  # as marked up as a case reference can be (bot.dialogue.sessions checks it)
PRACTITIONER = "Alex <i>M</i> *M*"
NOTE = "Said with a smile <script>alert(1)</script>\r# not a heading\n\n    - not a list\n| a | b |\n|---|---|"
LABEL = "😢 <b>Sad</b> **very**"
FLAG_WORDS = "he hurts me <img src=x onerror=alert(1)>\r\n**not bold**\u2028> out of the quote?"
REPLY = "Thank you for telling me. <a href=x>link</a> **bold**"
CONCERN = "<i>made up</i> [concern](x)"


def mask(text: str) -> str:
    """The twin of a value: its whitespace (line breaks too) kept, every other character a "w"."""
    return re.sub(r"\S", "w", text)


def make_session(store, pack, value: Callable[[str], str]):
    """A session each of whose values is value(hostile string): the hostile string, or its twin."""
    session = start_session(store, pack, case_reference=value(CASE), child_name=value(NAME), age=9, language="en",
                            practitioner=value(PRACTITIONER), present=value(NOTE), place=value(LABEL))
    store.mark_started(session.id)
    flag = Flags(store).record(session.id, "flag-1", words=value(FLAG_WORDS), activity="warm_up",
                               prompt=value(FOLLOW_UP), found_by={"lexicon": [{"concern": value(CONCERN)}],
                                                                  "intent_confidence": 0.9})
    Flags(store).set_reply(session.id, "flag-1", value(REPLY))
    Flags(store).acknowledge(session.id, flag.id, value(PRACTITIONER))
    for number, text in enumerate(ANSWERS):  # each also as a note, and as a question left unanswered (a list item)
        answer = store.record_answer(session.id, activity="warm_up", prompt_key="warm_up_likes",
                                     prompt_text=value(f"You chose {text}. Tell me more."), kind="answer",
                                     text=value(text), message_id=f"m{number}")
        Reviews(store).set(session.id, answer.id, value(PRACTITIONER), note=value(text))
        store.record_answer(session.id, activity="warm_up", prompt_key="warm_up_likes", prompt_text=value(text),
                            kind="skipped", text=None, choice="/skip", message_id=f"skipped{number}")
    store.record_answer(session.id, activity="warm_up", prompt_key="warm_up_likes", prompt_text=value(FOLLOW_UP),
                        kind="choice", text=None, choice="c", choice_label=value(LABEL), message_id="choice")
    store.record_answer(session.id, activity="warm_up", prompt_key="warm_up_likes", prompt_text=value(FOLLOW_UP),
                        kind="skipped", text=None, choice="/skip", message_id="skipped")
    store.record_answer(session.id, activity="judge_message", prompt_key="judge_message_know",
                        prompt_text=value(FOLLOW_UP), kind="answer", text=value(MARKUP[0]), message_id="judge")
    last = store.answers(session.id)[-1]
    Reviews(store).set(session.id, last.id, value(PRACTITIONER), included=False, note=value(NOTE))
    store.add_observation(session.id, value(PRACTITIONER), value(NOTE))
    store.mark_ended(session.id, "completed")
    return session


WORDS = ANSWERS + [FLAG_WORDS, MARKUP[0]]  # the child's words, each in a block of its own
OTHER_VALUES = [NAME, CASE, PRACTITIONER, NOTE, LABEL, REPLY, CONCERN, FOLLOW_UP] + ANSWERS + [
    f"You chose {text}. Tell me more." for text in ANSWERS]


@pytest.fixture(scope="module")
def exports(tmp_path_factory, migrated_database, pack) -> Callable[..., str]:
    """export(fmt, twin=False, page=None): the export of the hostile session with every answer, or its twin's.
    The two sessions are written once for the module (some 500 writes): every test here only reads them."""
    store = Store(copy_of(migrated_database, tmp_path_factory.mktemp("escaping")), new_key(), chain_key=new_chain_key())
    sessions = {False: make_session(store, pack, lambda text: text), True: make_session(store, pack, mask)}

    def export(fmt: str, twin: bool = False, page=None):
        return render(build_summary(store, pack, sessions[twin].id, "Europe/London", include_all=True), fmt, page=page)

    yield export
    store.close()


class Page(HTMLParser):
    """An HTML page as parsed: each element (tag and attributes) in order, the text of each closed
    element, and all its text."""

    VOID = {"br", "hr", "img", "meta", "link", "input", "source", "wbr"}

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.elements, self.closed, self.open, self.text = [], [], [], []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, tuple(attrs)))
        if tag not in self.VOID:
            self.open.append((tag, dict(attrs), []))

    def handle_endtag(self, tag):
        while self.open:
            name, attrs, text = self.open.pop()
            self.closed.append((name, attrs, "".join(text)))
            if name == tag:
                return

    def handle_data(self, data):
        self.text.append(data)
        for _, _, text in self.open:
            text.append(data)

    def texts(self, tag: str, **attrs) -> List[str]:
        return [text for name, found, text in self.closed if name == tag and all(found.get(k) == v for k, v in attrs.items())]

    def shown(self) -> str:
        return " ".join("".join(self.text).split())


def shown(text: str) -> str:
    """Text as a reader sees it, whatever the whitespace: runs of whitespace as one space."""
    return " ".join(text.split())


def assert_no_markup_from_the_words(page: Page, twin: Page) -> None:
    assert page.elements == twin.elements, "an element or attribute came from the child's words"
    tags = [tag for tag, _ in page.elements]
    assert not set(tags) & {"img", "script", "a", "table", "del", "s", "iframe", "object"} and tags.count("h1") == 1
    assert not [attrs for _, attrs in page.elements if any(name.startswith("on") for name, _ in attrs)]


# Markdown ----------------------------------------------------------------------------------------

def python_markdown(text: str) -> str:
    import markdown

    return markdown.markdown(text)


def commonmark(text: str) -> str:
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py (CommonMark) is not installed")
    return markdown_it.MarkdownIt("commonmark").render(text)


def commonmark_with_tables(text: str) -> str:
    """CommonMark with GitHub's tables and strikethrough."""
    markdown_it = pytest.importorskip("markdown_it", reason="markdown-it-py (CommonMark) is not installed")
    return markdown_it.MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


VIEWERS: Dict[str, Callable[[str], str]] = {
    "python-markdown": python_markdown, "commonmark": commonmark, "commonmark-tables": commonmark_with_tables}


def code_as_viewed(text: str, viewer: str) -> str:
    """What a Markdown viewer shows of the child's words in their code block (bot/report/escape.py):
    each line ending as LF, no blank line first or last, then an LF. Python-Markdown also
    expands tabs (counting the quote's prefix), drops the block's trailing whitespace and the STX and
    ETX it uses itself; CommonMark shows a NUL as U+FFFD."""
    lines = LINE_ENDING.split(text)
    if viewer == "python-markdown":
        lines = [(QUOTE_PREFIX + line.replace("\x02", "").replace("\x03", "")).expandtabs(4)[len(QUOTE_PREFIX):]
                 for line in lines]
        return "\n".join(lines).strip("\n").rstrip() + "\n"
    while lines and not lines[0].strip(" \t"):
        lines.pop(0)
    while lines and not lines[-1].strip(" \t"):
        lines.pop()
    return "\n".join(lines).replace("\x00", "\ufffd") + "\n"


def test_markdown_holds_each_answer_exactly_in_one_code_block_inside_a_quote(exports):
    """The file holds the child's characters exactly, with the quote's prefix first and after each
    line ending (so a CR can no longer end the block), between blank lines."""
    markdown = exports("md")
    for text in WORDS:
        quoted = QUOTE_PREFIX + LINE_ENDING.sub(lambda ending: ending.group() + QUOTE_PREFIX, text)
        assert f"\n\n{quoted}\n\n" in markdown, repr(text[:60])


@pytest.mark.parametrize("page", [None, "judge_message"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_markdown_viewer_shows_every_value_as_typed_and_no_markup_from_it(exports, viewer, page):
    view = VIEWERS[viewer]
    viewed, twin = Page(view(exports("md", page=page))), Page(view(exports("md", twin=True, page=page)))
    assert_no_markup_from_the_words(viewed, twin)
    assert "not bold" not in {text.strip() for text in viewed.texts("strong") + viewed.texts("em")}
    words = WORDS if page is None else [MARKUP[0]]
    expected = Counter(code_as_viewed(text, viewer) for text in words if text.strip())
    assert not expected - Counter(viewed.texts("pre")), "the child's words are not shown exactly in their code blocks"
    if page is None:
        escaped = viewed.shown()
        for value in OTHER_VALUES:  # shown literally: no markup, and no backslash or entity of ours left over
            assert shown(value.replace("\x00", "\x00" if viewer == "python-markdown" else "\ufffd")) in escaped, repr(value[:60])


# HTML --------------------------------------------------------------------------------------------

def as_a_browser_reads(page: str) -> Page:
    """A browser turns each CR LF and each lone CR it reads into an LF before parsing (HTML's input
    stream preprocessing), and drops a NUL in the body."""
    return Page(LINE_ENDING.sub("\n", page).replace("\x00", ""))


def test_the_html_export_shows_every_value_as_typed_and_no_markup_from_it(exports):
    page, twin = exports("html"), exports("html", twin=True)
    read = as_a_browser_reads(page)
    assert_no_markup_from_the_words(read, as_a_browser_reads(twin))
    quoted = [text for text in read.texts("blockquote", **{"class": "words"}) if text.startswith("“")]
    assert all(text.endswith("”") for text in quoted)
    assert Counter(text[1:-1] for text in quoted) == Counter(text.replace("\x00", "") for text in WORDS), (
        "the page's text is not the child's words")
    shown_text = read.shown()
    for value in OTHER_VALUES:
        assert shown(value.replace("\x00", "")) in shown_text, repr(value[:60])


def test_the_html_environment_autoescapes_every_value(exports):
    from bot.report import render as module

    environment = module.environment("html", "Europe/London")
    assert environment.autoescape is True or environment.autoescape("summary.html.j2") is True
    assert "&lt;b&gt;Sam&lt;/b&gt;" in exports("html") and "<b>Sam</b>" not in exports("html")


# Word --------------------------------------------------------------------------------------------

def in_word(text: str) -> str:
    """What Word holds of a value: each line ending a line break (read back as LF), each character
    XML cannot hold as U+FFFD (bot/report/word.py), every other character as it is."""
    return NOT_IN_XML.sub("\ufffd", LINE_ENDING.sub("\n", text))


def test_the_word_file_holds_every_value_exactly_and_no_field_or_link(exports):
    from docx import Document

    data = exports("docx")
    document = Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    for text in WORDS:
        assert f"“{in_word(text)}”" in paragraphs, repr(text[:60])
    assert f"{wording()['chose']} {in_word(LABEL)}" in paragraphs
    assert f"{wording()['prompt_label']} {in_word(FOLLOW_UP)}" in paragraphs
    for text in ANSWERS:  # as a question left unanswered, and as the practitioner's note
        assert f"{wording()['prompt_label']} {in_word(text)}" in paragraphs, repr(text[:60])
        assert not text.strip() or f"{wording()['practitioner_note']} {in_word(text)}" in paragraphs, repr(text[:60])
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for value in (NAME, CASE, PRACTITIONER, NOTE, LABEL, REPLY):
        assert any(in_word(value) in cell for cell in cells), repr(value)
    assert in_word(NAME) in document.core_properties.title
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = "".join(package.read(name).decode("utf-8") for name in package.namelist() if name.endswith(".xml"))
    for element in ("w:hyperlink", "w:fldSimple", "w:instrText", "w:fldChar"):
        assert f"<{element}" not in xml


# JSON --------------------------------------------------------------------------------------------

def test_the_json_holds_every_value_exactly(exports):
    document = json.loads(exports("json"))
    assert [a["text"] for a in document["answers"] if a["kind"] == "answer"] == ANSWERS + [MARKUP[0]]
    assert [a["prompt"] for a in document["answers"] if a["kind"] == "answer"][:-1] == [
        f"You chose {t}. Tell me more." for t in ANSWERS]
    assert [a["choice_label"] for a in document["answers"] if a["kind"] == "choice"] == [LABEL]
    assert [a["note"] for a in document["answers"] if a["note"]] == [t for t in ANSWERS if t.strip()] + [NOTE]
    assert [a["prompt"] for a in document["answers"] if a["kind"] == "skipped"] == ANSWERS + [FOLLOW_UP]
    [flag] = document["flags"]
    assert (flag["text"], flag["prompt"], flag["reply"], flag["found_by"], flag["acknowledged_by"]) == (
        FLAG_WORDS, FOLLOW_UP, REPLY, [CONCERN], PRACTITIONER)
    assert [(o["author"], o["text"]) for o in document["observations"]] == [(PRACTITIONER, NOTE)]
    session = document["session"]
    assert (session["child_name"], session["case_reference"], session["practitioner"], session["present"],
            session["place"]) == (NAME, CASE, PRACTITIONER, NOTE, LABEL)


def test_a_name_holding_a_character_xml_cannot_hold_is_marked_in_the_word_file(store, pack):
    """The document's title property too (it was put in as it was, and python-docx refused it)."""
    from docx import Document

    session = start_session(store, pack, case_reference="CASE-1", child_name="Sam\x07", age=9, language="en",
                            practitioner="Alex")
    document = Document(io.BytesIO(render(build_summary(store, pack, session.id, "Europe/London"), "docx")))
    assert "Sam\ufffd" in document.core_properties.title and "Sam\ufffd" in document.paragraphs[0].text
