"""What the guided flows (/publicar, /convocar, /mis_convocatorias) share: their buttons and
the patterns that route them (through the one callback codec, handlers/callbacks.py), the states
a person may publish for and a state typed after the command, a title typed, the end of a flow
(/cancelar, [Cancelar], silence), and the ConversationHandler skeleton: a name, private chats
only, /cancelar, a time limit (COCREA_FLOW_HOURS, 24 hours by default), and its state kept in
SQLite so a restart resumes it (bot/runtime/persistence.py).

The time limit holds after a restart too: python-telegram-bot schedules a conversation's timeout
only in the process that saw its last step, so each step notes when the flow was last touched
(in the person's flow data, which is persisted) and a step that comes later than the limit ends
the flow with the flow's own «pasó mucho tiempo» message instead of resuming it."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Coroutine

from telegram import InlineKeyboardButton, Update
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler, CallbackQueryHandler, CommandHandler, ContextTypes, ConversationHandler, MessageHandler, filters,
)

from bot.core.rules import clean_title, title_problem
from handlers.buttons import register_action
from handlers.callbacks import BadCallback, decode_action, encode_action, pattern
from handlers.common import SERVICES_KEY, command_argument, permissions, services, user_id
from knowledge.wording import join_names, short_name

DEFAULT_TIMEOUT = timedelta(hours=24)  # COCREA_FLOW_HOURS (bot/runtime/settings.py) decides
RESTORE_GRACE = timedelta(days=7)  # a flow this much past its limit is not even restored: its rows go
TOUCHED_KEY = "flow_touched_at"
PRIVATE = filters.ChatType.PRIVATE
TEXT = PRIVATE & filters.TEXT & ~filters.COMMAND
ANYTHING_ELSE = PRIVATE & ~filters.COMMAND

Step = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, object]]


def button(kind: str, text: str, arg: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=encode_action(kind, arg))


def state_rows(kind: str, kb, states: list[str]) -> list[list[InlineKeyboardButton]]:
    """The states a person may publish for, three to a row by their button labels (all 32 for an
    admin, in 11 rows, like every other state picker)."""
    buttons = [button(kind, short_name(kb.states[slug].name), f"e:{slug}") for slug in states]
    return [buttons[i:i + 3] for i in range(0, len(buttons), 3)]


def on_button(kind: str, arg: str, callback: Step) -> CallbackQueryHandler:
    """A handler for the flow's buttons of `kind` whose argument fully matches `arg` (a regex)."""
    return CallbackQueryHandler(callback, pattern=pattern(kind, arg))


def argument(update: Update, prefix: str = "") -> str:
    """The argument of the pressed button, without `prefix` ('e:jalisco' -> 'jalisco')."""
    try:
        return decode_action(update.callback_query.data).arg.removeprefix(prefix)
    except BadCallback:
        return ""


def allowed_states(update: Update, context: ContextTypes.DEFAULT_TYPE) -> list[str]:
    """The states this person may publish for: all for an admin, their own for a facilitator."""
    who, uid = permissions(context), user_id(update)
    return sorted(services(context).engine.kb.states) if who.is_admin(uid) else who.publishable_states(uid)


def typed_state(context: ContextTypes.DEFAULT_TYPE, allowed: list[str], what: str) -> tuple[str | None, str]:
    """The state typed after the command (`/publicar oaxaca`), when this person may use it, and a
    line to say first when they typed one they cannot use or that is not a state («Solo puedes
    publicar para Jalisco.»). `what` names what is published: «publicar», «publicar convocatorias»."""
    typed = command_argument(context)
    if not typed:
        return None, ""
    kb = services(context).engine.kb
    slug = services(context).engine.understand(typed).state
    if slug in allowed:
        return slug, ""
    if slug is None:
        return None, f"No reconozco la entidad «{typed[:60]}»."
    names = join_names([kb.states[s].name for s in allowed])
    if len(allowed) > 3:
        return None, f"No puedes {what} para {kb.states[slug].name}."
    return None, f"Solo puedes {what} para {names}; no para {kb.states[slug].name}."


async def end_flow(update: Update, context: ContextTypes.DEFAULT_TYPE, keys: tuple[str, ...], text: str) -> int:
    """End a guided flow: forget its draft, take the buttons off the pressed message, say how it
    ended. For /cancelar, [Cancelar] and the timeout of every guided flow."""
    for key in (*keys, KEYBOARD_KEY, TOUCHED_KEY):
        context.user_data.pop(key, None)
    if update and update.callback_query:
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(None)
    if update and update.effective_message:
        await update.effective_message.reply_text(text)
    return ConversationHandler.END


async def answered(update: Update) -> None:
    """Answer the pressed button and take the keyboard off its message: a question that was
    answered keeps no buttons to press twice."""
    query = update.callback_query
    await query.answer()
    if query.message is not None:
        await query.edit_message_reply_markup(None)


KEYBOARD_KEY = "flow_keyboard"


