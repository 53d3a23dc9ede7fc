"""Shared fixtures: the knowledge base and the engine are built once per session (they are
immutable); databases are fresh per test."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from knowledge.engine import Engine
from knowledge.loader import default_knowledge


@pytest.fixture(scope="session")
def kb():
    return default_knowledge()


@pytest.fixture(scope="session")
def engine(kb):
    return Engine(kb)


FIXED_NOW = datetime(2026, 11, 21, 18, 0, tzinfo=timezone.utc)


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    """A database file for the CLI and the store: COCREA_DB points at it, and no token is set."""
    path = tmp_path / "cocrea.db"
    monkeypatch.setenv("COCREA_DB", str(path))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    return path
