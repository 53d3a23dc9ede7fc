"""Convocatoria lists page over Telegram like document lists do: /convocatorias and a state's
list (from its card) show five at a time with how many more there are, and ◀ ▶ edit the same
message. The bot runs as its own process; the convocatorias are written as the CLI writes them."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.core.convocatorias import ConvocatoriaDraft, Convocatorias
from knowledge.loader import default_knowledge
from tests.e2e.people import live_bot
from tests.e2e.publishing_support import opened


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_bot(tmp_path_factory.mktemp("convocatoria-pages")) as shared:
        now = datetime.now(timezone.utc)
        with opened(shared.process.db_path) as store:
            desk = Convocatorias(store, default_knowledge(), clock=lambda: now)
            for n in range(1, 10):  # Tlaxcala: 9 open, n.º 1 closes first, and 2 that open later
                desk.create(ConvocatoriaDraft(state="tlaxcala", kind="mesas", title=f"Mesa de Tlaxcala {n}",
                                              closes_at=now + timedelta(days=n + 1)), "cli")
            for n in (1, 2):
                desk.create(ConvocatoriaDraft(state="tlaxcala", kind="consulta", title=f"Consulta futura {n}",
                                              opens_at=now + timedelta(days=30 + n),
                                              closes_at=now + timedelta(days=60 + n)), "cli")
        yield shared


def titles(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("Mesa de Tlaxcala", "Consulta futura"))]


def test_convocatorias_of_a_state_page_in_place(live):
    ana = live.person("Ana")
    listing = ana.says("/convocatorias tlaxcala")
    assert titles(listing.text) == [f"Mesa de Tlaxcala {n}" for n in range(1, 6)]
    assert "Del 1 al 5 de 11. Quedan 6 más." in listing.text
    assert "Siguientes ▶" in listing.button_texts and "◀ Anteriores" not in listing.button_texts
    second = ana.taps_to_edit(listing, "Siguientes ▶")
    assert titles(second.text) == [f"Mesa de Tlaxcala {n}" for n in range(6, 10)] + ["Consulta futura 1"]
    assert "Próximas en Tlaxcala" in second.text and "Del 6 al 10 de 11. Quedan 1 más." in second.text
    last = ana.taps_to_edit(second, "Siguientes ▶")
    assert titles(last.text) == ["Consulta futura 2"] and "Del 11 al 11 de 11." in last.text
    assert "Siguientes ▶" not in last.button_texts
    back = ana.taps_to_edit(last, "◀ Anteriores")
    assert titles(back.text) == titles(second.text)


def test_the_card_says_how_many_more_and_its_list_pages(live):
    ana = live.person("Ana")
    card = ana.says("/estado tlaxcala")
    assert "9 convocatorias abiertas y 2 convocatorias por abrir." in card.text
    more = ana.taps_to_edit(card, "➕ Ver más")
    assert "…y 6 más abiertas (📣 Convocatorias)." in more.text
    card = ana.taps_to_edit(more, "◀ Volver")
    listing = ana.taps_to_new(card, "📣 Convocatorias")
    assert "Del 1 al 5 de 11. Quedan 6 más." in listing.text
    assert "Mesa de Tlaxcala 6" in ana.taps_to_edit(listing, "Siguientes ▶").text


def test_every_states_list_pages_too(live):
    ana = live.person("Ana")
    listing = ana.says("/convocatorias")
    assert "Del 1 al 5 de 11. Quedan 6 más." in listing.text
    assert "Mesa de Tlaxcala 6" in ana.taps_to_edit(listing, "Siguientes ▶").text
    answer = ana.taps(listing, "1|cp|atlantida:1", raw=True)
    assert answer.show_alert and "ya no funciona" in answer.text
