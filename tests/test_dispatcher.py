"""The outbox dispatcher against a fake Bot, on a virtual clock: every pause and every pacing
sleep moves the clock instead of waiting, so the tests are fast and never assert on real time."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from types import SimpleNamespace

import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.runtime.dispatcher import FLOOD_WAIT_KEY, MAX_ATTEMPTS, Dispatcher, Pace
from bot.store import Store

START = 1_800_000_000.0


class VirtualClock:
    def __init__(self, now: float = START):
        self.now = now

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # sends already started record the time they started at
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


class VirtualDispatcher(Dispatcher):
    """Pauses (idle, flood wait) advance the virtual clock too; they still end early on wake()."""

    async def _pause(self, seconds: float) -> None:
        await self.clock.sleep(min(seconds, 5.0))


@dataclass
class Send:
    at: float
    chat_id: int
    method: str
    text: str | None


@dataclass
class FakeBot:
    """Records sends; `failures[chat_id]` is a list of exceptions raised by the next sends to it."""

    clock: VirtualClock
    store: Store | None = None
    failures: dict[int, list[Exception]] = field(default_factory=dict)
    sends: list[Send] = field(default_factory=list)
    attempts: list[Send] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    pending_seen_at_send: list[bool] = field(default_factory=list)
    on_send: dict = field(default_factory=dict)  # chat_id -> a function run when a send to it begins

    async def send_message(self, chat_id, text, **kwargs):
        return await self._send(chat_id, "sendMessage", text)

    async def send_document(self, chat_id, document, caption=None, **kwargs):
        return await self._send(chat_id, "sendDocument", caption)

    async def _send(self, chat_id, method, text):
        attempt = Send(self.clock(), chat_id, method, text)
        self.attempts.append(attempt)
        if chat_id in self.on_send:
            self.on_send.pop(chat_id)()
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.store is not None:
                self.pending_seen_at_send.append(_is_pending(self.store, chat_id))
            for _ in range(3):  # let other sends start meanwhile
                await asyncio.sleep(0)
            queued = self.failures.get(chat_id)
            if queued:
                raise queued.pop(0)
            self.sends.append(attempt)
            return SimpleNamespace(message_id=len(self.sends))
        finally:
            self.in_flight -= 1

    def received(self, chat_id: int) -> list[Send]:
        return [s for s in self.sends if s.chat_id == chat_id]


def _is_pending(store: Store, chat_id: int) -> bool:
    row = store.db.conn.execute("SELECT count(*) FROM deliveries WHERE chat_id = ? AND status = 'pending'",
                                (chat_id,)).fetchone()
    return row[0] > 0


@pytest.fixture
def clock():
    return VirtualClock()


def publish(store: Store, state: str = "jalisco", n: int = 1, html: str = "<b>Nuevo documento</b>", file_id=None) -> None:
    store.add_document(state=state, step=4, kind="acta", title="Acta", url=f"https://stl.example/{state}/{n}.pdf",
                       file_id=file_id, file_unique_id=file_id, file_name=None, published_on=date(2026, 11, 20),
                       published_by="test", notice_html=html)


def subscribe(store: Store, chats, state: str = "jalisco") -> None:
    for chat in chats:
        store.subscribe(chat, state)


async def drain(dispatcher: Dispatcher, store: Store, until=None, timeout: float = 10.0) -> None:
    """Run the dispatcher until the outbox has nothing pending (or `until()` holds), then stop it."""
    done = until or (lambda: "pending" not in store.outbox_counts())
    task = asyncio.create_task(dispatcher.run())
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not done():
            assert loop.time() < deadline, f"outbox not drained: {store.outbox_counts()}"
            assert not task.done(), task.exception()
            await asyncio.sleep(0.001)
    finally:
        await dispatcher.stop()
        await asyncio.wait_for(task, timeout)


def make(bot: FakeBot, store: Store, clock: VirtualClock, **pace) -> Dispatcher:
    return VirtualDispatcher(bot, store, Pace(idle_poll=0.05, **pace), clock=clock, sleep=clock.sleep, wall=clock)


async def test_everyone_gets_the_notice_once_and_only_then_it_is_marked_sent(store, clock):
    subscribe(store, range(1, 51))
    publish(store)
    bot = FakeBot(clock, store)
    await drain(make(bot, store, clock), store)
    assert sorted(s.chat_id for s in bot.sends) == list(range(1, 51))
    assert all(bot.pending_seen_at_send)  # still pending while Telegram had it
    assert store.outbox_counts() == {"sent": 50}


async def test_a_failed_send_is_not_marked_sent(store, clock):
    subscribe(store, [1])
    publish(store)
    bot = FakeBot(clock, store, failures={1: [NetworkError("connection reset")]})
    dispatcher = make(bot, store, clock)
    await drain(dispatcher, store, until=lambda: bot.attempts)
    row = store.db.conn.execute("SELECT status, attempts, last_error FROM deliveries").fetchone()
    assert row[0] == "pending" and row[1] == 1 and "connection reset" in row[2]


@pytest.mark.parametrize("meanwhile", [
    lambda store: store.unsubscribe(10, "jalisco"),
    lambda store: store.delete_chat_data(10),
    lambda store: store.set_chat_active(10, False),
], ids=["unsubscribed", "erased", "blocked"])
async def test_a_delivery_dropped_while_its_batch_is_under_way_is_not_sent(store, clock, meanwhile):
    subscribe(store, range(1, 21))
    publish(store)
    bot = FakeBot(clock, on_send={3: lambda: meanwhile(store)})  # e.g. /baja arrives during the fan-out
    await drain(make(bot, store, clock), store)
    assert bot.received(10) == []
    assert len(bot.sends) == 19


async def test_never_more_than_concurrency_sends_in_flight(store, clock):
    subscribe(store, range(1, 201))
    publish(store)
    bot = FakeBot(clock)
    await drain(make(bot, store, clock, concurrency=4), store)
    assert len(bot.sends) == 200
    assert 1 < bot.max_in_flight <= 4


async def test_overall_rate_and_per_chat_interval(store, clock):
    subscribe(store, [1, 2, 3])
    for n in range(1, 5):
        publish(store, n=n)  # four notices for each of three chats
    bot = FakeBot(clock)
    await drain(make(bot, store, clock, rate=30.0, per_chat_interval=1.0), store)
    assert len(bot.sends) == 12
    times = sorted(s.at for s in bot.sends)
    assert min(b - a for a, b in pairwise(times)) >= 1 / 30 - 1e-6
    for chat in (1, 2, 3):
        chat_times = [s.at for s in bot.received(chat)]
        assert len(chat_times) == 4
        assert min(b - a for a, b in pairwise(chat_times)) >= 1.0 - 1e-6


async def test_a_group_gets_at_most_one_send_every_three_seconds(store, clock):
    subscribe(store, [-100, 1])
    for n in range(1, 5):
        publish(store, n=n)
    bot = FakeBot(clock)
    dispatcher = make(bot, store, clock, per_chat_interval=1.0, per_group_interval=3.0)
    await drain(dispatcher, store)
    group_times = [s.at for s in bot.received(-100)]
    assert len(group_times) == 4
    assert min(b - a for a, b in pairwise(group_times)) >= 3.0 - 1e-6
    private_times = [s.at for s in bot.received(1)]
    assert min(b - a for a, b in pairwise(private_times)) < 3.0  # private chats are not slowed


async def test_the_pace_of_chats_is_forgotten_once_idle(store, clock):
    """Otherwise the dispatcher would keep one entry for every chat it ever wrote to."""
    dispatcher = make(FakeBot(clock), store, clock)
    dispatcher._chat_ready_at = {1: clock.now - 1, 2: clock.now + 100}
    await dispatcher._round()  # an empty outbox: an idle round
    assert list(dispatcher._chat_ready_at) == [2]  # 2 must still wait


async def test_retry_after_pauses_every_send_and_everyone_gets_it_once(store, clock):
    subscribe(store, range(1, 21))
    publish(store)
    bot = FakeBot(clock, failures={5: [RetryAfter(30)]})
    await drain(make(bot, store, clock, concurrency=1), store)
    assert sorted(s.chat_id for s in bot.sends) == list(range(1, 21))
    flood_at = next(a.at for a in bot.attempts if a.chat_id == 5)
    after = [s.at for s in bot.attempts if s.at > flood_at]
    assert len(after) == 16 and min(after) >= flood_at + 30 - 0.01


async def test_flood_wait_is_persisted_and_a_new_dispatcher_keeps_waiting(store, clock):
    subscribe(store, [1, 2])
    publish(store)
    bot = FakeBot(clock, failures={1: [RetryAfter(600)]})
    dispatcher = make(bot, store, clock, concurrency=1)
    await drain(dispatcher, store, until=lambda: store.get_setting(FLOOD_WAIT_KEY))
    until = float(store.get_setting(FLOOD_WAIT_KEY))
    assert until == pytest.approx(bot.attempts[0].at + 600, abs=1)
    sends_before_restart = len(bot.sends)

    restarted_clock = VirtualClock(clock.now + 1)  # "after a restart", still inside the wait
    reopened = Store(store.path)
    second_bot = FakeBot(restarted_clock)
    await drain(make(second_bot, reopened, restarted_clock), reopened)
    assert sorted(s.chat_id for s in bot.sends + second_bot.sends) == [1, 2]
    assert second_bot.sends and min(s.at for s in second_bot.sends) >= until
    assert len(bot.sends) == sends_before_restart
    reopened.close()


async def test_the_flood_wait_is_cleared_once_over(store, clock):
    store.set_setting(FLOOD_WAIT_KEY, f"{clock.now - 1:.3f}")
    subscribe(store, [1])
    publish(store)
    bot = FakeBot(clock)
    await drain(make(bot, store, clock), store)
    assert store.get_setting(FLOOD_WAIT_KEY) is None


@pytest.mark.parametrize("error", [
    Forbidden("Forbidden: bot was blocked by the user"),
    BadRequest("Bad Request: chat not found"),
    Forbidden("Forbidden: bot was kicked from the group chat"),
])
async def test_a_chat_that_is_gone_becomes_inactive_and_loses_its_pending(store, clock, error):
    subscribe(store, [1, 2, 3])
    publish(store, n=1)
    publish(store, n=2)
    bot = FakeBot(clock, failures={2: [error]})
    await drain(make(bot, store, clock, concurrency=1), store)
    assert store.chat(2).active == 0
    assert [s.chat_id for s in bot.attempts].count(2) == 1  # never retried
    assert len(bot.received(1)) == len(bot.received(3)) == 2
    assert store.outbox_counts() == {"sent": 4, "dropped": 2}
    publish(store, n=3)  # and the next document does not even queue for it
    assert store.outbox_counts()["pending"] == 2


async def test_a_migrated_group_is_followed_and_the_notice_resent(store, clock):
    subscribe(store, [-100, 1])
    publish(store)
    bot = FakeBot(clock, failures={-100: [ChatMigrated(-1001234)]})
    await drain(make(bot, store, clock), store)
    assert [s.text for s in bot.received(-1001234)] == ["<b>Nuevo documento</b>"]
    assert bot.received(-100) == []
    assert store.subscriptions(-1001234)[0].state == "jalisco" and store.subscriptions(-100) == []
    assert store.outbox_counts() == {"sent": 2}


async def test_a_migration_into_a_chat_that_already_has_the_notice_ends(store, clock):
    """Both the old group and its new supergroup were subscribed: one copy reaches the new id."""
    subscribe(store, [-100, -1001234])
    publish(store)
    bot = FakeBot(clock, failures={-100: [ChatMigrated(-1001234)] * 3})
    await drain(make(bot, store, clock), store, timeout=5)
    assert len(bot.received(-1001234)) == 1
    assert [s.chat_id for s in bot.attempts].count(-100) == 1


async def test_an_unparsable_notice_is_failed_for_everyone_at_once_and_logged_loudly(store, clock, caplog):
    subscribe(store, range(1, 21))
    publish(store, n=1, html="<b>broken")
    publish(store, n=2)  # another notice to the same people is not affected
    bot = TelegramParser(clock)
    with caplog.at_level(logging.ERROR, logger="cocreabot.dispatcher"):
        await drain(make(bot, store, clock, concurrency=1), store)
    assert len([a for a in bot.attempts if a.text == "<b>broken"]) == 1
    assert store.outbox_counts() == {"failed": 20, "sent": 20}
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "parse entities" in errors[0] and "20 deliveries failed" in errors[0]


class TelegramParser(FakeBot):
    async def send_message(self, chat_id, text, **kwargs):
        if text.count("<b>") != text.count("</b>"):
            self.failures.setdefault(chat_id, []).insert(
                0, BadRequest("Can't parse entities: can't find end tag corresponding to start tag \"b\""))
        return await super().send_message(chat_id, text, **kwargs)


async def test_another_bad_request_fails_only_that_delivery(store, clock):
    subscribe(store, [1, 2])
    publish(store)
    bot = FakeBot(clock, failures={1: [BadRequest("Bad Request: message text is empty")]})
    await drain(make(bot, store, clock), store)
    assert store.outbox_counts() == {"sent": 1, "failed": 1}


async def test_network_errors_are_retried_with_growing_back_off_then_failed(store, clock):
    subscribe(store, [1])
    publish(store)
    bot = FakeBot(clock, failures={1: [NetworkError("Bad Gateway") for _ in range(MAX_ATTEMPTS + 2)]})
    await drain(make(bot, store, clock), store, timeout=10)
    times = [a.at for a in bot.attempts]
    assert len(times) == MAX_ATTEMPTS
    gaps = [b - a for a, b in pairwise(times)]
    assert all(later > earlier for earlier, later in pairwise(gaps))
    assert store.outbox_counts() == {"failed": 1}


async def test_a_send_that_timed_out_is_tried_once_more_then_never_again_and_not_called_failed(store, clock, caplog):
    """A timeout says nothing about delivery: Telegram may have taken it. Eight tries would be
    up to eight copies; one more try is at most two."""
    subscribe(store, [1])
    publish(store)
    bot = FakeBot(clock, failures={1: [TimedOut("timed out") for _ in range(MAX_ATTEMPTS + 2)]})
    with caplog.at_level(logging.INFO, logger="cocreabot.dispatcher"):
        await drain(make(bot, store, clock), store, timeout=10)
    assert len(bot.attempts) == 2
    assert store.outbox_counts() == {"unconfirmed": 1}
    assert any("may have arrived" in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)


async def test_timeout_then_success_is_sent_once(store, clock):
    subscribe(store, [1, 2])
    publish(store)
    bot = FakeBot(clock, failures={1: [TimedOut("timed out")]})
    await drain(make(bot, store, clock), store)
    assert len(bot.received(1)) == 1 and store.outbox_counts() == {"sent": 2}


async def test_an_attached_file_travels_with_the_notice(store, clock):
    subscribe(store, [1])
    publish(store, file_id="BQACAgEAAx0")
    bot = FakeBot(clock)
    await drain(make(bot, store, clock), store)
    assert [(s.method, s.text) for s in bot.sends] == [("sendDocument", "<b>Nuevo documento</b>")]


async def test_a_publication_while_running_is_delivered(store, clock):
    subscribe(store, [1])
    bot = FakeBot(clock)
    dispatcher = make(bot, store, clock)
    task = asyncio.create_task(dispatcher.run())
    await asyncio.sleep(0.01)
    publish(store)  # as the CLI would, from outside
    dispatcher.wake()
    try:
        for _ in range(2000):
            if bot.sends:
                break
            await asyncio.sleep(0.001)
    finally:
        await dispatcher.stop()
        await asyncio.wait_for(task, 5)
    assert [s.chat_id for s in bot.sends] == [1]


async def test_a_file_with_a_notice_too_long_for_a_caption_goes_as_a_reply_to_the_text(store, clock):
    subscribe(store, [1])
    publish(store, file_id="BQACAgEAAx0", html="<b>" + "x" * 1100 + "</b>")
    bot = FakeBot(clock)
    await drain(make(bot, store, clock), store)
    assert [s.method for s in bot.sends] == ["sendMessage", "sendDocument"]
    assert store.outbox_counts() == {"sent": 1}


# -- pacing with a margin (issue 13, item 13) ----------------------------------------------------

def _most_in_one_second(times: list[float]) -> int:
    """The most sends in any one-second window, both ends included."""
    times, most, first = sorted(times), 0, 0
    for last, t in enumerate(times):
        while t - times[first] > 1.0 + 1e-6:
            first += 1
        most = max(most, last - first + 1)
    return most


async def test_never_more_than_the_limit_in_any_second_and_at_least_95_percent_of_it(store, clock):
    subscribe(store, range(1, 601))
    publish(store)
    bot = FakeBot(clock)
    await drain(make(bot, store, clock, rate=30.0), store)
    times = sorted(s.at for s in bot.sends)
    assert len(times) == 600
    assert _most_in_one_second(times) <= 30
    assert (len(times) - 1) / (times[-1] - times[0]) >= 0.95 * 30


async def test_the_pace_of_chats_stays_bounded_during_a_long_fan_out(store, clock):
    """One entry per chat reached would grow with the audience (+61 MiB after 200,000)."""
    subscribe(store, range(1, 1501))
    publish(store)
    sizes: list[int] = []

    class Watching(FakeBot):
        async def send_message(self, chat_id, text, **kwargs):
            sizes.append(len(dispatcher._chat_ready_at))
            return await super().send_message(chat_id, text, **kwargs)

    bot = Watching(clock)
    dispatcher = make(bot, store, clock)
    await drain(dispatcher, store, timeout=60)
    assert len(bot.sends) == 1500
    assert max(sizes) <= 600
