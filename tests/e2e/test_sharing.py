"""Showing and sharing, as people do it on their phones: /mapa (the picture uploaded once, then
sent again by file_id; drawn again when a published document moves a state's step), inline
mode («@bot oaxaca» in a group), the «📤 Compartir» buttons and the deep links. CocreaBot runs
as its own process against the Bot API emulator, with inline mode on (/setinline)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from knowledge.loader import default_knowledge
from knowledge.statemap import build_map
from tests.e2e.people import Live, Person, live_bot
from tests.e2e.publishing_support import opened, publish_cli, run_cli
from tests.emulator import BotApiEmulator
from tests.emulator.inline import (
    choose_inline_result, send_inline_query, share_query_of, tap_share, wait_for_inline_answer,
)

SHARE = "📤 Compartir"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    directory = tmp_path_factory.mktemp("share")
    emulator = BotApiEmulator()
    emulator.bot.supports_inline_queries = True
    with live_bot(directory, emulator=emulator, env={"COCREA_CACHE_DIR": str(directory / "cache")}) as shared:
        shared.db_path = directory / "cocrea.db"
        yield shared


def photo_sends(live: Live) -> list:
    return live.emulator.calls("sendPhoto", status=200)


def ask_inline(live: Live, person: Person, query: str, chat_type: str = "group"):
    query_id = send_inline_query(live.emulator, person.user, query, chat_type=chat_type)
    return wait_for_inline_answer(live.emulator, query_id)


# -- /mapa ----------------------------------------------------------------------------------

def test_mapa_uploads_the_picture_once_then_sends_it_by_file_id(live: Live):
    ana, beto = live.person("Ana"), live.person("Beto")
    before = len(photo_sends(live))
    first = ana.says("/mapa stl")
    second = beto.says("/mapa stl")
    uploads = photo_sends(live)[before:]
    assert first.photo and second.photo
    assert first.photo[-1]["file_id"] == second.photo[-1]["file_id"], "the second send reuses the upload"
    assert not isinstance(uploads[0].params.get("photo"), str), "the first send uploads the picture"
    assert uploads[1].params["photo"] == first.photo[-1]["file_id"], "the second send names the file_id"
    expected = build_map(default_knowledge(), "stl")
    assert first.text == f"🗺️ {expected.caption}"
    assert "13 instalados y activos" in first.text and "Fuente: NOSC 2019 (noviembre de 2019)" in first.text
    assert [t for t in first.button_texts if t != SHARE] == ["Ejercicio", "Pasos", "Plan (PAL)"]
    assert share_query_of(first, SHARE)["query"] == "mapa stl"


def test_a_view_button_sends_that_map(live: Live):
    ana = live.person()
    shown = ana.says("/mapa")
    assert shown.text.startswith("🗺️ Ejercicios locales de gobierno abierto en las 32 entidades: 16 activos")
    pasos = ana.taps_to_new(shown, "Pasos")
    assert pasos.photo and pasos.text.startswith("🗺️ Paso más avanzado con evidencia")


def test_an_unknown_view_says_which_there_are(live: Live):
    reply = live.person().says("/mapa clima")
    assert "/mapa pasos" in reply.text and reply.button_texts == ["Ejercicio", "Pasos", "STL", "Plan (PAL)"]


def test_a_published_document_that_moves_a_step_draws_the_map_again(live: Live):
    ana = live.person()
    before = ana.says("/mapa pasos")
    assert "2 sin firmar, 11 en los pasos 1 a 3" in before.text
    publish_cli(live.emulator, live.db_path, state="baja-california-sur", step="7",
                title="Relatoría de las mesas de cocreación", url="https://stl.example/mesas-bcs.pdf")
    after = ana.says("/mapa pasos")
    assert after.photo[-1]["file_id"] != before.photo[-1]["file_id"], "a new picture was uploaded"
    assert "10 en los pasos 1 a 3" in after.text and "1 en los pasos 7 a 10" in after.text
    assert "documentos que los STL publicaron en CocreaBot" in after.text


def test_the_welcome_and_a_list_of_states_offer_the_map(live: Live):
    ana = live.person()
    assert "📍 Ver el mapa" in ana.says("/start").button_texts
    listed = ana.says("¿qué estados tienen STL?")
    shown = ana.taps_to_new(listed, "📍 Ver el mapa")
    assert shown.photo and shown.text.startswith("🗺️ Secretariados Técnicos Locales")


def test_asking_for_the_map_in_words_sends_the_picture(live: Live):
    shown = live.person().says("muéstrame el mapa")
    assert shown.photo and shown.text.startswith("🗺️ Ejercicios locales de gobierno abierto")


# -- inline mode ----------------------------------------------------------------------------

def test_inline_a_state_offers_its_card_and_it_can_be_posted_in_a_group(live: Live):
    ana, beto = live.emulator.new_user("Ana"), live.emulator.new_user("Beto")
    group = live.emulator.new_group("Vecinos de Oaxaca", [ana, beto])
    answer = ask_inline(live, Person(live, ana), "oaxaca")
    assert answer.titles[0] == "Oaxaca · ejercicio activo"
    card = answer.results[0]
    assert "Fuente" in card["input_message_content"]["message_text"]
    buttons = [b for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons[0]["url"].endswith("?start=oaxaca")
    assert buttons[1]["switch_inline_query_chosen_chat"]["query"] == "Oaxaca"
    posted = choose_inline_result(live.emulator, ana, answer, 0, chat=group)
    seen = live.emulator.messages(group)[-1]
    assert seen.message_id == posted["message_id"] and seen.text.startswith("Oaxaca · ejercicio activo")
    assert seen.raw["via_bot"]["username"] == live.emulator.bot.username


@pytest.mark.parametrize("query, title", [
    ("paso 6", "Paso 6 de 13 · Árbol de problemas y de soluciones"),
    ("glosario STL", "Secretariado Técnico Local (STL)"),
    ("convocatorias jalisco", None),
])
def test_inline_steps_terms_and_convocatorias_are_the_chat_replies(live: Live, query, title):
    ana = live.person()
    answer = ask_inline(live, ana, query)
    in_chat = ana.says("/" + query)
    assert answer.results[0]["input_message_content"]["message_text"].startswith(in_chat.source.split("\n")[0])
    if title:
        assert answer.titles[0] == title


def test_inline_mapa_is_the_cached_photo_and_empty_offers_the_most_useful(live: Live):
    ana = live.person()
    ana.says("/mapa")  # uploaded at least once
    answer = ask_inline(live, ana, "mapa")
    assert answer.results[0]["type"] == "photo"
    assert answer.results[0]["photo_file_id"] == ana.says("/mapa").photo[-1]["file_id"]
    featured = ask_inline(live, ana, "")
    assert featured.results[0]["type"] == "photo" and len(featured.results) == 5
    assert any(t.startswith("Los 13 pasos") for t in featured.titles)
    beto = live.emulator.new_user("Beto")
    group = live.emulator.new_group("STL Jalisco", [beto])
    choose_inline_result(live.emulator, beto, answer, 0, chat=group)
    assert live.emulator.messages(group)[-1].photo


# -- share buttons ----------------------------------------------------------------------------

@pytest.mark.parametrize("command, query", [
    ("/estado oaxaca", "Oaxaca"), ("/paso 6", "paso 6"), ("/glosario STL", "glosario Secretariado Técnico Local (STL)"),
    ("/convocatorias jalisco", "convocatorias Jalisco"),
])
def test_share_buttons_open_the_same_reply_inline(live: Live, command, query):
    ana = live.person()
    shown = ana.says(command)
    chosen = share_query_of(shown, SHARE)
    assert chosen == {"query": query, "allow_user_chats": True, "allow_group_chats": True,
                      "allow_channel_chats": True}
    answer = wait_for_inline_answer(live.emulator, tap_share(live.emulator, ana.user, shown, SHARE, "group"))
    assert answer.results[0]["input_message_content"]["message_text"].split("\n")[0] == shown.source.split("\n")[0]


# -- deep links -----------------------------------------------------------------------------

def test_deep_links_open_the_map_a_term_the_phases_and_a_convocatoria(live: Live):
    ana = live.person()
    assert ana.says("/start mapa-pal").text.startswith("🗺️ Planes de Acción Local")
    assert ana.says("/start glosario-stl").text.startswith("Secretariado Técnico Local (STL)")
    assert ana.says("/start fases").text.startswith("Las 6 fases")
    done = run_cli(live.emulator, live.db_path, "convocar", "--entidad", "oaxaca", "--paso", "7",
                   "--titulo", "Mesas de cocreación de Oaxaca", "--cierra", "en 2 semanas")
    assert done.returncode == 0, done.stderr
    with opened(live.db_path) as store:
        item, = [c for c in store.open_convocatorias("oaxaca", datetime.now(timezone.utc)) if c.title == "Mesas de cocreación de Oaxaca"]
    shown = ana.says(f"/start conv-{item.id}")
    assert shown.text.startswith("📣 Mesas de cocreación de Oaxaca\nOaxaca · paso 7")
    assert ana.says("/start conv-999999").text.startswith("Esa convocatoria no está abierta en este momento.")
