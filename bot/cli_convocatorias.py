"""`python -m bot convocar`: the same convocatoria desk the Telegram flow uses. The running bot
(if any) delivers the announcement from the shared database."""

from __future__ import annotations

import argparse
import sys

from bot.cli_publishing import resolve_state, warn_about_link
from bot.core.convocatorias import ConvocatoriaDraft, ConvocatoriaError, Convocatorias, kind_for_step
from bot.core.dates import START_OF_DAY, DateInputError, parse_moment
from bot.core.notices import CENTRAL_TIME
from bot.runtime.services import build_services
from bot.runtime.settings import Settings
from knowledge.wording import local_moment


def convoke(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    kb = services.engine.kb
    slug = resolve_state(services.engine, args.entidad)
    if slug is None:
        return _fail(f"no reconozco la entidad {args.entidad!r}.")
    desk = Convocatorias(services.store, kb, reminder_days=settings.reminder_days)
    now = desk.clock()
    try:
        closes = _moment("--cierra", args.cierra, now)
        opens = _moment("--abre", args.abre, now, default_time=START_OF_DAY) if args.abre else None
        draft = ConvocatoriaDraft(state=slug, kind=kind_for_step(args.paso), title=args.titulo,
                                  description=args.descripcion, closes_at=closes.at, opens_at=opens.at if opens else None,
                                  url=args.url, how_to_apply=args.como, contact=args.contacto)
        created = desk.create(draft, published_by="cli")
    except ConvocatoriaError as problem:
        return _fail(str(problem))
    item = created.convocatoria
    warn_about_link(item.url)
    print(f"Convocatoria publicada en {kb.states[slug].name}: «{item.title}» (convocatoria {item.id}).")
    print(f"Cierra el {local_moment(item.closes_at, with_year=True)} ({CENTRAL_TIME}).")
    print(f"Avisos en cola: {created.queued}. Los envía el bot en ejecución.")
    return 0


def _moment(flag: str, text: str, now, **options):
    try:
        return parse_moment(text, now, **options)
    except DateInputError as problem:
        raise ConvocatoriaError(f"{flag}: {problem}") from None


def _fail(message: str) -> int:
    print(f"Error: {message}", file=sys.stderr)
    return 2
