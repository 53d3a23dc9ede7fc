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
