"""The composition root wires what the rest relies on."""

from __future__ import annotations

from bot.app import BUDGET_KEY, OUTBOX_PRUNE_INTERVAL, build_application
from bot.limiter import RepliesFirst
from bot.store import FAN_OUT_CHECK
from bot.settings import Settings

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


def _imports(path) -> set[str]:
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    names |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    return {name.split(".")[0] for name in names}


def test_imports_point_one_way():
    """knowledge imports nothing of ours; bot imports knowledge; handlers import both; only
    bot/app.py (the composition root) imports handlers."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for path in (root / "knowledge").rglob("*.py"):
        assert not _imports(path) & {"bot", "handlers", "tests"}, path
    for path in (root / "bot").rglob("*.py"):
        if path.name != "app.py":
            assert not _imports(path) & {"handlers", "tests"}, path
    for path in (root / "handlers").rglob("*.py"):
        assert "tests" not in _imports(path), path
