"""The tablet channel: Rasa's REST channel, made safe for a child's words.

Address: POST http://127.0.0.1:5005/webhooks/tablet/webhook (see bot/channel/incoming.py for the body).
It differs from Rasa's REST channel in these ways:
- only the web app may post: each message carries the shared secret CHANNEL_TOKEN
  (bot/channel/auth.py), checked before the body is read;
- only a session created with `python -m bot session new` may talk; any other sender is refused
  before Rasa sees the message, so nothing of it is stored anywhere;
- typed words are never read as a Rasa command: Rasa would take a typed "/restart" as the restart
  intent, so typed text goes through the NLU pipeline without its `/intent` shortcut, and only a
  button's `payload` can carry an intent, and only a button's (bot/channel/incoming.py); typed words are
  a control only when clearly one (bot/channel/typed_controls.py);
- the NLU pipeline and the safeguarding check run in a worker thread of their own, never on the
  server's event loop, so a slow message holds up no other session's;
- every message in and out is written to the session's transcript; a reply asking a question a
  drawing may answer (activities.yml's `drawing`) is marked `"drawing": true`, and a drawing the web
  app has kept comes in as `{"drawing": ID}`, an answer like typed words (bot/dialogue/capture.py);
- typed words that may tell of harm (bot/safeguarding/) are flagged for the practitioner before
  Rasa sees them, and reach the dialogue as a `disclosure` with a `concern` entity, so the bot
  answers safely whatever it was doing (they are still the child's answer where one was asked);
- a retried message (same `message_id`) is handled once: the stored replies are sent again;
- a message is handled wholly or not at all (bot/channel/atomic_turn.py): if the action server fails
  during it, or the tracker store cannot be read or written (bot/channel/tracker_store_errors.py),
  the turn is undone and the client is told to send it again;
- a practice session (bot/dialogue/practice.py) is handled the same way, but nothing of it is written:
  its transcript is kept in memory and it raises no flag (the bot still answers as it would).
"""
from __future__ import annotations

import asyncio
import logging
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import (
    Any,
    Awaitable,
    Callable,
    Dict,
    FrozenSet,
    List,
    Optional,
    Text,
    Tuple,
)

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.shared.core.constants import DEFAULT_INTENTS
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import logs
from bot.channel import (
    action_call,
    action_response_check,
    atomic_turn,
    choice_order,
    interpolation,
    model_loading,
    session_lock,
    tracker_store_errors,
)
from bot.channel import auth as channel_auth
from bot.channel.incoming import BadRequest, Incoming, button_intents, parse_incoming
from bot.dialogue.capture import DRAWING_INPUT
from bot.pack.prompt_pack import PromptPack
from bot.channel.typed_controls import ANSWER_INTENT, taken_as
from bot.channel.verbatim_output import VerbatimOutput
from bot.config import Settings, load_settings
from bot.dialogue import practice
from bot.dialogue.control_check import CONTROL_SLOT
from bot.meaning import classifier
from bot.meaning.classifier import Meaning
from bot.safeguarding.concern import (
    CONCERN_ENTITY,
    DISCLOSURE_INTENT,
    Concern,
    find_concern,
)
from bot.safeguarding.lexicon import Lexicon
from bot.store.drawings import Drawings
from bot.store.flags import Flags
from bot.store.repository import BotMessage, Store
from bot.store.tracker_events import drop_events_after, last_event_id

logger = logging.getLogger(__name__)
# Every NLU graph run and safeguarding check of the channel, in this one thread: off the event loop
# (a long message must not hold up every other session), in the order they came, and never two at
# once, as when Rasa ran them on its loop (its components were not written to run concurrently,
# and TensorFlow already spreads one run over the CPUs). Not asyncio's default pool: the database
# calls use that, and must not wait behind the NLU.
_NLU = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tablet-nlu")


class TabletInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "tablet"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "TabletInput":
        return cls()

    def __init__(self) -> None:
        self._store: Optional[Store] = None
        self._settings: Optional[Settings] = None
        self._lexicon: Optional[Lexicon] = None
        self._classifier: Optional[classifier.MeaningClassifier] = None
        self._buttons: Tuple[Any, FrozenSet[str]] = (None, frozenset())  # (the responses, their button intents)
        self._drawing_asks: Optional[FrozenSet[str]] = None
        self._lock_engine: Any = False  # not yet looked at (None: no lock across processes needed)
        self._locks: "weakref.WeakValueDictionary[str, asyncio.Lock]" = weakref.WeakValueDictionary()

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        expected = channel_auth.expected_header(self.settings)  # no secret: the server does not start
        # Loaded now, in the NLU's thread, and tried once: a missing or altered sentence model or
        # classifier, or a word list with a mistake, stops the server with the reason, and the
        # first child to type does not wait (the word list took half a second to load).
        _NLU.submit(self._load_judges).result()
        webhook = Blueprint("tablet_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not channel_auth.allowed(request.headers.get("authorization", ""), expected):
                return _error(401, "not_allowed", "only the Own Words web app may post here (CHANNEL_TOKEN)")
            agent = request.app.ctx.agent
            if agent is None or not agent.is_ready():
                return _error(503, "not_ready", "the assistant is still starting; try again shortly")
            try:
                incoming = parse_incoming(_json_body(request), self._button_intents(agent))
            except BadRequest as error:
                return _error(400, error.code, error.message)
            return await self._handle(agent, incoming, on_new_message)

        return webhook

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings()
        return self._settings

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.from_settings(self.settings)
        return self._store

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = Lexicon.load()
        return self._lexicon

    def _load_judges(self) -> None:
        """The classifier for the data the server started with, and the word list: kept, like
        Rasa's model, until a restart (a retrain while it runs neither breaks nor changes it)."""
        self._classifier = classifier.load()
        self._classifier.judge("hello")  # loads and checks the sentence model, warms TensorFlow
        self._lexicon = Lexicon.load()

    def classifier(self) -> classifier.MeaningClassifier:
        if self._classifier is None:
            self._load_judges()
        return self._classifier

    @property
    def lock_engine(self):
        if self._lock_engine is False:
            self._lock_engine = session_lock.lock_engine(self.store.engine)
        return self._lock_engine

    @property
    def drawing_asks(self) -> FrozenSet[str]:
        """The responses asking a question a drawing may answer (activities.yml's `drawing`)."""
        if self._drawing_asks is None:
            self._drawing_asks = PromptPack.load().drawing_asks()
        return self._drawing_asks

    def _button_intents(self, agent) -> FrozenSet[str]:
        """The intents a button may carry (bot/channel/incoming.py), worked out once for each
        wording said (the buttons are in the wording: bot/channel/live_wording.py)."""
        responses = _responses(agent)
        if self._buttons[0] is not responses:
            self._buttons = (responses, button_intents(responses, agent.domain.intents, DEFAULT_INTENTS))
        return self._buttons[1]

    async def _handle(self, agent, incoming: Incoming, on_new_message) -> HTTPResponse:
        store, sender = self.store, incoming.sender
        if await asyncio.to_thread(store.get_session, sender) is None:
            return _error(403, "unknown_session", "no session has this id", _say(agent, "utter_session_unknown"))

        lock = self._locks.setdefault(sender, asyncio.Lock())
        # one message of a session at a time, so a retry waits for the first try: in this process,
        # and across Rasa servers that share a PostgreSQL database (bot/channel/session_lock.py)
        async with lock, session_lock.one_at_a_time(self.lock_engine, sender):
            replies = await asyncio.to_thread(store.child_turn_replies, sender, incoming.message_id)
            if replies is not None:  # a retry of a message already answered: the same answer again
                return response.json(_as_rest_messages(sender, replies))
            session = await asyncio.to_thread(store.get_session, sender)
            if not session.is_open:
                if session.practice:
                    practice.memory.forget(sender)
                return _error(409, "session_ended", "this session has ended", _say(agent, "utter_session_ended"))
            if incoming.input == DRAWING_INPUT:
                refusal = await asyncio.to_thread(_drawing_refusal, store, session, incoming)
                if refusal:
                    return refusal
            tracker_db = None if session.practice else self.settings.tracker_db  # practice: in memory
            turn_start = await asyncio.to_thread(last_event_id, tracker_db, sender) if tracker_db else 0
            # A message stored before whose first try never finished is handled now (its answer,
            # if it got that far, is keyed on the message id and is not stored twice).
            first_try = await asyncio.to_thread(
                store.record_child_turn,
                sender,
                incoming.message_id,
                input=incoming.input,
                text=incoming.text if incoming.is_typed else None,
                payload=None if incoming.is_typed else incoming.text,
                scribe=incoming.scribe,
                tracker_mark=turn_start if tracker_db else None,
            )
            if tracker_db and not first_try:
                turn_start = await asyncio.to_thread(_undo_unfinished_try, store, tracker_db, sender,
                                                     incoming.message_id, turn_start)

            parse_data, concern = await asyncio.get_running_loop().run_in_executor(
                _NLU, self._understand, agent, incoming)
            if concern is not None:  # typed words only
                await self._flag(agent, incoming, concern, parse_data, keep=not session.practice)
            elif incoming.is_typed and parse_data["intent"].get("name") == DISCLOSURE_INTENT:
                # only a concern makes a disclosure (the model alone, without a context word,
                # does not): anything else is the child's answer
                parse_data["intent"] = {"name": ANSWER_INTENT, "confidence": 1.0}

            collector = VerbatimOutput()
            message = UserMessage(
                incoming.text,
                collector,
                incoming.sender,
                parse_data=parse_data,
                input_channel=self.name(),
                message_id=incoming.message_id,
                metadata={"input": incoming.input},
            )
            failed = atomic_turn.watch()
            try:
                await on_new_message(message)
            except Exception as error:  # noqa: BLE001 - any failure: the client may retry
                failed.append(type(error).__name__)
            if failed:
                if tracker_db:
                    await asyncio.to_thread(drop_events_after, tracker_db, sender, turn_start)
                logger.error("tablet message not handled, turn undone: %s failed", ", ".join(failed))
                return _error(503, "not_handled", "the assistant could not answer; send the same message again")

            replies = [BotMessage(m.get("text"), choice_order.arranged(m.get("buttons")),
                                  offers_drawing=m.get("utter_action") in self.drawing_asks) for m in collector.messages]
            await asyncio.to_thread(store.record_bot_replies, sender, incoming.message_id, replies)
            logger.debug("session %s: message %s (%s) answered with %d replies", sender, incoming.message_id,
                         incoming.input, len(replies))
            if concern is not None and not session.practice:
                said = "\n".join(reply.text for reply in replies if reply.text)
                await asyncio.to_thread(Flags(store).set_reply, sender, incoming.message_id, said)
            if session.practice and not (await asyncio.to_thread(store.get_session, sender)).is_open:
                practice.memory.forget(sender)  # the practice ended with this message
            return response.json(_as_rest_messages(sender, replies))

    async def _flag(self, agent, incoming: Incoming, concern: Concern, parse_data: Dict[Text, Any], *,
                    keep: bool) -> None:
        """Keep the flag (before Rasa runs, so that nothing is lost if it fails), unless `keep`
        is false (practice), then make the message a disclosure for the dialogue."""
        if keep:
            tracker = await agent.processor.get_tracker(incoming.sender)
            flag = await asyncio.to_thread(
                Flags(self.store).record,
                incoming.sender,
                incoming.message_id,
                words=incoming.text,
                activity=tracker.get_slot("activity"),
                prompt=_last_bot_text(tracker),
                found_by=concern.found_by,
            )
            # the flag's id only: what kind of harm, and the words that found it, stay in the database
            logger.info("a message was flagged for the practitioner: flag %d", flag.id)
        parse_data["intent"] = {"name": DISCLOSURE_INTENT, "confidence": 1.0}
        # the safeguarding check comes next, not a check of what a control-like message meant
        parse_data["entities"] = [e for e in parse_data.get("entities") or [] if e.get("entity") != CONTROL_SLOT] + [
            {"entity": CONCERN_ENTITY, "value": incoming.message_id}
        ]

    def _understand(self, agent, incoming: Incoming) -> Tuple[Dict[Text, Any], Optional[Concern]]:
        """What the NLU makes of the message, and any safeguarding concern in typed words (in _NLU's
        thread). A button's payload is parsed here too, as Rasa would parse it, so that Rasa does not
        run the pipeline again on the event loop."""
        if not incoming.is_typed:
            return _parse(agent, incoming.sender, incoming.text, agent.processor.model_metadata.nlu_target), None
        meaning = self.classifier().judge(incoming.text)
        parse_data = parse_typed(agent, incoming.sender, incoming.text, meaning)
        return parse_data, find_concern(incoming.text, parse_data, self.lexicon, meaning)


def _last_bot_text(tracker: DialogueStateTracker) -> Optional[str]:
    """What the bot had last said when the child wrote: the prompt they were answering."""
    for event in reversed(tracker.events):
        if getattr(event, "type_name", None) == "bot" and getattr(event, "text", None):
            return event.text
    return None


interpolation.install()  # the child's words quoted back exactly (bot/channel/interpolation.py)
logs.configure()
atomic_turn.install()  # a failed call to the action server undoes the turn (bot/channel/atomic_turn.py)
action_response_check.install()  # the same check of the action server's replies, made quicker
action_call.install()  # the domain sent to the action server without the wording it never reads
model_loading.install()  # the model loaded for prediction without Rasa's training step first
tracker_store_errors.install()  # a database that does not answer fails the turn (bot/channel/tracker_store_errors.py)


def _json_body(request: Request) -> Any:
    try:
        return request.json
    except Exception:  # noqa: BLE001 - sanic raises its own error types for bad JSON
        return None


def parse_typed(agent, sender_id: str, text: str, meaning: Optional[Meaning]) -> Dict[Text, Any]:
    """Run the NLU pipeline on typed words without its final `/intent` shortcut, then decide, with
    the meaning classifier's judgement, whether they are a control or an answer
    (bot/channel/typed_controls.py). Blocking: the channel runs it in its NLU thread."""
    metadata = agent.processor.model_metadata
    before_shortcut = metadata.predict_schema.nodes[metadata.nlu_target].needs["messages"]
    parse_data = _parse(agent, sender_id, text, before_shortcut)
    taken = taken_as(text, parse_data["intent"], parse_data.get("intent_ranking"), meaning)
    parse_data["intent"] = taken.intent
    if taken.to_check:  # kept as the answer; the dialogue then asks whether it was meant (bot/dialogue/control_check.py)
        parse_data["entities"] = list(parse_data.get("entities") or []) + [
            {"entity": CONTROL_SLOT, "value": taken.to_check}
        ]
    return parse_data


def _undo_unfinished_try(store: Store, tracker_db: str, sender: str, message_id: str, now: int) -> int:
    """A try of this message got as far as Rasa's tracker store, then failed before its replies were
    recorded (the database gone mid-turn, say): its events are undone, so that the message is
    handled at the question it answered, not the one after. The turn starts from there."""
    mark = store.tracker_mark_of(sender, message_id)
    if mark is None or mark >= now:
        return now
    drop_events_after(tracker_db, sender, mark)
    logger.warning("session %s: message %s: the events of an unfinished try undone", sender, message_id)
    return mark


def _drawing_refusal(store: Store, session, incoming: Incoming) -> Optional[HTTPResponse]:
    """Why a drawing cannot be this message's answer (inside the session's lock, so two drawings
    sent at once cannot both answer one question), or None."""
    if not session.practice and not Drawings(store).exists(session.id, incoming.drawing):
        return _error(400, "unknown_drawing", "no drawing of this session has that id: send the picture first")
    if not store.offers_drawing_now(session.id):  # (a practice's transcript is in this process's memory)
        return _error(409, "drawing_not_asked", "the question on the screen is not one a drawing answers")
    return None


def _parse(agent, sender_id: str, text: str, target: str) -> Dict[Text, Any]:
    """The NLU graph run up to `target`, as Rasa's own MessageProcessor runs it (blocking)."""
    processor = agent.processor
    tracker = DialogueStateTracker.from_events(sender_id, [])
    results = processor.graph_runner.run(
        inputs={
            PLACEHOLDER_MESSAGE: [UserMessage(text, sender_id=sender_id)],
            PLACEHOLDER_TRACKER: tracker,
        },
        targets=[target],
    )
    parse_data: Dict[Text, Any] = {"text": text, "intent": {"name": None, "confidence": 0.0}, "entities": []}
    parse_data.update(results[target][0].as_dict(only_output_properties=True))
    parse_data["text"] = text
    return parse_data


def _responses(agent) -> Dict[str, Any]:
    """The responses as they are said now: the live wording's (bot/channel/live_wording.py), or
    the model's where Rasa renders them itself."""
    return getattr(agent.nlg, "responses", None) or agent.domain.responses


def _say(agent, response_name: str) -> List[Dict[str, Any]]:
    """A response's default wording from domain.yml, for messages sent without a conversation."""
    variations = _responses(agent).get(response_name, [])
    default = next((v for v in variations if not v.get("condition")), None)
    return [{"text": default["text"]}] if default else []


def _as_rest_messages(sender: str, replies: List[BotMessage]) -> List[Dict[str, Any]]:
    messages = []
    for reply in replies:
        message: Dict[str, Any] = {"recipient_id": sender}
        if reply.text is not None:
            message["text"] = reply.text
        if reply.buttons:
            message["buttons"] = reply.buttons
        if reply.offers_drawing:
            message["drawing"] = True  # the chat page offers Draw
        messages.append(message)
    return messages


def _error(status: int, code: str, message: str, bot_messages: Optional[list] = None) -> HTTPResponse:
    return response.json(
        {"error": code, "message": message, "messages": bot_messages or []}, status=status
    )
