"""Notification fan-out: enqueue time, delivery rate and peak memory.

    python -m benchmarks.fanout [--subscribers 100000] [--deliver 1500] [--skip-delivery]

Prints (never asserts):
1. the time to publish one document for N subscribers (store.add_document: the document, one
   notice and one outbox row per subscriber, in one transaction, on a temporary file database),
   with a baseline in the same process: a plain INSERT … SELECT of N rows into a table like the
   outbox (same columns and indexes), and the ratio. Aim: under 2 s for 100,000.
2. the delivery rate of the real bot (its own process, PTB's limiter at Telegram's 30/s) against
   the Bot API emulator with its flood control on (30 msg/s per bot), for --deliver subscribers:
   deliveries a second, % of 30/s (aim: at least 95%) and the 429s we caused (aim: 0).
3. peak memory with N subscribers: while enqueueing (tracemalloc, and the process's ru_maxrss),
   and while the dispatcher works through that outbox (tracemalloc in-process with a bot that
   answers at once, and the real bot process's VmHWM while it delivers against the emulator).
4. what durability costs: the store's synchronous=FULL (every commit on disk before it returns,
   so a publication acknowledged as queued survives a power loss) against NORMAL, in the same
   run on the same disk (the temporary folder: point TMPDIR at the disk the bot uses): the
   enqueue of N subscribers, and each delivery's two writes (the claim before the send and the
   record after it), with the share of the event loop they take at 29 sends a second.
Shared machines are noisy: compare ratios and orders of magnitude, not the last digit."""

from __future__ import annotations

import argparse
import asyncio
import gc
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path
from types import SimpleNamespace


from bot.runtime.dispatcher import Dispatcher, Pace
from bot.store import Store
from tests.bot_process import BotProcess
from tests.emulator import BotApiEmulator

TELEGRAM_RATE = 30.0
FIRST_ID = 10_000_000


def subscribe_many(store: Store, ids, state: str = "jalisco") -> None:
    with store.transaction() as conn:
        conn.executemany("INSERT INTO chats(id) VALUES (?)", ((i,) for i in ids))
        conn.executemany("INSERT INTO subscriptions(chat_id, state) VALUES (?, ?)", ((i, state) for i in ids))


def publish(store: Store, n: int = 1, state: str = "jalisco"):
    return store.add_document(state=state, step=4, kind="acta", title=f"Acta {n}", url=f"https://stl.example/{n}.pdf",
                              file_id=None, file_unique_id=None, file_name=None, published_on=date(2026, 11, 20),
                              published_by="benchmark", notice_html="<b>Nuevo documento del STL</b>")


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def vm_hwm_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# -- 1 and 3a: enqueue ------------------------------------------------------------------------

def enqueue(directory: Path, subscribers: int) -> Path:
    path = directory / "enqueue.db"
    store = Store(path)
    subscribe_many(store, range(FIRST_ID, FIRST_ID + subscribers))
    gc.collect()
    rss_before = max_rss_mib()
    tracemalloc.start()
    started = time.perf_counter()
    _, queued = publish(store)
    ours = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    same, bare = baselines(store)
    store.close()
    print(f"1. Enqueue one document for {subscribers:,} subscribers ({queued:,} outbox rows)")
    print(f"   store.add_document:                           {ours:6.3f} s")
    print(f"   baseline, INSERT … SELECT, outbox-like table:  {same:6.3f} s   ratio {ours / same:.2f}x")
    print(f"   (same INSERT … SELECT, table without indexes:  {bare:6.3f} s)")
    print(f"3a. Memory while enqueueing: tracemalloc peak {peak / 2**20:.2f} MiB; "
          f"ru_maxrss {rss_before:.0f} → {max_rss_mib():.0f} MiB")
    return path


def baselines(store: Store) -> tuple[float, float]:
    conn = store.db.conn
    conn.execute("CREATE TABLE like_outbox AS SELECT * FROM deliveries WHERE 0")
    conn.execute("CREATE UNIQUE INDEX like_outbox_unique ON like_outbox(notice_id, chat_id)")
    conn.execute("CREATE INDEX like_outbox_pending ON like_outbox(status, not_before, id)")
    conn.execute("CREATE INDEX like_outbox_by_chat ON like_outbox(chat_id, status)")
    conn.execute("CREATE TABLE bare (notice_id INTEGER, chat_id INTEGER, status TEXT, attempts INTEGER, not_before REAL)")
    same = _timed_insert(conn, "INSERT INTO like_outbox(notice_id, chat_id, status, attempts, not_before) "
                               "SELECT 1, chat_id, 'pending', 0, 0 FROM subscriptions WHERE state = 'jalisco'")
    bare = _timed_insert(conn, "INSERT INTO bare SELECT 1, chat_id, 'pending', 0, 0 FROM subscriptions WHERE state = 'jalisco'")
    return same, bare


def _timed_insert(conn, sql: str) -> float:
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(sql)
    conn.execute("COMMIT")
    return time.perf_counter() - started


# -- 3b: the dispatcher in-process --------------------------------------------------------------

class InstantBot:
    def __init__(self):
        self.sent = 0

    async def send_message(self, chat_id, text, **kwargs):
        self.sent += 1
        return SimpleNamespace(message_id=self.sent)


