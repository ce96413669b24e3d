"""Whether typed words raise a safeguarding concern: the trainers' word list (lexicon.py) or the
trained `disclosure` intent. Either one is enough; the NLU counts even when it is far from sure,
because a missed disclosure costs far more than a false alarm, but only for a message with one of
the word list's `model_context` words: the model is confidently wrong on text with nothing of harm
in it, and a false alarm also tells a child who said nothing worrying that they are not in trouble."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from bot.safeguarding.lexicon import Lexicon, Match

DISCLOSURE_INTENT = "disclosure"
CONCERN_ENTITY = "concern"  # what the channel adds to the message, so the dialogue responds
# The disclosure intent's confidence, anywhere in the NLU's ranking, at which it raises a concern.
MIN_INTENT_CONFIDENCE = 0.3


@dataclass(frozen=True)
class Concern:
    matches: Tuple[Match, ...]
    intent_confidence: float  # the disclosure intent's, 0.0 if it is not in the ranking

    @property
    def found_by(self) -> Dict[str, Any]:
        """What raised it, for the flag record (no child's words: only the trainers' phrases)."""
        return {
            "lexicon": [{"concern": m.concern, "phrase": m.phrase} for m in self.matches],
            "intent_confidence": round(self.intent_confidence, 3),
        }


def disclosure_confidence(parse_data: Dict[str, Any]) -> float:
    ranking: List[Dict[str, Any]] = list(parse_data.get("intent_ranking") or [])
    ranking.append(parse_data.get("intent") or {})
    return max((float(i.get("confidence") or 0.0) for i in ranking if i.get("name") == DISCLOSURE_INTENT), default=0.0)


def find_concern(text: str, parse_data: Dict[str, Any], lexicon: Lexicon) -> Optional[Concern]:
    """A concern if the words match the lexicon or the NLU leans towards a disclosure."""
    matches = tuple(lexicon.find(text))
    confidence = disclosure_confidence(parse_data) if lexicon.gives_context(text) else 0.0
    if matches or confidence >= MIN_INTENT_CONFIDENCE:
        return Concern(matches, confidence)
    return None
