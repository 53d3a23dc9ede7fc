"""Issue 10, «shorter answers, said once», over Telegram (the emulator): the INAI notice in full
once per chat per day, then a short line; a state's card short, with [➕ Ver más] in place and
«◀ Volver» to the card."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from bot.core.convocatorias import ConvocatoriaDraft, Convocatorias
from knowledge.loader import default_knowledge
from knowledge.wording import INAI_NOTICE, INAI_REMINDER
from tests.e2e.people import live_bot
from tests.e2e.publishing_support import opened

FULL = "Secretaría Anticorrupción"  # only in the full notice
NOTICE_SOURCE = "Noticias 2025 (fin del INAI)"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """Veracruz with 12 documents and 2 open convocatorias, written as the CLI writes them."""
    with live_bot(tmp_path_factory.mktemp("short-answers")) as shared:
        now = datetime.now(timezone.utc)
        with opened(shared.process.db_path) as store:
            for n in range(12):
                store.add_document(state="veracruz", step=4, kind="acta", title=f"Acta de la sesión {n}",
                                   url=f"https://stl.example/veracruz/{n}.pdf", file_id=None, file_unique_id=None,
                                   file_name=None, published_on=date(2026, 11, 1), published_by="test",
                                   notice_html="<b>aviso</b>")
            desk = Convocatorias(store, default_knowledge(), clock=lambda: now)
            for n in (1, 2):
                desk.create(ConvocatoriaDraft(state="veracruz", kind="mesas", title=f"Mesa de Veracruz {n}",
                                              closes_at=now + timedelta(days=10 + n)), "cli")
        yield shared


# -- the INAI notice, said once ------------------------------------------------------------------

def test_the_inai_notice_goes_in_full_once_then_as_a_short_line_with_its_source(live):
    ines = live.person("Inés")
    first = ines.says("fase 3")
    assert INAI_NOTICE in first.text and NOTICE_SOURCE in first.text
    for asked in ("fase 4", "/glosario pal", "/fases"):
        again = ines.says(asked)
        assert "INAI" in again.text and FULL not in again.text, asked
        assert INAI_REMINDER in again.text and NOTICE_SOURCE in again.text, asked


def test_a_view_edited_into_the_message_that_said_it_keeps_it_and_other_messages_get_the_short_line(live):
    ivan = live.person("Iván")
    phases = ivan.says("/fases")
    assert FULL in phases.text
    phase = ivan.taps_to_edit(phases, "Fase 2")  # the same message: nothing is said twice
    assert phase.text.startswith("Fase 2 de 6 (INAI)") and FULL in phase.text
    assert FULL in ivan.taps_to_edit(phase, "3 ▶").text
    later = ivan.says("fase 4")  # a new message
    assert FULL not in later.text and INAI_REMINDER in later.text
    moved = ivan.taps_to_edit(later, "5 ▶")
    assert moved.text.startswith("Fase 5 de 6 (INAI)") and FULL not in moved.text and INAI_REMINDER in moved.text


def test_a_second_tap_on_a_view_that_said_it_changes_nothing(live):
    vale = live.person("Vale")
    welcome = vale.says("/start")
    steps = vale.taps_to_edit(welcome, "🧭 Los 13 pasos")
    data = dict(button for row in welcome.buttons for button in row)["🧭 Los 13 pasos"]
    assert vale.taps(welcome, data, raw=True).text == "Ya lo tienes a la vista."
    assert vale.emu.refresh(welcome).text == steps.text


def test_each_chat_is_told_once_and_erasing_the_data_forgets_it(live):
    olga, pablo = live.person("Olga"), live.person("Pablo")
    assert FULL in olga.says("fase 3").text
    assert FULL in pablo.says("fase 3").text  # another chat: its own first time
    assert FULL not in olga.says("fase 5").text
    asked = olga.says("/borrar_mis_datos")
    olga.taps_to_edit(asked, "Sí, borrar todo")
    assert FULL in olga.says("fase 3").text


def test_privacidad_and_mis_datos_say_what_is_remembered_about_it(live):
    rita = live.person("Rita")
    assert "si ya te conté que el INAI dejó de existir" in rita.says("/privacidad").text
    assert "si ya te conté que el INAI dejó de existir" in rita.says("/mis_datos").text


# -- short cards and [➕ Ver más] -------------------------------------------------------------------

def test_a_card_is_short_and_ver_mas_shows_the_rest_in_place(live):
    vera = live.person("Vera")
    card = vera.says("/estado veracruz")
    assert card.text.startswith("Veracruz · ") and "Cinco capítulos." in card.text
    assert "monitor ciudadano" not in card.text and "Acta de la sesión" not in card.text
    assert "Mesa de Veracruz" not in card.text
    assert "12 documentos publicados y 2 convocatorias abiertas" in card.text
    assert card.button_texts[0] == "➕ Ver más"
    more = vera.taps_to_edit(card, "➕ Ver más")
    assert "monitor ciudadano" in more.text and "Quiénes participan en su segundo plan." in more.text
    assert "Acta de la sesión 11" in more.text and "Mesa de Veracruz 1" in more.text
    assert "Cinco capítulos." not in more.text
    assert more.button_texts[-1] == "◀ Volver"
    back = vera.taps_to_edit(more, "◀ Volver")
    assert back.text == card.text and back.button_texts[0] == "➕ Ver más"


def test_the_answer_to_a_question_has_ver_mas_too(live):
    beto = live.person("Beto")
    answer = beto.says("¿Veracruz tiene monitores?")
    assert "monitor ciudadano" in answer.text and "Cinco capítulos." not in answer.text
    more = beto.taps_to_edit(answer, "➕ Ver más")
    assert "Cinco capítulos." in more.text and "monitor ciudadano" not in more.text
    back = beto.taps_to_edit(more, "◀ Volver")
    assert back.text.startswith("Veracruz · ") and "monitor ciudadano" in back.text  # the same particularity first


def test_a_tampered_ver_mas_gets_a_friendly_answer(live):
    caro = live.person("Caro")
    card = caro.says("/estado veracruz")
    answer = caro.taps(card, "1|em|veracruz:9", raw=True)
    assert "ya no funciona" in (answer.text or "") and answer.show_alert
