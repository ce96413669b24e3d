"""The prompts' wording as domain.yml holds it now, not as it was when the model was trained
(endpoints.yml: `nlg: type: bot.channel.live_wording.LiveWording`).

A trainer who changes what a prompt says, and nothing else, sees the new wording on the next
message a session gets, with no retraining and no restart: the model never needed the words, only
the responses' names (the model's fingerprint leaves the wording out: bot/pack/model.py). The file
is read when Rasa loads a model (which hands over the model's responses: rasa/core/agent.py,
`load_model`), and again when it changes, looked at at most once a second when a response is
rendered, off the event loop, with Rasa's own domain loader. New wording is said only if it
passes the prompt lint, as `make validate` would check it (bot/pack/lint.py): a file that does not
load, or wording the lint finds fault with, changes nothing, the wording before it goes on being
said, and the log says why. A response the file no longer has keeps its trained wording.

Adding or renaming a response, an intent, a slot or a form is not a change of wording: the model's
fingerprint changes and `make model` retrains. Every answer is stored with the exact prompt shown,
so a record stays exact across a change made during a session."""
from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import yaml
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import PROJECT_ROOT

logger = logging.getLogger(__name__)
LOOK_EVERY_SECONDS = 1.0
WORDING_FILE = PROJECT_ROOT / "domain.yml"
Responses = Dict[Text, List[Dict[Text, Any]]]
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's: ten times quicker, same result


class LiveWording(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: Any = None, domain: Optional[Domain] = None,
                 source: Optional[Path] = None, **kwargs: Any) -> None:
        self._source = source or WORDING_FILE
        self._seen: Optional[Tuple[int, int]] = None
        self._looked = float("-inf")
        self._trained: Responses = {}
        self._live: Responses = {}
        super().__init__(domain.responses if domain else {})

    @property
    def responses(self) -> Responses:
        return self._live

    @responses.setter
    def responses(self, trained: Responses) -> None:
        """What Rasa hands over when it loads a model: the responses the model was trained with.
        Their wording as the file holds it now is read at once, so a server started after a change
        of wording says the new wording from its first message."""
        self._trained, self._live = dict(trained), dict(trained)
        if trained:
            self._seen, self._looked = self._stamp(), time.monotonic()
            self.read()

    async def generate(self, utter_action: Text, tracker: DialogueStateTracker, output_channel: Text,
                       **kwargs: Any) -> Optional[Dict[Text, Any]]:
        if self.changed():
            await asyncio.to_thread(self.read)  # a large file, and the lint: off the event loop
        return await super().generate(utter_action, tracker, output_channel, **kwargs)

    def changed(self) -> bool:
        """Whether the file changed since it was last read (looked at once a second); the first
        to ask is the one that reads it."""
        now = time.monotonic()
        if now - self._looked < LOOK_EVERY_SECONDS:
            return False
        self._looked, stamp = now, self._stamp()
        if stamp == self._seen:
            return False
        self._seen = stamp
        return True

    def read(self) -> None:
        from bot.pack.lint import lint_domain

        try:
            text = self._source.read_text(encoding="utf-8")
            responses = Domain.from_yaml(text, str(self._source)).responses
            findings = lint_domain(yaml.load(text, Loader=_SAFE_LOADER), PROJECT_ROOT)
        except Exception as error:  # any mistake in the file: keep saying what was said before
            logger.error("the wording in %s did not load, so the wording before it is kept: %s", self._source, error)
            return
        if findings:
            logger.error("the wording in %s has %d findings of the prompt lint (`make validate` lists them), "
                         "so the wording before it is kept; the first: %s", self._source, len(findings), findings[0].line)
            return
        self._live = {**self._trained, **responses}
        logger.info("wording read from %s", self._source)

    def _stamp(self) -> Optional[Tuple[int, int]]:
        try:
            status = self._source.stat()
        except OSError:
            return None
        return status.st_mtime_ns, status.st_size
