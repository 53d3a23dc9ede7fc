"""What people (and old or tampered clients) send that the bot did not ask for: unknown
commands, stickers, photos, files, markup in arguments, stale and forged button data. The bot
answers each one politely and nothing reaches the error handler (the module's fixture checks
the log, the rejected calls and the "algo salió mal" line at the end)."""

from __future__ import annotations

import time

import pytest

from handlers.buttons import STALE
from handlers.questions import ONLY_TEXT, UNKNOWN_COMMAND
from tests.e2e.people import Person
from tests.emulator.world import CallbackQueryRecord

STALE_START = "Ese botón ya no funciona."  # every module's answer to a button it cannot read
PNG = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + (1).to_bytes(4, "big") * 2 + b"\x08\x02\0\0\0"


@pytest.mark.parametrize("command", ["/foo", "/estadoo jalisco", "/start@otro_bot", "/AYUDAME", "/_", "/" + "x" * 32])
def test_an_unknown_command_points_to_help(live, command):
    assert live.person().says(command).text == UNKNOWN_COMMAND


def test_commands_are_case_insensitive_where_telegram_allows(ana: Person):
    assert ana.says("/ESTADO jalisco").text.startswith("Jalisco · ")


def test_a_sticker_gets_the_only_text_answer(live, ana: Person):
    message_id = int(time.time())  # any id: the bot does not look at it
    live.emulator.push_update("message", {
        "message_id": message_id, "from": ana.user.to_api(), "date": int(time.time()),
        "chat": {"id": ana.user.id, "type": "private", "first_name": ana.user.first_name},
        "sticker": {"file_id": "CAACAgIAAx0", "file_unique_id": "AgADsticker", "width": 512, "height": 512,
                    "is_animated": False, "is_video": False, "type": "regular", "emoji": "👍"},
    })
    reply, = live.emulator.wait_for_messages(ana.chat, 1, timeout=20)
    assert reply.text == ONLY_TEXT


def test_a_photo_gets_the_only_text_answer(live, ana: Person):
    live.emulator.send_photo(ana.user, PNG, caption="¿cómo va jalisco?")
    reply, = live.emulator.wait_for_messages(ana.chat, 1, timeout=20)
    assert reply.text == ONLY_TEXT


def test_a_document_from_a_citizen_gets_a_polite_answer(live, ana: Person):
    live.emulator.send_document(ana.user, "plan de acción.pdf", b"%PDF-1.4\n" + b"x" * 2048, "application/pdf")
    reply, = live.emulator.wait_for_messages(ana.chat, 1, timeout=20)
    assert "/ayuda" in reply.text or "texto" in reply.text, reply.text


def test_markup_in_an_argument_is_shown_as_typed(ana: Person):
    reply = ana.says("/estado <b>Atlántida</b> & <i>")
    assert reply.text.startswith("No encontré la entidad «<b>Atlántida</b> & <i>».")
    assert reply.entities_of("bold") == []
    term = ana.says("/glosario <script>alert(1)</script>")
    assert term.text.startswith("No tengo «<script>alert(1)</script>» en el glosario.")


def test_a_message_of_4096_characters_is_answered(ana: Person):
    reply = ana.says(("¿cómo va jalisco? " * 300)[:4096])
    assert reply.text.startswith("Jalisco · ")


@pytest.mark.parametrize("data", [
    "0|e|jalisco",            # an older version of the buttons
    "2|p|6",                  # a newer one
    "1|zz|x",                 # an action that does not exist
    "1|e|atlantida",          # a state that does not exist
    "1|p|99", "1|p|0", "1|p|-1", "1|f|7",
    "1|t|no-such-term",
    "1|e|jalisco\n", "1|e|JALISCO", "1|p|6|extra", "1||", "|||",
    "garbage", "1", "",
    "1|e|" + "a" * 60,        # 64+ bytes
    "ñ" * 40,                 # 80 bytes of UTF-8
])
def test_stale_or_tampered_button_data_gets_a_friendly_answer(live, data):
    person = live.person()
    welcome = person.says("/start")
    answer = person.taps(welcome, data, raw=True)
    assert answer.text.startswith(STALE_START) and answer.show_alert, answer.text
    assert person.emu.refresh(welcome).text == welcome.text
    assert person.barrier() == [], "a tampered button sends nothing"


@pytest.mark.parametrize("data", ["1|ts|999999999999999999999", "1|ts|0007", "1|es|whatever", "1|ps|x", "1|h|x"])
def test_well_formed_data_with_odd_arguments_still_leads_somewhere(live, data):
    person = live.person()
    welcome = person.says("/start")
    answer = person.taps(welcome, data, raw=True)
    assert answer.text is None or answer.text != STALE


def test_a_button_on_a_message_too_old_to_read_answers_in_the_chat(live, ana: Person):
    """For a button on an old message Telegram sends the message without its content (date 0,
    no text): the answer goes out as a new message in the chat."""
    welcome = ana.says("/start")
    emu = live.emulator
    query_id = f"old-{welcome.message_id}-{ana.user.id}"
    with emu.world.lock:  # a callback query the emulator can answer, as press_button records them
        emu.world.callback_queries[query_id] = CallbackQueryRecord(
            query_id, emu.bot.id, ana.user, "1|e|jalisco", ana.chat_id, welcome.message_id)
    query = {"id": query_id, "from": ana.user.to_api(), "chat_instance": "1", "data": "1|e|jalisco",
             "message": {"chat": {"id": ana.chat_id, "type": "private", "first_name": "Ana"},
                         "message_id": welcome.message_id, "date": 0}}
    ana.emu.mark_read(ana.chat)
    emu.push_update("callback_query", query)
    live.queries.append(query)
    card, = emu.wait_for_messages(ana.chat, 1, timeout=20)
    assert card.text.startswith("Jalisco · ")
    assert emu.refresh(welcome).text == welcome.text


def test_every_button_press_is_answered_exactly_once(live):
    person = live.person()
    presses = [(person.says("/start"), label) for label in ("🗺️ Cómo va mi estado", "🧭 Los 13 pasos", "📖 Glosario")]
    presses += [(person.says("/estado oaxaca"), label) for label in ("📄 Documentos", "📣 Convocatorias", "🧭 Los 13 pasos")]
    presses += [(person.says("/paso 3"), label) for label in ("◀ 2", "4 ▶", "📋 Ver los 13 pasos")]
    presses += [(person.says("/start"), "1|zz|x")]
    for message, label in presses:
        person.taps(message, label, raw=label.startswith("1|"))
    person.barrier()
    answered = [len(live.emulator.callback_answers(query)) for query in live.queries[-len(presses):]]
    assert answered == [1] * len(presses)
    assert not live.emulator.calls("answerCallbackQuery", status=400)
