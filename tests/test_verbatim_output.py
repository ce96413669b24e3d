"""The bot's messages reach the tablet whole and exact (bot/channel/verbatim_output.py): Rasa's own
collecting channel strips a text and splits it at every blank line."""
from __future__ import annotations

import asyncio

from rasa.core.channels.channel import CollectingOutputChannel

from bot.channel.verbatim_output import VerbatimOutput

QUOTING = 'You chose "  line one\n\nline three  ". Tell me more.'


def collected(channel) -> list:
    asyncio.run(channel.send_text_message("session", QUOTING))
    return [m["text"] for m in channel.messages]


def test_a_message_quoting_a_blank_line_and_spaces_arrives_as_one_exact_message():
    assert collected(VerbatimOutput()) == [QUOTING]
    assert collected(CollectingOutputChannel()) != [QUOTING]  # what Rasa's own channel would have sent


def test_buttons_and_everything_else_are_collected_as_before():
    channel = VerbatimOutput()
    buttons = [{"title": "😊 Happy", "payload": '/choose{"choice":"happy"}'}]
    asyncio.run(channel.send_text_with_buttons("session", "Which face?", buttons))
    assert channel.messages == [{"recipient_id": "session", "text": "Which face?", "buttons": buttons}]
