"""Issue 10, rows, over Telegram (the emulator): /baja's list of followed states, /suscripciones
and an admin's /mis_convocatorias page with ◀ ▶ in the same message instead of growing past 8
rows (the run's end checks every keyboard against the phone-sized rules)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.core.convocatorias import ConvocatoriaDraft, Convocatorias
from knowledge.loader import default_knowledge
from knowledge.wording import NEXT_PAGE, PREVIOUS_PAGE
from tests.e2e.publishing_support import live_with_admin, opened

MANY = ("aguascalientes", "campeche", "chiapas", "chihuahua", "coahuila", "colima", "durango", "guanajuato",
        "guerrero", "hidalgo", "jalisco", "michoacan", "morelos", "nayarit")  # 14


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_with_admin(tmp_path_factory.mktemp("list-pages")) as shared:
        now = datetime.now(timezone.utc)
        with opened(shared.process.db_path) as store:
            desk = Convocatorias(store, default_knowledge(), clock=lambda: now)
            for n in range(1, 15):
                desk.create(ConvocatoriaDraft(state="oaxaca", kind="mesas", title=f"Mesa regional {n:02d}",
                                              closes_at=now + timedelta(days=n + 1)), "cli")
        yield shared


def _follows_many(person):
    reply = person.says("/suscribir " + " y ".join(MANY))
    assert all(name in reply.text for name in ("Aguascalientes", "Nayarit")), reply.text


def test_baja_pages_the_followed_states_and_a_later_page_still_leaves_one(live):
    bea = live.person("Bea")
    _follows_many(bea)
    first = bea.says("/baja")
    assert first.text.startswith("¿De cuál te doy de baja?") and "Del 1 al 6 de 14. Quedan 8 más." in first.text
    assert len(first.buttons) <= 8 and NEXT_PAGE in first.button_texts and PREVIOUS_PAGE not in first.button_texts
    assert "🔕 Baja de Aguascalientes" in first.button_texts and "🔕 Baja de Nayarit" not in first.button_texts
    second = bea.taps_to_edit(first, NEXT_PAGE)
    assert "Del 7 al 12 de 14. Quedan 2 más." in second.text and "🔕 Baja de Guerrero" in second.button_texts
    last = bea.taps_to_edit(second, NEXT_PAGE)
    assert "Del 13 al 14 de 14." in last.text and NEXT_PAGE not in last.button_texts
    assert "🔕 Baja de Nayarit" in last.button_texts
    done = bea.taps_to_edit(last, "🔕 Baja de Nayarit")
    assert "ya no recibirás avisos de Nayarit" in done.text
    assert "Nayarit" not in bea.says("/suscripciones").text


def test_suscripciones_pages_its_buttons_and_lists_every_state(live):
    ciro = live.person("Ciro")
    _follows_many(ciro)
    listing = ciro.says("/suscripciones")
    assert all(name in listing.text for name in ("Aguascalientes", "Morelos", "Nayarit"))
    assert "Botones: del 1 al 12 de 14. Quedan 2 más." in listing.text
    assert len(listing.buttons) <= 8 and "⚙️ Morelos" not in listing.button_texts
    second = ciro.taps_to_edit(listing, NEXT_PAGE)
    assert "⚙️ Morelos" in second.button_texts and "⚙️ Nayarit" in second.button_texts
    settings = ciro.taps_to_edit(second, "⚙️ Nayarit")
    assert "Nayarit" in settings.text
    back = ciro.taps_to_edit(settings, "◀ Mis suscripciones")
    assert "⚙️ Aguascalientes" in back.button_texts  # the list again, from its first page


def test_mis_convocatorias_pages_for_an_admin_with_many(live):
    admin = live.admin
    listing = admin.says("/mis_convocatorias")
    assert "Mesa regional 01" in listing.text and "Mesa regional 07" not in listing.text
    assert "Del 1 al 6 de 14. Quedan 8 más." in listing.text
    assert len(listing.buttons) <= 8 and listing.button_texts[-1] == NEXT_PAGE
    second = admin.taps_to_edit(listing, NEXT_PAGE)
    assert "Mesa regional 07" in second.text and "Mesa regional 01" not in second.text
    assert second.button_texts[-2:] == [PREVIOUS_PAGE, NEXT_PAGE]
    chosen = admin.taps_to_new(second, "Mesa regional 08")
    assert "Mesa regional 08" in chosen.text and "¿Qué quieres hacer?" in chosen.text
    assert "📅 Cambiar el cierre" in chosen.button_texts
    admin.says("/cancelar")
