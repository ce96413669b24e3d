"""The practitioner's review of their sessions: the session page (what the child said, by activity,
with the prompts; include or leave out each answer, add a note), the transcript, and the exports.
Every view, export and change is an audit event. Only a practitioner's own cases are shown."""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, Optional
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from bot.report.outline import Entered, details, drawing_block, fill, flag_details
from bot.report.render import localised, render, wording as report_wording
from bot.report.summary import build_summary
from bot.store.drawings import Drawings
from bot.store.flags import FlagError, Flags
from bot.store.repository import SessionInfo
from bot.store.reviews import ReviewError, Reviews
from bot.web import services

blueprint = Blueprint("review", __name__)
logger = logging.getLogger(__name__)  # identifiers only, never the child's words
EXPORTS = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
           "json": "application/json; charset=utf-8",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def reviews() -> Reviews:
    return Reviews(services.store())


def own_session(session_id: str) -> SessionInfo:
    user = current_user.info
    if user.role != "fca":
        abort(403)  # trainers and administrators see no child's words
    session = services.store().get_session(session_id)
    if session is None or session.owner_id != user.id or session.practice:
        abort(404)  # a practice session has nothing to review: none of it was kept
    return session


def _summary(session: SessionInfo, include_all: bool) -> Dict[str, Any]:
    return build_summary(services.store(), services.pack(), session.id, services.settings().report_time_zone,
                         include_all=include_all)


@blueprint.route("/sessions/<session_id>")
@login_required
def session_page(session_id: str):
    session = own_session(session_id)
    summary = _summary(session, include_all=True)
    reviews().audit(current_user.info.name, "view_session", case_reference=session.case_reference,
                    session_id=session.id)
    words = report_wording()
    zone_summary = localised(summary, ZoneInfo(services.settings().report_time_zone))
    return render_template(
        "review.html", session=session, summary=summary, details=details(zone_summary, words),
        report=words, words=services.wording()["practitioner"], user=current_user.info, flags=zone_summary["flags"],
        flag_details=flag_details, entered=Entered(summary, words), drawing_block=drawing_block,
        own_pages=[(key, services.pack().title(key)) for key in services.pack().own_pages],
    )


@blueprint.route("/sessions/<session_id>/answers/<int:answer_id>", methods=["POST"])
@login_required
def review_answer(session_id: str, answer_id: int):
    session = own_session(session_id)
    choice = request.form.get("included")
    note = request.form.get("note")
    try:
        reviews().set(session.id, answer_id, current_user.info.name,
                      included=None if choice is None else choice == "yes", note=note)
    except ReviewError:
        abort(404)
    action = "note" if note is not None else ("include" if choice == "yes" else "leave_out")
    reviews().audit(current_user.info.name, action, case_reference=session.case_reference, session_id=session.id,
                    detail={"answer": answer_id})
    return redirect(url_for("review.session_page", session_id=session.id) + f"#answer-{answer_id}")


@blueprint.route("/sessions/<session_id>/flags/<int:flag_id>/acknowledge", methods=["POST"])
@login_required
def acknowledge_flag(session_id: str, flag_id: int):
    session = own_session(session_id)
    try:
        Flags(services.store()).acknowledge(session.id, flag_id, current_user.info.name)
    except FlagError:
        abort(404)
    reviews().audit(current_user.info.name, "acknowledge_flag", case_reference=session.case_reference,
                    session_id=session.id, detail={"flag": flag_id})
    return redirect(url_for("review.session_page", session_id=session.id) + f"#flag-{flag_id}")


@blueprint.route("/sessions/<session_id>/transcript")
@login_required
def transcript(session_id: str):
    session = own_session(session_id)
    reviews().audit(current_user.info.name, "view_transcript", case_reference=session.case_reference,
                    session_id=session.id)
    turns = services.store().transcript(session.id)
    # a child's turn that sent a drawing: the picture (served by `drawing`), not its payload
    sent = Drawings(services.store()).sent_in(session.id, turns)
    report = report_wording()
    return render_template("transcript.html", session=session, turns=turns, sent=sent, report=report,
                           drawing_alt=fill(report["drawing"]["alt"], {"child_name": session.child_name}),
                           words=services.wording()["practitioner"], user=current_user.info)


@blueprint.route("/sessions/<session_id>/drawings/<drawing_id>.png")
@login_required
def drawing(session_id: str, drawing_id: str):
    """A drawing the child made, as kept: only to the session's owner, never cached."""
    session = own_session(session_id)
    found = Drawings(services.store()).get(session.id, drawing_id)
    if found is None:
        abort(404)
    reviews().audit(current_user.info.name, "view_drawing", case_reference=session.case_reference,
                    session_id=session.id, detail={"drawing": found.id})
    return Response(found.png, mimetype="image/png",
                    headers={"Cache-Control": "no-store", "Content-Disposition": "inline"})


@blueprint.route("/sessions/<session_id>/export.<fmt>")
@blueprint.route("/sessions/<session_id>/page/<page>.<fmt>")
@login_required
def export(session_id: str, fmt: str, page: Optional[str] = None):
    session = own_session(session_id)
    if fmt not in EXPORTS or (page is not None and page not in services.pack().own_pages):
        abort(404)
    include_all = request.args.get("all") == "1"
    summary = _summary(session, include_all)
    reviews().audit(current_user.info.name, "export", case_reference=session.case_reference, session_id=session.id,
                    detail={"format": fmt, "all": include_all, "page": page, "content_hash": summary["content_hash"]})
    body = render(summary, fmt, page=page)
    if isinstance(body, str):  # the exact characters, as the command line writes them: a lone
        body = body.encode("utf-8", "surrogatepass")  # surrogate a client sent is kept, not a failure
    logger.debug("%s exported session %s as %s", current_user.info.name, session.id, fmt)
    what = page or "summary"
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{session.case_reference}-{session.created_at:%Y-%m-%d}-{what}.{fmt}")
    return Response(body, mimetype=EXPORTS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blueprint.route("/cases/<reference>/compare")
@login_required
def compare(reference: str):
    """The same activity's answers from each of a case's sessions, side by side, oldest first."""
    user = current_user.info
    if user.role != "fca":
        abort(403)
    sessions = sorted((s for s in services.store().sessions_of(user.id) if s.case_reference == reference),
                      key=lambda s: s.created_at)
    if not sessions:
        abort(404)
    pack = services.pack()
    activities: Dict[str, Dict[str, Any]] = {}
    for session in sessions:
        for answer in services.store().answers(session.id):
            if answer.about_activity:
                continue  # read-back and sharing are about other activities: see each session
            activity = activities.setdefault(answer.activity, {"title": pack.title(answer.activity), "questions": [],
                                                               "cells": {}})
            if answer.prompt_key not in [q["key"] for q in activity["questions"]]:
                activity["questions"].append({"key": answer.prompt_key, "prompt": answer.prompt_text})
            activity["cells"].setdefault((answer.prompt_key, session.id), []).append(answer)
    for session in sessions:
        reviews().audit(user.name, "view_session", case_reference=reference, session_id=session.id,
                        detail={"compare": True})
    for activity in activities.values():
        for question in activity["questions"]:
            for session in sessions:
                activity["cells"].setdefault((question["key"], session.id), [])
    return render_template("compare.html", reference=reference, child_name=sessions[-1].child_name,
                           sessions=sessions, activities=list(activities.values()), report=report_wording(),
                           words=services.wording()["practitioner"], user=user)
