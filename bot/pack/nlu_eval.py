"""How typed words are taken, measured on messages kept apart from the training data.

Each message of a YAML file of labelled messages (tests/nlu/child_messages.yml by default; any file
with `python -m bot nlu-report --messages FILE`) is labelled with a control (stop, skip, help, ...)
or anything else (`answer`, `ordinary`, `disclosure_...`: an answer). It goes through the trained
model exactly as the tablet channel sends typed words, and what the bot then does is compared with
its label: the control acted on (`stop`, ...), an answer checked with the child for a control
(`confirm_stop`, ...: bot/dialogue/control_check.py), or an answer. A control counts as recognised when it is
acted on or checked for; an answer is swallowed when a control is acted on without a check. Words
that raise a safeguarding concern are an answer, whatever the NLU said, as in the channel."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

import yaml

from bot.channel.typed_controls import is_control
from bot.config import PROJECT_ROOT
from bot.dialogue.control_check import CONTROL_SLOT
from bot.meaning import classifier
from bot.meaning.classifier import Meaning
from bot.safeguarding.concern import find_concern
from bot.safeguarding.lexicon import Lexicon

ANSWER = "answer"
CONFIRM = "confirm_"  # the label taken for words checked with the child: confirm_<control>


@dataclass(frozen=True)
class Evaluation:
    results: List[Tuple[str, str, str]]  # (message, expected label, label taken)
    left_out: int = 0  # the file's messages that are also training examples: not measured

    def labels(self) -> List[str]:
        return sorted({self._label(expected) for _, expected, _ in self.results})

    @staticmethod
    def _label(label: str) -> str:
        return label if is_control(label) else ANSWER

    def scores(self) -> Dict[str, Dict[str, float]]:
        """Per label, precision and recall of what the bot went on to do (a check for the right
        control counts as that control)."""
        pairs = Counter((self._label(expected), taken.removeprefix(CONFIRM)) for _, expected, taken in self.results)
        scores = {}
        for label in self.labels():
            true = pairs[(label, label)]
            predicted = sum(n for (_, taken), n in pairs.items() if taken == label)
            actual = sum(n for (expected, _), n in pairs.items() if expected == label)
            scores[label] = {
                "precision": true / predicted if predicted else 1.0,
                "recall": true / actual if actual else 1.0,
                "support": actual,
            }
        return scores

    def answers_taken_as_controls(self) -> List[Tuple[str, str]]:
        """Answers acted on as a control without a check: the question moves on, or the bot waits."""
        return [(message, taken) for message, expected, taken in self.results
                if not is_control(expected) and is_control(taken)]

    def answers_checked(self) -> List[Tuple[str, str]]:
        """Answers checked with the child for a control: kept, at the cost of a tap."""
        return [(message, taken) for message, expected, taken in self.results
                if not is_control(expected) and taken.startswith(CONFIRM)]

    def controls(self) -> List[Tuple[str, str, str]]:
        return [(m, e, t) for m, e, t in self.results if is_control(e)]

    def controls_missed(self) -> List[Tuple[str, str, str]]:
        return [(m, e, t) for m, e, t in self.controls() if t not in (e, CONFIRM + e)]

    def control_recall(self) -> float:
        controls = self.controls()
        return (len(controls) - len(self.controls_missed())) / len(controls) if controls else 1.0

    def summary(self) -> str:
        controls, answers = self.controls(), len(self.results) - len(self.controls())
        acted = sum(t == e for _, e, t in controls)
        return (f"Controls right: {len(controls) - len(self.controls_missed())} of {len(controls)} "
                f"({self.control_recall():.1%}; {acted} acted on, the rest checked with the child). "
                f"Answers swallowed as a control: {len(self.answers_taken_as_controls())} of {answers}; "
                f"checked with the child: {len(self.answers_checked())}." + left_out_note(self.left_out))

    def table(self) -> str:
        lines = ["| label | precision | recall | messages |", "| --- | --- | --- | --- |"]
        for label, score in self.scores().items():
            lines.append(f"| {label} | {score['precision']:.2f} | {score['recall']:.2f} | {score['support']} |")
        lines.append("\n" + self.summary())
        return "\n".join(lines)


def load_messages(path: Path) -> Dict[str, List[str]]:
    """label -> messages. Raises ValueError unless the file is labels, each with a list of messages."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or not data or not all(isinstance(v, list) for v in data.values()):
        raise ValueError("the file must hold labels as keys, each with a list of messages")
    return {str(label): [str(m) for m in messages] for label, messages in data.items()}


def same_words(text: str) -> str:
    """Lower case, one space between words: how a message is compared with the training examples."""
    return " ".join(text.lower().split())


def training_examples(root: Path) -> Set[str]:
    """Every NLU training example in data/nlu/ as Rasa reads it (entity markup removed), as
    same_words() gives it: a held-out set must share none."""
    texts, _ = classifier.training_examples(root)
    return {same_words(text) for text in texts}


def held_out(messages_path: Path, root: Path = PROJECT_ROOT) -> Tuple[Dict[str, List[str]], int]:
    """The file's messages that are not training examples (a figure on words the bot was trained on
    says nothing of new words: a set written apart may still share a common phrase such as "stop"),
    and how many were left out."""
    training = training_examples(root)
    kept: Dict[str, List[str]] = {}
    left_out = 0
    for label, messages in load_messages(messages_path).items():
        kept[label] = [m for m in messages if same_words(m) not in training]
        left_out += len(messages) - len(kept[label])
    return {label: messages for label, messages in kept.items() if messages}, left_out


def left_out_note(left_out: int) -> str:
    return f" Left out: {left_out} of the file's messages, which are also training examples." if left_out else ""


@lru_cache(maxsize=2)
def _loaded(model_path: str):
    """Loading a model takes a while: the measurements share one (loaded as the Rasa server loads it)."""
    from rasa.core.agent import Agent

    from bot.channel import model_loading

    model_loading.install()
    return Agent.load(model_path)


def parsed(model_path: Path, messages: Dict[str, List[str]]) -> Iterator[Tuple[str, str, Dict[str, Any], Optional[Meaning]]]:
    """(label, message, what the NLU made of it, the meaning classifier's judgement) for each
    message, parsed exactly as the tablet channel parses typed words."""
    from bot.channel.tablet import parse_typed

    agent = _loaded(str(model_path))
    for label, messages in messages.items():
        for message, meaning in zip(messages, classifier.load().judge_all(list(messages))):
            yield label, message, parse_typed(agent, "evaluation", message, meaning), meaning


def evaluate(model_path: Path, messages_path: Path) -> Evaluation:
    lexicon = Lexicon.load()
    messages, left_out = held_out(messages_path)
    results = []
    for label, message, parse_data, meaning in parsed(model_path, messages):
        results.append((message, label, taken(message, parse_data, lexicon, meaning)))
    return Evaluation(results, left_out)


def taken(message: str, parse_data: Dict[str, Any], lexicon: Lexicon, meaning: Optional[Meaning]) -> str:
    """What the channel and dialogue do with the words: a control, a check for one, or an answer."""
    if find_concern(message, parse_data, lexicon, meaning) is not None:
        return ANSWER
    intent = parse_data["intent"]["name"]
    if is_control(intent):
        return intent
    to_check = [e["value"] for e in parse_data.get("entities") or [] if e.get("entity") == CONTROL_SLOT]
    return CONFIRM + to_check[0] if to_check else ANSWER
