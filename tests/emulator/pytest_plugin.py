"""Pytest fixtures for the emulator.

Use from a conftest.py with ``pytest_plugins = ["tests.emulator.pytest_plugin"]`` or by
importing the fixtures: ``from tests.emulator.pytest_plugin import bot_api_emulator``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .driver import BotApiEmulator


@pytest.fixture
def bot_api_emulator() -> Iterator[BotApiEmulator]:
    """A fresh, running emulator per test; fails the test if the emulator itself broke."""
    with BotApiEmulator() as emulator:
        yield emulator
        assert not emulator.internal_errors, emulator.internal_errors


@pytest.fixture(scope="session")
def shared_bot_api_emulator() -> Iterator[BotApiEmulator]:
    """One emulator for the whole session (create your own users/groups per test)."""
    with BotApiEmulator() as emulator:
        yield emulator
