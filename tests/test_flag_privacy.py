"""What kind of harm a child spoke of is kept as closely as their words (issue 16): the flags
table holds what found a concern (`found_by`) only encrypted, migration 0014 encrypts the rows an
older version kept in the clear, and no log line names the concern or the phrase that found it."""
from __future__ import annotations

import json
import re

import pytest
import yaml
from sqlalchemy import create_engine, text

from bot.store.chain import new_chain_key
from bot.store.crypto import Cipher, new_key
from bot.store.db import migrate
from bot.store.flags import Flags
from bot.store.repository import Store
from tests.conftest import ROOT
from tests.servers import Chat

FOUND_BY = {"lexicon": [{"concern": "physical_harm", "phrase": "hurt* me"}], "intent_confidence": 0.91}
LEXICON = yaml.safe_load((ROOT / "safeguarding.yml").read_text(encoding="utf-8"))
KINDS = list(LEXICON["concerns"])
LABELS = [c["label"] for c in LEXICON["concerns"].values()]


def phrases():
    from bot.safeguarding.lexicon import Lexicon

    return sorted({phrase for _, phrase, _ in Lexicon.load(ROOT).patterns})


def names_a_concern(haystack: str) -> list:
    """The concern keys, labels and lexicon phrases in the text, each as a whole (not inside a
    longer word, a file name or an encrypted token)."""
    return [needle for needle in [*KINDS, *LABELS, *phrases()]
            if re.search(rf"(?<![\w.]){re.escape(needle)}(?![\w.])", haystack)]


def raw_flag_rows(database_url: str) -> list:
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(text("SELECT * FROM flags"))]
    finally:
        engine.dispose()


def test_found_by_is_stored_encrypted_and_read_back_as_it_was(store, session, database_url):
    Flags(store).record(session.id, "m1", words="he hurts me", activity="warm_up", prompt="Tell me", found_by=FOUND_BY)
    [row] = raw_flag_rows(database_url)
    assert "found_by" not in row and names_a_concern(json.dumps(row, default=str)) == []
    assert json.loads(store.cipher.decrypt(row["found_by_encrypted"])) == FOUND_BY
    assert Flags(store).of_session(session.id)[0].found_by == FOUND_BY


def test_migration_0014_encrypts_the_flags_an_older_version_kept_in_the_clear(tmp_path):
    url, key = f"sqlite:///{tmp_path / 'old.db'}", new_key()
    migrate(url, "0013")
    engine = create_engine(url, future=True)
    session_id = "00000000-0000-0000-0000-000000000001"
    with engine.begin() as connection:  # rows as that version wrote them (today's models have more columns)
        connection.execute(text(
            "INSERT INTO cases (id, reference, practitioner, created_at) VALUES (1, 'OLD-1', 'Alex', '2026-01-01')"))
        connection.execute(text(
            "INSERT INTO sessions (id, case_id, child_name_encrypted, age, age_band, language, practitioner, plan, "
            "child_chooses, read_aloud, prompt_pack_version, status, created_at) VALUES (:s, 1, :n, 9, 'age_8_11', "
            "'en', 'Alex', '[]', 1, 0, 'old', 'new', '2026-01-01')"), {"s": session_id, "n": Cipher(key).encrypt("Kit")})
        connection.execute(text(
            "INSERT INTO flags (session_id, message_id, words_encrypted, at, found_by) "
            "VALUES (:s, 'm1', :w, '2026-01-01 10:00:00', :f)"), {"s": session_id, "w": Cipher(key).encrypt("words"),
                                                                   "f": json.dumps(FOUND_BY)})
    engine.dispose()
    with pytest.raises(RuntimeError, match="data key"):
        migrate(url)  # without the key, it refuses and changes nothing
    assert "found_by" in raw_flag_rows(url)[0]

    migrate(url, data_key=key)
    [row] = raw_flag_rows(url)
    assert "found_by" not in row and names_a_concern(json.dumps(row, default=str)) == []
    store = Store(url, key, chain_key=new_chain_key())
    assert Flags(store).of_session(session_id)[0].found_by == FOUND_BY
    store.close()

    migrate_down(url, key)
    [row] = raw_flag_rows(url)
    assert json.loads(row["found_by"]) == FOUND_BY and "found_by_encrypted" not in row


def migrate_down(url: str, key: str) -> None:
    from alembic import command
    from alembic.config import Config

    from bot.store.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    config.attributes["data_key"] = key
    command.downgrade(config, "0013")


@pytest.mark.servers
def test_a_disclosure_leaves_no_kind_of_harm_in_the_log_or_the_flags_table(shared_servers):
    servers = shared_servers
    chat = Chat(servers, servers.cli(
        "session", "new", "--case", "PRIV-1", "--child-name", "Kit", "--age", "9", "--language", "en",
        "--practitioner", "Alex", "--plan", "warm_up", "--child-chooses", "no",
    ).strip())
    chat.tap("/start")
    chat.say("my dad hits me and says keep it secret or else", message_id="told-1")

    [flag] = Flags(servers.store()).of_session(chat.sender)
    assert {m["concern"] for m in flag.found_by["lexicon"]} >= {"physical_harm", "secrets"}
    flagged = f"a message was flagged for the practitioner: flag {flag.id}"
    log = servers.log(flagged)
    assert names_a_concern(log) == []
    assert flagged in log
    rows = [r for r in raw_flag_rows(servers.settings["DATABASE_URL"]) if r["session_id"] == chat.sender]
    assert len(rows) == 1 and names_a_concern(json.dumps(rows, default=str)) == []
