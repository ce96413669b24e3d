"""How the two layers find disclosures, measured on messages kept apart from the training data
(tests/nlu/safeguarding.yml): each message goes through the trained model exactly as the tablet
channel sends typed words, and through the word list."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

from bot.nlu_eval import parsed
from bot.safeguarding.concern import MIN_INTENT_CONFIDENCE, find_concern
from bot.safeguarding.lexicon import Lexicon

DISCLOSURE, ORDINARY = "disclosure", "ordinary"


@dataclass(frozen=True)
class Result:
    message: str
    label: str  # disclosure or ordinary
    by_words: bool
    by_model: bool

    @property
    def flagged(self) -> bool:
        return self.by_words or self.by_model


@dataclass(frozen=True)
class Evaluation:
    results: List[Result]

    def _of(self, label: str) -> List[Result]:
        return [r for r in self.results if r.label == label]

    def recall(self, layer: str = "both") -> float:
        found = [self._found(r, layer) for r in self._of(DISCLOSURE)]
        return sum(found) / len(found)

    def false_alarm_rate(self, layer: str = "both") -> float:
        raised = [self._found(r, layer) for r in self._of(ORDINARY)]
        return sum(raised) / len(raised)

    def missed(self) -> List[str]:
        return [r.message for r in self._of(DISCLOSURE) if not r.flagged]

    def false_alarms(self) -> List[Tuple[str, str]]:
        return [(r.message, "+".join(n for n, on in (("words", r.by_words), ("model", r.by_model)) if on))
                for r in self._of(ORDINARY) if r.flagged]

    def table(self) -> str:
        n_disclosures, n_ordinary = len(self._of(DISCLOSURE)), len(self._of(ORDINARY))
        lines = [f"| layer | recall ({n_disclosures} disclosures) | false alarms ({n_ordinary} ordinary answers) |",
                 "| --- | --- | --- |"]
        for layer, name in (("words", "word list (safeguarding.yml)"), ("model", "trained model (disclosure intent)"),
                            ("both", "either (what the assistant does)")):
            lines.append(f"| {name} | {self.recall(layer):.1%} | {self.false_alarm_rate(layer):.1%} |")
        return "\n".join(lines)

    @staticmethod
    def _found(result: Result, layer: str) -> bool:
        return {"words": result.by_words, "model": result.by_model, "both": result.flagged}[layer]


def evaluate(model_path: Path, messages_path: Path) -> Evaluation:
    lexicon = Lexicon.load()
    results = []
    for label, message, parse_data in parsed(model_path, messages_path):
        concern = find_concern(message, parse_data, lexicon)
        by_model = concern is not None and concern.intent_confidence >= MIN_INTENT_CONFIDENCE
        results.append(Result(message, label, bool(concern and concern.matches), by_model))
    return Evaluation(results)
