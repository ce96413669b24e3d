"""TRAINERS.md cannot go stale: every command in it exists (a make target, a `python -m bot`
command with arguments it accepts, a script), every file it points to is there, the stories its
script writes are those in the project, and its example lint message is the lint's own wording."""
from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys

import pytest

from bot.cli import _parser
from tests.conftest import ROOT

GUIDE = (ROOT / "TRAINERS.md").read_text(encoding="utf-8")
COMMANDS = [line.strip() for block in re.findall(r"```sh\n(.*?)```", GUIDE, re.S) for line in block.splitlines() if line.strip()]
MAKE_TARGETS = set(re.search(r"^\.PHONY:(.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M).group(1).split())
GENERATED = ["data/stories/session.yml", "tests/stories/test_conversations.yml", "tests/stories/test_controls.yml",
             "tests/stories/test_safeguarding.yml"]


def test_the_guide_has_commands():
    assert len(COMMANDS) >= 8


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_in_the_guide_exists(command):
    words = shlex.split(command)
    if words[0] == "make":
        assert words[1] in MAKE_TARGETS, f"TRAINERS.md: `{command}`: the Makefile has no target {words[1]}"
    elif words[:3] == [".venv/bin/python", "-m", "bot"]:
        _parser().parse_args(words[3:])  # exits (fails the test) if the command or its arguments are unknown
    elif words[0] in ("python", ".venv/bin/python") and words[1].startswith("scripts/"):
        assert (ROOT / words[1]).exists(), f"TRAINERS.md: `{command}`: no such script"
    else:
        pytest.fail(f"TRAINERS.md: `{command}` is not a command this test knows how to check")


def test_every_file_the_guide_points_to_is_there():
    paths = {p for p in re.findall(r"`([\w./<>-]+\.(?:yml|md|py)|[\w-]+/(?:[\w-]+/)*)`", GUIDE)
             if "<" not in p and "my_activity" not in p}  # (the example activity a trainer would add)
    missing = [p for p in paths if not (ROOT / p).exists()]
    assert paths and not missing, f"TRAINERS.md points to what is not there: {missing}"


def test_the_story_script_writes_the_stories_the_project_has(tmp_path):
    for name in ("domain.yml", "activities.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    # each activity's own story file says how it starts (the script reads it); session.yml it writes
    shutil.copytree(ROOT / "data" / "stories", tmp_path / "data" / "stories")
    (tmp_path / "data" / "stories" / "session.yml").unlink()
    (tmp_path / "tests" / "stories").mkdir(parents=True)
    # the script keeps the hand-written stories at the end of this file
    shutil.copy(ROOT / "tests" / "stories" / "test_conversations.yml", tmp_path / "tests" / "stories")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "generate-stories.py")], cwd=tmp_path, check=True)
    for path in GENERATED:
        assert (tmp_path / path).read_text(encoding="utf-8") == (ROOT / path).read_text(encoding="utf-8"), (
            f"{path} is not what scripts/generate-stories.py writes: run it and commit the result"
        )


def test_the_example_lint_message_is_the_lints_own_wording():
    from tests.test_prompt_lint import where

    example = re.search(r"```\n(domain\.yml: .*)\n```", GUIDE).group(1)
    start = where("utter_ask_worries", {"age_band": "age_4_7"}) + ": "
    assert example.startswith(start) and example.endswith("is a yes/no question; try 'Tell me about ...'")
    assert "is a yes/no question; try 'Tell me about ...'" in (ROOT / "tests" / "test_prompt_lint.py").read_text()
