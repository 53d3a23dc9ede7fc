"""Running CocreaBot as its own process against the Bot API emulator, as operators run it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.emulator import BotApiEmulator

ROOT = Path(__file__).resolve().parents[1]


class BotProcess:
    """`python -m bot <args>` with TELEGRAM_API_BASE_URL pointing at the emulator."""

    def __init__(self, emulator: BotApiEmulator, db_path: Path, *args: str, env: dict[str, str] | None = None):
        self.emulator = emulator
        self.db_path = db_path
        self.args = args or ("run",)
        self.extra_env = env or {}
        self.log_path = db_path.with_suffix(".log")
        self.process: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": self.emulator.token,
            "TELEGRAM_API_BASE_URL": self.emulator.base_url,
            "COCREA_DB": str(self.db_path),
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }

    def start(self, wait_polling: bool = True, timeout: float = 20) -> "BotProcess":
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "bot", *self.args], cwd=ROOT, env=self.env(),
                                        stdout=self._log, stderr=subprocess.STDOUT)
        if wait_polling:
            self._wait_polling(timeout)
        return self

    def _wait_polling(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self.emulator.is_polling():
            if self.process.poll() is not None:
                self._log.close()
                raise RuntimeError(f"bot exited with {self.process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                self.kill()  # never leave a stray bot behind
                raise TimeoutError(f"bot did not start polling:\n{self.log()}")
            time.sleep(0.05)

    def stop(self, timeout: float = 15) -> int:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode if self.process else 0

    def kill(self) -> None:
        """kill -9: no clean-up at all."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> "BotProcess":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
