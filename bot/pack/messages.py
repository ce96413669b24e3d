"""Everything the bot says to a child, one message per wording, as the prompt lint checks it.

- domain.yml, `responses`: each variation of each response is a message. Its age band is its
  `age_band` condition (`default` for the wording with no condition), and it is a Help wording
  when its `rephrase` condition is true. Its buttons' words are kept with it.
- bot/web/wording.yml: every word of the sections the lint names (`chat`: the chat page a child
  reads), in every language. A word with one wording per age band is a message per band; a word
  with one wording for everyone is one message, read by every age (band `every_age`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

DOMAIN_FILE = "domain.yml"
WORDING_FILE = "bot/web/wording.yml"
DEFAULT_BAND = "default"
EVERY_AGE = "every_age"


@dataclass(frozen=True)
class Message:
    file: str
    name: str  # the response (utter_...), or the word's place in wording.yml (en.chat.trouble)
    order: int  # the wording's place among the response's, for sorting findings as the file has them
    band: str  # age_4_7, age_8_11, age_12_17, default or every_age
    help: bool  # a Help wording (rephrase: true)
    text: str
    buttons: Tuple[Dict[str, str], ...] = ()

    @property
    def button_titles(self) -> List[str]:
        return [str(b.get("title", "")) for b in self.buttons]

    @property
    def button_payloads(self) -> List[str]:
        return [str(b.get("payload", "")) for b in self.buttons]


def from_domain(domain: Dict[str, Any]) -> List[Message]:
    messages = []
    for name, variations in (domain.get("responses") or {}).items():
        for order, variation in enumerate(variations or []):
            condition = {c.get("name"): c.get("value") for c in variation.get("condition") or []}
            messages.append(Message(
                file=DOMAIN_FILE,
                name=name,
                order=order,
                band=condition.get("age_band", DEFAULT_BAND),
                help=condition.get("rephrase") is True,
                text=str(variation.get("text") or ""),
                buttons=tuple(variation.get("buttons") or ()),
            ))
    return messages


def from_wording(wording: Optional[Dict[str, Any]], sections: Iterable[str]) -> List[Message]:
    messages = []
    for language, parts in (wording or {}).items():
        for section in sections:
            for key, value in ((parts or {}).get(section) or {}).items():
                name = f"{language}.{section}.{key}"
                by_band = value.items() if isinstance(value, dict) else [(EVERY_AGE, value)]
                for order, (band, text) in enumerate(by_band):
                    messages.append(Message(WORDING_FILE, name, order, band, False, str(text)))
    return messages


def responses(domain: Dict[str, Any]) -> List[str]:
    return list(domain.get("responses") or {})
