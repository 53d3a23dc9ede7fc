"""Subscribing, narrowing and unsubscribing as people do it: commands, the state card's button,
a deep link, the picker, and the confirmation's buttons. The bot runs as its own process; the
assertions read what the user sees and what the database keeps."""

from __future__ import annotations

import pytest

from tests.e2e.people import Person, live_bot
from tests.e2e.publishing_support import followed

STATES = 32


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_bot(tmp_path_factory.mktemp("subscriptions")) as shared:
        yield shared


@pytest.fixture
def ana(live) -> Person:
    return live.person("Ana")



def test_suscribir_a_state_subscribes_to_both_and_offers_to_narrow(live, ana):
    reply = ana.says("/suscribir jalisco")
    assert reply.text.startswith("🔔 Listo: te aviso de los documentos y convocatorias")
    assert "Jalisco" in reply.text and "/baja jalisco" in reply.text
    assert {"Solo documentos", "Solo convocatorias", "✓ Ambos", "Darme de baja"} <= set(reply.button_texts)
    assert followed(live, ana.chat_id) == {"jalisco": (1, 1)}


def test_subscribing_again_is_not_an_error(live, ana):
    ana.says("/suscribir jalisco")
    again = ana.says("/suscribir Jalisco")
    assert again.text.startswith("🔔 Ya seguías a Jalisco")
    assert followed(live, ana.chat_id) == {"jalisco": (1, 1)}


def test_names_aliases_and_typos_work(live, ana):
    assert "Estado de México" in ana.says("/suscribir edomex").text
    assert "Nuevo León" in ana.says("/suscribir nuevo lein").text
    assert set(followed(live, ana.chat_id)) == {"estado-de-mexico", "nuevo-leon"}


def test_the_state_card_button_subscribes(live, ana):
    card = ana.says("/estado oaxaca")
    button = next(label for label in card.button_texts if label.startswith("🔔"))
    answer_and_reply = ana.taps_to_new(card, button)
    assert answer_and_reply.text.startswith("🔔 Listo") and "Oaxaca" in answer_and_reply.text
    assert followed(live, ana.chat_id) == {"oaxaca": (1, 1)}


def test_a_deep_link_subscribes(live, ana):
    reply = ana.says("/start suscribir-san-luis-potosi")
    assert reply.text.startswith("🔔 Listo") and "San Luis Potosí" in reply.text
    assert followed(live, ana.chat_id) == {"san-luis-potosi": (1, 1)}


def test_without_an_argument_a_picker_of_every_state(live, ana):
    picker = ana.says("/suscribir")
    assert picker.text == "¿De qué entidad quieres recibir avisos? Elige una:"
    assert len(picker.button_texts) == STATES
    confirmation = ana.taps_to_new(picker, "Puebla")
    assert confirmation.text.startswith("🔔 Listo") and "Puebla" in confirmation.text
    assert followed(live, ana.chat_id) == {"puebla": (1, 1)}


def test_an_unknown_state_gets_the_picker(live, ana):
    reply = ana.says("/suscribir atlantida")
    assert reply.text.startswith("No encontré la entidad «atlantida».")
    assert len(reply.button_texts) == STATES
    assert followed(live, ana.chat_id) == {}


def test_narrowing_buttons_mark_the_choice(live, ana):
    confirmation = ana.says("/suscribir jalisco")
    answer = ana.taps(confirmation, "Solo documentos")
    assert answer.text.startswith("Jalisco: documentos")
    assert followed(live, ana.chat_id) == {"jalisco": (1, 0)}
    assert live.emulator.wait_for(lambda: "✓ Solo documentos" in ana.emu.refresh(confirmation).button_texts)
    answer = ana.taps(confirmation, "Solo convocatorias")
    assert answer.text.startswith("Jalisco: convocatorias")
    assert followed(live, ana.chat_id) == {"jalisco": (0, 1)}
    ana.taps(confirmation, "Ambos")
    assert followed(live, ana.chat_id) == {"jalisco": (1, 1)}


def test_pressing_the_current_choice_again_is_answered_and_changes_nothing(live, ana):
    confirmation = ana.says("/suscribir jalisco")
    answer = ana.taps(confirmation, "1|so|jalisco:a", raw=True)
    assert answer.text.startswith("Jalisco: documentos y convocatorias")
    assert followed(live, ana.chat_id) == {"jalisco": (1, 1)}


def test_a_narrowing_button_after_unsubscribing_says_so(live, ana):
    confirmation = ana.says("/suscribir jalisco")
    ana.says("/baja jalisco")
    answer = ana.taps(confirmation, "Solo documentos")
    assert answer.show_alert and "Ya no sigues esta entidad" in answer.text
    assert followed(live, ana.chat_id) == {}


