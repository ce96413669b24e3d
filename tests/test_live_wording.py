"""Wording said as domain.yml holds it now (bot/channel/live_wording.py), on a copy of the real
domain with Rasa's own domain loader and response rendering; and the model's fingerprint, which a
change of wording alone leaves as it is (bot/pack/model.py). `make bench` measures the same
through the running servers: from saving the file to a session showing the new words."""
from __future__ import annotations

import asyncio
import logging
import os
import shutil

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channel import live_wording
from bot.channel.live_wording import LiveWording
from bot.pack.model import fingerprint
from tests.conftest import ROOT

OLD = "Hi! I'm a computer helper, not a person."
NEW = "Hiya! I'm a computer helper, I'm not a person."


@pytest.fixture
def wording(tmp_path, monkeypatch):
    monkeypatch.setattr(live_wording, "LOOK_EVERY_SECONDS", 0)  # the servers look once a second
    source = tmp_path / "domain.yml"
    shutil.copy(ROOT / "domain.yml", source)
    domain = Domain.load(str(source))
    return source, domain, LiveWording(domain=domain, source=source)


def said(nlg: LiveWording, domain: Domain, name: str = "utter_introduction") -> str:
    tracker = DialogueStateTracker.from_events("s", [SlotSet("age_band", "age_8_11"), SlotSet("practitioner_name", "Sam")],
                                               slots=domain.slots)
    return asyncio.run(nlg.generate(name, tracker, "tablet"))["text"]


def saved(source, text: str) -> None:
    stamp = source.stat().st_mtime_ns
    source.write_text(text, encoding="utf-8")
    os.utime(source, ns=(stamp + 2_000_000_000, stamp + 2_000_000_000))  # a later save, whatever the clock's grain


def test_a_change_of_wording_is_said_next_without_a_new_model(wording):
    source, domain, nlg = wording
    assert said(nlg, domain).startswith(OLD)
    saved(source, source.read_text(encoding="utf-8").replace(OLD, NEW, 1))
    assert said(nlg, domain).startswith(NEW)
    assert said(nlg, domain).endswith("Sam is the person who is listening to you.")  # slots still filled


def test_a_file_that_does_not_load_changes_nothing(wording, caplog, monkeypatch):
    monkeypatch.setattr(logging.getLogger("bot"), "propagate", True)  # bot/logs.py may have given it a handler of its own
    caplog.set_level(logging.ERROR, logger="bot.channel.live_wording")
    source, domain, nlg = wording
    saved(source, source.read_text(encoding="utf-8").replace(OLD, NEW, 1) + "\nresponses: [unclosed\n")
    assert said(nlg, domain).startswith(OLD)
    assert "did not load, so the wording before it is kept" in caplog.text


def test_a_response_the_file_lost_keeps_its_trained_wording(wording):
    source, domain, nlg = wording
    text = source.read_text(encoding="utf-8")
    start = text.index("  utter_introduction:\n")
    end = text.index("\n  utter_", start + 1)
    saved(source, text[:start] + text[end + 1:])
    assert said(nlg, domain).startswith(OLD)


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
