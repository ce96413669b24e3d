"""`rasa data validate --fail-on-warnings`, made to mean it, and told what Rasa 3.6 does not know.

Rasa 3.6's validator prints unused intents and responses as warnings but never fails on them (its
`ignore_warnings` test is inverted: rasa issue #11843). Here every warning fails the validation,
except for responses that are used although no story names them:
1. a form asks each question with its utter_ask_<question> response;
2. code says a few: Rasa's fallback action says utter_default, the tablet channel and
   action_session_start say the session_* ones, the activity forms say those in
   bot.dialogue.capture.PAUSES (a break, or the practitioner told), and the read-back says what it heard
   and, when words raised a flag, that they are left out of it."""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import List, Set, Text

from rasa.shared.importers.importer import TrainingDataImporter
from rasa.validator import Validator

from bot.dialogue.capture import PAUSES
from bot.dialogue.read_back import FLAGGED_RESPONSE, HEARD_RESPONSE
from bot.safeguarding.lexicon import Lexicon, LexiconError

SAID_BY_CODE = {"utter_default", "utter_session_unknown", "utter_session_ended", HEARD_RESPONSE, FLAGGED_RESPONSE} | {
    response for response, _ in PAUSES.values()
}
# Printed on every run whatever the data: information, not a problem with it.
ALWAYS_PRINTED = ("Slot auto-fill has been removed",)


class PromptPackValidator(Validator):
    def _gather_utterance_actions(self) -> Set[Text]:
        asked_by_forms = {
            f"utter_ask_{slot}"
            for form in self.domain.form_names
            for slot in self.domain.required_slots_for_form(form)
        }
        return super()._gather_utterance_actions() - asked_by_forms - SAID_BY_CODE


def validate(root: Path) -> List[str]:
    """The problems found: empty when the training data and domain are valid."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        importer = TrainingDataImporter.load_from_config(
            config_path=str(root / "config.yml"),
            domain_path=str(root / "domain.yml"),
            training_data_paths=[str(root / "data")],
        )
        validator = PromptPackValidator.from_importer(importer)
        checks = [
            validator.verify_domain_validity(),
            validator.verify_actions_in_stories_rules(),
            validator.verify_forms_in_stories_rules(),
            validator.verify_form_slots(),
            validator.verify_slot_mappings(),
            validator.verify_nlu(ignore_warnings=False),
            validator.verify_story_structure(ignore_warnings=False),
        ]
        validator.warn_if_config_mandatory_keys_are_not_set()
    problems = [
        str(w.message)
        for w in caught
        if issubclass(w.category, UserWarning) and not str(w.message).startswith(ALWAYS_PRINTED)
    ]
    if not all(checks):
        problems.append("Rasa's validation failed: see the errors above.")
    try:
        Lexicon.load(root)
    except LexiconError as error:
        problems.append(str(error))
    return problems
