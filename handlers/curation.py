"""Questions to the team and «¿Te sirvió?», in Telegram (the logic is bot/core/curation.py).

People (private chats only): under an answer the bot cannot give, «¿Quieres que el equipo lo
revise?» [Sí, enviarla] [No, gracias]; under a factual answer [👍 Me sirvió] [👎 No me sirvió],
once; a 👎 leads to the same offer.

Curators (admins and the people an admin names with /nombrar_curador): /pendientes lists the
grouped questions, most asked first, with [Responder] [Ya lo sabe el bot] [Descartar] each, and
[Avisar las que ya sé] when the knowledge now answers some. Answering is a short flow:

    [Responder #N]
      └─ TYPING   the answer (text)
      └─ PREVIEW  the message as the askers will get it: [Enviar] [Corregir] [Cancelar]
    /cancelar at any point; 15 minutes of silence ends it without sending.

/estadisticas: curators see everything, facilitators their own states."""

from __future__ import annotations

from dataclasses import replace

from markupsafe import Markup
from telegram import InlineKeyboardButton, Update
from telegram.ext import (
    Application, CallbackQueryHandler, CommandHandler, ContextTypes, ConversationHandler, MessageHandler, filters,
)

from bot.core import curation as words
from bot.core.statistics import as_text
from handlers import menu, sharing
from handlers.keyboards import inline_keyboard
from handlers.buttons import register_action
from handlers.callbacks import BadCallback, decode_action, encode_action, pattern
from handlers.common import admin_only, message_of, permissions, refuse, services, user_id, wake_dispatcher
from handlers.flows import end_flow, expected_button, flow_timeout
from handlers.following import for_chat
from handlers.render import send_reply
from knowledge.counts import counted
from knowledge.reply import Reply, esc
from knowledge.text import ascii_int

TYPING, PREVIEW = range(2)
DRAFT_KEY = "team_answer"
SHOWN = 10  # questions per /pendientes
NOT_CURATOR = "Esto es para el equipo que revisa las preguntas (quienes administran el bot y quien ellos nombren)."
NOT_PENDING = "Esa pregunta ya no espera respuesta (alguien del equipo la atendió). Mira /pendientes."
USAGE_NAME = esc("Uso: /nombrar_curador <id de Telegram>, por ejemplo /nombrar_curador 123456789")
USAGE_REMOVE = esc("Uso: /quitar_curador <id de Telegram>")


def _button(text: str, kind: str, arg: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode_action(kind, arg))


# -- people: the answer, the offer, the vote ---------------------------------------------------


def offer_rows(token: str) -> tuple[tuple[InlineKeyboardButton, ...], ...]:
    return ((_button(words.SEND, "ask", f"y.{token}"), _button(words.NO_THANKS, "ask", f"n.{token}")),)


def vote_rows(token: str) -> tuple[tuple[InlineKeyboardButton, ...], ...]:
    return ((_button(words.USEFUL, "vote", f"u.{token}"), _button(words.NOT_USEFUL, "vote", f"d.{token}")),)


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, quote: bool) -> None:
    """The answer to a free-text message (handlers/questions.py), with what it offers."""
    private = update.effective_chat.type == "private"
    answered = services(context).curation.answer(text, update.effective_chat.id, offers=private)
    reply = answered.reply
    extra: tuple[tuple[InlineKeyboardButton, ...], ...] = ()
    if reply.form == "map":  # «muéstrame el mapa»: the picture, not its summary
        await sharing.send_map(context, update.effective_chat.id, reply.buttons[0][0].action.arg)
        return
    if answered.offer:
        reply = _with_line(reply, f"<i>{esc(words.OFFER)}</i>")
        extra = offer_rows(answered.offer)
    elif answered.vote:
        extra = vote_rows(answered.vote)
    await send_reply(message_of(update), for_chat(reply, context, update.effective_chat.id), quote=quote, extra=extra)