def remember_keyboard(context: ContextTypes.DEFAULT_TYPE, message) -> None:
    """The message whose buttons a typed answer also answers («4» for [4 · Acta…])."""
    context.user_data[KEYBOARD_KEY] = message.message_id


async def clear_keyboard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take the buttons off the question that was answered by typing instead of tapping."""
    message_id = context.user_data.pop(KEYBOARD_KEY, None)
    if message_id is not None:
        try:
            await context.bot.edit_message_reply_markup(update.effective_chat.id, message_id, reply_markup=None)
        except TelegramError:  # already without buttons, or too old to edit: nothing to take off
            pass


async def expected_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text where a guided flow waits for a button."""
    await update.effective_message.reply_text("Elige una opción con los botones de arriba, o /cancelar.")


async def typed_title(update: Update) -> str | None:
    """The title a facilitator typed, tidied; None (after saying why) when it is too short or long."""
    title = clean_title(update.effective_message.text)
    if title is None:
        await update.effective_message.reply_text(f"{title_problem(update.effective_message.text)} Escríbelo de nuevo.")
    return title


def stale_guard(step: Step, timed_out: Step) -> Step:
    """A step of a flow that first checks the flow is still alive: untouched longer than the
    limit (a flow restored after a restart has no timeout job), it ends with `timed_out`'s message."""

    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
        now = datetime.now(timezone.utc)
        touched = context.user_data.get(TOUCHED_KEY)
        if isinstance(touched, datetime) and now - touched > services(context).settings.flow_timeout:
            await timed_out(update, context)
            return ConversationHandler.END
        context.user_data[TOUCHED_KEY] = now
        state = await step(update, context)
        if state == ConversationHandler.END:
            context.user_data.pop(TOUCHED_KEY, None)
        return state

    return guarded


def touching(step: Step) -> Step:
    """An entry point: the flow starts (again) now."""

    async def touched(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
        context.user_data[TOUCHED_KEY] = datetime.now(timezone.utc)
        return await step(update, context)

    return touched


def _with_callback(handler: BaseHandler, wrap: Callable[[Step], Step]) -> BaseHandler:
    """A copy of the handler whose callback is wrapped (the same handler may also be an entry point)."""
    wrapped = copy.copy(handler)
    wrapped.callback = wrap(handler.callback)
    return wrapped


def guided_conversation(name: str, command: str, start: Step, states: dict[object, list[BaseHandler]], *,
                        cancel: Step, timed_out: Step, private_only: Step,
                        more_entry_points: tuple[BaseHandler, ...] = (),
                        timeout: timedelta = DEFAULT_TIMEOUT) -> ConversationHandler:
    """The skeleton every guided flow shares: started by /`command` in a private chat (elsewhere
    `private_only` answers), /cancelar at any point, ended by `timeout` of silence (also across a
    restart: stale_guard), and persistent under `name` (it survives a restart)."""
    guarded = {state: [_with_callback(h, lambda step: stale_guard(step, timed_out)) for h in handlers]
               for state, handlers in states.items()}
    entry_points = [CommandHandler(command, touching(start), filters=PRIVATE),
                    CommandHandler(command, private_only, filters=~PRIVATE),
                    *(_with_callback(h, touching) for h in more_entry_points)]
    return ConversationHandler(
        name=name,
        entry_points=entry_points,
        states={**guarded,
                ConversationHandler.TIMEOUT: [MessageHandler(filters.ALL, timed_out), CallbackQueryHandler(timed_out)]},
        fallbacks=[CommandHandler("cancelar", cancel)],
        conversation_timeout=timeout.total_seconds(),
        allow_reentry=True,
        persistent=True,
    )


def flow_timeout(application) -> timedelta:
    """COCREA_FLOW_HOURS, from the services the application was built with."""
    return application.bot_data[SERVICES_KEY].settings.flow_timeout


NOT_IN_COURSE = {
    "pub": "Ese botón ya no funciona: esa pregunta ya se contestó, o la publicación terminó o se canceló "
           "por tiempo. Para empezar de nuevo: /publicar.",
    "conv": "Ese botón ya no funciona: esa pregunta ya se contestó, o la convocatoria terminó o se canceló "
            "por tiempo. Para empezar de nuevo: /convocar o /mis_convocatorias.",
}


async def _not_in_course(update: Update, context: ContextTypes.DEFAULT_TYPE, kind: str) -> None:
    """A button of a flow that is over (or dropped long ago), or not of this step: say so. Its
    keyboard stays: the flow may still be running, at another question."""
    await update.callback_query.answer(NOT_IN_COURSE[kind], show_alert=True)


async def _publication_over(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    await _not_in_course(update, context, "pub")


async def _convocatoria_over(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    await _not_in_course(update, context, "conv")


def register_leftovers() -> None:
    """Buttons of guided flows that are no longer running land in handlers/buttons.py."""
    register_action("pub", _publication_over)
    register_action("conv", _convocatoria_over)
