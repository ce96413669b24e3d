"""The prompt lint: every message the bot says is asked the way the practice brief says children
should be asked (rules and word lists in prompt_lint.yml)."""
from __future__ import annotations

import re

import pytest
import yaml

from tests.conftest import ROOT

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
RULES = yaml.safe_load((ROOT / "prompt_lint.yml").read_text(encoding="utf-8"))
VARIATIONS = [
    (name, {c["name"]: c["value"] for c in v.get("condition") or []}, v)
    for name, variations in DOMAIN["responses"].items()
    for v in variations
]


def where(name, condition):
    band = condition.get("age_band", "default")
    return f"domain.yml: {name}, {band}" + (" (Help wording)" if condition.get("rephrase") else "")


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def words(sentence):
    return re.sub(r"\{[a-z_]+\}", "NAME", sentence).split()


@pytest.mark.parametrize("name, condition, variation", VARIATIONS, ids=lambda x: x if isinstance(x, str) else "")
def test_no_leading_wording_or_jargon(name, condition, variation):
    text = variation["text"].lower()
    for pattern in RULES["leading"]:
        assert not re.search(rf"\b{re.escape(pattern.lower())}\b", text), (
            f"{where(name, condition)}: '{pattern}' leads the child; ask openly: 'Tell me about ...'"
        )
    for word in RULES["jargon"]:
        assert not re.search(rf"\b{re.escape(word.lower())}\b", text), (
            f"{where(name, condition)}: '{word}' is jargon a child may not know; say it in everyday words"
        )


def faux_invitations(text):
    """"Tell me, did he ...?": a yes/no question dressed as an invitation to talk."""
    starts = "|".join(re.escape(w) for w in RULES["yes_no_starts"])
    return [m.group(0) for m in re.finditer(rf"\btell me,?\s+(?:{starts})\b", text.lower())]


@pytest.mark.parametrize("name, condition, variation", VARIATIONS, ids=lambda x: x if isinstance(x, str) else "")
def test_no_faux_invitations(name, condition, variation):
    found = faux_invitations(variation["text"])
    assert not found, (
        f"{where(name, condition)}: '{found[0]}...' is a yes/no question dressed as an invitation; "
        "ask openly: 'Tell me about ...'"
    )


def test_the_faux_invitation_lint_catches_what_it_should():
    assert faux_invitations("Tell me, did he shout?") == ["tell me, did"]
    assert faux_invitations("Can you tell me was it a good day?") == ["tell me was"]
    assert faux_invitations("Tell me about your day.") == []


def names_unmentioned(text):
    """The people or acts a prompt names that the child has not mentioned (any ending: "hits")."""
    lowered = re.sub(r"\{[a-z_]+\}", "", text.lower())
    return [w for w in RULES["not_mentioned"] if re.search(rf"\b{re.escape(w)}(s|es|ed|ing|ting|ies)?\b", lowered)]


@pytest.mark.parametrize("name, condition, variation", VARIATIONS, ids=lambda x: x if isinstance(x, str) else "")
def test_no_prompt_names_a_person_or_act_the_child_has_not_mentioned(name, condition, variation):
    said = [variation["text"]] + [b["title"] for b in variation.get("buttons") or []]
    named = [w for text in said for w in names_unmentioned(text)]
    assert not named, (
        f"{where(name, condition)}: names {', '.join(repr(w) for w in named)}, which the child has not mentioned; "
        "ask openly ('Tell me about the people at home') and let the child name them"
    )


def test_the_unmentioned_lint_catches_what_it_should():
    assert names_unmentioned("Tell me about your dad.") == ["dad"]
    assert names_unmentioned("Does anyone hit you?") == ["hit"]
    assert names_unmentioned("You said '{last_words}'. Tell me more.") == []
    assert names_unmentioned("Tell me about the people who matter to you.") == []


YOUNGEST = [(n, c, v) for n, c, v in VARIATIONS if c.get("age_band") == "age_4_7"]


@pytest.mark.parametrize("name, condition, variation", VARIATIONS, ids=lambda x: x if isinstance(x, str) else "")
def test_sentences_are_no_longer_than_their_age_band_allows(name, condition, variation):
    band = condition.get("age_band", "default")
    longest = RULES["max_words"][band]
    for sentence in sentences(variation["text"]):
        assert len(words(sentence)) <= longest, (
            f"{where(name, condition)}: '{sentence}' has {len(words(sentence))} words; "
            f"keep sentences for {band.replace('age_', '').replace('_', '-')} to {longest} words or fewer"
        )


