"""The whole Application (every handler) on the test's own event loop, polling the Bot API
emulator: fast checks of flows that need Telegram, without starting a bot process. Errors that
reach the error handler are collected; no call may be one Telegram would reject."""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator

from bot.app import build_application
from bot.runtime.services import Services
from bot.runtime.settings import Settings
from bot.store import Store
from knowledge.engine import Engine
from tests.emulator import BotApiEmulator


@dataclass
class OnLoop:
    emu: BotApiEmulator
    app: object
    store: Store
    admins: list = field(default_factory=list)  # people in COCREA_ADMIN_IDS
    errors: list = field(default_factory=list)

    async def says(self, user, text: str, chat=None):
        """The user sends text (or a /command); the bot's one reply."""
        chat = chat or user
        self.emu.mark_read(chat)
        (self.emu.send_command if text.startswith("/") else self.emu.send_text)(user, text, chat=chat)
        reply, = await self.emu.wait_for_messages_async(chat, 1, timeout=20)
        return reply

    async def taps_to_new(self, user, message, label: str):
        """The user presses a button (by its label) that answers with a new message; that message."""
        self.emu.mark_read(user)
        self.emu.press_button(user, message, label)
        reply, = await self.emu.wait_for_messages_async(user, 1, timeout=20)
        return reply

    async def presses(self, user, message, data: str, raw: bool = True) -> dict:
        """The user presses a button (raw callback data by default); the bot's answer to the press."""
        query = self.emu.press_button(user, message, data, raw=raw)
        return await self.emu.wait_for_callback_answer_async(query, timeout=20)


@asynccontextmanager
async def app_on_loop(engine: Engine, directory: Path, admins: int = 0) -> AsyncIterator[OnLoop]:
    with BotApiEmulator() as emu:
        people = [emu.new_user(f"Admin {n}") for n in range(1, admins + 1)]
        settings = Settings(token=emu.token, api_base_url=emu.base_url, db_path=directory / "cocrea.db",
                            admin_ids=frozenset(person.id for person in people))
        store = Store(settings.db_path)
        app = build_application(settings, Services(settings=settings, store=store, engine=engine), rate_limit=False)
        running = OnLoop(emu, app, store, people)

        async def record(update, context):
            running.errors.append(context.error)

        app.add_error_handler(record)
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=1)
            try:
                yield running
            finally:
                await app.updater.stop()
                await app.stop()
        store.close()
        assert running.errors == []
        rejected = [(c.method, c.status, c.description) for c in emu.calls() if c.status >= 400]
        assert rejected == [], rejected
