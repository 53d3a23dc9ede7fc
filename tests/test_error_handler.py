"""The one error handler: logs the update and the traceback, and tells the user in one polite
line, on the button when it can and in the chat when the press was already answered."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from unittest.mock import AsyncMock

from telegram import CallbackQuery, Chat, Message, Update, User
from telegram.error import BadRequest

from handlers.errors import SORRY, on_error

PERSON = User(id=7, first_name="Ana", is_bot=False)
CHAT = Chat(id=7, type="private")


def _press() -> Update:
    message = Message(message_id=1, date=None, chat=CHAT)
    query = CallbackQuery(id="q1", from_user=PERSON, chat_instance="c", data="1|e|jalisco", message=message)
    return Update(update_id=1, callback_query=query)


def _context(error: Exception) -> SimpleNamespace:
    return SimpleNamespace(error=error, bot=SimpleNamespace(send_message=AsyncMock()))


async def test_the_error_is_logged_with_the_update_and_said_on_the_button(caplog, monkeypatch):
    update, context = _press(), _context(RuntimeError("boom"))
    monkeypatch.setattr(CallbackQuery, "answer", AsyncMock())
    with caplog.at_level(logging.ERROR, logger="cocreabot.errors"):
        await on_error(update, context)
    assert "1|e|jalisco" in caplog.text and "boom" in caplog.text
    CallbackQuery.answer.assert_awaited_once_with(SORRY, show_alert=True)
    context.bot.send_message.assert_not_awaited()


async def test_an_already_answered_press_gets_the_apology_in_the_chat(monkeypatch):
    update, context = _press(), _context(RuntimeError("boom"))
    monkeypatch.setattr(CallbackQuery, "answer", AsyncMock(side_effect=BadRequest("Query is too old")))
    await on_error(update, context)
    context.bot.send_message.assert_awaited_once()
    assert context.bot.send_message.await_args.args == (CHAT.id, SORRY)


async def test_an_update_that_is_not_an_update_is_only_logged(caplog):
    context = _context(RuntimeError("boom"))
    with caplog.at_level(logging.ERROR, logger="cocreabot.errors"):
        await on_error("not an update", context)
    assert "boom" in caplog.text
    context.bot.send_message.assert_not_awaited()


def _message_from(text: str) -> Update:
    person = User(id=4242, first_name="Anastasia", last_name="Quiroga", username="anaquiroga", is_bot=False)
    chat = Chat(id=4242, type="private", first_name="Anastasia", username="anaquiroga")
    message = Message(message_id=9, date=None, chat=chat, from_user=person, text=text)
    return Update(update_id=31337, message=message)


async def test_the_log_has_ids_and_kinds_but_no_names_usernames_or_text(caplog):
    with caplog.at_level(logging.ERROR, logger="cocreabot.errors"):
        await on_error(_message_from("mi teléfono es 5512345678"), _context(RuntimeError("boom")))
        await on_error(_message_from("/paso ⁴ 5512345678"), _context(RuntimeError("boom")))
    logged = caplog.text
    assert "31337" in logged and "4242" in logged and '"kind": "message"' in logged and "boom" in logged
    assert '"content": "text"' in logged and '"content": "command /paso"' in logged
    for private in ("Anastasia", "Quiroga", "anaquiroga", "5512345678", "teléfono"):
        assert private not in logged


async def test_forged_button_data_is_not_logged(caplog, monkeypatch):
    person = User(id=7, first_name="Ana", is_bot=False)
    query = CallbackQuery(id="q2", from_user=person, chat_instance="c", data="Ana Quiroga 5512345678",
                          message=Message(message_id=1, date=None, chat=CHAT))
    monkeypatch.setattr(CallbackQuery, "answer", AsyncMock())
    with caplog.at_level(logging.ERROR, logger="cocreabot.errors"):
        await on_error(Update(update_id=2, callback_query=query), _context(RuntimeError("boom")))
    assert '"kind": "callback_query"' in caplog.text and "unreadable, 22 bytes" in caplog.text
    assert "Quiroga" not in caplog.text and "5512345678" not in caplog.text


async def test_a_forged_button_is_logged_by_its_size_only(caplog):
    from handlers.buttons import on_button

    person = User(id=7, first_name="Ana", is_bot=False)
    query = CallbackQuery(id="q3", from_user=person, chat_instance="c", data="mi CURP es QUIR800101",
                          message=Message(message_id=1, date=None, chat=CHAT))
    query.set_bot(SimpleNamespace(answer_callback_query=AsyncMock(), defaults=None))
    with caplog.at_level(logging.INFO, logger="handlers.buttons"):
        await on_button(Update(update_id=3, callback_query=query), SimpleNamespace())
    assert "stale or tampered callback (21 bytes)" in caplog.text and "QUIR800101" not in caplog.text
