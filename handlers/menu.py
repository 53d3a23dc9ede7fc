"""The command menu Telegram shows, per scope: everyone in private chats, groups, and (per chat)
facilitators and admins, who see their extra commands."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, BotCommandScopeChat
from telegram.error import TelegramError

log = logging.getLogger(__name__)

CITIZEN = [
    ("estado", "Cómo va una entidad"),
    ("pasos", "Los 13 pasos de la estrategia local"),
    ("paso", "Un paso, por ejemplo /paso 6"),
    ("glosario", "Qué significa un término, por ejemplo /glosario STL"),
    ("convocatorias", "Convocatorias abiertas"),
    ("documentos", "Lo que publicó el STL de una entidad"),
    ("suscribir", "Recibir avisos de una entidad"),
    ("baja", "Dejar de recibir avisos"),
    ("suscripciones", "Qué entidades sigues"),
    ("fuentes", "De dónde sale la información"),
    ("privacidad", "Qué datos guardo"),
    ("mis_datos", "Ver lo que guardo de este chat"),
    ("borrar_mis_datos", "Borrar lo que guardo de este chat"),
    ("ayuda", "Qué puedo hacer"),
]
GROUP = [c for c in CITIZEN if c[0] not in ("mis_datos", "borrar_mis_datos", "privacidad")]
FACILITATOR = [
    ("publicar", "Publicar un documento del STL"),
    ("convocar", "Publicar una convocatoria"),
    ("mis_convocatorias", "Editar o cancelar tus convocatorias"),
    ("cancelar", "Cancelar lo que estás haciendo"),
]
ADMIN = [
    ("nombrar_facilitador", "Nombrar a una persona facilitadora"),
    ("quitar_facilitador", "Quitar a una persona facilitadora"),
    ("facilitadores", "Ver las personas facilitadoras"),
]


def _commands(pairs) -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in pairs]


async def set_default_menus(bot: Bot, admin_ids, facilitator_ids) -> None:
    await bot.set_my_commands(_commands(CITIZEN), scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands(_commands(GROUP), scope=BotCommandScopeAllGroupChats())
    for user in set(facilitator_ids) | set(admin_ids):
        await set_personal_menu(bot, user, is_admin=user in admin_ids, is_facilitator=user in facilitator_ids)


async def set_personal_menu(bot: Bot, user_id: int, is_admin: bool, is_facilitator: bool) -> None:
    """Best effort: a user who never started the bot cannot get a per-chat menu yet."""
    pairs = CITIZEN + (FACILITATOR if is_facilitator or is_admin else []) + (ADMIN if is_admin else [])
    try:
        if pairs == CITIZEN:
            await bot.delete_my_commands(scope=BotCommandScopeChat(user_id))
        else:
            await bot.set_my_commands(_commands(pairs), scope=BotCommandScopeChat(user_id))
    except TelegramError as error:
        log.info("could not set the menu for %s: %s", user_id, error)
