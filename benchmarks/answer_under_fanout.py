"""How long the bot's answers take while a document fans out, inside one process, three ways.

    python -m benchmarks.answer_under_fanout [--subscribers 100000] [--seconds 10] [--every 0.02]

One event loop answers «¿cómo va jalisco?» (the engine reads the store: the state's progress
and documents) every `--every` seconds, as the bot's handlers do, while a worker thread
publishes documents for `--subscribers` subscribers back to back (store.add_document: the
fan-out, in chunks, as /publicar runs it). The latency of an answer is from its turn on the loop
to its reply, so a loop held up by anything counts. Three ways, same database, same run:

- one connection: every read waits for the writer's lock (the store before issue 9);
- off the loop: the same, but the answer runs in a thread (asyncio.to_thread);
- read connections: the store as it is (WAL, one read connection per thread), answered inline.

Each is measured idle first (the baseline) and then under the fan-out. Prints p50/p99/max and
the ratio; asserts nothing. Aim (issue 9): p99 <= 20 ms under a 100,000-subscriber fan-out."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

from bot.store import Store
from knowledge.engine import Engine
from knowledge.loader import default_knowledge

QUESTION = "¿cómo va jalisco?"
FIRST_ID = 10_000_000


class OneConnectionStore(Store):
    """The store before issue 9: every read through the writer, behind its lock."""

    def _query(self, sql, params=()):
        with self._lock:
            return list(self.db.query(sql, params))


def subscribe_many(store: Store, count: int, state: str = "jalisco") -> None:
    with store.transaction() as conn:
        conn.executemany("INSERT INTO chats(id) VALUES (?)", ((i,) for i in range(FIRST_ID, FIRST_ID + count)))
        conn.executemany("INSERT INTO subscriptions(chat_id, state) VALUES (?, ?)",
                         ((i, state) for i in range(FIRST_ID, FIRST_ID + count)))


class Publisher(threading.Thread):
    """Documents for the state, one after another, until stopped; counts the fan-outs."""

    def __init__(self, store: Store, tag: str):
        super().__init__(daemon=True)
        self.store, self.tag, self.done, self.queued = store, tag, 0, 0
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            _, queued = self.store.add_document(
                state="jalisco", step=4, kind="acta", title=f"Acta {self.tag} {self.done}",
                url=f"https://stl.example/{self.tag}/{self.done}.pdf", file_id=None, file_unique_id=None,
                file_name=None, published_on=date(2026, 11, 20), published_by="benchmark", notice_html="<b>Aviso</b>")
            self.done += 1
            self.queued += queued


async def answers(engine: Engine, seconds: float, every: float, in_thread: bool) -> list[float]:
    latencies = []
    loop = asyncio.get_running_loop()
    started = loop.time()
    turn = started
    while turn - started < seconds:
        await asyncio.sleep(max(0.0, turn - loop.time()))
        begun = time.perf_counter()
        if in_thread:
            await asyncio.to_thread(engine.ask, QUESTION)
        else:
            engine.ask(QUESTION)
        latencies.append(time.perf_counter() - begun + max(0.0, loop.time() - turn))  # late start counts too
        turn += every
    return latencies


def measure(store: Store, seconds: float, every: float, in_thread: bool, tag: str) -> tuple[list[float], list[float], Publisher]:
    engine = Engine(default_knowledge(), live=store)
    engine.ask(QUESTION)  # warm
    idle = asyncio.run(answers(engine, seconds, every, in_thread))
    publisher = Publisher(store, tag)
    publisher.start()
    time.sleep(0.05)
    try:
        busy = asyncio.run(answers(engine, seconds, every, in_thread))
    finally:
        publisher.stopping.set()
        publisher.join()
    return idle, busy, publisher


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def row(label: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{label:<44}{len(ms):>8}{statistics.median(ms):>9.1f}{percentile(ms, 0.99):>9.1f}{max(ms):>9.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--every", type=float, default=0.02)
    args = parser.parse_args()
    ways = [("one connection", OneConnectionStore, False), ("one connection, off the loop", OneConnectionStore, True),
            ("read connections (the store)", Store, False)]
    print(f"Answers while documents fan out to {args.subscribers:,} subscribers, back to back "
          f"(one answer every {args.every * 1000:.0f} ms, {args.seconds:g} s each)")
    print(f"{'':<44}{'answers':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    with tempfile.TemporaryDirectory() as directory:
        for index, (label, kind, in_thread) in enumerate(ways):
            store = kind(Path(directory) / f"cocrea-{index}.db")
            subscribe_many(store, args.subscribers)
            idle, busy, publisher = measure(store, args.seconds, args.every, in_thread, str(index))
            store.close()
            print(row(f"{label}: idle", idle))
            print(row(f"{label}: fan-out", busy))
            print(f"{'':<4}{publisher.done} fan-outs, {publisher.queued:,} deliveries queued; p99 fan-out/idle = "
                  f"{percentile(busy, 0.99) / percentile(idle, 0.99):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
