"""/mis_datos shows everything the bot keeps about a chat (its id, its language and its
subscriptions, nothing more) and says what it remembers for a while in memory (the topic of the
conversation, never the messages); /borrar_mis_datos deletes both after a confirm button."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CommandHandler, ContextTypes

from handlers.buttons import register_action
from handlers.callbacks import encode_action
from handlers.common import manages_chat, services
from knowledge.reply import esc
from knowledge.understanding.conversation import MEMORY_SECONDS

REMEMBERS = (f"Durante {MEMORY_SECONDS // 60} minutos recuerdo de qué hablamos (el tema, no tus mensajes) "
             "para entender preguntas como «¿y Zacatecas?»")


async def mis_datos(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = services(context)
    chat_id = update.effective_chat.id
    data = found.store.chat_data(chat_id)
    if not data["chat"]:
        await update.effective_message.reply_html(
            f"No guardo nada de este chat. Su id es <code>{chat_id}</code> (lo ves aquí, pero no lo he guardado).\n\n"
            f"{REMEMBERS}; /borrar_mis_datos lo borra.")
        return
    names = found.engine.kb.states
    followed = ", ".join(esc(names[s["state"]].name) for s in data["subscriptions"]) or "ninguna"
    text = (
        "🔒 <b>Esto es todo lo que guardo de este chat</b>\n\n"
        f"• Id del chat: <code>{chat_id}</code>\n"
        f"• Idioma: {esc(data['chat']['language'])}\n"
        f"• Suscripciones: {followed}\n\n"
        f"No guardo nombres, teléfonos ni tus mensajes. {REMEMBERS}.\n\n"
        "Para borrarlo todo: /borrar_mis_datos"
    )
    await update.effective_message.reply_html(text)


async def borrar_mis_datos(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton("Sí, borrar todo", callback_data=encode_action("erase", str(update.effective_chat.id))),
        InlineKeyboardButton("No, cancelar", callback_data=encode_action("erase_no")),
    ]])
    await update.effective_message.reply_text(
        "¿Borro todo lo que guardo de este chat (su id, su idioma y sus suscripciones) y el tema de nuestra "
        "conversación? Dejarás de recibir avisos.",
        reply_markup=keyboard)


async def on_erase(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    query = update.callback_query
    chat_id = update.effective_chat.id
    if arg != str(chat_id):  # a button from another chat, or tampered
        await query.answer("Ese botón ya no funciona. Usa /borrar_mis_datos.", show_alert=True)
        return
    if not await manages_chat(update, context):
        await query.answer("En un grupo, solo quienes lo administran pueden borrar sus datos.", show_alert=True)
        return
    found = services(context)
    found.store.delete_chat_data(chat_id)
    found.engine.forget(chat_id)
    await query.answer("Datos borrados")
    await query.edit_message_text("Listo: borré el id de este chat, su idioma, sus suscripciones y el tema "
                                  "de nuestra conversación. Si vuelves a escribirme, empezamos de cero.")


async def on_erase_cancelled(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    await update.callback_query.answer()
    await update.callback_query.edit_message_text("De acuerdo, no borré nada.")


def register(application: Application) -> None:
    application.add_handler(CommandHandler("mis_datos", mis_datos))
    application.add_handler(CommandHandler("borrar_mis_datos", borrar_mis_datos))
    register_action("erase", on_erase)
    register_action("erase_no", on_erase_cancelled)
