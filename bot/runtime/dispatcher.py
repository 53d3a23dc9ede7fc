"""The outbox dispatcher: a background task in the running bot that drains pending deliveries
within Telegram's limits and never loses one.

- Pace: Telegram's overall budget (`rate`, 30 a second) is shared with the bot's replies, and
  replies go first (bot/runtime/budget.py): notices are spaced evenly at `rate - margin` a second (29)
  when nobody talks to the bot and at most `rate - reserve` (25) while people do, and never make
  the sends of any one-second window more than `rate - margin`. At most one a second per private
  chat and one every 3 seconds per group (Telegram allows a group 20 a minute); at most
  `concurrency` sends in flight, never thousands of tasks at once.
- Claim before send: a delivery is written down as being sent (Store.claim) before its send,
  and marked sent only after Telegram accepted it. A crash re-sends what was in flight once:
  duplicates are bounded by `concurrency`, and a delivery claimed twice without an answer is
  never sent again (see README, «Notificaciones»).
- The database cannot be written (a full disk): nothing is sent, the dispatcher as a whole
  pauses (a circuit breaker with growing pauses, reset by the first write that works) and tells
  the log once per incident; outcomes of sends already made are kept and written later.
- A send Telegram did not answer within SEND_READ_TIMEOUT may have arrived: it is retried once
  at most, every send pauses (a circuit breaker) and then goes one at a time until one is
  answered; a delivery that may have arrived is 'unconfirmed', never 'failed' in silence.
- 429: everybody waits `retry_after`; the wait is persisted, so a restart keeps waiting, never
  longer than Telegram asked.
- Time: pacing and waits run on a monotonic clock; times written in the database are wall-clock
  seconds read once at start and carried by the monotonic clock, so a step of the system clock
  while the bot runs stalls or hurries nothing.
- Blocked, kicked or unknown chat: the chat becomes inactive and its pending deliveries are
  dropped (never retried forever). A group that became a supergroup: follow the new id, resend.
- Network errors: retry with exponential back-off, up to MAX_ATTEMPTS.
- A message Telegram cannot parse is a bug: logged loudly, and the notice marked failed for
  everyone at once (every copy is the same HTML).
- A delivery dropped while its batch is under way (unsubscribed, erased, blocked) is not sent.
- Buttons: a notice's buttons are stored with it (bot/core/notices.py) and drawn at each send by
  `keyboard`, given by the composition root (the callback codec lives in handlers/). A button
  link Telegram refuses costs the notice its link buttons, never the notice (its text keeps
  the link)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from dataclasses import dataclass
from functools import partial
from typing import Callable, TypeVar

import httpx
from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.core.notices import NoticeKeyboard, keyboard_from_json
from bot.runtime.budget import NOTICE, SendBudget
from bot.store import Busy, Delivery, StorageError, Store
from knowledge.reply import html_to_text

T = TypeVar("T")

log = logging.getLogger("cocreabot.dispatcher")


FLOOD_WAIT_KEY = "flood_wait_until"  # wall-clock seconds
FLOOD_WAIT_SECONDS_KEY = "flood_wait_seconds"  # what Telegram asked: a restart never waits longer
SEND_READ_TIMEOUT = 25.0  # seconds Telegram gets to answer a notice's send (PTB's default is 5)
STORAGE_PAUSES = (1.0, 60.0)  # a breaker's first pause and its longest, in seconds
API_PAUSES = (5.0, 120.0)
STORAGE_ERRORS = (StorageError, sqlite3.OperationalError)
MAX_ATTEMPTS = 8
MAX_BACKOFF_SECONDS = 600
MAX_PACED_CHATS = 512  # entries of the per-chat pace kept before forgetting the chats no longer waiting
CAPTION_LIMIT = 1024
UNPARSABLE = "can't parse entities"
BUTTON_URL_REFUSED = "button_url_invalid"
GONE_CHAT_ERRORS = ("chat not found", "peer_id_invalid", "user is deactivated", "bot was kicked",
                    "not enough rights", "have no rights", "chat_write_forbidden", "user not found")


@dataclass(frozen=True)
class Pace:
    rate: float = 30.0  # Telegram's overall limit: sends in any one second, replies included
    margin: float = 1.0  # notices stay this many a second under the limit, to absorb jitter
    reserve: float = 5.0  # kept for replies while people talk to the bot (notices at most 25/s)
    per_chat_interval: float = 1.0  # seconds between two sends to one private chat
    per_group_interval: float = 3.0  # seconds between two sends to one group (20 a minute)
    concurrency: int = 8  # sends in flight at most
    batch: int = 200  # deliveries read per query
    idle_poll: float = 1.0  # seconds between looks at an empty outbox (the CLI writes there too)


class Breaker:
    """Stops every send after a fault of the whole (the database cannot be written, Telegram
    stops answering), for pauses that double while the fault lasts, from `first` up to
    `longest` seconds; the first success closes it. It tells the log once per incident, when it
    opens and when it closes, never once per delivery."""

    def __init__(self, fault: str, clock: Callable[[], float], first: float, longest: float):
        self.fault = fault
        self.clock = clock
        self.first = first
        self.longest = longest
        self.failures = 0
        self.since: float | None = None  # when the incident began
        self.until = 0.0

    @property
    def tripped(self) -> bool:
        return self.since is not None

    def left(self) -> float:
        return self.until - self.clock() if self.tripped else 0.0

    def trip(self, error: BaseException) -> None:
        now = self.clock()
        if self.tripped and now < self.until:
            return  # the same wave: sends that were under way when it opened
        self.failures += 1
        pause = min(self.longest, self.first * 2 ** (self.failures - 1))
        self.until = now + pause
        if self.since is None:
            self.since = now
            log.error("%s (%s); every send paused, trying again after growing pauses", self.fault, _one_line(error))
        else:
            log.debug("%s still (%s); next try in %.0f s", self.fault, _one_line(error), pause)

    def reset(self) -> None:
        if self.since is not None:
            log.warning("%s: over after %.0f s; sends resume", self.fault, self.clock() - self.since)
        self.since, self.failures, self.until = None, 0, 0.0


KeyboardMaker = Callable[[NoticeKeyboard], InlineKeyboardMarkup | None]


class Dispatcher:
    def __init__(self, bot: Bot, store: Store, pace: Pace = Pace(), clock=time.monotonic, sleep=asyncio.sleep,
                 budget: SendBudget | None = None, wall=time.time, keyboard: KeyboardMaker | None = None):
        self.bot = bot
        self.store = store
        self.keyboard = keyboard  # notices' buttons -> Telegram's; None: notices go without buttons
        self.pace = pace
        self.clock = clock  # monotonic: pacing, pauses, the flood wait while running
        self.sleep = sleep
        # Times written in the database (a delivery's not_before, a flood wait) are wall-clock
        # seconds, read once here and then carried by the monotonic clock (_stored_now).
        self._wall_offset = wall() - clock()
        self._flood_until = 0.0  # monotonic
        self._flood_persisted = True  # there may be one in the database (read at start)
        self._waits_loaded = False
        self._storage = Breaker("the database cannot be written", clock, *STORAGE_PAUSES)
        self._api = Breaker(f"Telegram did not answer a send within {SEND_READ_TIMEOUT:.0f} s", clock, *API_PAUSES)
        self._unrecorded: list[tuple[int, Callable[[], None]]] = []  # outcomes the database could not take yet
        self._settled = asyncio.Event()
        self._in_flight: set[int] = set()
        self._chat_ready_at: dict[int, float] = {}
        # shared with the replies' rate limiter in the running bot (bot/app.py); its own otherwise
        self.budget = budget or SendBudget(pace.rate, pace.margin, pace.reserve, clock=clock, sleep=sleep)
        self._slots = asyncio.Semaphore(pace.concurrency)
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task] = set()
        self.sent = 0

    # -- lifecycle --------------------------------------------------------------------------

    async def run(self) -> None:
        log.info("dispatcher started (%.0f/s, %d in flight)", self.pace.rate - self.pace.margin, self.pace.concurrency)
        NOTICE.set(True)  # this task's sends (and its children's) are notices: the budget paced them already
        while not self._stopping.is_set():
            try:
                await self._round()
            except STORAGE_ERRORS as error:  # nothing was sent; the breaker pauses everything
                self._storage.trip(error)
                await self._pause(self._storage.left())
            except Exception:  # the loop must survive anything; the delivery stays pending
                log.exception("dispatcher round failed")
                await self._pause(1.0)
        await self._drain()

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        self._settled.set()

    def wake(self) -> None:
        """Look at the outbox now (after a publication in this process)."""
        self._wake.set()

    # -- one round --------------------------------------------------------------------------

    async def _round(self) -> None:
        held = self._held()
        if held > 0:  # a flood wait, or a breaker's pause
            await self._pause(held)
            return
        if not self._waits_loaded:
            self._load_persisted_waits()
            self._waits_loaded = True
            if self._held() > 0:
                return
        self._write_pending_outcomes()
        self._forget_flood_wait()
        stored_now = self._stored_now()
        due = self.store.due_deliveries(stored_now, self.pace.batch, exclude=self._in_flight)
        if not due:
            self._forget_paced_chats(self.clock())
            await self._pause(self._idle_seconds(stored_now))
            return
        for delivery in due:
            if self._stopping.is_set() or self._held() > 0:
                return
            if not self.store.is_pending(delivery.id):  # dropped, failed or erased since the batch was read
                continue
            ready_at = self._chat_ready_at.get(delivery.chat_id, 0.0)
            if ready_at > self.clock():
                self.store.postpone(delivery.id, self._stored_at(ready_at), "paced")
                continue
            if not await self._start(delivery):
                return

    async def _start(self, delivery: Delivery) -> bool:
        """Send it in a task once a slot and the pace allow. Nothing is sent if the delivery was
        settled meanwhile, and False is returned (end the round) if a flood wait or stop() came,
        e.g. from a send that was still in flight."""
        await self._slots.acquire()
        try:
            while self._api.tripped and self._in_flight and not self._stopping.is_set():
                await self._one_settled()  # Telegram was not answering: one send at a time until it does
            await self._wait_turn(delivery)
            if self._stopping.is_set() or self._held() > 0:
                self._slots.release()
                return False
            claim = await self._write(partial(self.store.claim, delivery.id))  # StorageError: nothing is sent
        except BaseException:
            self._slots.release()
            raise
        if claim != "claimed":  # settled while waiting for a slot, or it may have arrived already
            self._slots.release()
            if claim == "unconfirmed":
                log.warning("delivery %s to %s: sent twice without an answer, not sent again (it may have arrived)",
                            delivery.id, delivery.chat_id)
            return True
        self._storage.reset()
        self._in_flight.add(delivery.id)
        self._chat_ready_at[delivery.chat_id] = self.clock() + self._interval(delivery.chat_id)
        if len(self._chat_ready_at) > MAX_PACED_CHATS:  # a long fan-out: one entry per chat reached so far
            self._forget_paced_chats(self.clock())
        task = asyncio.create_task(self._deliver(delivery))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _write(self, write: Callable[[], T]) -> T:
        """At once when the database is free; in a thread when another writer holds it (a
        fan-out's chunk, a publication by the CLI): the event loop, which answers people, never
        waits for a writer. (A write of several transactions may be run again whole: each is
        idempotent.)"""
        try:
            with self.store.impatient():
                return write()
        except Busy:
            return await asyncio.to_thread(write)

    def _interval(self, chat_id: int) -> float:
        return self.pace.per_group_interval if chat_id < 0 else self.pace.per_chat_interval

    def _forget_paced_chats(self, now: float) -> None:
        """Keep the per-chat pace only for chats still waiting (not one entry per chat forever)."""
        self._chat_ready_at = {chat: ready for chat, ready in self._chat_ready_at.items() if ready > now}

    async def _wait_turn(self, delivery: Delivery) -> None:
        """The notice's turn in the budget shared with replies: evenly spaced, under the limit
        in every second, after any reply that waits. A text too long for its file's caption
        goes as two messages, so it takes two turns."""
        two = bool(delivery.file_id) and not _caption_fits(delivery.html)
        await self.budget.notice_turn(2 if two else 1)

    async def _deliver(self, delivery: Delivery) -> None:
        recorded = True
        try:
            recorded = await self._record(delivery.id, await self._outcome(delivery))
        finally:
            if recorded:  # otherwise it stays in flight (never picked again) until written
                self._in_flight.discard(delivery.id)
            self._slots.release()
            self._settled.set()

    async def _outcome(self, delivery: Delivery) -> Callable[[], None]:
        """Send it; what to write down about it."""
        try:
            message = await self._send(delivery)
        except RetryAfter as error:
            seconds = _seconds(error.retry_after)
            self._flood_wait(seconds)
            return partial(self._flood_outcome, delivery, seconds)
        except ChatMigrated as error:
            log.info("chat %s became %s; following it", delivery.chat_id, error.new_chat_id)
            return partial(self._migrated, delivery, error.new_chat_id)
        except Forbidden as error:
            return partial(self._chat_gone, delivery, error)
        except BadRequest as error:
            if any(reason in str(error).lower() for reason in GONE_CHAT_ERRORS):
                return partial(self._chat_gone, delivery, error)
            if UNPARSABLE in str(error).lower():
                return partial(self._unparsable, delivery, error)
            log.error("Telegram refused delivery %s to %s (a bug to fix): %s", delivery.id, delivery.chat_id, error)
            return partial(self.store.mark_failed, delivery.id, str(error))
        except TimedOut as error:
            if _never_sent(error):  # no connection, or none free: Telegram never saw it
                return self._retry_later(delivery, error)
            self._api.trip(error)
            log.info("delivery %s to %s: no answer within %.0f s (it may have arrived); one more try at most",
                     delivery.id, delivery.chat_id, SEND_READ_TIMEOUT)
            return self._retry_later(delivery, error, maybe_delivered=True)
        except NetworkError as error:
            return self._retry_later(delivery, error)
        except Exception as error:  # unknown: keep it, try later (it may have arrived), say so loudly
            log.exception("unexpected error delivering %s", delivery.id)
            return self._retry_later(delivery, error, maybe_delivered=True)
        self._api.reset()
        self.sent += 1
        return partial(self.store.mark_sent, delivery.id, message.message_id if message else None)

    async def _send(self, delivery: Delivery) -> Message | None:
        rows = keyboard_from_json(delivery.buttons)
        try:
            return await self._send_with(delivery, self._markup(rows))
        except BadRequest as error:
            links = tuple(tuple(b for b in row if not b.url) for row in rows)
            if BUTTON_URL_REFUSED not in str(error).lower() or links == rows:
                raise
            log.warning("Telegram refused a button link of notice %s; sent without it (%s)", delivery.notice_id, error)
            return await self._send_with(delivery, self._markup(links))

    def _markup(self, rows: NoticeKeyboard) -> InlineKeyboardMarkup | None:
        rows = tuple(row for row in rows if row)
        return self.keyboard(rows) if rows and self.keyboard else None

    async def _send_with(self, delivery: Delivery, markup: InlineKeyboardMarkup | None) -> Message | None:
        # The application's rate limiter never retries (max_retries=0): this class decides. A
        # longer read timeout than PTB's 5 s: a slow answer is no reason to send it again.
        timeout = SEND_READ_TIMEOUT
        if delivery.file_id and _caption_fits(delivery.html):
            return await self.bot.send_document(delivery.chat_id, delivery.file_id, caption=delivery.html,
                                                reply_markup=markup, read_timeout=timeout)
        message = await self.bot.send_message(delivery.chat_id, delivery.html, reply_markup=markup,
                                              read_timeout=timeout)
        if delivery.file_id:
            await self.bot.send_document(delivery.chat_id, delivery.file_id, reply_to_message_id=message.message_id,
                                         read_timeout=timeout)
        return message

    # -- writing outcomes down (the database may be full) -----------------------------------

    async def _record(self, delivery_id: int, write: Callable[[], None]) -> bool:
        """Write an outcome down (never waiting on the loop: _write); if the database cannot
        take it, keep it (in order) for later and pause everything. True when written."""
        if not self._unrecorded:
            try:
                await self._write(write)
            except STORAGE_ERRORS as error:
                self._storage.trip(error)
            else:
                self._storage.reset()
                return True
        self._unrecorded.append((delivery_id, write))
        return False

    def _write_pending_outcomes(self) -> None:
        """Before anything new is sent, what was sent and not yet written down. Raises a storage
        error while the database still cannot take it."""
        while self._unrecorded:
            delivery_id, write = self._unrecorded[0]
            write()
            self._unrecorded.pop(0)
            self._in_flight.discard(delivery_id)
            self._storage.reset()

    async def _one_settled(self) -> None:
        self._settled.clear()
        await self._settled.wait()

    # -- outcomes ---------------------------------------------------------------------------

    def _flood_outcome(self, delivery: Delivery, seconds: float) -> None:
        self._persist_flood_wait(seconds)
        self.store.mark_retry(delivery.id, self._stored_at(self._flood_until), "flood wait", count_attempt=False)

    def _migrated(self, delivery: Delivery, new_chat_id: int) -> None:
        self.store.migrate_chat(delivery.chat_id, new_chat_id)
        self.store.redirect_delivery(delivery.id, new_chat_id)

    def _chat_gone(self, delivery: Delivery, error: Exception) -> None:
        dropped = self.store.set_chat_active(delivery.chat_id, False)
        log.info("chat %s is gone (%s); %d pending deliveries dropped", delivery.chat_id, error, dropped)

    def _unparsable(self, delivery: Delivery, error: Exception) -> None:
        """Every copy of a notice is the same HTML: fail them all at once, not one by one."""
        failed = self.store.fail_notice(delivery.notice_id, str(error))
        log.error("Telegram cannot parse notice %s (a bug to fix); %d deliveries failed: %s",
                  delivery.notice_id, failed, error)

    def _retry_later(self, delivery: Delivery, error: Exception, maybe_delivered: bool = False) -> Callable[[], None]:
        attempts = delivery.attempts + 1
        reason = f"{type(error).__name__}: {error}"
        if attempts >= MAX_ATTEMPTS:
            unsure = delivery.unsure > 0 or maybe_delivered  # an earlier send, or this one, got no answer
            log.warning("giving up on delivery %s after %d attempts%s: %s", delivery.id, attempts,
                        " (some got no answer: it may have arrived)" if unsure else "", error)
            return partial(self.store.mark_failed, delivery.id, reason, maybe_delivered=unsure)
        backoff = min(MAX_BACKOFF_SECONDS, 2 ** attempts)
        return partial(self.store.mark_retry, delivery.id, self._stored_now() + backoff, reason,
                       maybe_delivered=maybe_delivered)

    # -- time -------------------------------------------------------------------------------

    def _stored_now(self) -> float:
        """Wall-clock seconds as read at start, carried since by the monotonic clock."""
        return self._wall_offset + self.clock()

    def _stored_at(self, moment: float) -> float:
        """A moment of the monotonic clock, as written in the database."""
        return self._wall_offset + moment

    def _held(self) -> float:
        """Seconds before anything may be sent: a flood wait, or a breaker's pause."""
        return max(self._flood_until - self.clock(), self._storage.left(), self._api.left())

    # -- flood wait (persisted) -------------------------------------------------------------

    def _flood_wait(self, seconds: float) -> None:
        until = self.clock() + seconds
        if until > self._flood_until:
            log.warning("Telegram asked to wait %.0f s; all sends paused", seconds)
            self._flood_until = until

    def _persist_flood_wait(self, seconds: float) -> None:
        self.store.set_setting(FLOOD_WAIT_KEY, f"{self._stored_at(self._flood_until):.3f}")
        self.store.set_setting(FLOOD_WAIT_SECONDS_KEY, f"{seconds:.3f}")
        self._flood_persisted = True

    def _load_persisted_waits(self) -> None:
        """Waits from before a restart, without trusting the wall clock: a flood wait lasts what
        is left of it, but never more than Telegram asked; no delivery waits longer than the
        longest back-off (a clock set back, or one that was ahead when they were written)."""
        capped = self.store.cap_waits(self._stored_now() + MAX_BACKOFF_SECONDS)
        if capped:
            log.warning("%d deliveries were to wait longer than %d s (the clock moved?); brought forward",
                        capped, MAX_BACKOFF_SECONDS)
        until, seconds = self.store.get_setting(FLOOD_WAIT_KEY), self.store.get_setting(FLOOD_WAIT_SECONDS_KEY)
        self._flood_persisted = bool(until or seconds)
        if not until:
            return
        left = float(until) - self._stored_now()
        if seconds:
            left = min(left, float(seconds))
        if left > 0:
            log.warning("a flood wait from before the start: all sends paused for %.0f s more", left)
            self._flood_until = max(self._flood_until, self.clock() + left)

    def _forget_flood_wait(self) -> None:
        if self._flood_persisted and self._flood_until <= self.clock():
            self.store.set_setting(FLOOD_WAIT_KEY, None)
            self.store.set_setting(FLOOD_WAIT_SECONDS_KEY, None)
            self._flood_persisted = False

    # -- waiting ----------------------------------------------------------------------------

    def _idle_seconds(self, now: float) -> float:
        next_due = self.store.next_due_time()
        if next_due is None:
            return self.pace.idle_poll
        return max(0.01, min(self.pace.idle_poll, next_due - now))

    async def _pause(self, seconds: float) -> None:
        """Sleep, but wake up early on stop() or wake()."""
        self._wake.clear()
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=max(0.0, seconds))
        except asyncio.TimeoutError:
            pass

    async def _drain(self, timeout: float = 10.0) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)
        try:
            self._write_pending_outcomes()
        except STORAGE_ERRORS:
            log.error("%d outcomes could not be written (the database cannot be written); those deliveries "
                      "will be sent once more at the next start", len(self._unrecorded))
        log.info("dispatcher stopped; %d sent in this run", self.sent)


def _caption_fits(html: str) -> bool:
    """Telegram counts a caption's visible text; UTF-16 units are never fewer than what it counts."""
    return len(html_to_text(html).encode("utf-16-le")) // 2 <= CAPTION_LIMIT


def _never_sent(error: TimedOut) -> bool:
    """A timeout before the request left: no connection could be made, or none was free."""
    return isinstance(error.__cause__, (httpx.ConnectTimeout, httpx.PoolTimeout))


def _one_line(error: BaseException) -> str:
    if isinstance(error, StorageError) and error.__cause__ is not None:
        error = error.__cause__  # SQLite's own words; the Spanish sentence is for the CLI
    return " ".join(f"{type(error).__name__}: {error}".split())[:200]


def _seconds(retry_after) -> float:
    return retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else float(retry_after)
