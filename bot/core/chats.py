"""A chat's life with the bot, without Telegram: it talks to us (recorded), follows states
(subscriptions and their options), asks what we keep (/mis_datos) and erases it, blocks us or
moves to a new id. The Telegram handlers and the console both go through here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.store import ChatData, Store
from bot.store import Subscription as Subscription  # re-exported: handlers/ never import the store
from bot.store.chats import PublicRecord
from bot.core.commands import Named, skipped_note
from knowledge import wording
from knowledge.counts import counted
from knowledge.models import KnowledgeBase
from knowledge.reply import esc

USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")  # Telegram's rule for usernames
NOTHING_FOLLOWED = "No sigues ninguna entidad. Con /suscribir eliges una y te aviso de lo que publique su STL."


@dataclass(frozen=True)
class Chats:
    store: Store

    def seen(self, chat_id: int) -> bool:
        """Record a chat that talks to the bot (active again if it had blocked us); True when
        the bot had no record of it (its first contact, or its first since it erased its data)."""
        first = self.store.chat(chat_id) is None
        self.store.ensure_chat(chat_id)
        return first

    def wrote(self, user_id: int, username: str | None) -> None:
        """A person wrote to the bot in private: keep their @username (or forget it, if they
        have none now), so an admin can name them by it."""
        self.store.set_username(user_id, username or None)

    def user_named(self, username: str) -> int | None:
        """The id of the person with this @username who wrote to the bot, or None."""
        return self.store.user_with_username(username.removeprefix("@"))

    def subscribe(self, chat_id: int, state: str) -> tuple[bool, Subscription]:
        """Follow a state's documents and convocatorias: (whether it is new, the subscription).
        A state already followed keeps what the chat chose (only documents, no reminders…)."""
        existing = self.subscription(chat_id, state)
        if existing is not None:
            self.seen(chat_id)
            return False, existing
        is_new = self.store.subscribe(chat_id, state)
        subscription = self.subscription(chat_id, state)
        assert subscription is not None  # just written
        return is_new, subscription

    def subscription(self, chat_id: int, state: str) -> Subscription | None:
        return next((s for s in self.store.subscriptions(chat_id) if s.state == state), None)

    def subscriptions(self, chat_id: int) -> list[Subscription]:
        return self.store.subscriptions(chat_id)

    def set_options(self, chat_id: int, state: str, **options: bool) -> Subscription | None:
        """Keep only some kinds of notices, or switch reminders: the subscription after the
        change, or None when the chat does not follow the state (any more)."""
        if not self.store.set_subscription_options(chat_id, state, **options):
            return None
        return self.subscription(chat_id, state)

    def unsubscribe(self, chat_id: int, state: str | None = None) -> int:
        """Stop following one state, or all (None): how many subscriptions ended."""
        return self.store.unsubscribe(chat_id, state)

    def leave(self, chat_id: int, state: str) -> Subscription | None:
        """Stop following a state: the subscription as it was (for [↩️ Deshacer]), or None when
        the chat did not follow it (a second tap: nothing happens twice)."""
        before = self.subscription(chat_id, state)
        if before is None or not self.store.unsubscribe(chat_id, state):
            return None
        return before

    def restore(self, chat_id: int, subscription: Subscription) -> bool:
        """Undo leave(): follow the state again exactly as before (what it received, reminders).
        False when the chat follows it already (a second tap changes nothing)."""
        return self.store.add_subscription(subscription, chat_id)

    def kept_data(self, chat_id: int) -> ChatData:
        """Everything kept about the chat (/mis_datos): its row and its subscriptions."""
        return self.store.chat_data(chat_id)

    def questions(self, chat_id: int) -> list[dict[str, Any]]:
        """The questions the chat sent to the team that wait for an answer (/mis_datos)."""
        return self.store.pending_questions_of(chat_id)

    def public_record(self, user_id: int) -> PublicRecord:
        """What stays about a person after erasure: the states they facilitate and how many
        documents and convocatorias name them as author."""
        return self.store.public_record(user_id)

    def erase(self, chat_id: int) -> bool:
        """Forget the chat: its row, its subscriptions, every delivery to it and the questions
        it waits on (a pending question nobody else asked goes too)."""
        questions = self.store.forget_questions_of(chat_id)
        return self.store.delete_chat_data(chat_id) or questions > 0

    def blocked(self, chat_id: int) -> int:
        """The chat blocked or removed the bot: its pending notices are dropped (how many)."""
        return self.store.set_chat_active(chat_id, False)

    def unblocked(self, chat_id: int) -> None:
        """The chat let the bot back in: active again, if it was known."""
        if self.store.chat(chat_id):
            self.store.set_chat_active(chat_id, True)

    def migrated(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its subscriptions and pending notices follow it."""
        self.store.migrate_chat(old_id, new_id)


