from __future__ import annotations

import pytest

from tests.bot_process import BotProcess
from tests.emulator import BotApiEmulator


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
