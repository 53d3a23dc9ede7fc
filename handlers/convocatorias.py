"""/convocar and /mis_convocatorias: facilitators announce a convocatoria from their phone, and
correct or cancel it later. (The periodic job that queues reminders and closes what ended is in
bot/runtime/jobs.py.)

    /convocar
      └─ STATE        which state (buttons; skipped when the facilitator has only one)
      └─ KIND         STL (2), persona facilitadora (3), consulta (5), mesas (7) u otra (buttons)
      └─ TITLE        the title (text)
      └─ DESCRIPTION  a short description (text), or /saltar
      └─ CLOSES       the closing date as people type it; echoed back in words
      └─ OPENS        [Ya está abierta], or an opening date typed; [Corregir el cierre] goes back
      └─ LINK         a link (text), or /saltar
      └─ PREVIEW      the announcement as subscribers will see it: [Publicar] or [Cancelar]

    /mis_convocatorias
      └─ CHOOSE       the open and upcoming convocatorias of your states, a button each (six to a
                      page, ◀ ▶ edit the same message); then
                      [Cambiar el cierre] [Cambiar el enlace] [Cancelar la convocatoria]
      └─ NEW_CLOSING  a date typed  ─┐
      └─ NEW_LINK     a link        ─┴─ CONFIRM: [Guardar y avisar] or [No cambiar]
                      cancelling asks [Sí, cancelarla] or [No] first

/cancelar at any point; COCREA_FLOW_HOURS of silence ends a flow without changing anything.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import replace
from datetime import timedelta

from telegram import InlineKeyboardButton, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, ConversationHandler, MessageHandler

from bot.core.convocatorias import (
    ConvocatoriaDraft, ConvocatoriaError, ConvocatoriaRecord, Convocatorias, checked_url, kinds,
)
from bot.core.dates import START_OF_DAY, DateInputError, TypedMoment, parse_moment
from bot.core.notices import CENTRAL_TIME, buttons_preview, notice_buttons
from bot.core.rules import link_warning
from handlers.keyboards import inline_keyboard, page_row
from handlers.render import edit_in_place, slow_work
from handlers.common import NOT_FACILITATOR, permissions, refuse, services, user_id, wake_dispatcher
from handlers.flows import (
    ANYTHING_ELSE, DEFAULT_TIMEOUT, TEXT, Step, allowed_states, answered, argument, button, end_flow, expected_button, flow_timeout,
    guided_conversation, on_button, state_rows, typed_state, typed_title,
)
from knowledge.counts import counted, notices_on_their_way
from knowledge.reply import esc
from knowledge.text import ascii_int
from knowledge.wording import button_label, local_day, local_moment, page_line, page_of, relative_days

log = logging.getLogger(__name__)

DESK_KEY = "convocatorias"
DRAFT_KEY = "convocatoria_draft"
EDIT_KEY = "convocatoria_edit"
STATE, KIND, TITLE, DESCRIPTION, CLOSES, OPENS, LINK, PREVIEW = range(8)
CHOOSE, NEW_CLOSING, NEW_LINK, CONFIRM = range(8, 12)
CANCELLED = "Cancelado: no publiqué nada."
NOTHING_CURRENT = "No hay convocatorias abiertas ni por abrir de tus entidades. Para publicar una: /convocar."
MINE_PER_PAGE = 6  # /mis_convocatorias: one to a row, and ◀ ▶: 7 rows
NOTHING_CHANGED = "Listo, no cambié nada."
PRIVATE_ONLY = "Las convocatorias se publican y corrigen en un chat privado conmigo: escríbeme directamente."
CLOSING_QUESTION = ("¿Cuándo cierra? Escríbelo como quieras: «15 de diciembre», «15/12/2026 18:00», «el viernes», "
                    "«mañana a las 18:00». Sin hora, cuenta todo ese día (hasta las 23:59).")


def desk(context: ContextTypes.DEFAULT_TYPE) -> Convocatorias:
    return context.application.bot_data[DESK_KEY]


__all__ = ["convocar_conversation", "my_convocatorias_conversation", "register"]
SKIP_WORDS = ("no tiene", "sin enlace", "no hay", "ninguno", "no", "saltar", "omitir", "sin liga", "no tiene liga")


def _button(text: str, arg: str):
    return button("conv", text, arg)


def _on(arg: str, callback: Step) -> CallbackQueryHandler:
    return on_button("conv", arg, callback)


def _draft(context: ContextTypes.DEFAULT_TYPE) -> ConvocatoriaDraft:
    return context.user_data.get(DRAFT_KEY) or ConvocatoriaDraft()


def _keep(context: ContextTypes.DEFAULT_TYPE, draft: ConvocatoriaDraft) -> None:
    context.user_data[DRAFT_KEY] = draft


def _arg(update: Update) -> str:
    return argument(update)


async def _typed_moment(context: ContextTypes.DEFAULT_TYPE, text: str | None, opening: bool = False) -> TypedMoment:
    """Parse a typed date off the event loop (the first parse loads dateparser)."""
    now = desk(context).clock()
    if opening:
        return await asyncio.to_thread(parse_moment, text, now, default_time=START_OF_DAY)
    return await asyncio.to_thread(parse_moment, text, now)


def _in_words(moment, now) -> str:
    """'martes 15 de diciembre de 2026 a las 18:00 (hora del centro de México), en 24 días'."""
    return f"{local_moment(moment, with_year=True)} ({CENTRAL_TIME}), {relative_days(moment, now)}"


# -- /convocar ------------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    states = allowed_states(update, context)
    if not states:
        await refuse(update, NOT_FACILITATOR)
        return ConversationHandler.END
    _keep(context, ConvocatoriaDraft())
    slug, lead = typed_state(context, states, "publicar convocatorias")
    if slug or len(states) == 1:
        return await _ask_kind(update, context, slug or states[0], lead)
    rows = state_rows("conv", services(context).engine.kb, states)
    question = "📣 Nueva convocatoria. ¿De qué entidad? (/cancelar para salir)"
    await update.effective_message.reply_text(f"{esc(lead)}\n\n{question}" if lead else question,
                                              reply_markup=inline_keyboard(rows))
    return STATE


async def chose_state(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    slug = _arg(update).removeprefix("e:")
    if not permissions(context).can_publish(user_id(update), slug):
        await refuse(update, "No puedes publicar convocatorias de esa entidad.")
        return STATE
    await answered(update)
    return await _ask_kind(update, context, slug)


async def _ask_kind(update: Update, context: ContextTypes.DEFAULT_TYPE, slug: str, lead: str = "") -> int:
    _keep(context, ConvocatoriaDraft(state=slug))
    rows = kind_rows()
    name = esc(services(context).engine.kb.states[slug].name)
    question = f"📣 <b>{name}</b>. ¿Qué tipo de convocatoria es? (/cancelar para salir)"
    await update.effective_message.reply_html(f"{esc(lead)}\n\n{question}" if lead else question,
                                              reply_markup=inline_keyboard(rows))
    return KIND


def kind_rows() -> list[list[InlineKeyboardButton]]:
    """[2 · Integrar el STL] [3 · Persona facilitadora]…, two to a row."""
    labels = [f"{kind.step} · {kind.label}" if kind.step else kind.label for kind in kinds().values()]
    buttons = [_button(label, f"k:{code}") for label, code in zip(labels, kinds(), strict=True)]
    return [buttons[i:i + 2] for i in range(0, len(buttons), 2)]


async def chose_kind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await answered(update)
    _keep(context, ConvocatoriaDraft(state=_draft(context).state, kind=_arg(update).removeprefix("k:")))
    await update.effective_message.reply_text(
        "¿Cuál es el título? Por ejemplo: «Convocatoria para las mesas de cocreación 2027».")
    return TITLE


async def got_title(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    title = await typed_title(update)
    if title is None:
        return TITLE
    draft = _draft(context)
    _keep(context, ConvocatoriaDraft(state=draft.state, kind=draft.kind, title=title))
    await update.effective_message.reply_text(
        "Describe la convocatoria en pocas palabras: quién puede participar y para qué. O /saltar.")
    return DESCRIPTION


async def got_description(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    text = update.effective_message.text.strip()
    if len(text) > 1000:
        await update.effective_message.reply_text(f"La descripción puede tener hasta 1000 caracteres; tiene {len(text)}. "
                                                  "Acórtala, o /saltar.")
        return DESCRIPTION
    _keep(context, replace(_draft(context), description=text))
    await update.effective_message.reply_text(CLOSING_QUESTION)
    return CLOSES


async def skip_description(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await update.effective_message.reply_text(CLOSING_QUESTION)
    return CLOSES


async def got_closing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    try:
        typed = await _typed_moment(context, update.effective_message.text)
        desk(context).check_dates(None, typed.at)
    except (DateInputError, ConvocatoriaError) as problem:
        await update.effective_message.reply_text(esc(f"{problem} Escribe otra vez la fecha de cierre, o /cancelar."))
        return CLOSES
    _keep(context, replace(_draft(context), closes_at=typed.at))
    note = "" if typed.has_time else " (no dijiste hora: cuenta todo ese día)"
    text = (f"⏳ Cierra el <b>{esc(_in_words(typed.at, desk(context).clock()))}</b>{note}.\n\n"
            "¿Desde cuándo está abierta? Toca «Ya está abierta» o escribe la fecha en que abre.")
    keyboard = inline_keyboard([[_button("🟢 Ya está abierta", "o:ya"), _button("✏️ Corregir el cierre", "o:fix")]])
    await update.effective_message.reply_html(text, reply_markup=keyboard)
    return OPENS


async def fix_closing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await answered(update)
    await update.effective_message.reply_text(CLOSING_QUESTION)
    return CLOSES


async def open_now(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await answered(update)
    _keep(context, replace(_draft(context), opens_at=None))
    return await _ask_link(update)


async def got_opening(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    draft = _draft(context)
    try:
        typed = await _typed_moment(context, update.effective_message.text, opening=True)
        desk(context).check_dates(typed.at, draft.closes_at)
    except (DateInputError, ConvocatoriaError) as problem:
        await update.effective_message.reply_text(esc(f"{problem} Escribe otra vez cuándo abre, o toca «Ya está abierta»."))
        return OPENS
    _keep(context, replace(draft, opens_at=typed.at))
    now = desk(context).clock()
    if typed.at <= now:  # «ayer», «el lunes pasado»: it is open already, never «hoy» for yesterday
        await update.effective_message.reply_html(
            f"🟢 Ya está abierta: abrió el <b>{esc(local_day(typed.at, now))}</b>, {relative_days(typed.at, now)}.")
    else:
        await update.effective_message.reply_html(f"🟢 Abre el <b>{esc(_in_words(typed.at, now))}</b>.")
    return await _ask_link(update)


async def _ask_link(update: Update) -> int:
    await update.effective_message.reply_text("Mándame el enlace de la convocatoria (https://…), o /saltar si no tiene "
                                              "(también sirve «no tiene» o «sin enlace»).")
    return LINK


async def got_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    text = update.effective_message.text.strip()
    if " ".join(text.lower().strip(" .!¡").split()) in SKIP_WORDS:
        return await skip_link(update, context)
    return await _preview(update, context, replace(_draft(context), url=text))


async def skip_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    return await _preview(update, context, replace(_draft(context), url=None))


async def _preview(update: Update, context: ContextTypes.DEFAULT_TYPE, draft: ConvocatoriaDraft) -> int:
    try:
        draft = desk(context).validate(draft)
    except ConvocatoriaError as problem:
        await update.effective_message.reply_text(esc(f"{problem} Inténtalo de nuevo, o /cancelar."))
        return LINK
    assert draft.state is not None  # validate() refuses a draft without a known state
    _keep(context, draft)
    audience = desk(context).audience(draft.state)
    warning = link_warning(draft.url)
    caution = f"⚠️ {esc(warning)}\n\n" if warning else ""
    buttons = buttons_preview(notice_buttons(services(context).engine.kb, draft.state, draft.url))
    text = (f"Así la verán las {audience} personas y grupos suscritos a las convocatorias de esta entidad:\n\n"
            f"{desk(context).preview(draft)}\n{buttons}\n\n{caution}¿La publico?")
    keyboard = inline_keyboard([[_button("✅ Publicar", "ok"), _button("✖️ Cancelar", "no")]])
    await update.effective_message.reply_html(text, reply_markup=keyboard)
    return PREVIEW


async def confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    draft: ConvocatoriaDraft | None = context.user_data.pop(DRAFT_KEY, None)
    # only a validated draft (one with its state) is kept for the confirmation
    if draft is None or draft.state is None or not permissions(context).can_publish(user_id(update), draft.state):
        await refuse(update, "Ya no puedes publicar esta convocatoria. Empieza de nuevo con /convocar.")
        return ConversationHandler.END
    await query.answer("Publicando…")
    try:
        created = await slow_work(update, context, desk(context).create, draft, f"telegram:{user_id(update)}")
    except ConvocatoriaError as problem:
        await query.edit_message_reply_markup(None)
        await query.message.reply_text(esc(f"{problem} No publiqué nada; empieza de nuevo con /convocar."))
        return ConversationHandler.END
    wake_dispatcher(context)
    await query.edit_message_reply_markup(None)
    await query.message.reply_text(f"✅ Publicada. {notices_on_their_way(created.queued)} "
                                   "Para corregirla o cancelarla: /mis_convocatorias.")
    return ConversationHandler.END


async def declined(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    return await end_flow(update, context, (DRAFT_KEY, EDIT_KEY), CANCELLED)


async def timed_out(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await end_flow(update, context, (DRAFT_KEY, EDIT_KEY), "Pasó mucho tiempo sin respuesta: lo dejé sin cambios. "
                                                         "Empieza de nuevo con /convocar o /mis_convocatorias.")


async def expected_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("Escríbemelo como texto, o /cancelar.")


# -- /mis_convocatorias ---------------------------------------------------------------------


async def _current_for(update: Update, context: ContextTypes.DEFAULT_TYPE) -> list[ConvocatoriaRecord] | None:
    """The convocatorias open or to open that this person may correct; None (and a refusal) for
    someone who publishes nothing."""
    who, uid = permissions(context), user_id(update)
    if not who.is_admin(uid) and not who.is_facilitator(uid):
        await refuse(update, NOT_FACILITATOR)
        return None
    states = None if who.is_admin(uid) else who.publishable_states(uid)
    return await asyncio.to_thread(desk(context).current, states)


async def my_convocatorias(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    current = await _current_for(update, context)
    if current is None:
        return ConversationHandler.END
    if not current:
        await update.effective_message.reply_text(NOTHING_CURRENT)
        return ConversationHandler.END
    text, rows = mine_page(current, services(context).engine.kb.states, desk(context).clock(), 0)
    await update.effective_message.reply_html(text, reply_markup=inline_keyboard(rows))
    return CHOOSE


def mine_page(current: list[ConvocatoriaRecord], names, now, page: int) -> tuple[str, list[list[InlineKeyboardButton]]]:
    """A page of /mis_convocatorias: MINE_PER_PAGE convocatorias, each a line and a button (one
    to a row), with where the page stands and ◀ ▶ when there are more."""
    page, pages, first = page_of(len(current), page, MINE_PER_PAGE)
    shown = current[first:first + MINE_PER_PAGE]
    lines = ["📣 <b>Convocatorias abiertas o por abrir</b> (toca una para corregirla o cancelarla)", ""]
    lines += [f"• {_summary(record, names, now)}" for record in shown]
    if pages > 1:
        lines += ["", esc(page_line(first + 1, first + len(shown), len(current)))]
    rows = [[_button(button_label(r.info.title), f"m:{r.info.id}")] for r in shown]  # the text names the state
    rows.append(page_row(page, pages, lambda label, to: _button(label, f"mp:{to}")))
    return "\n".join(lines), [row for row in rows if row]


async def show_mine_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """◀ ▶ under /mis_convocatorias: another page, in the same message (read again: it may have changed)."""
    current = await _current_for(update, context)
    if current is None:
        return ConversationHandler.END
    await update.callback_query.answer()
    if not current:
        await edit_in_place(update.callback_query.message, esc(NOTHING_CURRENT), None)
        return ConversationHandler.END
    page = ascii_int(_arg(update).removeprefix("mp:")) or 0
    text, rows = mine_page(current, services(context).engine.kb.states, desk(context).clock(), page)
    await edit_in_place(update.callback_query.message, text, inline_keyboard(rows))
    return CHOOSE


def _summary(record: ConvocatoriaRecord, names, now) -> str:
    info = record.info
    pending = " (todavía no abre)" if info.opens_at > now else ""
    return (f"<b>{esc(info.title)}</b> · {esc(names[info.state].name)}{pending}: "
            f"cierra el {esc(local_moment(info.closes_at, now))}")


async def chose_convocatoria(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    record = await _editable(update, context, _arg(update).removeprefix("m:"))
    if record is None:
        return ConversationHandler.END
    await answered(update)
    number = record.info.id
    keyboard = inline_keyboard([
        [_button("📅 Cambiar el cierre", f"c:{number}"), _button("🔗 Cambiar el enlace", f"u:{number}")],
        [_button("❌ Cancelar convocatoria", f"x:{number}")],
    ])
    now = desk(context).clock()
    await update.effective_message.reply_html(
        f"{_summary(record, services(context).engine.kb.states, now)}.\n\n¿Qué quieres hacer?", reply_markup=keyboard)
    return CHOOSE


async def _editable(update: Update, context: ContextTypes.DEFAULT_TYPE, number: str) -> ConvocatoriaRecord | None:
    """The convocatoria behind a button, if this person may still change it; a polite no otherwise."""
    try:
        convocatoria_id = ascii_int(number)  # a forged button may carry any number: range-checked before any query
        if convocatoria_id is None:
            raise ValueError("not an id")
        record = desk(context).editable(convocatoria_id)
    except (ConvocatoriaError, ValueError) as problem:
        await refuse(update, str(problem) if isinstance(problem, ConvocatoriaError) else "Ese botón ya no funciona.")
        return None
    if not permissions(context).can_publish(user_id(update), record.info.state):
        await refuse(update, "Solo las personas facilitadoras de esa entidad pueden cambiar esta convocatoria.")
        return None
    return record


async def ask_new_closing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    record = await _editable(update, context, _arg(update).removeprefix("c:"))
    if record is None:
        return ConversationHandler.END
    await answered(update)
    context.user_data[EDIT_KEY] = {"id": record.info.id}
    await update.effective_message.reply_text(f"¿Cuál es la nueva fecha de cierre de «{esc(record.info.title)}»? "
                                              "Escríbela como quieras (o /cancelar).")
    return NEW_CLOSING


async def got_new_closing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    edit = context.user_data.get(EDIT_KEY) or {}
    try:
        record = desk(context).editable(edit.get("id", 0))
        typed = await _typed_moment(context, update.effective_message.text)
        desk(context).check_dates(record.info.opens_at, typed.at)
    except (DateInputError, ConvocatoriaError) as problem:
        await update.effective_message.reply_text(esc(f"{problem} Escribe otra vez la fecha de cierre, o /cancelar."))
        return NEW_CLOSING
    context.user_data[EDIT_KEY] = {"id": record.info.id, "closes_at": typed.at}
    note = "" if typed.has_time else " (no dijiste hora: cuenta todo ese día)"
    change = f"Nuevo cierre: <b>{esc(_in_words(typed.at, desk(context).clock()))}</b>{note}."
    return await _confirm_edit(update, context, record, change)


async def ask_new_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    record = await _editable(update, context, _arg(update).removeprefix("u:"))
    if record is None:
        return ConversationHandler.END
    await answered(update)
    context.user_data[EDIT_KEY] = {"id": record.info.id}
    await update.effective_message.reply_text(f"Mándame el nuevo enlace de «{esc(record.info.title)}» (https://…), o /cancelar.")
    return NEW_LINK


async def got_new_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    edit = context.user_data.get(EDIT_KEY) or {}
    url = update.effective_message.text.strip()
    try:
        record = desk(context).editable(edit.get("id", 0))
        url = checked_url(url) or ""
    except ConvocatoriaError as problem:
        await update.effective_message.reply_text(esc(f"{problem} Mándalo otra vez, o /cancelar."))
        return NEW_LINK
    context.user_data[EDIT_KEY] = {"id": record.info.id, "url": url}
    return await _confirm_edit(update, context, record, f"Nuevo enlace: {esc(url)}")


async def _confirm_edit(update: Update, context: ContextTypes.DEFAULT_TYPE, record: ConvocatoriaRecord, change: str) -> int:
    audience = desk(context).audience(record.info.state)
    text = (f"«{esc(record.info.title)}»\n{change}\n\n"
            f"Mandaré una corrección a {counted(audience, 'suscriptor', 'suscriptores', zero='nadie (aún no hay suscriptores)')}. ¿Lo guardo?")
    keyboard = inline_keyboard([[_button("✅ Guardar y avisar", f"s:{record.info.id}"), _button("✖️ No cambiar", "n")]])
    await update.effective_message.reply_html(text, reply_markup=keyboard)
    return CONFIRM


async def save_edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    edit = context.user_data.pop(EDIT_KEY, None) or {}
    record = await _editable(update, context, _arg(update).removeprefix("s:"))
    if record is None:
        return ConversationHandler.END
    if edit.get("id") != record.info.id or not {"closes_at", "url"} & edit.keys():
        await refuse(update, "Ese botón ya no funciona. Empieza de nuevo con /mis_convocatorias.")
        return ConversationHandler.END
    await query.answer("Guardando…")
    found = desk(context)
    if "closes_at" in edit:
        change = functools.partial(found.change_closing, record.info.id, edit["closes_at"])
    else:
        change = functools.partial(found.change_link, record.info.id, edit["url"])
    return await _apply(update, context, change, "✅ Guardado. {notices}", what="Corrección")


async def _apply(update: Update, context: ContextTypes.DEFAULT_TYPE, change, done: str, what: str | None = None) -> int:
    """Run a change of the desk off the event loop, take the buttons off, and say how it went;
    the subscribers' correction is delivered by the dispatcher, woken now."""
    query = update.callback_query
    try:
        changed = await slow_work(update, context, change)
    except ConvocatoriaError as problem:
        await query.edit_message_reply_markup(None)
        await query.message.reply_text(esc(str(problem)))
        return ConversationHandler.END
    wake_dispatcher(context)
    await query.edit_message_reply_markup(None)
    await query.message.reply_text(done.format(notices=notices_on_their_way(changed.queued, what)))
    return ConversationHandler.END


