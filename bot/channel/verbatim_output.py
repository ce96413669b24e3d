"""The bot's messages, collected for the tablet exactly as the dialogue said them.

Rasa's CollectingOutputChannel strips a text message and splits it at every blank line into
several messages. A message that quotes the child ("You chose ...", the read-back of what they
wrote) would then lose the spaces they typed and break their words across bubbles, so each text
goes to the tablet whole, exactly."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.core.channels.channel import CollectingOutputChannel


class VerbatimOutput(CollectingOutputChannel):
    """Each collected message also keeps the name of the response that said it (`utter_action`),
    so the channel can tell which question was asked (a question a drawing may answer)."""

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._persist_message(_named(self._message(recipient_id, text=text), kwargs))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        await self._persist_message(_named(self._message(recipient_id, text=text, buttons=buttons), kwargs))


def _named(message: Dict[Text, Any], kwargs: Dict[Text, Any]) -> Dict[Text, Any]:
    if kwargs.get("utter_action"):
        message["utter_action"] = kwargs["utter_action"]
    return message
