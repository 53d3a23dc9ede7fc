"""Subscribing, narrowing and unsubscribing as people do it: commands, the state card's button,
a deep link, the picker, and the confirmation's buttons. The bot runs as its own process; the
assertions read what the user sees and what the database keeps."""

from __future__ import annotations

import pytest

from tests.e2e.people import Person, live_bot
from tests.e2e.publishing_support import followed, opened

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
    assert "Jalisco" in reply.text and "/baja" not in reply.text  # a bare /baja is what a tap would send
    assert reply.button_texts == ["Solo documentos", "Solo convocatorias", "✓ Ambos", "✓ Con recordatorios",
                                  "Sin recordatorios", "🔕 Dejar de seguir", "◀ Mis suscripciones"]
    assert all(len(label) <= 24 for label in reply.button_texts)
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
    assert answer.text.startswith("Ya estaba así. Jalisco: documentos y convocatorias")
    assert ana._edits_of(confirmation) == []
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
    assert listing.button_texts == ["⚙️ Jalisco", "⚙️ Oaxaca", "🔕 Baja de todas"]


def subscription_of(live, chat_id: int, state: str) -> tuple[int, int, int] | None:
    """(documents, convocatorias, reminders), or None when the chat does not follow the state."""
    with opened(live.process.db_path) as store:
        found = [s for s in store.subscriptions(chat_id) if s.state == state]
    return (int(found[0].documents), int(found[0].convocatorias), int(found[0].reminders)) if found else None


def test_suscripciones_changes_each_subscription_in_the_same_message(live, ana):
    ana.says("/suscribir jalisco y oaxaca")
    listing = ana.says("/suscripciones")
    settings = ana.taps_to_edit(listing, "⚙️ Oaxaca")
    assert settings.text.startswith("🔔 Sigues a Oaxaca: te aviso de los documentos y convocatorias")
    settings = ana.taps_to_edit(settings, "Solo convocatorias")
    assert subscription_of(live, ana.chat_id, "oaxaca") == (0, 1, 1)
    assert "solo las convocatorias" in settings.text and "✓ Solo convocatorias" in settings.button_texts
    settings = ana.taps_to_edit(settings, "Sin recordatorios")
    assert subscription_of(live, ana.chat_id, "oaxaca") == (0, 1, 0)
    assert "Sin recordatorios antes del cierre" in settings.text and "✓ Sin recordatorios" in settings.button_texts
    settings = ana.taps_to_edit(settings, "Solo documentos")
    assert subscription_of(live, ana.chat_id, "oaxaca") == (1, 0, 0)
    assert "Con recordatorios" not in " ".join(settings.button_texts)  # no convocatorias, nothing to remind
    back = ana.taps_to_edit(settings, "◀ Mis suscripciones")
    assert "• Oaxaca: documentos" in back.text and "• Jalisco: documentos y convocatorias" in back.text

    jalisco = ana.taps_to_edit(back, "⚙️ Jalisco")
    left = ana.taps_to_edit(jalisco, "🔕 Dejar de seguir")
    assert left.text == "Listo: ya no recibirás avisos de Jalisco."
    assert left.button_texts == ["↩️ Deshacer", "◀ Mis suscripciones"]
    assert subscription_of(live, ana.chat_id, "jalisco") is None
    restored = ana.taps_to_edit(left, "↩️ Deshacer")
    assert restored.text.startswith("🔔 Sigues a Jalisco")
    assert subscription_of(live, ana.chat_id, "jalisco") == (1, 1, 1)
    assert subscription_of(live, ana.chat_id, "oaxaca") == (1, 0, 0)


def _double_tap(live, person, message, label: str) -> list:
    first = live.emulator.press_button(person.user, message, label, chat=person.chat)
    second = live.emulator.press_button(person.user, message, label, chat=person.chat)
    live.queries += [first, second]
    return [live.emulator.wait_for_callback_answer(q, timeout=20) for q in (first, second)]


def test_a_double_tap_never_applies_twice(live, ana):
    settings = ana.says("/suscribir oaxaca")
    edits = lambda: len(ana._edits_of(settings))  # noqa: E731
    answers = _double_tap(live, ana, settings, "Solo convocatorias")
    live.emulator.wait_for(lambda: edits() == 1, timeout=20, description="one edit")
    assert sum("Ya estaba así" in answer.text for answer in answers) == 1
    assert subscription_of(live, ana.chat_id, "oaxaca") == (0, 1, 1)
    settings = ana.emu.refresh(settings)
    answers = _double_tap(live, ana, settings, "🔕 Dejar de seguir")
    live.emulator.wait_for(lambda: edits() == 2, timeout=20, description="one more edit")
    assert sorted(answer.text for answer in answers) == ["Listo: ya no sigues a Oaxaca.", "Ya no sigues a Oaxaca."]
    left = ana.emu.refresh(settings)
    answers = _double_tap(live, ana, left, "↩️ Deshacer")
    live.emulator.wait_for(lambda: edits() == 3, timeout=20, description="the undo's edit")
    assert sorted(answer.text for answer in answers) == ["Listo: sigues otra vez a Oaxaca.", "Ya sigues a Oaxaca."]
    assert subscription_of(live, ana.chat_id, "oaxaca") == (0, 1, 1)  # as it was: only convocatorias


def test_the_card_shows_following_and_opens_the_settings(live, ana):
    card = ana.says("/estado puebla")
    assert "🔔 Suscribirme" in card.button_texts
    confirmation = ana.taps_to_new(card, "🔔 Suscribirme")
    assert confirmation.text.startswith("🔔 Listo")
    assert live.emulator.wait_for(lambda: "✓ Siguiendo" in ana.emu.refresh(card).button_texts)
    ana.taps_to_edit(confirmation, "Solo documentos")
    again = ana.says("/estado puebla")
    assert "✓ Siguiendo" in again.button_texts and "🔔 Suscribirme" not in again.button_texts
    settings = ana.taps_to_new(again, "✓ Siguiendo")
    assert settings.text.startswith("🔔 Ya seguías a Puebla: te aviso de solo los documentos")
    assert "✓ Solo documentos" in settings.button_texts
    assert subscription_of(live, ana.chat_id, "puebla") == (1, 0, 1), "tapping it never subscribes again"
    offer = ana.says("¿cómo me suscribo a los avisos de puebla?")
    assert "✓ Siguiendo" in offer.button_texts, offer.button_texts


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
    done = ana.taps_to_edit(confirmation, "🔕 Dejar de seguir")
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
