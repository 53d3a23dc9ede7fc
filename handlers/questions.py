"""Free text goes to the answering engine, read against the chat's last question («¿y
Zacatecas?»). In groups the bot answers only messages that mention it or reply to it, never every
message; a group shares one conversation, keyed by the chat like a private one."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity, Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from handlers import curation

ONLY_TEXT = "Por ahora solo entiendo mensajes de texto. Escríbeme tu pregunta o toca /ayuda."
UNKNOWN_COMMAND = "No conozco ese comando. Escribe /ayuda para ver lo que puedo hacer."


class AddressedToBot(filters.MessageFilter):
    """A group message that mentions the bot (@name), runs one of its commands (/cmd@name) or
    replies to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied and replied.from_user and replied.from_user.id == bot.id:
            return True
        return _mentions(message, bot.username)


def _mentions(message: Message, username: str | None) -> bool:
    if not username or not message.text:
        return False
    handle = f"@{username}".lower()
    found = message.parse_entities([MessageEntity.MENTION, MessageEntity.BOT_COMMAND])
    return any(_names_us(entity.type, value.lower(), handle) for entity, value in found.items())


def _names_us(kind: str, value: str, handle: str) -> bool:
    if kind == MessageEntity.BOT_COMMAND:
        return value.endswith(handle)  # /cmd@ourbot
    return value == handle


def _without_mention(text: str, username: str | None) -> str:
    if not username:
        return text
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None:  # registered for text messages: there is always one
        return
    text = _without_mention(message.text or "", context.bot.username)
    # Inline: answers take well under 2 ms (p99 1.4 ms in benchmarks/answer_latency.py), and the
    # store reads they make (progress, documents, convocatorias) go through this thread's own
    # read connection, never through the writer's lock, so a fan-out writing in a thread or in
    # another process does not hold them up (bot/store/connection.py;
    # benchmarks/answer_under_fanout.py). A thread hop would cost about a third of the throughput.
    # The answer may be the team's, and may offer to send the question to the team or ask «¿Te sirvió?».
    in_group = update.effective_chat.type != "private"
    await curation.answer(update, context, text, quote=in_group)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(ONLY_TEXT)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(UNKNOWN_COMMAND)


def register(application: Application) -> None:
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    plain_text = filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(plain_text & (private | (groups & AddressedToBot())), answer_question))
    # unknown commands: always in private; in groups only when addressed to us (/cmd@ourbot)
    application.add_handler(MessageHandler(filters.COMMAND & (private | (groups & AddressedToBot())), unknown_command))
    application.add_handler(MessageHandler(private & filters.UpdateType.MESSAGE & ~filters.TEXT & ~filters.StatusUpdate.ALL, not_text))
