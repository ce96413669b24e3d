"""The meaning classifier: what typed words are, judged by their meaning (sentences.py's vectors)
rather than their words, so it knows phrasings no list or training example holds. Its classes:
`disclosure` (words that may tell of harm), each typed control (stop, skip, help, ...) and `answer`
(everything else). Beside the word list and Rasa's DIET it is a second opinion: the safeguarding
check counts its `disclosure` (bot/safeguarding/concern.py), and a control is acted on only when it
agrees with DIET, and checked with the child when either leans to one (bot/channel/typed_controls.py).

It is trained on data/nlu/ alone, never on tests/nlu/: those sets measure it. One hidden layer
(scikit-learn's MLPClassifier, a fixed seed: the same data give the same classifier), its weights
kept as plain arrays in models/meaning-<fingerprint>.npz (no pickle, so loading runs no code) and
applied with numpy. Chosen by measurement (README, "How well typed words are understood")."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import numpy as np
from scipy.special import expit, softmax

from bot.config import PROJECT_ROOT
from bot.meaning.sentences import SHA256, SentenceModel
from bot.pack.prompt_pack import content_hash

DISCLOSURE, ANSWER = "disclosure", "answer"
VERSION = 2  # of the training code: a new version retrains (with the classes and settings below)
# The share of a message's words the sentence model knows below which it gives no judgement: it
# was trained on English, and took a Welsh sentence about a summer festival for a disclosure.
# Children's misspellings stay well above it (no tuning disclosure it found was below 0.5).
MIN_KNOWN_SHARE = 0.5
HIDDEN, ALPHA, SEED, MAX_ITER = 256, 1e-3, 0, 300


@dataclass(frozen=True)
class Meaning:
    """One message's probabilities: of a disclosure, and of the likeliest control. `understood`
    False: the words were mostly not the sentence model's (MIN_KNOWN_SHARE), so there is no
    judgement: no disclosure, no control, and no agreement to act on a control."""
    disclosure: float
    control: Optional[str]  # the likeliest of the controls, whatever its probability
    control_probability: float
    understood: bool = True


NOT_UNDERSTOOD = Meaning(0.0, None, 0.0, understood=False)


def _controls() -> Tuple[str, ...]:
    from bot.channel.typed_controls import MAX_WORDS

    return tuple(sorted(MAX_WORDS))


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    from importlib.metadata import version

    settings = (f"v{VERSION} mlp {HIDDEN} {ALPHA} {SEED} {MAX_ITER} sklearn {version('scikit-learn')} "
                f"{SHA256['model.safetensors']} classes {' '.join(_controls())}")
    return content_hash(root, sorted((root / "data" / "nlu").rglob("*.yml")), extra=settings)[:20]


def classifier_path(root: Path = PROJECT_ROOT) -> Path:
    return root / "models" / f"meaning-{fingerprint(root)}.npz"


def training_examples(root: Path = PROJECT_ROOT) -> Tuple[List[str], List[str]]:
    """Every example of data/nlu/ as Rasa reads it (entity markup removed), with its class."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(root / "data" / "nlu"))
    texts, labels = [], []
    for example in data.intent_examples:
        intent = example.get("intent")
        texts.append(example.get("text"))
        labels.append(intent if intent == DISCLOSURE or intent in _controls() else ANSWER)
    return texts, labels


