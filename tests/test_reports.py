"""`python -m bot nlu-report` and `safeguarding-report` on a file of a service's own messages: any
YAML file of labels, each with a list of messages, so a service can measure the bot on its own words."""
from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from bot.pack.model import ensure_trained
from bot.pack.nlu_eval import training_examples
from tests.conftest import ROOT

pytestmark = pytest.mark.trained  # the trained model's figures: not in make check

MESSAGES = {
    "stop": ["can we stop now please", "stop"],  # "stop" is a training example: left out, and counted
    "answer": ["my dog is called biscuit", "i want it to stop when they shout"],
    "disclosure_physical": ["my dad hits me with his belt"],
    "ordinary": ["i hit the ball really far at cricket"],
}


def report(command: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", command, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}, check=False)


def reports(*commands: tuple) -> list:
    """Several reports at once (each loads the models for most of a minute)."""
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        return list(pool.map(lambda command: report(*command), commands))


def test_both_reports_take_a_file_of_labelled_messages_and_print_their_summary(tmp_path):
    ensure_trained(ROOT)
    assert "stop" in training_examples(ROOT)
    messages = tmp_path / "ours.yml"
    messages.write_text(yaml.safe_dump(MESSAGES), encoding="utf-8")
    nlu, safeguarding = reports(("nlu-report", "--messages", str(messages)),
                                ("safeguarding-report", "--messages", str(messages), "--counts-only"))
    assert nlu.returncode == 0, nlu.stderr
    assert "Controls right:" in nlu.stdout and "of 1 (" in nlu.stdout and "Answers swallowed as a control:" in nlu.stdout
    assert "Answers swallowed as a control: " in nlu.stdout and " of 4;" in nlu.stdout  # the two answers, the disclosure and the ordinary one are all answers here
    assert safeguarding.returncode == 0, safeguarding.stderr
    assert "Disclosures found:" in safeguarding.stdout and "of 1." in safeguarding.stdout
    assert "False alarms:" in safeguarding.stdout and "of 4 (" in safeguarding.stdout  # all but the disclosure
    assert "my dad hits me" not in safeguarding.stdout  # counts only: no message shown
    for printed in (nlu.stdout, safeguarding.stdout):
        assert "Left out: 1 of the file's messages, which are also training examples." in printed


def test_a_file_that_is_not_labelled_messages_is_refused_clearly(tmp_path):
    for name, text in (("list.yml", "- just a list\n"), ("text.yml", "stop: not a list\n"), ("bad.yml", "a: [b\n")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        refused = report("nlu-report", "--messages", str(path))
        assert refused.returncode == 2 and "error:" in refused.stderr and str(path) in refused.stderr, refused.stderr
    missing = report("safeguarding-report", "--messages", str(tmp_path / "nowhere.yml"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
