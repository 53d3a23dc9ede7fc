"""The Bot API rate limiter of the running bot (python-telegram-bot's BaseRateLimiter): replies
first, and a reply that meets a 429 is sent after the wait, never lost.

- Every message the bot posts as a reply (send*, copy, forward, edit*) takes its turn in the
  SendBudget it shares with the outbox dispatcher (bot/runtime/budget.py): at most 30 in any second,
  replies before notices, first come first served.
- Groups get at most 20 messages a minute (Telegram's limit), as python-telegram-bot's
  AIORateLimiter did.
- A 429 on a reply: this request alone waits `retry_after` and is sent again, as many times
  as Telegram asks while the waits add up to at most MAX_WAIT seconds (a longer flood wait
  reaches the handler as RetryAfter: a reply a minute late is no reply). Other chats' replies
  are not paused: a 429 for one chat's flood is that chat's.
- The dispatcher's own sends (budget.NOTICE set) pass straight through: it paces them with the
  same budget and handles their 429s itself (it pauses all notices and persists the wait)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.runtime.budget import NOTICE, SendBudget

log = logging.getLogger("cocreabot.limiter")

MAX_WAIT = 60.0  # seconds of 429 waits for one reply, in all
GROUP_MAX_RATE, GROUP_PERIOD = 20, 60  # messages a minute per group
MAX_GROUP_LIMITERS = 512
NOT_MESSAGES = frozenset({"sendchataction", "sendinvoice"})


def posts_a_message(endpoint: str) -> bool:
    name = endpoint.lower()
    return name not in NOT_MESSAGES and name.startswith(("send", "copymessage", "forwardmessage", "editmessage"))


class RepliesFirst(BaseRateLimiter[int]):
    def __init__(self, budget: SendBudget, max_wait: float = MAX_WAIT, sleep=asyncio.sleep):
        self.budget = budget
        self.max_wait = max_wait
        self.sleep = sleep
        self._groups: dict[int | str, AsyncLimiter] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(self, callback, args: Any, kwargs: dict[str, Any], endpoint: str,
                              data: dict[str, Any], rate_limit_args: int | None):
        if NOTICE.get():
            return await callback(*args, **kwargs)
        counted = posts_a_message(endpoint)
        group = _group(data.get("chat_id")) if counted else None
        retries = rate_limit_args  # a handler may cap the retries of one call; by default the waits cap them
        attempt, waited = 0, 0.0
        while True:
            if group is not None:
                async with self._group_limiter(group):
                    await self.budget.reply_turn()
            elif counted:
                await self.budget.reply_turn()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                wait = _seconds(error.retry_after)
                if (retries is not None and attempt >= retries) or waited + wait > self.max_wait:
                    raise
                attempt, waited = attempt + 1, waited + wait
                log.info("Telegram asked to wait %.0f s before %s to chat %s; it goes after the wait",
                         wait, endpoint, data.get("chat_id"))
                await self.sleep(wait + 0.1)

    def _group_limiter(self, group: int | str) -> AsyncLimiter:
        if group not in self._groups and len(self._groups) >= MAX_GROUP_LIMITERS:
            for key, limiter in list(self._groups.items()):  # forget the groups at rest
                if limiter.has_capacity(limiter.max_rate):
                    del self._groups[key]
        if group not in self._groups:
            self._groups[group] = AsyncLimiter(GROUP_MAX_RATE, GROUP_PERIOD)
        return self._groups[group]


def _group(chat_id) -> int | str | None:
    """A group, supergroup or channel (negative id or @name); None for a private chat."""
    if isinstance(chat_id, str):
        try:
            chat_id = int(chat_id)
        except ValueError:
            return chat_id
    return chat_id if isinstance(chat_id, int) and chat_id < 0 else None


def _seconds(retry_after) -> float:
    return retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else float(retry_after)
