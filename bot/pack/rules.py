"""prompt_lint.yml, read and checked: the prompt lint's rules, as trainers write them.

A rule names the kind of check it makes (bot/pack/checks.py knows each kind and what it needs),
where it looks (`applies_to`: `all`, or age bands and `help`; `responses` and `except` to narrow
it to some responses), whether it reads the buttons too, its words and phrases, and the two
sentences a finding prints: what is wrong, and how to fix it. A mistake in the file (a kind of
check that does not exist, a key misspelt, a band that is not one) stops the lint with a message
that names the rule, rather than letting a rule silently check nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

from bot.pack import text
from bot.pack.checks import KINDS
from bot.pack.messages import DEFAULT_BAND, EVERY_AGE, Message

RULES_FILE = "prompt_lint.yml"
ALL = "all"
HELP = "help"
COMMON_KEYS = {"name", "check", "applies_to", "responses", "except", "buttons", "wrong", "fix"}
TOP_KEYS = {"age_bands", "places", "wording_sections", "rules"}
PLACES = {DEFAULT_BAND, EVERY_AGE, HELP, "button"}


class LintConfigError(ValueError):
    """prompt_lint.yml cannot be used as it is; the message says where and why."""


@dataclass(frozen=True)
class Rule:
    name: str
    check: str
    wrong: str
    fix: str
    applies_to: Tuple[str, ...] = (ALL,)
    responses: Tuple[str, ...] = ()
    excepted: Tuple[str, ...] = ()
    buttons: bool = False
    # what the kind of check needs; phrases and words normalised as text.normalise makes a message
    phrases: Tuple[str, ...] = ()
    endings: Tuple[str, ...] = ()
    allowed: Tuple[str, ...] = ()
    words: Tuple[str, ...] = ()
    open_starts: Tuple[str, ...] = ()
    max_words: Mapping[str, int] = field(default_factory=dict)
    most: int = 1
    payloads: Tuple[str, ...] = ()
    choice_payload: str = ""

    def applies(self, message: Message, age_bands: Sequence[str]) -> bool:
        if self.responses and not any(_names(pattern, message.name) for pattern in self.responses):
            return False
        if any(_names(pattern, message.name) for pattern in self.excepted):
            return False
        if ALL in self.applies_to or message.band in self.applies_to:
            return True
        if message.help and HELP in self.applies_to:
            return True
        # a chat-page word with one wording for everyone is read by every age band
        return message.band == EVERY_AGE and any(band in self.applies_to for band in age_bands)

    def longest(self, message: Message, age_bands: Sequence[str]) -> Optional[int]:
        """The most words a sentence of this message may have: its band's, or for a chat-page word
        every age reads, the strictest band's."""
        if message.band == EVERY_AGE:
            limits = [self.max_words[band] for band in age_bands if band in self.max_words]
            return min(limits) if limits else None
        return self.max_words.get(message.band)

    def named_responses(self) -> List[str]:
        """The responses this rule names exactly (not by a trailing *)."""
        return [name for name in self.responses + self.excepted if not name.endswith("*")]


@dataclass(frozen=True)
class Rules:
    age_bands: Mapping[str, str]  # age_4_7: how a finding names it ("age 4-7")
    places: Mapping[str, str]  # default, every_age, help, button: how a finding names them
    wording_sections: Tuple[str, ...]
    rules: Tuple[Rule, ...]

    @classmethod
    def load(cls, path: Path) -> "Rules":
        with path.open(encoding="utf-8") as handle:
            return cls.from_dict(yaml.safe_load(handle))

    @classmethod
    def from_dict(cls, data: Any) -> "Rules":
        if not isinstance(data, dict):
            raise LintConfigError(f"{RULES_FILE}: expected names and values at the top")
        unknown = [key for key in data if key not in TOP_KEYS and not str(key).startswith("x-")]
        if unknown:
            raise LintConfigError(f"{RULES_FILE}: unknown section(s) {', '.join(map(str, unknown))} "
                                  f"(the sections are {', '.join(sorted(TOP_KEYS))}; lists kept for "
                                  "reuse go under a name starting with x-)")
        age_bands = _mapping(data, "age_bands")
        places = _mapping(data, "places")
        missing = PLACES - set(places)
        if missing:
            raise LintConfigError(f"{RULES_FILE}: places needs {', '.join(sorted(missing))}")
        rules = tuple(_rule(entry, i, set(age_bands)) for i, entry in enumerate(data.get("rules") or []))
        names = [rule.name for rule in rules]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise LintConfigError(f"{RULES_FILE}: two rules are called {', '.join(twice)}")
        sections = tuple(str(s) for s in data.get("wording_sections") or ())
        return cls(age_bands, places, sections, rules)


