"""The summary laid out as sections and blocks, once, for every format (Markdown, HTML, Word) to
render the same way. The child's words go into the blocks exactly as stored; the wording around
them comes from templates/wording.yml."""
from __future__ import annotations

from typing import Any, Dict, List, Optional


def outline(summary: Dict[str, Any], wording: Dict[str, Any]) -> List[Dict[str, Any]]:
    sections: List[Dict[str, Any]] = []
    who = Entered(summary, wording)

    def section(title: str, blocks: List[Dict[str, Any]], level: int = 2, empty: Optional[str] = None) -> None:
        sections.append({"title": title, "level": level, "blocks": blocks, "empty": empty})

    flags = summary.get("flags") or []
    if flags:
        section(wording["headings"]["flags"], [block for flag in flags for block in _flag(flag, wording, who)])
    section(wording["headings"]["about"], [{"type": "details", "items": details(summary, wording)}])
    section(
        wording["headings"]["activities"],
        [{"type": "numbered", "items": [a["title"] for a in summary["activities"]]}] if summary["activities"] else [],
        empty=wording["empty"]["activities"],
    )
    answers = summary["answers"]
    for activity in summary["activities"]:
        if activity["set_apart"]:
            section(activity["title"], [_answer(a, wording, who) for a in answers if a["activity"] == activity["key"]])
    if summary["choices"]:
        section(wording["headings"]["choices"], [])
        for group in summary["choices"]:
            blocks = []
            for entry in group["entries"]:
                blocks += [_answer(entry["answer"], wording, who)] + [_answer(a, wording, who) for a in entry["follow_ups"]]
            section(group["title"], blocks, level=3)
    section(wording["headings"]["said"], [])
    for activity in summary["activities"]:
        if not activity["set_apart"] and not activity["for_each_activity"]:
            section(activity["title"], [_answer(a, wording, who) for a in answers if a["activity"] == activity["key"]], level=3)
    for gone_over in summary["gone_over"]:
        section(gone_over["title"], [])
        for about in gone_over["about"]:
            section(about["title"], [_answer(a, wording, who) for a in about["answers"]], level=3)
    skipped = [a["prompt"] for a in answers if a["kind"] == "skipped"]
    section(wording["headings"]["not_answered"], [{"type": "bullets", "items": skipped}] if skipped else [],
            empty=wording["empty"]["not_answered"])
    observations = summary.get("observations") or []
    if observations:
        section(wording["headings"]["observations"], [
            {"type": "observation", "author": o["author"], "at": o["at"], "text": o["text"]} for o in observations
        ])
    return sections


def own_page(summary: Dict[str, Any], wording: Dict[str, Any], activity_key: str) -> List[Dict[str, Any]]:
    """One activity on a page of its own (the child's message to the judge), to be filed alone:
    who, when and which session, then the child's words."""
    s, labels = summary["session"], wording["details"]
    rows = [[labels["case"], s["case_reference"]], [labels["child_name"], s["child_name"]],
            [labels["date"], s["date"]], [labels["session_id"], s["id"]]]
    who = Entered(summary, wording)
    blocks = [_answer(a, wording, who) for a in summary["answers"] if a["activity"] == activity_key]
    return [{"title": wording["headings"]["about"], "level": 2, "blocks": [{"type": "details", "items": rows}],
             "empty": None},
            {"title": wording["headings"]["own_words"], "level": 2, "blocks": blocks,
             "empty": wording["empty"]["own_page"]}]


def _flag(flag: Dict[str, Any], wording: Dict[str, Any], who: "Entered") -> List[Dict[str, Any]]:
    """A safeguarding flag: the child's exact words after the prompt they answered, then its details."""
    words = {"type": "answer", "prompt": flag.get("prompt") or "", "text": flag["text"], "choice": None,
             "kind_note": None, "note": None, "entered": who.note(flag)}
    return [words, {"type": "details", "items": flag_details(flag, wording)}]


def flag_details(flag: Dict[str, Any], wording: Dict[str, Any]) -> List[List[str]]:
    """When, where, what raised it, what the bot said back and whether the practitioner acknowledged
    it (the flag's times made local first: render.localised)."""
    labels = wording["flags"]
    found = list(dict.fromkeys(flag["found_by"]))
    if (flag.get("intent_confidence") or 0) >= labels["intent_shown_from"]:
        found.append(labels["by_intent"])
    acknowledged = (labels["acknowledged"].replace("{who}", flag["acknowledged_by"]).replace("{when}", flag["acknowledged_local"])
                    if flag.get("acknowledged_at") else labels["not_acknowledged"])
    return [
        [labels["when"], flag["at_local"]],
        [labels["activity"], flag.get("activity_title") or labels["no_activity"]],
        [labels["found_by"], "; ".join(found) or labels["by_intent"]],
        [labels["reply"], flag.get("reply") or labels["no_reply"]],
        [labels["alerted"], acknowledged],
    ]


