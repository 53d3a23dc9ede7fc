"""The buttons every Telegram reply may carry besides its own: «📤 Compartir» (when the bot has
inline mode, so the share opens a chat picker with the query ready) and «📍 Ver el mapa» after
the welcome and after counts and lists of states. Decided by knowledge/sharing.py."""

from __future__ import annotations

from telegram import Bot, TelegramObject

from knowledge.loader import default_knowledge
from knowledge.reply import Action, Button, Reply
from knowledge.sharing import MAP_TEXT, SHARE_TEXT, map_offer, share_query


def with_share_buttons(reply: Reply, source: TelegramObject) -> tuple[tuple[Button, ...], ...]:
    """The reply's buttons plus a row with the map and the share button, when they apply.
    `source` is the message or update being answered (it knows its bot)."""
    extra: list[Button] = []
    mode = map_offer(reply)
    if mode:
        extra.append(Button(MAP_TEXT, Action("map", mode)))
    query = share_query(reply, default_knowledge()) if can_share(source) else None
    if query:
        extra.append(Button(SHARE_TEXT, share=query))
    return reply.buttons + ((tuple(extra),) if extra else ())


def can_share(source: TelegramObject | Bot) -> bool:
    """A share button needs inline mode (/setinline in @BotFather); without it Telegram would
    refuse the whole message."""
    try:
        bot = source if isinstance(source, Bot) else source.get_bot()
        return bool(bot.supports_inline_queries)
    except RuntimeError:  # no bot behind it, or one not initialized: it knows nothing about itself
        return False