def dispatcher_memory(db_path: Path, deliveries: int) -> None:
    store = Store(db_path)
    bot = InstantBot()
    dispatcher = Dispatcher(bot, store, Pace(rate=100_000.0, idle_poll=0.01))

    async def work() -> float:
        task = asyncio.create_task(dispatcher.run())
        started = time.perf_counter()
        while bot.sent < deliveries:
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
        await dispatcher.stop()
        await task
        return elapsed

    tracemalloc.start()
    elapsed = asyncio.run(work())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    pending = store.outbox_counts().get("pending", 0)
    store.close()
    print(f"3b. Memory while the dispatcher works (in-process, a bot that answers at once, no pacing): "
          f"{bot.sent:,} sent in {elapsed:.1f} s with {pending:,} still pending; "
          f"tracemalloc peak {peak / 2**20:.2f} MiB; ru_maxrss {max_rss_mib():.0f} MiB")


# -- 2 and 3c: the real bot against the emulator ----------------------------------------------

def delivery_rate(directory: Path, subscribers: int) -> None:
    path = directory / "rate.db"
    with BotApiEmulator(flood_control=True) as emulator:
        users = emulator.new_users(subscribers)
        store = Store(path)
        subscribe_many(store, [u.id for u in users])
        bot = BotProcess(emulator, path).start()
        try:
            publish(store)
            deadline = time.monotonic() + subscribers / TELEGRAM_RATE * 3 + 30
            while emulator.call_count("sendMessage") < subscribers and time.monotonic() < deadline:
                time.sleep(0.2)
            hwm = vm_hwm_mib(bot.process.pid)
        finally:
            bot.stop()
        times = sorted(c.time for c in emulator.calls("sendMessage", status=200))
        rejected = emulator.status_count(429)
        counts = store.outbox_counts()
        store.close()
    rate = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    print(f"2. Delivery rate, the bot as its own process, emulator flood control on (30/s per bot), "
          f"{subscribers:,} subscribers")
    print(f"   delivered {len(times):,} in {times[-1] - times[0]:.1f} s: {rate:.1f}/s = "
          f"{rate / TELEGRAM_RATE:.1%} of 30/s; 429s: {rejected}; outbox {counts}")
    print(f"3c. The bot process while delivering: VmHWM {hwm:.0f} MiB")


def bot_memory_big_outbox(directory: Path, subscribers: int, seconds: float) -> None:
    """The real bot with N pending deliveries: its peak resident memory does not grow with N."""
    path = directory / "big.db"
    with BotApiEmulator(max_recorded_calls=0) as emulator:
        users = emulator.new_users(subscribers)
        store = Store(path)
        subscribe_many(store, [u.id for u in users])
        publish(store)
        store.close()
        bot = BotProcess(emulator, path).start()
        try:
            time.sleep(seconds)  # let it work; this is a measurement, not a test
            sent, hwm = emulator.call_count("sendMessage"), vm_hwm_mib(bot.process.pid)
        finally:
            bot.stop()
    print(f"3d. The bot process with {subscribers:,} pending deliveries, after {seconds:.0f} s of work "
          f"({sent:,} sent): VmHWM {hwm:.0f} MiB")


# -- 4: durability ---------------------------------------------------------------------------------

def durability(directory: Path, subscribers: int, deliveries: int) -> None:
    print(f"4. Durability: synchronous=FULL (the store's setting) against NORMAL, {subscribers:,} subscribers, "
          f"{deliveries:,} deliveries, in {directory}")
    figures = {}
    for mode in ("NORMAL", "FULL"):
        store = Store(directory / f"sync-{mode.lower()}.db")
        store.db.conn.execute(f"PRAGMA synchronous = {mode}")
        subscribe_many(store, range(FIRST_ID, FIRST_ID + subscribers))
        started = time.perf_counter()
        publish(store)
        enqueue = time.perf_counter() - started
        ids = [row[0] for row in store.db.conn.execute("SELECT id FROM deliveries ORDER BY id LIMIT ?", (deliveries,))]
        each = []
        for delivery_id in ids:
            started = time.perf_counter()
            store.claim(delivery_id)
            store.mark_sent(delivery_id, 1)
            each.append(time.perf_counter() - started)
        store.close()
        each.sort()
        figures[mode] = enqueue, sum(each) / len(each), each[int(len(each) * 0.99)], each[-1]
        print(f"   {mode:<6} enqueue {enqueue:6.3f} s; per delivery (claim + record): mean {figures[mode][1] * 1e3:.2f} ms, "
              f"p99 {figures[mode][2] * 1e3:.2f} ms, max {figures[mode][3] * 1e3:.2f} ms; at 29/s the loop is busy "
              f"{figures[mode][1] * 29:.1%} of the time")
    normal, full = figures["NORMAL"], figures["FULL"]
    print(f"   FULL / NORMAL: enqueue {full[0] / normal[0]:.2f}x, per delivery {full[1] / normal[1]:.1f}x "
          f"(+{(full[1] - normal[1]) * 1e3:.2f} ms)")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--deliver", type=int, default=1_500, help="subscribers for the delivery-rate run")
    parser.add_argument("--dispatch", type=int, default=5_000, help="deliveries for the in-process memory run")
    parser.add_argument("--skip-delivery", action="store_true", help="skip the runs against the emulator")
    parser.add_argument("--durability-deliveries", type=int, default=2_000,
                        help="deliveries claimed and recorded in each synchronous mode (4)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        enqueued = enqueue(folder, args.subscribers)
        dispatcher_memory(enqueued, args.dispatch)
        if not args.skip_delivery:
            delivery_rate(folder, args.deliver)
            bot_memory_big_outbox(folder, args.subscribers, seconds=10)
        durability(folder, args.subscribers, args.durability_deliveries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
