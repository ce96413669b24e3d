"""A trainer adds an activity with YAML alone, in a copy of the project, as TRAINERS.md says: `make
validate`, `make model`, then a real session through the real servers. The new activity's answers
are captured and shown under its title in the transcript, the review page and every export, with
no change to any Python file."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple, Optional

import pytest
import requests
import yaml

from tests.servers import Chat, project_copy, start_servers

pytestmark = pytest.mark.servers

KEY, TITLE = "best_day", "My best day (added by a trainer)"
QUESTIONS = {
    "best_day_what": {
        "age_4_7": ("Tell me about a happy day.", "Think of a day you liked. Tell me about it."),
        "age_8_11": ("Tell me about the best day you can remember.", "Think of a really good day. What happened?"),
        "age_12_17": ("Tell me about a day that stands out as a good one.", "Think of a good day. What made it good?"),
    },
    "best_day_who": {
        "age_4_7": ("Who was there with you?", "Tell me who was there."),
        "age_8_11": ("Who was there with you that day?", "Tell me who was with you that day."),
        "age_12_17": ("Who was with you that day?", "Tell me about the people who were there."),
    },
}
INTRO = "Now let's think about a good day."
PASSWORD = "correct horse battery staple"


def wordings(bands: dict) -> list:
    out = []
    for band, (asked, simpler) in bands.items():
        for rephrase, text in ((False, asked), (True, simpler)):
            out.append({"condition": [{"type": "slot", "name": "age_band", "value": band},
                                      {"type": "slot", "name": "rephrase", "value": rephrase}], "text": text})
    return out + [{"text": bands["age_8_11"][0]}]


def add_activity(project: Path) -> None:
    """What TRAINERS.md's "Add a new activity" asks for, done to the YAML files."""
    activities_file, domain_file = project / "activities.yml", project / "domain.yml"
    activities = yaml.safe_load(activities_file.read_text(encoding="utf-8"))
    activities["activities"] = {KEY: {"title": TITLE, "name_for_child": "your best day"}, **activities["activities"]}
    activities_file.write_text(yaml.safe_dump(activities, allow_unicode=True, sort_keys=False), encoding="utf-8")

    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    template = domain["slots"]["three_wishes_first"]
    for question, bands in QUESTIONS.items():
        slot = json.loads(json.dumps(template).replace("three_wishes_form", f"{KEY}_form")
                          .replace("three_wishes_first", question))
        domain["slots"][question] = slot
        domain["responses"][f"utter_ask_{question}"] = wordings(bands)
    domain["slots"]["activity"]["values"].append(KEY)
    domain["forms"][f"{KEY}_form"] = {"required_slots": ["safeguarding_check", "control_check", "drawing_words", *QUESTIONS]}
    for check in ("safeguarding_check", "control_check", "drawing_words"):
        domain["slots"][check]["mappings"][0]["conditions"].append({"active_loop": f"{KEY}_form",
                                                                     "requested_slot": check})
    domain["actions"].append(f"validate_{KEY}_form")
    domain["responses"][f"utter_intro_{KEY}"] = [{"text": INTRO}]
    domain_file.write_text(yaml.safe_dump(domain, allow_unicode=True, sort_keys=False), encoding="utf-8")

    story = (project / "data" / "stories" / "three_wishes.yml").read_text(encoding="utf-8")
    (project / "data" / "stories" / f"{KEY}.yml").write_text(
        story.replace("three_wishes", KEY).replace("three wishes", "my best day"), encoding="utf-8"
    )


def add_intro(project: Path) -> None:
    """The fix `make validate` asks for: the intro in every age band."""
    domain_file = project / "domain.yml"
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    domain["responses"][f"utter_intro_{KEY}"] = [
        {"condition": [{"type": "slot", "name": "age_band", "value": band}], "text": INTRO}
        for band in ("age_4_7", "age_8_11", "age_12_17")
    ] + [{"text": INTRO}]
    domain_file.write_text(yaml.safe_dump(domain, allow_unicode=True, sort_keys=False), encoding="utf-8")


def python_files(project: Path) -> dict:
    return {str(p.relative_to(project)): p.read_bytes() for p in project.rglob("*.py") if ".venv" not in p.parts}


def make(project: Path, *targets: str, fails: bool = False, env: Optional[dict] = None) -> str:
    done = subprocess.run(["make", *targets], cwd=project, capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})})
    output = done.stdout + done.stderr
    assert (done.returncode != 0) == fails, f"make {' '.join(targets)}:\n{output[-4000:]}"
    return output


def review_page(servers, session_id: str) -> str:
    """The review page, logged in as the practitioner (the Secure cookie sent by hand over http)."""
    base = servers.web_url
    login = requests.get(base + "/login", timeout=30)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login.text).group(1)
    cookie = login.cookies["own_words_session"]
    done = requests.post(base + "/login", data={"name": "alex", "password": PASSWORD, "csrf_token": token},
                         headers={"Cookie": f"own_words_session={cookie}"}, allow_redirects=False, timeout=30)
    assert done.status_code == 302, done.text
    cookie = done.cookies["own_words_session"]
    page = requests.get(f"{base}/sessions/{session_id}", headers={"Cookie": f"own_words_session={cookie}"}, timeout=30)
    assert page.status_code == 200
    return page.text


