"""Convocatoria lists page like document lists: a few at a time (the open ones first, the one
that closes soonest first, then the upcoming ones), with how many more there are and ◀ ▶, in
/convocatorias and in a state's list; the state card says how many more it did not show."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.core.commands import action_reply, command_reply
from bot.core.convocatorias import ConvocatoriaDraft, Convocatorias
from bot.store import Store
from handlers.callbacks import MAX_BYTES
from handlers.render import keyboard
from knowledge.answers.cards import CONVOCATORIAS_PER_PAGE
from knowledge.engine import Engine
from knowledge.reply import Action

NOW = datetime(2026, 11, 21, 18, 0, tzinfo=timezone.utc)


@pytest.fixture
def engine(kb):
    """Oaxaca: 12 open (n.º 1 closes first) and 3 upcoming; Jalisco: 2 open."""
    store = Store.memory()
    desk = Convocatorias(store, kb, clock=lambda: NOW, elapsed=lambda: 0.0)

    def create(state: str, title: str, closes_in: int, opens_in: int | None = None) -> None:
        opens = NOW + timedelta(days=opens_in) if opens_in else None
        desk.create(ConvocatoriaDraft(state=state, kind="mesas", title=title, closes_at=NOW + timedelta(days=closes_in),
                                      opens_at=opens), "test")

    for n in range(12, 0, -1):
        create("oaxaca", f"Abierta {n:02d}", closes_in=n + 1)
    for n in range(1, 4):
        create("oaxaca", f"Próxima {n}", closes_in=60 + n, opens_in=20 + n)
    create("jalisco", "Mesas de Jalisco 1", closes_in=5)
    create("jalisco", "Mesas de Jalisco 2", closes_in=6)
    return Engine(kb, live=store, clock=lambda: NOW)


def _titles(text: str, prefix: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(prefix)]


def _buttons(reply) -> list[tuple[str, str]]:
    return [(b.text, b.action.arg) for row in reply.buttons for b in row if b.action and b.action.kind == "convs_page"]


def test_a_long_list_shows_a_page_and_says_how_many_more(engine):
    reply = command_reply(engine, "convocatorias", "oaxaca")
    assert CONVOCATORIAS_PER_PAGE == 5
    assert _titles(reply.text, "Abierta") == [f"Abierta {n:02d}" for n in range(1, 6)]  # closes soonest first
    assert "Próxima" not in reply.text
    assert "Del 1 al 5 de 15. Quedan 10 más." in reply.text
    assert _buttons(reply) == [("Siguientes ▶", "oaxaca:1")]


def test_the_next_pages_and_the_upcoming_ones_after_the_open(engine):
    second = action_reply(engine, Action("convs_page", "oaxaca:1"))
    assert _titles(second.text, "Abierta") == [f"Abierta {n:02d}" for n in range(6, 11)]
    assert "Del 6 al 10 de 15. Quedan 5 más." in second.text
    assert _buttons(second) == [("◀ Anteriores", "oaxaca:0"), ("Siguientes ▶", "oaxaca:2")]
    last = action_reply(engine, Action("convs_page", "oaxaca:2"))
    assert _titles(last.text, "Abierta") == ["Abierta 11", "Abierta 12"]
    assert _titles(last.text, "Próxima") == ["Próxima 1", "Próxima 2", "Próxima 3"]
    assert last.text.index("Convocatorias abiertas en Oaxaca") < last.text.index("Próximas en Oaxaca")
    assert "Del 11 al 15 de 15." in last.text and "Quedan" not in last.text
    assert _buttons(last) == [("◀ Anteriores", "oaxaca:1")]


def test_every_state_together_pages_too(engine):
    reply = command_reply(engine, "convocatorias", "")
    assert "Del 1 al 5 de 17. Quedan 12 más." in reply.text
    assert _buttons(reply) == [("Siguientes ▶", ":1")]
    last = action_reply(engine, Action("convs_page", ":3"))
    assert "Del 16 al 17 de 17." in last.text


def test_a_short_list_has_no_pages(engine):
    reply = command_reply(engine, "convocatorias", "jalisco")
    assert _titles(reply.text, "Mesas de Jalisco") == ["Mesas de Jalisco 1", "Mesas de Jalisco 2"]
    assert "Del " not in reply.text and _buttons(reply) == []


def test_a_page_past_the_end_shows_the_last_one(engine):
    assert "Del 11 al 15 de 15." in action_reply(engine, Action("convs_page", "oaxaca:9")).text


@pytest.mark.parametrize("arg", ["atlantida:1", "oaxaca:x", "oaxaca", "oaxaca:1:2", "oaxaca:-1", "Oaxaca:1"])
def test_page_buttons_that_name_nothing_are_refused(engine, arg):
    assert action_reply(engine, Action("convs_page", arg)) is None


def test_page_buttons_fit_telegram(engine):
    reply = action_reply(engine, Action("convs_page", "oaxaca:1"))
    markup = keyboard(reply.buttons)
    for row in markup.inline_keyboard:
        for button in row:
            assert button.callback_data is None or len(button.callback_data.encode()) <= MAX_BYTES


def test_the_card_says_how_many_there_are_and_its_more_view_how_many_more_it_did_not_show(engine):
    card = engine.answers.state_card("oaxaca")
    assert "Abierta 01" not in card.text and "12 convocatorias abiertas y 3 convocatorias por abrir" in card.text
    more = action_reply(engine, card.buttons[0][0].action)
    assert "Abierta 01" in more.text and "Abierta 04" not in more.text
    assert "…y 9 más abiertas" in more.text
    assert "Próxima 1" in more.text
    assert "más por abrir" not in more.text  # all three upcoming fit
    assert "2 convocatorias abiertas." in engine.answers.state_card("jalisco").text
    assert "más abiertas" not in engine.answers.state_more("jalisco", (0,)).text
