"""The composition root wires what the rest relies on."""

from __future__ import annotations

from telegram.ext import AIORateLimiter

from bot.app import OUTBOX_PRUNE_INTERVAL, build_application
from bot.settings import Settings

TOKEN = "123456789:AAE-composition-root-test-token"


def test_the_outbox_is_pruned_periodically_and_the_limiter_never_retries(tmp_path):
    application = build_application(Settings(token=TOKEN, db_path=tmp_path / "cocrea.db"))
    jobs = {job.name: job for job in application.job_queue.jobs()}
    assert jobs["outbox-prune"].job.trigger.interval.total_seconds() == OUTBOX_PRUNE_INTERVAL
    limiter = application.bot.rate_limiter
    assert isinstance(limiter, AIORateLimiter) and limiter._max_retries == 0  # the dispatcher handles 429


def test_benchmarks_can_build_it_without_the_limiter(tmp_path):
    application = build_application(Settings(token=TOKEN, db_path=tmp_path / "cocrea.db"), rate_limit=False)
    assert application.bot.rate_limiter is None
