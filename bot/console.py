"""The console chat: the second adapter, with the same engine, replies and core as the Telegram
bot, in a terminal. Buttons are numbered; typing the number presses it. Subscribing,
/baja, /suscripciones, /mis_datos and /borrar_mis_datos write real rows for the console's chat
(CONSOLE_CHAT_ID) through bot/core/chats.py, as the Telegram handlers do. It is one conversation, so follow-ups («¿y Zacatecas?»,
«¿y el siguiente?» after a step's button) are read against what came before, as in Telegram."""

from __future__ import annotations

import sys
from typing import Callable, Hashable, TextIO

from markupsafe import Markup

from bot.core.chats import (
    NOTHING_FOLLOWED, Chats, all_unsubscribed_text, followed_text, subscribe_named, subscribed_text, unsubscribed_text,
)
from bot.core.commands import action_reply, command_replies, console_commands, pick_state, states_named
from knowledge.engine import Engine
from knowledge.reply import Action, Button, Reply, html_to_text
from knowledge.text import ascii_int

CONSOLE_CHAT_ID = 0  # no Telegram chat has id 0; a notice queued for it is dropped by the running bot
WELCOME = ("CocreaBot · consola. Pregunta en tus palabras (por ejemplo «¿cómo va Jalisco?» o «¿qué es un STL?»).\n"
           f"Comandos: {', '.join('/' + name for name in console_commands())}. /salir para terminar.")
NO_STORE = "Eso necesita la base de datos: abre la consola con `python -m bot chat`."
YES_WORDS = {"si", "sí", "s", "yes"}
EXIT_WORDS = {"/salir", "/exit", "/quit", "salir", "exit", "quit"}