def test_suscripciones_lists_what_is_followed(live, ana):
    assert ana.says("/suscripciones").text.startswith("No sigues ninguna entidad")
    ana.says("/suscribir jalisco")
    ana.taps(ana.says("/suscribir oaxaca"), "Solo convocatorias")
    listing = ana.says("/suscripciones")
    assert "• Jalisco: documentos y convocatorias" in listing.text
    assert "• Oaxaca: convocatorias" in listing.text
    assert listing.button_texts == ["🔕 Baja de Jalisco", "🔕 Baja de Oaxaca", "🔕 Baja de todas"]


def test_baja_of_one_state(live, ana):
    ana.says("/suscribir jalisco")
    ana.says("/suscribir oaxaca")
    reply = ana.says("/baja jalisco")
    assert reply.text.startswith("Listo: ya no recibirás avisos de Jalisco")
    assert set(followed(live, ana.chat_id)) == {"oaxaca"}


def test_baja_todo(live, ana):
    ana.says("/suscribir jalisco")
    ana.says("/suscribir oaxaca")
    assert ana.says("/baja todo").text.startswith("Listo: te di de baja de 2 entidades.")
    assert followed(live, ana.chat_id) == {}
    assert ana.says("/baja").text.startswith("No sigues ninguna entidad")


def test_baja_without_argument_asks_which_with_buttons(live, ana):
    ana.says("/suscribir jalisco")
    ana.says("/suscribir oaxaca")
    question = ana.says("/baja")
    assert question.button_texts == ["🔕 Baja de Jalisco", "🔕 Baja de Oaxaca", "🔕 Baja de todas"]
    done = ana.taps_to_edit(question, "🔕 Baja de Oaxaca")
    assert done.text.startswith("Listo: ya no recibirás avisos de Oaxaca")
    assert set(followed(live, ana.chat_id)) == {"jalisco"}


def test_baja_of_the_only_state_needs_no_question(live, ana):
    ana.says("/suscribir jalisco")
    assert ana.says("/baja").text.startswith("Listo: ya no recibirás avisos de Jalisco")


def test_baja_of_a_state_not_followed_offers_the_ones_followed(live, ana):
    ana.says("/suscribir jalisco")
    reply = ana.says("/baja puebla")
    assert reply.text.startswith("No encontré «puebla» entre las entidades que sigues")
    assert reply.button_texts == ["🔕 Baja de Jalisco", "🔕 Baja de todas"]
    asked = ana.taps_to_edit(reply, "🔕 Baja de todas")
    assert asked.text.startswith("¿Te doy de baja de 1 entidad (Jalisco)?")
    done = ana.taps_to_edit(asked, "Sí, de todas")
    assert done.text.startswith("Listo: te di de baja de 1 entidad.")


def test_the_unsubscribe_button_of_the_confirmation(live, ana):
    confirmation = ana.says("/suscribir jalisco")
    done = ana.taps_to_edit(confirmation, "Darme de baja")
    assert done.text.startswith("Listo: ya no recibirás avisos de Jalisco")
    assert followed(live, ana.chat_id) == {}


def test_a_tampered_subscribe_button_is_refused_politely(live, ana):
    message = ana.says("/suscribir jalisco")
    answer = ana.taps(message, "1|s|atlantida", raw=True)
    assert answer.show_alert and "ya no funciona" in answer.text
    answer = ana.taps(message, "1|so|jalisco:z", raw=True)
    assert answer.show_alert and "ya no funciona" in answer.text
    assert followed(live, ana.chat_id) == {"jalisco": (1, 1)}


class TestGroups:
    @pytest.fixture
    def group(self, live):
        admin, member = live.emulator.new_user("Admin"), live.emulator.new_user("Miembro")
        chat = live.group_with_bot("Fellows de Jalisco", [member], admins=[admin])
        return Person(live, admin, chat), Person(live, member, chat)

    def test_only_group_admins_change_what_the_group_follows(self, live, group):
        admin, member = group
        refused = member.says("/suscribir jalisco")
        assert refused.text == "En un grupo, solo quienes lo administran pueden cambiar sus suscripciones."
        assert followed(live, admin.chat_id) == {}
        confirmation = admin.says("/suscribir jalisco")
        assert confirmation.text.startswith("🔔 Listo")
        assert followed(live, admin.chat_id) == {"jalisco": (1, 1)}

        answer = member.taps(confirmation, "Solo documentos")
        assert answer.show_alert and "solo quienes lo administran" in answer.text
        assert member.says("/baja jalisco").text.startswith("En un grupo, solo quienes lo administran")
        assert followed(live, admin.chat_id) == {"jalisco": (1, 1)}

        listing = member.says("/suscripciones")  # reading is for everyone
        assert "• Jalisco" in listing.text
        assert admin.says("/baja jalisco").text.startswith("Listo")
        assert followed(live, admin.chat_id) == {}

    def test_a_member_cannot_use_the_picker_either(self, live, group):
        admin, member = group
        picker = admin.says("/suscribir")
        answer = member.taps(picker, "Jalisco")
        assert answer.show_alert and "solo quienes lo administran" in answer.text
        assert followed(live, admin.chat_id) == {}
