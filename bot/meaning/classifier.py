"""The meaning classifier: what typed words are, judged by their meaning (sentences.py's vectors)
rather than their words, so it knows phrasings no list or training example holds. Its classes:
`disclosure` (words that may tell of harm), each typed control (stop, skip, help, ...) and `answer`
(everything else). Beside the word list and Rasa's DIET it is a second opinion: the safeguarding
check counts its `disclosure` (bot/safeguarding/concern.py), and a control is acted on only when it
agrees with DIET, and checked with the child when either leans to one (bot/typed_controls.py).

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

from bot.config import PROJECT_ROOT
from bot.meaning.sentences import SHA256, SentenceModel
from bot.prompt_pack import content_hash

DISCLOSURE, ANSWER = "disclosure", "answer"
# The share of a message's words the sentence model knows below which it gives no judgement: it
# was trained on English, and took a Welsh sentence about a summer festival for a disclosure.
# Children's misspellings stay well above it (no tuning disclosure it found was below 0.5).
MIN_KNOWN_SHARE = 0.5
HIDDEN, ALPHA, SEED, MAX_ITER = 256, 1e-3, 0, 300
KEEP = 3


@dataclass(frozen=True)
class Meaning:
    """One message's probabilities: of a disclosure, and of the likeliest control."""
    disclosure: float
    control: Optional[str]  # the likeliest of the controls, whatever its probability
    control_probability: float


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    from importlib.metadata import version

    settings = f"mlp {HIDDEN} {ALPHA} {SEED} {MAX_ITER} sklearn {version('scikit-learn')} {SHA256['model.safetensors']}"
    return content_hash(root, sorted((root / "data" / "nlu").rglob("*.yml")), extra=settings)[:20]


def classifier_path(root: Path = PROJECT_ROOT) -> Path:
    return root / "models" / f"meaning-{fingerprint(root)}.npz"


def training_examples(root: Path = PROJECT_ROOT) -> Tuple[List[str], List[str]]:
    """Every example of data/nlu/ as Rasa reads it (entity markup removed), with its class."""
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.typed_controls import is_control

    data = load_data(str(root / "data" / "nlu"))
    texts, labels = [], []
    for example in data.intent_examples:
        intent = example.get("intent")
        texts.append(example.get("text"))
        labels.append(intent if intent == DISCLOSURE or is_control(intent) else ANSWER)
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
        with np.load(path, allow_pickle=False) as arrays:
            weights = tuple(arrays[f"arr_{i}"] for i in range(4))
            return cls(tuple(str(c) for c in arrays["classes"]), weights)  # type: ignore[arg-type]

    def probabilities(self, texts: List[str]) -> np.ndarray:
        """One row per text, one column per class (MLPClassifier's own forward pass: ReLU, then
        the logistic function for two classes, softmax for more)."""
        hidden_w, hidden_b, out_w, out_b = self.weights
        hidden = np.maximum(SentenceModel.load().embed(texts) @ hidden_w + hidden_b, 0.0)
        out = hidden @ out_w + out_b
        if len(self.classes) == 2:
            positive = 1.0 / (1.0 + np.exp(-out[:, 0]))
            return np.stack([1.0 - positive, positive], axis=1)
        out = np.exp(out - out.max(axis=1, keepdims=True))
        return out / out.sum(axis=1, keepdims=True)

    def judge(self, text: str) -> Optional[Meaning]:
        """None for words the sentence model mostly does not know: the other layers judge alone."""
        if SentenceModel.load().known_share(text) < MIN_KNOWN_SHARE:
            return None
        row: Dict[str, float] = dict(zip(self.classes, map(float, self.probabilities([text])[0])))
        controls = {c: p for c, p in row.items() if c not in (DISCLOSURE, ANSWER)}
        control = max(controls, key=controls.__getitem__) if controls else None
        return Meaning(row.get(DISCLOSURE, 0.0), control, controls.get(control, 0.0) if control else 0.0)


_loaded: Dict[Path, MeaningClassifier] = {}
_lock = threading.Lock()


def ensure_trained(root: Path = PROJECT_ROOT, quiet: bool = False) -> Path:
    """Train the classifier unless one for exactly this training data exists. Returns its path."""
    path = classifier_path(root)
    if path.exists():
        if not quiet:
            print(f"Meaning classifier up to date: {path.relative_to(root)}")
        return path
    if not quiet:
        print(f"Training the meaning classifier (the NLU data changed): {path.relative_to(root)}")
    MeaningClassifier.train(*training_examples(root)).save(path)
    olds = sorted(path.parent.glob("meaning-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in olds[KEEP:]:
        if old != path:
            old.unlink()
    return path


def load(root: Path = PROJECT_ROOT) -> MeaningClassifier:
    """The classifier for the current training data (trained by `make model`, with the Rasa model)."""
    path = classifier_path(root)
    with _lock:
        if path not in _loaded:
            if not path.exists():
                raise FileNotFoundError(f"{path} is missing: run `make model` (python -m bot train)")
            _loaded[path] = MeaningClassifier.read(path)
        return _loaded[path]
