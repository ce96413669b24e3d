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
