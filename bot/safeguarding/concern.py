"""Whether typed words raise a safeguarding concern: the trainers' word list (lexicon.py), the
meaning classifier (bot/meaning/, which judges by meaning, not words) or the trained `disclosure` intent.
Any one is enough. The intent counts even when it is far from sure, because a missed disclosure
costs far more than a false alarm, but only for a message with one of the word list's
`model_context` words that the meaning classifier also leans towards a disclosure: on its own the
intent is confidently wrong on ordinary answers with a word of harm in them ("I fell off my bike and
cut my knee", "we practise punching the pads"), and a false alarm also tells a child who said nothing
worrying that they are not in trouble."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from bot.safeguarding.lexicon import Lexicon, Match

if TYPE_CHECKING:
    from bot.meaning.classifier import Meaning

DISCLOSURE_INTENT = "disclosure"
CONCERN_ENTITY = "concern"  # what the channel adds to the message, so the dialogue responds
# The disclosure intent's confidence, anywhere in the NLU's ranking, at which it raises a concern.
MIN_INTENT_CONFIDENCE = 0.3
# The meaning classifier's probability of a disclosure at which it raises a concern on its own, and
# at which it lets the intent's count. Chosen on the tuning sets: lower finds more, but tells more
# children who said nothing worrying that they are not in trouble (README, "How disclosures are
# found"). Raised from 0.995 and 0.5 when 360 more disclosures were added to the training data:
# at these the two model layers found 358 of the tuning set's 508 rather than 347, with false alarms
# at 1.9% rather than 1.8%. Lowered to 0.998 after 770 more (2026-11-30): on the three tuning sets the
# classifier alone found 333, 128 and 114 disclosures rather than 303, 121 and 106, with one false
# alarm more on two of them; 0.995 would have found more, at four or five more false alarms.
MIN_MEANING_PROBABILITY = 0.998
MIN_MEANING_FOR_INTENT = 0.9


@dataclass(frozen=True)
class Concern:
    matches: Tuple[Match, ...]
    intent_confidence: float  # the disclosure intent's, 0.0 if it is not in the ranking
    meaning_probability: Optional[float] = None  # the meaning classifier's, of a disclosure

    @property
    def found_by(self) -> Dict[str, Any]:
        """What raised it, for the flag record (no child's words: only the trainers' phrases)."""
        return {
            "lexicon": [{"concern": m.concern, "phrase": m.phrase} for m in self.matches],
            "intent_confidence": round(self.intent_confidence, 3),
            "meaning_probability": None if self.meaning_probability is None else round(self.meaning_probability, 3),
        }

    @property
    def by_words(self) -> bool:
        return bool(self.matches)

    @property
    def by_meaning(self) -> bool:
        return self.meaning_probability is not None and self.meaning_probability >= MIN_MEANING_PROBABILITY

    @property
    def by_intent(self) -> bool:
        return self.intent_confidence >= MIN_INTENT_CONFIDENCE and (
            self.meaning_probability is None or self.meaning_probability >= MIN_MEANING_FOR_INTENT)


def disclosure_confidence(parse_data: Dict[str, Any]) -> float:
    ranking: List[Dict[str, Any]] = list(parse_data.get("intent_ranking") or [])
    ranking.append(parse_data.get("intent") or {})
    return max((float(i.get("confidence") or 0.0) for i in ranking if i.get("name") == DISCLOSURE_INTENT), default=0.0)


def find_concern(text: str, parse_data: Dict[str, Any], lexicon: Lexicon,
                 meaning: "Optional[Meaning]") -> Optional[Concern]:
    """A concern if the words match the lexicon, the meaning classifier judges them a disclosure or
    the NLU and the meaning classifier both lean towards one. `meaning` None or not understood (words
    the sentence model mostly does not know): the word list and the intent alone."""
    matches = tuple(lexicon.find(text))
    confidence = disclosure_confidence(parse_data) if lexicon.gives_context(text) else 0.0
    probability = meaning.disclosure if meaning is not None and meaning.understood else None
    concern = Concern(matches, confidence, probability)
    return concern if concern.by_words or concern.by_meaning or concern.by_intent else None
