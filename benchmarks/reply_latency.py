"""Reply latency while documents fan out, against the same bot idle, in the same run.

    python -m benchmarks.reply_latency [--subscribers 100000] [--people 10] [--every 1] [--seconds 30]
                                       [--latency 0]

The bot runs as its own process (`python -m bot run`, rate limiter on) against the Bot API
emulator with Telegram-like flood control (30 msg/s per bot, 1/s per chat). `--people` people
each ask a question every `--every` seconds (their phases spread evenly) for `--seconds`:
first with nothing else going on (the baseline), then while documents for `--subscribers`
subscribers are published back to back from another process (as `python -m bot publicar`
does: each fans out one delivery per subscriber, in chunks) for the whole measurement, and
the bot delivers their notices. A reply's latency is from the moment the person's message is
handed to the emulator to the moment the bot's answer reaches it. Also printed: notices
delivered a second during the measurement and the 429s Telegram (the emulator) had to send.
`--latency` adds that many seconds to every Bot API call (a far-away server).
Prints figures; asserts nothing. Aims: p99 <= 500 ms while notices flow at >= 20/s (issue 13);
p99 <= 20 ms while a document fans out to 100,000 subscribers (issue 9; on a loaded machine the
idle baseline itself may not meet it: compare the two)."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path


from bot.store import Store
from tests.bot_process import BotProcess
from tests.emulator import BotApiEmulator

QUESTION = "¿cómo va jalisco?"
NOTICE_MARK = "Nuevo documento del STL"


def subscribe_many(store: Store, ids, state: str = "jalisco") -> None:
    with store.transaction() as conn:
        conn.executemany("INSERT INTO chats(id) VALUES (?)", ((i,) for i in ids))
        conn.executemany("INSERT INTO subscriptions(chat_id, state) VALUES (?, ?)", ((i, state) for i in ids))


class Publisher(threading.Thread):
    """Documents for the subscribers' state, one after another, until stopped."""

    def __init__(self, db_path: Path):
        super().__init__(daemon=True)
        self.db_path, self.done, self.queued = db_path, 0, 0
        self.stopping = threading.Event()

    def run(self) -> None:
        store = Store(self.db_path)
        try:
            while not self.stopping.is_set():
                _, queued = store.add_document(
                    state="jalisco", step=4, kind="acta", title=f"Acta {self.done}",
                    url=f"https://stl.example/acta-{self.done}.pdf", file_id=None, file_unique_id=None,
                    file_name=None, published_on=date(2026, 11, 20), published_by="benchmark",
                    notice_html=f"<b>{NOTICE_MARK}</b>")
                self.done += 1
                self.queued += queued
        finally:
            store.close()


def notices_sent(emu: BotApiEmulator) -> list[float]:
    return sorted(c.time for c in emu.calls("sendMessage", status=200) if NOTICE_MARK in str(c.params.get("text")))


def ask(emu: BotApiEmulator, people: list, every: float, seconds: float) -> list[float]:
    """Everybody asks every `every` seconds for `seconds`; the latency of every reply."""
    asked: dict[int, list[float]] = {p.id: [] for p in people}
    already = {p.id: len(answers(emu, p)) for p in people}
    started = time.monotonic()
    rounds = int(seconds / every)
    for round_ in range(rounds):
        for n, someone in enumerate(people):
            time.sleep(max(0.0, started + round_ * every + n * every / len(people) - time.monotonic()))
            asked[someone.id].append(time.time())
            emu.send_text(someone, QUESTION)
    emu.wait_for(lambda: all(len(answers(emu, p)) >= already[p.id] + rounds for p in people),
                 timeout=seconds * 10 + 120, description="every question answered")
    return [call.time - at for p in people for call, at in zip(answers(emu, p)[already[p.id]:], asked[p.id], strict=False)]


def answers(emu: BotApiEmulator, someone) -> list:
    return emu.calls("sendMessage", chat_id=someone.id, status=200)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def line(label: str, latencies: list[float]) -> str:
    ms = [v * 1000 for v in latencies]
    return (f"{label:<34}{len(ms):>8}{statistics.median(ms):>10.0f}{percentile(ms, 0.90):>10.0f}"
            f"{percentile(ms, 0.99):>10.0f}{max(ms):>10.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--every", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every Bot API call")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory, BotApiEmulator(flood_control=True) as emu:
        db_path = Path(directory) / "cocrea.db"
        if args.latency:
            emu.set_latency(args.latency)
        subscribers = emu.new_users(args.subscribers, first_name="Suscriptor")
        people = emu.new_users(args.people, first_name="Pregunta")
        store = Store(db_path)
        subscribe_many(store, [u.id for u in subscribers])
        bot = BotProcess(emu, db_path).start(timeout=60)
        try:
            idle = ask(emu, people, args.every, args.seconds)
            publisher = Publisher(db_path)
            publisher.start()
            deadline = time.monotonic() + 60
            while len(notices_sent(emu)) < 30 and time.monotonic() < deadline:
                time.sleep(0.05)
            before = time.time()
            try:
                busy = ask(emu, people, args.every, args.seconds)
            finally:
                publisher.stopping.set()
                publisher.join()
            after = time.time()
            during = [t for t in notices_sent(emu) if before <= t <= after]
        finally:
            bot.stop()
            store.close()
        rejected = emu.status_count(429)

    print(f"Reply latency, {args.people} people asking every {args.every:g} s for {args.seconds:g} s "
          f"(bot process, rate limiter on, emulator flood control on, +{args.latency * 1000:.0f} ms per API call)")
    print(f"{'':<34}{'replies':>8}{'p50 ms':>10}{'p90 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    print(line("idle (baseline)", idle))
    print(line(f"during {args.subscribers:,}-subscriber fan-outs", busy))
    print(f"p50 ratio {statistics.median(busy) / statistics.median(idle):.2f}x, p99 ratio "
          f"{percentile(busy, 0.99) / percentile(idle, 0.99):.2f}x; {publisher.done} fan-outs "
          f"({publisher.queued:,} deliveries queued) while people asked")
    print(f"notices delivered while people asked: {len(during):,} in {after - before:.1f} s = "
          f"{len(during) / (after - before):.1f}/s; 429s from the emulator in the whole run: {rejected}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
