"""python -m bot …: a thin way in. Every command calls the same functions the handlers call."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from bot.runtime.settings import Settings, SettingsError
from knowledge.loader import DATA_DIR, KnowledgeError, KnowledgeErrors, load_knowledge

NO_TOKEN_HINT = (
    "Sin TELEGRAM_BOT_TOKEN: abro la consola con el mismo motor y la misma base de datos.\n"
    "Para conectar Telegram: pide un token a @BotFather y corre  TELEGRAM_BOT_TOKEN=123:ABC… python -m bot"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="CocreaBot: gobierno abierto desde lo local.")
    commands = parser.add_subparsers(dest="command")

    run = commands.add_parser("run", help="corre el bot de Telegram (long polling, o --webhook)")
    run.add_argument("--webhook", action="store_true", help="usa el servidor de webhooks (WEBHOOK_URL, PORT, WEBHOOK_SECRET)")
    run.add_argument("--nueva", action="store_true",
                     help="empieza una base de datos nueva aunque en COCREA_DB haya una vacía donde antes hubo datos")

    commands.add_parser("chat", help="conversa en la consola con el mismo motor")

    ask = commands.add_parser("ask", help="responde una pregunta (o una por línea con --json -)")
    ask.add_argument("text", nargs="+", help="la pregunta, o - para leer una por línea de stdin")
    ask.add_argument("--json", action="store_true", help="imprime un objeto JSON: intent, state, step, term, text, sources")

    commands.add_parser("check-knowledge", help="valida knowledge/data/*.yaml: un resumen, o todos los problemas")

    publish = commands.add_parser("publicar", help="publica un documento del STL de una entidad y avisa a sus suscriptores")
    publish.add_argument("--entidad", required=True, help="nombre, alias o slug: jalisco, edomex, \"San Luis Potosí\"")
    publish.add_argument("--paso", required=True, help="el paso que evidencia (1 a 13) u «otro»")
    publish.add_argument("--titulo", required=True)
    publish.add_argument("--url", required=True, help="enlace al documento (http:// o https://)")
    publish.add_argument("--tipo", help="acta, plan, informe, convocatoria, consulta, arbol, web, declaratoria u otro")
    publish.add_argument("--fecha", help="fecha de publicación AAAA-MM-DD (hoy si no se da)")

    import_ = commands.add_parser("importar", help="publica muchos documentos desde un CSV o YAML")
    import_.add_argument("archivo", help="CSV con encabezado entidad,paso,tipo,titulo,url,fecha, o YAML con esos campos")
    import_.add_argument("--revisar", action="store_true", help="solo valida; no publica nada")

    convoke = commands.add_parser("convocar", help="publica una convocatoria y avisa a los suscriptores de la entidad")
    convoke.add_argument("--entidad", required=True, help="nombre, alias o slug: oaxaca, edomex, \"San Luis Potosí\"")
    convoke.add_argument("--paso", required=True, help="2 (STL), 3 (persona facilitadora), 5 (consulta), 7 (mesas) u «otra»")
    convoke.add_argument("--titulo", required=True)
    convoke.add_argument("--cierra", required=True, help="cierre, hora del centro de México: \"2026-12-15 18:00\", "
                         "\"15 de diciembre\" (sin hora: 23:59)")
    convoke.add_argument("--abre", help="apertura, hora del centro de México (si no se da: ya está abierta)")
    convoke.add_argument("--url", help="enlace a la convocatoria (http:// o https://)")
    convoke.add_argument("--descripcion", default="", help="quién puede participar y para qué")
    convoke.add_argument("--como", help="cómo participar")
    convoke.add_argument("--contacto", help="a quién escribir")

    backup = commands.add_parser("respaldar", help="copia la base de datos a DESTINO, también con el bot corriendo")
    backup.add_argument("destino", help="el archivo del respaldo, por ejemplo respaldos/cocrea-2026-12-01.db")
    backup.add_argument("--forzar", action="store_true", help="reemplaza DESTINO si ya existe")

    from bot.cli_curation import add_commands

    add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return _dispatch(args, settings)
    except SettingsError as problem:
        print(f"Error: {problem}", file=sys.stderr)
        return 2
    except KnowledgeError as error:
        _print_knowledge_problems(error)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `python -m bot ask … | head`
        return 0


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "check-knowledge":
        return check_knowledge()
    if args.command == "ask":
        return ask(" ".join(args.text), as_json=args.json, settings=settings)
    if args.command == "publicar":
        from bot.cli_publishing import publish_one

        return publish_one(args, settings)
    if args.command == "importar":
        from bot.cli_publishing import import_many

        return import_many(args, settings)
    if args.command == "convocar":
        from bot.cli_convocatorias import convoke

        return convoke(args, settings)
    if args.command in ("preguntas", "responder", "descartar", "estadisticas"):
        from bot.cli_curation import COMMANDS

        return COMMANDS[args.command](args, settings)
    if args.command == "respaldar":
        return respaldar(settings, args.destino, force=args.forzar)
    if args.command == "chat" or (args.command is None and not settings.token):
        if args.command is None:
            print(NO_TOKEN_HINT, file=sys.stderr)
        return chat(settings)
    from bot.app import run_bot  # PTB is imported only when the bot really runs

    if getattr(args, "nueva", False):
        settings = replace(settings, fresh_database=True)
    return run_bot(settings, webhook=getattr(args, "webhook", False))


def _engine(settings: Settings):
    from bot.runtime.services import build_engine

    return build_engine(settings)


def ask(text: str, as_json: bool, settings: Settings) -> int:
    engine = _engine(settings)
    if text.strip() == "-":
        for line in sys.stdin:
            reply = engine.ask(line.rstrip("\n"))
            _print(reply, as_json)
        return 0
    _print(engine.ask(text), as_json)
    return 0


def _print(reply, as_json: bool) -> None:
    if as_json:
        print(json.dumps(reply.as_json(), ensure_ascii=False), flush=True)
    else:
        print(reply.text)
        print()


def respaldar(settings: Settings, destination: str, force: bool = False) -> int:
    """A consistent copy of the database (bot/store/backup.py): one line, and 0 or 2."""
    from bot.store.backup import BackupError, backup_database

    try:
        size = backup_database(settings.db_path, destination, force=force)
    except BackupError as problem:
        print(f"Error: {problem}", file=sys.stderr)
        return 2
    print(f"Respaldo listo: {destination} ({size / 1_000_000:.1f} MB), copia de {settings.db_path}.")
    return 0


def chat(settings: Settings) -> int:
    from bot.console import Console
    from bot.runtime.services import build_services

    found = build_services(settings, thorough=False)
    Console(found.engine, chats=found.chats).loop()
    return 0


def knowledge_problems(error: KnowledgeError) -> list[str]:
    """One line per problem: every problem of a KnowledgeErrors, or the one of a KnowledgeError."""
    errors = error.errors if isinstance(error, KnowledgeErrors) else (error,)
    return [str(problem) for problem in errors]


def _print_knowledge_problems(error: KnowledgeError) -> int:
    """Prints each problem on its own line to stderr; returns how many there were."""
    lines = knowledge_problems(error)
    for line in lines:
        print(f"Error: {line}", file=sys.stderr)
    return len(lines)


def check_knowledge(data_dir: Path = DATA_DIR) -> int:
    """Validates knowledge/data (or `data_dir`): a summary and 0, or every problem and 1."""
    started = time.perf_counter()
    try:
        kb = load_knowledge(data_dir)
    except KnowledgeError as error:  # every problem, one per line, and no traceback
        count = _print_knowledge_problems(error)
        print(f"La base de conocimiento no es válida: {count} problema{'s' if count != 1 else ''}.", file=sys.stderr)
        return 1
    elapsed_ms = (time.perf_counter() - started) * 1000
    statuses: dict[str, int] = {}
    for state in kb.states.values():
        statuses[state.exercise.status] = statuses.get(state.exercise.status, 0) + 1
    print("La base de conocimiento es válida.")
    print(f"  Fuentes: {len(kb.sources)}")
    print(f"  Entidades: {len(kb.states)} ({', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))})")
    print(f"  Particularidades: {sum(len(s.particularities) for s in kb.states.values())}")
    print(f"  Pasos: {len(kb.steps)} · Fases del INAI: {len(kb.phases)}")
    print(f"  Glosario: {len(kb.terms)} términos · Cifras: {len(kb.figures)} · Respuestas: {len(kb.answers)}")
    print(f"  Vocabulario: {len(kb.vocabulary.phrases) + len(kb.vocabulary.maps)} entradas")
    examples = sum(len(questions) for questions in kb.examples.values())
    per_form = ", ".join(f"{form}: {len(questions)}" for form, questions in sorted(kb.examples.items()))
    print(f"  Ejemplos: {examples} ({per_form})")
    print(f"  Cargada en {elapsed_ms:.0f} ms")
    return 0
