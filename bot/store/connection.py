"""The one place that opens the SQLite database and holds its connections: pragmas, the write
lock, transactions, plain queries, and what a full or failing disk looks like. Every aggregate
module (chats, documents, convocatorias, outbox, values) reads and writes through a Connection,
so another backend changes this module only.

Reads never wait for writes. The database is in WAL mode: one writer connection, behind a lock,
takes every transaction, and each thread reads through a connection of its own, outside that
lock, from the last committed state. So a fan-out writing 100,000 deliveries in a worker thread
never holds up the event loop's reads (the answers: documents, progress, convocatorias, a chat's
subscriptions), and writers of another process (`python -m bot publicar`) never do either
(benchmarks/reply_latency.py). A read inside a transaction of the same thread goes through the
writer, so it sees what that transaction wrote. An in-memory database (tests) has one
connection: it cannot be shared."""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

import sqlite_utils

from bot.errors import SettingsError
from bot.store.migrations import migrate


class Busy(Exception):
    """Another writer holds the database right now (a transaction asked not to wait)."""


class StorageError(SettingsError):
    """The database cannot be written (the disk is full, or it fails): nothing of the operation
    was saved. Worded for the operator, in one line (the CLI prints it and exits with 2)."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)



class Connection:
    """The database's connections. Thread-safe: writes go through one connection behind a
    lock, reads through one connection per thread that never takes it."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        self._local = threading.local()  # per thread: its read connection, whether it is writing
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        connection = _connect(self.path)
        try:
            connection.execute("PRAGMA busy_timeout = 30000")
            if self.path != ":memory:":
                connection.execute("PRAGMA journal_mode = WAL")  # its -shm file needs a little room
                # Every commit reaches the disk before it returns: a publication reported as queued,
                # and a delivery claimed before its send, survive a power loss (README,
                # «Notificaciones»; the cost is measured by benchmarks/fanout.py).
                connection.execute("PRAGMA synchronous = FULL")
        except sqlite3.OperationalError as error:
            connection.close()
            if is_storage_failure(error):
                raise StorageError(_storage_message(self.path, error)) from error
            raise
        self.db = sqlite_utils.Database(connection)
        self._lock = threading.RLock()
        migrate(self)

    @classmethod
    def memory(cls):
        return cls(":memory:")

    def close(self) -> None:
        with self._lock:
            self.db.conn.close()
        with self._readers_lock:
            for reader in self._readers:
                reader.close()
            self._readers.clear()

    # -- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self, wait: bool | None = None) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error. A full or failing disk is a
        StorageError, and the connection is left usable: once there is space again, the next
        transaction works (SQLite may have rolled this one back already). wait=False (or inside
        `impatient()`): raise Busy at once, instead of waiting, when another thread or process
        is writing."""
        if wait is None:
            wait = not getattr(self._local, "impatient", False)
        if not self._lock.acquire(blocking=wait):
            raise Busy()
        try:
            conn = self.db.conn
            outer = not getattr(self._local, "writing", False)
            self._local.writing = True
            try:
                self._begin(conn, wait)
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as error:
                if is_storage_failure(error):
                    raise StorageError(_storage_message(self.path, error)) from error
                raise
            finally:
                if outer:
                    self._local.writing = False
        finally:
            self._lock.release()

    @contextmanager
    def impatient(self) -> Iterator[None]:
        """In this thread, every transaction begun inside raises Busy instead of waiting for
        another writer (the event loop tries a write at once and, if it must wait, waits in a
        thread)."""
        before = getattr(self._local, "impatient", False)
        self._local.impatient = True
        try:
            yield
        finally:
            self._local.impatient = before

    @staticmethod
    def _begin(conn: sqlite3.Connection, wait: bool) -> None:
        if wait:
            conn.execute("BEGIN IMMEDIATE")
            return
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if getattr(error, "sqlite_errorname", "").startswith("SQLITE_BUSY"):
                raise Busy() from error
            raise
        finally:
            conn.execute("PRAGMA busy_timeout = 30000")

    def _query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts: from this thread's read connection (never waiting for a writer), or
        from the writer inside this thread's transaction and for an in-memory database."""
        if self.path == ":memory:" or getattr(self._local, "writing", False):
            with self._lock:
                return list(self.db.query(sql, params))
        cursor = self._reader().execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _reader(self) -> sqlite3.Connection:
        reader = getattr(self._local, "reader", None)
        if reader is None:
            reader = _connect(self.path)
            reader.execute("PRAGMA busy_timeout = 30000")
            reader.execute("PRAGMA query_only = 1")
            with self._readers_lock:
                self._readers.append(reader)
            self._local.reader = reader
        return reader

    @property
    def schema_version(self) -> int:
        return self.db.conn.execute("PRAGMA user_version").fetchone()[0]


def is_storage_failure(error: sqlite3.Error) -> bool:
    """The disk is full or fails (not the database's fault: a damaged file is SQLITE_CORRUPT)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error).lower()
    return name == "SQLITE_FULL" or name.startswith("SQLITE_IOERR") or "disk is full" in text or "disk i/o error" in text


def _storage_message(path: str, error: sqlite3.Error) -> str:
    full = getattr(error, "sqlite_errorname", "") == "SQLITE_FULL" or "full" in str(error).lower() or _no_room(path)
    why = "el disco está lleno" if full else "el disco no deja escribir (¿está lleno?)"
    return (f"No pude escribir en la base de datos {path}: {why} ({error}). No se guardó nada; libera espacio "
            "(o revisa el disco) y repite.")


def _no_room(path: str) -> bool:
    """The database's disk has (almost) no room left: SQLite then says «disk I/O error» when it
    cannot even create the small -shm file of a WAL database."""
    try:
        stats = os.statvfs(os.path.dirname(os.path.abspath(path)))
    except (OSError, AttributeError):
        return False
    return stats.f_bavail * stats.f_frsize < 256 * 1024


def _connect(path: str) -> sqlite3.Connection:
    try:
        if path != ":memory:":
            _create_private(path)
        connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        connection.execute("PRAGMA foreign_keys = ON")
    except (sqlite3.OperationalError, OSError):
        raise SettingsError(f"No puedo abrir la base de datos {path}: revisa COCREA_DB; su carpeta debe existir "
                            "y poder escribirse.") from None
    return connection


def _create_private(path: str) -> None:
    """A new database file is readable by its owner only (0600): it holds who follows what and
    who publishes. SQLite gives its -wal and -shm files the database's mode. An existing file
    keeps the mode its operator gave it."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid an INSERT just wrote (sqlite3 leaves it None only for statements that insert nothing)."""
    assert cursor.lastrowid is not None, "not an INSERT"
    return cursor.lastrowid
