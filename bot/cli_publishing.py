"""`python -m bot publicar` and `python -m bot importar`: the same publishing function the
Telegram flow uses. The running bot (if any) delivers the notices from the shared database."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from bot.core.rules import link_warning
from bot.core.publishing import (
    DocumentDraft, PublishError, duplicate_message, mexico_today, parse_step, publish_document, read_import,
)
from bot.runtime.services import build_services
from bot.runtime.settings import Settings
from bot.store import DuplicateDocument
from knowledge.counts import counted
from knowledge.engine import Engine


def resolve_state(engine: Engine, text: str) -> str | None:
    """A slug from a slug, a name or an alias; None when it names no state or more than one."""
    text = text.strip()
    if text in engine.kb.states:
        return text
    understood = engine.understand(text)
    return understood.state if len(understood.states) == 1 else None


def warn_about_link(url: str | None, where: str = "") -> None:
    """The Telegram flows' warning on a plain http:// link (bot/core/rules.py), on stderr."""
    warning = link_warning(url)
    if warning:
        print(f"{where}{warning}", file=sys.stderr)


def publish_one(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    engine = services.engine
    slug = resolve_state(engine, args.entidad)
    if slug is None:
        print(f"Error: no reconozco la entidad {args.entidad!r}.", file=sys.stderr)
        return 2
    try:
        draft = DocumentDraft(state=slug, step=parse_step(args.paso), kind=args.tipo, title=args.titulo, url=args.url,
                              published_on=date.fromisoformat(args.fecha) if args.fecha else mexico_today())
        result = publish_document(services.store, engine.kb, draft, published_by="cli")
    except ValueError as problem:  # PublishError, or a bad --fecha
        message = str(problem) if isinstance(problem, PublishError) else f"fecha inválida {args.fecha!r}: usa AAAA-MM-DD"
        print(f"Error: {message}", file=sys.stderr)
        return 2
    except DuplicateDocument as duplicate:
        print(f"Error: {duplicate_message(engine.kb, duplicate)}", file=sys.stderr)
        return 3
    warn_about_link(result.document.url)
    state = engine.kb.states[slug].name
    print(f"Publicado en {state}: «{result.document.title}» (documento {result.document.id}).")
    print(f"Avisos en cola: {result.queued}. Los envía el bot en ejecución.")
    return 0


def import_many(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    engine = services.engine
    path = Path(args.archivo)
    if not path.exists():
        print(f"Error: no existe el archivo {path}.", file=sys.stderr)
        return 2
    try:
        rows = read_import(path, lambda text: resolve_state(engine, text), engine.kb)
    except (PublishError, ValueError) as problem:
        print(f"Error: {problem}", file=sys.stderr)
        return 2
    errors = [row for row in rows if row.error]
    for row in errors:
        print(f"{path.name}, {row.where}: {row.error}", file=sys.stderr)
    if errors:
        print(f"No publiqué nada: {len(errors)} de {counted(len(rows), 'documento', 'documentos')} con errores.", file=sys.stderr)
        return 2
    if args.revisar:
        print(f"{counted(len(rows), 'documento válido', 'documentos válidos')}. No publiqué nada (--revisar).")
        return 0
    published = skipped = queued = 0
    for row in rows:
        if row.draft is None:  # only rows with an error lack one, and those stopped the import above
            continue
        try:
            result = publish_document(services.store, engine.kb, row.draft, published_by=f"import:{path.name}")
        except PublishError as problem:
            print(f"{path.name}, {row.where}: {problem}", file=sys.stderr)
            skipped += 1
            continue
        except DuplicateDocument as duplicate:
            print(f"{path.name}, {row.where}: {duplicate_message(engine.kb, duplicate)}")
            skipped += 1
            continue
        warn_about_link(result.document.url, f"{path.name}, {row.where}: ")
        published += 1
        queued += result.queued
    print(f"Publicados: {published}. Omitidos: {skipped}. Avisos en cola: {queued}.")
    return 0
