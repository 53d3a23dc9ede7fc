"""Every inline button lands here: the callback data is decoded and validated, the action runs,
and the callback is always answered. Read-only actions come from knowledge/; the runtime ones
(subscribing, privacy, publishing…) are registered by their handler modules."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Awaitable, Callable

from telegram import MaybeInaccessibleMessage, Message, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from handlers.callbacks import BadCallback, decode_action
from handlers.common import services
from handlers.following import for_chat
from handlers.render import ALREADY_SHOWN, edit_or_send, send_reply
from bot.core.commands import action_reply
from knowledge.reply import ACTION_KINDS, Action
from knowledge.wording import INAI_NOTICE

log = logging.getLogger(__name__)

STALE = "Ese botón ya no funciona. Escribe tu pregunta o toca /ayuda."
NEW_MESSAGE_KINDS = {"docs", "convs", "sources", "help"}  # keep the message they were pressed on

RuntimeAction = Callable[[Update, ContextTypes.DEFAULT_TYPE, str], Awaitable[None]]
RUNTIME_ACTIONS: dict[str, RuntimeAction] = {}


def register_action(kind: str, handler: RuntimeAction) -> None:
    RUNTIME_ACTIONS[kind] = handler


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    try:
        decoded = decode_action(query.data)
    except BadCallback as problem:
        # forged data can carry any text: the log says how long it was, never what it said
        log.info("stale or tampered callback (%d bytes): %s", len((query.data or "").encode()), problem)
        await query.answer(STALE, show_alert=True)
        return
    if decoded.kind in RUNTIME_ACTIONS:
        await RUNTIME_ACTIONS[decoded.kind](update, context, decoded.arg)  # answers the query itself
        return
    engine = services(context).engine
    action = Action(decoded.kind, decoded.arg) if decoded.kind in ACTION_KINDS else None
    reply = action_reply(engine, action) if action else None
    if reply is None or query.message is None:  # no message: a button of an inline message
        await query.answer(STALE, show_alert=True)
        return
    in_place = not (decoded.fresh or (decoded.kind in NEW_MESSAGE_KINDS and not decoded.returning))
    if in_place and _shows_the_inai_notice(query.message):
        reply = replace(reply, inai_notice=False)  # said in this very message: an edit repeats nothing
    reply = for_chat(reply, context, update.effective_chat.id)
    engine.remember_shown(update.effective_chat.id, reply)  # [Paso 6], then «¿y el siguiente?»
    if not in_place:
        await query.answer()
        await send_reply(query.message, reply, quote=False)  # nothing replaced: nothing to go back to
        return
    origins = tuple(Action(kind, arg) for kind, arg in decoded.back if kind in ACTION_KINDS)
    changed = await edit_or_send(update, replace(reply, back=origins))
    await query.answer(None if changed else ALREADY_SHOWN)


def _shows_the_inai_notice(message: MaybeInaccessibleMessage) -> bool:
    """Whether the pressed message says the INAI notice in full (a view edited into it keeps it,
    so a second tap on the same view finds it unchanged)."""
    return isinstance(message, Message) and INAI_NOTICE in (message.text or "")


def register(application: Application) -> None:
    application.add_handler(CallbackQueryHandler(on_button))
