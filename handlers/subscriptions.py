"""/suscribir [entidad], /baja [entidad|todo], /suscripciones, and their buttons. Subscribing
is idempotent; in groups only the group's administrators may change what the group follows."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.core import commands
from bot.core.chats import (
    NOTHING_FOLLOWED, Subscription, all_unsubscribe_question, all_unsubscribed_text, followed_text, kinds_text, subscribe_named,
    subscribed_text, unsubscribed_text,
)
from handlers.keyboards import inline_keyboard
from handlers.buttons import register_action
from handlers.callbacks import encode_action
from handlers.common import command_argument, manages_chat, message_of, services
from handlers.render import send_reply
from bot.core.commands import Named, pick_state, states_named
from bot.runtime.services import Services
from knowledge.reply import Reply, esc
from knowledge.wording import state_button

ADMINS_ONLY = "En un grupo, solo quienes lo administran pueden cambiar sus suscripciones."


def _options_keyboard(slug: str, subscription: Subscription) -> InlineKeyboardMarkup | None:
    reminders_on = bool(subscription.reminders)
    current = {(1, 0): "d", (0, 1): "c", (1, 1): "a"}.get((subscription.documents, subscription.convocatorias))

    def choice(label: str, which: str) -> InlineKeyboardButton:
        mark = "✓ " if which == current else ""
        return InlineKeyboardButton(f"{mark}{label}", callback_data=encode_action("sub_only", f"{slug}:{which}"))

    rows = [
        [choice("Solo documentos", "d"), choice("Solo convocatorias", "c")],
        [choice("Ambos", "a"),
         InlineKeyboardButton("🔕 Sin recordatorios" if reminders_on else "🔔 Con recordatorios",
                              callback_data=encode_action("reminders", f"{slug}:{0 if reminders_on else 1}"))],
        [InlineKeyboardButton("Darme de baja", callback_data=encode_action("unsub", slug))],
    ]
    return inline_keyboard(rows)


async def subscribe_to(update: Update, context: ContextTypes.DEFAULT_TYPE, slug: str, addition: str = "") -> None:
    """Subscribe the chat to both documents and convocatorias of a state, and confirm (with an
    HTML `addition`, such as the privacy line of a first contact through a deep link)."""
    if not await manages_chat(update, context, ADMINS_ONLY):
        return
    found = services(context)
    chat_id = update.effective_chat.id
    is_new, subscription = found.chats.subscribe(chat_id, slug)
    text = subscribed_text(found.engine.kb.states[slug].name, slug, subscription, is_new) + addition
    await update.effective_message.reply_html(text, reply_markup=_options_keyboard(slug, subscription))


async def suscribir(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await manages_chat(update, context, ADMINS_ONLY):
        return
    found = services(context)
    named = states_named(found.engine, command_argument(context))
    if len(named.states) > 1 or (named.states and named.skipped):
        await _subscribe_to_several(update, context, named)
        return
    picked = pick_state(found.engine, command_argument(context), action="subscribe",
                        intro="¿De qué entidad quieres recibir avisos? Elige una:")
    if isinstance(picked, Reply):
        await send_reply(message_of(update), picked)
        return
    await subscribe_to(update, context, picked)


async def _subscribe_to_several(update: Update, context: ContextTypes.DEFAULT_TYPE, named: Named) -> None:
    """/suscribir chiapas y veracruz: every state named, in one confirmation."""
    found = services(context)
    text = subscribe_named(found.chats, found.engine.kb, update.effective_chat.id, named)
    await update.effective_message.reply_html(text)


async def on_subscribe_button(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    query = update.callback_query
    if arg not in services(context).engine.kb.states:
        await query.answer("Ese botón ya no funciona. Usa /suscribir.", show_alert=True)
        return
    if not await manages_chat(update, context, ADMINS_ONLY):
        return
    await query.answer("Suscripción guardada")
    await subscribe_to(update, context, arg)


async def on_narrow_button(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    """Keep only documents (d), only convocatorias (c) or both (a)."""
    slug, _, which = arg.partition(":")
    options = {"d": (True, False), "c": (False, True), "a": (True, True)}.get(which)
    await _update_options(update, context, slug, None if options is None else
                          {"documents": options[0], "convocatorias": options[1]})


async def on_reminders_button(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    slug, _, value = arg.partition(":")
    await _update_options(update, context, slug, {"reminders": value == "1"} if value in ("0", "1") else None)


async def _update_options(update: Update, context: ContextTypes.DEFAULT_TYPE, slug: str, options: dict | None) -> None:
    query = update.callback_query
    chats = services(context).chats
    chat_id = update.effective_chat.id
    if options is None or slug not in services(context).engine.kb.states:
        await query.answer("Ese botón ya no funciona. Usa /suscripciones.", show_alert=True)
        return
    if not await manages_chat(update, context, ADMINS_ONLY):
        return
    subscription = chats.set_options(chat_id, slug, **options)
    if subscription is None:
        await query.answer("Ya no sigues esta entidad. Usa /suscribir para volver.", show_alert=True)
        return
    name = services(context).engine.kb.states[slug].name
    await query.answer(f"{name}: {kinds_text(subscription)}")
    keyboard = _options_keyboard(slug, subscription)
    shown = getattr(query.message, "reply_markup", None)
    if shown is not None and shown != keyboard:  # Telegram refuses an edit that changes nothing
        await query.edit_message_text(subscribed_text(name, slug, subscription, None), reply_markup=keyboard)


async def baja(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await manages_chat(update, context, ADMINS_ONLY):
        return
    found = services(context)
    chat_id = update.effective_chat.id
    followed = found.chats.subscriptions(chat_id)
    argument = command_argument(context).lower()
    if not followed:
        await update.effective_message.reply_text(NOTHING_FOLLOWED)
        return
    if argument in ("todo", "todas", "todos"):
        removed = found.chats.unsubscribe(chat_id)
        await update.effective_message.reply_text(all_unsubscribed_text(removed))
        return
    if not argument and len(followed) > 1:
        await update.effective_message.reply_text("¿De cuál te doy de baja?", reply_markup=_followed_keyboard(found, followed))
        return
    slug = found.engine.understand(argument).state if argument else followed[0].state
    if slug is None or slug not in {s.state for s in followed}:
        text = f"No encontré «{esc(argument[:60])}» entre las entidades que sigues. ¿De cuál te doy de baja?"
        await update.effective_message.reply_html(text, reply_markup=_followed_keyboard(found, followed))
        return
    await update.effective_message.reply_html(_unsubscribe(found, chat_id, slug))


def _followed_keyboard(found: Services, followed: list[Subscription]) -> InlineKeyboardMarkup | None:
    names = found.engine.kb.states
    rows = [[InlineKeyboardButton(state_button("🔕 Baja de {}", names[s.state].name), callback_data=encode_action("unsub", s.state))]
            for s in followed]
    rows.append([InlineKeyboardButton("🔕 Baja de todas", callback_data=encode_action("unsub", "todo"))])
    return inline_keyboard(rows)


def _unsubscribe(found: Services, chat_id: int, slug: str) -> str:
    removed = found.chats.unsubscribe(chat_id, slug)
    return unsubscribed_text(found.engine.kb.states[slug].name, slug, bool(removed))


ALL, ALL_CONFIRMED, ALL_KEPT = "todo", "todo-si", "todo-no"  # «Baja de todas» asks before it acts


async def on_unsubscribe_button(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    query = update.callback_query
    assert query is not None  # a button's action: its update is a callback query
    found = services(context)
    if arg not in (ALL, ALL_CONFIRMED, ALL_KEPT) and arg not in found.engine.kb.states:
        await query.answer("Ese botón ya no funciona. Usa /baja.", show_alert=True)
        return
    if not await manages_chat(update, context, ADMINS_ONLY):
        return
    chat_id = update.effective_chat.id
    if arg in (ALL, ALL_KEPT):
        await _ask_or_show_followed(query, found, chat_id, asking=arg == ALL)
        return
    if arg == ALL_CONFIRMED:
        removed = found.chats.unsubscribe(chat_id)
        if not removed:  # a second tap on «Sí»: the first one already did it
            await query.answer("Ya no sigues ninguna entidad.")
            return
        await query.answer()
        await query.edit_message_text(all_unsubscribed_text(removed))
        return
    await query.answer()
    await query.edit_message_text(_unsubscribe(found, chat_id, arg))


async def _ask_or_show_followed(query: CallbackQuery, found: Services, chat_id: int, asking: bool) -> None:
    """«Baja de todas» first asks (naming what would stop); «No» shows the subscriptions again."""
    followed = found.chats.subscriptions(chat_id)
    await query.answer()
    if not followed:
        await query.edit_message_text(NOTHING_FOLLOWED)
        return
    if not asking:
        await query.edit_message_text(followed_text(found.engine.kb, followed), parse_mode="HTML",
                                      reply_markup=_followed_keyboard(found, followed))
        return
    text = all_unsubscribe_question(found.engine.kb, followed)
    keyboard = inline_keyboard([[InlineKeyboardButton("Sí, de todas", callback_data=encode_action("unsub", ALL_CONFIRMED)),
                                      InlineKeyboardButton("◀ No, volver", callback_data=encode_action("unsub", ALL_KEPT))]])
    await query.edit_message_text(text, parse_mode="HTML", reply_markup=keyboard)


async def suscripciones(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = services(context)
    followed = found.chats.subscriptions(update.effective_chat.id)
    if not followed:
        await update.effective_message.reply_text(NOTHING_FOLLOWED)
        return
    await update.effective_message.reply_html(followed_text(found.engine.kb, followed),
                                              reply_markup=_followed_keyboard(found, followed))


def register(application: Application) -> None:
    application.add_handler(CommandHandler(commands.names("suscribir"), suscribir))
    application.add_handler(CommandHandler(commands.names("baja"), baja))
    application.add_handler(CommandHandler(commands.names("suscripciones"), suscripciones))
    register_action("subscribe", on_subscribe_button)
    register_action("sub_only", on_narrow_button)
    register_action("reminders", on_reminders_button)
    register_action("unsub", on_unsubscribe_button)
