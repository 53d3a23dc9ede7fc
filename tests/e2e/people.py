"""Simulated people talking to CocreaBot through the Bot API emulator, and the checks every
read-feature end-to-end run shares: clean exit, no traceback, no error reply, no call Telegram
would reject, every button press answered exactly once."""

from __future__ import annotations

import json

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from knowledge.reply import html_to_text
from tests import tdlib_html
from tests.bot_process import BotProcess
from tests.emulator import BotApiEmulator
from tests.emulator.views import MessageView

SORRY = "Perdón, algo salió mal"  # the error handler's polite line (handlers/errors.py)
ERROR_LOGGED = "error while handling update"
HELP = "Esto puedo hacer por ti"  # how /ayuda starts


@dataclass
class Live:
    """One emulator and one CocreaBot process; every press made through it is remembered so
    the run can be checked at the end."""

    emulator: BotApiEmulator
    process: BotProcess
    queries: list[dict] = field(default_factory=list)

    def person(self, name: str = "Ana", chat=None) -> "Person":
        return Person(self, self.emulator.new_user(name), chat)

    def group_with_bot(self, title: str, members, **options):
        """A group the bot is added to (as Telegram announces it), once the bot's introduction
        there has arrived and been read."""
        return joined_group(self.emulator, title, members, **options)


def joined_group(emulator: BotApiEmulator, title: str, members, **options):
    group = emulator.new_group(title, members, announce=True, **options)
    emulator.wait_for_messages(group, 1, timeout=20)  # the bot introduces itself
    return group


class Person:
    """A user in a private chat with the bot (or in `chat`, a group)."""

    def __init__(self, live: Live, user, chat=None):
        self.live = live
        self.emu = live.emulator
        self.user = user
        self.chat = chat if chat is not None else user
        self._barriers = 0
        self._seen = len(self.sent_here())  # barrier() reports what came after this person appeared

    @property
    def chat_id(self) -> int:
        return self.chat.id

    def send(self, text: str, reply_to: MessageView | int | None = None) -> dict:
        """Write without waiting for an answer."""
        return self.emu.send_text(self.user, text, chat=self.chat, reply_to=reply_to)

    def says(self, text: str, reply_to: MessageView | None = None) -> MessageView:
        """Write and wait for the one message the bot answers with."""
        reply, = self.says_expecting(text, 1, reply_to=reply_to)
        return reply

    def says_expecting(self, text: str, count: int, reply_to: MessageView | None = None) -> list[MessageView]:
        self.emu.mark_read(self.chat)
        self.send(text, reply_to=reply_to)
        replies = self.emu.wait_for_messages(self.chat, count, timeout=20)
        self._seen = len(self.sent_here())
        return replies

    def sent_here(self) -> list[str]:
        """Every text (and photo caption) the bot has sent to this chat, from the emulator's call
        log, as shown."""
        calls = self.emu.calls("sendMessage", chat_id=self.chat_id, status=200)
        calls += self.emu.calls("sendPhoto", chat_id=self.chat_id, status=200)
        calls.sort(key=lambda call: call.time)
        return [html_to_text(call.params.get("text") or call.params.get("caption") or "") for call in calls]

    def barrier(self) -> list[str]:
        """What the bot sent to this chat since the last barrier or says(), once it has handled
        everything sent before now. The bot handles a chat's updates one at a time and in order, so it sends a
        unique question and waits for the answer to it, which is not part of the result."""
        self._barriers += 1
        mark = f"zz-barrera-{self._barriers}"
        self.send(f"/glosario {mark}")
        texts = self.emu.wait_for(lambda: self._through(mark), timeout=20, description="the answer to the barrier")
        new, self._seen = texts[self._seen:-1], len(texts)
        return new

    def _through(self, mark: str) -> list[str] | None:
        texts = self.sent_here()
        return texts if texts and f"«{mark}»" in texts[-1] else None

    def taps(self, message: MessageView, label: str, raw: bool = False):
        """Press a button (raw=True: send `label` as the callback data) and wait for the answer."""
        query = self.emu.press_button(self.user, message, label, raw=raw, chat=self.chat)
        self.live.queries.append(query)
        return self.emu.wait_for_callback_answer(query, timeout=20)

    def taps_to_edit(self, message: MessageView, label: str) -> MessageView:
        """Press a button that edits the message in place; return the message as it reads now."""
        before = len(self._edits_of(message))
        self.emu.mark_read(self.chat)
        self.taps(message, label)
        self.emu.wait_for(lambda: len(self._edits_of(message)) > before, timeout=20,
                          description=f"an edit of message {message.message_id}")
        assert self.emu.unread_messages(self.chat) == [], "the button sent a new message instead of editing"
        return self.emu.refresh(message)

    def taps_to_new(self, message: MessageView, label: str) -> MessageView:
        """Press a button that answers with a new message; return it."""
        self.emu.mark_read(self.chat)
        self.taps(message, label)
        reply, = self.emu.wait_for_messages(self.chat, 1, timeout=20)
        self._seen = len(self.sent_here())
        return reply

    def _edits_of(self, message: MessageView) -> list:
        return self.emu.calls("editMessageText", chat_id=message.chat_id, message_id=message.message_id, status=200)


