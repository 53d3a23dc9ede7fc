"""Only one running bot per database: two copies would answer twice and fight over getUpdates.
An advisory lock (flock) that the operating system releases when the process dies, even with
kill -9, taken twice:

- on a file next to the database's real path (symlinks and relative paths resolved), which
  also holds the pid of the running copy;
- on the database file itself, when it exists, so that another name for the same file (a hard
  link, another mount of its folder) finds it locked too. flock locks are separate from the
  POSIX locks SQLite takes, so this does not block the CLI. The descriptor stays open while the
  bot runs: closing a descriptor of the database drops the process's own SQLite locks, which is
  harmless only once the bot has stopped using it."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import TextIO

from bot.errors import SettingsError


class InstanceLock:
    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self.real_path = Path(os.path.realpath(db_path))
        self.path = Path(f"{self.real_path}.lock")
        self._file: TextIO | None = None
        self._database: int | None = None

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
            holder = (handle.read().splitlines() or [""])[0].strip() or "?"
            handle.close()
            self._refuse(f", pid {holder}")
        try:
            self._database = _lock_database(self.real_path)
        except BlockingIOError:
            fcntl.flock(handle, fcntl.LOCK_UN)
            handle.close()
            self._refuse("")  # locked under another name: its pid is in the lock file next to that name
        handle.seek(0)
        kept = handle.read().splitlines()[1:]  # the first line is the pid; what follows stays (bot/store/checks.py)
        handle.seek(0)
        handle.truncate()
        handle.write("\n".join([str(os.getpid()), *kept]) + ("\n" if kept else ""))
        handle.flush()
        self._file = handle
        return self

    def _refuse(self, holder: str) -> None:
        named = str(self.db_path)
        if self.real_path != Path(os.path.abspath(self.db_path)):
            named += f", que es {self.real_path}"
        raise SettingsError(
            f"Ya hay un CocreaBot corriendo con esta base de datos ({named}{holder}). "
            "Detén esa copia antes de arrancar otra."
        ) from None

    def release(self) -> None:
        if self._database is not None:
            fcntl.flock(self._database, fcntl.LOCK_UN)
            os.close(self._database)
            self._database = None
        if self._file:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


def _lock_database(path: Path) -> int | None:
    """An exclusive flock on the database file itself (None when it does not exist yet: the
    store creates it). Raises BlockingIOError when another copy holds it."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError:
        return None  # unreadable here: the store will say so in one line
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise
    except OSError:  # a filesystem without flock: the lock file next to it still guards
        os.close(descriptor)
        return None
    return descriptor
