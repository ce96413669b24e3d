"""The prompts' wording as domain.yml holds it now, not as it was when the model was trained
(endpoints.yml: `nlg: type: bot.channel.live_wording.LiveWording`).

A trainer who changes what a prompt says, and nothing else, sees the new wording on the next
message a session gets, with no retraining and no restart: the model never needed the words, only
the responses' names (the model's fingerprint leaves the wording out: bot/pack/model.py). The file
is looked at, at most once a second, when a response is rendered; when it has changed it is read
with Rasa's own domain loader. A file that does not load (a YAML mistake half-way through an
edit) changes nothing: the wording before it goes on being said, and the log says why. A response
the file no longer has keeps the wording it was trained with until the model is retrained.

Adding or renaming a response, an intent, a slot or a form is not a change of wording: the model's
fingerprint changes and `make model` retrains. Every answer is stored with the exact prompt shown,
so a record stays exact across a change made during a session."""
from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.config import PROJECT_ROOT

logger = logging.getLogger(__name__)
LOOK_EVERY_SECONDS = 1.0
Responses = Dict[Text, List[Dict[Text, Any]]]


class LiveWording(TemplatedNaturalLanguageGenerator):
    def __init__(self, endpoint_config: Any = None, domain: Optional[Domain] = None,
                 source: Path = PROJECT_ROOT / "domain.yml", **kwargs: Any) -> None:
        self._trained: Responses = dict(domain.responses) if domain else {}
        super().__init__(dict(self._trained))
        self._source = source
        self._seen, self._looked = self._stamp(), time.monotonic()

    async def generate(self, utter_action: Text, tracker: DialogueStateTracker, output_channel: Text,
                       **kwargs: Any) -> Optional[Dict[Text, Any]]:
        if self.changed():
            await asyncio.to_thread(self.read)  # a large file: read off the event loop
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
        try:
            responses = Domain.load(str(self._source)).responses
        except Exception as error:  # any mistake in the file: keep saying what was said before
            logger.error("the wording in %s did not load, so the wording before it is kept: %s", self._source, error)
            return
        self.responses = {**self._trained, **responses}
        logger.info("wording read again from %s", self._source)

    def _stamp(self) -> Optional[Tuple[int, int]]:
        try:
            status = self._source.stat()
        except OSError:
            return None
        return status.st_mtime_ns, status.st_size
