"""The buttons under a notice (bot/core/notices.py): drawn for the dispatcher, and answered.

- [Ver <entidad>] sends the state's card as a new message (the notice stays).
- [🔕 Dejar de seguir] stops that state's notices at once and says so on the notice itself,
  with [↩️ Deshacer] in place of the other buttons; a second tap changes nothing.
- [↩️ Deshacer] follows the state again exactly as before (what it received, its reminders:
  they travel in the button) and puts the notice back as it was."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, ContextTypes

from bot.core.notices import NoticeKeyboard, notice_buttons
from handlers.buttons import STALE, register_action
from handlers.keyboards import inline_keyboard
from handlers.callbacks import encode_action
from handlers.common import manages_chat, services
from handlers.following import for_chat
from handlers.render import edit_in_place, send_reply
from handlers.subscriptions import ADMINS_ONLY, UNDO_LABEL, left_by_button, restored_by_button, undo_arg
from knowledge.reply import esc

LEFT_LINE = "🔕 Ya no sigues a <b>{}</b>: no te llegarán más avisos suyos."
_LEFT_PARAGRAPH = re.compile("\n\n" + re.escape(LEFT_LINE).replace(re.escape("{}"), "[^<]*") + "$")  # the line above


def notice_markup(rows: NoticeKeyboard) -> InlineKeyboardMarkup | None:
    """A notice's stored buttons as Telegram's (the dispatcher sends them with the notice)."""
    drawn = [[_drawn(button) for button in row] for row in rows if row]
    return inline_keyboard(drawn)


def _drawn(button) -> InlineKeyboardButton:
    if button.url:
        return InlineKeyboardButton(button.text, url=button.url)
    return InlineKeyboardButton(button.text, callback_data=encode_action(button.action, button.arg))


async def on_see(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    query = update.callback_query
    found = services(context)
    if arg not in found.engine.kb.states or query.message is None:
        await query.answer(STALE, show_alert=True)
        return
    chat_id = update.effective_chat.id
    reply = for_chat(found.engine.answers.state_card(arg), context, chat_id)
    found.engine.remember_shown(chat_id, reply)  # [Ver Oaxaca], then «¿y su plan?»
    await query.answer()
    await send_reply(query.message, reply, quote=False)


async def on_leave(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    query = update.callback_query
    found = services(context)
    if arg not in found.engine.kb.states:
        await query.answer(STALE, show_alert=True)
        return
    if not await manages_chat(update, context, ADMINS_ONLY):
        return
    before = await left_by_button(update, context, arg)
    if before is None:
        return
    name = found.engine.kb.states[arg].name
    undo = InlineKeyboardButton(UNDO_LABEL, callback_data=encode_action("notice_undo", undo_arg(before)))
    html = _notice_html(query.message)
    new_html = None if html is None else f"{html}\n\n{LEFT_LINE.format(esc(name))}"
    await edit_in_place(query.message, new_html, inline_keyboard([[*_links(query.message), undo]]))


async def on_undo(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    query = update.callback_query
    found = services(context)
    wanted = await restored_by_button(update, context, arg, STALE)
    if wanted is None:
        return
    links = _links(query.message)
    url = links[0].url if links else None
    html = _notice_html(query.message)
    new_html = None if html is None else _LEFT_PARAGRAPH.sub("", html)
    await edit_in_place(query.message, new_html, notice_markup(notice_buttons(found.engine.kb, wanted.state, url)))


def _notice_html(message) -> str | None:
    """The notice as it reads now (HTML), its text or its file's caption; None when the bot
    cannot read it (too old)."""
    if not isinstance(message, Message):
        return None
    if message.text is not None:
        return message.text_html
    return message.caption_html if message.caption is not None else None


def _links(message) -> list[InlineKeyboardButton]:
    markup = getattr(message, "reply_markup", None)
    return [button for row in (markup.inline_keyboard if markup else ()) for button in row if button.url]


def register(application: Application) -> None:
    register_action("notice_card", on_see)
    register_action("notice_unsub", on_leave)
    register_action("notice_undo", on_undo)
