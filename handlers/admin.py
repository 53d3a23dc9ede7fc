"""Admin commands: name and remove facilitators, list them. Only for COCREA_ADMIN_IDS.

The person is named by their numeric id, by their @username once they have written to the bot, by
replying to one of their messages (or to a message of theirs forwarded to the bot), or, with a
state and nobody named, with Telegram's user picker
(a reply-keyboard button with KeyboardButtonRequestUsers; the answer is a users_shared message).
The person named or removed is told what they can do now."""

from __future__ import annotations

import logging

from telegram import (
    KeyboardButton, KeyboardButtonRequestUsers, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update,
)
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from handlers import menu
from bot.core.chats import username_problem
from handlers.common import SERVICES_KEY, admin_only, message_of, permissions, services, user_id
from knowledge.reply import esc
from knowledge.text import ascii_int

log = logging.getLogger(__name__)

# Replies are HTML (the application's default parse mode): angle brackets must be escaped.
USAGE_NAME = esc("Uso: /nombrar_facilitador <entidad>, respondiendo a un mensaje de la persona (o a uno suyo que "
                 "me reenviaste), o solo con la entidad para elegirla de tus contactos; también "
                 "/nombrar_facilitador @usuario <entidad> (si ya me escribió) o /nombrar_facilitador <id de Telegram> "
                 "<entidad>, por ejemplo /nombrar_facilitador @ana_stl jalisco")
USAGE_REMOVE = esc("Uso: /quitar_facilitador <id de Telegram o @usuario> [entidad], o respondiendo a un mensaje de la "
                   "persona; sin entidad se le quitan todas.")
PICKER_BASE = 1000  # request_id of the user picker: PICKER_BASE + the state's place among the sorted slugs
HIDDEN = ("Esa persona no deja ver quién es en sus mensajes reenviados. Pídele su id (lo ve en /mis_datos), "
          "o elígela con el botón.")


def _target_of(message: Message) -> tuple[int | None, str | None, str]:
    """(id, name, problem) of the person a replied-to message points at: the author of the
    original when it is a forward, else its sender; never a bot."""
    replied = message.reply_to_message
    if replied is None:
        return None, None, ""
    if replied.forward_origin is not None:
        return _target_of_forward(replied)
    sender = replied.from_user
    if sender is None or sender.is_bot:
        return None, None, "Responde a un mensaje de la persona, no a uno mío."
    return sender.id, sender.full_name, ""


def _parse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[int | None, str | None, str, str]:
    """(id, name, place typed, problem) from a reply or the arguments."""
    args = context.args or []
    target, name, problem = _target_of(message_of(update))
    if target is not None or problem:
        return target, name, " ".join(args).strip(), problem
    if args and (args[0].lstrip("-").isdigit() or args[0].startswith("@")):
        if args[0].startswith("@"):
            target, problem = _by_username(context, args[0])
            return target, args[0] if target else None, " ".join(args[1:]).strip(), problem
        number = ascii_int(args[0].removeprefix("-"), max_digits=16)  # Telegram ids: 52 bits
        if number is None or number == 0:
            return None, None, "", f"«{esc(args[0][:20])}» no es un id de Telegram (son solo números)."
        return (-number if args[0].startswith("-") else number), None, " ".join(args[1:]).strip(), ""
    if len(args) >= 2 and _state(context, args[0]) is None and _state(context, " ".join(args[1:])):
        return None, None, "", (f"«{esc(args[0][:20])}» no es un id de Telegram (son solo números). Responde a un "
                                "mensaje de la persona, o escribe solo la entidad y elígela con el botón.")
    return None, None, " ".join(args).strip(), ""


def _by_username(context: ContextTypes.DEFAULT_TYPE, typed: str) -> tuple[int | None, str]:
    """(id, problem) of the person with this @username: only people who wrote to the bot are known."""
    problem = username_problem(typed)
    if problem:
        return None, problem
    target = services(context).chats.user_named(typed)
    if target is not None:
        return target, ""
    handle = esc(typed[:40])
    if typed.lower().endswith("bot"):
        return None, f"{handle} es un bot: solo una persona puede facilitar un STL."
    return None, (f"No conozco a {handle}: esa persona todavía no me ha escrito (o cambió su nombre de usuario). "
                  "Pídele que me mande /start y vuelve a intentarlo, o responde a un mensaje suyo con el comando.")


