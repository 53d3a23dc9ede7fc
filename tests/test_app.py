"""The composition root wires what the rest relies on."""

from __future__ import annotations

from bot.app import BUDGET_KEY, build_application
from bot.runtime.jobs import OUTBOX_PRUNE_INTERVAL
from bot.runtime.limiter import RepliesFirst
from bot.store import FAN_OUT_CHECK
from bot.runtime.settings import Settings

TOKEN = "123456789:AAE-composition-root-test-token"


def test_the_outbox_is_pruned_periodically_and_replies_share_the_budget_of_notices(tmp_path):
    application = build_application(Settings(token=TOKEN, db_path=tmp_path / "cocrea.db"))
    jobs = {job.name: job for job in application.job_queue.jobs()}
    assert jobs["outbox-prune"].job.trigger.interval.total_seconds() == OUTBOX_PRUNE_INTERVAL
    assert jobs["fan-out-rescue"].job.trigger.interval.total_seconds() == FAN_OUT_CHECK  # Store.fan_out
    limiter = application.bot.rate_limiter
    assert isinstance(limiter, RepliesFirst) and limiter.max_wait > 0  # a reply that meets a 429 waits and goes
    assert limiter.budget is application.bot_data[BUDGET_KEY]  # the dispatcher gets the same (post_init)


def test_benchmarks_can_build_it_without_the_limiter(tmp_path):
    application = build_application(Settings(token=TOKEN, db_path=tmp_path / "cocrea.db"), rate_limit=False)
    assert application.bot.rate_limiter is None




def test_every_command_of_the_table_has_a_handler(tmp_path):
    from telegram.ext import CommandHandler

    from bot.core.commands import COMMANDS

    application = build_application(Settings(token=TOKEN, db_path=tmp_path / "cocrea.db"))
    registered = set()
    for group in application.handlers.values():
        for handler in group:
            for inner in [handler, *getattr(handler, "entry_points", [])]:
                if isinstance(inner, CommandHandler):
                    registered |= set(inner.commands)
    assert {name for command in COMMANDS for name in command.names} <= registered