@contextmanager
def live_bot(directory: Path, *args: str, read_all_group_messages: bool = False,
             env: dict[str, str] | None = None, wait_polling: bool = True,
             emulator: BotApiEmulator | None = None) -> Iterator[Live]:
    """An emulator and CocreaBot as its own process (`python -m bot run` unless `args`); on
    the way out the bot gets SIGTERM and the whole run is checked (assert_clean_run).
    read_all_group_messages=True turns the bot's privacy mode off (as for a group admin), so
    the bot itself must decide which group messages to answer."""
    with emulator or BotApiEmulator() as emu:
        emu.bot.can_read_all_group_messages = read_all_group_messages
        process = BotProcess(emu, directory / "cocrea.db", *args, env=env).start(wait_polling=wait_polling)
        live = Live(emu, process)
        try:
            yield live
        except BaseException:
            process.stop()
            raise
        assert_clean_run(live, process.stop())


def assert_clean_run(live: Live, exit_code: int) -> None:
    """What every end-to-end run must end with."""
    log = live.process.log()
    assert exit_code == 0, log
    assert "Traceback" not in log, log
    assert ERROR_LOGGED not in log, log
    emulator = live.emulator
    assert not emulator.internal_errors, emulator.internal_errors
    rejected = [(c.method, c.status, c.description) for c in emulator.calls() if c.status >= 400]
    assert rejected == [], f"Telegram would have rejected these calls: {rejected}"
    refused = refused_by_tdlib(emulator)
    assert refused == [], f"Telegram's own parser (TDLib) refuses this HTML: {refused}"
    said_sorry = [text for text in sent_texts(emulator) if SORRY in text]
    assert said_sorry == [], said_sorry
    unanswered = [q["data"] for q in live.queries if len(emulator.callback_answers(q)) != 1]
    assert unanswered == [], f"button presses not answered exactly once: {unanswered}"
    off_the_rules = keyboards_off_the_rules(emulator)
    assert off_the_rules == [], f"keyboards that break the phone-sized rules: {off_the_rules}"


def keyboards_off_the_rules(emulator: BotApiEmulator) -> list[tuple[list[list[str]], list[str]]]:
    """Every inline keyboard the bot sent or edited in, with what breaks the rules of
    knowledge/wording.py (labels of at most 24 characters, at most 8 rows or 12 for a grid)."""
    from knowledge.wording import keyboard_problems

    found = []
    for call in emulator.calls():
        markup = call.params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = (markup or {}).get("inline_keyboard") if isinstance(markup, dict) else None
        if rows:
            labels = [[button["text"] for button in row] for row in rows]
            problems = keyboard_problems(labels)
            if problems:
                found.append((labels, problems))
    return found


def refused_by_tdlib(emulator: BotApiEmulator) -> list[tuple[str, str]]:
    """(reason, markup) for every HTML text or caption the bot sent that TDLib, Telegram's own
    library, refuses: a second judge next to the emulator's parser."""
    refused = []
    for call in emulator.calls():
        markup = call.params.get("text", call.params.get("caption"))
        if str(call.params.get("parse_mode", "")).lower() == "html" and isinstance(markup, str):
            try:
                tdlib_html.parse_html(markup)
            except tdlib_html.Rejected as reason:
                refused.append((str(reason), markup))
    return refused


def sent_texts(emulator: BotApiEmulator) -> list[str]:
    return [str(call.params.get("text")) for method in ("sendMessage", "editMessageText")
            for call in emulator.calls(method)]