def _state(context: ContextTypes.DEFAULT_TYPE, place: str) -> str | None:
    return services(context).engine.understand(place).state if place else None


@admin_only
async def nombrar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    target, name, place, problem = _parse(update, context)
    message = update.effective_message
    if problem:
        await message.reply_text(problem)
        return
    slug = _state(context, place)
    if place and slug is None:
        await message.reply_text(f"No reconozco la entidad «{esc(place[:60])}». {USAGE_NAME}")
        return
    if slug is None:
        await message.reply_text(USAGE_NAME)
        return
    if target is None:
        await _offer_picker(update, context, slug)
        return
    await _grant(update, context, target, name, slug)


async def _offer_picker(update: Update, context: ContextTypes.DEFAULT_TYPE, slug: str) -> None:
    """Telegram's own contact picker, for the person to name."""
    if update.effective_chat.type != "private":
        await update.effective_message.reply_text(USAGE_NAME)
        return
    request = KeyboardButtonRequestUsers(PICKER_BASE + sorted(services(context).engine.kb.states).index(slug),
                                         user_is_bot=False, request_name=True, request_username=True)
    keyboard = ReplyKeyboardMarkup([[KeyboardButton("👤 Elegir a la persona", request_users=request)]],
                                   resize_keyboard=True, one_time_keyboard=True)
    name = esc(services(context).engine.kb.states[slug].name)
    await update.effective_message.reply_html(f"¿A quién nombro persona facilitadora de <b>{name}</b>? Toca el botón "
                                              "y elige a la persona.", reply_markup=keyboard)


async def picked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The answer of the user picker: a users_shared message."""
    shared = update.effective_message.users_shared
    if not permissions(context).is_admin(user_id(update)):
        return
    slugs = sorted(services(context).engine.kb.states)
    index = shared.request_id - PICKER_BASE
    if not 0 <= index < len(slugs) or not shared.users:
        await update.effective_message.reply_text("Ese botón ya no funciona. Empieza de nuevo con /nombrar_facilitador.",
                                                  reply_markup=ReplyKeyboardRemove())
        return
    person = shared.users[0]
    name = " ".join(filter(None, (person.first_name, person.last_name))) or (f"@{person.username}" if person.username else None)
    await _grant(update, context, person.user_id, name, slugs[index])


async def forwarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An admin forwarded someone's message: say who it is and how to name them."""
    message = message_of(update)
    target, name, problem = _target_of_forward(message)
    if problem:
        await message.reply_text(problem)
        return
    await message.reply_html(f"Es un mensaje de {esc(name)} (<code>{target}</code>). Para nombrarla facilitadora, "
                             "responde a este mensaje reenviado con /nombrar_facilitador y la entidad, por ejemplo "
                             "/nombrar_facilitador jalisco.")


def _target_of_forward(message: Message) -> tuple[int | None, str | None, str]:
    origin = message.forward_origin
    if origin.type == "user":
        return origin.sender_user.id, origin.sender_user.full_name, ""
    return None, None, HIDDEN if origin.type == "hidden_user" else "Ese mensaje reenviado no es de una persona."


async def _grant(update: Update, context: ContextTypes.DEFAULT_TYPE, target: int, name: str | None, slug: str) -> None:
    found = services(context)
    if target == user_id(update) and found.permissions.is_admin(target):
        await update.effective_message.reply_text("Ya administras CocreaBot: puedes publicar para cualquier entidad.",
                                                  reply_markup=ReplyKeyboardRemove())
        return
    new = found.permissions.grant(target, slug, user_id(update))
    await _refresh_menu(context, target)
    state = found.engine.kb.states[slug].name
    told = await _tell(context, target, (
        f"Quien administra CocreaBot te nombró persona facilitadora de {state}. Ahora puedes publicar sus "
        "documentos con /publicar y sus convocatorias con /convocar, y corregirlas con /mis_convocatorias.")) if new else True
    who = f"{esc(name)} (<code>{target}</code>)" if name else f"<code>{target}</code>"
    verb = "Listo" if new else "Ya lo era"
    note = "" if told else " No pude avisarle: todavía no me ha escrito (que me mande /start)."
    await update.effective_message.reply_html(
        f"{verb}: {who} es persona facilitadora de <b>{esc(state)}</b> y puede publicar con /publicar y /convocar.{note}",
        reply_markup=ReplyKeyboardRemove())


