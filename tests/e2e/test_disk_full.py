"""The disk fills in the middle of a fan-out (issue 13, item 2): the bot runs as its own process
against the emulator, its database on a small tmpfs (skipped where tests may not mount one). It
sends nothing it could not claim first, tells the log once, and when space comes back every
subscriber has the notice exactly once; the outcomes of the sends that were under way are
written late, not sent again."""

from __future__ import annotations

import time

from tests.bot_process import BotProcess
from tests.e2e.publishing_support import (
    notices_received, opened, poll, publish_cli, stop_cleanly, subscribe_directly, wait_for_notices, wait_for_outbox,
)
from tests.test_storage_full import fill_up, small_disk

IN_FLIGHT = 8


def received_total(emulator) -> int:
    return sum(notices_received(emulator).values())


def test_a_disk_that_fills_during_a_fan_out_sends_nothing_twice_and_recovers(emulator, tmp_path):
    with small_disk(tmp_path / "disk", size="16m") as disk:
        db_path = disk / "cocrea.db"
        people = emulator.new_users(300)
        subscribe_directly(db_path, people, "jalisco")
        process = BotProcess(emulator, db_path)
        process.log_path = tmp_path / "bot.log"  # the log must not share the full disk
        process.start()
        try:
            publish_cli(emulator, db_path, "jalisco")
            poll(lambda: received_total(emulator) >= 40, 60, "the fan-out to be under way")
            filler = fill_up(disk)
            at_fill = received_total(emulator)
            time.sleep(8)
            while_full = received_total(emulator) - at_fill
            assert received_total(emulator) < 300, "the disk filled too late to test anything"
            filler.unlink()
            counts = wait_for_notices(emulator, people, timeout=120)
            wait_for_outbox(db_path, lambda c: c.get("pending", 0) == 0, 60)
        except BaseException:
            process.stop()
            raise
        stop_cleanly(process)
        log = process.log()
        with opened(db_path) as store:
            assert store.outbox_counts() == {"sent": 300}
    assert while_full <= IN_FLIGHT, f"{while_full} notices went out while nothing could be claimed"
    assert sorted(set(counts[p.id] for p in people)) == [1], "someone got the notice twice"
    incidents = [line for line in log.splitlines() if "cannot be written (" in line]
    assert len(incidents) == 1, incidents
    assert "over after" in log and len(log) < 20_000
