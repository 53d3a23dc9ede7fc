"""Shared fixtures: the knowledge base and the engine are built once per session (they are
immutable); databases are fresh per test."""

from __future__ import annotations

import gc
import os
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.store import Store
from knowledge.engine import Engine
from knowledge.loader import default_knowledge
from tests.eval.evaluate import TUNE, corpus, evaluate
from tests.emulator.server import EmulatorServer

# The trained classifier, kept per checkout (and read by the bot processes the tests start): the
# user's cache folder holds one version at a time, so another checkout of the project on the same
# machine would replace it at every run and each process would train again (seconds each).
os.environ.setdefault("COCREA_CACHE_DIR", str(Path(__file__).resolve().parents[1] / ".pytest_cache" / "cocreabot"))


# Collect the youngest objects less often (every 20,000 allocations, not 700): the tests allocate
# in bursts (a knowledge base, thousands of replies) that live a while, and walking them every
# 700 allocations cost seconds of the fast loop.
gc.set_threshold(20_000, 10, 10)


def _kept_for_the_session(value):
    """What a session fixture keeps lives until the end: out of the garbage collector's sight
    (gc.freeze), so collections no longer walk it again and again (about a fifth of the fast
    loop's CPU went to that)."""
    gc.collect()
    gc.freeze()
    return value


@pytest.fixture(scope="session")
def kb():
    return _kept_for_the_session(default_knowledge())


@pytest.fixture(scope="session")
def engine(kb):
    return _kept_for_the_session(Engine(kb))


@pytest.fixture
def store(tmp_path):
    """A fresh store on a database file of its own."""
    opened = Store(tmp_path / "cocrea.db")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def tune_outcomes(engine):
    """The engine's answer to every question of the tuning corpus (5,000+, about 7 s of
    understanding): asked once per session for the figures and for every button a reply offers."""
    return _kept_for_the_session(evaluate(engine, corpus(TUNE)))


FIXED_NOW = datetime(2026, 11, 21, 18, 0, tzinfo=timezone.utc)


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    """A database file for the CLI and the store: COCREA_DB points at it, and no token is set."""
    path = tmp_path / "cocrea.db"
    monkeypatch.setenv("COCREA_DB", str(path))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return path


# -- the e2e marker ---------------------------------------------------------------------------
# `pytest -m "not e2e"` is the fast loop. A test is end-to-end when it starts the Bot API
# emulator (every bot run and in-process Application talks to one) or a `python -m bot`
# process; doing either in a test that is not marked e2e is an error, so the fast loop can never
# grow slow by accident.

_running_e2e = False
_start_emulator = EmulatorServer.start
_popen_init = subprocess.Popen.__init__


def _start_only_in_e2e(server: EmulatorServer) -> None:
    if not _running_e2e:
        raise pytest.UsageError("this test starts the Bot API emulator: mark it @pytest.mark.e2e")
    _start_emulator(server)


def _bot_process_only_in_e2e(popen: subprocess.Popen, args, *rest, **options) -> None:
    command = list(args) if isinstance(args, (list, tuple)) else [args]
    if not _running_e2e and command[1:3] == ["-m", "bot"]:
        raise pytest.UsageError("this test starts a `python -m bot` process: mark it @pytest.mark.e2e")
    _popen_init(popen, args, *rest, **options)


EmulatorServer.start = _start_only_in_e2e
subprocess.Popen.__init__ = _bot_process_only_in_e2e


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _running_e2e
    _running_e2e = item.get_closest_marker("e2e") is not None
    try:
        return (yield)
    finally:
        _running_e2e = False
