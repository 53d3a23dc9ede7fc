"""The outbox dispatcher under faults of the whole (issue 13, items 2, 3 and 4), on the virtual
clock of tests/test_dispatcher.py: a full disk (an injected "database or disk is full", as SQLite
raises it), a crash between the claim and the record, a Bot API that answers too late, and a
wall clock that jumps."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from contextlib import asynccontextmanager
from itertools import pairwise
from types import SimpleNamespace

import httpx
import pytest
import time_machine
from telegram.error import TimedOut

from bot.runtime.dispatcher import (
    FLOOD_WAIT_KEY, FLOOD_WAIT_SECONDS_KEY, MAX_BACKOFF_SECONDS, SEND_READ_TIMEOUT, STORAGE_PAUSES,
    Dispatcher, Pace,
)
from bot.store import StorageError, Store
from tests.test_dispatcher import (  # noqa: F401 (clock is a fixture; store comes from conftest)
    FakeBot, VirtualClock, clock, drain, make, publish, subscribe,
)

CONCURRENCY = Pace().concurrency


class FullDisk:
    """The store's connection, except that while `full` every write fails as SQLite fails on a
    full disk: 'database or disk is full', the transaction rolled back by SQLite itself."""

    WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")

    def __init__(self, conn: sqlite3.Connection, clock=None):
        self._conn = conn
        self.clock = clock
        self.full = False
        self.refused: list[tuple[float | None, str]] = []

    def execute(self, sql: str, params=()):
        if self.full and sql.lstrip().upper().startswith(self.WRITES):
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            self.refused.append((self.clock() if self.clock else None, sql))
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def fill(store: Store, clock=None) -> FullDisk:
    disk = FullDisk(store.db.conn, clock)
    store.db.conn = disk
    return disk


@asynccontextmanager
async def running(dispatcher: Dispatcher):
    task = asyncio.create_task(dispatcher.run())
    try:
        yield task
    finally:
        await dispatcher.stop()
        await asyncio.wait_for(task, 10)


async def until(check, timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.001)


def statuses(store: Store) -> dict[int, str]:
    return {chat: status for chat, status in store.db.conn.execute("SELECT chat_id, status FROM deliveries")}


def most_in_one_second(times: list[float]) -> int:
    times, most, first = sorted(times), 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] > 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def tracebacks(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info]


# -- a full disk (item 2) -----------------------------------------------------------------------


def test_a_full_disk_is_one_storage_error_and_the_connection_works_again_once_freed(tmp_path):
    store = Store(tmp_path / "cocrea.db")
    subscribe(store, [1])
    disk = fill(store)
    disk.full = True
    with pytest.raises(StorageError, match="el disco está lleno"):
        publish(store)  # SQLite rolled the transaction back itself: no "cannot rollback" on top
    disk.full = False
    publish(store)
    assert store.outbox_counts() == {"pending": 1}
    store.close()


async def test_nothing_is_sent_while_the_claim_cannot_be_written_and_the_log_says_it_once(store, clock, caplog):
    subscribe(store, range(1, 31))
    publish(store)
    disk = fill(store, clock)
    disk.full = True
    bot = FakeBot(clock)
    dispatcher = make(bot, store, clock)
    with caplog.at_level(logging.DEBUG, logger="cocreabot.dispatcher"):
        async with running(dispatcher):
            await until(lambda: clock.now > 600 + 1_800_000_000.0)  # ten minutes of a full disk
            assert bot.attempts == []
            disk.full = False
            await until(lambda: store.outbox_counts() == {"sent": 30})
    assert sorted(s.chat_id for s in bot.sends) == list(range(1, 31))
    problems = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(problems) == 1 and "database or disk is full" in problems[0]
    assert tracebacks(caplog) == []
    assert any("over after" in r.getMessage() for r in caplog.records)
    # a breaker with growing pauses: 1, 2, 4 … 60 s between tries, not a try a second
    tries = [at for at, sql in disk.refused if at <= 1_800_000_000.0 + 600]  # in the first ten minutes
    gaps = [b - a for a, b in pairwise(tries)]
    assert gaps[:5] == pytest.approx([1, 2, 4, 8, 16], abs=0.2)
    assert max(gaps) <= STORAGE_PAUSES[1] + 1 and len(tries) < 20


async def test_a_disk_that_fills_after_the_send_sends_nothing_twice_and_writes_it_later(store, clock, caplog):
    subscribe(store, range(1, 31))
    publish(store)
    disk = fill(store, clock)
    bot = FakeBot(clock, on_send={5: lambda: setattr(disk, "full", True)})  # full while 5's send is under way
    dispatcher = make(bot, store, clock)
    async with running(dispatcher):
        await until(lambda: disk.refused)
        full_at = clock.now
        await until(lambda: clock.now > full_at + 120)
        sends_while_full = len(bot.attempts)
        disk.full = False
        await until(lambda: store.outbox_counts() == {"sent": 30})
    assert bot.received(5)  # it went out before the disk filled …
    assert sends_while_full <= 5 + CONCURRENCY
    assert sorted(s.chat_id for s in bot.sends) == list(range(1, 31))  # … and nobody got anything twice
    assert tracebacks(caplog) == []


async def test_outcomes_that_could_not_be_written_before_a_stop_are_sent_once_more_at_most(store, clock):
    subscribe(store, range(1, 11))
    publish(store)
    disk = fill(store, clock)
    bot = FakeBot(clock, on_send={3: lambda: setattr(disk, "full", True)})
    first = make(bot, store, clock)
    async with running(first):
        await until(lambda: disk.refused)
    disk.full = False  # space is freed only after the bot stopped (its outcomes were in memory)
    already = {s.chat_id for s in bot.sends}
    second_bot = FakeBot(clock)
    await drain(make(second_bot, store, clock), store)
    counts = {chat: len(bot.received(chat)) + len(second_bot.received(chat)) for chat in range(1, 11)}
    assert all(1 <= n <= 2 for n in counts.values())
    assert sum(counts.values()) - 10 <= min(len(already), CONCURRENCY)
    assert store.outbox_counts() == {"sent": 10}


# -- a crash between the claim and the record (item 2) --------------------------------------------


async def test_a_delivery_claimed_before_a_crash_is_sent_once_more_and_one_claimed_twice_never(store, clock, caplog):
    subscribe(store, [1, 2, 3])
    publish(store)
    ids = {chat: row_id for row_id, chat in store.db.conn.execute("SELECT id, chat_id FROM deliveries")}
    assert store.claim(ids[1]) == "claimed"  # a run claimed it, maybe sent it, and died
    store.claim(ids[2])
    store.mark_retry(ids[2], 0, "NetworkError: Bad Gateway")  # that run knew 2's send failed
    store.claim(ids[3]), store.claim(ids[3])  # two runs died sending it
    bot = FakeBot(clock)
    with caplog.at_level(logging.WARNING, logger="cocreabot.dispatcher"):
        await drain(make(bot, store, clock), store)
    assert sorted(s.chat_id for s in bot.sends) == [1, 2]
    assert statuses(store) == {1: "sent", 2: "sent", 3: "unconfirmed"}
    assert any("may have arrived" in r.getMessage() for r in caplog.records)


# -- a slow Bot API (item 3) ------------------------------------------------------------------------


class SlowApi(FakeBot):
    """Telegram under strain: until `slow_until`, every message arrives, but the answer comes
    after the client gave up (TimedOut)."""

    def __init__(self, clock, slow_until: float):
        super().__init__(clock)
        self.slow_until = slow_until
        self.arrived: list[int] = []
        self.kwargs: list[dict] = []

    async def send_message(self, chat_id, text, **kwargs):
        self.kwargs.append(kwargs)
        return await self._send(chat_id, "sendMessage", text)

    async def send_document(self, chat_id, document, caption=None, **kwargs):
        self.kwargs.append(kwargs)
        return await self._send(chat_id, "sendDocument", caption)

    async def _send(self, chat_id, method, text):
        self.arrived.append(chat_id)
        await asyncio.sleep(0)
        if self.clock() < self.slow_until:
            raise TimedOut("Timed out")
        return SimpleNamespace(message_id=len(self.arrived))


async def test_a_slow_api_pauses_every_send_and_no_one_gets_a_notice_more_than_twice(store, clock, caplog):
    subscribe(store, range(1, 41))
    publish(store)
    bot = SlowApi(clock, slow_until=clock.now + 60)
    with caplog.at_level(logging.INFO, logger="cocreabot.dispatcher"):
        await drain(make(bot, store, clock), store, timeout=20)
    counts = {chat: bot.arrived.count(chat) for chat in range(1, 41)}
    assert min(counts.values()) >= 1 and max(counts.values()) <= 2
    pauses = 1 + sum(1 for r in caplog.records if "still" in r.getMessage())  # the probes that timed out too
    assert sum(counts.values()) - 40 <= CONCURRENCY + pauses <= CONCURRENCY + 5
    assert store.outbox_counts() == {"sent": 40}  # never 'failed' although delivered
    told = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(told) == 1 and "did not answer" in told[0]


async def test_the_dispatcher_gives_telegram_a_long_read_timeout(store, clock):
    subscribe(store, [1, 2])
    publish(store, n=1)
    publish(store, n=2, file_id="BQACAgEAAx0")
    bot = SlowApi(clock, slow_until=0)
    await drain(make(bot, store, clock), store)
    assert len(bot.kwargs) == 4
    assert all(20 <= k.get("read_timeout", 0) <= 30 for k in bot.kwargs)
    assert SEND_READ_TIMEOUT >= 20


async def test_a_timeout_before_the_request_left_is_no_unsure_send(store, clock, caplog):
    subscribe(store, [1])
    publish(store)
    never_left = TimedOut("Timed out")
    never_left.__cause__ = httpx.ConnectTimeout("connect timed out")
    bot = FakeBot(clock, failures={1: [never_left, never_left, never_left]})
    with caplog.at_level(logging.ERROR, logger="cocreabot.dispatcher"):
        await drain(make(bot, store, clock), store)
    assert len(bot.received(1)) == 1 and store.outbox_counts() == {"sent": 1}
    assert not caplog.records  # no pause of everything: Telegram never saw it


# -- time you can trust (item 4) --------------------------------------------------------------------


class JumpingWall:
    """The system's wall clock: the monotonic one plus whatever someone set."""

    def __init__(self, monotonic: VirtualClock):
        self.monotonic = monotonic
        self.offset = 0.0

    def __call__(self) -> float:
        return self.monotonic() + self.offset


