"""Notices people can act on: the buttons a document or convocatoria notice carries ([📄 Abrir],
[Ver <entidad>], [🔕 Dejar de seguir]), stored with the notice so a restart still sends them,
within Telegram's limits, and sent by the dispatcher with the notice."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.core.convocatorias import ConvocatoriaDraft, Convocatorias
from knowledge.wording import MAX_LABEL
from bot.core.notices import (
    NoticeButton, keyboard_from_json, keyboard_json, notice_buttons,
)
from bot.core.publishing import DocumentDraft, publish_document
from bot.runtime.dispatcher import Dispatcher, Pace
from bot.store import Store
from bot.store.migrations import NAMES
from handlers.callbacks import MAX_BYTES, decode_action
from handlers.notices import notice_markup
from knowledge.wording import short_name
from tests.test_dispatcher import FakeBot, VirtualClock, VirtualDispatcher, drain

NOW = datetime(2026, 11, 21, 18, 0, tzinfo=timezone.utc)
URL = "https://stl.example/oaxaca/acta.pdf"


def _labels(rows) -> list[str]:
    return [button.text for row in rows for button in row]


# -- which buttons, and their limits ----------------------------------------------------------

def test_a_notice_with_a_link_opens_it_shows_the_state_and_unsubscribes(kb):
    rows = notice_buttons(kb, "oaxaca", URL)
    assert _labels(rows) == ["📄 Abrir", "Ver Oaxaca", "🔕 Dejar de seguir Oaxaca"]
    abrir, ver, baja = (button for row in rows for button in row)
    assert abrir.url == URL and not abrir.action
    assert (ver.action, ver.arg) == ("notice_card", "oaxaca")
    assert (baja.action, baja.arg) == ("notice_unsub", "oaxaca")


def test_without_a_link_there_is_nothing_to_open(kb):
    assert _labels(notice_buttons(kb, "jalisco", None)) == ["Ver Jalisco", "🔕 Dejar de seguir"]


def test_the_state_is_named_on_the_unsubscribe_button_when_it_fits(kb):
    assert "🔕 Dejar de seguir CDMX" in _labels(notice_buttons(kb, "ciudad-de-mexico", None))
    assert "🔕 Dejar de seguir Edomex" in _labels(notice_buttons(kb, "estado-de-mexico", None))
    assert "Ver BCS" in _labels(notice_buttons(kb, "baja-california-sur", None))  # the same label everywhere


@pytest.mark.parametrize("url", [None, URL])
def test_every_label_fits_a_phone_and_no_word_is_cut(kb, url):
    for slug, state in kb.states.items():
        for button in (b for row in notice_buttons(kb, slug, url) for b in row):
            assert len(button.text) <= MAX_LABEL, button.text
            assert "…" not in button.text
            words = set(f"📄 Abrir Ver 🔕 Dejar de seguir {state.name} {short_name(state.name)}".split())
            assert set(button.text.split()) <= words, button.text  # whole words, never a piece of one


def test_every_callback_fits_telegram_and_decodes_back(kb):
    for slug in kb.states:
        markup = notice_markup(notice_buttons(kb, slug, URL))
        for row in markup.inline_keyboard:
            for button in row:
                if button.callback_data is None:
                    assert button.url == URL
                    continue
                assert len(button.callback_data.encode()) <= MAX_BYTES
                decoded = decode_action(button.callback_data)
                assert decoded.arg == slug and decoded.kind in ("notice_card", "notice_unsub")


def test_buttons_survive_their_json_round_trip(kb):
    rows = notice_buttons(kb, "san-luis-potosi", URL)
    assert keyboard_from_json(keyboard_json(rows)) == rows
    assert keyboard_json(()) is None and keyboard_from_json(None) == ()


@pytest.mark.parametrize("stored", ["", "{", "[1]", '[[{"text": 3}]]', '[[{"text": "x", "action": "zz", "arg": "a"}]]',
                                    '[[{"text": "x"}]]'])
def test_unreadable_stored_buttons_are_dropped_not_raised(stored):
    assert keyboard_from_json(stored) == ()


def test_the_text_no_longer_says_a_command_that_taps_bare(kb):
    from bot.core.notices import document_notice
    html = document_notice(kb, "oaxaca", 4, "acta", "Acta", URL, date(2026, 11, 20), has_file=False)
    assert "/baja" not in html and "Ver el documento" in html


# -- stored with the notice --------------------------------------------------------------------

def _draft(**changes) -> DocumentDraft:
    fields = dict(state="oaxaca", step=4, title="Acta de instalación", url=URL, published_on=date(2026, 11, 20))
    fields.update(changes)
    return DocumentDraft(**fields)


def test_a_published_document_stores_its_buttons_with_the_notice(kb):
    store = Store.memory()
    store.subscribe(1, "oaxaca")
    publish_document(store, kb, _draft(), "test")
    delivery, = store.due_deliveries(float("inf"), 10)
    assert keyboard_from_json(delivery.buttons) == notice_buttons(kb, "oaxaca", URL)


class MovingClock:
    def __init__(self):
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now

    def elapsed(self) -> float:
        return (self.now - NOW).total_seconds()


def test_every_convocatoria_notice_stores_its_buttons(kb):
    store = Store.memory()
    store.subscribe(1, "oaxaca")
    clock = MovingClock()
    desk = Convocatorias(store, kb, clock=clock, elapsed=clock.elapsed)
    draft = ConvocatoriaDraft(state="oaxaca", kind="mesas", title="Mesas de cocreación", closes_at=NOW + timedelta(days=20),
                              url="https://stl.oaxaca.example/mesas")
    created = desk.create(draft, "test")
    desk.change_closing(created.convocatoria.id, NOW + timedelta(days=10))
    clock.now = NOW + timedelta(days=8)
    assert desk.run_due_work().reminded == [created.convocatoria.id]
    desk.cancel(created.convocatoria.id)
    kinds = store._query("SELECT kind, buttons, html FROM notices ORDER BY id")
    assert [row["kind"] for row in kinds] == ["convocatoria", "convocatoria_correction", "convocatoria_reminder",
                                             "convocatoria_cancelled"]
    announced, corrected, reminded, cancelled = (keyboard_from_json(row["buttons"]) for row in kinds)
    assert announced == corrected == reminded == notice_buttons(kb, "oaxaca", "https://stl.oaxaca.example/mesas")
    assert cancelled == notice_buttons(kb, "oaxaca", None)  # nothing to open any more
    assert not any("/baja" in row["html"] or "/suscribir" in row["html"] for row in kinds)


def test_a_team_answer_has_no_buttons_and_still_goes_out():
    store = Store.memory()
    store.ensure_chat(7)
    _, question_id = store.record_question("k", "¿Quién integra el STL?", {}, "unknown", 7, max_pending=3)
    assert store.settle_question(question_id, "answered", "Nadie aún.", "team", "<b>Respuesta</b>") == 1
    delivery, = store.due_deliveries(float("inf"), 10)
    assert delivery.buttons is None and delivery.html == "<b>Respuesta</b>"


def test_a_database_from_before_gets_the_buttons_column_and_old_notices_go_out_bare(tmp_path, kb):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    from bot.store.migrations import FIRST_SCHEMA
    for statement in FIRST_SCHEMA:
        conn.execute(statement)
    conn.execute("ALTER TABLE deliveries ADD COLUMN unsure INTEGER NOT NULL DEFAULT 0")
    conn.execute("INSERT INTO chats(id) VALUES (5)")
    conn.execute("INSERT INTO notices(id, kind, state, html, created_at) VALUES (1, 'document', 'oaxaca', 'viejo', '2026')")
    conn.execute("INSERT INTO deliveries(notice_id, chat_id) VALUES (1, 5)")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    store = Store(path)
    try:
        assert store._query("PRAGMA user_version")[0]["user_version"] == len(NAMES)
        assert "0005_notice_buttons" in NAMES
        delivery, = store.due_deliveries(float("inf"), 10)
        assert delivery.html == "viejo" and delivery.buttons is None
    finally:
        store.close()


# -- sent with the notice ----------------------------------------------------------------------

class ButtonBot(FakeBot):
    """A FakeBot that keeps the keyboard of every send."""

    def __init__(self, clock):
        super().__init__(clock)
        self.markups: list = []

    async def send_message(self, chat_id, text, reply_markup=None, **kwargs):
        self.markups.append(("sendMessage", chat_id, reply_markup))
        return await self._send(chat_id, "sendMessage", text)

    async def send_document(self, chat_id, document, caption=None, reply_markup=None, **kwargs):
        self.markups.append(("sendDocument", chat_id, reply_markup))
        return await self._send(chat_id, "sendDocument", caption)


def _button_data(markup) -> list[str]:
    return [button.callback_data or button.url for row in markup.inline_keyboard for button in row]


def _dispatcher(bot, store, clock) -> Dispatcher:
    return VirtualDispatcher(bot, store, Pace(), clock=clock, sleep=clock.sleep, keyboard=notice_markup)


def test_the_dispatcher_sends_the_stored_buttons_with_the_notice(kb):
    store = Store.memory()
    store.subscribe(1, "oaxaca")
    publish_document(store, kb, _draft(), "test")
    clock = VirtualClock()
    bot = ButtonBot(clock)
    asyncio.run(drain(_dispatcher(bot, store, clock), store))
    (method, chat, markup), = bot.markups
    assert (method, chat) == ("sendMessage", 1)
    assert _button_data(markup) == [URL, "1|nc|oaxaca", "1|nu|oaxaca"]


def test_a_document_sent_as_a_file_carries_the_buttons_on_its_caption(kb):
    store = Store.memory()
    store.subscribe(1, "oaxaca")
    publish_document(store, kb, _draft(url=None, file_id="FILE", file_unique_id="U1"), "test")
    clock = VirtualClock()
    bot = ButtonBot(clock)
    asyncio.run(drain(_dispatcher(bot, store, clock), store))
    (method, _, markup), = bot.markups
    assert method == "sendDocument" and _button_data(markup) == ["1|nc|oaxaca", "1|nu|oaxaca"]


def test_after_a_crash_the_next_run_still_sends_the_buttons(tmp_path, kb):
    path = tmp_path / "cocrea.db"
    first = Store(path)
    first.subscribe(1, "oaxaca")
    publish_document(first, kb, _draft(), "test")
    first.close()  # the bot died before sending anything
    store = Store(path)
    try:
        clock = VirtualClock()
        bot = ButtonBot(clock)
        asyncio.run(drain(_dispatcher(bot, store, clock), store))
        (_, _, markup), = bot.markups
        assert _button_data(markup) == [URL, "1|nc|oaxaca", "1|nu|oaxaca"]
    finally:
        store.close()


def test_a_link_telegram_refuses_as_a_button_still_gets_the_notice_out(kb):
    """The notice's text keeps its link; a button URL Telegram will not take is dropped, not the notice."""
    from telegram.error import BadRequest
    store = Store.memory()
    store.subscribe(1, "oaxaca")
    publish_document(store, kb, _draft(), "test")
    clock = VirtualClock()
    bot = ButtonBot(clock)
    bot.failures[1] = [BadRequest("Button_url_invalid")]
    asyncio.run(drain(_dispatcher(bot, store, clock), store))
    assert [s.chat_id for s in bot.sends] == [1]
    assert _button_data(bot.markups[-1][2]) == ["1|nc|oaxaca", "1|nu|oaxaca"]
    assert store.outbox_counts() == {"sent": 1}


