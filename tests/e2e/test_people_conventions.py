"""Issue 10, frictions: Telegram's conventions (/privacy, /settings, the bot's description and
menus set at start-up) and a /privacidad that says only what is true."""

from __future__ import annotations

import pytest

from bot.core.commands import DESCRIPTION, SHORT_DESCRIPTION
from tests.e2e.people import Person, live_bot
from tests.e2e.publishing_support import opened


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_bot(tmp_path_factory.mktemp("conventions")) as shared:
        yield shared


@pytest.fixture
def ana(live) -> Person:
    return live.person("Ana")


def test_privacy_and_settings_answer_like_their_spanish_twins(ana):
    assert ana.says("/privacy").text == ana.says("/privacidad").text
    ana.says("/suscribir jalisco")
    assert ana.says("/settings").text == ana.says("/suscripciones").text


def test_the_description_and_menus_are_set_at_start_up(live, ana):
    assert live.emulator.calls("setMyDescription", status=200)[-1].params["description"] == DESCRIPTION
    assert live.emulator.calls("setMyShortDescription", status=200)[-1].params["short_description"] == SHORT_DESCRIPTION
    menu = {c["command"] for c in live.emulator.visible_commands(ana.user)}
    assert {"fases", "suscripciones", "privacidad"} <= menu


def test_privacidad_says_only_what_is_kept(live):
    person = Person(live, live.emulator.new_user("Beto", language_code="fr"))  # Telegram reports French
    text = person.says("/privacidad").text
    assert "idioma" not in text
    person.says("/suscribir oaxaca")
    assert "Idioma" not in person.says("/mis_datos").text
    assert "idioma" not in person.says("/start").text
    with opened(live.process.db_path) as store:  # never the language Telegram reports, nor any other
        assert store.chat(person.chat_id) is not None
        row = next(store.db.query("SELECT * FROM chats WHERE id = ?", [person.chat_id]))
        assert "fr" not in row.values() and "language" not in row


def test_a_wrong_deep_link_says_so(live):
    reply = live.person().says("/start xyz")
    assert reply.text.startswith("No reconozco el enlace «xyz»")
    assert "Soy CocreaBot" in reply.text
