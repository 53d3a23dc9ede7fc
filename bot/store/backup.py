"""`python -m bot respaldar DESTINO`: a consistent copy of the database, even while the bot runs.

SQLite's online backup API copies every page inside one read transaction: with the bot's WAL
journal, readers never block writers, so the bot keeps answering and publishing, and the copy
is the database as it was at one instant (never half of a publication). The copy is written
to a temporary file next to DESTINO (readable by its owner only: it holds who follows what),
switched to a plain rollback journal so that it is one self-contained file, checked with
PRAGMA quick_check, flushed to disk, and only then given its name; an existing DESTINO is kept
unless --forzar. Any problem is one line for the operator and exit status 2.

Restoring: stop the bot, put the copy in place of the COCREA_DB file (and remove any -wal and
-shm files next to it), start the bot."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path


class BackupError(Exception):
    """What went wrong, worded for the operator (one line)."""


def backup_database(source: Path | str, destination: Path | str, *, force: bool = False) -> int:
    """Copies the database at `source` to `destination`; returns the copy's size in bytes.
    Raises BackupError when there is nothing to copy, the destination exists (without force) or
    cannot be written, or the copy does not check out."""
    source, destination = str(source), str(destination)
    if source == ":memory:" or source.startswith("file:"):
        raise BackupError(f"COCREA_DB es {source}: no es un archivo que se pueda respaldar.")
    if not os.path.isfile(source):
        raise BackupError(f"No hay base de datos en {source} (COCREA_DB): no hay nada que respaldar.")
    if os.path.isdir(destination):
        raise BackupError(f"{destination} es una carpeta; el destino es el nombre del archivo del respaldo, "
                          f"por ejemplo {os.path.join(destination, 'cocrea-respaldo.db')}.")
    if os.path.lexists(destination):
        if not force:
            raise BackupError(f"Ya existe {destination}; no lo sobrescribo. Elige otro nombre, "
                              "o agrega --forzar para reemplazarlo.")
        if os.path.exists(destination) and os.path.samefile(source, destination):
            raise BackupError(f"{destination} es la misma base de datos que respaldo; elige otro destino.")
    folder = os.path.dirname(os.path.abspath(destination))
    if not os.path.isdir(folder):
        raise BackupError(f"No existe la carpeta {folder}; créala o elige otro destino.")
    temporary = os.path.join(folder, f".{os.path.basename(destination)}.{os.getpid()}.tmp")
    try:
        _copy(source, temporary)
        _give_name(temporary, destination, force)
    except BackupError:
        _remove(temporary)
        raise
    except sqlite3.DatabaseError as error:
        _remove(temporary)
        raise BackupError(_sqlite_problem(source, destination, error)) from None
    except OSError as error:
        _remove(temporary)
        reason = error.strerror or type(error).__name__
        raise BackupError(f"No pude escribir el respaldo en {destination}: {reason}.") from None
    return os.path.getsize(destination)


def _copy(source: str, temporary: str) -> None:
    _remove(temporary)
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    # mode=ro: never create a database where there was none, never write to the bot's file
    reader = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        reader.execute("PRAGMA busy_timeout = 30000")
        tables = reader.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if tables == 0:
            raise BackupError(f"La base de datos {source} está vacía: no hay nada que respaldar.")
        copy = sqlite3.connect(temporary, isolation_level=None)
        try:
            reader.backup(copy)  # all pages in one step: one read transaction, one instant
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            problems = [row[0] for row in copy.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise BackupError(f"La copia de {source} no pasó la revisión ({problems[0][:120]}); "
                                  "la base de datos podría estar dañada. No escribí el respaldo.")
        finally:
            copy.close()
    finally:
        reader.close()
    descriptor = os.open(temporary, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _give_name(temporary: str, destination: str, force: bool) -> None:
    if force:
        os.replace(temporary, destination)
    else:
        try:
            os.link(temporary, destination)  # fails if someone created DESTINO meanwhile
        except FileExistsError:
            raise BackupError(f"Ya existe {destination}; no lo sobrescribo. Elige otro nombre, "
                              "o agrega --forzar para reemplazarlo.") from None
        except OSError:  # a file system without hard links
            if os.path.lexists(destination):
                raise BackupError(f"Ya existe {destination}; no lo sobrescribo.") from None
            os.replace(temporary, destination)
        _remove(temporary)
    try:
        folder = os.open(os.path.dirname(os.path.abspath(destination)), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)  # the new name survives a power loss too
    except OSError:
        pass
    finally:
        os.close(folder)


def _remove(path: str) -> None:
    for name in (path, f"{path}-journal", f"{path}-wal", f"{path}-shm"):
        try:
            os.remove(name)
        except OSError:
            pass


def _sqlite_problem(source: str, destination: str, error: sqlite3.DatabaseError) -> str:
    detail = " ".join(str(error).split())[:160]
    if "full" in detail:
        return f"No hay espacio para el respaldo en {destination} ({detail})."
    if isinstance(error, sqlite3.OperationalError) and ("locked" in detail or "busy" in detail):
        return f"La base de datos {source} estuvo ocupada demasiado tiempo ({detail}); inténtalo de nuevo."
    return f"No pude respaldar {source} en {destination}: {detail}."
