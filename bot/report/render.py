"""Rendering a summary (see summary.py) as JSON or Markdown.

The wording around the child's words lives in templates/ (summary.md.j2 and wording.yml), which a
trainer can edit; the child's words are put in unchanged."""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Dict
from zoneinfo import ZoneInfo

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"
FORMATS = ("json", "md")


def wording() -> Dict[str, Any]:
    with (TEMPLATES / "wording.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def render(summary: Dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return render_json(summary)
    if fmt == "md":
        return render_markdown(summary)
    raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


def render_json(summary: Dict[str, Any]) -> str:
    document = dict(summary, note=wording()["verbatim_note"])
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_markdown(summary: Dict[str, Any]) -> str:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        # Markdown is not HTML: escaping would change the child's words. HTML templates (later)
        # are autoescaped.
        autoescape=select_autoescape(["html", "htm", "xml"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    zone = ZoneInfo(summary["session"]["time_zone"])
    environment.filters["quote"] = _blockquote
    environment.filters["local_time"] = lambda iso: _local(iso, zone, "%H:%M")
    environment.filters["minutes"] = _minutes
    return environment.get_template("summary.md.j2").render(summary=summary, wording=wording())


def _blockquote(text: str) -> str:
    """Every line of the child's text behind '> ', each line's characters unchanged."""
    return "\n".join("> " + line for line in text.split("\n"))


def _local(iso: str, zone: ZoneInfo, pattern: str) -> str:
    return datetime.fromisoformat(iso).astimezone(zone).strftime(pattern) if iso else ""


def _minutes(seconds) -> str:
    if seconds is None:
        return ""
    minutes = max(1, round(seconds / 60)) if seconds else 0
    return f"{minutes} min"
