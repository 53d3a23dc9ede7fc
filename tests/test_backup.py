"""`python -m bot respaldar DESTINO` (issue 13): a consistent copy while someone writes, made with
SQLite's backup API; an existing file is kept unless --forzar; every problem is one line, exit 2."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading

import pytest

from bot import cli
from bot.store import Store


@pytest.fixture(scope="module")
def filled_template(tmp_path_factory):
    """3,000 subscriptions written once per module (one fsync each: about 2 s), copied per test."""
    path = tmp_path_factory.mktemp("filled") / "cocrea.db"
    store = Store(path)
    for chat in range(1, 3001):
        store.subscribe(chat, "jalisco" if chat % 2 else "oaxaca")
    store.close()
    return path


@pytest.fixture
def filled(filled_template, db_path):
    shutil.copy2(filled_template, db_path)
    return db_path


def test_a_copy_while_another_connection_writes_is_consistent_and_opens(filled, tmp_path, capsys):
    writer = sqlite3.connect(filled, timeout=30, isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE pairs (n INTEGER)")
    stop, written = threading.Event(), [0]

    def write():  # two rows per transaction: a consistent copy never holds an odd number
        while not stop.is_set():
            writer.execute("BEGIN IMMEDIATE")
            writer.executemany("INSERT INTO pairs VALUES (?)", [(written[0],), (written[0],)])
            writer.execute("COMMIT")
            written[0] += 1

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while written[0] < 50:
            threading.Event().wait(0.005)
        copies = [tmp_path / f"respaldo-{i}.db" for i in range(3)]
        for copy in copies:
            assert cli.main(["respaldar", str(copy)]) == 0
    finally:
        stop.set()
        thread.join()
        writer.close()
    assert capsys.readouterr().out.startswith(f"Respaldo listo: {copies[0]}")
    for copy in copies:
        assert not os.path.exists(f"{copy}-wal")  # one self-contained file
        assert os.stat(copy).st_mode & 0o077 == 0  # private, like the database
        opened = sqlite3.connect(copy)
        assert opened.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        pairs = opened.execute("SELECT count(*) FROM pairs").fetchone()[0]
        assert pairs >= 100 and pairs % 2 == 0
        opened.close()
        store = Store(copy)  # the bot opens the copy as its database
        assert store.subscriber_count("jalisco") == 1500 and store.subscriber_count("oaxaca") == 1500
        store.close()
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


def test_an_existing_destination_is_kept_unless_forzar(filled, tmp_path, capsys):
    destination = tmp_path / "respaldo.db"
    destination.write_bytes(b"lo que ya estaba")
    assert cli.main(["respaldar", str(destination)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"Error: Ya existe {destination}; no lo sobrescribo.") and "--forzar" in err
    assert "\n" not in err and destination.read_bytes() == b"lo que ya estaba"
    assert cli.main(["respaldar", str(destination), "--forzar"]) == 0
    assert Store(destination).subscriber_count("jalisco") == 1500


@pytest.mark.parametrize("case, message", [
    ("no database", "No hay base de datos en"),
    ("empty database", "está vacía"),
    ("not a database", "No pude respaldar"),
    ("missing folder", "No existe la carpeta"),
    ("a folder", "es una carpeta"),
    ("itself", "la misma base de datos"),
])
def test_every_problem_is_one_line_and_exit_2(db_path, tmp_path, capsys, case, message):
    destination = tmp_path / "respaldo.db"
    extra = []
    if case == "empty database":
        db_path.write_bytes(b"")
    elif case != "no database":
        if case == "not a database":
            db_path.write_bytes(b"esto no es SQLite " * 500)
        else:
            Store(db_path).close()
        if case == "missing folder":
            destination = tmp_path / "no-existe" / "respaldo.db"
        elif case == "a folder":
            destination = tmp_path
        elif case == "itself":
            destination, extra = db_path, ["--forzar"]
    before = sorted(os.listdir(tmp_path))
    assert cli.main(["respaldar", str(destination), *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and "Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == before
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
