"""What every handler needs: the shared services, and a chat recorded as it talks to us."""

from __future__ import annotations

import functools
import logging

from telegram import Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.core.permissions import Permissions
from bot.runtime.services import Services

log = logging.getLogger(__name__)

SERVICES_KEY = "services"
DISPATCHER_KEY = "dispatcher"


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[SERVICES_KEY]


def permissions(context: ContextTypes.DEFAULT_TYPE) -> Permissions:
    return services(context).permissions


def user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


def command_argument(context: ContextTypes.DEFAULT_TYPE) -> str:
    return " ".join(context.args or []).strip()


NOT_ADMIN = "Este comando es solo para quienes administran CocreaBot."
NOT_FACILITATOR = ("Este comando es para las personas facilitadoras de un STL. Si lo eres, pide a quien "
                   "administra el bot que te dé de alta (le sirve el id que ves en /mis_datos).")


def admin_only(handler):
    """The command runs only for COCREA_ADMIN_IDS; anybody else gets a polite no."""

    @functools.wraps(handler)
    async def checked(update: Update, context: ContextTypes.DEFAULT_TYPE):
        if not permissions(context).is_admin(user_id(update)):
            await refuse(update, NOT_ADMIN)
            return None
        return await handler(update, context)

    return checked


CANNOT_CHECK = ("No pude comprobar con Telegram si administras este grupo. Intenta de nuevo en un momento; "
                "si sigue pasando, revisa que el bot pueda ver la lista de miembros.")


async def manages_chat(update: Update, context: ContextTypes.DEFAULT_TYPE, refusal: str) -> bool:
    """In a private chat, the person; in a group, only its administrators (also one writing
    anonymously, as the group itself), may change what the chat follows or erase its data.
    Anybody else gets `refusal`; when Telegram cannot tell, a kind line (and one line in the log)."""
    chat = update.effective_chat
    if chat.type == "private":
        return True
    message = update.effective_message if not update.callback_query else None
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True  # an anonymous administrator: Telegram shows the group as the sender
    try:
        member = await context.bot.get_chat_member(chat.id, update.effective_user.id)
    except TelegramError as error:
        log.warning("getChatMember failed for chat %s: %s", chat.id, error)
        await refuse(update, CANNOT_CHECK)
        return False
    if member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER):
        return True
    await refuse(update, refusal)
    return False


async def refuse(update: Update, text: str) -> None:
    """A polite no, as a button answer or a message."""
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message:
        await update.effective_message.reply_text(text)


def wake_dispatcher(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Deliver now what was just queued, instead of at the dispatcher's next look."""
    dispatcher = context.application.bot_data.get(DISPATCHER_KEY)
    if dispatcher:
        dispatcher.wake()


def message_of(update: Update) -> Message:
    """The message of an update a handler is registered for (a command, text, a forward)."""
    if update.effective_message is None:
        raise ValueError("this handler needs an update with a message")
    return update.effective_message
