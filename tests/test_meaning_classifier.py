"""The meaning classifier's parts: the sentence model is the upstream one or nothing, the numpy
forward pass is scikit-learn's own, the saved weights read back exact, training is repeatable and
follows the NLU data, and its judgement reaches the safeguarding check and the typed controls. Its
figures are in test_safeguarding_eval.py, test_nlu_eval.py and the README."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier

from bot.channel.typed_controls import ANSWER_INTENT, taken_as
from bot.meaning import classifier
from bot.meaning.classifier import NOT_UNDERSTOOD, Meaning, MeaningClassifier
from bot.meaning.sentences import (
    SHA256,
    SentenceModel,
    SentenceModelError,
    model_dir,
    verify,
)
from bot.safeguarding.concern import (
    MIN_MEANING_FOR_INTENT,
    MIN_MEANING_PROBABILITY,
    find_concern,
)
from bot.safeguarding.lexicon import Lexicon
from tests.conftest import ROOT

TEXTS = ["we went to the park", "i had chips for tea", "my cousin came round", "we played football",
         "he hurts me at night", "she locks me in the shed", "they hit me with a belt", "she does the thing again",
         "i want to stop now", "can we finish", "stop please", "no more questions"]
LABELS = ["answer"] * 4 + ["disclosure"] * 4 + ["stop"] * 4


def test_the_installed_sentence_model_is_upstreams():
    verify(model_dir())  # raises if any file differs from the published hashes


def test_a_changed_weight_file_is_refused_by_name(tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(model_dir(), copy)
    weights = copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1
    weights.write_bytes(bytes(data))
    with pytest.raises(SentenceModelError, match="model.safetensors.*expected " + SHA256["model.safetensors"]):
        verify(copy)


def test_a_missing_file_is_refused_by_name(tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(model_dir(), copy)
    (copy / "vocab.txt").unlink()
    with pytest.raises(SentenceModelError, match="vocab.txt"):
        verify(copy)


def test_sentences_are_unit_vectors_and_a_batch_gives_what_one_at_a_time_gives():
    model = SentenceModel.load()
    together = model.embed(TEXTS)
    assert together.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    alone = np.vstack([model.embed([t]) for t in TEXTS])
    assert np.allclose(together, alone, atol=1e-5)
    assert model.embed([]).shape == (0, 384)


@pytest.mark.parametrize("labels", [LABELS, ["answer" if label == "stop" else label for label in LABELS]])
def test_the_forward_pass_is_scikit_learns_and_training_is_repeatable(labels):
    """Softmax for three classes and more, the logistic function for two, as scikit-learn does."""
    trained = MeaningClassifier.train(TEXTS, labels)
    mlp = MLPClassifier((classifier.HIDDEN,), alpha=classifier.ALPHA, max_iter=classifier.MAX_ITER,
                        random_state=classifier.SEED).fit(SentenceModel.load().embed(TEXTS), labels)
    others = ["i like my school", "he kicks me", "a very long answer " * 200]
    assert trained.classes == tuple(mlp.classes_)
    assert np.allclose(trained.probabilities(others), mlp.predict_proba(SentenceModel.load().embed(others)), atol=1e-6)
    again = MeaningClassifier.train(TEXTS, labels)
    assert all(np.array_equal(a, b) for a, b in zip(trained.weights, again.weights))


def test_saved_weights_read_back_exact_and_hold_no_pickle(tmp_path):
    trained = MeaningClassifier.train(TEXTS, LABELS)
    path = tmp_path / "meaning.npz"
    trained.save(path)
    read = MeaningClassifier.read(path)  # np.load(allow_pickle=False): an object array would raise
    assert read.classes == trained.classes == ("answer", "disclosure", "stop")
    assert all(np.array_equal(a, b) for a, b in zip(trained.weights, read.weights))
    assert not list(tmp_path.glob("*.partial.npz"))


def test_the_fingerprint_follows_the_nlu_data_only(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(ROOT / "data", root / "data")
    before = classifier.fingerprint(root)
    (root / "data" / "stories").mkdir(exist_ok=True)
    (root / "data" / "stories" / "new.yml").write_text("version: '3.1'\n", encoding="utf-8")
    assert classifier.fingerprint(root) == before
    answers = root / "data" / "nlu" / "answers.yml"
    answers.write_text(answers.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert classifier.fingerprint(root) != before


def test_a_missing_classifier_says_how_to_make_it(tmp_path):
    shutil.copytree(ROOT / "data" / "nlu", tmp_path / "data" / "nlu")
    with pytest.raises(FileNotFoundError, match="make model"):
        classifier.load(tmp_path)


@pytest.mark.parametrize("probability, raised", [(MIN_MEANING_PROBABILITY, True), (MIN_MEANING_PROBABILITY - 0.001, False)])
def test_the_meaning_classifier_alone_raises_a_concern_and_says_so_in_found_by(probability, raised):
    ordinary = {"intent": {"name": "inform", "confidence": 0.9}, "intent_ranking": []}
    text = "she does the thing again"  # nothing the word list holds
    concern = find_concern(text, ordinary, Lexicon.load(ROOT), Meaning(probability, None, 0.0))
    assert (concern is not None) == raised
    if raised:
        assert concern.by_meaning and not concern.matches and not concern.by_intent
        assert concern.found_by["meaning_probability"] == round(probability, 3)


@pytest.mark.parametrize("probability, raised", [(MIN_MEANING_FOR_INTENT, True), (MIN_MEANING_FOR_INTENT - 0.01, False)])
def test_the_intent_counts_only_when_the_meaning_classifier_leans_to_a_disclosure_too(probability, raised):
    leaning = {"intent": {"name": "inform", "confidence": 0.5},
               "intent_ranking": [{"name": "disclosure", "confidence": 0.9}]}
    text = "there was blood"  # a model_context word, nothing the word list holds
    assert not Lexicon.load(ROOT).find(text)
    concern = find_concern(text, leaning, Lexicon.load(ROOT), Meaning(probability, None, 0.0))
    assert (concern is not None) == raised


def test_judge_names_the_likeliest_control_even_when_an_answer_is_likelier():
    meaning = MeaningClassifier.train(TEXTS, LABELS).judge("we played in the park")
    assert meaning.control == "stop" and 0.0 < meaning.control_probability < 0.5


STOP_SURE = {"name": "stop", "confidence": 0.999}


@pytest.mark.parametrize(
    "text, intent, meaning, taken, to_check",
    [
        ("stop please", STOP_SURE, Meaning(0.0, "stop", 0.97), "stop", None),  # both agree: acted on
        ("stop please", STOP_SURE, Meaning(0.0, "stop", 0.3), ANSWER_INTENT, "stop"),  # meaning unsure: checked
        ("stop please", STOP_SURE, Meaning(0.0, "help", 0.9), ANSWER_INTENT, "stop"),  # they disagree: checked
        # the NLU takes it for an answer, the meaning classifier for a break: kept, then checked
        ("brb need a wee", {"name": "inform", "confidence": 0.8}, Meaning(0.0, "take_break", 0.8), "inform", "take_break"),
        ("we went to the beach", {"name": "inform", "confidence": 0.8}, Meaning(0.0, "stop", 0.2), "inform", None),
        ("yes", {"name": "affirm", "confidence": 0.99}, Meaning(0.0, "stop", 0.9), "affirm", None),  # not an answer
        # a disclosure intent without a concern is an answer (the channel): checked like one
        ("no more", {"name": "disclosure", "confidence": 0.6}, Meaning(0.0, "stop", 0.9), "disclosure", "stop"),
        ("dont get it sorry", {"name": "nlu_fallback", "confidence": 0.3}, Meaning(0.0, "help", 0.8), "nlu_fallback", "help"),
        # the NLU leans to skip, the meaning classifier is surer of help: checked as help, never skipped
        ("i dont get the question", {"name": "skip", "confidence": 0.6}, Meaning(0.0, "help", 0.99), ANSWER_INTENT, "help"),
        ("i dont get the question", {"name": "skip", "confidence": 0.999}, Meaning(0.0, "help", 0.99), ANSWER_INTENT, "skip"),
        ("no more " * 20, {"name": "inform", "confidence": 0.8}, Meaning(0.0, "stop", 0.9), "inform", None),  # too long
    ],
)
def test_a_control_is_acted_on_only_when_the_meaning_classifier_agrees(text, intent, meaning, taken, to_check):
    decided = taken_as(text, intent, [], meaning)
    assert (decided.intent["name"], decided.to_check) == (taken, to_check)


@pytest.mark.parametrize("text", ["Dw i'n hoffi'r ŵyl a'r ŷd yn yr haf, Ŵ Ŷ", "أريد أن أعيش مع أمي وأبي", "🐶🎮", ""])
def test_words_the_sentence_model_mostly_does_not_know_get_no_judgement(text):
    """It was trained on English: on other languages and scripts the word list and the NLU judge alone."""
    assert MeaningClassifier.train(TEXTS, LABELS).judge(text) == NOT_UNDERSTOOD


def test_childrens_spelling_still_gets_a_judgement():
    assert MeaningClassifier.train(TEXTS, LABELS).judge("he toches my privits wen mum is out").understood


def test_words_not_understood_leave_the_intent_ungated_but_never_act_on_a_control():
    leaning = {"intent": {"name": "inform", "confidence": 0.5},
               "intent_ranking": [{"name": "disclosure", "confidence": 0.9}]}
    concern = find_concern("there was blood", leaning, Lexicon.load(ROOT), NOT_UNDERSTOOD)
    assert concern is not None and concern.by_intent and concern.found_by["meaning_probability"] is None
    decided = taken_as("idk", {"name": "dont_know", "confidence": 0.999}, [], NOT_UNDERSTOOD)
    assert (decided.intent["name"], decided.to_check) == (ANSWER_INTENT, "dont_know")  # checked, not acted on


@pytest.mark.parametrize("damage", ["shape", "class"])
def test_a_saved_classifier_that_does_not_fit_is_refused_at_load(tmp_path, damage):
    trained = MeaningClassifier.train(TEXTS, LABELS)
    path = tmp_path / "meaning.npz"
    weights = list(trained.weights)
    classes = list(trained.classes)
    if damage == "shape":
        weights[2] = weights[2][:, :2]
    else:
        classes[-1] = "dance"
    MeaningClassifier(tuple(classes), tuple(weights)).save(path)
    with pytest.raises(ValueError, match="make model"):
        MeaningClassifier.read(path)
