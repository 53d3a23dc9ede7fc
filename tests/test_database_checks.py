"""A database file that is not one, is damaged, or became empty where a database lived is one
clear line and exit status 2, before anything reads or writes it; a new path starts fresh."""

from __future__ import annotations

import os
import shutil

import pytest

from bot import cli
from bot.store.checks import MARK, check_before_opening, lock_path
from bot.runtime.lock import InstanceLock
from bot.runtime.services import open_store
from bot.runtime.settings import Settings, SettingsError
from bot.store import Store

PUBLISH = ["publicar", "--entidad", "jalisco", "--paso", "4", "--titulo", "Acta del STL",
           "--url", "https://stl.example/acta.pdf"]


def write_subscribers(path, subscribers: int):
    store = open_store(Settings(db_path=path))
    for chat in range(1, subscribers + 1):
        store.subscribe(chat, "jalisco")
    store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    return path


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """Databases written once per module, by subscriber count (one fsync per subscription: 2,000
    take about a second), each with the lock file that remembers a database lived there."""
    made = {}

    def database(subscribers: int):
        if subscribers not in made:
            made[subscribers] = write_subscribers(tmp_path_factory.mktemp("db") / "cocrea.db", subscribers)
        return made[subscribers]
    return database


@pytest.fixture
def populated(written):
    """populated(path, subscribers=2000): a database that was used, with its lock file, at path."""
    def copy(path, subscribers: int = 2000):
        source = written(subscribers)
        shutil.copy2(source, path)
        shutil.copy2(lock_path(source), lock_path(path))
        return path
    return copy


def one_line(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


def test_a_garbage_file_is_one_line_and_status_2(tmp_path, monkeypatch, capsys):
    path = tmp_path / "cocrea.db"
    path.write_bytes(os.urandom(10_000))
    monkeypatch.setenv("COCREA_DB", str(path))
    assert cli.main(PUBLISH) == 2
    assert one_line(capsys).startswith(f"Error: La base de datos {path} está dañada o no es una base de datos")


def test_a_truncated_database_is_one_line_and_status_2(populated, tmp_path, monkeypatch, capsys):
    path = populated(tmp_path / "cocrea.db")
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 3)
    monkeypatch.setenv("COCREA_DB", str(path))
    assert cli.main(PUBLISH) == 2
    assert "está dañada" in one_line(capsys)


def test_garbage_in_the_middle_is_found_at_start_up(populated, tmp_path):
    path = populated(tmp_path / "cocrea.db")
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(size // 2 - 4096)
        handle.write(os.urandom(8192))
    with pytest.raises(SettingsError, match="está dañada"):
        check_before_opening(path)


def test_an_emptied_database_where_one_lived_is_refused_unless_told(populated, tmp_path, monkeypatch, capsys):
    path = populated(tmp_path / "cocrea.db")
    assert MARK in lock_path(path).read_text()
    path.write_bytes(b"")  # truncated to 0 bytes: every subscription would be gone
    monkeypatch.setenv("COCREA_DB", str(path))
    assert cli.main(PUBLISH) == 2
    assert "está vacía, pero aquí ya hubo una base de CocreaBot" in one_line(capsys)
    assert cli.main(["ask", "hola"]) == 2  # reading it would start it fresh too
    capsys.readouterr()
    assert path.stat().st_size == 0, "nothing was written"
    open_store(Settings(db_path=path, fresh_database=True)).close()  # `run --nueva`


def test_a_database_replaced_by_an_empty_sqlite_file_is_refused_too(populated, tmp_path):
    import sqlite3

    path = populated(tmp_path / "cocrea.db")
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"cocrea.db{suffix}").unlink(missing_ok=True)
    sqlite3.connect(path).execute("PRAGMA page_size = 4096").connection.execute("VACUUM")
    with pytest.raises(SettingsError, match="está vacía"):
        open_store(Settings(db_path=path))


def test_a_new_path_or_an_empty_file_nobody_used_starts_fresh(tmp_path):
    open_store(Settings(db_path=tmp_path / "nueva.db")).close()
    (tmp_path / "tocada.db").write_bytes(b"")  # `touch cocrea.db` before the first run
    open_store(Settings(db_path=tmp_path / "tocada.db")).close()
    assert MARK in lock_path(tmp_path / "tocada.db").read_text()


def test_the_lock_keeps_the_mark_and_the_mark_keeps_the_pid(populated, tmp_path):
    path = populated(tmp_path / "cocrea.db", subscribers=1)
    lock = InstanceLock(path).acquire()
    try:
        lines = lock_path(path).read_text().splitlines()
        assert lines == [str(os.getpid()), MARK]
        open_store(Settings(db_path=path)).close()
        assert lock_path(path).read_text().splitlines() == [str(os.getpid()), MARK]
        with pytest.raises(SettingsError, match=rf"pid {os.getpid()}\)"):
            InstanceLock(path).acquire()
    finally:
        lock.release()


def test_a_sound_database_passes_and_a_plain_store_is_unchanged(populated, tmp_path):
    path = populated(tmp_path / "cocrea.db", subscribers=10)
    check_before_opening(path)
    assert Store(path).subscriber_count("jalisco") == 10
