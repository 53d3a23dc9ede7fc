"""Issue 10: a guided flow left untouched longer than COCREA_FLOW_HOURS (24 by default) is dropped
with the flow's own friendly message when it is touched again, also after a restart (a restored
flow has no timeout of its own in python-telegram-bot), never resumed."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from telegram.ext import ConversationHandler

from bot.app import build_application
from bot.runtime.settings import Settings, SettingsError
from handlers.common import SERVICES_KEY
from handlers.flows import TOUCHED_KEY, stale_guard

TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghij"


def test_the_setting_is_hours_24_by_default_and_checked():
    assert Settings.from_env({}).flow_timeout == timedelta(hours=24)
    assert Settings.from_env({"COCREA_FLOW_HOURS": "6"}).flow_timeout == timedelta(hours=6)
    assert Settings.from_env({"COCREA_FLOW_HOURS": "0.5"}).flow_timeout == timedelta(minutes=30)
    for bad in ("cero", "0", "-3", "10000", "nan"):
        with pytest.raises(SettingsError, match="COCREA_FLOW_HOURS"):
            Settings.from_env({"COCREA_FLOW_HOURS": bad})


def test_every_guided_flow_times_out_after_the_setting(tmp_path):
    application = build_application(Settings(token=TOKEN, db_path=tmp_path / "c.db", flow_hours=6))
    flows = {h.name: h for h in application.handlers[0] if isinstance(h, ConversationHandler)}
    for name in ("publicar", "convocar", "mis_convocatorias"):
        assert flows[name].conversation_timeout == 6 * 3600, name
    assert application.persistence.max_age > timedelta(hours=6)  # restored, then dropped with a word


class Context(SimpleNamespace):
    pass


def _context(touched: datetime | None, hours: float = 24) -> Context:
    settings = Settings(flow_hours=hours)
    user_data = {"document_draft": "a draft"} | ({TOUCHED_KEY: touched} if touched else {})
    return Context(user_data=user_data, application=SimpleNamespace(bot_data={SERVICES_KEY: SimpleNamespace(settings=settings)}))


def _run(touched: datetime | None, hours: float = 24):
    calls: list[str] = []

    async def step(update, context):
        calls.append("step")
        return 3

    async def timed_out(update, context):
        calls.append("timed_out")

    context = _context(touched, hours)
    state = asyncio.run(stale_guard(step, timed_out)(None, context))
    return state, calls, context.user_data


def test_a_flow_touched_recently_goes_on_and_is_touched_again():
    before = datetime.now(timezone.utc) - timedelta(hours=23)
    state, calls, data = _run(before)
    assert (state, calls) == (3, ["step"])
    assert data[TOUCHED_KEY] > before + timedelta(hours=22)


def test_a_flow_untouched_longer_than_the_setting_is_dropped_with_the_flows_message():
    state, calls, _ = _run(datetime.now(timezone.utc) - timedelta(hours=25))
    assert (state, calls) == (ConversationHandler.END, ["timed_out"])
    state, calls, _ = _run(datetime.now(timezone.utc) - timedelta(hours=3), hours=2)
    assert (state, calls) == (ConversationHandler.END, ["timed_out"])


def test_a_flow_from_before_the_clock_was_kept_goes_on():
    state, calls, data = _run(None)
    assert (state, calls) == (3, ["step"]) and TOUCHED_KEY in data
