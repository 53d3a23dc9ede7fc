"""/publicar: a facilitator publishes a document of their STL, step by step.

    /publicar
      └─ STATE   which state (buttons; skipped when the facilitator has only one, or named it:
                 /publicar jalisco; a state they cannot use is said, and the question asked)
      └─ STEP    which of the 13 steps it evidences, or "otro" (buttons «4 · Acta de…», or typed)
      └─ TITLE   the title (text)
      └─ SOURCE  a link (text) or the file itself (a PDF sent to the bot)
      └─ PREVIEW the notice as subscribers will see it: [Publicar] or [Cancelar]
    /cancelar at any point; COCREA_FLOW_HOURS of silence ends the flow without publishing. The skeleton
    is handlers/flows.py; the flow's state is kept in SQLite, so a restart resumes it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import InlineKeyboardButton, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, ContextTypes, ConversationHandler, MessageHandler, filters

from bot.core.notices import buttons_preview, document_notice, notice_buttons
from bot.core.rules import PDF_RULE, is_pdf, link_warning
from bot.core.publishing import (
    DocumentDraft, DuplicateDocument, PublishError, duplicate_message, parse_step, validate,
)
from handlers.keyboards import inline_keyboard
from handlers.render import slow_work
from handlers.common import NOT_FACILITATOR, permissions, refuse, services, user_id, wake_dispatcher
from handlers.flows import (
    ANYTHING_ELSE, DEFAULT_TIMEOUT, KEYBOARD_KEY, PRIVATE, TEXT, allowed_states, answered, argument, button,
    clear_keyboard, end_flow, expected_button, flow_timeout, guided_conversation, state_rows, on_button, remember_keyboard, typed_state,
    typed_title,
)
from knowledge.reply import esc

log = logging.getLogger(__name__)

STATE, STEP, TITLE, SOURCE, PREVIEW = range(5)
DRAFT_KEY = "document_draft"
CANCELLED = "Cancelado: no publiqué nada."
IN_PRIVATE = "Los documentos se publican en un chat privado conmigo: escríbeme ahí /publicar."
FILES_TAKEN = "un PDF de hasta 20 MB, enviado como archivo (no como foto)"
__all__ = ["conversation", "register"]


def _button(text: str, arg: str):
    return button("pub", text, arg)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    states = allowed_states(update, context)
    if not states:
        await refuse(update, NOT_FACILITATOR)
        return ConversationHandler.END
    context.user_data[DRAFT_KEY] = DocumentDraft()
    slug, lead = typed_state(context, states, "publicar")
    if slug or len(states) == 1:
        return await _ask_step(update, context, slug or states[0], lead)
    rows = state_rows("pub", services(context).engine.kb, states)
    question = "📄 Publicar un documento. ¿De qué entidad? (/cancelar para salir)"
    await update.effective_message.reply_text(f"{esc(lead)}\n\n{question}" if lead else question,
                                              reply_markup=inline_keyboard(rows))
    return STATE


async def chose_state(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    slug = argument(update, "e:")
    if not permissions(context).can_publish(user_id(update), slug):
        await refuse(update, "No puedes publicar para esa entidad.")
        return STATE
    await answered(update)
    return await _ask_step(update, context, slug)


async def _ask_step(update: Update, context: ContextTypes.DEFAULT_TYPE, slug: str, lead: str = "") -> int:
    context.user_data[DRAFT_KEY] = DocumentDraft(state=slug)
    kb = services(context).engine.kb
    rows = step_rows(kb)
    text = (f"<b>{esc(kb.states[slug].name)}</b>. ¿De qué paso es evidencia el documento? "
            "Toca uno o escribe su número («4» o «paso 4»).")
    asked = await update.effective_message.reply_html(f"{esc(lead)}\n\n{text}" if lead else text,
                                                      reply_markup=inline_keyboard(rows))
    remember_keyboard(context, asked)
    return STEP


def step_rows(kb) -> list[list[InlineKeyboardButton]]:
    """[1 · Declaratoria] [2 · Integrar el STL]… two to a row, and [Otro (no es de un paso)]."""
    buttons = [_button(f"{n} · {kb.steps[n].short}", f"p:{n}") for n in range(1, 14)]
    return [buttons[i:i + 2] for i in range(0, 13, 2)] + [[_button("Otro (no es de un paso)", "p:otro")]]


async def chose_step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    value = argument(update, "p:")
    context.user_data.pop(KEYBOARD_KEY, None)
    await answered(update)
    return await _ask_title(update, context, None if value == "otro" else int(value))


async def typed_step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """«4», «paso 4» or «otro» typed instead of tapping."""
    try:
        step = parse_step(update.effective_message.text)
    except PublishError as problem:
        await update.effective_message.reply_text(esc(f"{problem} Toca un botón de arriba, o /cancelar."))
        return STEP
    await clear_keyboard(update, context)
    return await _ask_title(update, context, step)


async def _ask_title(update: Update, context: ContextTypes.DEFAULT_TYPE, step: int | None) -> int:
    draft: DocumentDraft = context.user_data[DRAFT_KEY]
    context.user_data[DRAFT_KEY] = DocumentDraft(state=draft.state, step=step)
    await update.effective_message.reply_text("¿Cuál es el título del documento? Escríbelo tal como debe aparecer.")
    return TITLE


async def got_title(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    title = await typed_title(update)
    if title is None:
        return TITLE
    draft: DocumentDraft = context.user_data[DRAFT_KEY]
    context.user_data[DRAFT_KEY] = DocumentDraft(state=draft.state, step=draft.step, title=title)
    await update.effective_message.reply_text(
        f"Ahora mándame el enlace del documento (https://…) o el archivo: {FILES_TAKEN}.")
    return SOURCE


async def got_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    draft: DocumentDraft = context.user_data[DRAFT_KEY]
    return await _preview(update, context, DocumentDraft(state=draft.state, step=draft.step, title=draft.title,
                                                         url=update.effective_message.text.strip()))


async def got_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    draft: DocumentDraft = context.user_data[DRAFT_KEY]
    document = update.effective_message.document
    refusal = await _not_a_pdf(context, document)
    if refusal:
        await update.effective_message.reply_text(esc(f"{refusal} O /cancelar."))
        return SOURCE
    return await _preview(update, context, DocumentDraft(
        state=draft.state, step=draft.step, title=draft.title, file_id=document.file_id,
        file_unique_id=document.file_unique_id, file_name=document.file_name))


MAX_DOWNLOAD = 20 * 1024 * 1024  # the Bot API lets bots download files up to 20 MB
TOO_BIG = ("Ese archivo pesa más de 20 MB y no puedo revisar que sea un PDF. "
           "Súbelo a un sitio web y mándame el enlace (https://…).")
NOT_CHECKED = "No pude revisar el archivo ahora; mándamelo de nuevo en un momento."


async def _not_a_pdf(context: ContextTypes.DEFAULT_TYPE, document) -> str | None:
    """Why the file sent as the document's PDF is refused, or None when it is a PDF: its bytes
    are checked, not its name or the type the sender's app declared (`factura.pdf.exe`)."""
    if document.file_size and document.file_size > MAX_DOWNLOAD:
        return TOO_BIG
    try:
        head = await (await context.bot.get_file(document.file_id)).download_as_bytearray()
    except BadRequest as error:
        if "too big" in str(error).lower():
            return TOO_BIG
        log.warning("could not download a document to check it: %s", type(error).__name__)
        return NOT_CHECKED
    except TelegramError as error:
        log.warning("could not download a document to check it: %s", type(error).__name__)
        return NOT_CHECKED
    return None if is_pdf(head) else PDF_RULE


