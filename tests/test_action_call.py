"""What the Rasa server sends the action server (bot/channel/action_call.py): Rasa's own call with
the domain's wording left out, and nothing else changed. That the actions need nothing more is
shown by every conversation test, which runs them on the action server over HTTP."""
from __future__ import annotations

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from bot.channel import action_call
from tests.conftest import ROOT


def test_the_call_is_rasas_own_without_the_responses(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_action_call_format", action_call._send)
    action_call.install()  # as the tablet channel does when Rasa loads it
    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker.from_events("s", [SessionStarted(), ActionExecuted("action_listen"),
                                                     UserUttered("my words", {"name": "inform", "confidence": 1.0})])
    action = RemoteAction("validate_three_houses_form", None)
    call = action._action_call_format(tracker, domain)
    everything = domain.as_dict()
    assert everything["responses"] and "responses" not in call["domain"]
    assert call["domain"] == {key: value for key, value in everything.items() if key != "responses"}
    assert call["domain"]["forms"]["three_houses_form"]["required_slots"]  # what actions/flow.py reads
    assert call["tracker"] == tracker.current_state(EventVerbosity.ALL)
    assert (call["next_action"], call["sender_id"], call["version"]) == ("validate_three_houses_form", "s",
                                                                        rasa.__version__)
    # made once a domain, and again for a new one (a model loaded while the server runs)
    assert action._action_call_format(tracker, domain)["domain"] is call["domain"]
    other = Domain.from_dict(everything)
    assert action._action_call_format(tracker, other)["domain"] is not call["domain"]
