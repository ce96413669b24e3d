"""The trainers' word list (safeguarding.yml): how a phrase matches what a child typed, and clear
errors for a phrase that cannot be used."""
from __future__ import annotations

import pytest

from bot.safeguarding.concern import MIN_INTENT_CONFIDENCE, find_concern
from bot.safeguarding.lexicon import Lexicon, LexiconError, normalise, phrase_pattern
from tests.conftest import ROOT

LEXICON = Lexicon.load(ROOT)


def lexicon_of(tmp_path, text: str) -> Lexicon:
    (tmp_path / "safeguarding.yml").write_text(text, encoding="utf-8")
    return Lexicon.load(tmp_path)


def test_normalising_ignores_case_punctuation_apostrophes_spaces_and_repeated_letters():
    assert normalise("Don’t   TELL!!") == "dont tel"
    assert normalise("hurtsss") == normalise("hurts")
    assert normalise("kiiill  myself") == normalise("kill myself")


@pytest.mark.parametrize("phrase, text, matches", [
    ("hit* me", "he HITS me", True),
    ("hit* me", "he hitting me", True),
    ("hit* me", "white me", False),  # whole words only
    ("hit* ... me", "he hit and kicked me", True),
    ("hit* ... me", "he hit the ball over the fence to me", False),  # more than three words between
    ("(mum|dad) hit*", "dad hits", True),
    ("(mum|dad) hit*", "nan hits", False),
    ("scared of (him|my dad)", "i'm scared of my dad!", True),
    ("dont tell", "Don't tell anyone", True),
])
def test_a_phrase_matches_whole_words_with_endings_gaps_and_alternatives(tmp_path, phrase, text, matches):
    lexicon = lexicon_of(tmp_path, f"concerns:\n  test:\n    label: Test\n    phrases:\n      - \"{phrase}\"\n")
    assert bool(lexicon.find(text)) is matches


def test_a_line_may_hold_several_phrases_and_emoji_are_read_as_words(tmp_path):
    lexicon = lexicon_of(tmp_path, 'emoji:\n  "👊": punch\nconcerns:\n  test:\n    label: Test\n    phrases:\n'
                                   '      - "punch* me | kick* me"\n')
    assert lexicon.find("he kicked me") and lexicon.find("dad 👊 me") and not lexicon.find("dad 👍 me")


@pytest.mark.parametrize("phrase, problem", [
    ("hit (me", "not closed"),
    ("hit) me", "no '('"),
    ("h*t me", "a * may end a word only"),
    ("hit [me]", "only words"),
])
def test_a_phrase_that_cannot_be_used_is_a_clear_error(phrase, problem):
    with pytest.raises(LexiconError, match=problem.replace("(", r"\(").replace("*", r"\*")):
        phrase_pattern(phrase)


def test_a_concern_without_phrases_is_a_clear_error(tmp_path):
    with pytest.raises(LexiconError, match="needs a `label` and a list of `phrases`"):
        lexicon_of(tmp_path, "concerns:\n  test:\n    label: Test\n")


def test_the_project_word_list_loads_and_covers_every_kind_of_harm():
    assert set(LEXICON.labels) >= {"physical_harm", "violence_at_home", "neglect", "sexual_harm", "self_harm",
                                   "grooming", "secrets"}


def test_either_layer_raises_a_concern():
    ordinary = {"intent": {"name": "inform", "confidence": 0.9}, "intent_ranking": []}
    leaning = {"intent": {"name": "inform", "confidence": 0.6},
               "intent_ranking": [{"name": "disclosure", "confidence": MIN_INTENT_CONFIDENCE}]}
    assert find_concern("my dad hits me", ordinary, LEXICON).matches
    concern = find_concern("my uncle comes round at night", leaning, LEXICON)
    assert concern is not None and not concern.matches and concern.found_by["intent_confidence"] == MIN_INTENT_CONFIDENCE
    assert find_concern("I like swimming", ordinary, LEXICON) is None


def test_the_model_counts_only_with_a_context_word():
    sure = {"intent": {"name": "disclosure", "confidence": 1.0}, "intent_ranking": []}
    assert find_concern("   spaces before and after   ", sure, LEXICON) is None
    assert find_concern("i get scared at night", sure, LEXICON) is not None