class Console:
    def __init__(self, engine: Engine, out: TextIO = sys.stdout,
                 special_action: Callable[[Action], str] | None = None, chat: Hashable = "console",
                 chats: Chats | None = None):
        self.engine = engine
        self.chats = chats  # the core over the store; None: answers only
        self.erase_asked = False
        self.chat = chat  # the conversation's key in the engine's memory
        engine.told.forget(chat)  # a new session: its first answer that names the INAI says the notice in full
        self.out = out
        self.buttons: list[Button] = []
        self.special_action = special_action or (lambda action: "Eso funciona en Telegram: conecta un token para usarlo.")

    def reply_to(self, line: str) -> Reply | str:
        line = line.strip()
        number = ascii_int(line)
        if number is not None and self.buttons and 1 <= number <= len(self.buttons):
            return self._press(self.buttons[number - 1])
        if self.erase_asked:
            self.erase_asked = False
            if line.lower() in YES_WORDS:
                return self._erase()
            return "De acuerdo, no borré nada."
        if line.startswith("/"):
            command, _, arg = line[1:].partition(" ")
            written = self._chat_command(command.split("@")[0].lower(), arg.strip())
            if written is not None:
                return written
            replies = [self.engine.for_chat(self.chat, r) for r in command_replies(self.engine, command.split("@")[0], arg)]
            if replies:
                self.engine.remember_shown(self.chat, replies[0])
                return replies[0] if len(replies) == 1 else Reply(Markup("\n\n".join(r.html for r in replies)), replies[0].buttons)
            return "No conozco ese comando. Escribe /ayuda para ver lo que puedo hacer."
        return self.engine.ask(line, chat=self.chat)

    def show(self, reply: Reply | str) -> None:
        if isinstance(reply, str):
            print(reply, file=self.out)
            return
        print(reply.text, file=self.out)
        self.buttons = [button for row in reply.buttons for button in row]
        number = 0
        for row in reply.buttons:
            labels = []
            for button in row:
                number += 1
                labels.append(f"[{number}] {button.text}")
            print("  " + "   ".join(labels), file=self.out)

    def _press(self, button: Button) -> Reply | str:
        if button.url or button.action is None:
            return button.url or ""
        action = button.action
        reply = action_reply(self.engine, action)
        if reply is None and action.kind == "subscribe" and action.arg in self.engine.kb.states:
            return self._subscribe(action.arg)
        if reply is None and action.kind == "unsub" and action.arg in self.engine.kb.states and self.chats:
            return self._baja(action.arg)
        if reply is None:
            return self.special_action(action)
        reply = self.engine.for_chat(self.chat, reply)
        self.engine.remember_shown(self.chat, reply)
        return reply

    # -- what writes: the console's own chat, through the core ----------------------------

    def _chat_command(self, command: str, arg: str) -> Reply | str | None:
        """The reply to a command that reads or writes the chat's rows, or None if it is not one."""
        handlers = {"suscribir": self._suscribir, "suscribirme": self._suscribir, "baja": self._baja,
                    "desuscribir": self._baja, "suscripciones": self._suscripciones, "mis_datos": self._mis_datos,
                    "borrar_mis_datos": self._borrar_mis_datos}
        if command not in handlers:
            return None
        if self.chats is None:
            return NO_STORE
        return handlers[command](arg)

    def _suscribir(self, arg: str) -> Reply | str:
        named = states_named(self.engine, arg)
        if len(named.states) > 1 or (named.states and named.skipped):  # as Telegram does
            return html_to_text(subscribe_named(self._own_rows, self.engine.kb, CONSOLE_CHAT_ID, named))
        picked = pick_state(self.engine, arg, action="subscribe",
                            intro="¿De qué entidad quieres recibir avisos? Elige una:")
        return picked if isinstance(picked, Reply) else self._subscribe(picked)

    def _subscribe(self, slug: str) -> str:
        if self.chats is None:
            return NO_STORE
        is_new, subscription = self.chats.subscribe(CONSOLE_CHAT_ID, slug)
        assert subscription is not None, "subscribe() writes it and reads it back"
        return html_to_text(subscribed_text(self.engine.kb.states[slug].name, slug, subscription, is_new, buttons=False))

    @property
    def _own_rows(self) -> Chats:
        """The core over the store, for the commands _chat_command lets through only when there is one."""
        if self.chats is None:
            raise RuntimeError("the console has no store")
        return self.chats

    def _baja(self, arg: str) -> str:
        followed = self._own_rows.subscriptions(CONSOLE_CHAT_ID)
        if not followed:
            return NOTHING_FOLLOWED
        if arg.lower() in ("todo", "todas", "todos"):
            return all_unsubscribed_text(self._own_rows.unsubscribe(CONSOLE_CHAT_ID))
        slug = self.engine.understand(arg).state if arg else (followed[0].state if len(followed) == 1 else None)
        if slug is None or slug not in {s.state for s in followed}:
            names = ", ".join(self.engine.kb.states[s.state].name for s in followed)
            return f"¿De cuál te doy de baja? Sigues: {names}. Escribe /baja y su nombre, o /baja todo."
        removed = self._own_rows.unsubscribe(CONSOLE_CHAT_ID, slug)
        return html_to_text(unsubscribed_text(self.engine.kb.states[slug].name, slug, bool(removed)))

    def _suscripciones(self, arg: str) -> str:
        followed = self._own_rows.subscriptions(CONSOLE_CHAT_ID)
        if not followed:
            return NOTHING_FOLLOWED
        return html_to_text(followed_text(self.engine.kb, followed))

    def _mis_datos(self, arg: str) -> str:
        data = self._own_rows.kept_data(CONSOLE_CHAT_ID)
        if not data.chat:
            return "No guardo nada de esta consola."
        followed = ", ".join(self.engine.kb.states[s.state].name for s in data.subscriptions) or "ninguna"
        return ("Esto es todo lo que guardo de esta consola:\n"
                f"• Id del chat: {CONSOLE_CHAT_ID}\n• Suscripciones: {followed}\n"
                "Para borrarlo todo: /borrar_mis_datos")

    def _borrar_mis_datos(self, arg: str) -> str:
        self.erase_asked = True
        return ("¿Borro todo lo que guardo de esta consola (su id y sus suscripciones) y el tema de "
                "nuestra conversación? Dejarás de recibir avisos. Escribe «sí» para borrar.")

    def _erase(self) -> str:
        self._own_rows.erase(CONSOLE_CHAT_ID)
        self.engine.forget(self.chat)
        return "Listo: borré el id de esta consola, sus suscripciones y el tema de nuestra conversación."

    def loop(self, source: TextIO = sys.stdin, prompt: str = "› ") -> None:
        print(WELCOME, file=self.out)
        interactive = source.isatty()
        while True:
            if interactive:
                print(prompt, end="", file=self.out, flush=True)
            line = source.readline()
            if not line or line.strip().lower() in EXIT_WORDS:
                break
            if not line.strip():
                continue
            self.show(self.reply_to(line))
            print(file=self.out)
