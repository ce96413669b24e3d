"""The bot's messages, collected for the tablet exactly as the dialogue said them.

Rasa's CollectingOutputChannel strips a text message and splits it at every blank line into
several messages. A message that quotes the child ("You chose ...", the read-back of what they
wrote) would then lose the spaces they typed and break their words across bubbles, so each text
goes to the tablet whole, exactly."""
from __future__ import annotations

from typing import Any, Text

from rasa.core.channels.channel import CollectingOutputChannel


class VerbatimOutput(CollectingOutputChannel):
    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._persist_message(self._message(recipient_id, text=text))
