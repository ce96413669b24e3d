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
    ("said (me|) i deserved it", "a choice is empty"),
    ("said (|me) i deserved it", "a choice is empty"),
    ("said (me||us) i deserved it", "a choice is empty"),
    ("said () i deserved it", "a choice is empty"),
])
def test_a_phrase_that_cannot_be_used_is_a_clear_error(phrase, problem):
    with pytest.raises(LexiconError, match=problem.replace("(", r"\(").replace("*", r"\*")):
        phrase_pattern(phrase)


def test_unless_rules_out_its_own_concern_only(tmp_path):
    lexicon = lexicon_of(tmp_path, "concerns:\n  secrets:\n    label: Secrets\n    phrases:\n      - its a secret\n"
                                   "    unless:\n      - (birthday|surprise)\n"
                                   "  physical:\n    label: Physical\n    phrases:\n      - dad hit* me\n")
    assert [m.concern for m in lexicon.find("dont tell mum its a secret")] == ["secrets"]
    assert lexicon.find("its a secret what i got her for her birthday") == []
    assert [m.concern for m in lexicon.find("on my birthday dad hit me and said its a secret")] == ["physical"]


def test_phrases_and_unless_must_be_lists(tmp_path):
    with pytest.raises(LexiconError, match="write a list"):  # not read one letter at a time
        lexicon_of(tmp_path, "concerns:\n  secrets:\n    label: Secrets\n    phrases:\n      - its a secret\n"
                             "    unless: birthday wish\n")
    with pytest.raises(LexiconError, match="write a list"):
        lexicon_of(tmp_path, "concerns:\n  secrets:\n    label: Secrets\n    phrases: its a secret\n")


def test_a_concern_without_phrases_is_a_clear_error(tmp_path):
    with pytest.raises(LexiconError, match="needs a `label` and a list of `phrases`"):
        lexicon_of(tmp_path, "concerns:\n  test:\n    label: Test\n")


def test_the_project_word_list_loads_and_covers_every_kind_of_harm():
    assert set(LEXICON.labels) >= {"physical_harm", "violence_at_home", "neglect", "sexual_harm", "self_harm",
                                   "grooming", "secrets", "emotional_harm", "exploitation", "forced_marriage_fgm",
                                   "radicalisation", "carer_substance_misuse", "suicidal_thoughts"}


# One or two messages for each kind of harm (written for this test: none is in the tuning sets), and
# the concern each must raise among others.
@pytest.mark.parametrize("concern, text", [
    ("physical_harm", "my stepdad whacks me with his belt"),
    ("physical_harm", "she pinches my arm till it goes red"),
    ("physical_harm", "i got the slipper again for being late"),
    ("violence_at_home", "i heard him hitting mum again"),
    ("violence_at_home", "the police come round to ours cos of dad"),
    ("emotional_harm", "she calls me a waste of space"),
    ("emotional_harm", "dad says he will put me in care"),
    ("neglect", "the cupboards are empty at mums"),
    ("neglect", "we get left home alone all night"),
    ("sexual_harm", "he touches my privates"),
    ("sexual_harm", "a man on snapchat keeps asking for pics"),
    ("grooming", "my boyfriend is 23 and i am 13"),
    ("grooming", "a man gave me free vapes"),
    ("exploitation", "i hold stuff for the older lads"),
    ("exploitation", "i have to do runs for them"),
    ("forced_marriage_fgm", "they say i have to marry a man from back home"),
    ("forced_marriage_fgm", "they are going to cut me in the summer"),
    ("radicalisation", "he wants me to join his group and hate muslims"),
    ("radicalisation", "they showed me how to make a bomb"),
    ("carer_substance_misuse", "mum is drunk every night"),
    ("carer_substance_misuse", "dad smokes weed all day"),
    ("self_harm", "i cut my wrists"),
    ("self_harm", "i burn myself with a lighter"),
    ("suicidal_thoughts", "i want to kill myself"),
    ("suicidal_thoughts", "i took a whole packet of paracetamol"),
    ("secrets", "he told me not to tell anyone"),
    ("secrets", "mum made me practise what to say"),
    # Families added in issue 18 (messages written for this test, none from the tuning sets).
    ("physical_harm", "i wear my hoodie in summer so my teacher doesnt notice"),
    ("physical_harm", "i said i tripped on the stairs but really it was my stepdad"),
    ("neglect", "nobody is home till after midnight most nights"),
    ("emotional_harm", "she said she would get rid of my rabbit if i told"),
    ("suicidal_thoughts", "my family would be better off without me"),
    ("suicidal_thoughts", "ive been hiding tablets under my bed"),
    ("exploitation", "a man at the chippy buys me stuff if i do jobs for his mates"),
    ("carer_substance_misuse", "dad is back on the booze again"),
    ("radicalisation", "they send me clips saying we need to get rid of the foreigners"),
    ("secrets", "if i say anything theyll know i told"),
])
def test_each_kind_of_harm_is_found_in_childrens_words(concern, text):
    assert concern in {m.concern for m in LEXICON.find(text)}, LEXICON.find(text)


# Ordinary answers with words that can tell of harm elsewhere: idioms, games and sport, accidents,
# medicine, a relative's wedding, a surprise. The word list asks for the words around them.
@pytest.mark.parametrize("text", [
    "we beat them at rounders", "my dad smashed it at bowling", "i got a secret present for nan",
    "i watched home alone 2", "my sister pushes me on the swing", "i take my asthma tablets",
    "im dying to go swimming", "my uncle got drunk at his birthday party", "we went to a wedding back home",
    "i killed the boss in my game", "i was scared of the clown at the party", "i cut my finger on a tin",
    "dad chucked me the frisbee", "my mum will kill me if i lose my phone", "we play murder in the dark",
    "we learned about the war at school", "i got a black belt in karate", "the police came to talk to our class",
    "i had a blood test",
    "this maths is so hard i could die", "the cat scratched me when i picked her up",
    "dad picks me up from school on fridays", "my baby cousin pulled my hair", "i was home alone for ten minutes",
    "there was no food left at the party", "my little brother gets in my bed when he has a bad dream",
])
def test_ordinary_answers_with_harm_words_raise_nothing(text):
    assert LEXICON.find(text) == []


def test_either_layer_raises_a_concern():
    ordinary = {"intent": {"name": "inform", "confidence": 0.9}, "intent_ranking": []}
    leaning = {"intent": {"name": "inform", "confidence": 0.6},
               "intent_ranking": [{"name": "disclosure", "confidence": MIN_INTENT_CONFIDENCE}]}
    assert find_concern("my dad hits me", ordinary, LEXICON, None).matches
    concern = find_concern("my uncle kissed me at night", leaning, LEXICON, None)
    assert concern is not None and not concern.matches and concern.found_by["intent_confidence"] == MIN_INTENT_CONFIDENCE
    assert find_concern("I like swimming", ordinary, LEXICON, None) is None


def test_the_model_counts_only_with_a_context_word():
    sure = {"intent": {"name": "disclosure", "confidence": 1.0}, "intent_ranking": []}
    assert find_concern("   spaces before and after   ", sure, LEXICON, None) is None
    assert find_concern("there was blood", sure, LEXICON, None) is not None
    assert find_concern("i get scared at night", sure, LEXICON, None) is None  # fear alone is the word list's to find
