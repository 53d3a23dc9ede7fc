"""Helpers for the end-to-end tests of subscriptions, publishing and notifications: the bot runs
as its own process against the emulator, the CLI as another, and both share one SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bot.store import Store
from tests.bot_process import ROOT, BotProcess
from tests.emulator import BotApiEmulator
from tests.emulator.views import MessageView

NOTICE_MARK = "Nuevo documento del STL"


def admin_env(*admins) -> dict[str, str]:
    return {"COCREA_ADMIN_IDS": ",".join(str(a.id) for a in admins)}


@contextmanager
def live_with_admin(directory: Path):
    """A running bot whose admin (COCREA_ADMIN_IDS) is the simulated person `live.admin`."""
    from tests.e2e.people import Person, live_bot

    emulator = BotApiEmulator()
    admin = emulator.new_user("Admin")
    with live_bot(directory, env=admin_env(admin), emulator=emulator) as shared:
        shared.admin = Person(shared, admin)
        yield shared


def facilitator(live, *states: str):
    """A person named facilitator of these states by the admin, through Telegram."""
    person = live.person("Fer")
    for state in states:
        reply = live.admin.says(f"/nombrar_facilitador {person.user.id} {state}")
        assert reply.text.startswith("Listo"), reply.text
    return person


def stop_cleanly(process: BotProcess) -> None:
    """SIGTERM; the bot must exit 0 without a traceback."""
    code = process.stop()
    log = process.log()
    assert code == 0, log
    assert "Traceback" not in log, log


@contextmanager
def running(emulator, db_path: Path, *admins) -> Iterator[BotProcess]:
    """The bot as its own process (admins named by id); stopped cleanly, or killed if the test failed."""
    process = BotProcess(emulator, db_path, env=admin_env(*admins) if admins else None).start()
    try:
        yield process
    except BaseException:
        process.stop()
        raise
    stop_cleanly(process)


@contextmanager
def opened(db_path: Path) -> Iterator[Store]:
    """The bot's database, opened from the test process (as the CLI opens it)."""
    store = Store(db_path)
    try:
        yield store
    finally:
        store.close()


def run_cli(emulator: BotApiEmulator, db_path: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """`python -m bot <args>` as an operator runs it, on the same database."""
    env = {**os.environ, "COCREA_DB": str(db_path), "TELEGRAM_BOT_TOKEN": emulator.token,
           "TELEGRAM_API_BASE_URL": emulator.base_url}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def publish_cli(emulator: BotApiEmulator, db_path: Path, state: str = "jalisco", step: str = "4",
                title: str = "Acta de instalación del STL", url: str = "https://stl.example/acta.pdf") -> str:
    done = run_cli(emulator, db_path, "publicar", "--entidad", state, "--paso", step, "--titulo", title, "--url", url)
    assert done.returncode == 0, done.stderr
    return done.stdout


def subscribe_directly(db_path: Path, chats, state: str = "jalisco") -> None:
    """Many subscribers (users, groups or chat ids) at once, the rows /suscribir writes (1,000
    chats through Telegram would take the bot half a minute of replies)."""
    ids = [c if isinstance(c, int) else c.id for c in chats]
    with opened(db_path) as store, store.transaction() as conn:
        conn.executemany("INSERT OR IGNORE INTO chats(id) VALUES (?)", [(i,) for i in ids])
        conn.executemany("INSERT OR IGNORE INTO subscriptions(chat_id, state) VALUES (?, ?)", [(i, state) for i in ids])


def outbox(db_path: Path) -> dict[str, int]:
    with opened(db_path) as store:
        return store.outbox_counts()


def notices_received(emulator: BotApiEmulator, mark: str = NOTICE_MARK) -> Counter:
    """How many notices each chat received: accepted sends whose text or caption has `mark`."""
    received: Counter = Counter()
    for method in ("sendMessage", "sendDocument"):
        for call in emulator.calls(method, status=200):
            if mark in str(call.params.get("text") or call.params.get("caption") or ""):
                received[int(call.params["chat_id"])] += 1
    return received


def poll(check, timeout: float, what: str, every: float = 0.05):
    """Re-check `check()` until it returns something truthy; fail after `timeout` seconds. For
    conditions on the database or over many calls, which are too costly to re-check on every
    emulator change."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def wait_for_notices(emulator: BotApiEmulator, chats, timeout: float = 60, mark: str = NOTICE_MARK) -> Counter:
    """Wait until every chat in `chats` received a notice; returns the counts of all chats."""
    wanted = {c if isinstance(c, int) else c.id for c in chats}

    def everybody() -> Counter | None:
        received = notices_received(emulator, mark)
        return received if wanted <= set(received) else None

    return poll(everybody, timeout, f"a notice in each of {len(wanted)} chats")


def wait_for_outbox(db_path: Path, done, timeout: float = 60, what: str = "the outbox") -> dict[str, int]:
    """Wait until done(outbox counts) holds."""
    with opened(db_path) as store:
        return poll(lambda: (lambda counts: counts if done(counts) else None)(store.outbox_counts()), timeout, what)


def notices_in(emulator: BotApiEmulator, chat) -> list[MessageView]:
    return [m for m in emulator.messages(chat) if m.from_bot and NOTICE_MARK in (m.text or "")]


def followed(live, chat_id: int) -> dict[str, tuple[int, int]]:
    """state -> (documents, convocatorias) of a chat's subscriptions, as the database has it."""
    with opened(live.process.db_path) as store:
        return {s.state: (int(s.documents), int(s.convocatorias)) for s in store.subscriptions(chat_id)}
