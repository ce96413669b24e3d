"""docs/reliability.md: each fault suite's table of answers sent, stored, lost and doubled, in a
section of its own, rewritten by that suite's last run and printed at the end of it (conftest.py)."""
from __future__ import annotations

from datetime import date
from typing import List, Sequence, Tuple

from tests.servers import ROOT

PATH = ROOT / "docs" / "reliability.md"
TITLE = "# Reliability: the fault suites' last runs"
Row = Tuple[str, int, int, int, int]  # scenario, sent, stored, lost, doubled
REPORTED: List[str] = []  # the sections this process wrote, printed at the end of the run


def record(results: List[Row], scenario: str, sessions) -> None:
    """Count what `sessions` (each with `sent`, the words sent and answered, and `stored()`) sent and
    stored into `results`, then require each session's answers stored exactly once, in order."""
    sent = [words for s in sessions for words in s.sent]
    stored = [words for s in sessions for words in s.stored()]
    lost = sum(1 for words in set(sent) if words not in stored)
    doubled = sum(stored.count(words) - 1 for words in set(stored) if stored.count(words) > 1)
    results.append((scenario, len(sent), len(stored), lost, doubled))
    for s in sessions:
        assert s.stored() == s.sent, scenario  # exactly once each, in order, in its own session


def write_section(heading: str, how: str, rows: Sequence[Row]) -> List[str]:
    """Replace the section `heading` (or add it) and return its lines."""
    section = [
        f"## {heading}",
        "",
        f"Run on {date.today().isoformat()} by `make test` ({how}).",
        "Every answer sent must be stored exactly once, in order, under its own session.",
        "",
        "| scenario | answers sent | stored | lost | doubled |",
        "| --- | --- | --- | --- | --- |",
        *[f"| {scenario} | {sent} | {stored} | {lost} | {doubled} |" for scenario, sent, stored, lost, doubled in rows],
        "",
    ]
    sections = _sections(PATH.read_text(encoding="utf-8") if PATH.exists() else "")
    sections[heading] = section
    PATH.write_text("\n".join([TITLE, "", *[line for lines in sections.values() for line in lines]]), encoding="utf-8")
    REPORTED.extend(section)
    return section


def _sections(text: str) -> dict:
    sections, heading = {}, None
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:]
            sections[heading] = []
        if heading is not None:
            sections[heading].append(line)
    return sections
