"""The trainers' list of words and phrases that raise a safeguarding concern (safeguarding.yml),
matched against what a child typed. The file's header says how a phrase is written."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from bot.config import PROJECT_ROOT

LEXICON_FILE = "safeguarding.yml"
_APOSTROPHES = re.compile(r"['’‘`´]")
_NOT_A_WORD = re.compile(r"[^\w]+|_")
_REPEATS = re.compile(r"(\w)\1+")
_TOKEN = re.compile(r"\(|\)|\||\.\.\.|[^\s()|]+")
# None of these can backtrack: each repeat is of one character (class) only, never nested.
_PHRASE_CHARS = re.compile(r"[\w\s()|.*]+")  # fullmatch: "$" would let a final line break through
# "..." in a phrase: up to three other words. A bounded repeat (at most 3) around \w+: the star
# height stays 1, so a phrase pattern can be slow only polynomially, on text capped at 20,000 chars.
GAP = r"(?: \w+){0,3}"


class LexiconError(ValueError):
    """safeguarding.yml cannot be used; the message says where and why."""


def normalise(text: str) -> str:
    """Lower case, no apostrophes or punctuation, one space between words, and each run of a
    repeated letter made one ("Dont  TELL!!" -> "dont tel", "hurtsss" -> "hurts")."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _APOSTROPHES.sub("", text)
    text = _NOT_A_WORD.sub(" ", text)
    return _REPEATS.sub(r"\1", " ".join(text.split()))


def phrase_pattern(phrase: str) -> str:
    """A phrase of the lexicon as a regular expression over normalised text."""
    if not _PHRASE_CHARS.fullmatch(phrase):
        raise LexiconError(f"{phrase!r}: a phrase may hold only words, spaces, ( ) | ... and *")
    parts: List[str] = []
    depth, after_item, gap = 0, False, False
    tokens = _TOKEN.findall(phrase)
    for before, token in zip(["("] + tokens, tokens):
        if (token == "|" and before in ("(", "|")) or (token == ")" and before in ("|", "(")):
            # "(me|)" would need two spaces where the empty choice is taken: "... (me) ..." says it
            raise LexiconError(f"{phrase!r}: a choice is empty; use ... for words that may or may not be there")
        if token in ("|", ")", "..."):
            if token == "...":
                gap = True
                continue
            depth -= token == ")"
            if depth < 0:
                raise LexiconError(f"{phrase!r}: a ')' has no '(' before it")
            parts.append(token)
            after_item = token == ")"
            continue
        if after_item:  # words follow one another with one space, or "..." between them
            parts.append(GAP + " " if gap else " ")
        gap = False
        if token == "(":
            depth += 1
            parts.append("(?:")
            after_item = False
            continue
        word, wildcard = token.rstrip("*"), token.endswith("*")
        if "*" in word or not normalise(word):
            raise LexiconError(f"{phrase!r}: {token!r} is not a word (a * may end a word only)")
        parts.append(re.escape(normalise(word)) + (r"\w*" if wildcard else ""))
        after_item = True
    if depth:
        raise LexiconError(f"{phrase!r}: a '(' is not closed")
    pattern = "".join(parts)
    return r"(?<!\w)(?:" + pattern + r")(?!\w)"


@dataclass(frozen=True)
class Match:
    concern: str  # the key of the concern in safeguarding.yml, e.g. "self_harm"
    phrase: str  # the trainer's phrase that matched
    words: str  # the words it matched, as normalised


@dataclass(frozen=True)
class Lexicon:
    patterns: Tuple[Tuple[str, str, "re.Pattern[str]"], ...]  # (concern, phrase, compiled)
    labels: Dict[str, str]
    emoji: Dict[str, str]  # an emoji: the word it is read as
    context: Tuple["re.Pattern[str]", ...] = ()  # words without which the trained model does not count
    # a concern's `unless` phrases: when one matches, that concern's phrases are not looked for
    unless: Dict[str, Tuple["re.Pattern[str]", ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path = PROJECT_ROOT) -> "Lexicon":
        path = root / LEXICON_FILE
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise LexiconError(f"{path}: {error}") from error
        unless: Dict[str, Tuple["re.Pattern[str]", ...]] = {}
        concerns = (data or {}).get("concerns")
        if not isinstance(concerns, dict) or not concerns:
            raise LexiconError(f"{path}: needs `concerns:`, each with a label and phrases")
        emoji = (data or {}).get("emoji") or {}
        if not isinstance(emoji, dict) or not all(isinstance(w, str) and normalise(w) for w in emoji.values()):
            raise LexiconError(f"{path}: `emoji:` maps each emoji to a word, e.g. \"👊\": punch")
        patterns, labels = [], {}
        for key, concern in concerns.items():
            if not isinstance(concern, dict) or not concern.get("label") or not concern.get("phrases"):
                raise LexiconError(f"{path}: concern {key!r} needs a `label` and a list of `phrases`")
            labels[key] = str(concern["label"])
            patterns += [(key, phrase, pattern) for phrase, pattern in _compiled(concern["phrases"], path, f"concern {key!r}")]
            if concern.get("unless"):
                unless[key] = tuple(pattern for _, pattern in _compiled(concern["unless"], path, f"{key!r} unless"))
        context = [pattern for _, pattern in _compiled((data or {}).get("model_context") or [], path, "model_context")]
        return cls(tuple(patterns), labels, {str(k): f" {v} " for k, v in emoji.items()}, tuple(context), unless)

    def find(self, text: str) -> List[Match]:
        """Every phrase the text matches (an empty list: none)."""
        normal = self._normal(text)
        found = []
        ruled_out = {concern for concern, patterns in self.unless.items() if any(p.search(normal) for p in patterns)}
        for concern, phrase, pattern in self.patterns:
            if concern in ruled_out:
                continue
            hit = pattern.search(normal)
            if hit:
                found.append(Match(concern, phrase, hit.group(0)))
        return found

    def gives_context(self, text: str) -> bool:
        """Whether the message has a word that lets the trained model's judgement count."""
        normal = self._normal(text)
        return any(pattern.search(normal) for pattern in self.context)

    def _normal(self, text: str) -> str:
        for symbol, word in self.emoji.items():
            text = text.replace(symbol, word)
        return normalise(text)

    def first(self, text: str) -> Optional[Match]:
        found = self.find(text)
        return found[0] if found else None


def _compiled(lines, path: Path, where: str) -> List[Tuple[str, "re.Pattern[str]"]]:
    """Each phrase of a list of lines, with its pattern; LexiconError names where a phrase is wrong."""
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        # a bare string would be read one letter at a time, each letter a phrase of its own
        raise LexiconError(f"{path}, {where}: write a list, one line of phrases after each \"- \"")
    compiled = []
    for line in lines:
        for phrase in _phrases(str(line)):
            try:
                compiled.append((phrase, re.compile(phrase_pattern(phrase))))
            except (LexiconError, re.error) as error:
                raise LexiconError(f"{path}, {where}: {error}") from error
    return compiled


def _phrases(line: str) -> List[str]:
    """A line's phrases: split at the "|" that stand outside brackets."""
    phrases, depth, current = [], 0, ""
    for char in line:
        depth += char == "("
        depth -= char == ")"
        if char == "|" and depth == 0:
            phrases.append(current.strip())
            current = ""
        else:
            current += char
    phrases.append(current.strip())
    return [p for p in phrases if p]
