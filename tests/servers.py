"""Starting the real servers for a test, the way `make run` does (honcho and the Procfile), on free
ports, with a database, tracker store and key of the test's own; and talking to them over HTTP."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import requests
import yaml

from bot.pack.model import ensure_trained
from bot.scaled.ports import free_port
from bot.store.chain import new_chain_key
from bot.store.crypto import new_key
from bot.store.db import migrate
from bot.store.repository import Store

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
START_TIMEOUT = 240


def port_is_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Servers:
    home: Path
    settings: Dict[str, str]
    process: subprocess.Popen
    log_path: Path
    root: Path = ROOT  # the project the servers run from (a test may run a changed copy)

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.settings['RASA_PORT']}/webhooks/tablet/webhook"

    @property
    def channel_headers(self) -> Dict[str, str]:
        """What the web app sends the tablet channel with every message: its CHANNEL_TOKEN."""
        return {"Authorization": f"Bearer {self.settings['CHANNEL_TOKEN']}"}

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.settings['WEB_PORT']}"

    @property
    def ports(self) -> List[int]:
        return [int(self.settings[name]) for name in ("RASA_PORT", "ACTION_PORT", "WEB_PORT")]

    def env(self) -> Dict[str, str]:
        return {**os.environ, **self.settings, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"}

    def cli(self, *args: str, stdin: Optional[str] = None) -> str:
        """Run `python -m bot ARGS` against the test's database; its standard output, as text."""
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args], cwd=self.root, env=self.env(), capture_output=True, check=False,
            input=stdin.encode("utf-8") if stdin is not None else None,
        )
        if done.returncode != 0:
            raise AssertionError(f"python -m bot {' '.join(args)} failed: {done.stderr.decode()}")
        return done.stdout.decode("utf-8", "surrogatepass")

    def store(self) -> Store:
        """The servers' database, read directly (for what no command shows yet)."""
        return Store(self.settings["DATABASE_URL"], self.settings["OWN_WORDS_DATA_KEY"],
                     chain_key=self.settings["OWN_WORDS_CHAIN_KEY"])

    def log(self, *waiting_for: str, timeout: float = 20) -> str:
        """The servers' output so far. honcho copies each process's lines into the log on threads of
        its own, a moment after the process wrote them: give the lines a test needs, and this waits
        (up to `timeout`) until they are all there, then returns the log whether they are or not."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
            if all(line in text for line in waiting_for) or time.monotonic() > deadline:
                return text
            time.sleep(0.2)

    def stop(self, timeout: float = 60) -> Optional[int]:
        """Ctrl-C, as a person at the terminal would press it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
                return None
        return self.process.returncode


def project_copy(folder: Path, models: bool = False) -> Path:
    """The project as a trainer has it: its files and the installed environment. `models`: the
    trained models too (shared, not copied), for servers started from the copy."""
    copy = folder / "project"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (ROOT / name).exists():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    (copy / ".venv").symlink_to(ROOT / ".venv")  # Rasa's cache is the machine's (bot/pack/model.py)
    if models:
        (copy / "models").symlink_to(ROOT / "models")
    return copy


def start_servers(home: Path, root: Path = ROOT, own_log_level: str = "INFO") -> Servers:
    ensure_trained(root)  # a no-op when `make test` has trained already
    servers = launch(home, *prepare(home, own_log_level), root)
    _wait_until_ready(servers)
    return servers


