"""How the three layers find disclosures, measured on messages kept apart from the training data:
each message goes through the trained model exactly as the tablet channel sends typed words, through
the word list and through the meaning classifier (bot/meaning/).

Any YAML file of labelled messages will do (`python -m bot safeguarding-report --messages FILE`):
a label `disclosure`, or `disclosure_<kind>` (physical, sexual, neglect, ...), holds words that must
raise a concern; every other label (`ordinary`, `answer`, a control's name) holds words that must
not. The figures are given for each kind, with counts."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

from bot.pack.nlu_eval import held_out, left_out_note, parsed
from bot.safeguarding.concern import find_concern
from bot.safeguarding.lexicon import Lexicon

DISCLOSURE, ORDINARY = "disclosure", "ordinary"
LAYERS = (("words", "word list (safeguarding.yml)"), ("meaning", "meaning classifier (bot/meaning/)"),
          ("model", "trained model (disclosure intent, where the meaning classifier leans too)"), ("both", "any one (what the assistant does)"))


def is_disclosure(label: str) -> bool:
    return label == DISCLOSURE or label.startswith(DISCLOSURE + "_")


def kind_of(label: str) -> str:
    """`disclosure_self_harm` -> `self harm`; plain `disclosure` -> `disclosure`."""
    return label[len(DISCLOSURE) + 1:].replace("_", " ") if label != DISCLOSURE else DISCLOSURE


@dataclass(frozen=True)
class Result:
    message: str
    label: str  # as in the file: disclosure, disclosure_<kind>, ordinary, ...
    by_words: bool
    by_meaning: bool
    by_model: bool

    @property
    def flagged(self) -> bool:
        return self.by_words or self.by_meaning or self.by_model

    @property
    def disclosure(self) -> bool:
        return is_disclosure(self.label)


@dataclass(frozen=True)
class Evaluation:
    results: List[Result]
    left_out: int = 0  # the file's messages that are also training examples: not measured

    def disclosures(self) -> List[Result]:
        return [r for r in self.results if r.disclosure]

    def ordinary(self) -> List[Result]:
        return [r for r in self.results if not r.disclosure]

    def recall(self, layer: str = "both") -> float:
        found = [self._found(r, layer) for r in self.disclosures()]
        return sum(found) / len(found) if found else 1.0

    def false_alarm_rate(self, layer: str = "both") -> float:
        raised = [self._found(r, layer) for r in self.ordinary()]
        return sum(raised) / len(raised) if raised else 0.0

    def missed(self) -> List[str]:
        return [r.message for r in self.disclosures() if not r.flagged]

    def false_alarms(self) -> List[Tuple[str, str]]:
        return [(r.message, "+".join(n for n, on in (("words", r.by_words), ("meaning", r.by_meaning),
                                                      ("model", r.by_model)) if on))
                for r in self.ordinary() if r.flagged]

    def by_kind(self) -> Dict[str, Tuple[int, int]]:
        """kind -> (found, of)."""
        counts: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
        for result in self.disclosures():
            counts[kind_of(result.label)][0] += result.flagged
            counts[kind_of(result.label)][1] += 1
        return {kind: (found, total) for kind, (found, total) in sorted(counts.items())}

    def table(self) -> str:
        n_disclosures, n_ordinary = len(self.disclosures()), len(self.ordinary())
        lines = [f"| layer | recall ({n_disclosures} disclosures) | false alarms ({n_ordinary} ordinary answers) |",
                 "| --- | --- | --- |"]
        for layer, name in LAYERS:
            lines.append(f"| {name} | {self.recall(layer):.1%} | {self.false_alarm_rate(layer):.1%} |")
        kinds = self.by_kind()
        if len(kinds) > 1:
            lines += ["", "| kind of disclosure | found |", "| --- | --- |"]
            lines += [f"| {kind} | {found} of {total} |" for kind, (found, total) in kinds.items()]
        return "\n".join(lines)

    def summary(self) -> str:
        found, alarms = len(self.disclosures()) - len(self.missed()), len(self.false_alarms())
        return (f"Disclosures found: {found} of {len(self.disclosures())}. "
                f"False alarms: {alarms} of {len(self.ordinary())} ({self.false_alarm_rate():.1%})."
                + left_out_note(self.left_out))

    @staticmethod
    def _found(result: Result, layer: str) -> bool:
        return {"words": result.by_words, "meaning": result.by_meaning, "model": result.by_model,
                "both": result.flagged}[layer]


def evaluate(model_path: Path, messages_path: Path) -> Evaluation:
    lexicon = Lexicon.load()
    messages, left_out = held_out(messages_path)
    results = []
    for label, message, parse_data, meaning in parsed(model_path, messages):
        concern = find_concern(message, parse_data, lexicon, meaning)
        results.append(Result(message, label, bool(concern and concern.by_words),
                              bool(concern and concern.by_meaning), bool(concern and concern.by_intent)))
    return Evaluation(results, left_out)
