"""Convocatorias in-process, with an injected clock (and time-machine for the real one): create
and announce, open and closed, reminders, closing, corrections, cancellation, restarts."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from bot.core.convocatorias import (
    NEW_CLOCK_BELIEVED_AFTER, ConvocatoriaDraft, ConvocatoriaError, Convocatorias, kind_for_step,
)
from bot.core.dates import parse_moment
from bot.runtime.settings import Settings, SettingsError
from bot.store import Store
from knowledge.engine import Engine

NOW = datetime(2026, 11, 21, 18, 0, tzinfo=timezone.utc)  # Saturday, 12:00 in Mexico City
CLOSES = datetime(2026, 12, 16, 0, 0, tzinfo=timezone.utc)  # Tuesday 15 December, 18:00 in Mexico City
REMINDER_AT = CLOSES - timedelta(days=3)
SECOND = timedelta(seconds=1)


class Clock:
    """A wall clock the test moves; time really passes as it moves (elapsed), unless the test
    makes it jump (the wall clock alone)."""

    def __init__(self, now: datetime):
        self.now = now
        self.jumped = timedelta(0)

    def __call__(self) -> datetime:
        return self.now + self.jumped

    def elapsed(self) -> float:
        return (self.now - NOW).total_seconds()


@pytest.fixture
def clock():
    return Clock(NOW)


@pytest.fixture
def store():
    store = Store.memory()
    _subscribers(store)
    return store


@pytest.fixture
def desk(store, kb, clock):
    return Convocatorias(store, kb, clock=clock, elapsed=clock.elapsed)


def _subscribers(store: Store) -> None:
    """Oaxaca: 1 everything, 2 documents only, 3 no reminders, 4 blocked the bot; Jalisco: 5."""
    for chat in (1, 2, 3, 4):
        store.subscribe(chat, "oaxaca")
    store.set_subscription_options(2, "oaxaca", convocatorias=False)
    store.set_subscription_options(3, "oaxaca", reminders=False)
    store.set_chat_active(4, False)
    store.subscribe(5, "jalisco")


def _draft(**changes) -> ConvocatoriaDraft:
    fields = dict(state="oaxaca", kind="mesas", title="Mesas de cocreación 2027",
                  description="Para quien viva en Oaxaca y quiera proponer compromisos.", closes_at=CLOSES,
                  url="https://stl.oaxaca.example/mesas", how_to_apply="Llena el formulario en línea.",
                  contact="stl@oaxaca.example")
    return ConvocatoriaDraft(**{**fields, **changes})


def _outbox(store: Store) -> list[tuple[int, str, str]]:
    """(chat, notice kind, html) of every delivery, in order."""
    rows = store._query("SELECT d.chat_id, n.kind, n.html FROM deliveries d JOIN notices n ON n.id = d.notice_id "
                        "ORDER BY d.id")
    return [(r["chat_id"], r["kind"], r["html"]) for r in rows]


def _chats(store: Store, kind: str) -> list[int]:
    return [chat for chat, notice_kind, _ in _outbox(store) if notice_kind == kind]


# -- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize("changes, message", [
    ({"state": "narnia"}, "entidad"),
    ({"kind": "feria"}, "tipo de convocatoria"),
    ({"title": "  a "}, "título"),
    ({"description": "x" * 1001}, "descripción"),
    ({"url": "http://localhost/convocatoria"}, "red interna"),
    ({"url": "ftp://stl.example/c"}, "páginas web"),
    ({"closes_at": None}, "Falta la fecha de cierre"),
    ({"closes_at": NOW - SECOND}, "ya pasó"),
    ({"closes_at": NOW}, "ya pasó"),
    ({"closes_at": NOW + timedelta(days=400)}, "más de un año"),
    ({"opens_at": CLOSES + timedelta(hours=1)}, "antes de abrir"),
    ({"opens_at": CLOSES}, "antes de abrir"),
])
def test_a_bad_draft_is_refused_in_plain_spanish(desk, store, changes, message):
    with pytest.raises(ConvocatoriaError) as refused:
        desk.create(_draft(**changes), "cli")
    assert message in str(refused.value)
    assert _outbox(store) == []
    assert store.current_convocatorias(None, NOW) == []


@pytest.mark.parametrize("typed", ["ayer", "hace 2 días", "20 de noviembre de 2026", "hoy a las 11:00"])
def test_a_closing_date_typed_in_the_past_is_refused(desk, typed):
    with pytest.raises(ConvocatoriaError, match="ya pasó"):
        desk.check_dates(None, parse_moment(typed, NOW).at)


def test_the_refusal_names_the_dates_in_mexico_city_time(desk):
    with pytest.raises(ConvocatoriaError) as refused:
        desk.validate(_draft(opens_at=datetime(2026, 12, 20, 6, 0, tzinfo=timezone.utc)))
    assert str(refused.value) == ("La convocatoria cerraría (martes 15 de diciembre de 2026 a las 18:00) antes de abrir "
                                  "(domingo 20 de diciembre de 2026 a las 00:00). Revisa las fechas.")


def test_kind_from_step():
    assert [kind_for_step(s) for s in ("2", 3, "consulta", "7", "otra")] == ["stl", "facilitadora", "consulta", "mesas", "otra"]
    for no_convocatoria in ("4", "5", "paso 5"):  # pasos.yaml: only 2, 3 and 7 are convocatorias
        with pytest.raises(ConvocatoriaError, match="2, 3 o 7"):
            kind_for_step(no_convocatoria)


def reminder_days(value: str | None) -> int:
    return Settings.from_env({} if value is None else {"COCREA_REMINDER_DAYS": value}).reminder_days


def test_reminder_days_from_the_environment():
    assert reminder_days(None) == 3
    assert reminder_days(" 5 ") == 5
    assert reminder_days("0") == 0
    for bad in ("tres", "-1", "2.5", "31"):
        with pytest.raises(SettingsError, match="COCREA_REMINDER_DAYS"):
            reminder_days(bad)


# -- creating and announcing ----------------------------------------------------------------


def test_create_writes_the_row_and_tells_each_subscriber_once(desk, store):
    created = desk.create(_draft(), "telegram:42")
    assert created.queued == 2
    assert _chats(store, "convocatoria") == [1, 3]  # not 2 (documents only), 4 (blocked), 5 (Jalisco)
    record = store.convocatoria(created.convocatoria.id)
    assert (record.status, record.published_by, record.reminder_sent) == ("open", "telegram:42", False)
    assert record.info.opens_at == NOW


def test_the_preview_is_exactly_the_announcement(desk, store):
    preview = desk.preview(desk.validate(_draft()))
    desk.create(_draft(), "cli")
    assert {html for _, _, html in _outbox(store)} == {preview}
    assert preview.splitlines()[:5] == [
        "📣 <b>Nueva convocatoria en Oaxaca</b>",
        "",
        "<b>Mesas de cocreación 2027</b>",
        "Paso 7 de 13: Convocatoria abierta para participar en las mesas de cocreación",
        "⏳ Cierra el martes 15 de diciembre a las 18:00 (hora del centro de México)",
    ]
    assert '<a href="https://stl.oaxaca.example/mesas">Ver la convocatoria</a>' in preview
    assert "Cómo participar: Llena el formulario en línea." in preview
    assert "/baja" not in preview  # the notice's buttons say it (bot/core/notices.py notice_buttons)


def test_an_upcoming_convocatoria_says_when_it_opens(desk):
    opens = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)
    assert "🟢 Abre el martes 1 de diciembre a las 09:00" in desk.preview(desk.validate(_draft(opens_at=opens)))


def test_data_is_escaped_in_notices(desk):
    preview = desk.preview(desk.validate(_draft(title="Mesas <b>& más", description="a < b")))
    assert "Mesas &lt;b&gt;&amp; más" in preview and "a &lt; b" in preview


def test_six_pm_in_mexico_city_is_stored_as_midnight_utc_and_shown_as_six_pm(desk, store, kb, clock):
    desk.create(_draft(closes_at=parse_moment("15 de diciembre a las 18:00", NOW).at), "cli")
    raw = store._query("SELECT opens_at, closes_at FROM convocatorias")[0]
    assert raw == {"opens_at": "2026-11-21T18:00:00+00:00", "closes_at": "2026-12-16T00:00:00+00:00"}
    answer = Engine(kb, live=store, clock=clock).ask("¿hay convocatorias en oaxaca?")
    assert "Cierra el martes 15 de diciembre a las 18:00, en 24 días" in answer.text


# -- open, closed, and the answers ----------------------------------------------------------


def test_open_until_the_closing_second_and_not_after(desk, store, kb, clock):
    desk.create(_draft(), "cli")
    engine = Engine(kb, live=store, clock=clock)
    clock.now = CLOSES - SECOND
    assert "Mesas de cocreación 2027" in engine.ask("¿hay convocatorias en oaxaca?").text
    assert "Cierra hoy a las 18:00" in engine.ask("¿hay convocatorias en oaxaca?").text
    clock.now = CLOSES  # before the job ran: the read side already leaves it out
    reply = engine.ask("¿hay convocatorias en oaxaca?")
    assert "Ahora no hay convocatorias abiertas en Oaxaca" in reply.text
    assert reply.buttons[0][0].action.kind == "subscribe"


def test_an_upcoming_convocatoria_is_not_open_yet(desk, store):
    opens = NOW + timedelta(days=2)
    desk.create(_draft(opens_at=opens), "cli")
    assert store.open_convocatorias("oaxaca", NOW) == []
    assert [c.title for c in store.open_convocatorias("oaxaca", opens)] == ["Mesas de cocreación 2027"]
    assert len(store.current_convocatorias(["oaxaca"], NOW)) == 1  # the facilitator still sees it


def test_soonest_to_close_first_and_the_state_card_shows_them(desk, store, kb, clock):
    desk.create(_draft(title="Cierra después", closes_at=CLOSES + timedelta(days=5)), "cli")
    desk.create(_draft(title="Cierra antes", kind="stl"), "cli")
    desk.create(_draft(title="De Jalisco", state="jalisco"), "cli")
    engine = Engine(kb, live=store, clock=clock)
    listing = engine.ask("¿hay convocatorias en oaxaca?").text
    assert listing.index("Cierra antes") < listing.index("Cierra después")
    assert "De Jalisco" not in listing
    card = engine.ask("¿cómo va oaxaca?")
    assert "2 convocatorias abiertas" in card.text
    more = engine.answers.state_more("oaxaca", (0,)).text
    assert "Convocatorias abiertas" in more
    assert "Cierra antes: cierra el martes 15 de diciembre a las 18:00, en 24 días" in more


def test_with_time_machine_the_real_clock_opens_and_closes_it(store, kb):
    with time_machine.travel(NOW, tick=False) as traveller:
        desk = Convocatorias(store, kb, elapsed=time.time)  # the production clock; time really passes
        engine = Engine(kb, live=store)
        desk.create(_draft(), "cli")
        assert "Mesas de cocreación 2027" in engine.ask("convocatorias oaxaca").text
        traveller.move_to(CLOSES + SECOND)
        assert "Mesas de cocreación 2027" not in engine.ask("convocatorias oaxaca").text
        assert desk.run_due_work().closed == [1]


# -- reminders and closing ------------------------------------------------------------------


def test_the_reminder_goes_once_three_days_before_to_those_who_keep_reminders(desk, store, clock):
    desk.create(_draft(), "cli")
    clock.now = REMINDER_AT - SECOND
    assert desk.run_due_work().reminded == []
    clock.now = REMINDER_AT
    work = desk.run_due_work()
    assert (work.reminded, work.queued, work.closed) == ([1], 1, [])
    assert _chats(store, "convocatoria_reminder") == [1]  # chat 3 turned reminders off
    clock.now = REMINDER_AT + timedelta(hours=1)
    assert desk.run_due_work().reminded == []
    assert _chats(store, "convocatoria_reminder") == [1]
    reminder = next(html for _, kind, html in _outbox(store) if kind == "convocatoria_reminder")
    assert "Cierra el martes 15 de diciembre a las 18:00, en 3 días" in reminder
    assert "/suscripciones" in reminder and "/suscribir" not in reminder  # a whole command: it taps right


def test_reminder_days_are_configurable_and_zero_turns_them_off(store, kb, clock):
    Convocatorias(store, kb, clock=clock, elapsed=clock.elapsed).create(_draft(), "cli")
    clock.now = CLOSES - timedelta(days=5)
    assert Convocatorias(store, kb, clock=clock, elapsed=clock.elapsed, reminder_days=0).run_due_work().reminded == []
    assert Convocatorias(store, kb, clock=clock, elapsed=clock.elapsed, reminder_days=3).run_due_work().reminded == []
    assert Convocatorias(store, kb, clock=clock, elapsed=clock.elapsed, reminder_days=5).run_due_work().reminded == [1]


def test_no_reminder_when_it_was_announced_inside_the_window(desk, store, clock):
    desk.create(_draft(closes_at=NOW + timedelta(days=2)), "cli")
    clock.now = NOW + timedelta(days=1)
    assert desk.run_due_work().reminded == []
    assert _chats(store, "convocatoria_reminder") == []


def test_a_reminder_due_while_the_bot_was_down_goes_when_it_is_back(desk, store, clock):
    desk.create(_draft(), "cli")
    clock.now = REMINDER_AT + timedelta(days=1, hours=5)  # down for a day past the window's start
    assert desk.run_due_work().reminded == [1]


def test_no_reminder_for_what_closed_while_the_bot_was_down(desk, store, clock):
    desk.create(_draft(), "cli")
    clock.now = CLOSES + timedelta(hours=2)
    work = desk.run_due_work()
    assert (work.reminded, work.closed) == ([], [1])
    assert store.convocatoria(1).status == "closed"
    assert _chats(store, "convocatoria_reminder") == []


def test_an_upcoming_convocatoria_is_reminded_once_it_opens(desk, store, clock):
    opens = CLOSES - timedelta(days=1)
    desk.create(_draft(opens_at=opens), "cli")
    clock.now = REMINDER_AT
    assert desk.run_due_work().reminded == []
    clock.now = opens
    assert desk.run_due_work().reminded == [1]


def test_the_job_closes_at_closing_time(desk, store, clock):
    desk.create(_draft(), "cli")
    desk.create(_draft(title="Más tarde", closes_at=CLOSES + timedelta(days=1)), "cli")
    clock.now = CLOSES - SECOND
    assert desk.run_due_work().closed == []
    clock.now = CLOSES
    assert desk.run_due_work().closed == [1]
    assert [store.convocatoria(n).status for n in (1, 2)] == ["closed", "open"]
    assert desk.run_due_work().closed == []


def test_a_restart_in_the_middle_neither_resends_nor_skips(tmp_path, kb):
    path = tmp_path / "cocrea.db"
    clock = Clock(NOW)
    first_store = Store(path)
    _subscribers(first_store)
    first = Convocatorias(first_store, kb, clock=clock, elapsed=clock.elapsed)
    first.create(_draft(title="Primera"), "cli")
    first.create(_draft(title="Segunda", closes_at=CLOSES + timedelta(days=2)), "cli")
    clock.now = REMINDER_AT
    assert first.run_due_work().reminded == [1]
    first_store.close()  # the bot stops (or dies) here

    clock.now = CLOSES + timedelta(hours=1)  # back three days later: the 1st closed, the 2nd's window opened
    second_store = Store(path)
    second = Convocatorias(second_store, kb, clock=clock, elapsed=clock.elapsed)
    work = second.run_due_work()
    assert (work.reminded, work.closed) == ([2], [1])
    assert Convocatorias(Store(path), kb, clock=clock, elapsed=clock.elapsed).run_due_work() == type(work)([], 0, [])
    reminders = second_store._query("SELECT ref_id, count(*) AS n FROM notices WHERE kind = 'convocatoria_reminder' "
                                    "GROUP BY ref_id ORDER BY ref_id")
    assert reminders == [{"ref_id": 1, "n": 1}, {"ref_id": 2, "n": 1}]


def test_two_desks_racing_send_one_reminder(tmp_path, kb):
    path = tmp_path / "cocrea.db"
    clock = Clock(NOW)
    one, other = (Convocatorias(Store(path), kb, clock=clock, elapsed=clock.elapsed) for _ in range(2))
    _subscribers(one.store)
    one.create(_draft(), "cli")
    clock.now = REMINDER_AT
    stale = one.store.convocatorias_due_reminder(clock.now, timedelta(days=3))  # both saw it due
    assert other.run_due_work().reminded == [1]
    assert one._remind(stale[0], clock.now) is None


def test_across_the_old_daylight_saving_change(store, kb):
    """Created in winter, closing after April (when Mexico City used to move its clocks and
    the US still does): the closing hour stays 18:00 local, and the reminder and the closing
    happen at the right UTC instants."""
    with time_machine.travel(datetime(2027, 1, 10, 17, 0, tzinfo=timezone.utc), tick=False) as traveller:
        desk = Convocatorias(store, kb, elapsed=time.time)  # time-machine moves the wall clock only
        closes = parse_moment("10 de abril de 2027 a las 18:00", desk.clock()).at
        assert closes == datetime(2027, 4, 11, 0, 0, tzinfo=timezone.utc)
        desk.create(_draft(closes_at=closes), "cli")
        traveller.move_to(datetime(2027, 4, 8, 0, 0, tzinfo=timezone.utc) - SECOND)
        assert desk.run_due_work().reminded == []
        traveller.move_to(datetime(2027, 4, 8, 0, 0, tzinfo=timezone.utc))  # 7 April, 18:00 in Mexico City
        assert desk.run_due_work().reminded == [1]
        reminder = next(html for _, kind, html in _outbox(store) if kind == "convocatoria_reminder")
        assert "Cierra el sábado 10 de abril a las 18:00, en 3 días" in reminder
        traveller.move_to(closes)
        assert desk.run_due_work().closed == [1]


# -- corrections and cancellation -----------------------------------------------------------


def test_a_new_closing_date_sends_a_correction_and_rearms_the_reminder(desk, store, clock):
    desk.create(_draft(), "cli")
    clock.now = REMINDER_AT
    desk.run_due_work()
    later = CLOSES + timedelta(days=7)
    changed = desk.change_closing(1, later)
    assert changed.queued == 2 and _chats(store, "convocatoria_correction") == [1, 3]
    correction = next(html for _, kind, html in _outbox(store) if kind == "convocatoria_correction")
    assert "Nueva fecha de cierre (antes: martes 15 de diciembre a las 18:00)." in correction
    assert "⏳ Cierra el martes 22 de diciembre a las 18:00" in correction
    assert desk.run_due_work().reminded == []
    clock.now = later - timedelta(days=3)
    assert desk.run_due_work().reminded == [1]
    assert _chats(store, "convocatoria_reminder") == [1, 1]


def test_a_closing_date_moved_into_the_window_is_not_reminded_right_after_the_correction(desk, store, clock):
    desk.create(_draft(), "cli")
    clock.now = NOW + timedelta(days=1)
    desk.change_closing(1, NOW + timedelta(days=2))
    assert desk.run_due_work().reminded == []


@pytest.mark.parametrize("closes, message", [
    (NOW - SECOND, "ya pasó"), (CLOSES, "misma fecha"), (NOW + timedelta(days=500), "más de un año"),
])
def test_a_bad_new_closing_date_changes_nothing(desk, store, closes, message):
    desk.create(_draft(), "cli")
    with pytest.raises(ConvocatoriaError, match=message):
        desk.change_closing(1, closes)
    assert store.convocatoria(1).info.closes_at == CLOSES
    assert _chats(store, "convocatoria_correction") == []


def test_a_new_link_sends_a_correction(desk, store):
    desk.create(_draft(), "cli")
    desk.change_link(1, "https://stl.oaxaca.example/mesas-2027")
    assert store.convocatoria(1).info.url == "https://stl.oaxaca.example/mesas-2027"
    correction = next(html for _, kind, html in _outbox(store) if kind == "convocatoria_correction")
    assert "Tiene un enlace nuevo." in correction and "mesas-2027" in correction
    with pytest.raises(ConvocatoriaError, match="mismo enlace"):
        desk.change_link(1, "https://stl.oaxaca.example/mesas-2027")
    with pytest.raises(ConvocatoriaError, match="http"):
        desk.change_link(1, "no es un enlace")


def test_cancel_tells_the_same_audience_and_it_disappears(desk, store, clock):
    desk.create(_draft(), "cli")
    changed = desk.cancel(1)
    assert changed.queued == 2 and _chats(store, "convocatoria_cancelled") == [1, 3]
    assert store.convocatoria(1).status == "cancelled"
    assert store.open_convocatorias("oaxaca", NOW) == [] and store.current_convocatorias(None, NOW) == []
    cancellation = next(html for _, kind, html in _outbox(store) if kind == "convocatoria_cancelled")
    assert "se canceló" in cancellation and "martes 15 de diciembre a las 18:00" in cancellation
    with pytest.raises(ConvocatoriaError, match="ya estaba cancelada"):
        desk.cancel(1)
    with pytest.raises(ConvocatoriaError, match="ya estaba cancelada"):
        desk.change_link(1, "https://otra.example")
    clock.now = REMINDER_AT
    assert desk.run_due_work() == type(desk.run_due_work())([], 0, [])


def test_what_closed_cannot_be_changed(desk, clock):
    desk.create(_draft(), "cli")
    clock.now = CLOSES
    for change in (lambda: desk.cancel(1), lambda: desk.change_closing(1, CLOSES + timedelta(days=3))):
        with pytest.raises(ConvocatoriaError, match="ya cerró"):
            change()
    with pytest.raises(ConvocatoriaError, match="No encontré"):
        desk.cancel(99)


# -- a clock that jumps (issue 13, item 4) ----------------------------------------------------


def test_a_clock_eleven_days_ahead_for_a_while_closes_nothing_and_reminds_no_one(desk, store, clock, caplog):
    desk.create(_draft(), "cli")  # reminder window opens at REMINDER_AT, closes at CLOSES
    desk.create(_draft(title="Otra", closes_at=NOW + timedelta(days=5)), "cli")
    assert desk.run_due_work() == type(desk.run_due_work())([], 0, [])
    clock.jumped = timedelta(days=11)  # NTP gone wrong: 11 days ahead for 80 seconds
    with caplog.at_level(logging.INFO, logger="cocreabot.convocatorias"):
        for _ in range(3):
            clock.now += timedelta(seconds=40)
            assert desk.run_due_work() == type(desk.run_due_work())([], 0, [])
    assert [store.convocatoria(n).status for n in (1, 2)] == ["open", "open"]
    assert _chats(store, "convocatoria_reminder") == []
    jumps = [r for r in caplog.records if "jumped" in r.getMessage()]
    assert len(jumps) == 1 and "11.0 days" in jumps[0].getMessage()  # once, not once a minute

    clock.jumped = timedelta(0)  # the clock is fixed
    assert desk.run_due_work().closed == []
    clock.now = NOW + timedelta(days=5)  # the second one's time has really come
    assert desk.run_due_work().closed == [2]
    assert store.convocatoria(1).status == "open"


def test_a_clock_ten_minutes_back_closes_nothing_early_and_stops_nothing(desk, store, clock):
    desk.create(_draft(), "cli")
    clock.now = CLOSES - timedelta(minutes=5)
    assert desk.run_due_work().reminded == [1]
    clock.jumped = -timedelta(minutes=10)
    clock.now = CLOSES + SECOND  # the wall clock says 9:59 before closing
    assert desk.run_due_work().closed == []
    clock.jumped = timedelta(0)
    assert desk.run_due_work().closed == [1]


def test_a_restart_while_the_clock_is_eleven_days_ahead_still_refuses(tmp_path, kb):
    """The last run is kept in the database: a new process on the same boot compares too."""
    path = tmp_path / "cocrea.db"
    clock = Clock(NOW)
    first_store = Store(path)
    _subscribers(first_store)
    first = Convocatorias(first_store, kb, clock=clock, elapsed=clock.elapsed)
    first.create(_draft(closes_at=NOW + timedelta(days=5)), "cli")
    first.run_due_work()
    first_store.close()
    clock.now += timedelta(minutes=3)
    clock.jumped = timedelta(days=11)
    second_store = Store(path)
    second = Convocatorias(second_store, kb, clock=clock, elapsed=clock.elapsed)
    assert second.run_due_work() == type(second.run_due_work())([], 0, [])
    assert second_store.convocatoria(1).status == "open"
    other_boot = Convocatorias(second_store, kb, clock=clock, elapsed=clock.elapsed, boot="another boot")
    assert other_boot.run_due_work().closed == [1]  # after a reboot there is nothing to compare with


def test_a_clock_that_keeps_its_new_time_is_believed_after_a_while(desk, store, clock, caplog):
    desk.create(_draft(closes_at=NOW + timedelta(days=3)), "cli")
    desk.run_due_work()
    clock.jumped = timedelta(days=4)  # it had been days behind, and was set right
    assert desk.run_due_work().closed == []
    clock.now += timedelta(seconds=NEW_CLOCK_BELIEVED_AFTER - 60)
    assert desk.run_due_work().closed == []
    clock.now += timedelta(seconds=60)
    with caplog.at_level(logging.INFO, logger="cocreabot.convocatorias"):
        assert desk.run_due_work().closed == [1]
    assert any("believing it" in r.getMessage() for r in caplog.records)