def _names(pattern: str, name: str) -> bool:
    return name.startswith(pattern[:-1]) if pattern.endswith("*") else name == pattern


def _mapping(data: Dict[str, Any], key: str) -> Dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        raise LintConfigError(f"{RULES_FILE}: {key} must list names and their wording")
    return {str(k): str(v) for k, v in value.items()}


def _rule(entry: Any, index: int, age_bands: set) -> Rule:
    if not isinstance(entry, dict) or "name" not in entry:
        raise LintConfigError(f"{RULES_FILE}: rule number {index + 1} needs a name")
    where = f"{RULES_FILE}: rule {entry['name']}"
    kind = entry.get("check")
    if kind not in KINDS:
        raise LintConfigError(f"{where}: check must be one of {', '.join(sorted(KINDS))}, not {kind!r}")
    _, needed, optional = KINDS[kind]
    missing = sorted((needed | {"wrong", "fix"}) - set(entry))
    if missing:
        raise LintConfigError(f"{where}: a {kind} check needs {', '.join(missing)}")
    unknown = sorted(set(entry) - COMMON_KEYS - needed - optional)
    if unknown:
        raise LintConfigError(f"{where}: {', '.join(unknown)} means nothing to a {kind} check "
                              f"(it reads {', '.join(sorted(COMMON_KEYS | needed | optional))})")
    applies_to = _strings(entry.get("applies_to", ALL), where, "applies_to")
    unknown_places = [p for p in applies_to if p not in age_bands | {ALL, HELP, DEFAULT_BAND}]
    if unknown_places:
        raise LintConfigError(f"{where}: applies_to can name all, help, default and the age bands "
                              f"({', '.join(sorted(age_bands))}), not {', '.join(unknown_places)}")
    max_words = entry.get("max_words") or {}
    if not isinstance(max_words, dict) or not all(isinstance(v, int) and v > 0 for v in max_words.values()):
        raise LintConfigError(f"{where}: max_words gives a number of words for each age band")
    most = entry.get("most", 1)
    if not isinstance(most, int) or most < 0:
        raise LintConfigError(f"{where}: most is a number")
    return Rule(
        name=str(entry["name"]),
        check=kind,
        wrong=str(entry["wrong"]),
        fix=str(entry["fix"]),
        applies_to=applies_to,
        responses=_strings(entry.get("responses", ()), where, "responses"),
        excepted=_strings(entry.get("except", ()), where, "except"),
        buttons=entry.get("buttons") is True,
        phrases=_phrases(entry.get("phrases", ()), where, "phrases"),
        endings=_phrases(entry.get("endings", ()), where, "endings"),
        allowed=_phrases(entry.get("allowed", ()), where, "allowed"),
        words=_phrases(entry.get("words", ()), where, "words"),
        open_starts=_phrases(entry.get("open_starts", ()), where, "open_starts"),
        max_words={str(k): v for k, v in max_words.items()},
        most=most,
        payloads=_strings(entry.get("payloads", ()), where, "payloads"),
        choice_payload=str(entry.get("choice_payload", "")),
    )


def _strings(value: Any, where: str, key: str) -> Tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, (str, int, float)) for v in values):
        raise LintConfigError(f"{where}: {key} must be a list of words or phrases")
    return tuple(str(v) for v in values)


def _phrases(value: Any, where: str, key: str) -> Tuple[str, ...]:
    phrases = tuple(text.normalise(v) for v in _strings(value, where, key))
    if not all(phrases) and key != "endings":
        raise LintConfigError(f"{where}: {key} holds an empty phrase")
    return phrases

