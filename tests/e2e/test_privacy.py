"""A chat's data is its id, its language and its subscriptions: /mis_datos shows exactly that,
and says the bot remembers the topic of the conversation for a few minutes; /borrar_mis_datos
deletes it all after a confirm button (forgetting the conversation: tests/e2e/test_conversation.py)."""

from __future__ import annotations

import pytest

from knowledge.understanding.conversation import MEMORY_SECONDS
from tests.e2e.people import Person, live_bot
from tests.e2e.publishing_support import opened, publish_cli, wait_for_notices

REMEMBERS = f"Durante {MEMORY_SECONDS // 60} minutos recuerdo de qué hablamos (el tema, no tus mensajes)"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_bot(tmp_path_factory.mktemp("privacy")) as shared:
        yield shared


def rows_about(live, chat_id: int) -> dict[str, int]:
    with opened(live.process.db_path) as store:
        conn = store.db.conn
        return {
            "chats": conn.execute("SELECT count(*) FROM chats WHERE id = ?", (chat_id,)).fetchone()[0],
            "subscriptions": conn.execute("SELECT count(*) FROM subscriptions WHERE chat_id = ?", (chat_id,)).fetchone()[0],
            "deliveries": conn.execute("SELECT count(*) FROM deliveries WHERE chat_id = ?", (chat_id,)).fetchone()[0],
        }


def test_mis_datos_shows_id_language_and_subscriptions_only(live):
    ana = live.person("Ana")
    ana.says("/start")
    ana.says("/suscribir jalisco")
    ana.says("/suscribir oaxaca")
    data = ana.says("/mis_datos")
    lines = [line for line in data.text.splitlines() if line.startswith("•")]
    assert lines == [f"• Id del chat: {ana.chat_id}", "• Suscripciones: Jalisco, Oaxaca"]
    assert "Ana" not in data.text and "/borrar_mis_datos" in data.text
    assert REMEMBERS in data.text


def test_mis_datos_of_a_chat_the_bot_does_not_keep(live):
    nobody = live.person("Nadie")
    data = nobody.says("/mis_datos")
    assert data.text.startswith("No guardo nada de este chat") and str(nobody.chat_id) in data.text
    assert REMEMBERS in data.text and "/borrar_mis_datos lo borra" in data.text
    assert rows_about(live, nobody.chat_id) == {"chats": 0, "subscriptions": 0, "deliveries": 0}


def test_borrar_mis_datos_with_the_confirm_button_deletes_everything(live):
    ana = live.person("Ana")
    ana.says("/suscribir zacatecas")
    publish_cli(live.emulator, live.process.db_path, state="zacatecas", url="https://stl.example/zac/privacidad.pdf")
    wait_for_notices(live.emulator, [ana.user])  # a delivery to her is on record
    question = ana.says("/borrar_mis_datos")
    assert question.button_texts == ["Sí, borrar todo", "No, cancelar"]
    done = ana.taps_to_edit(question, "Sí, borrar todo")
    assert done.text.startswith("Listo: borré el id de este chat")
    assert rows_about(live, ana.chat_id) == {"chats": 0, "subscriptions": 0, "deliveries": 0}
    assert ana.says("/mis_datos").text.startswith("No guardo nada de este chat")


def test_the_cancel_button_keeps_everything(live):
    ana = live.person("Ana")
    ana.says("/suscribir jalisco")
    done = ana.taps_to_edit(ana.says("/borrar_mis_datos"), "No, cancelar")
    assert done.text == "De acuerdo, no borré nada."
    assert rows_about(live, ana.chat_id)["subscriptions"] == 1


def test_an_erase_button_for_another_chat_is_refused(live):
    ana, beto = live.person("Ana"), live.person("Beto")
    beto.says("/suscribir jalisco")
    question = ana.says("/borrar_mis_datos")
    answer = ana.taps(question, f"1|x|{beto.chat_id}", raw=True)
    assert answer.show_alert and "ya no funciona" in answer.text
    assert rows_about(live, beto.chat_id)["subscriptions"] == 1


def test_in_a_group_only_admins_erase(live):
    admin, member = live.emulator.new_user("Admin"), live.emulator.new_user("Miembro")
    group = live.group_with_bot("Fellows", [member], admins=[admin])
    boss, someone = Person(live, admin, group), Person(live, member, group)
    boss.says("/suscribir jalisco")
    assert someone.says("/borrar_mis_datos").text == "En un grupo, solo quienes lo administran pueden borrar sus datos."
    question = boss.says("/borrar_mis_datos")
    answer = someone.taps(question, "Sí, borrar todo")
    assert answer.show_alert and "solo quienes lo administran" in answer.text
    assert rows_about(live, group.id)["subscriptions"] == 1
    boss.taps_to_edit(question, "Sí, borrar todo")
    assert rows_about(live, group.id) == {"chats": 0, "subscriptions": 0, "deliveries": 0}
