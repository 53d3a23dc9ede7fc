"""A disk that cannot take a write (issue 13, item 2) and what survives a power loss (item 11):
the CLI's publishing commands say so in one Spanish line and exit with 2 (no traceback, nothing
queued), with an injected «database or disk is full» as SQLite raises it at COMMIT, and on a
real full disk (a small tmpfs, when this machine lets the tests mount one); every commit of the
store is synchronous=FULL."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot import cli
from bot.store import connection as store_module
from bot.store import Store
from tests.bot_process import ROOT

PUBLISHING = ("INSERT INTO DOCUMENTS", "INSERT INTO CONVOCATORIAS")


class FullAtCommit:
    """A connection on a disk with room for nothing more: the statements of a publication run,
    then COMMIT fails with «database or disk is full» and SQLite rolls the transaction back."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn
        self._writing = False

    def execute(self, sql: str, params=()):
        statement = " ".join(sql.split()).upper()
        if statement.startswith(PUBLISHING):
            self._writing = True
        if statement == "COMMIT" and self._writing:
            self._writing = False
            self._conn.execute("ROLLBACK")
            raise sqlite3.OperationalError("database or disk is full")
        return self._conn.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self._conn, name)


@pytest.fixture
def full_disk(tmp_path, monkeypatch):
    path = tmp_path / "cocrea.db"
    monkeypatch.setenv("COCREA_DB", str(path))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    with _subscribed(path):
        pass
    connect = store_module._connect
    monkeypatch.setattr(store_module, "_connect", lambda where: FullAtCommit(connect(where)))
    return path


@contextmanager
def _subscribed(path: Path):
    store = Store(path)
    for chat in (1, 2, 3):
        store.subscribe(chat, "jalisco")
        store.subscribe(chat, "oaxaca")
    yield store
    store.close()


def _nothing_written(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        counts = [conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("documents", "convocatorias", "notices", "deliveries")]
    finally:
        conn.close()
    assert counts == [0, 0, 0, 0]


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize("command", [
    ["publicar", "--entidad", "jalisco", "--paso", "4", "--titulo", "Acta de instalación", "--url",
     "https://stl.example/acta.pdf"],
    ["convocar", "--entidad", "oaxaca", "--paso", "7", "--titulo", "Mesas de cocreación", "--cierra", "en 2 semanas"],
], ids=["publicar", "convocar"])
def test_a_full_disk_is_one_clear_line_and_exit_2(full_disk, capsys, command):
    assert cli.main(command) == 2
    out, err = capsys.readouterr()
    line = _one_line(err)
    assert line.startswith("Error: No pude escribir en la base de datos") and "el disco está lleno" in line
    assert "Avisos en cola" not in out
    _nothing_written(full_disk)


def test_importar_on_a_full_disk_is_one_clear_line_and_exit_2(full_disk, tmp_path, capsys):
    rows = tmp_path / "docs.csv"
    rows.write_text("entidad,paso,tipo,titulo,url,fecha\n"
                    "jalisco,4,,Acta de instalación,https://stl.example/a.pdf,\n"
                    "jalisco,5,,Consulta pública,https://stl.example/b.pdf,\n", encoding="utf-8")
    assert cli.main(["importar", str(rows)]) == 2
    _, err = capsys.readouterr()
    assert "el disco está lleno" in _one_line(err)
    _nothing_written(full_disk)


# -- a real full disk ----------------------------------------------------------------------------


@contextmanager
def small_disk(where: Path, size: str = "4m"):
    """A tmpfs of `size` at `where`; skips the test where mounting is not allowed."""
    where.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill_up(directory: Path) -> Path:
    filler = directory / "filler"
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(descriptor, b"\0" * 65536)
    except OSError:
        pass
    try:
        while True:
            os.write(descriptor, b"\0" * 512)
    except OSError:
        pass
    os.close(descriptor)
    return filler


@pytest.mark.e2e
@pytest.mark.parametrize("bot_running", [False, True], ids=["alone", "with-the-bot-running"])
def test_publicar_on_a_really_full_disk(tmp_path, bot_running):
    with small_disk(tmp_path / "disk") as disk:
        db_path = disk / "cocrea.db"
        with _subscribed(db_path) as store:
            with store.transaction() as conn:
                conn.executemany("INSERT INTO chats(id) VALUES (?)", [(n,) for n in range(1000, 4000)])
                conn.executemany("INSERT INTO subscriptions(chat_id, state) VALUES (?, 'jalisco')",
                                 [(n,) for n in range(1000, 4000)])
            store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        bot = Store(db_path) if bot_running else None  # keeps the -wal and -shm files there
        filler = fill_up(disk)
        env = {**os.environ, "COCREA_DB": str(db_path)}
        env.pop("TELEGRAM_BOT_TOKEN", None)
        command = [sys.executable, "-m", "bot", "publicar", "--entidad", "jalisco", "--paso", "4", "--titulo",
                   "Acta de instalación", "--url", "https://stl.example/acta.pdf"]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "el disco está lleno" in _one_line(done.stderr)
        filler.unlink()  # space again: the same command works, nothing was half-written before
        again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr
        assert "Avisos en cola: 3003" in again.stdout
        if bot:
            assert bot.outbox_counts() == {"pending": 3003}
            bot.close()


# -- durability (item 11) -----------------------------------------------------------------------


def test_every_commit_reaches_the_disk_before_it_returns(tmp_path):
    """synchronous=FULL: a publication reported as queued survives a power loss (with NORMAL,
    WAL commits since the last checkpoint can roll back)."""
    store = Store(tmp_path / "cocrea.db")
    try:
        assert store.db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert store.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        store.close()
