"""python -m bot preguntas | responder | descartar | estadisticas: the curators' CLI over the
same core the Telegram handlers use (bot/core/curation.py). Answers are queued in the outbox
and the running bot delivers them."""

from __future__ import annotations

import csv
import json
import sys

import yaml

from bot.core.curation import answer_problem, understood_text
from bot.core.statistics import as_text
from bot.runtime.services import Services, build_services
from bot.runtime.settings import Settings
from knowledge.counts import counted
from knowledge.reply import html_to_text
from knowledge.text import ascii_int

FIELDS = ("id", "text", "count", "first_asked", "last_asked", "states", "step", "term", "form", "status")


def _services(settings: Settings) -> Services:
    return build_services(settings)


def _row(kb, question: dict) -> dict:
    states = [kb.states[s].name for s in question["states"].split(",") if s in kb.states]
    return {"id": question["id"], "text": question["text"], "count": question["asked"],
            "first_asked": question["first_asked"], "last_asked": question["last_asked"], "states": states,
            "step": question["step"], "term": question["term"], "form": question["form"], "status": question["status"]}


def preguntas(args, settings: Settings) -> int:
    found = _services(settings)
    curation, kb = found.curation, found.engine.kb
    if args.yaml:
        return _export_yaml(curation.reviewed_answers())
    if args.resueltas:
        return _resolved(found, notify=args.avisar)
    rows = [_row(kb, q) for q in curation.pending(include_all=args.todas)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif args.csv:
        writer = csv.DictWriter(sys.stdout, FIELDS)
        writer.writeheader()
        writer.writerows({**row, "states": ", ".join(row["states"])} for row in rows)
    elif not rows:
        print("No hay preguntas esperando respuesta." if not args.todas else "No hay preguntas.")
    else:
        for question, row in zip(curation.pending(include_all=args.todas), rows, strict=False):
            about = understood_text(kb, question)
            print(f"#{row['id']} ({row['count']}) [{row['status']}] {row['text']}" + (f"  — {about}" if about else ""))
    return 0


def _resolved(found: Services, notify: bool) -> int:
    curation = found.curation
    if notify:
        questions, deliveries = curation.notify_resolved("cli")
        print(f"Listo: la nueva respuesta de {counted(questions, 'pregunta', 'preguntas')} va en camino a "
              f"{counted(deliveries, 'persona', 'personas')} (la envía el bot en ejecución).")
        return 0
    resolved = curation.resolved()
    if not resolved:
        print("Ninguna pregunta pendiente tiene respuesta nueva en la base de conocimiento.")
        return 0
    for question, reply in resolved:
        first = html_to_text(reply.html).strip().splitlines()[0]
        print(f"#{question['id']} ({question['asked']}) {question['text']}\n    → {first}")
    print(f"\n{counted(len(resolved), 'pregunta ya tiene', 'preguntas ya tienen')} respuesta. Para avisar a quienes las hicieron: "
          "python -m bot preguntas --resueltas --avisar")
    return 0


def _export_yaml(questions: list[dict]) -> int:
    """Reviewed answers, ready to move into knowledge/data/respuestas.yaml once a source is added."""
    items = [{"id": f"revisada-{q['id']}", "title": q["text"], "text": q["answer"], "sources": [],
              "answered_on": (q["answered_at"] or "")[:10]} for q in questions]
    print("# Respuestas revisadas por el equipo. Antes de pasarlas a knowledge/data/respuestas.yaml,")
    print("# agrega su fuente (sources) y revisa el texto.")
    print(yaml.safe_dump(items, allow_unicode=True, sort_keys=False, width=100), end="")
    return 0


def _question_id(text: str) -> int | None:
    return ascii_int(text.removeprefix("#"))


def responder(args, settings: Settings) -> int:
    question_id = _question_id(args.id)
    problem = answer_problem(args.texto)
    if question_id is None or problem:
        print(f"Error: {problem or 'ID debe ser el número de la pregunta (python -m bot preguntas).'}", file=sys.stderr)
        return 2
    queued = _services(settings).curation.reply_to_askers(question_id, args.texto, "cli")
    if queued is None:
        print(f"Error: la pregunta #{question_id} no existe o ya no espera respuesta.", file=sys.stderr)
        return 2
    print(f"Listo: respuesta a #{question_id} en camino a {counted(queued, 'persona', 'personas')} (la envía el bot en ejecución); "
          "queda como respuesta revisada.")
    return 0


def descartar(args, settings: Settings) -> int:
    question_id = _question_id(args.id)
    if question_id is None or not _services(settings).curation.dismiss(question_id, "cli"):
        print(f"Error: la pregunta {args.id} no existe o ya no espera respuesta.", file=sys.stderr)
        return 2
    print(f"Listo: descarté #{question_id}.")
    return 0


def estadisticas(args, settings: Settings) -> int:
    found = _services(settings)
    figures = found.curation.statistics()
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))
    else:
        print(html_to_text(as_text(found.engine.kb, figures)))
    return 0


def add_commands(commands) -> None:
    """The subcommands of `python -m bot` for curators."""
    questions = commands.add_parser("preguntas", help="las preguntas enviadas al equipo, la más preguntada primero")
    shape = questions.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="un arreglo JSON: id, text, count, first_asked, last_asked, "
                       "states, step, term, form, status")
    shape.add_argument("--csv", action="store_true", help="CSV con esas columnas")
    shape.add_argument("--yaml", action="store_true", help="las respuestas revisadas, en YAML para la base de conocimiento")
    shape.add_argument("--resueltas", action="store_true",
                       help="las pendientes que la base de conocimiento de hoy ya contesta")
    questions.add_argument("--todas", action="store_true", help="también las respondidas y descartadas")
    questions.add_argument("--avisar", action="store_true", help="con --resueltas: avisa a quienes las hicieron")

    answer = commands.add_parser("responder", help="responde una pregunta: la reciben todas las personas que la hicieron")
    answer.add_argument("id", help="el número de la pregunta (python -m bot preguntas)")
    answer.add_argument("texto", help="la respuesta")

    dismiss = commands.add_parser("descartar", help="descarta una pregunta (nadie recibe aviso)")
    dismiss.add_argument("id")

    figures = commands.add_parser("estadisticas", help="chats, suscripciones, alcance de los avisos, preguntas, 👍/👎")
    figures.add_argument("--json", action="store_true")


COMMANDS = {"preguntas": preguntas, "responder": responder, "descartar": descartar, "estadisticas": estadisticas}
