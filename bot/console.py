"""The console chat: the same engine and replies as the Telegram bot, in a terminal. Buttons are
numbered; typing the number presses it. It is one conversation, so follow-ups («¿y Zacatecas?»,
«¿y el siguiente?» after a step's button) are read against what came before, as in Telegram."""

from __future__ import annotations

import sys
from typing import Callable, Hashable, TextIO

from knowledge.commands import action_reply, command_reply
from knowledge.engine import Engine
from knowledge.reply import Action, Button, Reply
from knowledge.text import ascii_int

WELCOME = (
    "CocreaBot · consola. Pregunta en tus palabras (por ejemplo «¿cómo va Jalisco?» o «¿qué es un STL?»).\n"
    "Comandos: /estado [entidad], /pasos, /paso N, /glosario [término], /fuentes, /ayuda. /salir para terminar."
)
EXIT_WORDS = {"/salir", "/exit", "/quit", "salir", "exit", "quit"}


class Console:
    def __init__(self, engine: Engine, out: TextIO = sys.stdout,
                 special_action: Callable[[Action], str] | None = None, chat: Hashable = "console"):
        self.engine = engine
        self.chat = chat  # the conversation's key in the engine's memory
        self.out = out
        self.buttons: list[Button] = []
        self.special_action = special_action or (lambda action: "Eso funciona en Telegram: conecta un token para usarlo.")

    def reply_to(self, line: str) -> Reply | str:
        line = line.strip()
        number = ascii_int(line)
        if number is not None and self.buttons and 1 <= number <= len(self.buttons):
            return self._press(self.buttons[number - 1])
        if line.startswith("/"):
            command, _, arg = line[1:].partition(" ")
            reply = command_reply(self.engine, command.split("@")[0], arg)
            if reply is not None:
                self.engine.remember_shown(self.chat, reply)
                return reply
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
        if button.url:
            return button.url
        reply = action_reply(self.engine, button.action)
        if reply is None:
            return self.special_action(button.action)
        self.engine.remember_shown(self.chat, reply)
        return reply

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
