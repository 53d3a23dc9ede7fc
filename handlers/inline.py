"""Inline mode: «@bot oaxaca», «@bot paso 6», «@bot glosario STL», «@bot convocatorias jalisco»,
«@bot mapa» in any chat. The results are the replies the bot gives in its own chat, as articles
(text, sources, a button that opens the same thing in the bot, and one to share it again), and the
map as a cached photo once it has been uploaded. An empty query offers the most useful items.

Buttons of a message sent inline cannot be answered in place (the bot does not see that chat),
so inline results carry links, not the reply's own buttons."""

from __future__ import annotations

import hashlib

from telegram import (
    InlineQueryResultArticle, InlineQueryResultCachedPhoto, InputTextMessageContent, LinkPreviewOptions, Update,
)
from telegram.constants import ParseMode
from telegram.ext import Application, ContextTypes, InlineQueryHandler

from handlers.common import services
from handlers.render import keyboard, split_html
from handlers.sharing import map_cache, map_caption
from bot.core.commands import command_reply
from knowledge.engine import Engine
from knowledge.reply import Button, Reply, html_to_text
from knowledge.sharing import SHARE_TEXT, deep_link_payload, map_query, share_query
from knowledge.statemap import MODE_TITLES, parse_mode
from knowledge.text import fold

CACHE_SECONDS = 60  # live data (convocatorias, published documents) changes; Telegram keeps results this long
MAX_RESULTS = 20
COMMAND_WORDS = ("estado", "paso", "pasos", "fase", "fases", "glosario", "convocatorias", "documentos")
FEATURED_TERM = "stl"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    results = inline_results(context, query.query.strip())
    await query.answer(results[:MAX_RESULTS], cache_time=CACHE_SECONDS, is_personal=False)


def inline_results(context: ContextTypes.DEFAULT_TYPE, text: str) -> list:
    engine = services(context).engine
    words = text.split(maxsplit=1)
    first = fold(words[0]) if words else ""
    rest = words[1] if len(words) > 1 else ""
    if not text:
        return featured(context, engine)
    if first == "mapa":
        mode = parse_mode(rest) or "estado"
        return [map_result(context, mode)]
    if first in COMMAND_WORDS:
        replies = [command_reply(engine, first, rest)]
    else:
        asked = engine.ask(text)
        if asked.intent in ("out_of_scope", "help", "greeting") and not asked.ambiguous:
            return featured(context, engine)
        replies = [engine.answers.state_card(slug) for slug in _slugs(engine, asked.ambiguous)] or [asked]
    return [article(context, engine, reply) for reply in replies if reply is not None]


def featured(context: ContextTypes.DEFAULT_TYPE, engine: Engine) -> list:
    answers = engine.answers
    replies = [answers.steps_overview(), answers.convocatorias(None), answers.term(FEATURED_TERM), answers.figures()]
    return [map_result(context, "estado")] + [article(context, engine, reply) for reply in replies]


def article(context: ContextTypes.DEFAULT_TYPE, engine: Engine, reply: Reply) -> InlineQueryResultArticle:
    parts = split_html(reply.html)
    body = parts[0] if len(parts) == 1 else parts[0] + "\n\n…"
    lines = [line.strip() for line in reply.text.splitlines() if line.strip()]
    title = lines[0][:80] if lines else "CocreaBot"
    description = lines[1][:120] if len(lines) > 1 else None
    payload = deep_link_payload(reply, engine.kb)
    rows = [(Button("🤖 Abrir en CocreaBot", url=_deep_link(context, payload)),)]
    query = share_query(reply, engine.kb)
    if query:
        rows.append((Button(SHARE_TEXT, share=query),))
    return InlineQueryResultArticle(
        id=_result_id("a", reply.html), title=title, description=description, reply_markup=keyboard(tuple(rows)),
        input_message_content=InputTextMessageContent(body, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW),
    )


def map_result(context: ContextTypes.DEFAULT_TYPE, mode: str):
    """The map as a cached photo once it was uploaded; before that, its summary with a link
    that opens it in the bot (an inline result cannot upload a picture)."""
    cache = map_cache(context)
    state_map = cache.current(mode)
    payload = "mapa" if mode == "estado" else f"mapa-{mode}"
    rows = ((Button("🤖 Abrir en CocreaBot", url=_deep_link(context, payload)),),
            (Button(SHARE_TEXT, share=map_query(mode)),))
    file_id = cache.file_id(state_map)
    if file_id:
        return InlineQueryResultCachedPhoto(
            id=_result_id("m", state_map.version), photo_file_id=file_id, title=MODE_TITLES[mode],
            caption=map_caption(state_map), parse_mode=ParseMode.HTML, reply_markup=keyboard(rows),
        )
    return InlineQueryResultArticle(
        id=_result_id("m", state_map.version), title=f"🗺️ Mapa: {MODE_TITLES[mode]}",
        description=html_to_text(state_map.caption_html)[:120], reply_markup=keyboard(rows),
        input_message_content=InputTextMessageContent(map_caption(state_map), parse_mode=ParseMode.HTML,
                                                      link_preview_options=NO_PREVIEW),
    )


def _deep_link(context: ContextTypes.DEFAULT_TYPE, payload: str) -> str:
    link = f"https://t.me/{context.bot.username}"
    return f"{link}?start={payload}" if payload else link


def _result_id(kind: str, content: str) -> str:
    return f"{kind}{hashlib.sha256(content.encode()).hexdigest()[:40]}"  # at most 64 bytes


def _slugs(engine: Engine, names: tuple[str, ...]) -> list[str]:
    by_name = {state.name: slug for slug, state in engine.kb.states.items()}
    return [by_name[name] for name in names if name in by_name]


def register(application: Application) -> None:
    application.add_handler(InlineQueryHandler(on_inline_query))
