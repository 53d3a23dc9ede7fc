"""How long a large enqueue stalls the bot's event loop.

    python -m benchmarks.enqueue_stall [--subscribers 1000000]

The bot publishes in a worker thread (handlers/render.py slow_work), but its event loop keeps
using the same store between two sends: the dispatcher reads due deliveries and records each
send, handlers read and write. While the publishing thread holds the store, every such call
waits, and so does everything else on the loop. This script runs, on one event loop: a probe
that wakes every millisecond and records how late it woke (the stall), and a stand-in for the
dispatcher that reads the outbox and writes one record every 33 ms, while a document for N
subscribers is published in a thread. Two ways, in the same run, on the same database:

- baseline: the whole fan-out in one transaction (how the store did it before);
- store.add_document as it is (chunks of FAN_OUT_CHUNK deliveries, the loop let in between).

Prints the enqueue time and the longest and 99th-percentile stall of each; asserts nothing.
Aim (issue 13): no stall longer than 50 ms at 1,000,000 subscribers."""

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


import bot.store.outbox
from bot.store import Store

FIRST_ID = 10_000_000
HTML = "<b>Nuevo documento del STL</b>"


def subscribe_many(store: Store, count: int, state: str = "jalisco") -> None:
    with store.transaction() as conn:
        conn.executemany("INSERT INTO chats(id) VALUES (?)", ((i,) for i in range(FIRST_ID, FIRST_ID + count)))
        conn.executemany("INSERT INTO subscriptions(chat_id, state) VALUES (?, ?)",
                         ((i, state) for i in range(FIRST_ID, FIRST_ID + count)))


def publish_now(store: Store, n: int) -> int:
    _, queued = store.add_document(state="jalisco", step=4, kind="acta", title=f"Acta {n}",
                                   url=f"https://stl.example/{n}.pdf", file_id=None, file_unique_id=None,
                                   file_name=None, published_on=date(2026, 11, 20), published_by="benchmark",
                                   notice_html=HTML)
    return queued


def publish_in_one_transaction(store: Store, n: int) -> int:
    """The store's fan-out before: the document, the notice and every delivery in one go."""
    with store.transaction() as conn:
        document = conn.execute(
            "INSERT INTO documents(state, step, kind, title, url, published_on, published_by, created_at) "
            "VALUES ('jalisco', 4, 'acta', ?, ?, '2026-11-20', 'benchmark', '2026-11-20T00:00:00+00:00')",
            (f"Acta {n}", f"https://stl.example/{n}.pdf")).lastrowid
        notice = conn.execute("INSERT INTO notices(kind, ref_id, state, html, created_at) "
                              "VALUES ('document', ?, 'jalisco', ?, '2026-11-20T00:00:00+00:00')",
                              (document, HTML)).lastrowid
        return conn.execute(
            "INSERT INTO deliveries(notice_id, chat_id) SELECT ?, s.chat_id FROM subscriptions s "
            "JOIN chats c ON c.id = s.chat_id WHERE s.state = 'jalisco' AND c.active = 1 AND s.documents = 1 "
            "ORDER BY s.chat_id", (notice,)).rowcount


async def measure(store: Store, publish, n: int) -> tuple[float, int, list[float]]:
    """Publish in a thread while the loop probes itself and works the store like the dispatcher."""
    stalls: list[float] = []
    finished = threading.Event()

    async def probe() -> None:
        loop = asyncio.get_running_loop()
        while not finished.is_set():
            before = loop.time()
            await asyncio.sleep(0.001)
            stalls.append(loop.time() - before - 0.001)

    async def dispatcher_stand_in() -> None:
        while not finished.is_set():
            store.due_deliveries(time.time(), 8)
            store.set_setting("benchmark", str(time.time()))
            await asyncio.sleep(1 / 30)

    def work() -> int:
        try:
            return publish(store, n)
        finally:
            finished.set()

    tasks = [asyncio.create_task(probe()), asyncio.create_task(dispatcher_stand_in())]
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    queued = await asyncio.to_thread(work)
    elapsed = time.perf_counter() - started
    await asyncio.gather(*tasks)
    return elapsed, queued, stalls


def report(label: str, elapsed: float, queued: int, stalls: list[float]) -> None:
    ordered = sorted(stalls)
    p99 = ordered[int(0.99 * (len(ordered) - 1))]
    print(f"{label:<44}{elapsed:>9.2f} s{queued:>11,}{max(stalls) * 1000:>12.1f}{p99 * 1000:>10.1f}"
          f"{statistics.median(stalls) * 1000:>10.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=bot.store.outbox.FAN_OUT_CHUNK, help="deliveries per transaction")
    args = parser.parse_args()
    bot.store.outbox.FAN_OUT_CHUNK = args.chunk
    with tempfile.TemporaryDirectory() as directory:
        store = Store(Path(directory) / "stall.db")
        subscribe_many(store, args.subscribers)
        idle = asyncio.run(measure(store, lambda store, n: time.sleep(2) or 0, 0))
        baseline = asyncio.run(measure(store, publish_in_one_transaction, 1))
        chunked = asyncio.run(measure(store, publish_now, 2))
        store.close()
    print(f"Event-loop stall while enqueueing one notice for {args.subscribers:,} subscribers "
          f"(a probe every 1 ms, the store used from the loop every 33 ms)")
    print(f"{'':<44}{'enqueue':>11}{'queued':>11}{'max ms':>12}{'p99 ms':>10}{'p50 ms':>10}")
    report("nothing enqueued (2 s, the loop's own work)", *idle)
    report("baseline: one transaction", *baseline)
    report(f"store.add_document ({args.chunk:,} per transaction)", *chunked)
    return 0


if __name__ == "__main__":
    sys.exit(main())
