"""Wording said as domain.yml holds it now (bot/channel/live_wording.py), made as `rasa run` makes
it (from endpoints.yml's `nlg:`, before any model, which Rasa's Agent then hands its responses:
rasa/core/agent.py, `load_model`), on a copy of the real domain, with Rasa's own domain loader and
response rendering; and the model's fingerprint, which a change of wording alone leaves as it is
(bot/pack/model.py). `make bench` measures the same through the running servers: from saving the
file to a session showing the new words."""
from __future__ import annotations

import asyncio
import logging
import os
import shutil

import pytest
import yaml
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.channel import live_wording
from bot.pack.model import fingerprint
from tests.conftest import ROOT

OLD = "Hi! I'm a computer helper, not a person."
NEW = "Hiya! I'm a computer helper, I'm not a person."
LEADING = "Hiya! You like football, don't you?"  # a leading question: the prompt lint's finding


@pytest.fixture(scope="module")
def trained() -> Domain:
    """The domain a model was trained with: the project's, as it is."""
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def source(tmp_path, monkeypatch):
    monkeypatch.setattr(live_wording, "LOOK_EVERY_SECONDS", 0)  # the servers look once a second
    monkeypatch.setattr(live_wording, "WORDING_FILE", tmp_path / "domain.yml")
    monkeypatch.setenv("ACTION_PORT", "5055")  # endpoints.yml is read whole, as Rasa reads it
    monkeypatch.setenv("ACTION_TOKEN", "not used here")
    monkeypatch.setattr(logging.getLogger("bot"), "propagate", True)  # bot/logs.py may have given it a handler of its own
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    return tmp_path / "domain.yml"


def started(trained: Domain) -> NaturalLanguageGenerator:
    """What `rasa run` does: the generator from endpoints.yml, then a model's responses handed over."""
    nlg = NaturalLanguageGenerator.create(read_endpoint_config(str(ROOT / "endpoints.yml"), "nlg"), None)
    assert isinstance(nlg, live_wording.LiveWording)
    nlg.responses = trained.responses  # rasa/core/agent.py, Agent.load_model
    return nlg


def said(nlg, domain: Domain, name: str = "utter_introduction") -> str:
    tracker = DialogueStateTracker.from_events("s", [SlotSet("age_band", "age_8_11"), SlotSet("practitioner_name", "Sam")],
                                               slots=domain.slots)
    return asyncio.run(nlg.generate(name, tracker, "tablet"))["text"]


def saved(source, text: str) -> None:
    stamp = source.stat().st_mtime_ns
    source.write_text(text, encoding="utf-8")
    os.utime(source, ns=(stamp + 2_000_000_000, stamp + 2_000_000_000))  # a later save, whatever the clock's grain


def test_a_change_of_wording_is_said_next_without_a_new_model(source, trained):
    nlg = started(trained)
    assert said(nlg, trained).startswith(OLD)
    saved(source, source.read_text(encoding="utf-8").replace(OLD, NEW, 1))
    assert said(nlg, trained).startswith(NEW)
    assert said(nlg, trained).endswith("Sam is the person who is listening to you.")  # slots still filled


def test_a_server_started_after_a_change_of_wording_says_the_new_wording(source, trained):
    # the model was trained with the old wording
    saved(source, source.read_text(encoding="utf-8").replace(OLD, NEW, 1))
    assert said(started(trained), trained).startswith(NEW)


def test_wording_that_does_not_load_or_fails_the_lint_changes_nothing(source, trained, caplog):
    caplog.set_level(logging.ERROR, logger="bot.channel.live_wording")
    nlg = started(trained)
    saved(source, source.read_text(encoding="utf-8").replace(OLD, NEW, 1) + "\nresponses: [unclosed\n")
    assert said(nlg, trained).startswith(OLD)
    assert "did not load, so the wording before it is kept" in caplog.text
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    domain["responses"]["utter_introduction"][0]["text"] = LEADING  # the 4-7 wording
    saved(source, yaml.safe_dump(domain, allow_unicode=True, sort_keys=False))
    assert said(nlg, trained).startswith(OLD)
    assert "findings of the prompt lint" in caplog.text


def test_a_response_the_file_lost_keeps_its_trained_wording(source, trained):
    nlg = started(trained)
    text = source.read_text(encoding="utf-8")
    start = text.index("  utter_introduction:\n")
    end = text.index("\n  utter_", start + 1)
    saved(source, text[:start] + text[end + 1:])
    assert said(nlg, trained).startswith(OLD)


def test_the_model_s_fingerprint_leaves_the_wording_out(tmp_path):
    for name in ("config.yml", "domain.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "data", tmp_path / "data")
    before = fingerprint(tmp_path)
    domain = tmp_path / "domain.yml"
    domain.write_text(domain.read_text(encoding="utf-8").replace(OLD, NEW, 1), encoding="utf-8")
    assert fingerprint(tmp_path) == before
    # a new response is more than wording: the model must know its name
    domain.write_text(domain.read_text(encoding="utf-8").replace(
        "responses:\n", "responses:\n  utter_new_words:\n    - text: \"New.\"\n", 1), encoding="utf-8")
    assert fingerprint(tmp_path) != before
