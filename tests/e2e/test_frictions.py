"""Issue 10's frictions over Telegram (the emulator): /ayuda per role, the welcome, «Baja de
todas» asked first."""

from __future__ import annotations

import pytest

from tests.e2e.people import HELP
from tests.e2e.publishing_support import live_with_admin, opened


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_with_admin(tmp_path_factory.mktemp("frictions")) as shared:
        yield shared


def test_help_shows_each_person_the_commands_of_their_roles(live):
    citizen = live.person("Ciro").says("/ayuda").text
    assert citizen.startswith(HELP) and "/suscribir" in citizen
    assert "/publicar" not in citizen and "/nombrar_facilitador" not in citizen

    fer = live.person("Fer")
    with opened(live.process.db_path) as store:
        store.grant_facilitator(fer.user.id, "jalisco", None)
    facilitator = fer.says("/ayuda").text
    assert "Para quien facilita" in facilitator and "/convocar" in facilitator
    assert "/nombrar_facilitador" not in facilitator

    admin = live.admin.says("/help").text
    assert "/nombrar_facilitador" in admin and "/pendientes" in admin and "/publicar" in admin


def test_the_welcome_greets_by_name_and_opens_notices_and_convocatorias(live):
    lupe = live.person("Lupe")
    welcome = lupe.says("/start")
    assert welcome.text.startswith("¡Hola, Lupe!"), welcome.text
    picker = lupe.taps_to_edit(welcome, "🔔 Avisos de mi estado")
    assert "Jalisco" in " ".join(picker.button_texts), picker.text
    tapped = lupe.taps_to_new(picker, "Jalisco")
    assert "Jalisco" in tapped.text and "aviso" in tapped.text.lower(), tapped.text
    convocatorias = lupe.taps_to_new(lupe.says("/start"), "📣 Convocatorias")
    assert "onvocatoria" in convocatorias.text


def test_a_first_contact_through_a_deep_link_gets_the_privacy_line(live):
    rosa = live.person("Rosa")
    card = rosa.says("/start jalisco")
    assert "Jalisco" in card.text and "Solo guardo el id de este chat" in card.text
    again = rosa.says("/start jalisco")
    assert "Solo guardo el id de este chat" not in again.text
    subscribed = live.person("Sol").says("/start suscribir-oaxaca")
    assert "Oaxaca" in subscribed.text and "Solo guardo el id de este chat" in subscribed.text


def _followed_list(person):
    person.says("/suscribir jalisco y oaxaca")
    return person.says("/suscripciones")


def test_baja_de_todas_asks_first_and_no_goes_back(live):
    eva = live.person("Eva")
    listing = _followed_list(eva)
    asked = eva.taps_to_edit(listing, "🔕 Baja de todas")
    assert asked.text.startswith("¿Te doy de baja de 2 entidades (Jalisco y Oaxaca)?"), asked.text
    assert asked.button_texts == ["Sí, de todas", "◀ No, volver"]
    back = eva.taps_to_edit(asked, "◀ No, volver")
    assert "🔕 Baja de todas" in back.button_texts and "Jalisco" in back.text and "Oaxaca" in back.text
    assert "Jalisco" in eva.says("/suscripciones").text  # nothing was removed


def test_a_double_tap_on_yes_confirms_once(live):
    leo = live.person("Leo")
    asked = leo.taps_to_edit(_followed_list(leo), "🔕 Baja de todas")
    edits_before = len(leo._edits_of(asked))
    first = live.emulator.press_button(leo.user, asked, "Sí, de todas", chat=leo.chat)
    second = live.emulator.press_button(leo.user, asked, "Sí, de todas", chat=leo.chat)
    live.queries += [first, second]
    answers = [live.emulator.wait_for_callback_answer(q, timeout=20) for q in (first, second)]
    done = live.emulator.refresh(asked)
    assert done.text.startswith("Listo: te di de baja de 2 entidades."), done.text
    assert len(leo._edits_of(asked)) == edits_before + 1, "the second tap edited the message again"
    assert any("Ya no sigues ninguna entidad" in str(answer) for answer in answers), answers
