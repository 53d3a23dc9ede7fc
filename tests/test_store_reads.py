"""Reads never wait for writes (issue 9): each thread reads through its own connection (WAL),
outside the writer's lock; the dispatcher's claim does not wait for another writer either."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from bot.store import Busy, Store


def add_document(store: Store, conn: sqlite3.Connection, title: str) -> None:
    conn.execute("INSERT INTO documents(state, step, kind, title, url, published_on, published_by, created_at) "
                 "VALUES ('jalisco', 4, 'acta', ?, ?, '2026-11-20', 'test', '2026-11-20T00:00:00+00:00')",
                 (title, f"https://stl.example/{title}"))


class Writer(threading.Thread):
    """Holds a write transaction open (one document written, not committed) until released."""

    def __init__(self, store: Store):
        super().__init__(daemon=True)
        self.store = store
        self.inside, self.release, self.committed = threading.Event(), threading.Event(), threading.Event()

    def run(self) -> None:
        with self.store.transaction() as conn:
            add_document(self.store, conn, "en curso")
            self.inside.set()
            self.release.wait(30)
        self.committed.set()

    def __enter__(self):
        self.start()
        assert self.inside.wait(30)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.join(30)


def test_a_read_does_not_wait_for_a_write_in_progress_and_sees_the_last_commit(store):
    with store.transaction() as conn:
        add_document(store, conn, "publicado")
    with Writer(store) as writer:
        titles = [d.title for d in store.documents("jalisco")]  # would wait for the writer's lock before
        assert not writer.committed.is_set()
    assert titles == ["publicado"]
    assert sorted(d.title for d in store.documents("jalisco")) == ["en curso", "publicado"]


def test_a_read_inside_a_transaction_sees_what_it_wrote(store):
    with store.transaction() as conn:
        add_document(store, conn, "mío")
        assert [d.title for d in store.documents("jalisco")] == ["mío"]


def test_reads_from_other_threads_use_connections_of_their_own(store):
    store.subscribe(1, "jalisco")
    seen = []
    thread = threading.Thread(target=lambda: seen.append(store.subscriptions(1)))
    thread.start()
    thread.join(30)
    assert [s.state for s in seen[0]] == ["jalisco"]
    assert len(store._readers) == 1  # the worker's; the main thread has not read yet
    store.subscriptions(1)
    assert len(store._readers) == 2


def test_read_connections_cannot_write(store):
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        store._reader().execute("DELETE FROM chats")


def test_an_impatient_claim_says_busy_while_another_thread_writes(store):
    store.subscribe(7, "jalisco")
    with store.transaction() as conn:
        started = store.fan_out(conn, "document", 1, "jalisco", "<b>aviso</b>", None, "documents")
    delivery = store.due_deliveries(1e12, 10)[0]
    with Writer(store):
        with pytest.raises(Busy), store.impatient():
            store.claim(delivery.id)
    assert started.queued == 1
    assert store.claim(delivery.id) == "claimed"
    assert store.due_deliveries(1e12, 10)[0].unsure == 1  # claimed once: the Busy attempt wrote nothing


def test_an_impatient_claim_says_busy_while_another_process_writes(store, tmp_path):
    store.subscribe(7, "jalisco")
    with store.transaction() as conn:
        store.fan_out(conn, "document", 1, "jalisco", "<b>aviso</b>", None, "documents")
    delivery = store.due_deliveries(1e12, 10)[0]
    other = sqlite3.connect(tmp_path / "cocrea.db", isolation_level=None)  # as `python -m bot publicar`
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(Busy), store.impatient():
            store.claim(delivery.id)
        assert store.is_pending(delivery.id)  # reads go on meanwhile
        other.execute("COMMIT")
    finally:
        other.close()
    assert store.claim(delivery.id) == "claimed"
    assert store.db.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 30000  # waiting again for the others


def test_a_new_database_on_memory_still_works_with_one_connection():
    store = Store.memory()
    store.subscribe(1, "jalisco")
    assert store.subscriber_count("jalisco") == 1
    assert store._readers == []
    store.close()