def details(summary: Dict[str, Any], wording: Dict[str, Any]) -> List[List[str]]:
    s, labels = summary["session"], wording["details"]
    rows = [
        (labels["case"], s["case_reference"]),
        (labels["child_name"], s["child_name"]),
        (labels["age"], f"{s['age']} ({labels['band']} {s['age_band']})"),
        (labels["language"], s["language"]),
        (labels["date"], s["date"]),
        (labels["times"], _times(s, labels)),
        (labels["status"], wording["statuses"].get(s["status"], s["status"])),
        (labels["practitioner"], s["practitioner"]),
        (labels["present"], s["present"] or labels["none_recorded"]),
        (labels["place"], s["place"] or labels["not_recorded"]),
        (labels["case_about"], s.get("case_about") or labels["not_given"]),
        (labels["seen_alone"], {True: labels["yes"], False: labels["no"]}.get(s.get("seen_alone"), labels["not_recorded"])),
        (labels["read_aloud"], labels["on"] if s.get("read_aloud") else labels["off"]),
        (labels["entered"], Entered(summary, wording).counts()),
        (labels["prompt_pack_version"], s["prompt_pack_version"]),
        (labels["session_id"], s["id"]),
    ]
    return [[label, value] for label, value in rows]


def _times(s: Dict[str, Any], labels: Dict[str, str]) -> str:
    started, ended = s.get("started_local") or "", s.get("ended_local")
    if not ended:
        return f"{labels['started']} {started} ({s['time_zone']})"
    return (f"{labels['started']} {started}; {labels['ended']} {ended}; {labels['duration']} "
            f"{s.get('duration_text', '')} ({s['time_zone']})")


class Entered:
    """Who entered each answer, in words: said beside every quote once any of the session's answers
    was written down by the practitioner (scribing), and counted in the session's details."""

    def __init__(self, summary: Dict[str, Any], wording: Dict[str, Any]):
        self._name = self.child_name = summary["session"]["child_name"]
        self._entered = summary["session"].get("entered") or {}
        self._words = wording["entered"]
        self.any_scribed = bool(self._entered.get("written_down"))

    def note(self, answer: Dict[str, Any]) -> Optional[str]:
        if not self.any_scribed:
            return None
        if answer.get("kind") == "drawing":  # the child's own, whoever held the tablet
            return self._fill(self._words["drawn"])
        if answer.get("entered_by") == "practitioner":
            return self._fill(self._words["scribed"], scribe=answer.get("scribe") or "")
        return self._fill(self._words["typed" if answer["text"] is not None else "tapped"])

    def counts(self) -> str:
        parts = [self._fill(self._words["count_typed"], count=self._entered.get("typed_by_child", 0))]
        parts += [self._fill(self._words["count_scribed"], count=w["answers"], scribe=w["by"])
                  for w in self._entered.get("written_down", [])]
        parts.append(self._fill(self._words["count_tapped"], count=self._entered.get("tapped_by_child", 0)))
        drawn = self._entered.get("drawn_by_child")
        if drawn:
            parts.append(self._fill(self._words["count_drawn_one" if drawn == 1 else "count_drawn"], count=drawn))
        return "; ".join(parts)

    def _fill(self, text: str, **values: Any) -> str:
        # placeholders replaced one by one, never str.format: a name may hold braces
        return fill(text, dict(values, child_name=self._name))


def _answer(answer: Dict[str, Any], wording: Dict[str, Any], who: Entered) -> Dict[str, Any]:
    """An answer block: the prompt, then the child's words (or the button they chose, or what they
    did instead), who entered them, and the practitioner's note, labelled as theirs."""
    kind = answer["kind"]
    block = {
        "entered": who.note(answer),
        "type": "answer",
        "prompt": answer["prompt"],
        "text": answer["text"],
        "choice": (answer["choice_label"] or answer["choice"]) if answer["text"] is None and kind == "choice" else None,
        "kind_note": wording["kinds"].get(kind) if kind in wording["kinds"] else None,
        "note": answer.get("note"),
    }
    if kind == "drawing":  # (only then: a session without drawings keeps its shape)
        block["drawing"] = drawing_block(answer.get("drawing") or {}, answer.get("drawing_id"), who.child_name, wording)
    return block


def drawing_block(drawing: Dict[str, Any], drawing_id: Optional[str], child_name: str,
                  wording: Dict[str, Any]) -> Dict[str, Any]:
    """A drawing the child made, for every format: the PNG (base64) with its alt text and caption,
    and the line Markdown shows in its place; `png_base64` None when it was not kept (practice)."""
    words = wording["drawing"]
    values = {"child_name": child_name, "width": drawing.get("width"), "height": drawing.get("height"),
              "sha256": drawing.get("sha256"), "short_sha256": (drawing.get("sha256") or "")[:12]}
    kept = bool(drawing.get("png_base64"))
    return {
        "id": drawing.get("id") or drawing_id,
        "png_base64": drawing.get("png_base64") if kept else None,
        "sha256": drawing.get("sha256"),
        "width": drawing.get("width"),
        "height": drawing.get("height"),
        "alt": fill(words["alt"], values),
        "caption": fill(words["caption"], values) if kept else words["not_kept"],
        "markdown": fill(words["markdown"], values) if kept else words["not_kept"],
    }


def fill(text: str, values: Dict[str, Any]) -> str:
    """Placeholders replaced one by one, never str.format: a name may hold braces."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text