class Prepared(NamedTuple):
    project: Path
    python_before: dict
    problem: str


def prepare(folder: Path) -> Prepared:
    """What a trainer does before starting the servers: copy, add the activity, `make validate`
    (which asks for a fix), the fix, `make validate` again, `make model`. It trains a model, so
    the run starts it in the background as soon as the tests are collected (tests/conftest.py) and
    the other tests go on beside it; the test below waits for it."""
    project = project_copy(folder)
    python_before = python_files(project)
    add_activity(project)
    problem = make(project, "validate", fails=True)  # the intro has one wording, not one per age band
    add_intro(project)
    make(project, "validate")
    # Adding an activity retrains the NLU model (its new action names enter Rasa's NLU data). What
    # this test proves is that YAML alone carries the activity from question to export, not the
    # model's accuracy (tests/test_nlu_eval.py measures that on the real config), so the copy trains
    # the classifier for fewer epochs, on one CPU (the other tests have the other), to keep
    # `make test` short (the activity runs by its rules). The answers typed below are not plain
    # words, so they are answers whatever the model says.
    config = project / "config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("    epochs: 40\n", "    epochs: 10\n"), encoding="utf-8")
    make(project, "model", env={"TF_INTER_OP_PARALLELISM_THREADS": "1", "TF_INTRA_OP_PARALLELISM_THREADS": "1"})
    return Prepared(project, python_before, problem)


_preparing: Optional[Future] = None
_folder: Optional[Path] = None


def start_preparing() -> None:
    """Called when the tests are collected and this one is among them."""
    global _preparing, _folder
    if _preparing is not None:
        return
    _folder = Path(tempfile.mkdtemp(prefix="own-words-new-activity-"))
    _preparing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="new-activity").submit(prepare, _folder)


def test_a_trainer_adds_an_activity_with_yaml_alone(tmp_path):
    start_preparing()  # started already when the run collected this test
    try:
        _run_the_new_activity(_preparing.result(), tmp_path)
    finally:
        shutil.rmtree(_folder, ignore_errors=True)


def _run_the_new_activity(prepared: Prepared, tmp_path: Path) -> None:
    project = prepared.project
    assert f"domain.yml: utter_intro_{KEY} has no wording for age band(s) age_4_7, age_8_11, age_12_17" in prepared.problem
    assert python_files(project) == prepared.python_before, "no Python was changed"

    servers = start_servers(tmp_path / "servers", root=project)
    try:
        servers.cli("users", "add", "alex", "--role", "fca", "--display-name", "Alex", "--password-stdin",
                    stdin=PASSWORD + "\n")
        token = servers.cli("users", "token", "alex").strip()
        created = requests.post(f"{servers.web_url}/api/sessions", headers={"Authorization": f"Bearer {token}"}, json={
            "case_reference": "NEW-ACTIVITY-1", "child_name": "Ria", "age": 9, "language": "en",
            "plan": [KEY, "read_back"], "child_chooses": False,
        }, timeout=60)
        assert created.status_code == 201, created.text  # the new activity is one a practitioner can plan
        session_id = created.json()["id"]
        chat = Chat(servers, session_id)
        opening = chat.tap("/start")
        assert [m.get("text") for m in opening][-2:] == [INTRO, QUESTIONS["best_day_what"]["age_8_11"][0]]
        day = "The day we went to the seaside 🌊\n  and Gran came too  "
        assert chat.say(day)[-1]["text"] == QUESTIONS["best_day_who"]["age_8_11"][0]
        read_back = chat.say("Gran, my brother & me")
        assert any(f"“{day}”" in (m.get("text") or "") for m in read_back)  # the read-back knows it too

        exported = json.loads(servers.cli("export", session_id, "--format", "json"))
        ours = [(a["activity"], a["prompt_key"], a["prompt"], a["text"]) for a in exported["answers"]
                if a["activity"] == KEY]
        assert ours == [
            (KEY, "best_day_what", QUESTIONS["best_day_what"]["age_8_11"][0], day),
            (KEY, "best_day_who", QUESTIONS["best_day_who"]["age_8_11"][0], "Gran, my brother & me"),
        ]
        markdown = servers.cli("export", session_id, "--format", "md")
        assert f"## {TITLE}" in markdown and "The day we went to the seaside 🌊" in markdown
        html = servers.cli("export", session_id, "--format", "html")
        assert TITLE in html and "Gran, my brother &amp; me" in html
        word = tmp_path / "summary.docx"
        servers.cli("export", session_id, "--format", "docx", "--output", str(word))
        from docx import Document

        paragraphs = [p.text for p in Document(str(word)).paragraphs]
        assert TITLE in paragraphs and any(day in p for p in paragraphs)
        transcript = servers.cli("transcript", session_id)
        assert day in transcript and INTRO in transcript
        page = review_page(servers, session_id)
        assert TITLE in page and "Gran, my brother &amp; me" in page
    finally:
        servers.stop()
