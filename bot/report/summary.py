"""The summary of a session for the practitioner's court report, as plain data.

Its JSON form is a stable interface for other tools: `session`, `activities` and `answers` (each with
`activity`, `prompt_key`, `prompt`, `text`, `kind`, `at`, `entered_by` ("child", or "practitioner"
writing down what the child said, with their name in `scribe`), and for a read-back answer the
`about_activity`, and the practitioner's `included` and `note`; a drawing the child made as an answer
is kind `drawing` with `drawing_id` and `drawing` (`id`, `sha256`, `width`, `height` and the PNG
itself as `png_base64`; all but `id` null when the drawing was not kept, as in practice), and the
child's words about it that follow carry the same `drawing_id`), `flags` (possible safeguarding
disclosures: the child's exact words, when, the activity and prompt, what the bot said back, whether
the practitioner acknowledged the alert; always in, whatever was left out), `observations` (the
practitioner's, during the session), `record` (the head of the record's chain, bot/store/chain.py,
and whether it verified as intact when exported), `content_hash`, then two groupings of those same answers for the report: `choices` (each choice
the child made, such as a feeling or a scale score, with their words about it) and `gone_over` (the
read-back, activity by activity). The child's words are exactly as stored."""
from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

from bot.dialogue.sessions import AGE_BAND_LABELS
from bot.pack.prompt_pack import PromptPack
from bot.safeguarding.lexicon import Lexicon
from bot.store.drawings import DrawingInfo, Drawings
from bot.store.flags import FlagInfo, Flags
from bot.store.repository import Store
from bot.store.reviews import ReviewInfo, Reviews

SUMMARY_FORMAT = "own-words/summary/1"


class SessionNotFound(LookupError):
    pass


def build_summary(
    store: Store, pack: PromptPack, session_id: str, time_zone: str, *, include_all: bool = False
) -> Dict[str, Any]:
    """The summary of a session: by default only the answers the practitioner has not left out
    (every answer is in until they do); `include_all` for every answer, each marked."""
    session = store.get_session(session_id)
    if session is None:
        raise SessionNotFound(f"no session has the id {session_id!r}")
    reviews = Reviews(store).of_session(session_id)
    every_answer = store.answers(session_id)
    left_out = [a for a in every_answer if a.id in reviews and not reviews[a.id].included]
    answers = every_answer if include_all else [a for a in every_answer if a not in left_out]
    zone = ZoneInfo(time_zone)
    started = session.started_at or session.created_at
    duration = (
        int((session.ended_at - session.started_at).total_seconds())
        if session.started_at and session.ended_at
        else None
    )

    done: List[str] = []
    for answer in answers:
        if answer.activity not in done:
            done.append(answer.activity)
    drawings = Drawings(store).of_session(session_id) if any(a.drawing_id for a in every_answer) else {}
    rows = [_answer(answer, reviews.get(answer.id), drawings) for answer in answers]
    # who typed each of the child's messages: a flag's words say so too
    typed_by = {t.message_id: t for t in store.transcript(session_id) if t.speaker == "child"}

    summary = {
        "summary_format": SUMMARY_FORMAT,
        "session": {
            "id": session.id,
            "case_reference": session.case_reference,
            "child_name": session.child_name,
            "age": session.age,
            "age_band": AGE_BAND_LABELS.get(session.age_band, session.age_band),
            "language": session.language,
            "practitioner": session.practitioner,
            "present": session.present,
            "place": session.place,
            "case_about": session.case_about,
            "date": started.astimezone(zone).date().isoformat(),
            "time_zone": time_zone,
            "started_at": _iso(session.started_at),
            "ended_at": _iso(session.ended_at),
            "duration_seconds": duration,
            "status": session.status,
            "plan": session.plan,
            "child_chose_order": session.child_chooses,
            "read_aloud": session.read_aloud,
            "seen_alone": session.seen_alone,
            "prompt_pack_version": session.prompt_pack_version,
            "answers_left_out": len(left_out),
            "all_answers": include_all,
            "scribing": session.scribing,
            "entered": _entered(every_answer),
        },
        "activities": [
            {
                "order": position,
                "key": key,
                "title": pack.title(key),
                "set_apart": bool(pack.activities.get(key) and pack.activities[key].set_apart),
                "for_each_activity": bool(pack.activities.get(key) and pack.activities[key].for_each_activity),
            }
            for position, key in enumerate(done, start=1)
        ],
        "answers": rows,
        "choices": _choices(pack, done, rows),
        "gone_over": _gone_over(pack, done, rows),
        "flags": [_flag(pack, flag, typed_by) for flag in Flags(store).of_session(session_id)],
        "observations": [
            {"author": o["author"], "at": _iso(o["at"]), "text": o["text"]} for o in store.observations(session_id)
        ],
        "record": _record(store, session_id),
    }
    summary["content_hash"] = content_hash(summary)
    return summary


def content_hash(summary: Dict[str, Any]) -> str:
    """SHA-256 of the summary's content (all but this hash), so a printed or saved export can be
    matched to the record: export the same session as JSON and compare."""
    content = {key: value for key, value in summary.items() if key != "content_hash"}
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")).hexdigest()