def launch(home: Path, settings: Dict[str, str], env_file: Path, root: Path = ROOT) -> Servers:
    """`make run`'s processes (honcho and the Procfile), started and not waited for."""
    log_path = home / "servers.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(VENV_BIN / "honcho"), "start", "-f", "Procfile", "-e", str(env_file)],
            cwd=root,
            env={**os.environ, **settings, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Servers(home, settings, process, log_path, root)


def prepare(home: Path, own_log_level: str = "INFO"):
    """Settings of the test's own (free ports, a new key, a database in `home`), migrated, and
    written to an env file for honcho. `own_log_level` is for our own loggers (bot/logs.py)."""
    settings = {
        "OWN_WORDS_DATA_KEY": new_key(),
        "OWN_WORDS_CHAIN_KEY": new_chain_key(),
        "DATABASE_URL": f"sqlite:///{home / 'own_words.db'}",
        "TRACKER_DB": str(home / "rasa_tracker.db"),
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "SANIC_HOST": "127.0.0.1",
        "ACTION_TOKEN": new_key(),
        "CHANNEL_TOKEN": new_key(),
        "WEB_SECRET_KEY": new_key(),
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(free_port()),
        "WEB_IDLE_MINUTES": "30",
        "WEB_COOKIE_SECURE": "true",
        "REPORT_TIME_ZONE": "Europe/London",
        "LOG_LEVEL": "INFO",
        "LOG_LEVEL_LIBRARIES": "ERROR",
        "OWN_WORDS_LOG_LEVEL": own_log_level,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    migrate(settings["DATABASE_URL"], data_key=settings["OWN_WORDS_DATA_KEY"])
    env_file = home / "test.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in settings.items()), encoding="utf-8")
    return settings, env_file


def _wait_until_ready(servers: Servers) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if servers.process.poll() is not None:
            raise RuntimeError(f"the servers exited while starting:\n{servers.log()[-5000:]}")
        if "Own Words is ready" in servers.log():
            return
        time.sleep(1)
    servers.stop()
    raise RuntimeError(f"the servers did not start in {START_TIMEOUT} s:\n{servers.log()[-5000:]}")


@dataclass
class Chat:
    """One child's conversation over the tablet channel, remembering every exchange."""

    servers: Servers
    sender: str
    exchanges: List[tuple] = field(default_factory=list)  # (request body, status, response body)

    def post(self, **body) -> requests.Response:
        body = {"sender": self.sender, **body}
        reply = requests.post(self.servers.webhook, json=body, headers=self.servers.channel_headers, timeout=120)
        self.exchanges.append((body, reply.status_code, reply.json()))
        return reply

    def say(self, text: str, **extra) -> List[dict]:
        reply = self.post(message=text, **extra)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def tap(self, payload: str, **extra) -> List[dict]:
        reply = self.post(payload=payload, **extra)
        assert reply.status_code == 200, reply.text
        return reply.json()


class Wording:
    """The bot's words as domain.yml has them, so tests follow a trainer's edits."""

    def __init__(self, practitioner: str):
        domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
        self.responses = domain["responses"]
        self.practitioner = practitioner

    def variation(self, response: str, band: str, rephrase: bool = False) -> dict:
        for variation in self.responses[response]:
            condition = {c["name"]: c["value"] for c in variation.get("condition") or []}
            if condition.get("age_band") == band and condition.get("rephrase", rephrase) == rephrase:
                return variation
        raise KeyError(f"{response} has no wording for {band}")

    def text(
        self, response: str, band: str, rephrase: bool = False, last_words: Optional[str] = None,
        about_name: Optional[str] = None, case_about: Optional[str] = None,
    ) -> str:
        text = self.variation(response, band, rephrase)["text"].replace("{practitioner_name}", self.practitioner)
        text = text.replace("{about_name}", str(about_name)).replace("{case_about}", str(case_about))
        return text.replace("{last_words}", str(last_words))

    def checked_control(self, band: str, replies: list) -> Optional[str]:
        """The control the bot asks the child about in these replies, if they are its check of
        whether typed words meant a control (which words are checked is the trained model's call:
        a test that only walks through a session follows it rather than predicting it)."""
        said = [m.get("text") for m in replies]
        return next((control for control, check in self._control_checks(band) if said == [check["text"]]), None)

    def control_check(self, band: str, control: str) -> dict:
        """The check of whether typed words meant `control` (bot/dialogue/control_check.py), in the band's words."""
        for checked, check in self._control_checks(band):
            if checked == control:
                return check
        raise KeyError(f"utter_ask_control_check has no wording for {band} and {control}")

    def _control_checks(self, band: str):
        """(control, the check's variation with the practitioner's name filled in) for the band."""
        for variation in self.responses["utter_ask_control_check"]:
            condition = {c["name"]: c["value"] for c in variation.get("condition") or []}
            if set(condition) == {"age_band", "control_to_check"} and condition["age_band"] == band:
                yield condition["control_to_check"], {
                    **variation, "text": variation["text"].replace("{practitioner_name}", self.practitioner)}


def words_checked_as(servers: Servers, phrasings: Dict[str, List[str]]) -> Dict[str, str]:
    """control -> the first of its phrasings that the bot checks with a 9-year-old as that control
    (bot/dialogue/control_check.py): which words are only leaned to a control on is the trained
    model's call, so each is said over HTTP at the warm-up question of a new session of its own,
    and the bot's reply says. Found once for each set of servers."""
    from bot.dialogue.sessions import start_session
    from bot.pack.prompt_pack import PromptPack

    known = _CHECKED.setdefault(id(servers), {})
    wording, pack, store = Wording("Alex Morgan"), PromptPack.load(servers.root), servers.store()
    try:
        for control, candidates in phrasings.items():
            for words in candidates:
                if control in known:
                    break
                session = start_session(store, pack, case_reference="FAM-CHECKED-WORDS", child_name="Kit", age=9,
                                        language="en", practitioner="Alex Morgan", plan=["warm_up"])
                chat = Chat(servers, session.id)
                chat.tap("/start")
                if wording.checked_control("age_8_11", chat.say(words)) == control:
                    known[control] = words
    finally:
        store.close()
    return {control: known[control] for control in phrasings if control in known}


_CHECKED: Dict[int, Dict[str, str]] = {}


class Processes(Servers):
    """The same processes, each started on its own from its Procfile line, so that a test can kill
    one and start it again while the others run on."""

    HEALTH = {"actions": "http://127.0.0.1:{ACTION_PORT}/health", "rasa": "http://127.0.0.1:{RASA_PORT}/webhooks/tablet/",
              "web": "http://127.0.0.1:{WEB_PORT}/healthz"}
    PROCFILE = "Procfile"

    def __init__(self, home: Path, overrides: Optional[Dict[str, str]] = None):
        """`overrides`: settings other than prepare()'s (a database URL is migrated)."""
        ensure_trained(ROOT)
        settings, self.env_file = prepare(home)
        settings.update(overrides or {})
        if overrides and "DATABASE_URL" in overrides:
            migrate(settings["DATABASE_URL"], data_key=settings["OWN_WORDS_DATA_KEY"])
        super().__init__(home, settings, None, home / "servers.log", ROOT)
        self.running: Dict[str, subprocess.Popen] = {}
        for name in self.HEALTH:  # all at once, then each waited for: a Rasa server starts in most of a minute
            self._spawn(name)
        for name in self.HEALTH:
            self._wait(name)

    def start(self, name: str) -> None:
        self._spawn(name)
        self._wait(name)

    def _spawn(self, name: str) -> None:
        commands = dict(line.split(":", 1) for line in (ROOT / self.PROCFILE).read_text(encoding="utf-8").splitlines()
                        if ":" in line and not line.startswith("#"))
        with (self.home / "servers.log").open("ab") as log:
            self.running[name] = subprocess.Popen(  # the Procfile's command, in a process group of its own
                ["bash", "-c", "exec " + commands[name].strip()],
                cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def _wait(self, name: str) -> None:
        health = self.HEALTH[name].format(**self.settings)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                if requests.get(health, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.running[name].poll() is not None:
                break
            time.sleep(0.5)
        raise RuntimeError(f"{name} did not start:\n{self.log()[-4000:]}")

    def kill(self, name: str) -> None:
        """As if the process crashed: SIGKILL, no chance to finish anything."""
        process = self.running.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def stop(self, timeout: float = 60) -> Optional[int]:
        for name in list(self.running):
            self.kill(name)
        return 0
