"""The concern classifier: the third layer of safeguarding, beside the word list and the trained
`disclosure` intent. It judges a message by its meaning (sentences.py's vectors), so it finds
disclosures phrased in words no list holds.

It is trained on data/nlu/ alone, the disclosure intent's examples against every other example
(answers, controls), never on tests/nlu/: those sets measure it. One hidden layer
(scikit-learn's MLPClassifier, a fixed seed: the same data give the same classifier); its weights
are kept as plain arrays in models/concern-<fingerprint>.npz (no pickle, so loading runs no code)
and applied with numpy. Chosen by measurement (README, "How well typed words are understood")."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

import numpy as np

from bot.config import PROJECT_ROOT
from bot.prompt_pack import content_hash
from bot.safeguarding.concern import DISCLOSURE_INTENT
from bot.safeguarding.sentences import SHA256, SentenceModel

# The score at or above which a message raises a concern. Chosen on the tuning sets: every point
# lower finds more but tells more children who said nothing worrying that they are not in trouble.
THRESHOLD = 0.98
HIDDEN, ALPHA, SEED, MAX_ITER = 256, 1e-3, 0, 300
KEEP = 3


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    from importlib.metadata import version

    settings = f"mlp {HIDDEN} {ALPHA} {SEED} {MAX_ITER} sklearn {version('scikit-learn')} {SHA256['model.safetensors']}"
    return content_hash(root, sorted((root / "data" / "nlu").rglob("*.yml")), extra=settings)[:20]


def classifier_path(root: Path = PROJECT_ROOT) -> Path:
    return root / "models" / f"concern-{fingerprint(root)}.npz"


def training_examples(root: Path = PROJECT_ROOT) -> Tuple[List[str], List[int]]:
    """Every example of data/nlu/ as Rasa reads it (entity markup removed): 1 for a disclosure."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(root / "data" / "nlu"))
    texts, labels = [], []
    for example in data.intent_examples:
        texts.append(example.get("text"))
        labels.append(int(example.get("intent") == DISCLOSURE_INTENT))
    return texts, labels


@dataclass(frozen=True)
class ConcernClassifier:
    weights: Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # hidden W, b; output W, b

    @classmethod
    def train(cls, texts: List[str], labels: List[int]) -> "ConcernClassifier":
        from sklearn.neural_network import MLPClassifier

        vectors = SentenceModel.load().embed(texts)
        mlp = MLPClassifier((HIDDEN,), alpha=ALPHA, max_iter=MAX_ITER, random_state=SEED).fit(vectors, labels)
        return cls((mlp.coefs_[0], mlp.intercepts_[0], mlp.coefs_[1], mlp.intercepts_[1]))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial.npz")
        np.savez(partial, *self.weights)
        partial.replace(path)

    @classmethod
    def read(cls, path: Path) -> "ConcernClassifier":
        with np.load(path, allow_pickle=False) as arrays:
            return cls(tuple(arrays[f"arr_{i}"] for i in range(4)))  # type: ignore[arg-type]

    def scores(self, texts: List[str]) -> np.ndarray:
        """The likelihood, 0 to 1, that each text tells of harm (MLPClassifier's own forward pass:
        ReLU, then the logistic function)."""
        hidden_w, hidden_b, out_w, out_b = self.weights
        hidden = np.maximum(SentenceModel.load().embed(texts) @ hidden_w + hidden_b, 0.0)
        return 1.0 / (1.0 + np.exp(-(hidden @ out_w + out_b)[:, 0]))

    def score(self, text: str) -> float:
        return float(self.scores([text])[0])


_loaded: dict = {}
_lock = threading.Lock()


def ensure_trained(root: Path = PROJECT_ROOT, quiet: bool = False) -> Path:
    """Train the classifier unless one for exactly this training data exists. Returns its path."""
    path = classifier_path(root)
    if path.exists():
        if not quiet:
            print(f"Concern classifier up to date: {path.relative_to(root)}")
        return path
    if not quiet:
        print(f"Training the concern classifier (the NLU data changed): {path.relative_to(root)}")
    ConcernClassifier.train(*training_examples(root)).save(path)
    olds = sorted(path.parent.glob("concern-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in olds[KEEP:]:
        if old != path:
            old.unlink()
    return path


def load(root: Path = PROJECT_ROOT) -> ConcernClassifier:
    """The classifier for the current training data (trained by `make model`; the tests and
    reports train it if it is missing)."""
    path = classifier_path(root)
    with _lock:
        if path not in _loaded:
            if not path.exists():
                raise FileNotFoundError(f"{path} is missing: run `make model` (python -m bot train)")
            _loaded[path] = ConcernClassifier.read(path)
        return _loaded[path]
