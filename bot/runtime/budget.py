"""Telegram's overall budget, shared by replies and notices: at most `limit` messages in any
one-second window (about 30 for a bot), counted on a monotonic clock.

- A reply goes as soon as the last second holds fewer than `limit` sends; replies wait in the
  order they came (a first-come queue), so a chat that floods the bot waits behind the others,
  never in front of them.
- A notice (the outbox dispatcher) takes what replies leave: it goes only while the last
  second holds fewer than `limit - margin` sends of any kind, never while a reply is waiting,
  and, while people are talking to the bot (a reply in the last `talk_seconds`), only while the
  last second holds fewer than `limit - reserve` notices. Notices are also spaced evenly (no
  bursts): `limit - margin` a second when nobody talks, `limit - reserve` while people talk.

With the defaults (30, margin 1, reserve 5) notices flow at 29 a second when nobody talks and
at most 25 while people do; a reply never waits behind notices. The window is a little longer
than a second (`GUARD`) so that a send at exactly one second after another still counts both."""

from __future__ import annotations

import asyncio
import contextvars
import math
import time
from collections import deque

WINDOW = 1.0  # seconds
GUARD = 0.002  # a send is forgotten only this long after the window has passed over it
MIN_SLEEP = 0.0005  # never spin on a wait rounded to nothing

# True in the dispatcher's task and the sends it starts: those are notices, already paced by
# notice_turn; the replies' rate limiter lets them through without counting them again.
NOTICE: contextvars.ContextVar[bool] = contextvars.ContextVar("cocrea_notice", default=False)


class SendBudget:
    def __init__(self, limit: float = 30.0, margin: float = 1.0, reserve: float = 5.0, talk_seconds: float = 5.0,
                 clock=time.monotonic, sleep=asyncio.sleep):
        if not 0 <= margin <= reserve < limit:
            raise ValueError("expected 0 <= margin <= reserve < limit")
        self.limit = limit
        self.margin = margin
        self.reserve = reserve
        self.talk_seconds = talk_seconds
        self.clock = clock
        self.sleep = sleep
        self._sends: deque[float] = deque()  # every send in the window, oldest first
        self._notices: deque[float] = deque()  # the notices among them
        self._last_reply = -math.inf
        self._slot = -math.inf  # where the last notice stood in the even schedule
        self._slot_sends = 0
        self._replies = asyncio.Lock()  # first come, first served; held only while a reply waits
        self.replies = 0
        self.notices = 0

    # -- replies ----------------------------------------------------------------------------

    async def reply_turn(self) -> None:
        """Wait until one more send fits in the last second (with no notice going first)."""
        async with self._replies:
            while True:
                now = self.clock()
                wait = self._room(self._sends, now, self.limit, 1)
                if wait <= 0:
                    self._record(now, notice=False)
                    return
                await self.sleep(max(wait, MIN_SLEEP))

    def talking(self, now: float | None = None) -> bool:
        """People are talking to the bot: a reply went out in the last `talk_seconds`."""
        now = self.clock() if now is None else now
        return now - self._last_reply < self.talk_seconds

    # -- notices ----------------------------------------------------------------------------

    def notice_rate(self, now: float | None = None) -> float:
        """Notices a second, at most, right now."""
        return self.limit - (self.reserve if self.talking(now) else self.margin)

    async def notice_turn(self, sends: int = 1) -> None:
        """Wait for the turn of a notice made of `sends` messages (a text and its file are two)."""
        while True:
            now = self.clock()
            wait = self._notice_wait(now, sends)
            if wait <= 0:
                break
            await self.sleep(max(wait, MIN_SLEEP))
        due = self._next_slot(now)
        # Woken a little late (sleeps overshoot), keep the schedule so the average holds; the
        # window above still caps every second. Much later (idle), start a new schedule.
        self._slot = due if now - due < sends / self.notice_rate(now) else now
        self._slot_sends = sends
        for _ in range(sends):
            self._record(now, notice=True)

    def _notice_wait(self, now: float, sends: int) -> float:
        if self._replies.locked():  # a reply is waiting for room: it goes first
            return 0.005
        waits = [self._next_slot(now) - now, self._room(self._sends, now, self.limit - self.margin, sends)]
        if self.talking(now):
            waits.append(self._room(self._notices, now, self.limit - self.reserve, sends))
        return max(waits)

    def _next_slot(self, now: float) -> float:
        """The earliest time of the next notice in the even schedule, at the pace of now."""
        return self._slot + self._slot_sends / self.notice_rate(now)

    # -- the window -------------------------------------------------------------------------

    def _room(self, sends: deque[float], now: float, cap: float, count: int) -> float:
        """Seconds until `count` more sends fit under `cap` in the window (0 or less: now)."""
        self._forget(now)
        excess = len(sends) + count - math.floor(cap + 1e-9)
        if excess <= 0:
            return 0.0
        if excess > len(sends):  # more than the cap at once: one window is all it takes
            return (sends[-1] + WINDOW + GUARD - now) if sends else 0.0
        return sends[excess - 1] + WINDOW + GUARD - now

    def _forget(self, now: float) -> None:
        for sends in (self._sends, self._notices):
            while sends and sends[0] <= now - WINDOW - GUARD:
                sends.popleft()

    def _record(self, now: float, notice: bool) -> None:
        self._sends.append(now)
        if notice:
            self._notices.append(now)
            self.notices += 1
        else:
            self._last_reply = now
            self.replies += 1

    def in_last_second(self, now: float | None = None) -> tuple[int, int]:
        """(all sends, notices) in the window now."""
        self._forget(self.clock() if now is None else now)
        return len(self._sends), len(self._notices)
