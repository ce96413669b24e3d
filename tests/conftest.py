"""Shared fixtures: a real, migrated SQLite database in a temporary folder with its own key."""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.pack.prompt_pack import PromptPack
from bot.store.chain import new_chain_key
from bot.store.crypto import new_key
from bot.store.db import migrate
from bot.store.repository import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load_fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    """One database migrated to the newest revision per run; each test gets a copy of the file
    (running the migrations for every test took most of `make check`'s time)."""
    path = tmp_path_factory.mktemp("migrated") / "own_words.db"
    migrate(f"sqlite:///{path}")
    return path


def copy_of(migrated: Path, folder: Path) -> str:
    """The URL of a copy of the migrated database, in `folder`."""
    path = folder / "own_words.db"
    with closing(sqlite3.connect(migrated)) as source, closing(sqlite3.connect(path)) as copy:
        source.backup(copy)  # SQLite's own copy: whatever is still in the write-ahead log comes too
    return f"sqlite:///{path}"


@pytest.fixture
def database_url(tmp_path, migrated_database) -> str:
    return copy_of(migrated_database, tmp_path)


@pytest.fixture
def data_key() -> str:
    return new_key()


@pytest.fixture
def chain_key() -> str:
    return new_chain_key()


@pytest.fixture(autouse=True)
def _chain_key_in_environment(monkeypatch, chain_key) -> None:
    """Settings read from the environment (the CLI, a process a test starts) chain the record with
    the key the test's own store uses, so that each can check what the other wrote."""
    monkeypatch.setenv("OWN_WORDS_CHAIN_KEY", chain_key)


@pytest.fixture
def store(database_url, data_key, chain_key) -> Store:
    store = Store(database_url, data_key, chain_key=chain_key)
    yield store
    store.close()


@pytest.fixture
def web_app(database_url, data_key, chain_key):
    """The web app (Flask, for its test client) on the test's own database, with no servers behind it
    and no accounts yet."""
    from bot.config import Settings
    from bot.web import create_app
    from tests.servers import free_port

    return create_app(Settings(
        database_url=database_url, data_key=data_key, rasa_port=free_port(), action_port=free_port(),
        report_time_zone="Europe/London", web_secret_key="test-secret-" + data_key, chain_key=chain_key,
    ))


@pytest.fixture(scope="session")
def pack() -> PromptPack:
    return PromptPack.load(ROOT)


@pytest.fixture
def session(store, pack):
    from bot.dialogue.sessions import start_session

    return start_session(
        store, pack, case_reference="CASE-1", child_name="Sam", age=9, language="en", practitioner="Alex"
    )


@pytest.fixture(scope="session")
def shared_servers(tmp_path_factory):
    """The real servers, started once (as `make run` does) for the HTTP, safeguarding and web tests:
    each start costs most of a minute. Each test makes cases of its own. Stopping them at the end is
    itself checked: Ctrl-C must stop every process and free every port. Our own loggers run at
    DEBUG, so that the log tests prove they never log a child's words or a secret even then."""
    from tests.servers import port_is_open, start_servers

    servers = start_servers(tmp_path_factory.mktemp("servers"), own_log_level="DEBUG")
    yield servers
    assert all(port_is_open(port) for port in servers.ports), "a server stopped during the tests"
    assert servers.stop() is not None, "the servers did not stop within a minute of Ctrl-C"
    assert not any(port_is_open(port) for port in servers.ports), "Ctrl-C left a server running"


@pytest.fixture(scope="session")
def postgres():
    """A private PostgreSQL cluster for the run (bot/scaled/postgres.py), stopped at the end."""
    from bot.scaled.postgres import PrivatePostgres

    cluster = PrivatePostgres()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def awkward_answers() -> list:
    """Answers that break naive code: kept in a JSON file so their exact characters are plain."""
    return load_fixture("awkward_answers.json")


@pytest.hookimpl(hookwrapper=True)
def pytest_collection_modifyitems(items):
    """Under pytest-xdist (`make test` runs two workers, --dist loadgroup; three were slower, the
    machine's two CPUs being busy already) every test that uses the
    shared servers runs in one worker, which starts them once, each fault suite (servers of its own)
    in one, and the trained model's figures in one, which loads the model once for all of them; the
    other tests are shared out. Marked before pytest-xdist reads the groups; then, after
    pytest-randomly's shuffle, the new-activity test goes last, so that its training (below) has
    the whole run to finish in."""
    for item in items:
        if item.nodeid.startswith("tests/test_faults.py::"):  # servers of its own, which it kills
            item.add_marker(pytest.mark.xdist_group("faults"))
        elif item.nodeid.startswith("tests/test_faults_replicas.py::"):  # two Rasa servers of its own
            item.add_marker(pytest.mark.xdist_group("replicas"))
        elif item.nodeid.startswith("tests/test_reports.py::"):  # subprocesses that load the model: any worker
            item.add_marker(pytest.mark.xdist_group("reports"))
        elif item.get_closest_marker("servers"):
            item.add_marker(pytest.mark.xdist_group("servers"))
        elif item.get_closest_marker("trained"):
            item.add_marker(pytest.mark.xdist_group("trained"))  # one worker loads the trained model, once
        elif item.get_closest_marker("postgres"):
            item.add_marker(pytest.mark.xdist_group("postgres"))  # one private PostgreSQL for them all
    yield
    items.sort(key=lambda item: item.nodeid.startswith("tests/test_new_activity.py::"))


def pytest_runtest_setup(item):
    """The new-activity test trains a model in a copy of the project: started with the first test
    that uses the shared servers (in the worker that runs them all, and this test last), it trains
    while the other tests run, instead of after them."""
    if item.get_closest_marker("servers") and not item.nodeid.startswith("tests/test_faults.py::"):
        for other in item.session.items:
            if other.nodeid.startswith("tests/test_new_activity.py::"):
                other.module.start_preparing()  # the module as pytest imported it (its name may vary)
                return


_FAULT_REPORT: list = []


def _fault_report() -> list:
    import sys

    reliability = sys.modules.get("tests.reliability")
    return list(reliability.REPORTED) if reliability is not None else []


def pytest_sessionfinish(session):
    """A pytest-xdist worker hands the fault suites' tables to the main process, which prints them."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["fault_report"] = _fault_report()


def pytest_testnodedown(node, error):
    _FAULT_REPORT.extend(getattr(node, "workeroutput", {}).get("fault_report", []))


def pytest_terminal_summary(terminalreporter):
    """The fault suites' tables (tests/reliability.py), when they ran."""
    lines = _fault_report() or _FAULT_REPORT
    if lines:
        terminalreporter.write_sep("=", "fault suite")
        for line in lines:
            terminalreporter.write_line(line)
