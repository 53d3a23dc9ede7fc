"""The bot's own membership in chats: a user who blocks the bot (or a group that removes it)
stops receiving notices at once; a group that becomes a supergroup keeps its subscriptions."""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.ext import Application, ChatMemberHandler, ContextTypes, MessageHandler, filters

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
    else:
        chats.unblocked(chat_id)


async def on_migration(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message.migrate_to_chat_id:
        services(context).chats.migrated(message.chat.id, message.migrate_to_chat_id)
        log.info("group %s migrated to %s", message.chat.id, message.migrate_to_chat_id)


def register(application: Application) -> None:
    application.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migration))