def _flag(pack: PromptPack, flag: FlagInfo, typed_by: Dict[str, Any]) -> Dict[str, Any]:
    labels = _concern_labels()
    turn = typed_by.get(flag.message_id)
    return {
        "entered_by": turn.entered_by if turn else "child",
        "scribe": turn.scribe if turn else None,
        "id": flag.id,
        "at": _iso(flag.at),
        "activity": flag.activity,
        "activity_title": pack.title(flag.activity) if flag.activity in pack.activities else None,
        "prompt": flag.prompt,
        "text": flag.words,
        "reply": flag.reply,
        "found_by": [labels.get(m["concern"], m["concern"]) for m in flag.found_by.get("lexicon", [])],
        "intent_confidence": flag.found_by.get("intent_confidence"),
        "acknowledged_at": _iso(flag.acknowledged_at),
        "acknowledged_by": flag.acknowledged_by,
    }


def _concern_labels() -> Dict[str, str]:
    try:
        return Lexicon.load().labels
    except ValueError:
        return {}


def _entered(answers) -> Dict[str, Any]:
    """Who entered the session's answers: typed by the child, buttons the child tapped, and those
    each practitioner wrote down for them (scribing); and the drawings the child made, if any."""
    written: Dict[str, int] = {}
    for answer in answers:
        if answer.entered_by == "practitioner" and answer.kind != "drawing":
            written[answer.scribe or ""] = written.get(answer.scribe or "", 0) + 1
    childs = [a for a in answers if a.entered_by != "practitioner" and a.kind != "drawing"]
    entered: Dict[str, Any] = {
        "typed_by_child": sum(1 for a in childs if a.text is not None),
        "tapped_by_child": sum(1 for a in childs if a.text is None),
        "written_down": [{"by": name, "answers": count} for name, count in written.items()],
    }
    drawn = sum(1 for a in answers if a.kind == "drawing")
    if drawn:  # (only then: a session without drawings keeps its shape)
        entered["drawn_by_child"] = drawn
    return entered


def _record(store: Store, session_id: str) -> Dict[str, Any]:
    verdict = store.verify(session_id)
    return {"chain_head": verdict.head, "entries": verdict.entries, "intact": verdict.intact,
            "problems": verdict.problems}


def _answer(answer, review: Optional[ReviewInfo], drawings: Dict[str, DrawingInfo]) -> Dict[str, Any]:
    row = {
        "id": answer.id,
        "order": answer.seq,
        "activity": answer.activity,
        "about_activity": answer.about_activity,
        "prompt_key": answer.prompt_key,
        "prompt": answer.prompt_text,
        "text": answer.text,
        "kind": answer.kind,
        "choice": answer.choice,
        "choice_label": answer.choice_label,
        "entered_by": answer.entered_by,
        "scribe": answer.scribe,
        "at": _iso(answer.at),
        "included": review.included if review else True,
        "note": review.note if review else None,  # the practitioner's, never the child's words
    }
    if answer.drawing_id or answer.kind == "drawing":  # (only then: a session without drawings keeps its shape)
        row["drawing_id"] = answer.drawing_id
        if answer.kind == "drawing":
            row["drawing"] = _drawing(answer.drawing_id, drawings.get(answer.drawing_id or ""))
    return row


def _drawing(drawing_id: Optional[str], drawing: Optional[DrawingInfo]) -> Dict[str, Any]:
    """The drawing an answer is: the PNG itself (base64), so that the content hash covers its pixels;
    all but the id null when it was not kept (a practice session's, or one erased since)."""
    if drawing is None:
        return {"id": drawing_id, "sha256": None, "width": None, "height": None, "png_base64": None}
    return {"id": drawing.id, "sha256": drawing.sha256, "width": drawing.width, "height": drawing.height,
            "png_base64": base64.b64encode(drawing.png).decode("ascii")}


def _choices(pack: PromptPack, done: List[str], rows: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Each question with follow-ups that the child answered (a feeling, a scale score, writing to
    or meeting the judge), with the child's answers to those follow-ups, by activity."""
    groups = []
    for key in done:
        activity = pack.activities.get(key)
        if activity is None or activity.for_each_activity or not activity.follow_ups:
            continue
        items = []
        for row in rows:
            after = activity.follow_ups.get(row["prompt_key"], [])
            # "what else goes in ...?" follows free text, not a choice
            if row["activity"] == key and after and not set(after) & set(activity.until_done):
                words = [r for r in rows if r["activity"] == key and r["prompt_key"] in after and r["order"] > row["order"]]
                items.append({"answer": row, "follow_ups": words[: len(after)]})
        if items:
            groups.append({"activity": key, "title": pack.title(key), "entries": items})
    return groups


def _gone_over(pack: PromptPack, done: List[str], rows: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The read-back: for each activity gone over, the child's answers."""
    sections = []
    for key in done:
        activity = pack.activities.get(key)
        if activity is None or not activity.for_each_activity:
            continue
        about_order: List[str] = []
        for row in rows:
            if row["activity"] == key and row["about_activity"] not in about_order:
                about_order.append(row["about_activity"])
        sections.append({
            "activity": key,
            "title": activity.title,
            "about": [
                {
                    "activity": about,
                    # (an answer an older version kept without what it was about: the read-back's own title)
                    "title": pack.title(about) if about else activity.title,
                    "answers": [r for r in rows if r["activity"] == key and r["about_activity"] == about],
                }
                for about in about_order
            ],
        })
    return sections


def _iso(moment: Optional[datetime]) -> Optional[str]:
    return moment.isoformat() if moment else None