async def _preview(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: DocumentDraft) -> int:
    found = services(context)
    try:
        draft = validate(draft, found.engine.kb)
    except PublishError as problem:
        await update.effective_message.reply_text(esc(f"{problem} Inténtalo de nuevo, o /cancelar."))
        return SOURCE
    assert draft.state is not None  # validate() refuses a draft without a known state
    duplicate = found.publisher.duplicate_of(draft)
    if duplicate:
        await update.effective_message.reply_text(esc(duplicate_message(found.engine.kb, DuplicateDocument(duplicate))))
        context.user_data.pop(DRAFT_KEY, None)
        return ConversationHandler.END
    context.user_data[DRAFT_KEY] = draft
    notice = document_notice(found.engine.kb, draft.state, draft.step, draft.resolved_kind, draft.title, draft.url,
                             draft.published_on, has_file=bool(draft.file_id))
    audience = found.publisher.audience(draft.state)
    warning = link_warning(draft.url)
    caution = f"⚠️ {esc(warning)}\n\n" if warning else ""
    buttons = buttons_preview(notice_buttons(found.engine.kb, draft.state, draft.url))
    text = f"{_who_will_see(audience)}\n\n{notice}\n{buttons}\n\n{caution}¿Lo publico?"
    keyboard = inline_keyboard([[_button("✅ Publicar", "ok"), _button("✖️ Cancelar", "no")]])
    await update.effective_message.reply_html(text, reply_markup=keyboard)
    return PREVIEW


