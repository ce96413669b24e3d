"""The practitioner's pages (their sessions, starting one), practice sessions (for anyone who logs
in), and the child's chat page."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from bot.dialogue.sessions import (
    AGE_BAND_LABELS,
    SessionInputError,
    start_practice,
    start_session,
)
from bot.store.flags import Flags
from bot.store.logins import PinError, check_pin_format
from bot.store.repository import CaseNotYours
from bot.web import services
from bot.web.child_mode import hand_to_child, handover_page

blueprint = Blueprint("pages", __name__)


class StartForm(FlaskForm):
    case_reference = StringField(validators=[DataRequired(), Length(max=64)])
    child_name = StringField(validators=[DataRequired(), Length(max=100)])
    age = IntegerField(validators=[DataRequired(), NumberRange(min=4, max=17)])
    language = SelectField()
    present = StringField(validators=[Optional(), Length(max=500)])
    place = StringField(validators=[Optional(), Length(max=500)])
    case_about = StringField(validators=[Optional(), Length(max=80)])
    read_aloud = SelectField(choices=[("auto", "auto"), ("on", "on"), ("off", "off")], default="auto")
    scribing = SelectField(choices=[("auto", "auto"), ("on", "on"), ("off", "off")], default="auto")
    activities = SelectMultipleField(widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    child_chooses = BooleanField(default=True)
    seen_alone = SelectField(choices=[("", ""), ("yes", "yes"), ("no", "no")], default="")
    panel_pin = PasswordField(validators=[DataRequired()])  # opens the practitioner's panel on the tablet


class PracticeForm(FlaskForm):
    age_band = SelectField(choices=list(AGE_BAND_LABELS.items()), default="age_8_11")
    language = SelectField()
    activities = SelectMultipleField(widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    child_chooses = BooleanField(default=False)


def _practitioner():
    if current_user.info.role != "fca":
        abort(403)
    return current_user.info


@blueprint.route("/")
@login_required
def home():
    user = current_user.info
    sessions = services.store().sessions_of(user.id) if user.role == "fca" else []
    flag_counts = Flags(services.store()).counts([s.id for s in sessions])
    return render_template("home.html", user=user, sessions=sessions, flag_counts=flag_counts,
                           words=services.wording()["practitioner"])


@blueprint.route("/sessions/new", methods=["GET", "POST"])
@login_required
def start():
    user = _practitioner()
    pack = services.pack()
    form = StartForm()
    form.language.choices = [(code, code) for code in pack.languages]
    form.activities.choices = [(key, pack.title(key)) for key in pack.plannable]
    if not form.is_submitted():
        form.activities.data = list(pack.default_plan)
    problem = None
    if form.validate_on_submit():
        chosen = set(form.activities.data or [])
        try:
            check_pin_format(form.panel_pin.data)
            session = start_session(
                services.store(), pack,
                case_reference=form.case_reference.data.strip(),
                child_name=form.child_name.data,
                age=form.age.data,
                language=form.language.data,
                practitioner=user.display_name,
                present=form.present.data or None,
                place=form.place.data or None,
                plan=[key for key in pack.plannable if key in chosen],
                child_chooses=form.child_chooses.data,
                read_aloud={"on": True, "off": False}.get(form.read_aloud.data),
                scribing={"on": True, "off": False}.get(form.scribing.data),
                seen_alone={"yes": True, "no": False}.get(form.seen_alone.data),
                owner_id=user.id,
                case_about=form.case_about.data or None,
            )
        except (SessionInputError, CaseNotYours, PinError) as error:
            problem = str(error)
        else:
            return hand_to_child(user.id, session.id, form.panel_pin.data)
    return render_template(
        "start.html", form=form, problem=problem, cases=services.store().case_references_of(user.id),
        words=services.wording()["practitioner"],
    ), (400 if problem or form.errors else 200)


@blueprint.route("/practice", methods=["GET", "POST"])
@login_required
def practice():
    """A practice session: any activities, any age band, no case, nothing of it kept."""
    user = current_user.info
    pack = services.pack()
    form = PracticeForm()
    form.language.choices = [(code, code) for code in pack.languages]
    form.activities.choices = [(key, pack.title(key)) for key in pack.plannable]
    problem = None
    if form.validate_on_submit():
        chosen = set(form.activities.data or [])
        try:
            session = start_practice(
                services.store(), pack,
                age_band=form.age_band.data,
                language=form.language.data,
                plan=[key for key in pack.plannable if key in chosen],
                practitioner=user.display_name,
                started_by=user.id,
                child_chooses=form.child_chooses.data,
            )
        except SessionInputError as error:
            problem = str(error)
        else:
            return redirect(url_for("pages.chat", session_id=session.id))
    return render_template(
        "practice.html", form=form, problem=problem, words=services.wording()["practitioner"],
    ), (400 if problem or form.errors else 200)


@blueprint.route("/chat/<session_id>")
@login_required
def chat(session_id: str):
    user, login = current_user.info, current_user.login
    session = services.store().get_session(session_id)
    if session is None or session.owner_id != user.id or (user.role != "fca" and not session.practice):
        abort(404)
    if not session.practice and not login.child_mode:
        return handover_page(session)
    words = services.wording(session.language)
    if session.practice and session.status != "new":
        # nothing of it was kept, so it cannot be shown again
        return render_template("practice_gone.html", words=words["practitioner"])
    band = session.age_band
    child_words = {key: (value.get(band) if isinstance(value, dict) else value) for key, value in words["chat"].items()}
    return render_template(
        "chat.html", session=session, band=band, band_label=AGE_BAND_LABELS[band],
        chat_words=child_words, practitioner_words=words["practitioner_controls"],
        practice_words=words["practitioner"] if session.practice else None, child_mode=login.child_mode,
        draw_words=words["draw"],
    )
