"""/mis_datos shows everything the bot keeps about a chat (its id, its subscriptions, the
questions it sent to the team that wait for an answer and, for a person who wrote in private, their
@username, which admins may name a facilitator by; nothing more; the language Telegram reports
is neither used nor stored) and says what it remembers for a while in memory (the topic of the
conversation, never the messages); /borrar_mis_datos deletes both after a confirm button.

A facilitator's role and their authorship of what they published (their Telegram id, never a
name) stay as the public record of who may publish and who published what to subscribers: an
administrator grants and removes the role, and a notice sent in the bot's name must keep its
author. In a private chat /mis_datos shows that record and both commands say it stays."""

from __future__ import annotations

from collections import OrderedDict

from telegram import InlineKeyboardButton, Update
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from handlers.keyboards import inline_keyboard
from handlers.buttons import register_action
from handlers.callbacks import encode_action
from bot.core.curation import pending_lines
from handlers.common import manages_chat, services
from knowledge.counts import counted
from knowledge.reply import esc
from knowledge.understanding.conversation import MEMORY_SECONDS

REMEMBERS = (f"Durante {MEMORY_SECONDS // 60} minutos recuerdo de qué hablamos (el tema, no tus mensajes) "
             "para entender preguntas como «¿y Zacatecas?», y durante el día, si ya te conté que el INAI dejó de "
             "existir, para no repetírtelo completo")


def _public_record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """What stays after /borrar_mis_datos about the person in this private chat, in words ('' if nothing)."""
    if update.effective_chat.type != ChatType.PRIVATE or not update.effective_user:
        return ""  # a role and an authorship belong to a person, not to a group
    found = services(context)
    record = found.chats.public_record(update.effective_user.id)
    lines = []
    if record["facilitates"]:
        states = ", ".join(esc(found.engine.kb.states[s].name) for s in record["facilitates"] if s in found.engine.kb.states)
        lines.append(f"• Eres persona facilitadora de: {states}. Lo decide quien administra el bot; para dejarlo, "
                     "pídele que use /quitar_facilitador.")
    published = [counted(n, one, many) for n, one, many in ((record["documents"], "documento", "documentos"),
                                                            (record["convocatorias"], "convocatoria", "convocatorias")) if n]
    if published:
        lines.append(f"• Publicaste {' y '.join(published)}: cada publicación guarda tu id de Telegram como "
                     "autoría (no tu nombre), para saber quién publicó qué.")
    if not lines:
        return ""
    return ("📌 <b>Lo que queda como registro público</b> (/borrar_mis_datos no lo borra: es el registro de quién "
            "puede publicar y quién publicó qué a los suscriptores)\n" + "\n".join(lines))


def _questions(questions: list[dict]) -> str:
    """The questions this chat sent to the team, kept until the answer is on its way ('' if none)."""
    if not questions:
        return ""
    return ("📨 <b>Preguntas que enviaste al equipo</b> (las guardo con el id de este chat solo para avisarte "
            "cuando haya respuesta; /borrar_mis_datos las borra)\n" + "\n".join(pending_lines(questions)))


ERASE_ADMINS_ONLY = "En un grupo, solo quienes lo administran pueden borrar sus datos."
KEPT = ("No borro tu papel de persona facilitadora ni tu id en lo que publicaste: son registro "
        "público (míralo en /mis_datos).")


