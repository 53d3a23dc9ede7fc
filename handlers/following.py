"""A reply as this chat sees it: once the chat follows a state, its «🔔 Suscribirme» reads
«✓ Siguiendo», a picker's state gets a ✓ (the same action: handlers/subscriptions.py opens that subscription's
settings instead of subscribing again); and the INAI notice goes in full once a day, then as a
short line (knowledge/engine.py). Knowledge answers know nothing of chats; this is where they meet."""

from __future__ import annotations

import dataclasses

from telegram.ext import ContextTypes

from handlers.common import services
from knowledge.reply import Button, Reply

FOLLOWING_LABEL = "✓ Siguiendo"


def for_chat(reply: Reply, context: ContextTypes.DEFAULT_TYPE, chat_id: int | None) -> Reply:
    if chat_id is not None and reply.inai_notice:
        reply = services(context).engine.for_chat(chat_id, reply)
    offered = {b.action.arg for row in reply.buttons for b in row if b.action and b.action.kind == "subscribe"}
    if not offered or chat_id is None:
        return reply
    followed = {s.state for s in services(context).chats.subscriptions(chat_id)} & offered
    if not followed:
        return reply
    rows = tuple(tuple(_following(b) if b.action and b.action.kind == "subscribe" and b.action.arg in followed else b
                       for b in row) for row in reply.buttons)
    return dataclasses.replace(reply, buttons=rows)


def _following(button: Button) -> Button:
    return dataclasses.replace(button, text=following_label(button.text))


def following_label(label: str) -> str:
    """«🔔 Suscribirme (a Oaxaca)» -> «✓ Siguiendo»; a picker's «Oaxaca» -> «✓ Oaxaca»."""
    if label.startswith("✓"):
        return label
    return FOLLOWING_LABEL if label.startswith("🔔") else f"✓ {label}"
