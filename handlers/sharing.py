"""/mapa (and its buttons and deep links), and the deep links to a shared convocatoria.

The map goes as a photo: drawn once per data version (bot/runtime/maps.py), uploaded the first
time, then sent again by Telegram's file_id, which costs the bot no drawing and no upload."""

from __future__ import annotations

import asyncio
import logging

from telegram import InputFile, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.runtime.maps import MapCache
from handlers import buttons
from handlers.common import command_argument, message_of, services
from handlers.render import keyboard, send_reply
from handlers.share_buttons import can_share
from knowledge.reply import Action, Button, Reply, esc
from knowledge.sharing import SHARE_TEXT, convocatoria_reply, map_query
from knowledge.statemap import MODE_BUTTONS, MODES, StateMap, parse_mode
from knowledge.text import ascii_int

log = logging.getLogger(__name__)

UNKNOWN_VIEW = ("No tengo ese mapa. Puedo mostrarte las 32 entidades por cómo va su ejercicio (/mapa), "
                "por el paso al que llegaron (/mapa pasos), por su STL (/mapa stl) o por su plan (/mapa pal).")


def map_cache(context: ContextTypes.DEFAULT_TYPE) -> MapCache:
    return services(context).maps


def map_buttons(mode: str, shareable: bool) -> tuple[tuple[Button, ...], ...]:
    views = tuple(Button(MODE_BUTTONS[m], Action("map", m)) for m in MODES if m != mode)
    rows: tuple[tuple[Button, ...], ...] = (views,)
    if shareable:
        rows += ((Button(SHARE_TEXT, share=map_query(mode)),),)
    return rows


def map_caption(state_map: StateMap) -> str:
    return f"🗺️ {state_map.caption_html}"


async def send_map(context: ContextTypes.DEFAULT_TYPE, chat_id: int, mode: str) -> Message:
    """The map as a photo: by file_id when this version was uploaded before, else uploaded now."""
    cache = map_cache(context)
    state_map = cache.current(mode)
    caption = map_caption(state_map)
    markup = keyboard(map_buttons(mode, can_share(context.bot)))
    file_id = cache.file_id(state_map)
    if file_id:
        try:
            return await context.bot.send_photo(chat_id, file_id, caption=caption, reply_markup=markup)
        except BadRequest as error:  # another token, or a file Telegram no longer has
            log.info("map file_id refused, uploading again: %s", error)
            cache.forget_file_id(state_map)
    picture = await asyncio.to_thread(cache.picture, state_map)  # drawing takes ~0.1 s: not on the loop
    sent = await context.bot.send_photo(chat_id, InputFile(picture, filename=f"mapa-{mode}.png"),
                                        caption=caption, reply_markup=markup)
    if sent.photo:
        cache.remember_file_id(state_map, sent.photo[-1].file_id)
    return sent


async def mapa(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/mapa [pasos|stl|pal]"""
    mode = parse_mode(command_argument(context))
    if mode is None:
        views = (tuple(Button(MODE_BUTTONS[m], Action("map", m)) for m in MODES),)
        await send_reply(message_of(update), Reply(esc(UNKNOWN_VIEW), views, intent="help"))
        return
    await send_map(context, update.effective_chat.id, mode)


async def on_map_button(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: str) -> None:
    query = update.callback_query
    if arg not in MODES or update.effective_chat is None:
        await query.answer(buttons.STALE, show_alert=True)
        return
    await query.answer()
    await send_map(context, update.effective_chat.id, arg)


async def open_deep_link(update: Update, context: ContextTypes.DEFAULT_TYPE, payload: str) -> bool:
    """t.me/<bot>?start=mapa (mapa-pasos, mapa-stl, mapa-pal) and ?start=conv-<id>; False for
    any other payload (the welcome and the other deep links answer those)."""
    if payload == "mapa" or payload.startswith("mapa-"):
        mode = parse_mode(payload[5:])
        if mode is not None:
            await send_map(context, update.effective_chat.id, mode)
            return True
    if payload.startswith("conv-") and ascii_int(payload[5:]) is not None:
        answers = services(context).engine.answers
        now = answers.clock()
        wanted = ascii_int(payload[5:])
        item = next((c for c in answers.live.open_convocatorias(None, now) if c.id == wanted), None)
        reply = convocatoria_reply(answers, item, now)
        await send_reply(message_of(update), reply)
        return True
    return False


def register(application: Application) -> None:
    application.add_handler(CommandHandler("mapa", mapa))
    buttons.register_action("map", on_map_button)
