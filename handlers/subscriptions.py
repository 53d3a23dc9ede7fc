"""/suscribir [entidad], /baja [entidad|todo], /suscripciones, and their buttons. Subscribing
is idempotent; in groups only the group's administrators may change what the group follows."""

from __future__ import annotations

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.core import commands
from bot.core.chats import (
    NOTHING_FOLLOWED, Subscription, all_unsubscribe_question, all_unsubscribed_text, followed_text, kinds_text, subscribe_named,
    subscribed_text, unsubscribed_text,
)
from handlers.keyboards import inline_keyboard, page_row
from handlers.buttons import register_action
from handlers.callbacks import encode_action
from handlers.common import command_argument, manages_chat, message_of, services
from handlers.following import following_label
from handlers.render import edit_in_place, send_reply
from bot.core.commands import Named, pick_state, states_named
from bot.runtime.services import Services
from knowledge.reply import Reply, esc
from knowledge.text import ascii_int
from knowledge.wording import page_line, page_of, state_button

ADMINS_ONLY = "En un grupo, solo quienes lo administran pueden cambiar sus suscripciones."


SCOPES = {"d": (True, False), "c": (False, True), "a": (True, True)}  # only documents, only convocatorias, both
UNDO_LABEL = "↩️ Deshacer"
LIST_LABEL = "◀ Mis suscripciones"
LEAVE_LABEL = "🔕 Dejar de seguir"
FOLLOWED_PER_PAGE = 6  # /baja's list, one to a row: with ◀ ▶ and «Baja de todas», 8 rows
SETTINGS_PER_PAGE = 12  # /suscripciones' list, two to a row: 6 rows, ◀ ▶ and «Baja de todas»
WHICH_ONE = "¿De cuál te doy de baja?"


def _pressed(update: Update) -> CallbackQuery:
    assert update.callback_query is not None  # a button's action: its update is a callback query
    return update.callback_query


