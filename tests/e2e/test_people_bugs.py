"""Issue 10, what people hit: each test replays one reproduction over the emulator, with the
bot as its own process (subscriptions kept narrowed, unsubscribing in words, counts, two states
in one command, groups, buttons that did nothing)."""

from __future__ import annotations

import pytest

from tests.e2e.people import SORRY, Live, Person, live_bot, sent_texts
from tests.e2e.publishing_support import followed

BOT = "@cocreabot_test_bot"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_bot(tmp_path_factory.mktemp("people")) as shared:
        yield shared


@pytest.fixture
def ana(live) -> Person:
    return live.person("Ana")



# -- bug 1: subscribing again keeps a narrowed subscription -------------------------------------

def test_subscribing_again_keeps_the_narrowed_scope_and_says_it(live, ana):
    confirmation = ana.says("/suscribir jalisco")
    ana.taps(confirmation, "Solo convocatorias")
    again = ana.says("/suscribir jalisco")
    assert followed(live, ana.chat_id) == {"jalisco": (0, 1)}
    assert again.text.startswith("🔔 Ya seguías a Jalisco")
    assert "convocatorias" in again.text and "documentos y convocatorias" not in again.text
    assert "✓ Solo convocatorias" in again.button_texts


def test_the_cards_bell_and_the_deep_link_keep_it_too(live, ana):
    ana.taps(ana.says("/suscribir oaxaca"), "Solo documentos")
    card = ana.says("/estado oaxaca")
    bell = next(label for label in card.button_texts if label.startswith("🔔") or label.startswith("✓"))
    ana.taps_to_new(card, bell)
    ana.says("/start suscribir-oaxaca")
    assert followed(live, ana.chat_id) == {"oaxaca": (1, 0)}


def test_narrowing_edits_the_confirmations_text(live, ana):
    confirmation = ana.says("/suscribir puebla")
    ana.taps(confirmation, "Solo convocatorias")
    shown = live.emulator.wait_for(
        lambda: (lambda m: m if "✓ Solo convocatorias" in m.button_texts else None)(live.emulator.refresh(confirmation)))
    assert "documentos y convocatorias" not in shown.text
    assert "solo las convocatorias" in shown.text


# -- bug 3: unsubscribing in words --------------------------------------------------------------

def test_ya_no_quiero_avisos_offers_the_unsubscribe_with_confirmation(live, ana):
    ana.says("/suscribir chiapas")
    offer = ana.says("ya no quiero avisos de chiapas")
    assert not any("Suscribirme" in label for label in offer.button_texts), offer.button_texts
    assert "🔕 Dejar de seguir" in offer.button_texts
    assert followed(live, ana.chat_id) == {"chiapas": (1, 1)}  # nothing happens before the tap
    done = ana.taps_to_edit(offer, "🔕 Dejar de seguir")
    assert done.text.startswith("Listo: ya no recibirás avisos de Chiapas")
    assert followed(live, ana.chat_id) == {}


def test_quiero_avisos_subscribes_in_one_tap(live, ana):
    offer = ana.says("quiero avisos de nuevo león")
    assert "🔔 Suscribirme" in offer.button_texts
    confirmation = ana.taps_to_new(offer, "🔔 Suscribirme")
    assert confirmation.text.startswith("🔔 Listo")
    assert followed(live, ana.chat_id) == {"nuevo-leon": (1, 1)}


# -- bug 5: counts read right for 0, 1 and many -------------------------------------------------

@pytest.mark.parametrize("states, expected", [
    (["jalisco"], "te di de baja de 1 entidad."),
    (["jalisco", "oaxaca", "puebla"], "te di de baja de 3 entidades."),
])
def test_baja_todo_counts_in_words(live, states, expected):
    person = live.person()
    for state in states:
        person.says(f"/suscribir {state}")
    assert expected in person.says("/baja todo").text


def test_no_message_ever_says_s_or_es_in_parentheses(live):
    said = sent_texts(live.emulator)
    assert said, "the other tests of this module ran first"
    for text in said:
        for wrong in ("(s)", "(es)", "(a)", "las 1 ", "los 1 ", "a 0 "):
            assert wrong not in text, (wrong, text)


# -- bug 9: a second state is not dropped ----------------------------------------------------------

