"""The outbox dispatcher: a background task in the running bot that drains pending deliveries
within Telegram's limits and never loses one.

- Pace: Telegram's overall budget (`rate`, 30 a second) is shared with the bot's replies, and
  replies go first (bot/budget.py): notices are spaced evenly at `rate - margin` a second (29)
  when nobody talks to the bot and at most `rate - reserve` (25) while people do, and never make
  the sends of any one-second window more than `rate - margin`. At most one a second per private
  chat and one every 3 seconds per group (Telegram allows a group 20 a minute); at most
  `concurrency` sends in flight, never thousands of tasks at once.
- A delivery is marked sent only after Telegram accepted it. A crash re-sends what was in
  flight: duplicates are bounded by `concurrency` (see README).
- 429: everybody waits `retry_after`; the wait is persisted, so a restart keeps waiting.
- Blocked, kicked or unknown chat: the chat becomes inactive and its pending deliveries are
  dropped (never retried forever). A group that became a supergroup: follow the new id, resend.
- Network errors: retry with exponential back-off, up to MAX_ATTEMPTS.
- A message Telegram cannot parse is a bug: logged loudly, and the notice marked failed for
  everyone at once (every copy is the same HTML).
- A delivery dropped while its batch is under way (unsubscribed, erased, blocked) is not sent."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from telegram import Bot, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.budget import NOTICE, SendBudget
from bot.store import Delivery, Store
from knowledge.reply import html_to_text

log = logging.getLogger("cocreabot.dispatcher")


FLOOD_WAIT_KEY = "flood_wait_until"
MAX_ATTEMPTS = 8
MAX_BACKOFF_SECONDS = 600
MAX_PACED_CHATS = 512  # entries of the per-chat pace kept before forgetting the chats no longer waiting
CAPTION_LIMIT = 1024
UNPARSABLE = "can't parse entities"
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


class Dispatcher:
    def __init__(self, bot: Bot, store: Store, pace: Pace = Pace(), clock=time.time, sleep=asyncio.sleep,
                 budget: SendBudget | None = None):
        self.bot = bot
        self.store = store
        self.pace = pace
        self.clock = clock
        self.sleep = sleep
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
            except Exception:  # the loop must survive anything; the delivery stays pending
                log.exception("dispatcher round failed")
                await self._pause(1.0)
        await self._drain()

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def wake(self) -> None:
        """Look at the outbox now (after a publication in this process)."""
        self._wake.set()

    # -- one round --------------------------------------------------------------------------

    async def _round(self) -> None:
        await self._respect_flood_wait()
        now = self.clock()
        due = self.store.due_deliveries(now, self.pace.batch, exclude=self._in_flight)
        if not due:
            self._forget_paced_chats(now)
            await self._pause(self._idle_seconds(now))
            return
        for delivery in due:
            if self._stopping.is_set() or self._flood_wait_left() > 0:
                return
            if not self.store.is_pending(delivery.id):  # dropped, failed or erased since the batch was read
                continue
            ready_at = self._chat_ready_at.get(delivery.chat_id, 0.0)
            if ready_at > self.clock():
                self.store.mark_retry(delivery.id, ready_at, "paced", count_attempt=False)
                continue
            if not await self._start(delivery):
                return

    async def _start(self, delivery: Delivery) -> bool:
        """Send it in a task once a slot and the pace allow. Nothing is sent if the delivery was
        settled meanwhile, and False is returned (end the round) if a flood wait or stop() came,
        e.g. from a send that was still in flight."""
        await self._slots.acquire()
        await self._wait_turn(delivery)
        if self._stopping.is_set() or self._flood_wait_left() > 0:
            self._slots.release()
            return False
        if not self.store.is_pending(delivery.id):  # settled while waiting for a slot
            self._slots.release()
            return True
        self._in_flight.add(delivery.id)
        self._chat_ready_at[delivery.chat_id] = self.clock() + self._interval(delivery.chat_id)
        if len(self._chat_ready_at) > MAX_PACED_CHATS:  # a long fan-out: one entry per chat reached so far
            self._forget_paced_chats(self.clock())
        task = asyncio.create_task(self._deliver(delivery))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

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
        try:
            message = await self._send(delivery)
            self.store.mark_sent(delivery.id, message.message_id if message else None)
            self.sent += 1
        except RetryAfter as error:
            self._flood_wait(_seconds(error.retry_after))
            self.store.mark_retry(delivery.id, self._flood_until(), "flood wait", count_attempt=False)
        except ChatMigrated as error:
            log.info("chat %s became %s; following it", delivery.chat_id, error.new_chat_id)
            self.store.migrate_chat(delivery.chat_id, error.new_chat_id)
            self.store.redirect_delivery(delivery.id, error.new_chat_id)
        except Forbidden as error:
            self._chat_gone(delivery, error)
        except BadRequest as error:
            if any(reason in str(error).lower() for reason in GONE_CHAT_ERRORS):
                self._chat_gone(delivery, error)
            elif UNPARSABLE in str(error).lower():
                self._unparsable(delivery, error)
            else:
                log.error("Telegram refused delivery %s to %s (a bug to fix): %s", delivery.id, delivery.chat_id, error)
                self.store.mark_failed(delivery.id, str(error))
        except (TimedOut, NetworkError) as error:
            self._retry_later(delivery, error)
        except Exception as error:  # unknown: keep it, try later, say so loudly
            log.exception("unexpected error delivering %s", delivery.id)
            self._retry_later(delivery, error)
        finally:
            self._in_flight.discard(delivery.id)
            self._slots.release()

    async def _send(self, delivery: Delivery) -> Message | None:
        # The application's rate limiter never retries (max_retries=0): this class decides.
        if delivery.file_id and _caption_fits(delivery.html):
            return await self.bot.send_document(delivery.chat_id, delivery.file_id, caption=delivery.html)
        message = await self.bot.send_message(delivery.chat_id, delivery.html)
        if delivery.file_id:
            await self.bot.send_document(delivery.chat_id, delivery.file_id, reply_to_message_id=message.message_id)
        return message

    # -- outcomes ---------------------------------------------------------------------------

    def _chat_gone(self, delivery: Delivery, error: Exception) -> None:
        dropped = self.store.set_chat_active(delivery.chat_id, False)
        log.info("chat %s is gone (%s); %d pending deliveries dropped", delivery.chat_id, error, dropped)

    def _unparsable(self, delivery: Delivery, error: Exception) -> None:
        """Every copy of a notice is the same HTML: fail them all at once, not one by one."""
        failed = self.store.fail_notice(delivery.notice_id, str(error))
        log.error("Telegram cannot parse notice %s (a bug to fix); %d deliveries failed: %s",
                  delivery.notice_id, failed, error)

    def _retry_later(self, delivery: Delivery, error: Exception) -> None:
        attempts = delivery.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            log.warning("giving up on delivery %s after %d attempts: %s", delivery.id, attempts, error)
            self.store.mark_failed(delivery.id, f"{type(error).__name__}: {error}")
            return
        backoff = min(MAX_BACKOFF_SECONDS, 2 ** attempts)
        self.store.mark_retry(delivery.id, self.clock() + backoff, f"{type(error).__name__}: {error}")

    # -- flood wait (persisted) -------------------------------------------------------------

    def _flood_wait(self, seconds: float) -> None:
        until = self.clock() + seconds
        if until > self._flood_until():
            log.warning("Telegram asked to wait %.0f s; all sends paused", seconds)
            self.store.set_setting(FLOOD_WAIT_KEY, f"{until:.3f}")

    def _flood_until(self) -> float:
        value = self.store.get_setting(FLOOD_WAIT_KEY)
        return float(value) if value else 0.0

    def _flood_wait_left(self) -> float:
        return self._flood_until() - self.clock()

    async def _respect_flood_wait(self) -> None:
        left = self._flood_wait_left()
        if left > 0:
            await self._pause(left)
        elif self.store.get_setting(FLOOD_WAIT_KEY):
            self.store.set_setting(FLOOD_WAIT_KEY, None)

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
        log.info("dispatcher stopped; %d sent in this run", self.sent)


def _caption_fits(html: str) -> bool:
    """Telegram counts a caption's visible text; UTF-16 units are never fewer than what it counts."""
    return len(html_to_text(html).encode("utf-16-le")) // 2 <= CAPTION_LIMIT


def _seconds(retry_after) -> float:
    return retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else float(retry_after)