def _options_keyboard(slug: str, subscription: Subscription) -> InlineKeyboardMarkup | None:
    """A subscription's settings: what it receives, its reminders (when it receives
    convocatorias), leaving it, and the list of all. The current choices are marked ✓; every
    button names the state it sets, so a second tap sets the same thing again (no toggles)."""
    current = {kinds: code for code, kinds in SCOPES.items()}.get((subscription.documents, subscription.convocatorias))

    def choice(label: str, chosen: bool, kind: str, arg: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(f"✓ {label}" if chosen else label, callback_data=encode_action(kind, f"{slug}:{arg}"))

    rows = [
        [choice("Solo documentos", current == "d", "sub_only", "d"),
         choice("Solo convocatorias", current == "c", "sub_only", "c")],
        [choice("Ambos", current == "a", "sub_only", "a")],
    ]
    if subscription.convocatorias:
        rows.append([choice("Con recordatorios", subscription.reminders, "reminders", "1"),
                     choice("Sin recordatorios", not subscription.reminders, "reminders", "0")])
    rows.append([InlineKeyboardButton(LEAVE_LABEL, callback_data=encode_action("unsub", slug)),
                 InlineKeyboardButton(LIST_LABEL, callback_data=encode_action("subs"))])
    return inline_keyboard(rows)


def undo_arg(subscription: Subscription) -> str:
    """What [↩️ Deshacer] needs to follow a state again exactly as before: «slug:DCR» (documents,
    convocatorias, reminders as 1/0)."""
    bits = "".join(str(int(flag)) for flag in (subscription.documents, subscription.convocatorias, subscription.reminders))
    return f"{subscription.state}:{bits}"


_UNDO_BITS = {"100", "101", "010", "011", "110", "111"}  # something is received: never all off


def undone_subscription(arg: str, states) -> Subscription | None:
    """The subscription an undo button restores; None for data that is stale or was tampered with."""
    slug, _, bits = arg.partition(":")
    if slug not in states or bits not in _UNDO_BITS:
        return None
    return Subscription(slug, bits[0] == "1", bits[1] == "1", bits[2] == "1")


async def subscribe_to(update: Update, context: ContextTypes.DEFAULT_TYPE, slug: str, addition: str = "") -> None:
    """Subscribe the chat to both documents and convocatorias of a state, and confirm (with an
    HTML `addition`, such as the privacy line of a first contact through a deep link). A state
    already followed keeps what the chat chose, and the reply shows its settings."""
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
    """[🔔 Suscribirme] (a card, a list, the picker). Once followed the button reads «✓ Siguiendo»
    (handlers/following.py), and a tap opens the subscription's settings: it never subscribes
    again, nor undoes what the chat chose."""
    query = _pressed(update)
    found = services(context)
    if arg not in found.engine.kb.states:
        await query.answer("Ese botón ya no funciona. Usa /suscribir.", show_alert=True)
        return
    if not await manages_chat(update, context, ADMINS_ONLY):
        return
    name = found.engine.kb.states[arg].name
    followed = found.chats.subscription(update.effective_chat.id, arg) is not None
    await query.answer(f"Ya sigues a {name}: estos son tus avisos." if followed else "Suscripción guardada")
    await subscribe_to(update, context, arg)
    await _mark_followed(query.message, arg)


async def _mark_followed(message, slug: str) -> None:
    """The pressed message's 🔔 for this state now reads «✓ Siguiendo» (a picker's state button
    gets a ✓): what the chat follows shows where it was chosen."""
    markup = getattr(message, "reply_markup", None)
    if not isinstance(message, Message) or markup is None:
        return
    data = encode_action("subscribe", slug)
    rows = [[_followed_button(button) if button.callback_data == data else button for button in row]
            for row in markup.inline_keyboard]
    marked = inline_keyboard(rows)
    if marked != markup:
        await message.edit_reply_markup(reply_markup=marked)


def _followed_button(button: InlineKeyboardButton) -> InlineKeyboardButton:
    return InlineKeyboardButton(following_label(button.text), callback_data=button.callback_data)


async def on_narrow_button(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    """Keep only documents (d), only convocatorias (c) or both (a)."""
    slug, _, which = arg.partition(":")
    options = SCOPES.get(which)
    await _update_options(update, context, slug, None if options is None else
                          {"documents": options[0], "convocatorias": options[1]})


async def on_reminders_button(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    slug, _, value = arg.partition(":")
    await _update_options(update, context, slug, {"reminders": value == "1"} if value in ("0", "1") else None)


async def _update_options(update: Update, context: ContextTypes.DEFAULT_TYPE, slug: str, options: dict | None) -> None:
    """Change one subscription in place: the same message shows its settings after the change.
    Asking for what it already has (a double tap, an old copy of the message) changes nothing."""
    query = _pressed(update)
    found = services(context)
    chat_id = update.effective_chat.id
    if options is None or slug not in found.engine.kb.states:
        await query.answer("Ese botón ya no funciona. Usa /suscripciones.", show_alert=True)
        return
    if not await manages_chat(update, context, ADMINS_ONLY):
        return
    current = found.chats.subscription(chat_id, slug)
    if current is None:
        await query.answer("Ya no sigues esta entidad. Usa /suscribir para volver.", show_alert=True)
        return
    name = found.engine.kb.states[slug].name
    if all(getattr(current, field) == wanted for field, wanted in options.items()):
        await query.answer(f"Ya estaba así. {name}: {kinds_text(current)}")
        return
    subscription = found.chats.set_options(chat_id, slug, **options)
    if subscription is None:  # left meanwhile
        await query.answer("Ya no sigues esta entidad. Usa /suscribir para volver.", show_alert=True)
        return
    await query.answer(f"{name}: {kinds_text(subscription)}")
    await _edit(query, subscribed_text(name, slug, subscription, None), _options_keyboard(slug, subscription))


async def _edit(query: CallbackQuery, html: str, markup: InlineKeyboardMarkup | None) -> None:
    """Show another view in the same message (nothing is asked when it is on screen already)."""
    await edit_in_place(query.message, html, markup)


async def on_settings_button(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    """A subscription of /suscripciones: its settings, in the same message."""
    query = _pressed(update)
    found = services(context)
    if arg not in found.engine.kb.states:
        await query.answer("Ese botón ya no funciona. Usa /suscripciones.", show_alert=True)
        return
    subscription = found.chats.subscription(update.effective_chat.id, arg)
    name = found.engine.kb.states[arg].name
    if subscription is None:
        await query.answer(f"Ya no sigues a {name}.")
        await _show_list(query, found, update.effective_chat.id)
        return
    await query.answer()
    await _edit(query, subscribed_text(name, arg, subscription, None), _options_keyboard(arg, subscription))


async def on_list_button(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    """[◀ Mis suscripciones] (and its ◀ ▶): the list, in the same message."""
    query = _pressed(update)
    await query.answer()
    await _show_list(query, services(context), update.effective_chat.id, ascii_int(arg) or 0)


async def _show_list(query: CallbackQuery, found: Services, chat_id: int, page: int = 0) -> None:
    followed = found.chats.subscriptions(chat_id)
    if not followed:
        await _edit(query, NOTHING_FOLLOWED, None)
        return
    await _edit(query, *_settings_view(found, followed, page))


def _settings_view(found: Services, followed: list[Subscription], page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """/suscripciones: every followed state in the text, and a page of their buttons."""
    markup, pages = settings_page(found, followed, page)
    text = followed_text(found.engine.kb, followed, buttons=True)
    if pages > 1:
        page, _, first = page_of(len(followed), page, SETTINGS_PER_PAGE)
        last = min(first + SETTINGS_PER_PAGE, len(followed))
        line = page_line(first + 1, last, len(followed))
        text += f"\n\nBotones: {line[0].lower()}{line[1:]}"
    return text, markup


async def restored_by_button(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str, stale: str) -> Subscription | None:
    """[↩️ Deshacer] (under a baja or a notice): the subscription as it was, said on the button;
    None when the button is stale, the person may not, or a first tap already did it."""
    query = _pressed(update)
    found = services(context)
    wanted = undone_subscription(arg, found.engine.kb.states)
    if wanted is None:
        await query.answer(stale, show_alert=True)
        return None
    if not await manages_chat(update, context, ADMINS_ONLY):
        return None
    name = found.engine.kb.states[wanted.state].name
    if not found.chats.restore(update.effective_chat.id, wanted):  # a second tap: the first one did it
        await query.answer(f"Ya sigues a {name}.")
        return None
    await query.answer(f"Listo: sigues otra vez a {name}.")
    return wanted


async def left_by_button(update: Update, context: ContextTypes.DEFAULT_TYPE, slug: str) -> Subscription | None:
    """[🔕 Dejar de seguir] (in the settings or under a notice): the subscription it ended, said on
    the button; None when a first tap already did it."""
    found = services(context)
    name = found.engine.kb.states[slug].name
    before = found.chats.leave(update.effective_chat.id, slug)
    if before is None:  # a second tap, or it was left another way meanwhile
        await _pressed(update).answer(f"Ya no sigues a {name}.")
        return None
    await _pressed(update).answer(f"Listo: ya no sigues a {name}.")
    return before


async def on_undo_button(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    """[↩️ Deshacer] after a baja: the subscription as it was, and its settings in the same message."""
    wanted = await restored_by_button(update, context, arg, "Ese botón ya no funciona. Usa /suscribir.")
    if wanted is not None:
        name = services(context).engine.kb.states[wanted.state].name
        await _edit(_pressed(update), subscribed_text(name, wanted.state, wanted, None), _options_keyboard(wanted.state, wanted))


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
        text, markup = _which_one(found, followed, WHICH_ONE, 0)
        await update.effective_message.reply_html(text, reply_markup=markup)
        return
    slug = found.engine.understand(argument).state if argument else followed[0].state
    if slug is None or slug not in {s.state for s in followed}:
        text, markup = _which_one(found, followed, f"No encontré «{esc(argument[:60])}» entre las entidades que sigues. {WHICH_ONE}", 0)
        await update.effective_message.reply_html(text, reply_markup=markup)
        return
    await update.effective_message.reply_html(_unsubscribe(found, chat_id, slug))


def _which_one(found: Services, followed: list[Subscription], question: str, page: int
               ) -> tuple[str, InlineKeyboardMarkup | None]:
    """/baja's question and a page of the followed states, each a button that leaves it."""
    markup, pages = followed_page(found, followed, page)
    if pages > 1:
        page, _, first = page_of(len(followed), page, FOLLOWED_PER_PAGE)
        question += f"\n\n{page_line(first + 1, min(first + FOLLOWED_PER_PAGE, len(followed)), len(followed))}"
    return question, markup


async def on_baja_page(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    """◀ ▶ under /baja's list: another page of it, in the same message."""
    query = _pressed(update)
    found = services(context)
    followed = found.chats.subscriptions(update.effective_chat.id)
    await query.answer()
    if not followed:
        await _edit(query, NOTHING_FOLLOWED, None)
        return
    await _edit(query, *_which_one(found, followed, WHICH_ONE, ascii_int(arg) or 0))


def _paged(followed: list[Subscription], page: int, size: int) -> tuple[list[Subscription], int, int]:
    page, pages, first = page_of(len(followed), page, size)
    return followed[first:first + size], page, pages


def settings_page(found: Services, followed: list[Subscription], page: int) -> tuple[InlineKeyboardMarkup | None, int]:
    """/suscripciones: a button per subscription, two to a row, opens its settings, a page at a
    time; then ◀ ▶ and «Baja de todas». Returns the keyboard and how many pages there are."""
    names = found.engine.kb.states
    shown, page, pages = _paged(followed, page, SETTINGS_PER_PAGE)
    buttons = [InlineKeyboardButton(state_button("⚙️ {}", names[s.state].name), callback_data=encode_action("sub_settings", s.state))
               for s in shown]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    rows.append(page_row(page, pages, lambda label, to: InlineKeyboardButton(label, callback_data=encode_action("subs", str(to)))))
    rows.append([InlineKeyboardButton("🔕 Baja de todas", callback_data=encode_action("unsub", "todo"))])
    return inline_keyboard(rows), pages


def followed_page(found: Services, followed: list[Subscription], page: int) -> tuple[InlineKeyboardMarkup | None, int]:
    """/baja: a button per followed state, one to a row, a page at a time; then ◀ ▶ and «Baja
    de todas». Returns the keyboard and how many pages there are."""
    names = found.engine.kb.states
    shown, page, pages = _paged(followed, page, FOLLOWED_PER_PAGE)
    rows = [[InlineKeyboardButton(state_button("🔕 Baja de {}", names[s.state].name), callback_data=encode_action("unsub", s.state))]
            for s in shown]
    rows.append(page_row(page, pages, lambda label, to: InlineKeyboardButton(label, callback_data=encode_action("baja_page", str(to)))))
    rows.append([InlineKeyboardButton("🔕 Baja de todas", callback_data=encode_action("unsub", "todo"))])
    return inline_keyboard(rows), pages


def _unsubscribe(found: Services, chat_id: int, slug: str) -> str:
    removed = found.chats.unsubscribe(chat_id, slug)
    return unsubscribed_text(found.engine.kb.states[slug].name, slug, bool(removed))


def _left_keyboard(before: Subscription) -> InlineKeyboardMarkup | None:
    return inline_keyboard([[InlineKeyboardButton(UNDO_LABEL, callback_data=encode_action("sub_undo", undo_arg(before))),
                             InlineKeyboardButton(LIST_LABEL, callback_data=encode_action("subs"))]])


ALL, ALL_CONFIRMED, ALL_KEPT = "todo", "todo-si", "todo-no"  # «Baja de todas» asks before it acts


async def on_unsubscribe_button(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    query = _pressed(update)
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
    before = await left_by_button(update, context, arg)
    if before is not None:
        name = found.engine.kb.states[arg].name
        await _edit(query, unsubscribed_text(name, arg, True, buttons=True), _left_keyboard(before))


async def _ask_or_show_followed(query: CallbackQuery, found: Services, chat_id: int, asking: bool) -> None:
    """«Baja de todas» first asks (naming what would stop); «No» shows the subscriptions again."""
    followed = found.chats.subscriptions(chat_id)
    await query.answer()
    if not followed:
        await query.edit_message_text(NOTHING_FOLLOWED)
        return
    if not asking:
        await _edit(query, *_settings_view(found, followed, 0))
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
    text, markup = _settings_view(found, followed, 0)
    await update.effective_message.reply_html(text, reply_markup=markup)


def register(application: Application) -> None:
    application.add_handler(CommandHandler(commands.names("suscribir"), suscribir))
    application.add_handler(CommandHandler(commands.names("baja"), baja))
    application.add_handler(CommandHandler(commands.names("suscripciones"), suscripciones))
    register_action("subscribe", on_subscribe_button)
    register_action("sub_only", on_narrow_button)
    register_action("reminders", on_reminders_button)
    register_action("unsub", on_unsubscribe_button)
    register_action("sub_settings", on_settings_button)
    register_action("subs", on_list_button)
    register_action("sub_undo", on_undo_button)
    register_action("baja_page", on_baja_page)
