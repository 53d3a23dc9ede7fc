"""/start (with deep links), /ayuda, /help, /privacidad, /fuentes, /glosario, and a location pin."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from handlers import sharing, subscriptions
from handlers.common import command_argument, message_of, services
from handlers.following import for_chat
from handlers.render import send_reply
from knowledge.answers.cards import PRIVACY_LINE
from bot.core.commands import READ_ONLY_COMMANDS, command_replies, group_help, help_for, start_reply


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome, by first name; a deep link (t.me/<bot>?start=jalisco) opens that state's card
    directly, and on a first contact says in one line what is stored."""
    found = services(context)
    first_contact = found.chats.seen(update.effective_chat.id)
    if update.effective_chat.type != "private":
        await send_reply(message_of(update), group_help(context.bot.username))
        return
    payload = command_argument(context).lower()
    if payload.startswith("suscribir-") and payload[10:] in found.engine.kb.states:
        await subscriptions.subscribe_to(update, context, payload[10:], f"\n\n{PRIVACY_LINE}" if first_contact else "")
        return
    if await sharing.open_deep_link(update, context, payload):  # ?start=mapa, ?start=conv-12
        return
    first_name = update.effective_user.first_name if update.effective_user else None
    reply = for_chat(start_reply(found.engine, payload, first_name, first_contact), context, update.effective_chat.id)
    found.engine.remember_shown(update.effective_chat.id, reply)  # ?start=jalisco, then «¿y su plan?»
    await send_reply(message_of(update), reply)


async def read_only_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ayuda, /help, /privacidad, /fuentes, /glosario, /estado, /pasos, /paso, /fases, /fase,
    /convocatorias, /documentos: the same replies as the console."""
    command = update.effective_message.text.split()[0].lstrip("/").split("@")[0].lower()
    engine = services(context).engine
    if command in ("ayuda", "help") and update.effective_chat.type != "private":
        await send_reply(message_of(update), group_help(context.bot.username))
        return
    if command in ("ayuda", "help"):  # each role sees its own commands
        roles = services(context).permissions.roles(update.effective_user.id if update.effective_user else None)
        await send_reply(message_of(update), help_for(engine, roles))
        return
    chat_id = update.effective_chat.id
    replies = [for_chat(reply, context, chat_id) for reply in command_replies(engine, command, command_argument(context))]
    engine.remember_shown(update.effective_chat.id, replies[0])  # /paso 6, then «¿y el siguiente?»
    for reply in replies:
        await send_reply(message_of(update), reply)


READ_ONLY = [command for command in READ_ONLY_COMMANDS if command != "start"]  # /start has its own handler


async def location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A location pin: the card of the state it falls in (told offline), or what was understood
    and the state picker."""
    pin = message_of(update).location
    engine = services(context).engine
    reply = for_chat(engine.answers.location(pin.latitude, pin.longitude), context, update.effective_chat.id)
    engine.remember_shown(update.effective_chat.id, reply)  # the pin, then «¿y su plan?»
    await send_reply(message_of(update), reply)


async def nothing_to_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("No había nada en curso que cancelar.")


def register(application: Application) -> None:
    application.add_handler(CommandHandler("start", start))
    application.add_handler(MessageHandler(filters.LOCATION & filters.ChatType.PRIVATE, location))
    application.add_handler(CommandHandler("cancelar", nothing_to_cancel))
    application.add_handler(CommandHandler(READ_ONLY, read_only_command))
