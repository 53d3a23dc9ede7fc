"""A button that opens a state's card, a step, a phase or a glossary term sets the chat's topic,
as if the person had asked for it: after pressing [Paso 6] (or «7 ▶»), «¿y el siguiente?» means
the step after the one on screen. Used by the Telegram buttons and the console chat; it goes
through the engine's memory, which keeps what was shown, never a message."""

from __future__ import annotations

from typing import Callable, Hashable

from knowledge.engine import Engine
from knowledge.reply import Action
from knowledge.understanding import Request

_TOPICS: dict[str, Callable[[str], Request]] = {
    "state": lambda slug: Request("status", states=(slug,)),
    "step": lambda number: Request("step", step=int(number)),
    "phase": lambda number: Request("phase", phase=int(number)),
    "term": lambda term: Request("what_is", term=term),
}


def remember_pressed(engine: Engine, chat: Hashable, action: Action) -> None:
    """Call after the button's reply was shown (so its argument is a valid one)."""
    topic = _TOPICS.get(action.kind)
    if topic is not None:
        engine.memory.remember(chat, topic(action.arg))
