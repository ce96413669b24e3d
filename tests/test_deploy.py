"""docs/deploy.md and the Dockerfile cannot drift from the project: the image copies files that exist
and that .dockerignore lets through (and never .env, var/ or models/), installs Python 3.10 and Rasa
exactly as `make install` does and runs as a user other than root; every setting the guide names is
in .env.example, every `python -m bot` command in it exists, its YAML parses and agrees with itself.
Where a Docker engine answers, the image is built; elsewhere that test is skipped, saying so."""
from __future__ import annotations

import fnmatch
import re
import shlex
import shutil
import subprocess
import uuid
from pathlib import PurePosixPath
from typing import Iterator, List

import pytest
import yaml

from bot.cli import _parser
from tests.conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
GUIDE = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
ENV_EXAMPLE = (ROOT / ".env.example").read_text(encoding="utf-8")
SETTINGS = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE, re.M))
# Upper-case names in the guide that are not Own Words' settings: placeholders in its commands, and
# libpq's own variables.
NOT_SETTINGS = {"SESSION_ID", "CASE_REFERENCE", "PGSSLMODE", "PGSSLROOTCERT"}


def instructions() -> List[List[str]]:
    """The Dockerfile's instructions, continuation lines joined, comments left out, each split into words."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE)
    return [line.split() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def copy_sources() -> List[str]:
    sources = []
    for words in instructions():
        if words[0].upper() == "COPY":
            arguments = [w for w in words[1:] if not w.startswith("--")]
            sources += arguments[:-1]
    return sources


def yaml_documents() -> Iterator[dict]:
    for block in re.findall(r"```yaml\n(.*?)```", GUIDE, re.S):
        for document in yaml.safe_load_all(block):
            yield document


def pod_spec(document: dict) -> dict:
    spec = document.get("spec", {})
    if "jobTemplate" in spec:
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"] if "template" in spec else spec


def containers(document: dict) -> List[dict]:
    return pod_spec(document).get("containers", [])


def of_kind(kind: str) -> List[dict]:
    return [d for d in yaml_documents() if d.get("kind") == kind]


# --- the Dockerfile and .dockerignore ---

def test_the_image_is_python_310_on_debian_bookworm():
    bases = [words[1] for words in instructions() if words[0].upper() == "FROM"]
    assert bases == ["python:3.10-slim-bookworm"], bases


def test_the_packages_are_installed_as_make_install_installs_them():
    """Each `pip install` of the Makefile's install target is in the Dockerfile, word for word; Rasa
    comes from requirements.txt (pinned there), never installed on its own."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^\$\(VENV\)/\.installed:.*?\n((?:\t.*\n)+)", makefile, re.M).group(1)
    installs = [line.split("pip install", 1)[1].split() for line in recipe.splitlines() if "pip install" in line]
    assert len(installs) == 3, installs
    docker_installs = [line.split("pip install", 1)[1].split()
                       for line in re.sub(r"\\\n", " ", DOCKERFILE).replace("&&", "\n").splitlines() if "pip install" in line]
    for install in installs:
        assert install in docker_installs, f"the Dockerfile does not run `pip install {' '.join(install)}` as the Makefile does"
    assert "rasa==3.6.21" in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert not any(re.search(r"\brasa(-sdk)?\b", " ".join(w for w in i if not w.endswith(".txt"))) for i in docker_installs)


def test_the_image_runs_as_a_user_other_than_root():
    users = [words[1] for words in instructions() if words[0].upper() == "USER"]
    assert users, "the Dockerfile has no USER: the containers would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0") and user.isdigit(), (
        f"USER {users[-1]}: a numeric user other than 0, so that Kubernetes' runAsNonRoot can check it")
    for document in yaml_documents():
        if document.get("kind") in ("Deployment", "StatefulSet", "Job", "CronJob", "Pod"):
            context = pod_spec(document).get("securityContext", {})
            assert context.get("runAsNonRoot") is True and str(context.get("runAsUser")) == user, document["metadata"]


def test_every_file_the_image_copies_is_in_the_repository():
    sources = copy_sources()
    assert {"requirements.txt", "requirements-models.txt", "bot/", "endpoints.yml", "credentials.yml"} <= set(sources)
    for source in sources:
        assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which the repository does not have"


