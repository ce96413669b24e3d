"""The NLU model loaded as the Rasa server loads it (bot/channel/model_loading.py: no training step
first) predicts what Rasa's own load predicts: the same intents with the same confidences, and the
same entities, on every message of the tuning set."""
from __future__ import annotations

import asyncio
import time

import pytest
from rasa.core.agent import Agent
from rasa.utils.tensorflow.models import RasaModel

from bot.channel import model_loading
from bot.pack.model import ensure_trained
from bot.pack.nlu_eval import _loaded as loaded_as_the_server_loads_it
from bot.pack.nlu_eval import load_messages
from tests.conftest import ROOT

pytestmark = pytest.mark.trained  # loads the trained model: not in make check

MESSAGES = ROOT / "tests" / "nlu" / "child_messages.yml"


def predictions(agent: Agent, messages):
    async def parse_all():
        return [await agent.parse_message(message) for message in messages]

    return [(p["intent"]["name"], p["intent"]["confidence"],
             [(i["name"], i["confidence"]) for i in p["intent_ranking"]],
             [(e["entity"], e["value"], e["start"], e["end"]) for e in p["entities"]]) for p in asyncio.run(parse_all())]


def test_the_quicker_load_predicts_what_rasas_own_load_does(monkeypatch):
    messages = [m for ms in load_messages(MESSAGES).values() for m in ms] + ["happy", "5", "write a letter"]
    path = str(ensure_trained(ROOT))
    with monkeypatch.context() as rasas_own:
        rasas_own.setattr(RasaModel, "load", classmethod(model_loading._rasa_load))
        started = time.perf_counter()
        rasas = Agent.load(path)
        rasas_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ours = loaded_as_the_server_loads_it(path)  # the NLU figures' tests share it (tests/test_nlu_eval.py)
    our_seconds = time.perf_counter() - started
    assert RasaModel.load.__func__ is model_loading.load_for_prediction
    expected, got = predictions(rasas, messages), predictions(ours, messages)
    assert any(entities for *_, entities in expected)  # the typed choices' entities are compared too
    for message, (name, confidence, ranking, entities), (our_name, our_confidence, our_ranking, our_entities) in zip(
            messages, expected, got):
        assert (our_name, our_entities) == (name, entities), message
        assert our_confidence == pytest.approx(confidence, abs=1e-6), message
        assert [n for n, _ in our_ranking] == [n for n, _ in ranking], message
        assert [c for _, c in our_ranking] == pytest.approx([c for _, c in ranking], abs=1e-6), message
    print(f"model loaded in {rasas_seconds:.1f} s by Rasa's own load, {our_seconds:.1f} s by ours")