def _with_line(reply: Reply, line: str) -> Reply:
    return replace(reply, html=Markup(f"{reply.html}\n\n{line}"))


async def on_ask(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    """[Sí, enviarla] / [No, gracias]."""
    query = update.callback_query
    choice, _, token = arg.partition(".")
    found = services(context).curation
    chat_id = update.effective_chat.id
    await query.answer()
    await _drop_rows(query, "ask")
    if choice == "n":
        found.decline(chat_id, token)
        await query.message.reply_text(words.DECLINED)
        return
    outcome = found.consent(chat_id, token)
    if outcome.kind == "answered":
        assert outcome.reply is not None  # an answered outcome carries the team's answer
        assert query.message is not None  # the offer's buttons are on a message the bot sent
        await send_reply(query.message, outcome.reply)
        return
    await query.message.reply_text(words.consent_text(outcome))


async def on_vote(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    """[👍 Me sirvió] / [👎 No me sirvió]: counted once; a 👎 offers the team."""
    query = update.callback_query
    choice, _, token = arg.partition(".")
    status, offer = services(context).curation.vote(update.effective_chat.id, token, useful=choice == "u")
    if status == "stale":
        await query.answer("Ya me lo dijiste, ¡gracias!", show_alert=False)
        await _drop_rows(query, "vote")
        return
    await query.answer("¡Gracias!")
    await _drop_rows(query, "vote")
    if offer:
        await query.message.reply_text(f"Gracias por decírmelo. {words.OFFER}",
                                       reply_markup=inline_keyboard(offer_rows(offer)))


def _askers(asked: int) -> str:
    """' la persona que la hizo', 'n las 3 personas que la hicieron' (after «La recibirá»)."""
    return " la persona que la hizo" if asked == 1 else f"n las {asked} personas que la hicieron"


def _is_kind(data: str | None, kind: str) -> bool:
    try:
        return decode_action(data).kind == kind
    except BadCallback:
        return False


async def _drop_rows(query, kind: str) -> None:
    """Take this kind's buttons off the pressed message, keep the others."""
    message = query.message
    markup = getattr(message, "reply_markup", None)
    if markup is None:
        return
    rows = [row for row in markup.inline_keyboard if not any(_is_kind(button.callback_data, kind) for button in row)]
    if len(rows) != len(markup.inline_keyboard):
        await query.edit_message_reply_markup(inline_keyboard(rows) if rows else None)


# -- curators: /pendientes and its buttons -----------------------------------------------------


def _is_curator(update: Update, context) -> bool:
    return permissions(context).is_curator(user_id(update))


async def pendientes(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not _is_curator(update, context):
        await refuse(update, NOT_CURATOR)
        return
    found = services(context)
    waiting = found.curation.pending()
    resolved = found.curation.resolved()
    if not waiting:
        await update.effective_message.reply_text("No hay preguntas esperando respuesta. 🎉")
        return
    kb = found.engine.kb
    waiting_words = counted(len(waiting), "pregunta espera", "preguntas esperan")
    head = (f"📥 <b>{waiting_words} respuesta</b>, la más preguntada primero"
            + (f" (aquí las {SHOWN} primeras; todas: <code>python -m bot preguntas</code>)" if len(waiting) > SHOWN else "")
            + ".")
    cards = [words.pending_card(kb, question) for question in waiting[:SHOWN]]
    rows = [[_button(f"✍️ Responder #{q['id']}", "answer", str(q["id"])),
             _button(f"✅ Ya lo sabe #{q['id']}", "curate", f"k.{q['id']}"),
             _button(f"🗑 #{q['id']}", "curate", f"x.{q['id']}")] for q in waiting[:SHOWN]]
    if resolved:
        head += f"\n\n💡 Con la base de conocimiento de hoy ya sé contestar {len(resolved)}."
        rows.append([_button(f"💡 Avisar resueltas ({len(resolved)})", "curate", "resolved")])
    text = "\n\n".join([head, *cards]) + "\n\n🗑 descarta una pregunta (nadie recibe aviso)."
    await update.effective_message.reply_html(text, reply_markup=inline_keyboard(rows))


async def on_curate(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    """[Ya lo sabe el bot], [Descartar], [Avisar las que ya sé]."""
    query = update.callback_query
    if not _is_curator(update, context):
        await refuse(update, NOT_CURATOR)
        return
    found = services(context).curation
    by = f"telegram:{user_id(update)}"
    if arg == "resolved":
        questions, deliveries = found.notify_resolved(by)
        wake_dispatcher(context)
        await query.answer()
        await query.message.reply_text(f"Listo: avisé la nueva respuesta de {counted(questions, 'pregunta', 'preguntas')} "
                                       f"a {counted(deliveries, 'persona', 'personas')}.")
        return
    action, _, number = arg.partition(".")
    question_id = ascii_int(number)
    if action == "k" and question_id is not None:
        queued = found.already_known(question_id, by)
    elif action == "x" and question_id is not None:
        queued = 0 if found.dismiss(question_id, by) else None
    else:
        queued = None
    if queued is None:
        await query.answer(NOT_PENDING, show_alert=True)
        return
    if action == "k":
        done = f"Listo: #{question_id} ya lo sabe el bot; le mando su respuesta a {counted(queued, 'persona', 'personas')}."
    else:
        done = f"Listo: descarté #{question_id}."
    wake_dispatcher(context)
    await query.answer()
    await query.message.reply_text(done)


# -- curators: answering, as a short flow -----------------------------------------------------


async def start_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    if not _is_curator(update, context):
        await refuse(update, NOT_CURATOR)
        return ConversationHandler.END
    question_id = ascii_int(query.data.rsplit("|", 1)[1])
    found = services(context).curation
    question = found.question(question_id) if question_id is not None else None
    if question is None or question["status"] != "pending":
        await refuse(update, NOT_PENDING)
        return ConversationHandler.END
    await query.answer()
    context.user_data[DRAFT_KEY] = {"id": question_id}
    await query.message.reply_html(
        f"✍️ Escribe la respuesta a #{question_id}: «{esc(question['text'][:300])}»\n"
        f"La recibirá{_askers(question['asked'])} y quien la pregunte después. /cancelar para salir.")
    return TYPING


async def got_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    text = update.effective_message.text or ""
    problem = words.answer_problem(text)
    if problem:
        await update.effective_message.reply_text(f"{problem} Escríbela de nuevo, o /cancelar.")
        return TYPING
    draft = context.user_data.get(DRAFT_KEY) or {}
    found = services(context).curation
    question = found.question(draft.get("id", 0))
    if question is None or question["status"] != "pending":
        context.user_data.pop(DRAFT_KEY, None)
        await update.effective_message.reply_text(NOT_PENDING)
        return ConversationHandler.END
    draft["text"] = text.strip()
    notice = words.team_answer_notice(question["text"], text, found.today())
    keyboard = inline_keyboard([[_button("✅ Enviar", "answer", "ok"), _button("✏️ Corregir", "answer", "fix"),
                                      _button("✖️ Cancelar", "answer", "no")]])
    await update.effective_message.reply_html(f"Así la recibirán:\n\n{notice}\n\n¿La envío?", reply_markup=keyboard)
    return PREVIEW


async def send_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    draft = context.user_data.pop(DRAFT_KEY, None) or {}
    if not _is_curator(update, context) or "text" not in draft:
        await refuse(update, NOT_CURATOR)
        return ConversationHandler.END
    queued = services(context).curation.reply_to_askers(draft["id"], draft["text"], f"telegram:{user_id(update)}")
    await query.answer()
    await query.edit_message_reply_markup(None)
    if queued is None:
        await query.message.reply_text(NOT_PENDING)
        return ConversationHandler.END
    wake_dispatcher(context)
    await query.message.reply_text(f"✅ Enviada a {counted(queued, 'persona', 'personas')}. Queda como respuesta revisada: quien pregunte "
                                   "lo mismo la recibirá.")
    return ConversationHandler.END


async def fix_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    await update.effective_message.reply_text("Escribe la respuesta de nuevo.")
    return TYPING


async def cancel_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    return await end_flow(update, context, (DRAFT_KEY,), "Cancelado: no envié nada.")


async def timed_out(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await end_flow(update, context, (DRAFT_KEY,), "Pasó mucho tiempo sin respuesta: no envié nada. Vuelve a /pendientes.")


async def expected_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("Escríbeme la respuesta como texto, o /cancelar.")


def _pattern(arg: str) -> str:
    return pattern("answer", arg)


def conversation(timeout_seconds: float = 15 * 60) -> ConversationHandler:
    private = filters.ChatType.PRIVATE
    return ConversationHandler(
        name="responder",
        entry_points=[CallbackQueryHandler(start_answer, pattern=_pattern(r"\d+"))],
        states={
            TYPING: [MessageHandler(private & filters.TEXT & ~filters.COMMAND, got_answer),
                     MessageHandler(private & ~filters.COMMAND, expected_text)],
            PREVIEW: [CallbackQueryHandler(send_answer, pattern=_pattern("ok")),
                      CallbackQueryHandler(fix_answer, pattern=_pattern("fix")),
                      CallbackQueryHandler(cancel_answer, pattern=_pattern("no")),
                      MessageHandler(private & ~filters.COMMAND, expected_button)],
            ConversationHandler.TIMEOUT: [MessageHandler(filters.ALL, timed_out), CallbackQueryHandler(timed_out)],
        },
        fallbacks=[CommandHandler("cancelar", cancel_answer)],
        conversation_timeout=timeout_seconds,
        allow_reentry=True,
    )


# -- roles and figures -----------------------------------------------------------------------


def _target(context) -> int | None:
    args = context.args or []
    return ascii_int(args[0], max_digits=16) if len(args) == 1 else None


@admin_only
async def nombrar_curador(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    target = _target(context)
    if target is None:
        await update.effective_message.reply_text(USAGE_NAME)
        return
    new = permissions(context).grant_curator(target, user_id(update))
    await _refresh_menu(context, target)
    verb = "Listo" if new else "Ya lo era"
    await update.effective_message.reply_html(f"{verb}: <code>{target}</code> revisa las preguntas del equipo "
                                              "con /pendientes y ve /estadisticas.")


@admin_only
async def quitar_curador(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    target = _target(context)
    if target is None:
        await update.effective_message.reply_text(USAGE_REMOVE)
        return
    removed = permissions(context).revoke_curator(target)
    await _refresh_menu(context, target)
    await update.effective_message.reply_text(f"Listo: {target} ya no revisa preguntas." if removed
                                              else f"{target} no revisaba preguntas.")


async def _refresh_menu(context, target: int) -> None:
    who = permissions(context)
    await menu.set_personal_menu(context.bot, target, is_admin=who.is_admin(target),
                                 is_facilitator=who.is_facilitator(target), is_curator=who.is_curator(target))


async def estadisticas(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    states = permissions(context).statistics_states(user_id(update))
    if states == []:
        await refuse(update, "Las estadísticas son para el equipo y para las personas facilitadoras (de sus entidades).")
        return
    found = services(context)
    figures = found.curation.statistics(states)
    await send_reply(message_of(update), Reply(Markup(as_text(found.engine.kb, figures))))


def register(application: Application) -> None:
    application.add_handler(conversation(flow_timeout(application).total_seconds()))
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("pendientes", pendientes, filters=private))
    application.add_handler(CommandHandler("estadisticas", estadisticas, filters=private))
    application.add_handler(CommandHandler("nombrar_curador", nombrar_curador))
    application.add_handler(CommandHandler("quitar_curador", quitar_curador))
    register_action("ask", on_ask)
    register_action("vote", on_vote)
    register_action("curate", on_curate)
