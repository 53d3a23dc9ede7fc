"""A fan-out in chunks (Store.fan_out): every subscriber once, no transaction holding the store
for more than FAN_OUT_CHUNK deliveries, the store free between two chunks (so the bot's event
loop never waits for a whole fan-out), and a fan-out left midway finished by the running bot."""

from __future__ import annotations

import threading
from datetime import date

import pytest

import bot.store.outbox as store_module
from bot.store import Store
from bot.store.outbox import FAN_OUT_KEY

CHUNK = 7


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "FAN_OUT_CHUNK", CHUNK)
    monkeypatch.setattr(store_module, "FAN_OUT_PAUSE", 0)
    opened = Store(tmp_path / "cocrea.db")
    yield opened
    opened.close()


def subscribe(store: Store, ids, state: str = "jalisco", **options) -> None:
    for chat_id in ids:
        store.subscribe(chat_id, state, **options)


def publish(store: Store, n: int = 1, state: str = "jalisco") -> int:
    _, queued = store.add_document(state=state, step=4, kind="acta", title=f"Acta {n}",
                                   url=f"https://stl.example/{n}.pdf", file_id=None, file_unique_id=None,
                                   file_name=None, published_on=date(2026, 11, 20), published_by="test",
                                   notice_html="<b>Nuevo documento</b>")
    return queued


def deliveries(store: Store) -> list[int]:
    return [row[0] for row in store.db.conn.execute("SELECT chat_id FROM deliveries ORDER BY id")]


def notes(store: Store) -> list:
    return store.db.conn.execute("SELECT key FROM settings WHERE key LIKE ?", (f"{FAN_OUT_KEY}%",)).fetchall()


def test_every_subscriber_who_wants_it_gets_one_delivery_and_the_count_is_exact(store):
    subscribe(store, range(1, 51))
    subscribe(store, range(51, 56), documents=False)  # convocatorias only
    subscribe(store, range(1, 21), state="oaxaca")  # another state
    store.set_chat_active(30, False)
    assert publish(store) == 49
    assert sorted(deliveries(store)) == [n for n in range(1, 51) if n != 30]
    assert notes(store) == []  # nothing left to finish


def test_no_transaction_holds_more_than_a_chunk_and_the_store_is_free_between_chunks(store, monkeypatch):
    subscribe(store, range(1, 101))
    chunk_sizes: list[int] = []
    lock_free_between: list[bool] = []
    real_chunk = store_module._fan_out_chunk

    def counting_chunk(*args):
        queued, after = real_chunk(*args)
        chunk_sizes.append(queued)
        return queued, after

    def between_chunks(seconds):
        # another thread (the bot's event loop) can take the store now
        got = []
        other = threading.Thread(target=lambda: got.append(store._lock.acquire(timeout=1) and store._lock.release() is None))
        other.start(), other.join()
        lock_free_between.append(got == [True])

    monkeypatch.setattr(store_module, "_fan_out_chunk", counting_chunk)
    monkeypatch.setattr(store_module.time, "sleep", between_chunks)
    assert publish(store) == 100
    assert max(chunk_sizes) <= CHUNK and sum(chunk_sizes) == 100 and len(chunk_sizes) == 15
    assert lock_free_between and all(lock_free_between)


def test_a_fan_out_left_midway_is_finished_by_the_running_bot_once_and_only_once(store, monkeypatch):
    subscribe(store, range(1, 41))
    real_chunk, calls = store_module._fan_out_chunk, []

    def dies_on_the_third(*args):
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt("the publishing process dies")
        return real_chunk(*args)

    monkeypatch.setattr(store_module, "_fan_out_chunk", dies_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        publish(store)
    monkeypatch.setattr(store_module, "_fan_out_chunk", real_chunk)
    assert store.documents("jalisco")[0].title == "Acta 1"  # the publication itself was saved
    assert len(deliveries(store)) == 2 * CHUNK and len(notes(store)) == 1

    bot_side = Store(store.path)  # the running bot, another connection
    assert bot_side.finish_abandoned_fan_outs() == 0  # first look: maybe somebody is still writing it
    assert bot_side.finish_abandoned_fan_outs() == 40 - 2 * CHUNK  # it did not move: finish it
    assert bot_side.finish_abandoned_fan_outs() == 0
    bot_side.close()
    assert sorted(deliveries(store)) == list(range(1, 41)) and notes(store) == []


def test_two_processes_finishing_the_same_fan_out_queue_each_subscriber_once(store, tmp_path):
    subscribe(store, range(1, 301))
    with store.transaction() as conn:
        started = store.fan_out(conn, "document", 1, "jalisco", "<b>Aviso</b>", None, "documents")
    other = Store(store.path)
    counts: list[int] = []
    threads = [threading.Thread(target=lambda s=s: counts.append(s.finish_fan_out(started) - started.queued))
               for s in (store, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert sorted(deliveries(store)) == list(range(1, 301))
    assert sum(counts) + started.queued == 300


def test_a_convocatoria_reaches_every_subscriber_through_the_chunks(store):
    from bot.core.convocatorias import Convocatorias, ConvocatoriaDraft
    from datetime import datetime, timedelta, timezone
    from knowledge.loader import default_knowledge

    subscribe(store, range(1, 31))
    subscribe(store, range(31, 36), convocatorias=False)
    now = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
    desk = Convocatorias(store, default_knowledge(), clock=lambda: now)
    draft = ConvocatoriaDraft(state="jalisco", kind="stl", title="Integra el STL",
                              closes_at=now + timedelta(days=10))
    created = desk.create(draft, "test")
    assert created.queued == 30 and sorted(deliveries(store)) == list(range(1, 31))
