"""The one error handler: log what the update was (its ids and kind, never names, usernames or
what people wrote) and the traceback, and tell the user in one polite line."""

from __future__ import annotations

import html
import json
import logging
import re

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes

from handlers.callbacks import BadCallback, decode_action

log = logging.getLogger("cocreabot.errors")

_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s|$)")
_MESSAGE_KINDS = ("text", "document", "photo", "sticker", "voice", "video", "audio", "animation", "contact",
                  "location", "poll", "new_chat_members", "left_chat_member", "migrate_to_chat_id")

SORRY = "Perdón, algo salió mal de mi lado. Ya quedó registrado; intenta de nuevo en un momento."


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("error while handling update %s", describe(update), exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query and await _answered(update.callback_query):
            return
        if update.effective_chat:
            await context.bot.send_message(update.effective_chat.id, html.escape(SORRY))
    except Exception:  # the error handler must not raise; the first error is already logged
        log.warning("could not tell the user about the error", exc_info=True)


async def _answered(query) -> bool:
    """Say it on the button; False when the press was already answered (then say it in the chat)."""
    try:
        await query.answer(SORRY, show_alert=True)
        return True
    except BadRequest:
        return False


def describe(update: object) -> str:
    """What the log may say about an update: its id, the chat's and the user's ids, its kind (and a
    command's name, or a button's data when it is ours). Never names, usernames or text."""
    if not isinstance(update, Update):
        return f"(not an update: {type(update).__name__})"
    kind = next((name for name in Update.ALL_TYPES if getattr(update, name, None) is not None), "unknown")
    facts = {"update_id": update.update_id, "kind": kind,
             "chat_id": update.effective_chat.id if update.effective_chat else None,
             "user_id": update.effective_user.id if update.effective_user else None}
    message = update.effective_message
    if message is not None and kind != "callback_query":
        facts["content"] = _content(message)
    if update.callback_query is not None:
        facts["data"] = _button_data(update.callback_query.data)
    return json.dumps(facts, ensure_ascii=False)


def _content(message) -> str:
    """'command /paso', 'text', 'document', 'sticker'…: what kind of message, not what it says."""
    text = message.text or ""
    command = _COMMAND.match(text)
    if command:
        return f"command /{command[1]}"
    return next((kind for kind in _MESSAGE_KINDS if getattr(message, kind, None)), "other")


def _button_data(data: str | None) -> str:
    """A button's data when the bot could have written it (version|code|slug-or-number); forged
    data could carry anything, so only its size is told."""
    try:
        decode_action(data)
    except BadCallback:
        return f"(unreadable, {len((data or '').encode())} bytes)"
    return data or ""


def register(application: Application) -> None:
    application.add_error_handler(on_error)
