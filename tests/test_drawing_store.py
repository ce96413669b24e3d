"""A drawing kept as an answer (bot/store/drawings.py) under the record's guarantees: encrypted, kept
once per chat message, never for a practice, vouched for by the record's chain (a changed or deleted
picture is found), readable after key rotation with the chain still intact, and gone without a
byte left when its case is erased."""
from __future__ import annotations

import base64
import io
import sqlite3
from contextlib import closing

from PIL import Image, ImageDraw

from bot.dialogue.sessions import start_practice
from bot.store import rotation
from bot.store.crypto import Cipher, new_key
from bot.store.drawing_image import clean_png
from bot.store.drawings import Drawings
from bot.store.erasure import erase_case
from bot.store.repository import BotMessage, Store
from tests.test_drawing_exports import a_drawing, pixels
from tests.test_erasure import found_in_files


def drawn(store, session, message_id="m-draw"):
    """The child's drawing as the channel and the actions write it, then their words about it."""
    drawing_id = Drawings(store).keep(session.id, message_id, clean_png(a_drawing()))
    store.record_child_turn(session.id, message_id, input="drawing", text=None,
                            payload=f'/inform{{"drawing":"{drawing_id}"}}')
    store.record_bot_replies(session.id, message_id, [BotMessage("What does it show?", None)])
    store.record_answer(session.id, activity="three_wishes", prompt_key="three_wishes_first",
                        prompt_text="What is your first wish?", kind="drawing", text=None, message_id=message_id,
                        drawing_id=drawing_id)
    store.record_child_turn(session.id, "m-words", input="typed", text="a puppy")
    store.record_answer(session.id, activity="three_wishes", prompt_key="drawing_words", prompt_text="What does it show?",
                        kind="answer", text="a puppy", message_id="m-words", drawing_id=drawing_id)
    return drawing_id


def sql(database_url: str, statement: str, *params) -> None:
    with closing(sqlite3.connect(database_url[len("sqlite:///"):])) as db:
        db.execute(statement, params)
        db.commit()


def test_a_drawing_is_kept_encrypted_once_per_message_and_the_record_vouches_for_it(store, session, database_url):
    drawing_id = drawn(store, session)
    assert Drawings(store).keep(session.id, "m-draw", clean_png(a_drawing())) == drawing_id  # a retried upload
    assert list(Drawings(store).of_session(session.id)) == [drawing_id]
    kept = Drawings(store).get(session.id, drawing_id)
    assert pixels(kept.png) == pixels(a_drawing()) and kept.sha256 == clean_png(a_drawing()).sha256
    assert Drawings(store).get("another-session", drawing_id) is None
    with closing(sqlite3.connect(database_url[len("sqlite:///"):])) as db:
        [stored] = db.execute("SELECT image_encrypted FROM drawings").fetchone()
    assert stored.startswith("gAAAA")  # a Fernet token, not the picture
    verdict = store.verify(session.id)
    assert verdict.intact and verdict.entries == 5  # two child turns, the bot's reply, two answers


def test_a_changed_or_deleted_drawing_breaks_the_record(store, session, database_url, data_key):
    drawing_id = drawn(store, session)
    image = Image.open(io.BytesIO(a_drawing())).convert("RGB")
    ImageDraw.Draw(image).ellipse((600, 100, 900, 400), fill=(0, 0, 0))  # a stroke added afterwards
    changed = io.BytesIO()
    image.save(changed, format="PNG")
    token = Cipher(data_key).encrypt(base64.b64encode(changed.getvalue()).decode("ascii"))
    sql(database_url, "UPDATE drawings SET image_encrypted = ? WHERE id = ?", token, drawing_id)
    problems = store.verify(session.id).problems
    assert problems == [
        "entry 3 (answer 1) has been changed, moved or does not follow the entry before it",
        "entry 5 (answer 2) has been changed, moved or does not follow the entry before it"]
    sql(database_url, "DELETE FROM drawings WHERE id = ?", drawing_id)
    assert len(store.verify(session.id).problems) == 2


def test_key_rotation_keeps_the_drawing_readable_and_the_record_intact(store, session, database_url, data_key, chain_key):
    drawing_id = drawn(store, session)
    key = new_key()
    rotation._rotate_tables(database_url, Cipher(key, [data_key]))  # as `python -m bot keys rotate` does
    rotated = Store(database_url, key, chain_key=chain_key)
    assert pixels(Drawings(rotated).get(session.id, drawing_id).png) == pixels(a_drawing())
    assert rotated.verify(session.id).intact


def test_a_practice_drawing_is_never_kept(store, pack):
    practice = start_practice(store, pack, age_band="age_4_7", language="en", plan=None, practitioner="Tina",
                              started_by=None)
    drawing_id = Drawings(store).keep(practice.id, "m1", clean_png(a_drawing()))
    assert drawing_id and Drawings(store).of_session(practice.id) == {}
    assert Drawings(store).get(practice.id, drawing_id) is None


def test_erasing_the_case_leaves_no_byte_of_the_drawing(store, session, database_url, tmp_path):
    drawing_id = drawn(store, session)
    database = database_url[len("sqlite:///"):]
    with closing(sqlite3.connect(database)) as db:
        [token] = db.execute("SELECT image_encrypted FROM drawings WHERE id = ?", (drawing_id,)).fetchone()
    assert found_in_files(tmp_path, [token]) == [token]  # the search finds it before
    erased = erase_case(store, str(tmp_path / "no-tracker.db"), session.case_reference, "admin")
    assert erased.sessions == 1
    assert found_in_files(tmp_path, [token, drawing_id]) == []  # not in the database, its journal or free pages


def test_turns_and_answers_without_a_drawing_are_vouched_for_as_before_drawings_existed(store, session):
    """The chain's content for them has no new keys, so records chained before 0019 still verify."""
    from bot.store import models
    from bot.store.chain import answer_content, turn_content

    store.record_child_turn(session.id, "m1", input="typed", text="hello")
    store.record_answer(session.id, activity="warm_up", prompt_key="q", prompt_text="Hi?", kind="answer",
                        text="hello", message_id="m1")
    with store.sessionmaker() as db:
        turn, answer = db.query(models.Turn).one(), db.query(models.Answer).one()
        assert set(turn_content(turn, "hello")) == {
            "session_id", "seq", "speaker", "input", "entered_by", "scribe", "text", "payload", "buttons",
            "message_id", "reply_to", "at"}
        assert set(answer_content(answer, "Hi?", "hello")) == {
            "session_id", "seq", "activity", "prompt_key", "prompt_text", "kind", "text", "choice", "choice_label",
            "about_activity", "entered_by", "scribe", "message_id", "at"}


def test_a_drawing_no_answer_points_to_can_be_forgotten_and_an_answered_one_cannot(store, session):
    """The web app forgets a drawing whose message the assistant refused for good."""
    refused = Drawings(store).keep(session.id, "m-refused", clean_png(a_drawing()))
    assert Drawings(store).forget_unanswered(session.id, refused)
    assert Drawings(store).get(session.id, refused) is None
    answered = drawn(store, session)
    assert not Drawings(store).forget_unanswered(session.id, answered)
    assert Drawings(store).get(session.id, answered) is not None and store.verify(session.id).intact
