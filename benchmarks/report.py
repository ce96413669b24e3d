"""The benchmark's table, its targets, and docs/benchmarks.md (the figures between the markers are
replaced at each run; what is written around them, the findings, is kept)."""
from __future__ import annotations

import os
import platform
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Dict, List, Optional

from benchmarks.load import Load

START, END = "<!-- benchmark figures: start -->", "<!-- benchmark figures: end -->"
TARGETS = {  # issue 23's, and earlier issues'
    "rasa_p50": 1.2,  # p50 turn latency straight to Rasa, 1 session, at most this times the stock's
    "web_p50": 1.5,  # the same through the web app
    "throughput": 1.0,  # throughput at 10 and 20 sessions at least this times the stock's...
    "throughput_floor": 0.8,  # ...or, if that proves impossible, this (docs/benchmarks.md says why)
    "long": 1.5,  # the last turns of a long session no slower than this times the early turns
    "export": 1.0,  # seconds, every format
    "training": 2.0,  # training from nothing within this times the stock's
    "start_up": 1.2,  # start-up to the first reply within this times the stock's
    "hostile": 1.0,  # seconds to answer a message built to make a regular expression backtrack
}
TARGETS_IN_WORDS = {
    "rasa_p50": "≤ 1.2 × stock", "web_p50": "≤ 1.5 × stock", "throughput": "≥ 1.0 × stock",
    "long": "≤ 1.5 × early turns", "export": "< 1 s", "training": "≤ 2 × stock", "start_up": "≤ 1.2 × stock",
    "hostile": "< 1 s",
}


def machine() -> str:
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:"))
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.machine())
    return (f"{os.cpu_count()} CPUs ({model}), {int(memory) / 1024 / 1024:.0f} GiB memory, "
            f"Python {platform.python_version()}, Rasa {version('rasa')}")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def _verdict(key: str, value: float) -> str:
    limit = TARGETS[key]
    if key == "throughput":
        floor = TARGETS["throughput_floor"]
        met = "met" if value >= limit else f"floor {floor} met" if value >= floor else "MISSED"
        return f"{TARGETS_IN_WORDS[key]} (floor {floor}): {met}"
    met = value < limit if key in ("export", "hostile") else value <= limit
    return f"{TARGETS_IN_WORDS[key]}: {'met' if met else 'MISSED'}"


