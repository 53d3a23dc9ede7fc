"""The answering engine: a question in, a Reply out. Built once; thread-safe to share."""

from __future__ import annotations

from dataclasses import replace

from knowledge.answers import Answerer, Clock, utc_now
from knowledge.live import LiveData
from knowledge.loader import load_knowledge
from knowledge.models import KnowledgeBase
from knowledge.reply import Reply
from knowledge.understanding import Understander, Understanding


class Engine:
    def __init__(self, kb: KnowledgeBase, live: LiveData | None = None, clock: Clock = utc_now):
        self.kb = kb
        self.understander = Understander(kb)
        self.answers = Answerer(kb, live, clock)

    @classmethod
    def load(cls, live: LiveData | None = None, clock: Clock = utc_now) -> "Engine":
        return cls(load_knowledge(), live, clock)

    def understand(self, question: str) -> Understanding:
        return self.understander.understand(question)

    def ask(self, question: str) -> Reply:
        """The reply, labelled with what was understood (the `ask --json` contract)."""
        understood = self.understand(question)
        reply = self.answers.answer(understood)
        name = self.kb.states[understood.state].name if understood.state else None
        options = tuple(self.kb.states[s].name for s in understood.ambiguous_states) if not understood.states else ()
        return replace(reply, intent=understood.intent, state=name, step=understood.step,
                       term=understood.term, phase=understood.phase, ambiguous=options)
