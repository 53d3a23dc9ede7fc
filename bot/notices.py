"""The notifications subscribers receive, rendered once per notice (Telegram HTML)."""

from __future__ import annotations

from datetime import date

from bot.store import DOCUMENT_KINDS
from knowledge.dates import human_date
from knowledge.models import STEP_COUNT, KnowledgeBase
from knowledge.reply import esc


def step_label(kb: KnowledgeBase, step: int | None, kind: str) -> str:
    """'paso 4 de 13: Acta de instalación del Secretariado Técnico Local', or the kind."""
    if step is None:
        return DOCUMENT_KINDS.get(kind, kind)
    return f"paso {step} de {STEP_COUNT}: {kb.steps[step].name}"


def unsubscribe_line(kb: KnowledgeBase, state: str) -> str:
    return f"Para dejar de recibir avisos de {esc(kb.states[state].name)}: /baja {esc(state)}"


def document_notice(kb: KnowledgeBase, state: str, step: int | None, kind: str, title: str, url: str | None,
                    published_on: date, has_file: bool) -> str:
    lines = [
        f"📄 <b>Nuevo documento del STL de {esc(kb.states[state].name)}</b>",
        "",
        f"<b>{esc(title)}</b>",
        _capitalized(esc(step_label(kb, step, kind))),
        f"Publicado el {esc(human_date(published_on))}",
    ]
    if url:
        lines.append(f'<a href="{esc(url)}">Ver el documento</a>')
    if has_file:
        lines.append("📎 El archivo va adjunto.")
    lines += ["", unsubscribe_line(kb, state)]
    return "\n".join(lines)


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
