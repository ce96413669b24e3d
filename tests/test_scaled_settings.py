"""Several Rasa servers (issue 22): the settings that name them, which server a message goes to, and
the lock store LOCK_STORE_URL chooses. The servers themselves, killed and restarted: test_faults_replicas.py."""
from __future__ import annotations

import pytest
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore

from bot.channel.lock_store import LockStoreFromSettings
from bot.config import SettingsError, load_settings
from bot.web.assistant import servers_for

WEBHOOKS = ("http://rasa-0:5005/webhooks/tablet/webhook", "http://rasa-1:5005/webhooks/tablet/webhook")


@pytest.fixture
def environment(monkeypatch, data_key, chain_key):
    monkeypatch.setenv("OWN_WORDS_DATA_KEY", data_key)
    monkeypatch.setenv("OWN_WORDS_CHAIN_KEY", chain_key)
    return monkeypatch


def test_rasa_urls_name_each_server_and_none_means_this_machines(environment):
    environment.setenv("RASA_URLS", " http://rasa-0:5005/ , http://rasa-1:5005,")
    assert load_settings().webhook_urls == WEBHOOKS
    environment.setenv("RASA_URLS", "")
    environment.setenv("RASA_PORT", "5123")
    assert load_settings().webhook_urls == ("http://127.0.0.1:5123/webhooks/tablet/webhook",)


@pytest.mark.parametrize("value", ["rasa-0:5005", "ftp://rasa-0", "http://" + "a" * 300])
def test_a_malformed_rasa_url_stops_with_the_setting_named(environment, value):
    environment.setenv("RASA_URLS", value)
    with pytest.raises(SettingsError, match="RASA_URLS"):
        load_settings()


def test_each_message_goes_to_the_next_server_first_and_may_go_on_to_the_other():
    orders = {servers_for(WEBHOOKS, "session-a", practice=False) for _ in range(4)}
    assert orders == {WEBHOOKS, WEBHOOKS[::-1]}  # each server first in turn, the other after it


def test_a_practice_stays_on_one_server_chosen_by_its_id_alone():
    pinned = {servers_for(WEBHOOKS, "practice-1234", practice=True) for _ in range(5)}
    assert len(pinned) == 1 and len(next(iter(pinned))) == 1  # no other: the practice is in that one's memory
    chosen = {servers_for(WEBHOOKS, f"practice-{n}", practice=True)[0] for n in range(40)}
    assert chosen == set(WEBHOOKS)  # practices are shared out between the servers


def test_the_lock_store_is_redis_where_lock_store_url_says_so(monkeypatch):
    monkeypatch.delenv("LOCK_STORE_URL", raising=False)
    assert isinstance(LockStoreFromSettings().store, InMemoryLockStore)
    monkeypatch.setenv("LOCK_STORE_URL", "redis://:p%40ss@redis.example:6380/3")
    store = LockStoreFromSettings().store
    connection = store.red.connection_pool.connection_kwargs
    assert isinstance(store, RedisLockStore)
    assert (connection["host"], connection["port"], connection["db"], connection["password"]) == ("redis.example", 6380, 3, "p@ss")


@pytest.mark.parametrize("value", ["localhost:6379", "http://redis:6379", "redis://redis:6379/locks"])
def test_a_malformed_lock_store_url_stops_with_the_setting_named(monkeypatch, value):
    monkeypatch.setenv("LOCK_STORE_URL", value)
    with pytest.raises(SettingsError, match="LOCK_STORE_URL"):
        LockStoreFromSettings()


def test_one_postgresql_url_serves_both_our_tables_and_rasas_tracker_store(environment):
    environment.setenv("DATABASE_URL", "postgresql+psycopg2://own@db.example/own_words")
    environment.setenv("TRACKER_DB", "")
    assert load_settings().tracker_db == "postgresql+psycopg2://own@db.example/own_words"
    environment.setenv("DATABASE_URL", "sqlite:///var/own_words.db")
    assert load_settings().tracker_db.endswith("var/rasa_tracker.db")  # SQLite: a file of Rasa's own, as before
