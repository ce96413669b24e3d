"""Words that only look like a control, through the real servers (bot/dialogue/control_check.py): kept as the
answer, exactly; the check shown with a yes and a no in the band's words; yes does the control and
no goes on; a disclosure typed at the check is still flagged.

Which words the trained model only leans towards a control on depends on the model, so the test
first finds, over HTTP, which of a few phrasings of each control the bot checks with the child
(tests/servers.py `words_checked_as`), and then tests the check with those."""
from __future__ import annotations

import pytest

from tests.servers import Chat, Wording, words_checked_as

pytestmark = pytest.mark.servers

PRACTITIONER = "Alex Morgan"
WORDING = Wording(PRACTITIONER)
BAND = "age_8_11"
# longer than a control may be to be acted on at once, short enough to be checked
PHRASINGS = {
    "stop": ["i really do not want to do this any more can we finish", "please can we stop now i am so tired of this"],
    "skip": ["can we please skip this one i really do not want to answer it", "i dont want to do this question can we miss it out"],
    "dont_know": ["i really really do not know what to say about that one", "honestly i have no idea at all what to put"],
    "help": ["i do not understand what you mean can you say it another way please",
             "i dont get it can you say it different please"],
    "repeat": ["sorry can you say that question again i did not see it", "what was the question again i missed it sorry"],
    "take_break": ["can i have a little break now i need to go to the toilet", "can we pause for a bit i need a drink please"],
    "talk_to_practitioner": ["can i talk to my worker please i want to ask her something",
                             "i want to speak to the lady who is here with me please"],
}


@pytest.fixture(scope="module")
def servers(shared_servers):
    return shared_servers


@pytest.fixture(scope="module")
def checked_words(servers):
    """control -> words the model leans to that control on, not clearly: the channel checks them."""
    found = words_checked_as(servers, PHRASINGS)
    missing = [c for c in PHRASINGS if c not in found]
    assert not missing, f"none of the phrasings of {missing} is checked with the child: the model changed?"
    return found


def new_session(servers, plan="warm_up") -> Chat:
    session_id = servers.cli("session", "new", "--case", "FAM-2026-0077", "--child-name", "Kit", "--age", "9",
                             "--language", "en", "--practitioner", PRACTITIONER, "--plan", plan).strip()
    chat = Chat(servers, session_id)
    chat.tap("/start")
    return chat


def check_shown(replies, control):
    assert [m.get("text") for m in replies] == [WORDING.control_check(BAND, control)["text"]]
    assert [b["payload"] for b in replies[-1]["buttons"]] == ["/affirm", "/deny"]


def answers(servers, chat):
    return [(a.prompt_key, a.text, a.choice) for a in servers.store().answers(chat.sender)]


@pytest.mark.parametrize("control", list(PHRASINGS))
def test_the_words_are_kept_the_check_is_shown_and_yes_does_the_control(servers, checked_words, control):
    chat = new_session(servers)
    words = checked_words[control]
    check_shown(chat.say(words), control)
    after = [m.get("text") for m in chat.tap("/affirm")]
    assert answers(servers, chat) == [("warm_up_likes", words, None), ("control_check", None, "/affirm")]
    warm_up = WORDING.text("utter_ask_warm_up_likes", BAND)
    expected = {
        "stop": [WORDING.text("utter_stopped", BAND)],
        "skip": [WORDING.text("utter_ask_closing_mood", BAND)],
        "dont_know": [WORDING.text("utter_ask_closing_mood", BAND)],
        "help": [WORDING.text("utter_ask_warm_up_likes", BAND, rephrase=True)],
        "repeat": [warm_up],
        "take_break": [WORDING.text("utter_break", BAND), warm_up],
        "talk_to_practitioner": [WORDING.text("utter_practitioner_told", BAND), warm_up],
    }[control]
    assert after == expected
    status = servers.store().get_session(chat.sender).status
    assert status == ("stopped" if control == "stop" else "active")
    if control == "talk_to_practitioner":
        assert [n["kind"] for n in servers.store().notices(chat.sender)] == ["talk_to_practitioner"]


def test_no_at_the_check_goes_on_with_the_words_kept(servers, checked_words):
    chat = new_session(servers, plan="warm_up,three_wishes")
    words = checked_words["stop"]
    check_shown(chat.say(words), "stop")
    assert [m.get("text") for m in chat.tap("/deny")][-1] == WORDING.text("utter_ask_three_wishes_first", BAND)
    assert answers(servers, chat) == [("warm_up_likes", words, None), ("control_check", None, "/deny")]
    assert servers.store().get_session(chat.sender).status == "active"


def test_a_disclosure_typed_at_the_check_is_still_flagged(servers, checked_words):
    from bot.store.flags import Flags

    chat = new_session(servers)
    check_shown(chat.say(checked_words["skip"]), "skip")
    disclosure = "my dad hits me when im naughty"
    replies = chat.say(disclosure)
    assert [m.get("text") for m in replies] == [WORDING.text("utter_ask_safeguarding_check", BAND)]
    [flag] = Flags(servers.store()).of_session(chat.sender)
    assert flag.words == disclosure
    assert (("control_check", disclosure, None)) in answers(servers, chat)  # kept, as the reply to the check