@dataclass(frozen=True)
class MeaningClassifier:
    classes: Tuple[str, ...]
    weights: Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # hidden W, b; output W, b

    @classmethod
    def train(cls, texts: List[str], labels: List[str]) -> "MeaningClassifier":
        from sklearn.neural_network import MLPClassifier

        vectors = SentenceModel.load().embed(texts)
        mlp = MLPClassifier((HIDDEN,), alpha=ALPHA, max_iter=MAX_ITER, random_state=SEED).fit(vectors, labels)
        return cls(tuple(str(c) for c in mlp.classes_),
                   (mlp.coefs_[0], mlp.intercepts_[0], mlp.coefs_[1], mlp.intercepts_[1]))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.npz")
        np.savez(partial, *self.weights, classes=np.array(self.classes, dtype=str))
        partial.replace(path)

    @classmethod
    def read(cls, path: Path) -> "MeaningClassifier":
        """The saved classifier, its shapes and classes checked, so a wrong file fails at start-up."""
        try:
            with np.load(path, allow_pickle=False) as arrays:
                weights = tuple(arrays[f"arr_{i}"] for i in range(4))
                classes = tuple(str(c) for c in arrays["classes"])
        except (OSError, KeyError, ValueError) as error:
            raise ValueError(f"{path} is not a meaning classifier: {error}; run `make model`") from error
        hidden_w, hidden_b, out_w, out_b = weights
        known = {DISCLOSURE, ANSWER, *_controls()}
        outputs = 1 if len(classes) == 2 else len(classes)
        if (hidden_w.shape[0] != 384 or hidden_b.shape != (hidden_w.shape[1],) or out_w.shape != (hidden_w.shape[1], outputs)
                or out_b.shape != (outputs,) or not set(classes) <= known):
            raise ValueError(f"{path} does not fit the sentence model or the controls: run `make model`")
        return cls(classes, weights)  # type: ignore[arg-type]

    def probabilities(self, texts: List[str]) -> np.ndarray:
        """One row per text, one column per class (MLPClassifier's own forward pass: ReLU, then
        the logistic function for two classes, softmax for more)."""
        hidden_w, hidden_b, out_w, out_b = self.weights
        hidden = np.maximum(SentenceModel.load().embed(texts) @ hidden_w + hidden_b, 0.0)
        out = hidden @ out_w + out_b
        if len(self.classes) == 2:
            positive = expit(out[:, 0])
            return np.stack([1.0 - positive, positive], axis=1)
        return softmax(out, axis=1)

    def judge(self, text: str) -> Meaning:
        """NOT_UNDERSTOOD for words the sentence model mostly does not know."""
        return self.judge_all([text])[0]

    def judge_all(self, texts: List[str]) -> List[Meaning]:
        """`judge` for many texts at once, their vectors made in batches (the reports' hundreds of
        messages): the same judgement for each as alone."""
        model = SentenceModel.load()
        understood = [i for i, text in enumerate(texts) if model.known_share(text) >= MIN_KNOWN_SHARE]
        meanings = [NOT_UNDERSTOOD] * len(texts)
        rows = self.probabilities([texts[i] for i in understood]) if understood else []
        for i, probabilities in zip(understood, rows):
            row: Dict[str, float] = dict(zip(self.classes, map(float, probabilities)))
            controls = {c: p for c, p in row.items() if c in _controls()}
            control = max(controls, key=controls.__getitem__) if controls else None
            meanings[i] = Meaning(row.get(DISCLOSURE, 0.0), control, controls.get(control, 0.0) if control else 0.0)
        return meanings


_loaded: Dict[Path, MeaningClassifier] = {}
_lock = threading.Lock()


def ensure_trained(root: Path = PROJECT_ROOT, quiet: bool = False) -> Path:
    """Train the classifier unless one for exactly this training data exists. Returns its path."""
    from bot.pack.model import build_once

    return build_once(classifier_path(root), root, quiet,
                      ("Meaning classifier", "the meaning classifier (the NLU data changed)"),
                      lambda path: MeaningClassifier.train(*training_examples(root)).save(path), "meaning-*.npz")


def load(root: Path = PROJECT_ROOT) -> MeaningClassifier:
    """The classifier for the current training data (trained by `make model`, with the Rasa model)."""
    path = classifier_path(root)
    with _lock:
        if path not in _loaded:
            if not path.exists():
                raise FileNotFoundError(f"{path} is missing: run `make model` (python -m bot train)")
            _loaded[path] = MeaningClassifier.read(path)
        return _loaded[path]