# -- what both adapters say (Telegram HTML; the console prints it as text) ------------------

def subscribed_text(name: str, slug: str, subscription: Subscription, is_new: bool | None, buttons: bool = True) -> str:
    """The confirmation: new (True), already followed (False) or just changed (None), with what
    the chat receives now, and how to change it (with the buttons under it, or with commands)."""
    lead = {True: "🔔 Listo: te aviso", False: f"🔔 Ya seguías a <b>{esc(name)}</b>: te aviso",
            None: f"🔔 Sigues a <b>{esc(name)}</b>: te aviso"}[is_new]
    where = f"el STL de <b>{esc(name)}</b>" if is_new else "su STL"
    reminders = ""
    if subscription.convocatorias:
        reminders = (" Te recuerdo cada convocatoria antes de que cierre." if subscription.reminders
                     else " Sin recordatorios antes del cierre.")
    how = ("Con los botones cambias qué recibes o dejas de seguirla." if buttons
           else f"Para dejarla: /baja {esc(slug)}")
    return f"{lead} de <b>{scope_text(subscription)}</b> que publique {where}, una vez cada uno.{reminders}\n\n{how}"


def username_problem(typed: str) -> str | None:
    """Why «@…» cannot be a Telegram username, or None when it can."""
    name = typed.removeprefix("@")
    if USERNAME.fullmatch(name):
        return None
    return (f"«{esc(typed[:40])}» no es un nombre de usuario de Telegram: son de 5 a 32 letras, números o _, "
            "y empiezan con una letra.")


def subscribe_named(chats: Chats, kb: KnowledgeBase, chat_id: int, named: Named) -> str:
    """/suscribir chiapas y veracruz: follow every state named, and one confirmation (HTML)
    that says what each one sends and which words named no state. Telegram and the console."""
    lines = []
    for slug in named.states:
        is_new, subscription = chats.subscribe(chat_id, slug)
        lines.append(f"• <b>{esc(kb.states[slug].name)}</b>: {scope_text(subscription)}"
                     + ("" if is_new else " (ya la seguías)"))
    text = "🔔 Listo: te aviso de lo que publique el STL de cada una.\n" + "\n".join(lines)
    note = skipped_note(named, "las demás quedaron.")
    if note:
        text += f"\n\n{note}"
    return text + "\n\nCambia qué recibes de cada una en /suscripciones."


def scope_text(subscription: Subscription) -> str:
    both = subscription.documents and subscription.convocatorias
    if both:
        return "los documentos y convocatorias"
    if subscription.documents:
        return "solo los documentos"
    return "solo las convocatorias" if subscription.convocatorias else "nada (en pausa)"


def unsubscribed_text(name: str, slug: str, removed: bool, buttons: bool = False) -> str:
    """After a baja; with `buttons`, the message carries [↩️ Deshacer] instead of the command."""
    if removed and buttons:
        return f"Listo: ya no recibirás avisos de <b>{esc(name)}</b>."
    if removed:
        return f"Listo: ya no recibirás avisos de <b>{esc(name)}</b>. Si cambias de opinión: /suscribir {esc(slug)}"
    return f"No seguías a <b>{esc(name)}</b>, así que no hay nada que dar de baja."


def all_unsubscribe_question(kb: KnowledgeBase, followed: list[Subscription]) -> str:
    """What «Baja de todas» asks before it acts (HTML)."""
    names = wording.join_names([kb.states[s.state].name for s in followed])
    return (f"¿Te doy de baja de {esc(counted(len(followed), 'entidad', 'entidades'))} ({esc(names)})? "
            "Dejarás de recibir sus avisos.")


def all_unsubscribed_text(removed: int) -> str:
    return f"Listo: te di de baja de {counted(removed, 'entidad', 'entidades')}. Ya no recibirás avisos."


def kinds_text(subscription: Subscription) -> str:
    kinds = [name for wanted, name in ((subscription.documents, "documentos"), (subscription.convocatorias, "convocatorias"))
             if wanted]
    text = " y ".join(kinds) if kinds else "nada (en pausa)"
    if subscription.convocatorias:
        text += ", con recordatorios antes del cierre" if subscription.reminders else ", sin recordatorios"
    return text


def followed_text(kb: KnowledgeBase, followed: list[Subscription], buttons: bool = False) -> str:
    """What the chat follows; with `buttons`, a button per subscription opens its settings."""
    lines = ["🔔 <b>Tus suscripciones</b>", ""]
    for subscription in followed:
        lines.append(f"• <b>{esc(kb.states[subscription.state].name)}</b>: {esc(kinds_text(subscription))}")
    how = ("Toca una para cambiar qué recibes de ella o dejar de seguirla." if buttons
           else "Para cambiar una, vuelve a /suscribir esa entidad; para dejarla, /baja.")
    lines += ["", how]
    return "\n".join(lines)