async def ask_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    record = await _editable(update, context, _arg(update).removeprefix("x:"))
    if record is None:
        return ConversationHandler.END
    await answered(update)
    keyboard = inline_keyboard([[_button("Sí, cancelarla", f"xy:{record.info.id}"), _button("No", "n")]])
    await update.effective_message.reply_html(
        f"¿Cancelo «{esc(record.info.title)}»? Dejará de aparecer en /convocatorias y avisaré a sus suscriptores.",
        reply_markup=keyboard)
    return CHOOSE


async def cancel_confirmed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    record = await _editable(update, context, _arg(update).removeprefix("xy:"))
    if record is None:
        return ConversationHandler.END
    await query.answer("Cancelando…")
    change = functools.partial(desk(context).cancel, record.info.id)
    return await _apply(update, context, change, "❌ Convocatoria cancelada. {notices}", what="Aviso")


async def keep_as_is(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    return await end_flow(update, context, (EDIT_KEY,), NOTHING_CHANGED)


async def private_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await update.effective_message.reply_text(PRIVATE_ONLY)
    return ConversationHandler.END


# -- wiring ---------------------------------------------------------------------------------


def convocar_conversation(timeout: timedelta = DEFAULT_TIMEOUT) -> ConversationHandler:
    codes = "|".join(kinds())
    return guided_conversation("convocar", "convocar", start, {
        STATE: [_on(r"e:[a-z\-]+", chose_state), MessageHandler(ANYTHING_ELSE, expected_button)],
        KIND: [_on(rf"k:(?:{codes})", chose_kind), MessageHandler(ANYTHING_ELSE, expected_button)],
        TITLE: [MessageHandler(TEXT, got_title), MessageHandler(ANYTHING_ELSE, expected_text)],
        DESCRIPTION: [MessageHandler(TEXT, got_description), CommandHandler("saltar", skip_description),
                      MessageHandler(ANYTHING_ELSE, expected_text)],
        CLOSES: [MessageHandler(TEXT, got_closing), MessageHandler(ANYTHING_ELSE, expected_text)],
        OPENS: [_on("o:ya", open_now), _on("o:fix", fix_closing),
                MessageHandler(TEXT, got_opening), MessageHandler(ANYTHING_ELSE, expected_text)],
        LINK: [MessageHandler(TEXT, got_link), CommandHandler("saltar", skip_link),
               MessageHandler(ANYTHING_ELSE, expected_text)],
        PREVIEW: [_on("ok", confirmed), _on("no", declined), MessageHandler(ANYTHING_ELSE, expected_button)],
    }, cancel=declined, timed_out=timed_out, private_only=private_only, timeout=timeout)


def my_convocatorias_conversation(timeout: timedelta = DEFAULT_TIMEOUT) -> ConversationHandler:
    buttons = (
        _on(r"m:\d+", chose_convocatoria), _on(r"mp:\d{1,4}", show_mine_page), _on(r"c:\d+", ask_new_closing), _on(r"u:\d+", ask_new_link),
        _on(r"x:\d+", ask_cancel), _on(r"xy:\d+", cancel_confirmed), _on("n", keep_as_is),
    )
    return guided_conversation("mis_convocatorias", "mis_convocatorias", my_convocatorias, {
        CHOOSE: [*buttons, MessageHandler(ANYTHING_ELSE, expected_button)],
        NEW_CLOSING: [MessageHandler(TEXT, got_new_closing), MessageHandler(ANYTHING_ELSE, expected_text)],
        NEW_LINK: [MessageHandler(TEXT, got_new_link), MessageHandler(ANYTHING_ELSE, expected_text)],
        CONFIRM: [_on(r"s:\d+", save_edit), *buttons, MessageHandler(ANYTHING_ELSE, expected_button)],
    }, cancel=declined, timed_out=timed_out, private_only=private_only, more_entry_points=buttons,
       timeout=timeout)


def register(application: Application) -> None:
    application.add_handler(convocar_conversation(flow_timeout(application)))
    application.add_handler(my_convocatorias_conversation(flow_timeout(application)))
