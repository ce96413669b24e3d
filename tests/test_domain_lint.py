"""The domain and the prompt pack hold together: checks `rasa data validate` does not make.

Each failure message names the file, the response or slot, and what to fix."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.dialogue.sessions import AGE_BANDS
from bot.pack.prompt_pack import PromptPack

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
PACK = PromptPack.load(ROOT)
SLOTS = DOMAIN["slots"]
RESPONSES = DOMAIN["responses"]
FORMS = DOMAIN["forms"]
BANDS = [band for _, _, band in AGE_BANDS]
# Said by the channel before any session is known, so there is no age band to choose by.
NO_SESSION_RESPONSES = {"utter_session_unknown", "utter_session_ended"}
FREE_TEXT_SLOTS = [
    name for name, slot in SLOTS.items() if any(m.get("type") == "from_text" for m in slot.get("mappings", []))
]
QUESTIONS = [slot for form in FORMS.values() for slot in form["required_slots"]]
# A yes-or-no check of what the child meant by words that looked like a control, worded for each
# control: Help asks it again as it is (bot/dialogue/control_check.py).
NOT_REPHRASED = {"control_check"}


def conditions(variation):
    return {c["name"]: c["value"] for c in variation.get("condition") or []}


def test_age_bands_in_code_match_the_domain():
    assert SLOTS["age_band"]["values"] == BANDS, "domain.yml: slot age_band must list " + ", ".join(BANDS)


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_has_a_default_wording(name):
    defaults = [v for v in RESPONSES[name] if not v.get("condition")]
    assert len(defaults) == 1, f"domain.yml: {name} needs exactly one wording with no condition (the default)"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_conditions_name_real_slots_and_values(name):
    for variation in RESPONSES[name]:
        for condition in variation.get("condition") or []:
            assert condition.get("type") == "slot", f"domain.yml: {name}: conditions must be of type slot"
            slot = SLOTS.get(condition["name"])
            assert slot is not None, f"domain.yml: {name}: condition names no slot {condition['name']!r}"
            if slot["type"] == "categorical":
                assert condition["value"] in slot["values"], (
                    f"domain.yml: {name}: {condition['value']!r} is not a value of slot {condition['name']}"
                )
            if slot["type"] == "bool":
                assert isinstance(condition["value"], bool), f"domain.yml: {name}: {condition['name']} is true or false"


@pytest.mark.parametrize("name", sorted(set(RESPONSES) - NO_SESSION_RESPONSES))
def test_every_message_has_a_wording_for_each_age_band(name):
    bands = {conditions(v).get("age_band") for v in RESPONSES[name]}
    missing = [band for band in BANDS if band not in bands]
    assert not missing, f"domain.yml: {name} has no wording for age band(s) {', '.join(missing)}"


@pytest.mark.parametrize("question", sorted(set(QUESTIONS) - NOT_REPHRASED))
def test_every_question_is_asked_and_rephrased_in_each_age_band(question):
    name = f"utter_ask_{question}"
    assert name in RESPONSES, f"domain.yml: question {question} has no response {name}"
    present = {(conditions(v).get("age_band"), conditions(v).get("rephrase")) for v in RESPONSES[name]}
    for band in BANDS:
        for rephrase in (False, True):
            assert (band, rephrase) in present, (
                f"domain.yml: {name} needs a wording for {band} with rephrase {str(rephrase).lower()}"
                + (" (the question said more simply, for Help)" if rephrase else "")
            )


@pytest.mark.parametrize("slot", FREE_TEXT_SLOTS)
def test_free_text_is_only_taken_as_the_answer_to_its_own_question(slot):
    spec = SLOTS[slot]
    assert spec["type"] == "text", f"domain.yml: {slot} holds free text, so its type must be text"
    assert spec.get("influence_conversation") is False, f"domain.yml: {slot} needs influence_conversation: false"
    for mapping in spec["mappings"]:
        if mapping["type"] != "from_text":
            continue
        guards = mapping.get("conditions") or []
        assert guards, f"domain.yml: {slot}: a from_text mapping without conditions takes every message"
        for guard in guards:
            form = guard.get("active_loop")
            assert form in FORMS, f"domain.yml: {slot}: condition must name its form in active_loop"
            assert guard.get("requested_slot") == slot, f"domain.yml: {slot}: condition needs requested_slot: {slot}"
            assert slot in FORMS[form]["required_slots"], f"domain.yml: {slot} is not a question of {form}"
        assert "stop" in (mapping.get("not_intent") or []), f"domain.yml: {slot}: a stop request must not be an answer"


@pytest.mark.parametrize("key", sorted(PACK.activities))
def test_every_activity_is_complete(key):
    activity = PACK.activities[key]
    assert activity.form in FORMS, f"domain.yml: activity {key} needs a form {activity.form}"
    assert f"validate_{activity.form}" in DOMAIN["actions"], f"domain.yml: add validate_{activity.form} to actions"
    assert key in SLOTS["activity"]["values"], f"domain.yml: add {key} to the values of slot activity"
    assert (ROOT / "data" / "stories" / f"{key}.yml").exists(), f"data/stories/{key}.yml is missing"


def test_every_form_is_an_activity():
    orphans = [form for form in FORMS if form[: -len("_form")] not in PACK.activities]
    assert not orphans, f"activities.yml: add the activities of form(s) {', '.join(orphans)}"
