"""What the Rasa server sends the action server (bot/channel/action_call.py): Rasa's own call with
the domain's wording left out, and nothing else changed. That the actions need nothing more is
shown by every conversation test, which runs them on the action server over HTTP."""
from __future__ import annotations

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channel import action_call
from tests.conftest import ROOT


def test_the_call_is_rasas_own_without_the_responses():
    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker.from_events("s", [SessionStarted(), ActionExecuted("action_listen"),
                                                     UserUttered("my words", {"name": "inform", "confidence": 1.0})])
    action = RemoteAction("validate_three_houses_form", None)
    rasas = action_call._send(action, tracker, domain)
    ours = action_call._action_call_format(action, tracker, domain)
    assert set(rasas["domain"]) - set(ours["domain"]) == {"responses"} and rasas["domain"]["responses"]
    assert {key: value for key, value in rasas["domain"].items() if key != "responses"} == ours["domain"]
    assert {k: v for k, v in rasas.items() if k != "domain"} == {k: v for k, v in ours.items() if k != "domain"}
    assert ours["domain"]["forms"]["three_houses_form"]["required_slots"]  # what actions/flow.py reads
    # made once a domain, and again for a new one (a model loaded while the server runs)
    assert action_call._action_call_format(action, tracker, domain)["domain"] is ours["domain"]
    other = Domain.load(str(ROOT / "domain.yml"))
    assert action_call._action_call_format(action, tracker, other)["domain"] is not ours["domain"]
