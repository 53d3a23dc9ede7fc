"""Crash safety: kill -9 the bot in the middle of a 1,000-subscriber fan-out and start it again.
Every subscriber gets the notice, none is lost, and duplicates are bounded by the sends that
were in flight (Pace.concurrency). A flood wait Telegram asked for before the kill is still
respected after the restart."""

from __future__ import annotations

import time

from bot.runtime.dispatcher import FLOOD_WAIT_KEY, Pace
from tests.bot_process import BotProcess
from tests.e2e.publishing_support import (
    notices_received, opened, poll, publish_cli, run_cli, stop_cleanly, subscribe_directly, wait_for_notices,
    wait_for_outbox,
)

IN_FLIGHT = Pace().concurrency  # the bound written in the README


def received_total(emulator) -> int:
    return sum(notices_received(emulator).values())


def kill_after(emulator, process: BotProcess, delivered: int, timeout: float = 60) -> int:
    """kill -9 once at least `delivered` notices arrived; returns how many had arrived."""
    poll(lambda: received_total(emulator) >= delivered, timeout, f"{delivered} notices before the kill")
    process.kill()
    return received_total(emulator)


def test_kill_9_in_the_middle_of_a_fan_out_loses_nothing(emulator, tmp_path):
    db_path = tmp_path / "cocrea.db"
    emulator.set_flood_control(True)
    people = emulator.new_users(1000)
    subscribe_directly(db_path, people, "jalisco")
    first = BotProcess(emulator, db_path).start()
    publish_cli(emulator, db_path, "jalisco")
    before_kill = kill_after(emulator, first, delivered=150)
    assert before_kill < 1000, "the kill came too late to test anything"

    second = BotProcess(emulator, db_path).start()
    counts = wait_for_notices(emulator, people, timeout=150)
    wait_for_outbox(db_path, lambda c: c.get("pending", 0) == 0, 20)
    stop_cleanly(second)

    assert all(counts[p.id] >= 1 for p in people), "a subscriber lost the notice"
    duplicates = sum(counts[p.id] for p in people) - len(people)
    assert duplicates <= IN_FLIGHT, f"{duplicates} duplicates, more than {IN_FLIGHT} sends in flight"
    with opened(db_path) as store:
        assert store.outbox_counts() == {"sent": 1000}


def test_a_flood_wait_set_before_the_kill_survives_the_restart(emulator, tmp_path):
    db_path = tmp_path / "cocrea.db"
    people = emulator.new_users(40)
    subscribe_directly(db_path, people, "oaxaca")
    first = BotProcess(emulator, db_path).start()
    publish_cli(emulator, db_path, "oaxaca")
    poll(lambda: received_total(emulator) >= 10, 60, "the fan-out to begin")
    emulator.inject("sendMessage", error_code=429, retry_after=5, times=1)
    with opened(db_path) as store:
        until = float(poll(lambda: store.get_setting(FLOOD_WAIT_KEY), 30, "the flood wait to be persisted"))
    first.kill()

    restarted_at = time.time()
    second = BotProcess(emulator, db_path).start()
    counts = wait_for_notices(emulator, people, timeout=90)
    stop_cleanly(second)

    after_restart = [c.time for c in emulator.calls("sendMessage") if c.time >= restarted_at]
    assert after_restart and min(after_restart) >= until, "the restarted bot sent during the flood wait"
    assert all(counts[p.id] >= 1 for p in people)
    assert sum(counts[p.id] for p in people) - len(people) <= IN_FLIGHT


def test_a_second_bot_on_the_same_database_refuses_to_start(emulator, tmp_path):
    db_path = tmp_path / "cocrea.db"
    first = BotProcess(emulator, db_path).start()
    second = run_cli(emulator, db_path, "run", timeout=30)
    assert second.returncode != 0
    lines = (second.stdout + second.stderr).strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in lines[0], lines
    assert lines[0].startswith("Error: Ya hay un CocreaBot corriendo con esta base de datos")
    assert str(db_path) in lines[0] and str(first.process.pid) in lines[0]
    ana = emulator.new_user("Ana")
    emulator.send_command(ana, "/start")
    emulator.wait_for_messages(ana, 1)  # the first one still answers
    assert first.process.poll() is None
    stop_cleanly(first)
    assert emulator.status_count(409) == 0, "the second copy must not have polled at all"

    third = BotProcess(emulator, db_path).start()  # once the first has stopped, a new one starts
    stop_cleanly(third)


def test_sigterm_in_the_middle_of_a_fan_out_loses_nothing_and_repeats_nothing(emulator, tmp_path):
    """A clean stop lets the sends in flight finish and records them: no duplicate at all."""
    db_path = tmp_path / "cocrea.db"
    people = emulator.new_users(150)
    subscribe_directly(db_path, people, "puebla")
    first = BotProcess(emulator, db_path).start()
    publish_cli(emulator, db_path, "puebla")
    poll(lambda: received_total(emulator) >= 30, 60, "the fan-out to begin")
    stop_cleanly(first)
    assert received_total(emulator) < 150, "the stop came too late to test anything"

    second = BotProcess(emulator, db_path).start()
    counts = wait_for_notices(emulator, people, timeout=60)
    stop_cleanly(second)
    assert sorted(set(counts[p.id] for p in people)) == [1]
