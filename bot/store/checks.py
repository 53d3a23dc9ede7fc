"""Before the store opens a database file: a file that is not a database, a damaged one, or one
that became empty where a database lived is one clear line for the operator (SettingsError,
exit status 2), never a traceback and never a silent fresh start that loses every subscription.

Where a database lived is remembered by a line in the lock file next to its real path (the one
bot/runtime/lock.py uses): a 0-byte or schema-less database there is refused unless the operator says
`python -m bot run --nueva`. A new path (no file yet, or an empty file nobody used) starts fresh.

The checks open the file only through SQLite: opening and closing it any other way would drop
the POSIX locks SQLite holds in this process."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from bot.errors import SettingsError
from bot.store import is_storage_failure

MARK = "cocreabot-db"  # in the lock file: a database lived at this path


def lock_path(db_path: Path | str) -> Path:
    """The lock file next to the database's real path (symlinks resolved); see bot/runtime/lock.py."""
    return Path(f"{os.path.realpath(db_path)}.lock")


def check_before_opening(db_path: Path | str, *, allow_empty: bool = False, thorough: bool = True) -> None:
    """Raise SettingsError when the file at db_path must not be opened as the bot's database.
    thorough: also run PRAGMA quick_check (reads every page; ~0.35 s for 100 MB)."""
    path = str(db_path)
    if path == ":memory:" or path.startswith("file:"):
        return
    try:
        size = os.path.getsize(path)
    except OSError:
        return  # a new database, or one the store cannot open (it says so in one line)
    if size == 0:
        if not allow_empty and _was_used(path):
            raise SettingsError(_emptied(path))
        return
    try:
        connection = sqlite3.connect(path, timeout=30)
    except sqlite3.Error:
        return  # the store reports it
    try:
        connection.execute("PRAGMA busy_timeout = 30000")
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        objects = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if version == 0 and objects == 0 and not allow_empty and _was_used(path):
            raise SettingsError(_emptied(path))
        if thorough:
            problems = [row[0] for row in connection.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise SettingsError(_damaged(path, problems[0]))
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            return  # a long write elsewhere: not damage
        if is_storage_failure(error):
            return  # a full or failing disk, not damage: the store says so in one line
        raise SettingsError(_damaged(path, str(error))) from None
    except sqlite3.DatabaseError as error:  # "file is not a database", "database disk image is malformed"
        raise SettingsError(_damaged(path, str(error))) from None
    finally:
        connection.close()


def remember(db_path: Path | str) -> None:
    """Note in the lock file that a database lives at this path (once; keeps what is there)."""
    path = str(db_path)
    if path == ":memory:" or path.startswith("file:"):
        return
    marker = lock_path(path)
    try:
        with os.fdopen(os.open(marker, os.O_RDWR | os.O_CREAT, 0o600), "r+") as handle:
            lines = handle.read().splitlines()
            if MARK not in lines:
                handle.seek(0)
                handle.truncate()
                handle.write("\n".join([lines[0] if lines else "", *lines[1:], MARK]) + "\n")
    except OSError:
        pass  # a read-only folder: nothing to remember with, and nothing lost


def _was_used(path: str) -> bool:
    try:
        return MARK in lock_path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False


def _emptied(path: str) -> str:
    return (f"La base de datos {path} está vacía, pero aquí ya hubo una base de CocreaBot (lo dice {lock_path(path)}): "
            "¿se truncó o se reemplazó? Restáurala de un respaldo; para empezar de cero a propósito, "
            "corre `python -m bot run --nueva`.")


def _damaged(path: str, problem: str) -> str:
    detail = " ".join(problem.split())[:160]
    return (f"La base de datos {path} está dañada o no es una base de datos ({detail}). No la borres: "
            "detén el bot y restáurala de un respaldo, o apunta COCREA_DB a otra.")
