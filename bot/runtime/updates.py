"""Updates handled concurrently, each chat's in order (python-telegram-bot's BaseUpdateProcessor).

One at a time, every reply waits a full round trip to the Bot API before the next update is
even looked at: with 150 ms to Telegram that is 6 people a second. Here updates of different
chats run at the same time (at most `max_running` at once) while the updates of one chat run
one after another, in the order Telegram sent them, so guided flows (ConversationHandler,
keyed by chat and user) and a person's "question, then follow-up" stay exactly as before. A
chat that floods the bot queues behind itself only. An update with neither chat nor user runs
on its own."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

DEFAULT_RUNNING = 64  # handlers running at once (each mostly waits for the Bot API)
# PTB's own semaphore is taken before do_process_update; it must never hold one chat's update
# behind another chat's queued ones, so it is made too large to matter.
UNBOUNDED = 1 << 30


class PerChatUpdates(BaseUpdateProcessor):
    def __init__(self, max_running: int = DEFAULT_RUNNING):
        super().__init__(UNBOUNDED)
        self.max_running = max_running
        self._running: asyncio.Semaphore | None = None
        self._chats: dict[Any, asyncio.Lock] = {}
        self._queued: dict[Any, int] = {}  # updates of a chat in progress or waiting; the lock goes at 0

    async def initialize(self) -> None:
        self._running = asyncio.Semaphore(self.max_running)

    async def shutdown(self) -> None:
        """Nothing to release: Application.stop() already waited for the updates in progress."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self._running is None:
            await self.initialize()
        running = self._running
        assert running is not None  # initialize() made it
        key = chat_key(update)
        if key is None:
            async with running:
                await coroutine
            return
        lock = self._chats.get(key)
        if lock is None:
            lock = self._chats[key] = asyncio.Lock()
        self._queued[key] = self._queued.get(key, 0) + 1
        try:
            async with lock:  # asyncio.Lock wakes its waiters in the order they came
                async with running:
                    await coroutine
        finally:
            self._queued[key] -= 1
            if not self._queued[key]:
                del self._queued[key], self._chats[key]

    @property
    def chats_in_progress(self) -> int:
        return len(self._chats)


def chat_key(update: object) -> Any:
    """What orders an update: its chat (a callback from an inline message: its user)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return None
