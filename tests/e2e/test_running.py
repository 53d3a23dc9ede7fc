"""Running the bot as an operator does: `python -m bot run` with the environment of DESIGN.md.
A bad setting is one clear line on stderr and exit code 2, never a traceback; SIGTERM stops
the bot cleanly, after answering what it had already fetched."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.bot_process import ROOT, BotProcess
from tests.e2e.people import live_bot
from tests.emulator import BotApiEmulator

TOKEN = BotApiEmulator.DEFAULT_TOKEN


def run_bot(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "COCREA_", "WEBHOOK_")) and k != "PORT"}
    return subprocess.run([sys.executable, "-m", "bot", "run", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=timeout)


def assert_one_clear_line(result: subprocess.CompletedProcess, mentions: str) -> None:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and mentions in lines[0], lines[0]
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("env, mentions", [
    ({}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": "   "}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": "abc"}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": "123456789:corto"}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": "123456789 AAE-emulator-default-bot-token-000000"}, "TELEGRAM_BOT_TOKEN"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "ftp://api.telegram.org"}, "TELEGRAM_API_BASE_URL"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "api.telegram.org"}, "TELEGRAM_API_BASE_URL"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "COCREA_ADMIN_IDS": "12345,ana"}, "COCREA_ADMIN_IDS"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "COCREA_ADMIN_IDS": "1.5"}, "COCREA_ADMIN_IDS"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "PORT": "ocho"}, "PORT"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "PORT": "70000"}, "PORT"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "PORT": "0"}, "PORT"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_SECRET": "con espacios"}, "WEBHOOK_SECRET"),
])
def test_a_bad_setting_is_one_clear_line_and_exit_code_2(tmp_path, env, mentions):
    result = run_bot({"COCREA_DB": str(tmp_path / "cocrea.db"), **env})
    assert result.returncode == 2, result.stderr
    assert_one_clear_line(result, mentions)


@pytest.mark.parametrize("missing, mentions", [("WEBHOOK_URL", "WEBHOOK_URL"), ("WEBHOOK_SECRET", "WEBHOOK_SECRET")])
def test_webhook_mode_needs_its_url_and_secret(tmp_path, missing, mentions):
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "COCREA_DB": str(tmp_path / "cocrea.db"),
           "WEBHOOK_URL": "https://bot.example.org/telegram", "WEBHOOK_SECRET": "secreto"}
    del env[missing]
    result = run_bot(env, "--webhook")
    assert result.returncode == 2, result.stderr
    assert_one_clear_line(result, mentions)


@pytest.mark.parametrize("problem", ["token rejected by the server", "server unreachable"])
def test_a_token_the_server_rejects_or_a_server_that_is_down_is_one_clear_line(tmp_path, problem):
    with BotApiEmulator() as emu:
        env = {"COCREA_DB": str(tmp_path / "cocrea.db"), "TELEGRAM_API_BASE_URL": emu.base_url,
               "TELEGRAM_BOT_TOKEN": "987654321:AAE-a-token-the-emulator-does-not-know"}
        if problem == "server unreachable":
            env.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL="http://127.0.0.1:9")
        result = run_bot(env)
    assert result.returncode != 0
    assert_one_clear_line(result, "TELEGRAM_")
    secret = env["TELEGRAM_BOT_TOKEN"].partition(":")[2]
    assert secret not in result.stderr + result.stdout  # only the bot id may be shown
    if problem == "token rejected by the server":
        assert "987654321" in result.stderr


def test_sigterm_after_a_conversation_exits_cleanly(tmp_path):
    with live_bot(tmp_path) as live:  # SIGTERM on the way out, then exit code 0 and a clean log
        assert live.person().says("/start").text.startswith("¡Hola, Ana!")
    assert "Application.stop() complete" in live.process.log()


def test_sigterm_mid_burst_loses_nothing_and_answers_nothing_twice(tmp_path):
    """What the bot fetched before SIGTERM it answers before exiting; the rest waits on the
    server and the next run answers it. Every message gets exactly one answer."""
    with BotApiEmulator() as emu:
        people = emu.new_users(40)
        first = BotProcess(emu, tmp_path / "cocrea.db").start()
        for person in people:
            emu.send_text(person, "¿cómo va jalisco?")
        emu.wait_for(lambda: emu.call_count("sendMessage") >= 1, timeout=20)
        assert first.stop() == 0, first.log()
        second = BotProcess(emu, tmp_path / "cocrea.db").start()
        try:
            for person in people:
                answer, = emu.wait_for_messages(person, 1, timeout=30)
                assert answer.text.startswith("Jalisco · ")
            emu.send_text(people[0], "/ayuda")  # answered after anything fetched before it
            emu.wait_for_messages(people[0], 1, timeout=20)
        finally:
            assert second.stop() == 0, second.log()
        answers = [len([m for m in emu.messages(person) if m.from_bot]) for person in people]
        assert answers == [2] + [1] * (len(people) - 1)
        for process in (first, second):
            assert "Traceback" not in process.log(), process.log()


def test_a_second_bot_through_a_symlink_to_the_database_refuses_to_start(tmp_path):
    """Two copies over one database would send every notice twice: another name for the same
    file (a symlink here) must find it locked."""
    real = tmp_path / "datos" / "cocrea.db"
    real.parent.mkdir()
    link = tmp_path / "atajo.db"
    link.symlink_to(real)
    with BotApiEmulator() as emu:
        first = BotProcess(emu, real).start()
        try:
            second = run_bot({"COCREA_DB": str(link), "TELEGRAM_BOT_TOKEN": emu.token,
                              "TELEGRAM_API_BASE_URL": emu.base_url}, timeout=30)
            assert result_refused(second)
            assert emu.status_count(409) == 0, "the second copy must not have polled at all"
            assert first.process.poll() is None
        finally:
            assert first.stop() == 0, first.log()


def result_refused(result: subprocess.CompletedProcess) -> bool:
    assert result.returncode == 2, result.stderr
    assert_one_clear_line(result, "Ya hay un CocreaBot corriendo con esta base de datos")
    return True


def test_a_damaged_or_emptied_database_stops_the_bot_in_one_line_and_nueva_starts_it(tmp_path):
    """The bot never starts on a damaged file, nor silently fresh where a database lived."""
    import os

    from bot.runtime.services import open_store
    from bot.runtime.settings import Settings

    db_path = tmp_path / "cocrea.db"
    store = open_store(Settings(db_path=db_path))
    for chat in range(1, 2001):
        store.subscribe(chat, "jalisco")
    store.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    with BotApiEmulator() as emu:
        env = {"COCREA_DB": str(db_path), "TELEGRAM_BOT_TOKEN": emu.token, "TELEGRAM_API_BASE_URL": emu.base_url}
        with db_path.open("r+b") as handle:  # 8 KB of garbage in the middle
            handle.seek(db_path.stat().st_size // 2 - 4096)
            handle.write(os.urandom(8192))
        damaged = run_bot(env, timeout=60)
        assert damaged.returncode == 2
        assert_one_clear_line(damaged, "está dañada")

        db_path.write_bytes(b"")  # truncated to nothing
        emptied = run_bot(env, timeout=60)
        assert emptied.returncode == 2
        assert_one_clear_line(emptied, "está vacía, pero aquí ya hubo una base de CocreaBot")
        assert emu.call_count("getUpdates") == 0, "a refused bot must not poll"

        fresh = BotProcess(emu, db_path, "run", "--nueva").start()
        try:
            ana = emu.new_user("Ana")
            emu.send_command(ana, "/start")
            emu.wait_for_messages(ana, 1, timeout=20)
        finally:
            assert fresh.stop() == 0, fresh.log()
