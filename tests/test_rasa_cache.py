"""Where training keeps Rasa's cache of trained parts (bot/pack/model.py): shared by every copy of
the project on a machine, never the folder Rasa happens to run in."""
from __future__ import annotations

from bot.pack.model import rasa_cache_directory


def test_the_default_is_the_users_cache_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("RASA_CACHE_DIRECTORY", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert rasa_cache_directory(tmp_path) == tmp_path / "cache" / "own-words" / "rasa"


def test_an_empty_setting_is_the_default_not_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", "  ")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / ".env").write_text("RASA_CACHE_DIRECTORY=\n", encoding="utf-8")
    assert rasa_cache_directory(tmp_path) == tmp_path / "cache" / "own-words" / "rasa"


def test_the_env_file_and_the_environment_choose_it_the_environment_first(tmp_path, monkeypatch):
    monkeypatch.delenv("RASA_CACHE_DIRECTORY", raising=False)
    (tmp_path / ".env").write_text(f"RASA_CACHE_DIRECTORY={tmp_path / 'from-env-file'}\n", encoding="utf-8")
    assert rasa_cache_directory(tmp_path) == tmp_path / "from-env-file"
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / "from-environment"))
    assert rasa_cache_directory(tmp_path) == tmp_path / "from-environment"
