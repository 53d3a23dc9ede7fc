"""The notifications subscribers receive, rendered once per notice (Telegram HTML), and the
buttons they carry: [📄 Abrir] (the link), [Ver <entidad>] and [🔕 Dejar de seguir]. The buttons
are stored with the notice as JSON (a restart still sends them) and name runtime actions that
handlers/callbacks.py encodes when the dispatcher sends the notice."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from bot.store import DOCUMENT_KINDS
from knowledge.dates import human_date
from knowledge.live import ConvocatoriaInfo
from knowledge.models import STEP_COUNT, KnowledgeBase
from knowledge.reply import esc
from knowledge.wording import closing_phrase, convocatoria_details, join_names, local_moment, state_button

CENTRAL_TIME = "hora del centro de México"
NOTICE_ACTIONS = frozenset({"notice_card", "notice_unsub"})  # answered by handlers/notices.py
OPEN_LABEL = "📄 Abrir"
UNSUBSCRIBE_LABEL = "🔕 Dejar de seguir"


@dataclass(frozen=True)
class NoticeButton:
    """A button under a notice: a link (`url`), or a runtime action (one of NOTICE_ACTIONS)
    with its argument."""
    text: str
    action: str = ""
    arg: str = ""
    url: str | None = None


NoticeKeyboard = tuple[tuple[NoticeButton, ...], ...]


def notice_buttons(kb: KnowledgeBase, state: str, url: str | None) -> NoticeKeyboard:
    """[📄 Abrir] (when there is a link) [Ver <entidad>], then [🔕 Dejar de seguir <entidad>]."""
    name = kb.states[state].name
    first = (NoticeButton(OPEN_LABEL, url=url),) if url else ()
    see = NoticeButton(state_button("Ver {}", name), "notice_card", state)
    leave = NoticeButton(state_button(f"{UNSUBSCRIBE_LABEL} {{}}", name, UNSUBSCRIBE_LABEL), "notice_unsub", state)
    return (first + (see,), (leave,))


def buttons_preview(rows: NoticeKeyboard) -> str:
    """How a preview of the notice names its buttons (HTML): «Con los botones «📄 Abrir», …»."""
    labels = [f"«{button.text}»" for row in rows for button in row]
    return f"<i>Con los botones {esc(join_names(labels))}.</i>" if labels else ""


def keyboard_json(rows: NoticeKeyboard) -> str | None:
    """The buttons as stored with the notice (None: no buttons). Refuses actions nobody answers."""
    if not any(rows):
        return None
    stored = []
    for row in rows:
        stored.append([_stored_button(button) for button in row])
    return json.dumps(stored, ensure_ascii=False)


def _stored_button(button: NoticeButton) -> dict[str, str]:
    if button.url:
        return {"text": button.text, "url": button.url}
    if button.action not in NOTICE_ACTIONS:
        raise ValueError(f"a notice button needs a link or one of {sorted(NOTICE_ACTIONS)}: {button}")
    return {"text": button.text, "action": button.action, "arg": button.arg}


def keyboard_from_json(stored: str | None) -> NoticeKeyboard:
    """The stored buttons; () for none, and for anything unreadable (the notice still goes out)."""
    if not stored:
        return ()
    try:
        rows = json.loads(stored)
        return tuple(tuple(_read_button(button) for button in row) for row in rows)
    except (ValueError, TypeError, KeyError, AttributeError):
        return ()


def _read_button(button: dict[str, str]) -> NoticeButton:
    text = button["text"]
    if not isinstance(text, str):
        raise TypeError("a button's text is a string")
    if "url" in button:
        return NoticeButton(text, url=str(button["url"]))
    if button["action"] not in NOTICE_ACTIONS:
        raise ValueError(f"unknown action {button['action']!r}")
    return NoticeButton(text, button["action"], str(button["arg"]))


def step_label(kb: KnowledgeBase, step: int | None, kind: str) -> str:
    """'paso 4 de 13: Acta de instalación del Secretariado Técnico Local', or the kind."""
    if step is None:
        return DOCUMENT_KINDS.get(kind, kind)
    return f"paso {step} de {STEP_COUNT}: {kb.steps[step].name}"


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
    return "\n".join(lines)


def convocatoria_reminder(kb: KnowledgeBase, item: ConvocatoriaInfo, now: datetime) -> str:
    lines = [
        "⏰ <b>Recordatorio: una convocatoria cierra pronto</b>",
        "",
        f"<b>{esc(item.title)}</b> ({esc(kb.states[item.state].name)})",
        f"⏳ {esc(_capitalized(closing_phrase(item, now)))} ({CENTRAL_TIME})",
    ]
    lines += _how_to_take_part(item)
    lines += ["", "¿No quieres recordatorios? Cámbialo en /suscripciones."]
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
    return "\n".join(lines)


def convocatoria_cancellation(kb: KnowledgeBase, item: ConvocatoriaInfo, now: datetime) -> str:
    return "\n".join([
        f"❌ <b>Convocatoria cancelada en {esc(kb.states[item.state].name)}</b>",
        "",
        f"<b>{esc(item.title)}</b> se canceló: ya no recibe participantes "
        f"(iba a cerrar el {esc(local_moment(item.closes_at, now))}).",
    ])


def _how_to_take_part(item: ConvocatoriaInfo) -> list[str]:
    lines = convocatoria_details(item)
    return [""] + lines if lines else []


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
