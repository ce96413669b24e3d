"""`rasa data validate --fail-on-warnings`, told two things Rasa 3.6's validator does not know.

1. A form asks each question with its utter_ask_<question> response, so those are used although
   no story names them (Rasa's validator counts only responses named in stories and rules).
2. A few responses are said by code, not by stories: Rasa's fallback action says utter_default,
   and the tablet channel and action_session_start say the session_* ones.
Everything else is exactly Rasa's validation, and any warning fails it."""
from __future__ import annotations

from pathlib import Path
from typing import Set, Text

from rasa.shared.importers.importer import TrainingDataImporter
from rasa.validator import Validator

SAID_BY_CODE = {"utter_default", "utter_session_unknown", "utter_session_ended"}


class PromptPackValidator(Validator):
    def _gather_utterance_actions(self) -> Set[Text]:
        asked_by_forms = {
            f"utter_ask_{slot}"
            for form in self.domain.form_names
            for slot in self.domain.required_slots_for_form(form)
        }
        return super()._gather_utterance_actions() - asked_by_forms - SAID_BY_CODE


def validate(root: Path) -> bool:
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
    return all(checks)
