"""The one error handler: log the update and the traceback, tell the user in one polite line."""

from __future__ import annotations

import html
import json
import logging

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes

log = logging.getLogger("cocreabot.errors")

SORRY = "Perdón, algo salió mal de mi lado. Ya quedó registrado; intenta de nuevo en un momento."


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    payload = update.to_dict() if isinstance(update, Update) else repr(update)
    log.error("error while handling update %s", json.dumps(payload, ensure_ascii=False, default=str)[:4000],
              exc_info=context.error)
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


def register(application: Application) -> None:
    application.add_error_handler(on_error)
