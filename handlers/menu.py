"""The command menu Telegram shows, per scope: everyone in private chats, groups, and (per chat)
facilitators, curators and admins, who see their extra commands."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError

from bot.core import commands

log = logging.getLogger(__name__)

CITIZEN = commands.menu(commands.CITIZEN)
GROUP = commands.menu(commands.CITIZEN, in_group=True)
FACILITATOR = commands.menu(commands.FACILITATOR)[len(CITIZEN):]
CURATOR = commands.menu(commands.CURATOR)[len(CITIZEN):]
ADMIN = [pair for pair in commands.menu(commands.ADMIN)[len(CITIZEN):] if pair not in FACILITATOR + CURATOR]


def _commands(pairs) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in pairs]


async def set_profile(bot: Bot) -> None:
    """The description people read before their first /start, and the profile's short one."""
    try:
        await bot.set_my_description(commands.DESCRIPTION)
        await bot.set_my_short_description(commands.SHORT_DESCRIPTION)
    except TelegramError as error:  # cosmetic: the bot works without it
        log.info("could not set the bot's description: %s", error)


async def set_default_menus(bot: Bot, admin_ids, facilitator_ids, curator_ids=()) -> None:
    await bot.set_my_commands(_commands(CITIZEN), scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(_commands(GROUP), scope=BotCommandScopeAllGroupChats())
    for user in set(facilitator_ids) | set(admin_ids) | set(curator_ids):
        await set_personal_menu(bot, user, is_admin=user in admin_ids, is_facilitator=user in facilitator_ids,
                                is_curator=user in curator_ids)


async def set_personal_menu(bot: Bot, user_id: int, is_admin: bool, is_facilitator: bool,
                            is_curator: bool = False) -> None:
    """Best effort: a user who never started the bot cannot get a per-chat menu yet."""
    roles = {role for role, has in ((commands.ADMIN, is_admin), (commands.FACILITATOR, is_facilitator),
                                    (commands.CURATOR, is_curator)) if has}
    pairs = commands.menu_for(roles)
    try:
        if pairs == CITIZEN:
            await bot.delete_my_commands(scope=BotCommandScopeChat(user_id))
        else:
            await bot.set_my_commands(_commands(pairs), scope=BotCommandScopeChat(user_id))
    except TelegramError as error:
        log.info("could not set the menu for %s: %s", user_id, error)
