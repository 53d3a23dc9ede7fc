"""Group chats: the bot answers commands and messages that mention it or reply to it, and stays
silent on the rest. The emulated bot has privacy mode off (it reads every group message, as
when it is a group admin), so the silence is the bot's own decision, not Telegram's filter."""

from __future__ import annotations

import pytest

from handlers.questions import UNKNOWN_COMMAND
from tests.e2e.people import Person, live_bot

BOT = "@cocreabot_test_bot"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_bot(tmp_path_factory.mktemp("groups"), read_all_group_messages=True) as shared:
        yield shared


@pytest.fixture
def group(live):
    ana, beto = live.emulator.new_user("Ana"), live.emulator.new_user("Beto")
    chat = live.group_with_bot("Fellows de Jalisco", [ana, beto])
    return Person(live, ana, chat), Person(live, beto, chat)


def test_the_bot_sees_what_others_say_and_answers_only_when_addressed(live, group):
    ana, beto = group
    ana.send("¿cómo va jalisco?")
    beto.send("yo creo que va bien")
    ana.send("@beto ¿qué es un STL?")
    beto.send("/foo")
    beto.send("/estado@otro_bot jalisco")
    assert ana.barrier() == []
    assert not live.emulator.calls("sendChatAction", chat_id=ana.chat_id)


def test_a_command_addressed_to_the_bot(group):
    ana, _ = group
    assert ana.says(f"/pasos{BOT}").text.startswith("Los 13 pasos")
    assert ana.says(f"/estado{BOT} cdmx").text.startswith("Ciudad de México · ")


def test_a_mention_is_answered_quoting_the_question(group):
    ana, _ = group
    question = ana.send(f"{BOT} ¿qué es un STL?")
    reply, = ana.emu.wait_for_messages(ana.chat, 1, timeout=20)
    assert reply.text.startswith("Secretariado Técnico Local (STL)")
    assert reply.reply_to_message_id == question["message_id"]


def test_a_mention_anywhere_in_the_message(group):
    ana, _ = group
    assert ana.says(f"oye {BOT.upper()}, ¿cómo va oaxaca?").text.startswith("Oaxaca · ")


def test_a_reply_to_the_bot_is_answered(group):
    ana, beto = group
    card = ana.says("/estado jalisco")
    follow_up = beto.says("¿y puebla?", reply_to=card)
    assert follow_up.text.startswith("Puebla · ")


def test_a_reply_to_someone_else_is_not(group):
    ana, beto = group
    question = ana.send("¿alguien sabe cómo va puebla?")
    beto.send("ni idea", reply_to=question["message_id"])
    assert ana.barrier() == []


def test_unknown_commands_only_when_addressed_to_the_bot(group):
    ana, _ = group
    ana.send("/comando_de_otro_bot")
    ana.send(f"/foo{BOT}")
    assert ana.barrier() == [UNKNOWN_COMMAND]


def test_photos_and_documents_in_a_group_are_ignored(live, group):
    ana, _ = group
    live.emulator.send_photo(ana.user, b"\x89PNG\r\n\x1a\n" + b"\0" * 30, caption="la foto de la mesa", chat=ana.chat)
    live.emulator.send_document(ana.user, "minuta.pdf", b"%PDF-1.4", "application/pdf", chat=ana.chat)
    assert ana.barrier() == []


def test_buttons_work_in_a_group(group):
    ana, beto = group
    overview = ana.says("/pasos")
    step = beto.taps_to_edit(overview, "6")
    assert step.text.startswith("Paso 6 de 13")
    assert ana.taps_to_edit(step, "7 ▶").text.startswith("Paso 7 de 13")


def test_the_group_menu_has_the_group_commands_in_spanish(live, group):
    ana, _ = group
    commands = {c["command"]: c["description"] for c in live.emulator.visible_commands(ana.user, ana.chat)}
    assert {"estado", "pasos", "paso", "glosario", "fuentes", "ayuda"} <= set(commands)
    assert "privacidad" not in commands, "personal data commands belong to private chats"
    assert commands["estado"] == "Cómo va una entidad"
