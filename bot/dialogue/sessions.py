"""Starting a direct-work session: the checks on what the practitioner entered, and the age band."""
from __future__ import annotations

import re
from typing import List, Optional, Sequence

from bot.pack.prompt_pack import PromptPack
from bot.store.repository import SessionInfo, Store

# (youngest, oldest, the age_band slot value that chooses the wording)
AGE_BANDS = ((4, 7, "age_4_7"), (8, 11, "age_8_11"), (12, 17, "age_12_17"))
AGE_BAND_LABELS = {"age_4_7": "4-7", "age_8_11": "8-11", "age_12_17": "12-17"}
CASE_ABOUT_MAX = 80
_CASE_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.-]{0,63}")  # fullmatch: "$" would let a newline end it


class SessionInputError(ValueError):
    """Something the practitioner entered cannot start a session; the message says what."""


def age_band_for(age: int) -> str:
    for youngest, oldest, band in AGE_BANDS:
        if youngest <= age <= oldest:
            return band
    raise SessionInputError(f"age must be from 4 to 17 (Own Words is for children of 4 to 17), not {age}")


def start_session(
    store: Store,
    pack: PromptPack,
    *,
    case_reference: str,
    child_name: str,
    age: int,
    language: str,
    practitioner: str,
    present: Optional[str] = None,
    place: Optional[str] = None,
    plan: Optional[Sequence[str]] = None,
    child_chooses: bool = True,
    read_aloud: Optional[bool] = None,
    seen_alone: Optional[bool] = None,
    owner_id: Optional[int] = None,
    case_about: Optional[str] = None,
    scribing: Optional[bool] = None,
) -> SessionInfo:
    """Checks what the practitioner entered and creates the session. Read-aloud, and the
    practitioner writing down what the child says (scribing), are on by default for ages 4-7. `case_about`: neutral words for what the case is about, said to the child as
    they are ("Some children have ideas about {case_about}"). Raises SessionInputError, or
    CaseNotYours for another practitioner's case."""
    if not _CASE_REFERENCE.fullmatch(case_reference or ""):
        raise SessionInputError(
            "the case reference must be 1-64 letters, digits, '/', '.', '_' or '-', starting with a letter or digit"
        )
    if not child_name or not child_name.strip():
        raise SessionInputError("the child's chosen name is empty")
    if not practitioner or not practitioner.strip():
        raise SessionInputError("the practitioner's name is empty")
    _check_language(pack, language)
    plan = _checked_plan(pack, plan)
    band = age_band_for(age)
    return store.create_session(
        case_reference=case_reference,
        practitioner=practitioner,
        child_name=child_name,
        age=age,
        age_band=band,
        language=language,
        plan=plan,
        child_chooses=child_chooses,
        read_aloud=(band == "age_4_7") if read_aloud is None else read_aloud,
        scribing=(band == "age_4_7") if scribing is None else scribing,
        seen_alone=seen_alone,
        owner_id=owner_id,
        prompt_pack_version=pack.version(),
        present=present,
        place=place,
        case_about=_case_about(case_about),
    )


def start_practice(
    store: Store,
    pack: PromptPack,
    *,
    age_band: str,
    language: str,
    plan: Optional[Sequence[str]],
    practitioner: str,
    started_by: Optional[int],
    child_chooses: bool = True,
    read_aloud: Optional[bool] = None,
) -> SessionInfo:
    """A practice session (bot/dialogue/practice.py): any activities, any age band, no case, nothing kept
    of what is typed. Raises SessionInputError."""
    ages = {band: youngest for youngest, _, band in AGE_BANDS}
    if age_band not in ages:
        raise SessionInputError(f"choose an age band: {', '.join(AGE_BAND_LABELS.values())}")
    _check_language(pack, language)
    return store.create_practice_session(
        practitioner=practitioner,
        age=ages[age_band],
        age_band=age_band,
        language=language,
        plan=_checked_plan(pack, plan),
        prompt_pack_version=pack.version(),
        child_chooses=child_chooses,
        read_aloud=(age_band == "age_4_7") if read_aloud is None else read_aloud,
        started_by=started_by,
    )


def _case_about(words: Optional[str]) -> Optional[str]:
    """What the case is about, as the practitioner wrote it (None when blank); short and on one
    line, since the child hears it inside a sentence."""
    if words is None or not words.strip():
        return None
    words = words.strip()  # the practitioner's words, said inside a sentence (never the child's)
    if len(words) > CASE_ABOUT_MAX or "\n" in words or "\r" in words:
        raise SessionInputError(f"what the case is about must be one line of at most {CASE_ABOUT_MAX} characters")
    return words


def _check_language(pack: PromptPack, language: str) -> None:
    if language not in pack.languages:
        raise SessionInputError(
            f"language {language!r} has no prompts yet; choose one of: {', '.join(pack.languages)}"
        )


def _checked_plan(pack: PromptPack, plan: Optional[Sequence[str]]) -> List[str]:
    plan = list(plan) if plan is not None else pack.default_plan
    unknown = [key for key in plan if key not in pack.plannable]
    if unknown or not plan or len(set(plan)) != len(plan):
        raise SessionInputError(
            f"the plan must list each of its activities once, from: {', '.join(pack.plannable)} "
            f"(the closing always comes last by itself); not allowed: {unknown}"
        )
    return plan
