"""The trained Rasa model, cached by the fingerprint of what it is trained from.

`models/<fingerprint>.tar.gz` is trained once; a later run with the same config, domain and data
(and the same Rasa) finds it and starts at once. Rasa's own cache of trained parts, kept by their
fingerprints, makes a retrain after a small change quick: it lives in RASA_CACHE_DIRECTORY,
by default ~/.cache/own-words/rasa rather than Rasa's .rasa/ in the project, so that every copy of
the project on a machine (a fresh clone, the copy a test trains) shares it, as pip's cache is shared.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable, List

import yaml

from bot.config import PROJECT_ROOT
from bot.pack.prompt_pack import content_hash

KEEP_MODELS = 3


def training_files(root: Path) -> List[Path]:
    return [root / "config.yml", root / "domain.yml", *sorted((root / "data").rglob("*.yml"))]


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    """Of the files the model is trained from, with the responses' wording left out of domain.yml:
    the Rasa server says the wording as the file holds it now (bot/channel/live_wording.py), so a
    change of wording alone needs no new model. Their names, and everything else, count."""
    from importlib.metadata import version

    files = [path for path in training_files(root) if path != root / "domain.yml"]
    return content_hash(root, files, extra=f"rasa {version('rasa')}\0{_domain_without_wording(root)}")[:20]


def _domain_without_wording(root: Path) -> str:
    text = (root / "domain.yml").read_text(encoding="utf-8")
    try:
        domain = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        return text  # all of it: training stops on the mistake and Rasa names it
    if isinstance(domain, dict) and isinstance(domain.get("responses"), dict):
        domain["responses"] = sorted(domain["responses"])
    return json.dumps(domain, sort_keys=True, ensure_ascii=False, default=str)


def model_path(root: Path = PROJECT_ROOT) -> Path:
    return root / "models" / f"{fingerprint(root)}.tar.gz"


def _ensure_rasa_model(root: Path, quiet: bool) -> Path:
    """Train the model unless one for exactly these files exists. Returns its path. `quiet`: print
    nothing but Rasa's errors (the benchmark)."""
    return build_once(model_path(root), root, quiet, ("Model", "the model (the config, domain or data changed)"),
                      lambda path: _train_rasa(root, path, quiet), "*.tar.gz")


def build_once(path: Path, root: Path, quiet: bool, names: tuple, build: Callable[[Path], None],
               pattern: str) -> Path:
    """`path`, built unless it exists, then the older files matching `pattern` beside it pruned to
    the newest few (switching back to earlier data stays fast). `names`: what to print when it is
    up to date, and when it is built."""
    if path.exists():
        if not quiet:
            print(f"{names[0]} up to date: {path.relative_to(root)}")
        return path
    if not quiet:
        print(f"Training {names[1]}: {path.relative_to(root)}")
    build(path)
    _prune(path, pattern)
    return path


def rasa_cache_directory(root: Path = PROJECT_ROOT) -> Path:
    """RASA_CACHE_DIRECTORY from the environment or .env, or the user's cache folder when it is
    unset or empty (an empty value would make Rasa cache into whatever folder it runs in)."""
    from dotenv import dotenv_values

    chosen = (os.environ.get("RASA_CACHE_DIRECTORY") or dotenv_values(root / ".env").get("RASA_CACHE_DIRECTORY") or "").strip()
    if chosen:
        return Path(chosen).expanduser()
    cache_home = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(cache_home) / "own-words" / "rasa"


def _train_rasa(root: Path, path: Path, quiet: bool) -> None:
    command = [
        sys.executable, "-m", "rasa", "train",
        "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
        "--out", "models", "--fixed-model-name", path.name[: -len(".tar.gz")],
    ]
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(rasa_cache_directory(root))}
    if not quiet:
        subprocess.run(command, cwd=root, check=True, env=env)
    else:
        done = subprocess.run(command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        if done.returncode != 0:
            raise RuntimeError(f"training failed:\n{done.stderr.decode(errors='replace')[-3000:]}")


def ensure_trained(root: Path = PROJECT_ROOT, quiet: bool = False) -> Path:
    """The Rasa model and the meaning classifier (bot/meaning/classifier.py), each trained
    unless one for exactly these files exists. Returns the Rasa model's path."""
    from bot.meaning import classifier

    path = _ensure_rasa_model(root, quiet)
    classifier.ensure_trained(root, quiet)
    return path


def _prune(keep: Path, pattern: str) -> None:
    models = sorted(keep.parent.glob(pattern), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in models[KEEP_MODELS:]:
        if old != keep:
            old.unlink()