async def test_a_wall_clock_that_steps_back_ten_minutes_or_ahead_eleven_days_stalls_and_hurries_nothing():
    """The production clocks (time-machine moves the wall clock only, as a step of the system
    clock does): pacing and waits go on as if nothing happened."""
    store = Store.memory()
    subscribe(store, range(1, 61))
    publish(store)
    with time_machine.travel(time.time(), tick=True) as traveller:
        bot = FakeBot(time.monotonic, on_send={10: lambda: traveller.shift(-600),
                                               30: lambda: traveller.shift(600 + 11 * 86400)})
        dispatcher = Dispatcher(bot, store, Pace(idle_poll=0.05))
        started = time.monotonic()
        await drain(dispatcher, store, timeout=15)
    assert sorted(s.chat_id for s in bot.sends) == list(range(1, 61))
    assert time.monotonic() - started < 6  # 60 notices at ~29 a second, not ten minutes
    assert most_in_one_second([s.at for s in bot.sends]) <= 30  # nor a burst when the clock leapt ahead


async def test_a_persisted_flood_wait_is_never_longer_than_telegram_asked(store, clock):
    """Written with a clock 11 days ahead (or read with one set back): 600 s at most."""
    store.set_setting(FLOOD_WAIT_KEY, f"{clock.now + 11 * 86400 + 600:.3f}")
    store.set_setting(FLOOD_WAIT_SECONDS_KEY, "600")
    subscribe(store, [1])
    publish(store)
    bot = FakeBot(clock)
    await drain(make(bot, store, clock), store, timeout=10)
    assert bot.sends and 600 - 1 <= bot.sends[0].at - 1_800_000_000.0 <= 600 + 2
    assert store.get_setting(FLOOD_WAIT_KEY) is None and store.get_setting(FLOOD_WAIT_SECONDS_KEY) is None


