"""/estadisticas and `python -m bot estadisticas`: counts only, never a message's text (the
pending questions shown are those sent to the team with consent).

- chats and subscribers per state and kind (documents, convocatorias, reminders);
- each recent notice's reach: sent, pending, failed, blocked (and dropped otherwise);
- over the last DAYS days: questions per intent and per state, the share answered, 👍/👎, and
  the most asked pending questions.
A facilitator sees the same for their own states (no questions of other states, no team answers)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypedDict

from bot.store import TEAM_ANSWER_KIND, Store
from knowledge.models import KnowledgeBase
from knowledge.reply import esc

DAYS = 30
TOP_PENDING = 5
NOTICES_SHOWN = 10
KIND_NAMES = {"document": "documento", "convocatoria": "convocatoria", "convocatoria_reminder": "recordatorio",
              "convocatoria_correction": "corrección", "convocatoria_cancelled": "cancelación",
              TEAM_ANSWER_KIND: "respuesta del equipo"}

Row = dict[str, Any]  # a row of the store's counts, as its query names the columns


class QuestionFigures(TypedDict):
    asked: int
    answered: int
    share_answered: float | None  # None when nothing was asked
    per_intent: dict[str, int]
    per_state: dict[str, int]


class FeedbackFigures(TypedDict):
    up: int
    down: int
    per_intent: dict[str, dict[str, int]]  # intent -> {"up": n, "down": n}


class PendingFigure(TypedDict):
    id: int
    text: str
    asked: int  # how many chats asked it


class Figures(TypedDict):
    days: int
    since: str  # ISO date
    chats: dict[str, int] | None  # None for a facilitator
    subscribers: list[Row]
    notices: list[Row]
    questions: QuestionFigures
    feedback: FeedbackFigures
    pending: list[PendingFigure]


def gather(store: Store, today: date, states: list[str] | None = None, days: int = DAYS) -> Figures:
    """Every figure, as plain data (the JSON of the CLI). states: only these (a facilitator's)."""
    since = (today - timedelta(days=days - 1)).isoformat()

    def mine(state: str | None) -> bool:
        return states is None or state in states

    counts = [row for row in store.question_counts_since(since) if mine(row["state"])]
    votes = [row for row in store.feedback_since(since) if mine(row["state"])]
    asked = sum(row["n"] for row in counts)
    answered = sum(row["n"] for row in counts if row["answered"])
    pending: list[Row] = [] if states is not None else store.questions(("pending",), TOP_PENDING)
    return {
        "days": days,
        "since": since,
        "chats": store.chat_counts() if states is None else None,
        "subscribers": [row for row in store.subscriber_counts() if mine(row["state"])],
        "notices": [_reach(row) for row in store.notice_reach(200) if mine(row["state"])][:NOTICES_SHOWN * 2],
        "questions": {
            "asked": asked,
            "answered": answered,
            "share_answered": round(answered / asked, 3) if asked else None,
            "per_intent": _totals(counts, "intent"),
            "per_state": _totals([row for row in counts if row["state"]], "state"),
        },
        "feedback": {
            "up": sum(row["up"] for row in votes),
            "down": sum(row["down"] for row in votes),
            "per_intent": _votes(votes),
        },
        "pending": [{"id": q["id"], "text": q["text"], "asked": q["asked"]} for q in pending],
    }


def _reach(row: Row) -> Row:
    keys = ("sent", "pending", "failed", "blocked", "dropped")
    return {"id": row["id"], "kind": row["kind"], "state": row["state"], "created_at": row["created_at"],
            "title": row["title"] or row["document"], **{key: row[key] or 0 for key in keys}}


def _totals(rows: list[Row], key: str) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in rows:
        totals[row[key]] = totals.get(row[key], 0) + row["n"]
    return dict(sorted(totals.items(), key=lambda item: (-item[1], item[0])))


def _votes(rows: list[Row]) -> dict[str, dict[str, int]]:
    per: dict[str, dict[str, int]] = {}
    for row in rows:
        entry = per.setdefault(row["intent"], {"up": 0, "down": 0})
        entry["up"] += row["up"]
        entry["down"] += row["down"]
    return dict(sorted(per.items()))


def as_text(kb: KnowledgeBase, figures: Figures) -> str:
    """The figures for people (Telegram HTML; the CLI prints it as text)."""

    def name(slug: str | None) -> str:
        return kb.states[slug].name if slug in kb.states else (slug or "—")

    lines = [f"📊 <b>Estadísticas</b> (preguntas: últimos {figures['days']} días)", ""]
    if figures["chats"] is not None:
        chats = figures["chats"]
        lines.append(f"<b>Chats:</b> {chats['chats']} ({chats['active']} activos, {chats['groups']} grupos)")
    lines.append("<b>Suscripciones por entidad</b> (chats · documentos · convocatorias · recordatorios)")
    lines += [f"• {esc(name(r['state']))}: {r['chats']} · {r['documents']} · {r['convocatorias']} · {r['reminders']}"
              for r in figures["subscribers"]] or ["• ninguna"]
    lines += ["", "<b>Alcance de los avisos</b> (enviados · pendientes · fallidos · bloqueados)"]
    lines += [f"• #{n['id']} {esc(KIND_NAMES.get(n['kind'], n['kind']))}"
              + (f" «{esc(n['title'])}»" if n["title"] else "") + (f", {esc(name(n['state']))}" if n["state"] else "")
              + f": {n['sent']} · {n['pending']} · {n['failed']} · {n['blocked']}"
              for n in figures["notices"][:NOTICES_SHOWN]] or ["• ningún aviso"]
    questions = figures["questions"]
    share = f"{questions['share_answered']:.0%}" if questions["share_answered"] is not None else "—"
    lines += ["", f"<b>Preguntas:</b> {questions['asked']}, contestadas {questions['answered']} ({share})"]
    if questions["per_intent"]:
        lines.append("Por tema: " + ", ".join(f"{esc(k)} {v}" for k, v in questions["per_intent"].items()))
    if questions["per_state"]:
        lines.append("Por entidad: " + ", ".join(f"{esc(name(k))} {v}" for k, v in list(questions["per_state"].items())[:10]))
    feedback = figures["feedback"]
    lines.append(f"<b>¿Te sirvió?</b> 👍 {feedback['up']} · 👎 {feedback['down']}")
    lines += [f"• {esc(intent)}: 👍 {v['up']} · 👎 {v['down']}" for intent, v in feedback["per_intent"].items()]
    if figures["pending"]:
        lines += ["", "<b>Lo más preguntado sin respuesta</b> (/pendientes)"]
        lines += [f"• #{q['id']} ({q['asked']}) «{esc(q['text'][:120])}»" for q in figures["pending"]]
    return "\n".join(lines)
