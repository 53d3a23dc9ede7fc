"""Only one running bot per database; a database that cannot be opened is one clear line."""

from __future__ import annotations

import pytest

from bot import cli
from bot.runtime.lock import InstanceLock
from bot.runtime.settings import SettingsError
from bot.store import Store


def test_a_second_lock_on_the_same_database_is_refused_until_released(tmp_path):
    db_path = tmp_path / "cocrea.db"
    first = InstanceLock(db_path).acquire()
    with pytest.raises(SettingsError, match="Ya hay un CocreaBot corriendo con esta base de datos"):
        InstanceLock(db_path).acquire()
    first.release()
    InstanceLock(db_path).acquire().release()


def test_another_database_is_not_locked(tmp_path):
    first = InstanceLock(tmp_path / "a.db").acquire()
    InstanceLock(tmp_path / "b.db").acquire().release()
    first.release()


def test_a_lock_in_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(SettingsError, match="revisa COCREA_DB"):
        InstanceLock(tmp_path / "no-such-folder" / "cocrea.db").acquire()


def test_a_database_in_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(SettingsError, match="No puedo abrir la base de datos"):
        Store(tmp_path / "no-such-folder" / "cocrea.db")


def test_the_cli_says_it_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COCREA_DB", str(tmp_path / "no-such-folder" / "cocrea.db"))
    code = cli.main(["publicar", "--entidad", "jalisco", "--paso", "4", "--titulo", "Acta",
                     "--url", "https://stl.example/a.pdf"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("Error: No puedo abrir la base de datos") and "\n" not in err


def test_a_symlink_to_the_database_finds_it_locked(tmp_path):
    real = tmp_path / "data" / "cocrea.db"
    real.parent.mkdir()
    Store(real).close()
    link = tmp_path / "atajo.db"
    link.symlink_to(real)
    first = InstanceLock(real).acquire()
    with pytest.raises(SettingsError, match=r"Ya hay un CocreaBot corriendo .*atajo\.db, que es .*data/cocrea\.db, pid \d+"):
        InstanceLock(link).acquire()
    first.release()
    InstanceLock(link).acquire().release()


def test_a_relative_path_or_a_hard_link_to_the_database_finds_it_locked(tmp_path, monkeypatch):
    real = tmp_path / "cocrea.db"
    Store(real).close()
    (tmp_path / "otro-nombre.db").hardlink_to(real)
    first = InstanceLock(real).acquire()
    monkeypatch.chdir(tmp_path / ".")
    for other in ("./cocrea.db", "../" + tmp_path.name + "/cocrea.db", "otro-nombre.db"):
        with pytest.raises(SettingsError, match="Ya hay un CocreaBot corriendo"):
            InstanceLock(other).acquire()
    first.release()
    InstanceLock("otro-nombre.db").acquire().release()


def test_the_cli_can_write_while_the_bot_holds_the_lock(tmp_path):
    real = tmp_path / "cocrea.db"
    Store(real).close()
    lock = InstanceLock(real).acquire()
    try:
        store = Store(real)
        assert store.subscribe(1, "jalisco")  # the database itself is not blocked for SQLite
        store.close()
    finally:
        lock.release()
