"""Notifications through Telegram's failures: 1,000 subscribers under the emulator's flood control,
an injected 429, chats that blocked the bot (told by a 403 or by a my_chat_member update), and a
group that became a supergroup. The bot runs as its own process; the CLI publishes."""

from __future__ import annotations

import pytest

from bot.runtime.dispatcher import Pace
from tests.e2e.publishing_support import (
    notices_received, opened, poll, publish_cli, run_cli, running, subscribe_directly, wait_for_notices,
    wait_for_outbox,
)

IN_FLIGHT = Pace().concurrency


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "cocrea.db"


def sends_to(emulator, chat_id: int) -> list:
    return [c for method in ("sendMessage", "sendDocument") for c in emulator.calls(method, chat_id=chat_id)]


def no_pending(counts: dict) -> bool:
    return counts.get("pending", 0) == 0


def test_a_thousand_subscribers_under_flood_control_each_get_it_once(emulator, db_path):
    emulator.set_flood_control(True)
    people = emulator.new_users(1000)
    subscribe_directly(db_path, people, "jalisco")
    talker = emulator.new_user("Ana")
    with running(emulator, db_path):
        out = publish_cli(emulator, db_path, "jalisco")
        assert "Avisos en cola: 1000" in out
        poll(lambda: sum(notices_received(emulator).values()) >= 100, 60, "the fan-out to be under way")
        emulator.send_command(talker, "/suscripciones")  # the bot keeps answering meanwhile
        reply, = emulator.wait_for_messages(talker, 1, timeout=30)
        assert reply.text.startswith("No sigues ninguna entidad")
        counts = wait_for_notices(emulator, people, timeout=150)
    assert sorted(set(counts[p.id] for p in people)) == [1]
    assert emulator.flood_rejections == 0 and emulator.status_count(429) == 0
    assert wait_for_outbox(db_path, no_pending, 5) == {"sent": 1000}


def test_an_injected_429_pauses_every_send_then_everybody_gets_it_once(emulator, db_path):
    people = emulator.new_users(40)
    subscribe_directly(db_path, people, "oaxaca")
    emulator.inject("sendMessage", error_code=429, retry_after=2, times=1)
    with running(emulator, db_path) as process:
        publish_cli(emulator, db_path, "oaxaca")
        counts = wait_for_notices(emulator, people, timeout=60)
        assert "all sends paused" in process.log()
    assert [counts[p.id] for p in people] == [1] * 40
    flood, = emulator.calls("sendMessage", status=429)
    told_at = flood.time + flood.duration
    during_wait = [c for c in emulator.calls("sendMessage") if told_at < c.time < told_at + 2]
    assert len(during_wait) <= IN_FLIGHT - 1, "only sends already on their way may hit the wait"


def test_a_403_blocked_chat_gets_nothing_more_and_the_rest_still_do(emulator, db_path):
    people = emulator.new_users(10)
    blocked = people[3]
    subscribe_directly(db_path, people, "puebla")
    emulator.inject("sendMessage", chat_id=blocked, error_code=403,
                    description="Forbidden: bot was blocked by the user", times=None)
    with running(emulator, db_path):
        publish_cli(emulator, db_path, "puebla", url="https://stl.example/puebla/1.pdf")
        others = [p for p in people if p is not blocked]
        wait_for_notices(emulator, others)
        wait_for_outbox(db_path, no_pending, 20)
        publish_cli(emulator, db_path, "puebla", url="https://stl.example/puebla/2.pdf")
        counts = poll(lambda: (lambda c: c if all(c[p.id] == 2 for p in others) else None)(notices_received(emulator)),
                      30, "the second notice for everyone else")
    assert counts[blocked.id] == 0
    assert len(sends_to(emulator, blocked.id)) == 1, "one 403, never retried, not queued again"
    with opened(db_path) as store:
        assert store.chat(blocked.id).active == 0
        assert store.outbox_counts() == {"sent": 18, "dropped": 1}


def test_a_block_told_by_my_chat_member_is_noticed_before_any_send(emulator, db_path):
    people = emulator.new_users(5)
    leaver = people[0]
    subscribe_directly(db_path, people, "sonora")
    with running(emulator, db_path):
        emulator.block_bot(leaver)
        with opened(db_path) as store:
            poll(lambda: store.chat(leaver.id).active == 0, 20, "the bot to notice the block")
        out = publish_cli(emulator, db_path, "sonora")
        assert "Avisos en cola: 4" in out
        wait_for_notices(emulator, people[1:])
        wait_for_outbox(db_path, no_pending, 20)
    assert sends_to(emulator, leaver.id) == [] and emulator.status_count(403) == 0


