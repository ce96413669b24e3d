"""Whether typed words raise a safeguarding concern: the trainers' word list (lexicon.py), the
concern classifier (classifier.py, which judges by meaning) or the trained `disclosure` intent.
Any one is enough. The intent counts even when it is far from sure, because a missed disclosure
costs far more than a false alarm, but only for a message with one of the word list's
`model_context` words: the model is confidently wrong on text with nothing of harm in it, and a
false alarm also tells a child who said nothing worrying that they are not in trouble."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from bot.safeguarding.lexicon import Lexicon, Match

if TYPE_CHECKING:
    from bot.safeguarding.classifier import ConcernClassifier

DISCLOSURE_INTENT = "disclosure"
CONCERN_ENTITY = "concern"  # what the channel adds to the message, so the dialogue responds
# The disclosure intent's confidence, anywhere in the NLU's ranking, at which it raises a concern.
MIN_INTENT_CONFIDENCE = 0.3


@dataclass(frozen=True)
class Concern:
    matches: Tuple[Match, ...]
    intent_confidence: float  # the disclosure intent's, 0.0 if it is not in the ranking
    classifier_score: float = 0.0  # the concern classifier's, 0 to 1

    @property
    def found_by(self) -> Dict[str, Any]:
        """What raised it, for the flag record (no child's words: only the trainers' phrases)."""
        return {
            "lexicon": [{"concern": m.concern, "phrase": m.phrase} for m in self.matches],
            "intent_confidence": round(self.intent_confidence, 3),
            "classifier_score": round(self.classifier_score, 3),
        }

    @property
    def by_words(self) -> bool:
        return bool(self.matches)

    @property
    def by_classifier(self) -> bool:
        from bot.safeguarding.classifier import THRESHOLD

        return self.classifier_score >= THRESHOLD

    @property
    def by_intent(self) -> bool:
        return self.intent_confidence >= MIN_INTENT_CONFIDENCE


def disclosure_confidence(parse_data: Dict[str, Any]) -> float:
    ranking: List[Dict[str, Any]] = list(parse_data.get("intent_ranking") or [])
    ranking.append(parse_data.get("intent") or {})
    return max((float(i.get("confidence") or 0.0) for i in ranking if i.get("name") == DISCLOSURE_INTENT), default=0.0)


def find_concern(text: str, parse_data: Dict[str, Any], lexicon: Lexicon,
                 classifier: "Optional[ConcernClassifier]") -> Optional[Concern]:
    """A concern if the words match the lexicon, the classifier judges them a disclosure or the
    NLU leans towards one. `classifier` None: the word list and the intent alone (a report's
    comparison; the channel always passes one)."""
    matches = tuple(lexicon.find(text))
    confidence = disclosure_confidence(parse_data) if lexicon.gives_context(text) else 0.0
    concern = Concern(matches, confidence, classifier.score(text) if classifier is not None else 0.0)
    return concern if concern.by_words or concern.by_classifier or concern.by_intent else None
