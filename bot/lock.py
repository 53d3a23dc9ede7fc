"""Only one running bot per database: two copies would answer twice and fight over getUpdates.
An advisory lock on a file next to the database; the operating system releases it when the
process dies, even with kill -9."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from bot.settings import SettingsError


class InstanceLock:
    def __init__(self, db_path: Path):
        self.path = Path(f"{db_path}.lock")
        self._file = None

    def acquire(self) -> "InstanceLock":
        try:
            handle = os.fdopen(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), "r+")  # owner only, as the database
        except OSError:
            raise SettingsError(
                f"No puedo crear {self.path}: revisa COCREA_DB; su carpeta debe existir y poder escribirse."
            ) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            handle.close()
            raise SettingsError(
                f"Ya hay un CocreaBot corriendo con esta base de datos ({self.path.with_suffix('')}, pid {holder}). "
                "Detén esa copia antes de arrancar otra."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._file = handle
        return self

    def release(self) -> None:
        if self._file:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
