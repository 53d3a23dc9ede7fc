"""Conversations in Telegram: CocreaBot runs as its own process against the Bot API emulator and
simulated people ask follow-ups («¿y Zacatecas?», «¿y el siguiente?», «¿cuáles?») that only make
sense after what they asked before. Each chat has its own conversation (a group shares one), a
step's button sets the topic, and /borrar_mis_datos forgets it. Assertions are about what people
see."""

from __future__ import annotations

import pytest

from tests.e2e.people import Person, live_bot


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_bot(tmp_path_factory.mktemp("conversation")) as shared:
        yield shared


def first_line(message) -> str:
    return message.text.splitlines()[0]


def test_a_person_asks_follow_ups(live):
    ana = live.person("Ana")
    assert ana.says("¿cómo va Jalisco?").text.startswith("Jalisco · ")
    assert ana.says("¿y Zacatecas?").text.startswith("Zacatecas · ")

    assert ana.says("explícame el paso 6").text.startswith("Paso 6 de 13")
    assert ana.says("¿y el siguiente?").text.startswith("Paso 7 de 13")

    assert ana.says("¿cuántos estados firmaron en 2016?").text.startswith("10 entidades firmaron")
    listed = ana.says("¿cuáles?").text
    for state in ("Campeche", "Chihuahua", "Ciudad de México", "Nuevo León", "Sonora"):
        assert state in listed


def test_and_zacatecas_keeps_the_fact_that_was_asked(live):
    ana = live.person("Ana")
    assert "Jalisco" in first_line(ana.says("¿cuándo firmó Jalisco la declaratoria?"))
    answer = first_line(ana.says("¿y Zacatecas?"))
    assert "Zacatecas" in answer and "Declaratoria" in answer
    assert not answer.startswith("Zacatecas · "), "the fact asked about, not the whole card"


def test_a_step_button_sets_the_topic(live):
    ana = live.person("Ana")
    step = ana.taps_to_edit(ana.says("/paso 6"), "7 ▶")
    assert step.text.startswith("Paso 7 de 13")
    assert ana.says("¿y el siguiente?").text.startswith("Paso 8 de 13"), "the step after the one on screen"


def test_a_state_button_sets_the_topic(live):
    ana = live.person("Ana")
    card = ana.taps_to_edit(ana.says("/estado"), "Zacatecas")
    assert card.text.startswith("Zacatecas · ")
    assert "Zacatecas" in first_line(ana.says("¿y su STL?"))


def test_two_chats_do_not_share_a_conversation(live):
    ana, beto = live.person("Ana"), live.person("Beto")
    ana.says("¿cuándo firmó Jalisco la declaratoria?")
    ana.says("explícame el paso 6")
    assert not beto.says("¿y el siguiente?").text.startswith("Paso"), "Beto never asked about a step"
    assert ana.says("¿y el siguiente?").text.startswith("Paso 7 de 13")


def test_in_a_group_everyone_shares_the_conversation(live):
    bot = f"@{live.emulator.bot.username}"
    ana_user, beto_user = live.emulator.new_user("Ana"), live.emulator.new_user("Beto")
    group = live.group_with_bot("Fellows", [ana_user, beto_user])
    ana, beto = Person(live, ana_user, group), Person(live, beto_user, group)
    assert ana.says(f"{bot} explícame el paso 6").text.startswith("Paso 6 de 13")
    assert beto.says(f"{bot} ¿y el siguiente?").text.startswith("Paso 7 de 13")
    solo = live.person("Ana")  # Ana's private chat with the bot is another conversation
    assert not solo.says("¿y el siguiente?").text.startswith("Paso")


def test_borrar_mis_datos_forgets_the_conversation(live):
    ana = live.person("Ana")
    ana.says("¿cuándo firmó Jalisco la declaratoria?")
    question = ana.says("/borrar_mis_datos")
    assert "el tema de nuestra conversación" in question.text
    done = ana.taps_to_edit(question, "Sí, borrar todo")
    assert "el tema de nuestra conversación" in done.text
    fresh = ana.says("¿y Zacatecas?")
    assert fresh.text.startswith("Zacatecas · "), "a fresh question about Zacatecas: its card"


def test_cancelling_the_erase_keeps_the_conversation(live):
    ana = live.person("Ana")
    ana.says("explícame el paso 6")
    ana.taps_to_edit(ana.says("/borrar_mis_datos"), "No, cancelar")
    assert ana.says("¿y el siguiente?").text.startswith("Paso 7 de 13")
