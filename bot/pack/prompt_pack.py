"""The prompt pack: the trainer-editable YAML that decides what a child is asked.

It is activities.yml (titles, default order), domain.yml (the wording) and data/ (the flow). Its
version is a hash of their content, stored with every session, so a court can see exactly which
wording a child was shown.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional

import yaml

from bot.config import PROJECT_ROOT
from bot.dialogue.flow import CLOSING


class PromptPackError(ValueError):
    """The prompt pack's YAML is missing something; the message names the file and the fix."""


@dataclass(frozen=True)
class Activity:
    key: str
    title: str
    set_apart: bool = False
    # a question -> the open questions that follow it (left out if the child chose nothing)
    follow_ups: Dict[str, List[str]] = field(default_factory=dict)
    # questions asked again and again until the child taps "That's all"
    until_done: List[str] = field(default_factory=list)
    # a choice question whose value names the part (a list of questions) to ask first
    order_chosen_by: Optional[str] = None
    parts: Dict[str, List[str]] = field(default_factory=dict)
    # choices after which the follow-ups are not asked either ("That's right", "I have one home")
    no_follow_up_choices: List[str] = field(default_factory=list)
    # the button the child taps to choose this activity next; only activities with one are offered
    button: Optional[str] = None
    # how the bot names the activity to the child ("the three houses")
    name_for_child: Optional[str] = None
    # asked once for each activity the child has said something in (the read-back)
    for_each_activity: bool = False
    # false for activities that are not the child's words about their life (choosing what's next)
    read_back: bool = True
    # false for activities the bot runs by itself, outside a session's plan
    in_plan: bool = True
    # can be exported on a page of its own (the child's message to the judge)
    own_page: bool = False
    # asked only once the child has said something (sharing); left out if they have said nothing
    only_after_words: bool = False
    # a question -> the slot the practitioner fills at the start; the question is left out without it
    only_with: Dict[str, str] = field(default_factory=dict)
    # questions a child may answer with a drawing (the chat page offers Draw; bot/dialogue/drawing.py)
    drawing: List[str] = field(default_factory=list)

    @property
    def form(self) -> str:
        return f"{self.key}_form"

    @property
    def after_words(self) -> bool:
        """Left out of a session in which the child has said nothing yet to go over."""
        return self.for_each_activity or self.only_after_words


@dataclass(frozen=True)
class PromptPack:
    root: Path
    activities: Dict[str, Activity]
    default_plan: List[str]
    languages: List[str]
    # how each of the child's answers is shown when read back: {words} is the answer, exactly
    read_back_line: str = "{words}"

    @classmethod
    def load(cls, root: Path = PROJECT_ROOT) -> "PromptPack":
        catalogue = _read_yaml(root / "activities.yml")
        domain = _read_yaml(root / "domain.yml")
        activities = {
            key: Activity(
                key,
                str(spec["title"]),
                bool(spec.get("set_apart", False)),
                {question: list(after) for question, after in (spec.get("follow_ups") or {}).items()},
                list(spec.get("until_done") or []),
                spec.get("order_chosen_by"),
                {part: list(questions) for part, questions in (spec.get("parts") or {}).items()},
                [str(choice) for choice in spec.get("no_follow_up_choices") or []],
                spec.get("button"),
                spec.get("name_for_child"),
                bool(spec.get("for_each_activity", False)),
                bool(spec.get("read_back", True)),
                bool(spec.get("in_plan", True)),
                bool(spec.get("own_page", False)),
                bool(spec.get("only_after_words", False)),
                {str(question): str(slot) for question, slot in (spec.get("only_with") or {}).items()},
                [str(question) for question in spec.get("drawing") or []],
            )
            for key, spec in (catalogue.get("activities") or {}).items()
        }
        plan = list(catalogue.get("default_plan") or [])
        unknown = [key for key in plan if key not in activities or key == CLOSING or not activities[key].in_plan]
        if unknown:
            raise PromptPackError(f"activities.yml: default_plan names unknown activities {unknown}")
        if CLOSING not in activities:
            raise PromptPackError(f"activities.yml: the `{CLOSING}` activity is missing")
        forms = domain.get("forms") or {}
        for key, activity in activities.items():
            asked = (forms.get(activity.form) or {}).get("required_slots") or []
            strangers = [question for question in activity.drawing if question not in asked]
            if strangers:
                raise PromptPackError(f"activities.yml: {key}: drawing names {strangers}, which are not questions of "
                                      f"{activity.form} in domain.yml")
        languages = list(domain.get("slots", {}).get("language", {}).get("values", []))
        return cls(root, activities, plan, languages, str(catalogue.get("read_back_line") or "{words}"))

    @property
    def plannable(self) -> List[str]:
        """The activities a session's plan may hold: all but the closing, which always ends it, and
        those the bot runs by itself."""
        return [key for key, activity in self.activities.items() if key != CLOSING and activity.in_plan]

    @property
    def choosable(self) -> List[str]:
        """The activities a child may choose to do next (those with a button)."""
        return [key for key, activity in self.activities.items() if activity.button and activity.in_plan]

    def read_back_candidates(self) -> List[str]:
        """The activities whose answers a read-back or sharing activity goes over."""
        return [
            key
            for key, activity in self.activities.items()
            if activity.read_back and not activity.for_each_activity and key != CLOSING
        ]

    def drawing_asks(self) -> FrozenSet[str]:
        """The responses that ask a question a child may answer with a drawing (either name Rasa
        gives a form's question: utter_ask_<form>_<question> or utter_ask_<question>)."""
        return frozenset(name for activity in self.activities.values() for question in activity.drawing
                         for name in (f"utter_ask_{question}", f"utter_ask_{activity.form}_{question}"))

    @property
    def own_pages(self) -> List[str]:
        return [key for key, activity in self.activities.items() if activity.own_page]

    def title(self, activity_key: str) -> str:
        activity = self.activities.get(activity_key)
        return activity.title if activity else activity_key

    def activity_of_form(self, form_name: str) -> str:
        return form_name[: -len("_form")] if form_name.endswith("_form") else form_name

    def version(self) -> str:
        return content_hash(self.root, prompt_files(self.root))[:16]


def prompt_files(root: Path) -> List[Path]:
    """What a child is shown and how the conversation runs: the prompt pack's files."""
    return [root / "activities.yml", root / "domain.yml", *sorted((root / "data").rglob("*.yml"))]


def content_hash(root: Path, files: Iterable[Path], extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode("utf-8"))
    for path in files:
        digest.update(str(path.relative_to(root)).encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _read_yaml(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle) or {}
    except FileNotFoundError:
        raise PromptPackError(f"{path.name} is missing") from None
    except yaml.YAMLError as error:
        raise PromptPackError(f"{path.name} is not valid YAML: {error}") from None
