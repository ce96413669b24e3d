"""The summary of a session for the practitioner's court report, as plain data.

Its JSON form is a stable interface for other tools: `session`, `activities` and `answers` (each with
`activity`, `prompt_key`, `prompt`, `text`, `kind`, `at`). The child's words are exactly as stored."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

from bot.prompt_pack import PromptPack
from bot.sessions import AGE_BAND_LABELS
from bot.store.repository import Store

SUMMARY_FORMAT = "own-words/summary/1"


class SessionNotFound(LookupError):
    pass


def build_summary(store: Store, pack: PromptPack, session_id: str, time_zone: str) -> Dict[str, Any]:
    session = store.get_session(session_id)
    if session is None:
        raise SessionNotFound(f"no session has the id {session_id!r}")
    answers = store.answers(session_id)
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

    return {
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
            "date": started.astimezone(zone).date().isoformat(),
            "time_zone": time_zone,
            "started_at": _iso(session.started_at),
            "ended_at": _iso(session.ended_at),
            "duration_seconds": duration,
            "status": session.status,
            "plan": session.plan,
            "prompt_pack_version": session.prompt_pack_version,
        },
        "activities": [
            {
                "order": position,
                "key": key,
                "title": pack.title(key),
                "set_apart": bool(pack.activities.get(key) and pack.activities[key].set_apart),
            }
            for position, key in enumerate(done, start=1)
        ],
        "answers": [
            {
                "order": answer.seq,
                "activity": answer.activity,
                "prompt_key": answer.prompt_key,
                "prompt": answer.prompt_text,
                "text": answer.text,
                "kind": answer.kind,
                "choice": answer.choice,
                "choice_label": answer.choice_label,
                "at": _iso(answer.at),
            }
            for answer in answers
        ],
    }


def _iso(moment: Optional[datetime]) -> Optional[str]:
    return moment.isoformat() if moment else None
