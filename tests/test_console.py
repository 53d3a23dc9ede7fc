"""The console chat as a person uses it, in-process: one conversation, so follow-ups such as
«¿y Zacatecas?», «¿y el siguiente?» and «¿cuáles?» are read against what came before, and a
pressed button (typing its number) sets the topic as if it had been asked for."""

from __future__ import annotations

import io

import pytest

from bot.console import Console


class Talk:
    """A console whose output is read one reply at a time."""

    def __init__(self, engine, chat):
        self.out = io.StringIO()
        self.console = Console(engine, out=self.out, chat=chat)

    def says(self, line: str) -> str:
        start = self.out.tell()
        self.console.show(self.console.reply_to(line))
        return self.out.getvalue()[start:]

    def presses(self, label: str) -> str:
        """Type the number of the button labelled `label` in the last reply."""
        number = [button.text for button in self.console.buttons].index(label) + 1
        return self.says(str(number))


@pytest.fixture
def talk(engine, request):
    return Talk(engine, chat=("test", request.node.name))  # the shared engine, a chat of its own


def test_and_zacatecas_after_a_state_asks_the_same_about_zacatecas(talk):
    assert talk.says("¿cómo va Jalisco?").startswith("Jalisco · ")
    assert talk.says("¿y Zacatecas?").startswith("Zacatecas · ")


def test_and_zacatecas_keeps_the_fact_that_was_asked(talk):
    first = talk.says("¿cuándo firmó Jalisco la declaratoria?")
    follow_up = talk.says("¿y Zacatecas?").splitlines()[0]
    assert "Jalisco" in first.splitlines()[0] and "Declaratoria" in first.splitlines()[0]
    assert "Zacatecas" in follow_up and "Declaratoria" in follow_up
    assert not follow_up.startswith("Zacatecas · "), "the fact asked about, not the whole card"


def test_the_next_step_after_a_step(talk):
    assert talk.says("explícame el paso 6").startswith("Paso 6 de 13")
    assert talk.says("¿y el siguiente?").startswith("Paso 7 de 13")
    assert talk.says("¿y el anterior?").startswith("Paso 6 de 13")


def test_which_ones_after_how_many_lists_the_states(talk):
    count = talk.says("¿cuántos estados firmaron en 2016?")
    assert count.startswith("10 entidades firmaron")
    listed = talk.says("¿cuáles?")
    for state in ("Campeche", "Chihuahua", "Ciudad de México", "Nuevo León", "Sonora"):
        assert state in listed
    assert "2016" in listed


def test_a_step_button_sets_the_topic(talk):
    talk.says("/paso 6")
    assert talk.presses("7 ▶").startswith("Paso 7 de 13")
    assert talk.says("¿y el siguiente?").startswith("Paso 8 de 13")


def test_a_state_button_sets_the_topic(talk):
    assert talk.says("/estado").startswith("¿De qué entidad quieres saber?")
    assert talk.presses("Jalisco").startswith("Jalisco · ")
    assert "Jalisco" in talk.says("¿y su STL?").splitlines()[0], "«su» is the state on screen"


def test_a_new_question_after_a_follow_up_stands_on_its_own(talk):
    talk.says("explícame el paso 6")
    assert talk.says("¿qué es un STL?").startswith("Secretariado Técnico Local (STL)")
    assert not talk.says("¿y el siguiente?").startswith("Paso 7")


def test_two_consoles_do_not_share_a_conversation(engine, request):
    ana, beto = Talk(engine, ("ana", request.node.name)), Talk(engine, ("beto", request.node.name))
    ana.says("explícame el paso 6")
    assert not beto.says("¿y el siguiente?").startswith("Paso 7")
    assert ana.says("¿y el siguiente?").startswith("Paso 7 de 13")


def test_the_whole_dialogue_through_the_loop(engine):
    out = io.StringIO()
    script = "¿cómo va Jalisco?\n¿y Zacatecas?\nexplícame el paso 6\n¿y el siguiente?\n/salir\n"
    Console(engine, out=out, chat="test-loop").loop(io.StringIO(script))
    text = out.getvalue()
    assert "\nJalisco · " in text and "\nZacatecas · " in text
    assert "\nPaso 6 de 13" in text and "\nPaso 7 de 13" in text


def test_the_console_subscribes_shows_and_erases_its_own_rows_through_the_core(engine, tmp_path):
    from bot.console import CONSOLE_CHAT_ID
    from bot.core.chats import Chats
    from bot.store import Store

    store = Store(tmp_path / "cocrea.db")
    console = Console(engine, out=io.StringIO(), chat="console-rows", chats=Chats(store))
    assert "Listo" in console.reply_to("/suscribir jalisco")
    assert [s.state for s in store.subscriptions(CONSOLE_CHAT_ID)] == ["jalisco"]
    assert "Jalisco" in console.reply_to("/mis_datos")
    assert "ya no recibirás avisos de Jalisco" in console.reply_to("/baja jalisco")
    assert store.subscriptions(CONSOLE_CHAT_ID) == []
    console.reply_to("/suscribir oaxaca")
    assert "«sí»" in console.reply_to("/borrar_mis_datos")
    assert "borré" in console.reply_to("sí")
    assert store.chat(CONSOLE_CHAT_ID) is None


def test_the_console_subscribes_to_every_state_named_like_telegram(engine, tmp_path):
    from bot.console import CONSOLE_CHAT_ID
    from bot.core.chats import Chats
    from bot.store import Store

    store = Store(tmp_path / "cocrea.db")
    console = Console(engine, out=io.StringIO(), chat="console-several", chats=Chats(store))
    said = console.reply_to("/suscribir chiapas y veracruz")
    assert sorted(s.state for s in store.subscriptions(CONSOLE_CHAT_ID)) == ["chiapas", "veracruz"]
    assert "Chiapas" in said and "Veracruz" in said and "<b>" not in said, said
    skipped = console.reply_to("/suscribir oaxaca y atlantida")
    assert "oaxaca" in [s.state for s in store.subscriptions(CONSOLE_CHAT_ID)]
    assert "No encontré «atlantida»" in skipped, skipped
    again = console.reply_to("/suscribir chiapas y oaxaca")
    assert again.count("ya la seguías") == 2, again
