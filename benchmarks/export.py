"""How long a practitioner waits for an export: the summary of a session with many answers, built
from the database and rendered in each format."""
from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from bot.config import PROJECT_ROOT
from bot.dialogue.sessions import start_session
from bot.pack.prompt_pack import PromptPack
from bot.report.render import FORMATS, render
from bot.report.summary import build_summary
from bot.store.chain import new_chain_key
from bot.store.crypto import new_key
from bot.store.db import migrate
from bot.store.repository import Store

ANSWER = "I'd like to see my dad on Saturdays 🙂 and \"stay\" with mum <b>in the week</b>\nsecond line"


def questions(pack: PromptPack) -> List[Tuple[str, str]]:
    """(activity, question) for every question of every plannable activity, as domain.yml has them."""
    forms = yaml.safe_load((pack.root / "domain.yml").read_text(encoding="utf-8"))["forms"]
    return [(key, slot) for key in pack.plannable
            for slot in forms[pack.activities[key].form]["required_slots"] if slot not in ("safeguarding_check", "control_check")]


def session_with_answers(store: Store, pack: PromptPack, count: int) -> str:
    session = start_session(store, pack, case_reference="BENCH-EXPORT", child_name="Ash", age=10, language="en",
                            practitioner="Alex", plan=pack.plannable)
    asked = questions(pack)
    for number in range(count):
        activity, question = asked[number % len(asked)]
        store.record_answer(session.id, activity=activity, prompt_key=question, prompt_text=f"Question {question}?",
                            kind="answer", text=f"{ANSWER} ({number})", message_id=uuid.uuid4().hex)
    return session.id


def measure(answers: int, repeats: int) -> Dict[str, float]:
    """Median seconds over `repeats` to build the summary and render it, for each format."""
    pack = PromptPack.load(PROJECT_ROOT)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'export.db'}"
        migrate(url)
        store = Store(url, new_key(), chain_key=new_chain_key())
        try:
            session_id = session_with_answers(store, pack, answers)
            seconds = {}
            for fmt in FORMATS:
                runs = []
                for _ in range(repeats):
                    started = time.perf_counter()
                    render(build_summary(store, pack, session_id, "Europe/London", include_all=True), fmt)
                    runs.append(time.perf_counter() - started)
                seconds[fmt] = statistics.median(runs)
            return seconds
        finally:
            store.close()