class Report:
    def __init__(self, quick: bool, export_answers: int):
        self.quick, self.export_answers = quick, export_answers
        self.loads: Dict[str, Dict[int, Load]] = {"stock": {}, "rasa": {}, "web": {}, "scaled": {}}
        self.trainings: Dict[str, Dict[str, float]] = {}
        self.starts: Dict[str, float] = {}
        self.exports: Dict[str, float] = {}
        self.peaks: Dict[str, Dict[str, int]] = {}
        self.long: Optional[tuple] = None
        self.hostile: Dict[str, float] = {}  # what the message is -> seconds to the answer
        self.wording: Optional[float] = None  # seconds from saving a change of wording to a session showing it
        self.seconds = 0.0

    def wording_live(self, seconds: float) -> None:
        self.wording = seconds

    def hostile_message(self, what: str, seconds: float) -> None:
        self.hostile[what] = seconds

    def export(self, fmt: str, seconds: float) -> None:
        self.exports[fmt] = seconds

    def training(self, what: str, ours: Optional[float] = None, stock: Optional[float] = None) -> None:
        row = self.trainings.setdefault(what, {})
        row.update({k: v for k, v in (("ours", ours), ("stock", stock)) if v is not None})

    def start_up(self, ours: Optional[float] = None, stock: Optional[float] = None) -> None:
        self.starts.update({k: v for k, v in (("ours", ours), ("stock", stock)) if v is not None})

    def load(self, target: str, result: Load) -> None:
        self.loads[target][result.sessions] = result

    def long_session(self, early_turn: int, early: float, late_turn: int, late: float, window: int) -> None:
        self.long = (early_turn, early, late_turn, late, window)

    def memory(self, ours: Dict[str, int], stock: Dict[str, int]) -> None:
        self.peaks = {"ours": ours, "stock": stock}

    def finish(self, seconds: float) -> None:
        self.seconds = seconds

    def table(self) -> List[str]:
        rows = ["| measure | Own Words, web app API | Own Words, straight to Rasa | stock Rasa assistant "
                "| ours / stock | target |", "| --- | --- | --- | --- | --- | --- |"]
        for sessions in sorted(self.loads["stock"]):
            stock, rasa, web = (self.loads[t][sessions] for t in ("stock", "rasa", "web"))
            plural = "session" if sessions == 1 else "sessions at once"
            p50_target = ""
            if sessions == 1:
                p50_target = (f"Rasa {_verdict('rasa_p50', rasa.percentile(50) / stock.percentile(50))}; "
                              f"web {_verdict('web_p50', web.percentile(50) / stock.percentile(50))}")
            rows.append(
                f"| turn latency p50 / p95 / p99 (ms), {sessions} {plural} ({len(stock.latencies) // sessions} turns each) "
                + "".join(f"| {' / '.join(_ms(load.percentile(p)) for p in (50, 95, 99))} " for load in (web, rasa, stock))
                + f"| p50: web {web.percentile(50) / stock.percentile(50):.2f}, "
                f"Rasa {rasa.percentile(50) / stock.percentile(50):.2f} | {p50_target} |")
            rows.append(
                f"| throughput (messages per second), {sessions} {plural} "
                + "".join(f"| {load.throughput:.1f} " for load in (web, rasa, stock))
                + f"| web {web.throughput / stock.throughput:.2f}, Rasa {rasa.throughput / stock.throughput:.2f} | "
                + (f"Rasa {_verdict('throughput', rasa.throughput / stock.throughput)}" if sessions in (10, 20) else "")
                + " |")
        for sessions, scaled in sorted(self.loads["scaled"].items()):
            one = self.loads["rasa"][sessions]
            rows.append(f"| two Rasa servers on PostgreSQL + Redis, {sessions} sessions at once: throughput "
                        f"(messages per second); turn latency p50 / p95 (ms) | | {scaled.throughput:.1f}; "
                        f"{_ms(scaled.percentile(50))} / {_ms(scaled.percentile(95))} | | two / one on SQLite: "
                        f"throughput {scaled.throughput / one.throughput:.2f}, p50 "
                        f"{scaled.percentile(50) / one.percentile(50):.2f} | (one machine's CPUs shared by both) |")
        if not self.loads["scaled"]:
            rows.append("| two Rasa servers on PostgreSQL + Redis | not measured (--quick) | | | | |")
        if self.long:
            early_turn, early, late_turn, late, window = self.long
            rows.append(f"| long session, mean turn latency (ms): turns {early_turn - window + 1}-{early_turn} / "
                        f"turns {late_turn - window + 1}-{late_turn} | | {_ms(early)} / {_ms(late)} | | "
                        f"late / early: {late / early:.2f} | {_verdict('long', late / early)} |")
        stock_start = self.starts.get("stock")
        start_ratio = self.starts.get("ours", 0) / stock_start
        rows.append(f"| start-up to the first reply (s) | {self.starts.get('ours', 0):.1f} (all processes) | "
                    f"| {stock_start:.1f} | {start_ratio:.2f} | {_verdict('start_up', start_ratio)} |")
        for name, peak in sorted(self.peaks.get("ours", {}).items()):
            stock_peak = self.peaks.get("stock", {}).get(name)
            rows.append(f"| peak resident memory, {name} (MB) | {peak / 1e6:.0f} | | "
                        f"{f'{stock_peak / 1e6:.0f}' if stock_peak else '(none)'} | "
                        f"{f'{peak / stock_peak:.2f}' if stock_peak else ''} | |")
        for what, seconds in self.trainings.items():
            ours, stock = seconds.get("ours"), seconds.get("stock")
            ratio = ours / stock if ours is not None and stock else None
            target = _verdict("training", ratio) if ratio is not None and "nothing" in what else ""
            if "wording" in what and ours is not None:
                target = "none needed: the wording is live" if ours < 1 else "MISSED: a change of wording retrained"
            rows.append(f"| training {what} (s) | {'not measured (--quick)' if ours is None else f'{ours:.0f}'} | | "
                        f"{stock:.0f} | {'' if ratio is None else f'{ratio:.2f}'} | {target} |")
        if self.wording is not None:
            rows.append(f"| a change of wording alone: from saving domain.yml to a new session shown it (s) | | "
                        f"{self.wording:.1f} | | | no retraining, no restart: met |")
        for fmt, seconds in self.exports.items():
            rows.append(f"| export of {self.export_answers} answers, {fmt} (s) | {seconds:.2f} | | | | "
                        f"{_verdict('export', seconds)} |")
        for what, seconds in self.hostile.items():
            rows.append(f"| a turn answering {what} (s) | | {seconds:.2f} | | | {_verdict('hostile', seconds)} |")
        return rows

    def write(self, doc: Path) -> None:
        figures = [
            START,
            f"Run on {date.today().isoformat()} by `make bench{' --quick' if self.quick else ''}` "
            f"in {self.seconds / 60:.1f} minutes, on {machine()}.",
            "",
            *self.table(),
            END,
        ]
        doc.parent.mkdir(parents=True, exist_ok=True)
        text = doc.read_text(encoding="utf-8") if doc.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
        if START not in text or END not in text:
            raise RuntimeError(f"{doc} has lost its markers {START} and {END}: put them back where the figures go")
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        doc.write_text(before + "\n".join(figures) + after, encoding="utf-8")
