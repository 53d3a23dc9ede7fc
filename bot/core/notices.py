"""The notifications subscribers receive, rendered once per notice (Telegram HTML)."""

from __future__ import annotations

from datetime import date, datetime

from bot.store import DOCUMENT_KINDS
from knowledge.dates import human_date
from knowledge.live import ConvocatoriaInfo
from knowledge.models import STEP_COUNT, KnowledgeBase
from knowledge.reply import esc
from knowledge.wording import closing_phrase, convocatoria_details, local_moment

CENTRAL_TIME = "hora del centro de México"


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


# -- convocatorias ------------------------------------------------------------------------


def convocatoria_notice(kb: KnowledgeBase, item: ConvocatoriaInfo, now: datetime) -> str:
    """The announcement of a new convocatoria (also its preview for the person publishing)."""
    lines = [f"📣 <b>Nueva convocatoria en {esc(kb.states[item.state].name)}</b>", "", f"<b>{esc(item.title)}</b>"]
    if item.step is not None:
        lines.append(_capitalized(esc(step_label(kb, item.step, "convocatoria"))))
    if item.opens_at > now:
        lines.append(f"🟢 Abre el {esc(local_moment(item.opens_at, now))}")
    lines.append(f"⏳ Cierra el {esc(local_moment(item.closes_at, now))} ({CENTRAL_TIME})")
    if item.description:
        lines += ["", esc(item.description)]
    lines += _how_to_take_part(item)
    lines += ["", unsubscribe_line(kb, item.state)]
    return "\n".join(lines)


def convocatoria_reminder(kb: KnowledgeBase, item: ConvocatoriaInfo, now: datetime) -> str:
    lines = [
        "⏰ <b>Recordatorio: una convocatoria cierra pronto</b>",
        "",
        f"<b>{esc(item.title)}</b> ({esc(kb.states[item.state].name)})",
        f"⏳ {esc(_capitalized(closing_phrase(item, now)))} ({CENTRAL_TIME})",
    ]
    lines += _how_to_take_part(item)
    lines += ["", f"¿No quieres recordatorios? Toca /suscribir {esc(item.state)} y elige «Sin recordatorios»."]
    return "\n".join(lines)


def convocatoria_correction(kb: KnowledgeBase, item: ConvocatoriaInfo, change: str, now: datetime) -> str:
    """A short correction; `change` (plain text) says what changed."""
    lines = [
        f"✏️ <b>Corrección a una convocatoria de {esc(kb.states[item.state].name)}</b>",
        "",
        f"<b>{esc(item.title)}</b>",
        esc(change),
        f"⏳ Cierra el {esc(local_moment(item.closes_at, now))} ({CENTRAL_TIME})",
    ]
    if item.url:
        lines.append(f'<a href="{esc(item.url)}">Ver la convocatoria</a>')
    lines += ["", unsubscribe_line(kb, item.state)]
    return "\n".join(lines)


def convocatoria_cancellation(kb: KnowledgeBase, item: ConvocatoriaInfo, now: datetime) -> str:
    return "\n".join([
        f"❌ <b>Convocatoria cancelada en {esc(kb.states[item.state].name)}</b>",
        "",
        f"<b>{esc(item.title)}</b> se canceló: ya no recibe participantes "
        f"(iba a cerrar el {esc(local_moment(item.closes_at, now))}).",
        "",
        unsubscribe_line(kb, item.state),
    ])


def _how_to_take_part(item: ConvocatoriaInfo) -> list[str]:
    lines = convocatoria_details(item)
    return [""] + lines if lines else []


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