def _ignore_patterns() -> List[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _matches(pattern: str, path: str) -> bool:
    """Docker's rule, as far as .dockerignore uses it: a pattern matches a path or any folder above it."""
    pattern = pattern.strip("/")
    parts = PurePosixPath(path).parts
    if pattern.startswith("**/"):
        return any(fnmatch.fnmatchcase(part, pattern[3:]) for part in parts)
    return any(fnmatch.fnmatchcase("/".join(parts[:n]), pattern) for n in range(1, len(parts) + 1))


def sent_to_the_build(path: str) -> bool:
    sent = True
    for pattern in _ignore_patterns():
        if pattern.startswith("!"):
            if _matches(pattern[1:], path):
                sent = True
        elif _matches(pattern, path):
            sent = False
    return sent


def test_dockerignore_lets_through_what_the_image_copies_and_keeps_out_the_keys_and_data():
    for source in copy_sources():
        files = [source] if (ROOT / source).is_file() else [
            str(p.relative_to(ROOT)) for p in (ROOT / source).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts]
        assert files, source
        for path in files:
            assert sent_to_the_build(path), f".dockerignore keeps out {path}, which the Dockerfile copies"
    for secret in (".env", "var/own_words.db", "var/rasa_tracker.db", "models/model.tar.gz", ".venv/bin/python",
                   ".git/config", "bot/__pycache__/cli.cpython-310.pyc"):
        assert not sent_to_the_build(secret), f".dockerignore lets {secret} into the build"


# --- docs/deploy.md ---

def test_every_setting_the_guide_names_is_in_env_example():
    named = set(re.findall(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", GUIDE))
    for document in of_kind("ConfigMap") + of_kind("Secret"):
        named |= set(document.get("data", {})) | set(document.get("stringData", {}))
    named -= NOT_SETTINGS
    assert {"DATABASE_URL", "TRACKER_DB", "OWN_WORDS_DATA_KEY", "LOCK_STORE_URL", "RASA_URLS"} <= named
    missing = sorted(named - SETTINGS)
    assert not missing, f"docs/deploy.md names settings that .env.example does not document: {missing}"


def bot_commands() -> List[List[str]]:
    """Every `python -m bot ...` in the guide's text and in its manifests' commands, as argument lists."""
    found = [shlex.split(match) for match in
             re.findall(r"python -m bot((?: (?:[A-Za-z0-9_./=-]+|\"[^\"]*\"))*)", GUIDE)
             if match.strip()]  # `python -m bot` alone names the command line, not a command
    for document in yaml_documents():
        for container in containers(document):
            command = container.get("command", [])
            if command[:3] == ["python", "-m", "bot"]:
                found.append(command[3:])
    return found


def test_every_command_the_guide_names_exists():
    commands = bot_commands()
    assert ["migrate"] in commands and ["purge"] in commands and ["web"] in commands
    for arguments in commands:
        try:
            _parser().parse_args(arguments)
        except SystemExit:
            pytest.fail(f"docs/deploy.md: `python -m bot {' '.join(arguments)}` is not a command Own Words has")


def test_the_manifests_agree_with_each_other_and_the_project():
    documents = list(yaml_documents())
    kinds = {d["kind"] for d in documents}
    assert {"ConfigMap", "Secret", "Job", "Service", "StatefulSet", "Deployment", "Ingress", "NetworkPolicy",
            "CronJob"} <= kinds
    config = of_kind("ConfigMap")[0]["data"]
    rasa = of_kind("StatefulSet")[0]
    urls = config["RASA_URLS"].split(",")
    assert len(urls) == rasa["spec"]["replicas"], "RASA_URLS must list every Rasa server"
    assert urls == [f"http://rasa-{n}.rasa:{config['RASA_PORT']}" for n in range(len(urls))]
    by_name = {c["name"]: c for c in containers(rasa)}
    assert f"--port {config['RASA_PORT']}" in by_name["rasa"]["command"][-1]
    assert "--endpoints endpoints.yml --credentials credentials.yml" in by_name["rasa"]["command"][-1]
    assert by_name["actions"]["command"][-2:] == ["--port", config["ACTION_PORT"]]
    assert config["SANIC_HOST"] == "127.0.0.1"  # the action server is reached from inside its pod alone
    assert "127.0.0.1:${ACTION_PORT}" in (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    assert by_name["rasa"]["readinessProbe"]["httpGet"]["path"] == "/webhooks/tablet/"
    web = containers(of_kind("Deployment")[0])[0]
    assert web["readinessProbe"]["httpGet"]["path"] == "/healthz"
    images = {c["image"] for d in documents for c in containers(d)}
    assert len(images) == 1, f"every process runs the one image: {images}"


# --- the image itself ---

def _docker_engine() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.mark.trained  # the build trains a model (about 15 minutes): left out of make check
def test_the_image_builds_and_runs_as_its_own_user():
    if not _docker_engine():
        pytest.skip("no Docker engine on this machine")
    tag = f"own-words-test:{uuid.uuid4().hex[:12]}"
    try:
        subprocess.run(["docker", "build", "-t", tag, str(ROOT)], check=True, timeout=3600)
        probe = ("import os, sys, rasa; from bot.pack.model import model_path; "
                 "print(os.getuid(), sys.version_info[:2] == (3, 10), rasa.__version__, model_path().exists())")
        out = subprocess.run(["docker", "run", "--rm", "--network", "none", tag, "python", "-c", probe],
                             check=True, capture_output=True, text=True, timeout=300).stdout.split()
        assert out == ["10001", "True", "3.6.21", "True"], out
    finally:
        subprocess.run(["docker", "image", "rm", "-f", tag], capture_output=True)

