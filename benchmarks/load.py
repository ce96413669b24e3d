"""Sessions talking at once, each turn timed from request to reply."""
from __future__ import annotations

import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, List, Protocol


class Chat(Protocol):
    def turn(self, number: int) -> None:
        """Send the session's next message and wait for the reply; raise if it is not answered."""


@dataclass
class Load:
    sessions: int
    latencies: List[float]  # seconds, one per turn
    elapsed: float  # wall-clock seconds for all the sessions' turns

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.elapsed

    def percentile(self, p: int) -> float:
        return percentile(self.latencies, p)


def percentile(values: List[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def timed_turn(chat: Chat, number: int) -> float:
    started = time.perf_counter()
    chat.turn(number)
    return time.perf_counter() - started


def run(new_chat: Callable[[int], Chat], sessions: int, turns: int) -> Load:
    """`sessions` chats (opened before the clock starts), each taking `turns` turns, all at once."""
    chats = [new_chat(n) for n in range(sessions)]

    def talk(chat: Chat) -> List[float]:
        return [timed_turn(chat, number) for number in range(turns)]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        per_chat = list(pool.map(talk, chats))
    elapsed = time.perf_counter() - started
    return Load(sessions, [latency for latencies in per_chat for latency in latencies], elapsed)