async def confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    draft: DocumentDraft | None = context.user_data.pop(DRAFT_KEY, None)
    found = services(context)
    # only a validated draft (one with its state) is kept for the confirmation
    if draft is None or draft.state is None or not permissions(context).can_publish(user_id(update), draft.state):
        await refuse(update, "Ya no puedes publicar este documento. Empieza de nuevo con /publicar.")
        return ConversationHandler.END
    await query.answer("Publicando…")
    try:
        result = await slow_work(update, context, found.publisher.publish, draft, f"telegram:{user_id(update)}")
    except DuplicateDocument as duplicate:
        await query.edit_message_text(esc(duplicate_message(found.engine.kb, duplicate)))
        return ConversationHandler.END
    except PublishError as problem:
        await query.edit_message_text(esc(f"{problem} No publiqué nada; empieza de nuevo con /publicar."))
        return ConversationHandler.END
    wake_dispatcher(context)
    await query.edit_message_reply_markup(None)
    await query.message.reply_text(_published(result.queued))
    return ConversationHandler.END


def _who_will_see(audience: int) -> str:
    if audience == 0:
        return "Nadie sigue todavía los documentos de esta entidad; así se verá el aviso:"
    if audience == 1:
        return "Así lo verá la persona o grupo suscrito:"
    return f"Así lo verán las {audience} personas y grupos suscritos:"


def _published(queued: int) -> str:
    if queued == 0:
        return "✅ Publicado. Nadie sigue todavía sus documentos, así que no hubo avisos que enviar."
    if queued == 1:
        return "✅ Publicado. Aviso en camino a 1 suscriptor."
    return f"✅ Publicado. Avisos en camino a {queued} suscriptores."


async def declined(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    return await end_flow(update, context, (DRAFT_KEY,), CANCELLED)


async def timed_out(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await end_flow(update, context, (DRAFT_KEY,),
                   "Pasó mucho tiempo sin respuesta: cancelé la publicación. Empieza de nuevo con /publicar.")


async def expected_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("Escríbeme el título como texto, o /cancelar.")


async def expected_source(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo, a voice note, a sticker… where the document goes: say what is taken, and why."""
    message = update.effective_message
    what = "una foto" if message.photo else "un video" if message.video else "un audio" if (message.voice or message.audio) \
        else "eso"
    await message.reply_text(f"No puedo publicar {what} como documento: los suscriptores reciben {FILES_TAKEN}, "
                             "o un enlace (https://…). Mándame uno de los dos, o /cancelar.")


def conversation(timeout: timedelta = DEFAULT_TIMEOUT) -> ConversationHandler:
    return guided_conversation("publicar", "publicar", start, {
        STATE: [on_button("pub", r"e:[a-z\-]+", chose_state), MessageHandler(ANYTHING_ELSE, expected_button)],
        STEP: [on_button("pub", r"p:(?:[1-9]|1[0-3]|otro)", chose_step), MessageHandler(TEXT, typed_step),
               MessageHandler(ANYTHING_ELSE, expected_button)],
        TITLE: [MessageHandler(TEXT, got_title), MessageHandler(ANYTHING_ELSE, expected_text)],
        SOURCE: [MessageHandler(TEXT, got_link), MessageHandler(PRIVATE & filters.Document.ALL, got_file),
                 MessageHandler(ANYTHING_ELSE, expected_source)],
        PREVIEW: [on_button("pub", "ok", confirmed), on_button("pub", "no", declined),
                  MessageHandler(ANYTHING_ELSE, expected_button)],
    }, cancel=declined, timed_out=timed_out, private_only=only_in_private, timeout=timeout)


async def only_in_private(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await update.effective_message.reply_text(IN_PRIVATE)
    return ConversationHandler.END


def register(application: Application) -> None:
    application.add_handler(conversation(flow_timeout(application)))