def test_stored_buttons_of_kinds_nobody_answers_are_refused_when_read():
    rows = ((NoticeButton("x", action="zz", arg="a"),),)
    with pytest.raises(ValueError):
        keyboard_json(rows)
    assert json.loads(keyboard_json(((NoticeButton("📄 Abrir", url=URL),),))) == [[{"text": "📄 Abrir", "url": URL}]]


# -- the notice edited in place -------------------------------------------------------------------

class EditingBot:
    """Records the edits a Message asks its bot for."""

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []

    def __getattr__(self, method):
        async def record(*args, **kwargs):
            self.calls.append((method, kwargs))
            return True
        return record


def _message(**content):
    from telegram import Chat, Message
    message = Message(1, datetime(2026, 1, 1, tzinfo=timezone.utc), Chat(5, "private"), **content)
    bot = EditingBot()
    message.set_bot(bot)
    return message, bot


def test_a_caption_that_would_outgrow_its_limit_keeps_its_text_and_changes_only_its_buttons(kb):
    from telegram import Document
    from handlers.render import edit_in_place
    markup = notice_markup(notice_buttons(kb, "oaxaca", None))
    message, bot = _message(caption="a" * 1000, document=Document("F", "U"))
    assert asyncio.run(edit_in_place(message, "a" * 1000 + "\n\n🔕 Ya no sigues a Oaxaca…", markup))
    (method, _), = bot.calls
    assert method == "edit_message_reply_markup"
    message, bot = _message(caption="aviso", document=Document("F", "U"))
    asyncio.run(edit_in_place(message, "aviso\n\n🔕 Ya no sigues", markup))
    assert [method for method, _ in bot.calls] == ["edit_message_caption"]


def test_nothing_is_asked_of_telegram_when_the_message_shows_it_already(kb):
    from handlers.render import edit_in_place
    markup = notice_markup(notice_buttons(kb, "oaxaca", None))
    message, bot = _message(text="aviso", reply_markup=markup)
    assert not asyncio.run(edit_in_place(message, "<b>aviso</b>", markup))
    assert bot.calls == []
