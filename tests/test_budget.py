"""The send budget shared by replies and notices (bot/runtime/budget.py), on virtual time: a tiny
discrete-event clock, so the tests measure exact waits and never real time."""

from __future__ import annotations

import asyncio
import heapq
import itertools

import pytest

from bot.runtime.budget import SendBudget


class VirtualTime:
    """sleep() parks the caller until the virtual clock reaches its time; run_until() moves the
    clock from one parked sleeper to the next once every task is parked."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + max(0.0, seconds), next(self._order), future))
        await future

    async def run_until(self, end: float) -> None:
        while True:
            for _ in range(20):  # let every runnable task run until it parks
                await asyncio.sleep(0)
            if not self._timers or self._timers[0][0] > end:
                self.now = end
                return
            when, _, future = heapq.heappop(self._timers)
            self.now = when
            future.set_result(None)


def max_in_a_second(times: list[float]) -> int:
    """The most sends in any one-second window, ends included (t_j - t_i <= 1 s)."""
    times = sorted(times)
    most, first = 0, 0
    for last, t in enumerate(times):
        while t - times[first] > 1.0 + 1e-9:
            first += 1
        most = max(most, last - first + 1)
    return most


def rate(times: list[float]) -> float:
    return (len(times) - 1) / (max(times) - min(times))


@pytest.fixture
def vt():
    return VirtualTime()


def budget(vt: VirtualTime, **options) -> SendBudget:
    return SendBudget(clock=vt, sleep=vt.sleep, **options)


async def fan_out(budget: SendBudget, vt: VirtualTime, times: list[float], sends: int = 1) -> None:
    while True:
        await budget.notice_turn(sends)
        times.extend([vt.now] * sends)


async def person(budget: SendBudget, vt: VirtualTime, first: float, every: float, waits: list[float],
                 times: list[float]) -> None:
    await vt.sleep(first)
    while True:
        asked = vt.now
        await budget.reply_turn()
        waits.append(vt.now - asked)
        times.append(vt.now)
        await vt.sleep(every)


async def test_notices_alone_stay_under_the_limit_in_every_second_and_near_it_on_average(vt):
    shared = budget(vt)
    notices: list[float] = []
    task = asyncio.create_task(fan_out(shared, vt, notices))
    await vt.run_until(60)
    task.cancel()
    assert max_in_a_second(notices) <= 29  # the margin: one a second under Telegram's 30
    assert rate(notices) >= 0.95 * 30


async def test_a_reply_never_waits_behind_a_fan_out_and_notices_take_what_replies_leave(vt):
    """Ten people asking every 2 s while a fan-out runs: no reply waits at all; every second
    stays within 30 sends, notices within 25 while people talk and still at least 20 a second."""
    shared = budget(vt)
    notices, replies, waits = [], [], []
    tasks = [asyncio.create_task(fan_out(shared, vt, notices))]
    tasks += [asyncio.create_task(person(shared, vt, 5 + 0.2 * n, 2.0, waits, replies)) for n in range(10)]
    await vt.run_until(65)
    for task in tasks:
        task.cancel()
    assert len(replies) >= 290 and max(waits) == 0.0
    during = [t for t in notices if 6 <= t <= 64]
    assert max_in_a_second(during) <= 25 and rate(during) >= 20
    assert max_in_a_second(notices + replies) <= 30
    before = [t for t in notices if t < 5]
    assert rate(before) >= 0.95 * 30  # nobody talking yet: the notices had the margin's pace


async def test_a_burst_of_replies_goes_first_and_in_order(vt):
    shared = budget(vt)
    notices: list[float] = []
    order: list[int] = []
    fan = asyncio.create_task(fan_out(shared, vt, notices))
    await vt.run_until(3)  # the window is full of notices

    async def reply(n: int) -> None:
        await shared.reply_turn()
        order.append(n)

    burst_at = vt.now
    replies = [asyncio.create_task(reply(n)) for n in range(12)]
    await vt.run_until(burst_at + 1.5)
    fan.cancel()
    assert order == list(range(12))
    assert not [t for t in notices if burst_at < t < burst_at + 0.3], "no notice while a reply waited"
    assert all(task.done() for task in replies)


async def test_a_notice_with_its_file_apart_takes_two_turns(vt):
    shared = budget(vt)
    notices: list[float] = []
    task = asyncio.create_task(fan_out(shared, vt, notices, sends=2))
    await vt.run_until(30)
    task.cancel()
    assert max_in_a_second(notices) <= 29 and rate(notices) >= 27.5  # pairs: 28 of the 29 fit


def test_the_reserve_cannot_exceed_the_limit():
    with pytest.raises(ValueError):
        SendBudget(limit=30, margin=1, reserve=30)
