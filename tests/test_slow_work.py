"""Long work (a fan-out to thousands of subscribers) shows "typing…"; quick work does not."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from handlers import render


class FakeBot:
    def __init__(self):
        self.actions = []
        self.typing_seen = threading.Event()

    async def send_chat_action(self, chat_id, action):
        self.actions.append((chat_id, action))
        self.typing_seen.set()


def _update_and_context():
    bot = FakeBot()
    return SimpleNamespace(effective_chat=SimpleNamespace(id=42)), SimpleNamespace(bot=bot), bot


async def test_slow_work_shows_typing_while_it_runs(monkeypatch):
    monkeypatch.setattr(render, "TYPING_AFTER_SECONDS", 0.01)
    update, context, bot = _update_and_context()
    # the work ends only once "typing…" was sent: slow work by construction, no timing involved
    result = await render.slow_work(update, context, lambda: bot.typing_seen.wait(timeout=10) and "hecho")
    assert result == "hecho"
    assert bot.actions == [(42, "typing")]


async def test_quick_work_shows_nothing(monkeypatch):
    monkeypatch.setattr(render, "TYPING_AFTER_SECONDS", 30)
    update, context, bot = _update_and_context()
    assert await render.slow_work(update, context, sum, [1, 2, 3]) == 6
    assert bot.actions == []


async def test_a_failed_typing_action_does_not_break_the_work(monkeypatch):
    monkeypatch.setattr(render, "TYPING_AFTER_SECONDS", 0.01)
    update, context, bot = _update_and_context()

    async def broken(chat_id, action):
        bot.typing_seen.set()
        raise RuntimeError("network down")

    bot.send_chat_action = broken
    assert await render.slow_work(update, context, lambda: bot.typing_seen.wait(timeout=10) and 7) == 7
