"""The answering engine: a message in, a Reply out, with a short memory per chat so that
follow-ups («¿y Zacatecas?», «¿y el que sigue?») are understood. Built once; share it."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from datetime import date
from typing import Callable, Hashable

from knowledge.answers import Answerer, Clock, utc_now
from knowledge.live import LiveData
from knowledge.loader import load_knowledge
from knowledge.models import KnowledgeBase
from knowledge.reply import Reply
from knowledge.understanding import Memory, Request, Understander
from knowledge.understanding.conversation import MAX_CHATS
from knowledge.wording import MEXICO_TZ


_UNDERSTANDERS: dict[int, tuple[KnowledgeBase, Understander]] = {}  # id(kb) -> (kb, its understander)


def understander_for(kb: KnowledgeBase) -> Understander:
    """One Understander per knowledge base: it reads nothing but the base (what it keeps are
    memos), and building one costs about 0.1 s (its matchers, the classifier read from the
    cache). The CLI and the tests build many engines over the same base."""
    kept = _UNDERSTANDERS.get(id(kb))
    if kept is None or kept[0] is not kb:
        while len(_UNDERSTANDERS) >= 4:
            del _UNDERSTANDERS[next(iter(_UNDERSTANDERS))]
        kept = _UNDERSTANDERS[id(kb)] = (kb, Understander(kb))
    return kept[1]


class ToldToday:
    """The chats that read the INAI notice in full, each with the day (in Mexico City) it was
    said: a date per chat, nothing of what was asked. The oldest chats are forgotten first."""

    def __init__(self, today: Callable[[], date], max_chats: int = MAX_CHATS):
        self._today = today
        self._max = max_chats
        self._days: OrderedDict[Hashable, date] = OrderedDict()

    def first_today(self, chat: Hashable) -> bool:
        """Whether the chat has not been told today; from now on it has."""
        today = self._today()
        if self._days.get(chat) == today:
            return False
        self._days[chat] = today
        self._days.move_to_end(chat)
        while len(self._days) > self._max:
            self._days.popitem(last=False)
        return True

    def forget(self, chat: Hashable) -> None:
        self._days.pop(chat, None)

    def snapshot(self) -> dict[Hashable, date]:
        return dict(self._days)


class Engine:
    def __init__(self, kb: KnowledgeBase, live: LiveData | None = None, clock: Clock = utc_now,
                 memory: Memory | None = None):
        self.kb = kb
        self.understander = understander_for(kb)
        self.answers = Answerer(kb, live, clock)
        self.memory = memory or Memory()
        self.told = ToldToday(lambda: self.answers.clock().astimezone(MEXICO_TZ).date())
        self._slugs = {state.name: slug for slug, state in kb.states.items()}

    @classmethod
    def load(cls, live: LiveData | None = None, clock: Clock = utc_now) -> "Engine":
        return cls(load_knowledge(), live, clock)

    def understand(self, message: str, chat: Hashable | None = None) -> Request:
        context = self.memory.get(chat) if chat is not None else None
        return self.understander.understand(message, context)

    def ask(self, message: str, chat: Hashable | None = None) -> Reply:
        """The reply, labelled with what was understood (the `ask --json` contract). With a
        `chat`, the message is read against that chat's last question and remembered."""
        if chat is None:
            request = self.understand(message)
            return self.label(self.answers.answer(request), request)
        request, reply = self.respond(message, chat)
        return self.for_chat(chat, reply)

    def respond(self, message: str, chat: Hashable) -> tuple[Request, Reply]:
        """What a message in a chat asks (read against its last question, then remembered) and
        the reply to it, labelled, before the chat's own touches (for_chat)."""
        request = self.understand(message, chat)
        self.memory.remember(chat, request)
        return request, self.label(self.answers.answer(request), request)

    def for_chat(self, chat: Hashable, reply: Reply) -> Reply:
        """The reply as this chat reads it: the INAI notice in full in its first reply of the day
        that names the INAI, a short line after that (the notice's source always cited). Every
        reply a chat is shown goes through here once; without a chat, the notice goes in full."""
        if not reply.inai_notice:
            return reply
        if self.told.first_today(chat):
            return replace(reply, inai_notice=False)
        return self.answers.briefly(reply)

    def remember_shown(self, chat: Hashable, reply: Reply) -> None:
        """A reply shown by a command or a button (/paso 6, [Jalisco]) sets the chat's topic as
        if it had been asked for, so «¿y el siguiente?» or «¿y su plan?» follow it."""
        topic = self._topic_of(reply)
        if topic is not None:
            self.memory.remember(chat, topic)

    def _topic_of(self, reply: Reply) -> Request | None:
        if reply.step is not None and reply.intent == "step":
            return Request("step", step=reply.step)
        if reply.phase is not None:
            return Request("phase", phase=reply.phase)
        if reply.term is not None and reply.intent == "glossary":
            return Request("what_is", term=reply.term)
        if reply.state is not None and reply.intent == "state_status":
            return Request("status", states=(self._slugs[reply.state],))
        return None

    def forget(self, chat: Hashable) -> None:
        """Erase what the engine keeps of a chat: its conversation's topic and the day it was
        told about the INAI (/borrar_mis_datos)."""
        self.memory.forget(chat)
        self.told.forget(chat)

    def label(self, reply: Reply, request: Request) -> Reply:
        names = self.kb.states
        options = tuple(names[s].name for s in request.ambiguous_states) if not request.states else ()
        return replace(
            reply, intent=request.intent, form=request.form, states=tuple(names[s].name for s in request.states),
            state=names[request.state].name if request.state else None, attribute=request.attribute,
            step=request.step, term=request.term, phase=request.phase, ambiguous=options,
        )