async def mis_datos(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = services(context)
    chat_id = update.effective_chat.id
    data = found.chats.kept_data(chat_id)
    record = _public_record(update, context)
    asked = _questions(found.chats.questions(chat_id))
    if asked:
        record = f"{asked}\n\n{record}" if record else asked
    if not data.chat and data.username:
        record = f"{_username_line(data.username).strip()}\n\n{record}" if record else _username_line(data.username).strip()
    if not data.chat:
        first = (f"No guardo suscripciones de este chat. Tu id de Telegram, <code>{chat_id}</code>, "
                 f"sí queda:\n\n{record}" if record else
                 f"No guardo nada de este chat. Su id es <code>{chat_id}</code> (lo ves aquí, pero no lo he guardado).")
        await update.effective_message.reply_html(f"{first}\n\n{REMEMBERS}; /borrar_mis_datos lo borra.")
        return
    names = found.engine.kb.states
    followed = ", ".join(esc(names[s.state].name) for s in data.subscriptions) or "ninguna"
    text = (
        "🔒 <b>Esto es todo lo que guardo de este chat</b>\n\n"
        f"• Id del chat: <code>{chat_id}</code>\n"
        f"{_username_line(data.username)}"
        f"• Suscripciones: {followed}\n\n"
        f"No guardo nombres, teléfonos ni tus mensajes. {REMEMBERS}.\n\n"
        + (f"{record}\n\nPara borrar lo demás: /borrar_mis_datos" if record else "Para borrarlo todo: /borrar_mis_datos")
    )
    await update.effective_message.reply_html(text)


def _username_line(username: str | None) -> str:
    if not username:
        return ""
    return (f"• Tu nombre de usuario: @{esc(username)} (para que quien administra el bot pueda nombrarte "
            "persona facilitadora por él)\n")


def _your_username(update: Update) -> str:
    return "tu nombre de usuario, " if update.effective_chat.type == ChatType.PRIVATE else ""


# The username each person last had when they wrote, so a chat costs a write only when it changes.
_USERNAMES: OrderedDict[int, str | None] = OrderedDict()
_USERNAMES_LIMIT = 50_000
ABOUT_WHAT_IS_KEPT = ("mis_datos", "borrar_mis_datos", "privacidad", "privacy")


async def remember_username(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A person wrote in private: keep their @username (admins name facilitators by it). Asking
    what is kept, or to erase it, does not count as writing."""
    user, message = update.effective_user, update.effective_message
    if user is None or user.is_bot or message is None:
        return
    command = (message.text or "").split(maxsplit=1)[0].lstrip("/").split("@")[0].lower() if message.text else ""
    if (message.text or "").startswith("/") and command in ABOUT_WHAT_IS_KEPT:
        return
    username = user.username or None
    if user.id in _USERNAMES and _USERNAMES[user.id] == username:
        return
    services(context).chats.wrote(user.id, username)
    _USERNAMES[user.id] = username
    _USERNAMES.move_to_end(user.id)
    while len(_USERNAMES) > _USERNAMES_LIMIT:
        _USERNAMES.popitem(last=False)


async def borrar_mis_datos(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await manages_chat(update, context, ERASE_ADMINS_ONLY):
        return
    keyboard = inline_keyboard([[
        InlineKeyboardButton("Sí, borrar todo", callback_data=encode_action("erase", str(update.effective_chat.id))),
        InlineKeyboardButton("No, cancelar", callback_data=encode_action("erase_no")),
    ]])
    kept = f" {KEPT}" if _public_record(update, context) else ""
    await update.effective_message.reply_text(
        f"¿Borro todo lo que guardo de este chat (su id, {_your_username(update)}sus suscripciones y las preguntas que enviaste "
        f"al equipo) y el tema de nuestra conversación? Dejarás de recibir avisos.{kept}",
        reply_markup=keyboard)


async def on_erase(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    query = update.callback_query
    chat_id = update.effective_chat.id
    if arg != str(chat_id):  # a button from another chat, or tampered
        await query.answer("Ese botón ya no funciona. Usa /borrar_mis_datos.", show_alert=True)
        return
    if not await manages_chat(update, context, ERASE_ADMINS_ONLY):
        return
    found = services(context)
    found.chats.erase(chat_id)
    _USERNAMES.pop(chat_id, None)  # written again only when they write again
    found.engine.forget(chat_id)
    found.curation.forget_chat(chat_id)
    await query.answer("Datos borrados")
    kept = f" {KEPT}" if _public_record(update, context) else ""
    await query.edit_message_text(f"Listo: borré el id de este chat, {_your_username(update)}sus suscripciones, las preguntas que "
                                  "esperaban respuesta del equipo y el tema de nuestra conversación. Si vuelves a "
                                  f"escribirme, empezamos de cero.{kept}")


async def on_erase_cancelled(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    await update.callback_query.answer()
    await update.callback_query.edit_message_text("De acuerdo, no borré nada.")


def register(application: Application) -> None:
    # before everything else, in a group of its own: every private message, whatever answers it
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE, remember_username, block=True), group=-10)
    application.add_handler(CommandHandler("mis_datos", mis_datos))
    application.add_handler(CommandHandler("borrar_mis_datos", borrar_mis_datos))
    register_action("erase", on_erase)
    register_action("erase_no", on_erase_cancelled)
