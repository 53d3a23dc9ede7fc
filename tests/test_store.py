"""The SQLite store: migrations, subscriptions, documents and the outbox they fill."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from bot.store import ChatData, DuplicateDocument, Store, utc_now
from bot.store.migrations import NAMES


def add_document(store: Store, state: str = "jalisco", url: str | None = "https://stl.example/acta.pdf",
                 file_unique_id: str | None = None, **changes):
    fields = dict(state=state, step=4, kind="acta", title="Acta de instalación", url=url,
                  file_id=f"file-{file_unique_id}" if file_unique_id else None, file_unique_id=file_unique_id,
                  file_name=None, published_on=date(2026, 11, 20), published_by="test", notice_html="<b>aviso</b>")
    fields.update(changes)
    return store.add_document(**fields)


def pending_chats(store: Store) -> set[int]:
    return {r["chat_id"] for r in store.db.query("SELECT chat_id FROM deliveries WHERE status = 'pending'")}


def rows_about(store: Store, chat_id: int) -> dict[str, int]:
    """How many rows of each table still mention this chat."""
    queries = {
        "chats": "SELECT count(*) FROM chats WHERE id = ?",
        "subscriptions": "SELECT count(*) FROM subscriptions WHERE chat_id = ?",
        "deliveries": "SELECT count(*) FROM deliveries WHERE chat_id = ?",
    }
    return {table: store.db.conn.execute(sql, (chat_id,)).fetchone()[0] for table, sql in queries.items()}


class TestMigrations:
    def test_reopening_a_file_runs_no_migration_twice(self, tmp_path):
        path = tmp_path / "cocrea.db"
        first = Store(path)
        first.subscribe(1, "jalisco")
        version = first.schema_version
        first.close()
        again = Store(path)  # would fail on CREATE TABLE if the migration ran again
        assert again.schema_version == version >= 1
        assert again.subscriptions(1)[0].state == "jalisco"
        again.close()

    def test_file_database_uses_wal_so_the_cli_and_the_bot_share_it(self, store):
        assert store.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


class TestSubscriptions:
    def test_subscribing_twice_is_not_an_error_and_keeps_one_row(self, store):
        assert store.subscribe(7, "jalisco") is True
        assert store.subscribe(7, "jalisco") is False
        assert [s.state for s in store.subscriptions(7)] == ["jalisco"]

    def test_resubscribing_re_enables_both_kinds(self, store):
        store.subscribe(7, "jalisco")
        store.set_subscription_options(7, "jalisco", documents=False)
        store.subscribe(7, "jalisco")
        subscription, = store.subscriptions(7)
        assert subscription.documents == 1 and subscription.convocatorias == 1

    def test_narrowing_to_convocatorias_keeps_documents_away(self, store):
        store.subscribe(1, "jalisco")
        store.subscribe(2, "jalisco")
        store.set_subscription_options(2, "jalisco", documents=False, convocatorias=True)
        _, queued = add_document(store)
        assert queued == 1
        assert pending_chats(store) == {1}

    def test_options_of_a_state_not_followed_change_nothing(self, store):
        assert store.set_subscription_options(1, "jalisco", documents=False) is False
        assert store.set_subscription_options(1, "jalisco", unknown=True) is False

    def test_unsubscribing_drops_pending_notices_of_that_state_only(self, store):
        store.subscribe(1, "jalisco")
        store.subscribe(1, "puebla")
        add_document(store, "jalisco")
        add_document(store, "puebla")
        assert store.unsubscribe(1, "jalisco") == 1
        states = [r["state"] for r in store.db.query(
            "SELECT n.state FROM deliveries d JOIN notices n ON n.id = d.notice_id WHERE d.status = 'pending'")]
        assert states == ["puebla"]

    def test_unsubscribing_from_everything(self, store):
        store.subscribe(1, "jalisco")
        store.subscribe(1, "puebla")
        add_document(store, "jalisco")
        assert store.unsubscribe(1) == 2
        assert store.subscriptions(1) == [] and pending_chats(store) == set()
        assert store.unsubscribe(1) == 0


class TestFanOut:
    def test_only_active_subscribers_of_that_state_who_want_documents(self, store):
        for chat in (1, 2, 3, 4):
            store.subscribe(chat, "jalisco")
        store.subscribe(5, "oaxaca")
        store.set_subscription_options(3, "jalisco", documents=False)
        store.set_chat_active(4, False)
        document, queued = add_document(store)
        assert queued == 2 and pending_chats(store) == {1, 2}
        assert store.subscriber_count("jalisco") == 3  # 4 is inactive
        assert store.subscriber_count("jalisco", "documents") == queued == 2
        assert store.subscriber_count("jalisco", "convocatorias") == 3
        assert document.state == "jalisco" and document.step == 4

    def test_no_subscribers_still_publishes(self, store):
        document, queued = add_document(store)
        assert queued == 0 and store.documents("jalisco") == [document]

    def test_document_moves_progress_to_its_step(self, store):
        assert store.progress("jalisco") is None
        add_document(store, step=4)
        add_document(store, url="https://stl.example/plan.pdf", step=11, kind="plan")
        assert store.progress("jalisco") == 11


class TestDuplicates:
    def test_same_link_same_state_is_refused_and_queues_nothing(self, store):
        store.subscribe(1, "jalisco")
        first, _ = add_document(store)
        with pytest.raises(DuplicateDocument) as refused:
            add_document(store, title="Otra vez")
        assert refused.value.existing == first
        assert store.outbox_counts() == {"pending": 1}
        assert len(store.documents("jalisco", limit=10)) == 1

    def test_same_file_same_state_is_refused(self, store):
        add_document(store, url=None, file_unique_id="AgADf1")
        with pytest.raises(DuplicateDocument):
            add_document(store, url=None, file_unique_id="AgADf1", title="Mismo archivo")

    def test_same_link_in_another_state_is_fine(self, store):
        add_document(store, "jalisco")
        add_document(store, "oaxaca")
        assert len(store.documents(None, limit=10)) == 2

    def test_the_unique_index_holds_even_without_the_check(self, store):
        add_document(store)
        with pytest.raises(sqlite3.IntegrityError):
            with store.transaction() as conn:
                conn.execute("INSERT INTO documents(state, kind, title, url, published_on, published_by, created_at) "
                             "VALUES ('jalisco', 'acta', 't', 'https://stl.example/acta.pdf', '2026-01-01', 'x', 'x')")


class TestChats:
    def test_inactive_chat_loses_its_pending_deliveries(self, store):
        store.subscribe(1, "jalisco")
        store.subscribe(2, "jalisco")
        add_document(store)
        assert store.set_chat_active(1, False) == 1
        assert pending_chats(store) == {2}
        assert store.outbox_counts() == {"pending": 1, "dropped": 1}

    def test_talking_again_makes_a_chat_active(self, store):
        store.subscribe(1, "jalisco")
        store.set_chat_active(1, False)
        store.ensure_chat(1)
        assert store.chat(1).active == 1

    def test_migrate_chat_moves_subscriptions_and_pending_deliveries(self, store):
        store.subscribe(-100, "jalisco")
        store.set_subscription_options(-100, "jalisco", convocatorias=False)
        add_document(store)
        store.migrate_chat(-100, -100500)
        assert store.subscriptions(-100) == [] and store.chat(-100) is None
        assert store.subscriptions(-100500)[0].convocatorias == 0
        assert pending_chats(store) == {-100500}

    def test_migrate_chat_into_a_chat_the_bot_already_knew(self, store):
        store.subscribe(-100, "jalisco")
        store.subscribe(-100500, "puebla")
        store.migrate_chat(-100, -100500)
        assert [s.state for s in store.subscriptions(-100500)] == ["jalisco", "puebla"]
        assert store.chat(-100) is None

    def test_migrate_chat_leaves_no_copy_for_the_old_id_when_the_new_one_has_it(self, store):
        store.subscribe(-100, "jalisco")
        store.subscribe(-100500, "jalisco")
        add_document(store)
        store.migrate_chat(-100, -100500)
        assert pending_chats(store) == {-100500}
        assert store.outbox_counts() == {"pending": 1, "dropped": 1}

    def test_delete_chat_data_leaves_nothing_about_the_chat(self, store):
        store.ensure_chat(1)
        store.subscribe(1, "jalisco")
        store.subscribe(2, "jalisco")
        add_document(store)
        delivery = store.due_deliveries(now=10**10, limit=10)[0]
        store.mark_sent(delivery.id, 99)  # one already delivered
        add_document(store, url="https://stl.example/otro.pdf")  # one still pending
        assert store.delete_chat_data(1) is True
        assert rows_about(store, 1) == {"chats": 0, "subscriptions": 0, "deliveries": 0}
        assert store.chat_data(1) == ChatData(None, ())
        assert rows_about(store, 2)["subscriptions"] == 1


class TestOutbox:
    def test_due_deliveries_skip_those_in_flight_and_the_future(self, store):
        for chat in (1, 2, 3):
            store.subscribe(chat, "jalisco")
        add_document(store)
        first, second, third = store.due_deliveries(now=100.0, limit=10)
        store.mark_retry(third.id, not_before=200.0, error="paced", count_attempt=False)
        due = store.due_deliveries(now=100.0, limit=10, exclude={first.id})
        assert [d.id for d in due] == [second.id]
        assert store.next_due_time() <= 100.0

    def test_a_delivery_carries_the_notice(self, store):
        store.subscribe(1, "jalisco")
        add_document(store, url=None, file_unique_id="AgADf1")
        delivery, = store.due_deliveries(now=10**10, limit=10)
        assert (delivery.chat_id, delivery.html, delivery.file_id, delivery.state) == (1, "<b>aviso</b>", "file-AgADf1", "jalisco")

    def test_settings_round_trip(self, store):
        store.set_setting("flood_wait_until", "123.5")
        assert store.get_setting("flood_wait_until") == "123.5"
        store.set_setting("flood_wait_until", None)
        assert store.get_setting("flood_wait_until") is None


def test_pruning_the_outbox_forgets_old_settled_deliveries_and_keeps_pending_ones(tmp_path):
    from datetime import timedelta

    store = Store(tmp_path / "prune.db")
    for chat in (1, 2, 3):
        store.subscribe(chat, "jalisco")
    _, queued = store.add_document(state="jalisco", step=4, kind="acta", title="Acta", url="https://x.org/a",
                                   file_id=None, file_unique_id=None, file_name=None,
                                   published_on=date(2026, 11, 20), published_by="cli", notice_html="aviso")
    first, second, _third = store.due_deliveries(now=10**10, limit=10)
    store.mark_sent(first.id, 100)
    store.mark_failed(second.id, "bad request")
    assert store.prune_outbox(older_than=utc_now() - timedelta(days=30)) == 0  # nothing is old yet
    assert store.prune_outbox(older_than=utc_now() + timedelta(seconds=5)) == 2
    assert store.outbox_counts() == {"pending": 1}  # the pending one stays, and its notice with it
    assert [d.html for d in store.due_deliveries(now=10**10, limit=10)] == ["aviso"]


class TestSqliteUtilsMigrations:
    def test_a_new_database_records_each_migration_by_name_and_counts_them(self, store):
        from bot.store.migrations import NAMES
        applied = [r["name"] for r in store.db.query("SELECT name FROM _sqlite_migrations ORDER BY id")]
        assert applied == list(NAMES) and store.schema_version == len(NAMES)
        assert "unsure" in store.db["deliveries"].columns_dict

    def test_a_database_from_before_adopts_its_user_version_and_runs_nothing_again(self, tmp_path):
        path = tmp_path / "cocrea.db"
        first = Store(path)
        first.subscribe(1, "jalisco")
        first.db.execute("DROP TABLE _sqlite_migrations")  # as the store left it before sqlite-utils' migrations
        first.close()
        again = Store(path)  # would fail on CREATE TABLE or ADD COLUMN if a migration ran again
        assert [s.state for s in again.subscriptions(1)] == ["jalisco"]
        assert again.db["_sqlite_migrations"].count == len(NAMES)
        again.close()