@admin_only
async def quitar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    target, name, place, problem = _parse(update, context)
    found = services(context)
    if problem or target is None:
        await update.effective_message.reply_text(problem or USAGE_REMOVE)
        return
    slug = _state(context, place)
    if place and slug is None:
        await update.effective_message.reply_text(f"No reconozco la entidad «{esc(place[:60])}». {USAGE_REMOVE}")
        return
    removed = found.permissions.revoke(target, slug)
    await _refresh_menu(context, target)
    where = f" de {found.engine.kb.states[slug].name}" if slug else ""
    who = esc(name) if name else str(target)
    if not removed:
        await update.effective_message.reply_text(f"{who} no era persona facilitadora{where}.")
        return
    left = found.permissions.publishable_states(target)
    still = (f" Sigues siéndolo de {', '.join(found.engine.kb.states[s].name for s in left)}." if left
             else " Ya no verás /publicar ni /convocar en tu menú; todo lo demás sigue igual.")
    await _tell(context, target, f"Quien administra CocreaBot te quitó como persona facilitadora{where}.{still}")
    await update.effective_message.reply_text(f"Listo: quité a {who} como persona facilitadora{where}.")


@admin_only
async def facilitadores(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = services(context)
    rows = found.permissions.facilitators()
    if not rows:
        await update.effective_message.reply_text("Todavía no hay personas facilitadoras. Nombra una con /nombrar_facilitador.")
        return
    names: dict[int, str] = {}
    for uid in dict.fromkeys(row["user_id"] for row in rows):
        names[uid] = await _name_of(context, uid)
    lines = ["<b>Personas facilitadoras</b>", ""]
    for row in rows:
        name = names[row["user_id"]]
        who = f"{esc(name)} (<code>{row['user_id']}</code>)" if name else f"<code>{row['user_id']}</code>"
        lines.append(f"• {who} — {esc(found.engine.kb.states[row['state']].name)}")
    await update.effective_message.reply_html("\n".join(lines))


async def _name_of(context: ContextTypes.DEFAULT_TYPE, uid: int) -> str:
    """The person's name as Telegram shows it to the bot (known once they have written to it)."""
    try:
        chat = await context.bot.get_chat(uid)
    except TelegramError:
        return ""
    name = " ".join(filter(None, (chat.first_name, chat.last_name)))
    return f"{name} @{chat.username}".strip() if chat.username else name


async def _tell(context: ContextTypes.DEFAULT_TYPE, target: int, text: str) -> bool:
    try:
        await context.bot.send_message(target, esc(text))
        return True
    except TelegramError as error:
        log.info("could not tell user about a role change: %s", type(error).__name__)
        return False


async def _refresh_menu(context: ContextTypes.DEFAULT_TYPE, target: int) -> None:
    who = permissions(context)
    await menu.set_personal_menu(context.bot, target, is_admin=who.is_admin(target), is_facilitator=who.is_facilitator(target),
                                 is_curator=who.is_curator(target))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("nombrar_facilitador", nombrar))
    application.add_handler(CommandHandler("quitar_facilitador", quitar))
    application.add_handler(CommandHandler("facilitadores", facilitadores))
    application.add_handler(MessageHandler(filters.StatusUpdate.USERS_SHARED & filters.ChatType.PRIVATE, picked))
    admins = application.bot_data[SERVICES_KEY].settings.admin_ids
    if admins:  # an admin's forward is about a person; anybody else's is a question like any other
        application.add_handler(MessageHandler(filters.FORWARDED & filters.ChatType.PRIVATE
                                               & filters.User(user_id=admins), forwarded))