def test_suscribir_two_states_subscribes_both(live, ana):
    reply = ana.says("/suscribir chiapas y veracruz")
    assert "Chiapas" in reply.text and "Veracruz" in reply.text
    assert set(followed(live, ana.chat_id)) == {"chiapas", "veracruz"}


def test_estado_two_states_shows_both_cards(ana):
    first, second = ana.says_expecting("/estado oaxaca jalisco", 2)
    assert first.text.startswith("Oaxaca · ") and second.text.startswith("Jalisco · ")


def test_estado_says_what_it_skipped(ana):
    first, second = ana.says_expecting("/estado oaxaca atlantida", 2)
    assert first.text.startswith("Oaxaca · ")
    assert "«atlantida»" in second.text


# -- bug 11: no button does nothing -------------------------------------------------------------

def test_a_step_card_has_no_button_to_itself(ana):
    step = ana.says("/paso 6")
    assert step.button_texts[:2] == ["◀ 5", "7 ▶"]
    assert not [label for label in step.button_texts if label.startswith("·")]


def test_a_second_tap_on_the_same_view_is_answered_without_a_rejected_edit(live, ana):
    welcome = ana.says("/start")
    ana.taps_to_edit(welcome, "🧭 Los 13 pasos")
    data = dict(button for row in welcome.buttons for button in row)["🧭 Los 13 pasos"]
    answer = ana.taps(welcome, data, raw=True)  # the old message, as a phone that missed the edit shows it
    assert answer.text, "a tap that changes nothing still says something"
    assert not [c for c in live.emulator.calls() if c.status >= 400]


# -- bug 10: groups ------------------------------------------------------------------------------

class TestGroups:
    @pytest.fixture
    def group(self, live):
        admin, member = live.emulator.new_user("Admin"), live.emulator.new_user("Miembro")
        chat = live.group_with_bot("Fellows de Oaxaca", [member], admins=[admin], supergroup=True)
        return Person(live, admin, chat), Person(live, member, chat)

    def test_being_added_sends_an_introduction_with_what_admins_can_do(self, live, group):
        admin, _ = group
        intro = live.emulator.wait_for(lambda: next(iter(admin.sent_here()), None), timeout=20)
        assert "menciona" in intro.lower() or f"{BOT}" in intro
        assert "administran" in intro and "/suscribir" in intro

    def test_start_and_ayuda_in_a_group_say_how_to_talk_to_the_bot(self, group):
        _, member = group
        for command in ("/start", "/ayuda"):
            text = member.says(command).text
            assert BOT in text and "responde" in text.lower(), text
            assert "con tus palabras" not in text

    def test_a_member_cannot_open_the_erase_confirmation(self, live, group):
        _, member = group
        refused = member.says("/borrar_mis_datos")
        assert "solo quienes lo administran" in refused.text
        assert not refused.button_texts

    def test_an_anonymous_admin_counts_as_an_admin(self, live, group):
        admin, _ = group
        live.emulator.mark_read(admin.chat)
        live.emulator.send_as_group(admin.user, "/suscribir oaxaca", admin.chat)
        reply, = live.emulator.wait_for_messages(admin.chat, 1, timeout=20)
        assert reply.text.startswith("🔔 Listo"), reply.text
        assert followed(live, admin.chat_id) == {"oaxaca": (1, 1)}

    def test_commands_in_a_group_are_answered_as_replies(self, live, group):
        _, member = group
        live.emulator.mark_read(member.chat)
        command = member.send("/estado jalisco")
        reply, = live.emulator.wait_for_messages(member.chat, 1, timeout=20)
        assert reply.reply_to_message_id == command["message_id"]


def test_when_get_chat_member_fails_the_member_gets_a_kind_answer(emulator, bot):
    """The injected 400 is the test's, so this run is judged by the `bot` fixture (clean exit,
    no traceback) rather than by live_bot's "no rejected call"."""
    admin, member = emulator.new_user("Admin"), emulator.new_user("Miembro")
    chat = emulator.new_group("Fellows", [member], admins=[admin])
    person = Person(Live(emulator, bot), member, chat)
    emulator.inject("getChatMember", error_code=400, description="Bad Request: member list is inaccessible")
    reply = person.says("/suscribir oaxaca")
    assert "no pude comprobar" in reply.text.lower()
    assert SORRY not in reply.text
    assert bot.log().count("getChatMember failed") == 1
    assert "Traceback" not in bot.log()
