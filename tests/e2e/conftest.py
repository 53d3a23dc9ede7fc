from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot_process import BotProcess
from tests.e2e.people import live_bot
from tests.emulator import BotApiEmulator

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    """Every test in this folder is end-to-end (marker e2e)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def emulator():
    with BotApiEmulator() as emu:
        yield emu
        assert not emu.internal_errors, emu.internal_errors


@pytest.fixture
def bot(emulator, tmp_path):
    """CocreaBot running as its own process (long polling) against the emulator."""
    process = BotProcess(emulator, tmp_path / "cocrea.db").start()
    yield process
    code = process.stop()
    assert code == 0, process.log()
    assert "Traceback" not in process.log(), process.log()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """One emulator and one CocreaBot process (long polling) shared by a module's tests; each
    test talks through its own new users, so chats never mix. At the end: clean exit, no
    traceback, no call Telegram would reject, every button press answered exactly once."""
    with live_bot(tmp_path_factory.mktemp("bot")) as shared:
        yield shared


@pytest.fixture
def ana(live):
    return live.person("Ana")