def test_a_user_who_unblocks_and_subscribes_again_gets_notices_again(emulator, db_path):
    ana = emulator.new_user("Ana")
    with running(emulator, db_path):
        emulator.send_command(ana, "/suscribir sonora")
        emulator.wait_for_messages(ana, 1)
        emulator.block_bot(ana)
        with opened(db_path) as store:
            poll(lambda: store.chat(ana.id).active == 0, 20, "the bot to notice the block")
        emulator.unblock_bot(ana)
        emulator.send_command(ana, "/suscribir sonora")
        assert emulator.wait_for_messages(ana, 1)[0].text.startswith("🔔 Ya seguías")
        publish_cli(emulator, db_path, "sonora")
        assert wait_for_notices(emulator, [ana])[ana.id] == 1


def group_with_admin(emulator):
    """A group the bot was in already (no introduction in flight to race the migration)."""
    admin = emulator.new_user("Admin")
    group = emulator.new_group("Fellows de Jalisco", [admin], admins=[admin])
    return admin, group


def test_a_group_migrated_to_a_supergroup_gets_the_notice_at_its_new_id(emulator, db_path):
    admin, group = group_with_admin(emulator)
    old_id = group.id
    with running(emulator, db_path):
        emulator.send_command(admin, "/suscribir jalisco", chat=group)
        emulator.wait_for_messages(group, 1)
        new_id = emulator.migrate_group(group, by=admin)
        with opened(db_path) as store:
            poll(lambda: store.subscriptions(new_id), 20, "the subscription to follow the new id")
            assert store.subscriptions(old_id) == []
        publish_cli(emulator, db_path, "jalisco")
        counts = wait_for_notices(emulator, [new_id])
    assert counts[new_id] == 1 and notices_received(emulator)[old_id] == 0


def test_a_migration_the_bot_missed_is_followed_when_sending(emulator, db_path):
    """The database still has the group's old id (say its service message was lost), and the
    supergroup subscribed on its own too: the send to the old id gets 400 with
    migrate_to_chat_id, the bot follows it, and the supergroup still gets one notice."""
    admin, group = group_with_admin(emulator)
    old_id = group.id
    with running(emulator, db_path):
        new_id = emulator.migrate_group(group, by=admin)
        emulator.send_command(admin, "/suscribir jalisco", chat=group)  # in the supergroup
        emulator.wait_for_messages(group, 1)  # and the service messages were handled before
        subscribe_directly(db_path, [old_id], "jalisco")
        publish_cli(emulator, db_path, "jalisco")
        wait_for_notices(emulator, [new_id])
        wait_for_outbox(db_path, no_pending, 20, "the copy for the old id to be settled")
        emulator.send_command(admin, "/suscripciones", chat=group)
        emulator.wait_for_messages(group, 1)  # the bot is still answering: nothing loops
    assert notices_received(emulator)[new_id] == 1
    assert len(sends_to(emulator, old_id)) == 1
    with opened(db_path) as store:
        assert store.subscriptions(old_id) == [] and store.chat(old_id) is None
        assert [s.state for s in store.subscriptions(new_id)] == ["jalisco"]


def test_several_notices_for_a_group_stay_within_its_limit(emulator, db_path, tmp_path):
    """Telegram allows a group about 20 messages a minute: five documents published at once must
    reach a subscribed group without a 429 (which would pause every send)."""
    emulator.set_flood_control(True)
    admin = emulator.new_user("Admin")
    group = emulator.new_group("Fellows de Jalisco", [admin], admins=[admin], announce=True)
    rows = "".join(f"jalisco,{step},,Documento {step},https://stl.example/j/{step}.pdf,\n" for step in range(1, 6))
    import_file = tmp_path / "docs.csv"
    import_file.write_text("entidad,paso,tipo,titulo,url,fecha\n" + rows, encoding="utf-8")
    with running(emulator, db_path):
        emulator.send_command(admin, "/suscribir jalisco", chat=group)
        emulator.wait_for_messages(group, 2)  # the bot's introduction, then the confirmation
        done = run_cli(emulator, db_path, "importar", str(import_file))
        assert done.returncode == 0, done.stderr
        counts = poll(lambda: (lambda c: c if c[group.id] >= 5 else None)(notices_received(emulator)), 60,
                      "five notices in the group")
    assert counts[group.id] == 5
    assert emulator.status_count(429) == 0


def test_a_slow_bot_api_does_not_multiply_notices(emulator, db_path):
    """Telegram answering each send after 7 s (PTB gives up after 5 s by default, and a send
    it gave up on had arrived): everybody gets the notice once, and it is marked sent."""
    people = emulator.new_users(10)
    subscribe_directly(db_path, people, "chiapas")
    emulator.set_latency(7.0, "sendMessage")
    with running(emulator, db_path) as process:
        publish_cli(emulator, db_path, "chiapas")
        counts = wait_for_notices(emulator, people, timeout=90)
        wait_for_outbox(db_path, no_pending, 30)
        assert "did not answer" not in process.log()
    assert [counts[p.id] for p in people] == [1] * 10
    assert len(emulator.calls("sendMessage")) == 10
    with opened(db_path) as store:
        assert store.outbox_counts() == {"sent": 10}
