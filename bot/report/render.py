"""Rendering a summary (see summary.py) as JSON, Markdown, printable HTML or Word.

Every format lays the summary out the same way (outline.py); the wording around the child's words
lives in templates/ (wording.yml, summary.md.j2, summary.html.j2), which a trainer can edit, and the
child's words are put in unchanged. Every value that is not a fixed word of ours is escaped for its
format (escape.py says how): HTML is autoescaped, so words that look like markup show as typed; in
Markdown the child's words are a code block inside a quote, so a Markdown viewer shows them
literally too and the file holds them character for character, and every other value is escaped
explicitly (the `md` filter), since HTML's escaping would show as `&amp;` there.

A drawing the child made (outline.drawing_block) is an inline `data:` image in HTML and the picture
in Word; Markdown cannot hold a picture, so it names the drawing by its SHA-256; the JSON holds its
PNG (base64), which the content hash therefore covers."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Optional, Union
from zoneinfo import ZoneInfo

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.report.escape import QUOTE_PREFIX, html_words, markdown_text, markdown_words  # noqa: F401 (QUOTE_PREFIX: for callers)
from bot.report.outline import outline, own_page
from bot.report.word import render_word

TEMPLATES = Path(__file__).resolve().parent / "templates"
FORMATS = ("json", "md", "html", "docx")
TEMPLATE_OF = {"md": "summary.md.j2", "html": "summary.html.j2"}


def wording() -> Dict[str, Any]:
    with (TEMPLATES / "wording.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def render(summary: Dict[str, Any], fmt: str, page: Optional[str] = None) -> Union[str, bytes]:
    """Text for json, md and html; the bytes of a .docx for docx. `page`: just that activity, on a
    page of its own (the child's message to the judge)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    words = wording()
    if (summary["session"].get("entered") or {}).get("written_down"):  # some words were written down for the child
        words["verbatim_note"] = words["verbatim_note_scribed"]
    if fmt == "json" and page is None:
        return json.dumps(dict(summary, note=words["verbatim_note"]), ensure_ascii=False, indent=2) + "\n"
    zone = ZoneInfo(summary["session"]["time_zone"])
    local = localised(summary, zone)
    name = summary["session"]["child_name"]
    footer = f"{summary['session']['id']}, {words['export_hash']} {summary['content_hash']}, {_record(summary, words)}"
    if page is None:
        title, sections = words["title"].replace("{child_name}", name), outline(local, words)
    else:
        title = words["own_page_title"].replace("{child_name}", name).replace("{title}", _title(summary, page))
        sections = own_page(local, words, page)
        if fmt == "json":
            return json.dumps({"title": title, "sections": sections, "footer": footer}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "docx":
        return render_word(title, sections, words, footer, lambda iso: _local(iso, zone, "%Y-%m-%d %H:%M"))
    template = environment(fmt, summary["session"]["time_zone"]).get_template(TEMPLATE_OF[fmt])
    return template.render(title=title, sections=sections, wording=words, footer=footer)


def environment(fmt: str, time_zone: str) -> Environment:
    """The templates' environment for "md" or "html". HTML autoescapes every value (set outright:
    choosing by file name would have to see "summary.html.j2" as HTML); Markdown is not HTML, so its
    template escapes each value itself (`md`), and puts the child's words in with `quote`."""
    zone = ZoneInfo(time_zone)
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=fmt == "html",
                              undefined=StrictUndefined, keep_trailing_newline=True)
    environment.filters["local_time"] = lambda iso: _local(iso, zone, "%Y-%m-%d %H:%M")
    if fmt == "html":
        environment.filters["words"] = html_words
    else:
        environment.filters["quote"] = markdown_words
        environment.filters["md"] = lambda value: markdown_text(str(value))
    return environment


def _record(summary: Dict[str, Any], words: Dict[str, Any]) -> str:
    """The record's chain head and state, beside the content hash, so a printed summary can be
    matched to the record and shows whether the record was intact when it was made."""
    record = summary.get("record") or {}
    if not record.get("entries"):  # nothing written yet, or written before the chain
        return words["record_intact"] if record.get("intact") else words["record_unchained"]
    state = words["record_intact"] if record.get("intact") else words["record_not_intact"]
    return f"{words['chain_head']} {record.get('chain_head')} ({state})"


def _title(summary: Dict[str, Any], key: str) -> str:
    return next((a["title"] for a in summary["activities"] if a["key"] == key), key)


def localised(summary: Dict[str, Any], zone: ZoneInfo) -> Dict[str, Any]:
    session = dict(summary["session"])
    session["started_local"] = _local(session["started_at"], zone, "%H:%M")
    session["ended_local"] = _local(session["ended_at"], zone, "%H:%M") if session["ended_at"] else None
    session["duration_text"] = _minutes(session["duration_seconds"])
    flags = [
        dict(flag, at_local=_local(flag["at"], zone, "%Y-%m-%d %H:%M"),
             acknowledged_local=_local(flag["acknowledged_at"], zone, "%Y-%m-%d %H:%M"))
        for flag in summary.get("flags") or []
    ]
    return dict(summary, session=session, flags=flags)


def _local(iso: str, zone: ZoneInfo, pattern: str) -> str:
    return datetime.fromisoformat(iso).astimezone(zone).strftime(pattern) if iso else ""


def _minutes(seconds) -> str:
    if seconds is None:
        return ""
    minutes = max(1, round(seconds / 60)) if seconds else 0
    return f"{minutes} min"
