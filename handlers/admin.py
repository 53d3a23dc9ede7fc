"""Admin commands: name and remove facilitators, list them. Only for COCREA_ADMIN_IDS."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from handlers import menu
from handlers.common import admin_only, permissions, services, user_id
from knowledge.reply import esc
from knowledge.text import ascii_int

# Replies are HTML (the application's default parse mode): angle brackets must be escaped.
USAGE_NAME = esc("Uso: /nombrar_facilitador <id de Telegram> <entidad>, por ejemplo /nombrar_facilitador 123456789 jalisco")
USAGE_REMOVE = esc("Uso: /quitar_facilitador <id de Telegram> [entidad]; sin entidad se le quitan todas.")


def _parse(context: ContextTypes.DEFAULT_TYPE) -> tuple[int | None, str]:
    args = context.args or []
    number = ascii_int(args[0].removeprefix("-"), max_digits=16) if args else None  # Telegram ids: 52 bits
    if number is None:
        return None, ""
    return -number if args[0].startswith("-") else number, " ".join(args[1:]).strip()


@admin_only
async def nombrar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    target, place = _parse(context)
    found = services(context)
    slug = found.engine.understand(place).state if place else None
    if target is None or slug is None:
        await update.effective_message.reply_text(USAGE_NAME)
        return
    new = found.permissions.grant(target, slug, user_id(update))
    await _refresh_menu(context, target)
    name = esc(found.engine.kb.states[slug].name)
    verb = "Listo" if new else "Ya lo era"
    await update.effective_message.reply_html(
        f"{verb}: <code>{target}</code> es persona facilitadora de <b>{name}</b> y puede publicar con /publicar y /convocar.")


@admin_only
async def quitar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    target, place = _parse(context)
    found = services(context)
    if target is None:
        await update.effective_message.reply_text(USAGE_REMOVE)
        return
    slug = found.engine.understand(place).state if place else None
    if place and slug is None:
        await update.effective_message.reply_text(f"No reconozco la entidad «{esc(place[:60])}». {USAGE_REMOVE}")
        return
    removed = found.permissions.revoke(target, slug)
    await _refresh_menu(context, target)
    where = f" de {found.engine.kb.states[slug].name}" if slug else ""
    text = f"Listo: quité a {target} como persona facilitadora{where}." if removed else f"{target} no era persona facilitadora{where}."
    await update.effective_message.reply_text(text)


@admin_only
async def facilitadores(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    found = services(context)
    rows = found.permissions.facilitators()
    if not rows:
        await update.effective_message.reply_text("Todavía no hay personas facilitadoras. Nombra una con /nombrar_facilitador.")
        return
    lines = ["<b>Personas facilitadoras</b>", ""]
    for row in rows:
        lines.append(f"• <code>{row['user_id']}</code> — {esc(found.engine.kb.states[row['state']].name)}")
    await update.effective_message.reply_html("\n".join(lines))


async def _refresh_menu(context: ContextTypes.DEFAULT_TYPE, target: int) -> None:
    who = permissions(context)
    await menu.set_personal_menu(context.bot, target, is_admin=who.is_admin(target), is_facilitator=who.is_facilitator(target))


def register(application: Application) -> None:
    application.add_handler(CommandHandler("nombrar_facilitador", nombrar))
    application.add_handler(CommandHandler("quitar_facilitador", quitar))
    application.add_handler(CommandHandler("facilitadores", facilitadores))