async def test_a_flood_wait_survives_a_restart_even_with_the_clock_set_back(store, clock):
    subscribe(store, [1, 2])
    publish(store)
    from telegram.error import RetryAfter

    bot = FakeBot(clock, failures={1: [RetryAfter(3600)]})
    await drain(make(bot, store, clock, concurrency=1), store, until=lambda: store.get_setting(FLOOD_WAIT_KEY))
    assert store.get_setting(FLOOD_WAIT_SECONDS_KEY) == "3600.000"
    restarted = VirtualClock(clock.now + 10)
    wall = JumpingWall(restarted)
    wall.offset = -3 * 3600  # and the new process's wall clock is three hours behind
    second_bot = FakeBot(restarted)
    dispatcher = type(make(bot, store, clock))(second_bot, store, Pace(idle_poll=0.05), clock=restarted,
                                               sleep=restarted.sleep, wall=wall)
    await drain(dispatcher, store, timeout=10)
    waited = min(s.at for s in second_bot.sends) - (clock.now + 10)
    assert 3600 - 15 <= waited <= 3600 + 2  # never four hours


async def test_a_delivery_written_to_wait_with_a_clock_days_ahead_waits_no_longer_than_a_back_off(store, clock):
    subscribe(store, [1])
    publish(store)
    store.db.conn.execute("UPDATE deliveries SET not_before = ?", (clock.now + 11 * 86400,))
    bot = FakeBot(clock)
    await drain(make(bot, store, clock), store, timeout=10)
    assert bot.sends and bot.sends[0].at - 1_800_000_000.0 <= MAX_BACKOFF_SECONDS + 2

