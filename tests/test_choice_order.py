"""The order of a question's choices (bot/channel/choice_order.py): unordered choices shuffled, a scale kept
in order, the three ways out always last."""
from __future__ import annotations

import yaml

from bot.channel.choice_order import arranged
from tests.conftest import ROOT

CHOICES = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["x-choices"]
WAYS_OUT = ['/choose{"choice":"something_else"}', "/dont_know", "/skip"]


def orders(buttons, times=40):
    return {tuple(b["payload"] for b in arranged(buttons)) for _ in range(times)}


def test_a_scale_keeps_its_order_numbers_and_faces_alike():
    for name in ("scale_numbers", "scale_faces"):
        assert orders(CHOICES[name]) == {tuple(b["payload"] for b in CHOICES[name])}, name


def test_unordered_choices_are_shuffled_and_the_ways_out_stay_last():
    seen = orders(CHOICES["feeling_faces"])
    assert len(seen) > 1, "the feelings came in the same order every time"
    assert all(list(order[-3:]) == WAYS_OUT for order in seen)
    assert {frozenset(order) for order in seen} == {frozenset(b["payload"] for b in CHOICES["feeling_faces"])}


def test_buttons_that_are_not_choices_keep_their_place():
    buttons = [{"title": "Carry on", "payload": "/deny"}, {"title": "Break", "payload": "/take_break"}]
    assert arranged(buttons) == buttons
    assert arranged(None) is None and arranged([]) == []
    odd = [{"title": "x", "payload": '/choose{"choice": 5}'}, {"title": "y", "payload": "/choose{not json"}]
    assert arranged(odd) == odd  # not a choice this module understands: left where it is
