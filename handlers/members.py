"""The bot's own membership in chats: a user who blocks the bot (or a group that removes it)
stops receiving notices at once; a group that becomes a supergroup keeps its subscriptions."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.error import ChatMigrated, TelegramError
from telegram.ext import Application, ChatMemberHandler, ContextTypes, MessageHandler, filters

from bot.core.commands import group_help
from handlers.common import services

log = logging.getLogger(__name__)

GONE = {ChatMember.BANNED, ChatMember.LEFT}


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    chats = services(context).chats
    chat_id = change.chat.id
    if change.new_chat_member.status in GONE:
        dropped = chats.blocked(chat_id)
        log.info("chat %s blocked or removed the bot; %d pending notices dropped", chat_id, dropped)
        return
    chats.unblocked(chat_id)
    if change.chat.type != "private" and change.old_chat_member.status in GONE:
        await _introduce(context, chat_id)


async def _introduce(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """Added to a group: say how to talk to the bot there and what its administrators can do."""
    text = group_help(context.bot.username, introduction=True).html
    try:
        await context.bot.send_message(chat_id, text)
    except ChatMigrated as moved:  # the group became a supergroup before we got to it
        await context.bot.send_message(moved.new_chat_id, text)
    except TelegramError as error:  # removed again, or muted: nothing to introduce
        log.info("could not introduce the bot in chat %s: %s", chat_id, error)


async def on_migration(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message.migrate_to_chat_id:
        services(context).chats.migrated(message.chat.id, message.migrate_to_chat_id)
        log.info("group %s migrated to %s", message.chat.id, message.migrate_to_chat_id)


def register(application: Application) -> None:
    application.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migration))
