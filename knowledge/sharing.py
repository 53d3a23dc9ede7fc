"""What a reply can be shared as, decided from the reply alone: the inline query that brings it
back in any chat («@bot Oaxaca», «@bot paso 6»), the deep link that opens it in the bot
(t.me/<bot>?start=oaxaca), and the map view worth offering next to it. The Telegram adapters
turn these into buttons; the console has no use for them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from markupsafe import Markup

from knowledge import wording
from knowledge.live import ConvocatoriaInfo
from knowledge.models import KnowledgeBase
from knowledge.reply import Reply
from knowledge.text import fold

if TYPE_CHECKING:
    from knowledge.answers.cards import Answerer

SHARE_TEXT = "📤 Compartir"
MAP_TEXT = "📍 Ver el mapa"
MAP_INTENTS = ("figures",)
ATTRIBUTE_VIEWS = {"stl": "stl", "stl_installation": "stl", "stl_kind": "stl", "pal": "pal"}


def share_query(reply: Reply, kb: KnowledgeBase) -> str | None:
    """The inline query that offers this reply again: a state's card, a step, a term, the open
    convocatorias; None for what is not worth sharing (help, a question back)."""
    if reply.ambiguous:
        return None
    if reply.intent == "state_status" and reply.state:
        return reply.state
    if reply.intent == "step" and reply.step:
        return f"paso {reply.step}"
    if reply.intent == "glossary" and reply.term in kb.terms:
        return f"glosario {kb.terms[reply.term].term}"
    if reply.intent == "convocatorias":
        return f"convocatorias {reply.state}" if reply.state else "convocatorias"
    return None


def map_query(mode: str) -> str:
    return "mapa" if mode == "estado" else f"mapa {mode}"


def map_offer(reply: Reply) -> str | None:
    """The map view to offer after this reply: after the welcome, and after counts and lists
    of states (by the fact they were about), never after a state's own card."""
    if reply.form == "map":
        return None  # it is the map already
    if reply.intent == "greeting" and reply.form in ("", "greeting"):
        return "estado"
    if reply.intent in MAP_INTENTS and not reply.state:
        return ATTRIBUTE_VIEWS.get(reply.attribute or "", "estado")
    return None


def deep_link_payload(reply: Reply, kb: KnowledgeBase) -> str:
    """The /start payload that opens this reply in the bot ('' opens the welcome)."""
    slug = state_slug(reply.state, kb) if reply.state else None
    if reply.intent == "state_status" and slug:
        return slug
    if reply.intent == "step" and reply.step:
        return f"paso-{reply.step}"
    if reply.phase is not None or reply.intent == "step":
        return "fases"
    if reply.intent == "glossary" and reply.term in kb.terms:
        return f"glosario-{reply.term}"
    return slug or ""


def state_slug(name: str, kb: KnowledgeBase) -> str | None:
    folded = fold(name)
    return next((slug for slug, state in kb.states.items() if fold(state.name) == folded), None)


def convocatoria_reply(answers: Answerer, item: ConvocatoriaInfo | None, now: datetime) -> Reply:
    """A shared convocatoria (t.me/<bot>?start=conv-12): the card while it is open; once closed
    or cancelled, says so and shows what is open in its state now."""
    if item is not None and item.opens_at <= now < item.closes_at:
        name = answers.kb.states[item.state].name
        text = f"📣 {wording.convocatoria_block(item, now, answers.kb)}"
        return Reply(Markup(text), answers.subscribe_buttons(item.state), intent="convocatorias", state=name)
    current = answers.convocatorias(item.state if item else None)
    lead = "Esa convocatoria no está abierta en este momento."
    return Reply(Markup(f"{lead}\n\n{current.html}"), current.buttons, intent="convocatorias", state=current.state)