def test_every_age_band_has_a_longest_sentence():
    bands = {c.get("age_band", "default") for _, c, _ in VARIATIONS}
    assert bands <= set(RULES["max_words"]), f"prompt_lint.yml: max_words needs {sorted(bands - set(RULES['max_words']))}"


QUESTIONS_4_7 = [(n, c, v) for n, c, v in YOUNGEST if n.startswith("utter_ask_")]


@pytest.mark.parametrize("name, condition, variation", QUESTIONS_4_7, ids=lambda x: x if isinstance(x, str) else "")
def test_no_yes_no_questions_for_4_to_7(name, condition, variation):
    for sentence in sentences(variation["text"]):
        first = words(sentence)[0].lower().strip("\"'") if words(sentence) else ""
        assert not (sentence.endswith("?") and first in RULES["yes_no_starts"]), (
            f"{where(name, condition)}: '{sentence}' is a yes/no question; try 'Tell me about ...'"
        )


def forced_choice(sentence):
    """A question offering a choice of answers ("... X or Y?") that does not start openly."""
    first = words(sentence)[0].lower().strip("\"'") if words(sentence) else ""
    return sentence.endswith("?") and re.search(r"\bor\b", sentence.lower()) and first not in RULES["open_starts"]


@pytest.mark.parametrize("name, condition, variation", QUESTIONS_4_7, ids=lambda x: x if isinstance(x, str) else "")
def test_no_forced_choice_questions_for_4_to_7(name, condition, variation):
    if name in RULES["forced_choice_allowed"]:
        return
    for sentence in sentences(variation["text"]):
        assert not forced_choice(sentence), (
            f"{where(name, condition)}: '{sentence}' makes the child pick one of the answers it names; "
            "ask openly ('How do you feel about ...?') or use choice buttons with the three ways out"
        )


def test_the_forced_choice_lint_catches_what_it_should():
    assert forced_choice("Was it a good day or a bad day?")
    assert forced_choice("Do you like mum's house or dad's house more?")
    assert not forced_choice("What should I add or change?")
    assert not forced_choice("Tell me about your day.")


CHOICES = [(n, c, v) for n, c, v in VARIATIONS if v.get("buttons") and any("/choose" in b["payload"] for b in v["buttons"])]


@pytest.mark.parametrize("name, condition, variation", CHOICES, ids=lambda x: x if isinstance(x, str) else "")
def test_every_choice_set_has_the_three_ways_out(name, condition, variation):
    last = [b["payload"] for b in variation["buttons"][-3:]]
    assert last == RULES["escape_payloads"], (
        f"{where(name, condition)}: choice buttons must end with 'Something else', \"I don't know\" "
        "and \"I don't want to say\""
    )


def test_the_lint_catches_what_it_should():
    assert re.search(r"\bdid he\b", "tell me, did he hurt you?")
    assert len(words("If you tell me you are not safe, {practitioner_name} will tell people who can help you.")) > 12


def safeguarding_problems(text):
    """What is wrong with a reply to words that may tell of harm: it asks for detail, or promises
    to keep a secret."""
    lowered = text.lower()
    return [f"asks for detail: '{p}'" for p in RULES["asking_for_detail"] if re.search(rf"\b{re.escape(p)}", lowered)] + [
        f"promises secrecy: '{p}'" for p in RULES["promising_secrecy"] if re.search(rf"\b{re.escape(p)}", lowered)
    ]


SAFEGUARDING = [(n, c, v) for n, c, v in VARIATIONS if n in RULES["safeguarding_responses"]]


def test_every_safeguarding_response_is_linted():
    assert {n for n, _, _ in SAFEGUARDING} == set(RULES["safeguarding_responses"]), "prompt_lint.yml names a response domain.yml lacks"


@pytest.mark.parametrize("name, condition, variation", SAFEGUARDING, ids=lambda x: x if isinstance(x, str) else "")
def test_safeguarding_responses_ask_for_no_detail_and_keep_no_secrets(name, condition, variation):
    problems = safeguarding_problems(variation["text"]) + [
        problem for button in variation.get("buttons") or [] for problem in safeguarding_problems(button["title"])
    ]
    assert not problems, f"{where(name, condition)}: {'; '.join(problems)}"


def test_the_safeguarding_lint_catches_what_it_should():
    assert safeguarding_problems("Thank you. Can you tell me more about what happened?")
    assert safeguarding_problems("Who did that to you?")
    assert safeguarding_problems("I won't tell anyone, I promise.")
    assert not safeguarding_problems("Thank you for telling me. You are not in trouble.")
