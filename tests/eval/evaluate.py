"""Scoring the engine on the labelled evaluation corpus (tests/eval/tune/ and tests/eval/frozen/,
format in tests/eval/README.md). A question is right when its intent and slots match the label:
the contract intent, the states, the step (step questions), the phase (phase questions), the
term (what-is questions) and the states to choose from. Answers are scored on their facts: the
labelled facts found in the reply (recall), and wrong facts (a yes or no that contradicts the
label, or a fact the label says must not appear)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml

from knowledge.models import CANONICAL_STATES
from knowledge.engine import Engine
from knowledge.reply import Reply
from knowledge.text import fold
from knowledge.understanding.request import FORM_INTENTS

HERE = Path(__file__).parent
TUNE = HERE / "tune"
FROZEN = HERE / "frozen"


@dataclass(frozen=True)
class Case:
    question: str
    form: str
    states: tuple[str, ...]  # canonical names
    step: int | None = None
    phase: int | None = None
    term: str | None = None
    attribute: str | None = None
    answer: str | None = None  # "si" / "no" for yes_no
    facts: tuple[str, ...] = ()
    not_facts: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    source: str = ""  # file (and dialogue) it comes from
    previous_form: str | None = None  # in a dialogue, the form of the turn before

    @property
    def intent(self) -> str:
        if self.form in ("clarify", "more") and self.previous_form:
            return FORM_INTENTS.get(self.previous_form, "help")
        return FORM_INTENTS[self.form]


@dataclass
class Outcome:
    case: Case
    form: str
    intent: str
    states: tuple[str, ...]
    step: int | None
    phase: int | None
    term: str | None
    ambiguous: tuple[str, ...]
    attribute: str | None
    text: str
    facts_found: int = 0
    wrong: list[str] = field(default_factory=list)
    reply: Reply | None = field(default=None, repr=False, compare=False)  # the whole reply, for tests

    @property
    def slots_ok(self) -> bool:
        c = self.case
        if set(self.states) != set(c.states) or set(self.ambiguous) != set(c.ambiguous):
            return False
        if c.form == "step" and self.step != c.step:
            return False
        if c.form == "phase" and self.phase != c.phase:
            return False
        if c.form == "what_is" and self.term != c.term:
            return False
        return True

    @property
    def ok(self) -> bool:
        """Intent and slots right (the issue's first figure)."""
        return self.intent == self.case.intent and self.slots_ok

    @property
    def form_ok(self) -> bool:
        return self.form == self.case.form and self.slots_ok


def _case(raw: dict, source: str, previous_form: str | None = None) -> Case:
    return Case(
        question=str(raw["q"]),
        form=raw["form"],
        states=tuple(raw.get("states") or ()),
        step=raw.get("step"),
        phase=raw.get("phase"),
        term=raw.get("term"),
        attribute=raw.get("attribute"),
        answer=raw.get("answer"),
        facts=tuple(str(f) for f in raw.get("facts") or ()),
        not_facts=tuple(str(f) for f in raw.get("not_facts") or ()),
        ambiguous=tuple(raw.get("ambiguous") or ()),
        source=source,
        previous_form=previous_form,
    )


def load(paths: Iterable[Path]) -> tuple[list[Case], list[list[Case]]]:
    """(single questions, dialogues) from corpus files."""
    questions: list[Case] = []
    dialogues: list[list[Case]] = []
    for path in paths:
        for index, raw in enumerate(_entries(path)):
            if "turns" in raw:
                turns, previous = [], None
                for turn in raw["turns"]:
                    turns.append(_case(turn, f"{path.name}#{index + 1}", previous))
                    if turn["form"] not in ("ack", "clarify", "more"):
                        previous = turn["form"]
                dialogues.append(turns)
            else:
                questions.append(_case(raw, path.name))
    return questions, dialogues


# libyaml's parser where PyYAML has it (as knowledge/loader.py): the pure-Python one takes ~4 s
# for the 1.5 MB corpus. Each file is parsed once per process; the fast tests read it four times.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def _entries(path: Path) -> tuple:
    return tuple(yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or ())


def corpus(part: Path) -> list[Path]:
    return sorted(part.glob("*.yaml"))


def score(engine: Engine, case: Case, chat: object | None = None) -> Outcome:
    reply = engine.ask(case.question, chat=chat)
    outcome = Outcome(case, reply.form, reply.intent, reply.states, reply.step, reply.phase,
                      reply.term if reply.form == "what_is" else None, reply.ambiguous, reply.attribute, reply.text,
                      reply=reply)
    text = f" {fold(reply.text)} "
    outcome.facts_found = sum(1 for fact in case.facts if _contains(text, fact))
    if case.answer is not None:
        said = _yes_or_no(reply.text)
        if said is not None and said != fold(case.answer):
            outcome.wrong.append(f"dijo «{said}», la respuesta es «{case.answer}»")
    outcome.wrong += [f"dice «{f}»" for f in case.not_facts if _names(text, f)]
    return outcome


def _names(folded_text: str, fact: str) -> bool:
    """A fact that must not be said, said as itself: «Baja California» inside «Baja California
    Sur» names the other state."""
    needle = f" {fold(fact)} "
    longer = [f" {fold(name)} " for name in CANONICAL_STATES if fold(name).startswith(fold(fact) + " ")]
    at = folded_text.find(needle)
    while at != -1:
        if not any(folded_text.startswith(name, at) for name in longer):
            return True
        at = folded_text.find(needle, at + 1)
    return False if longer else _contains(folded_text, fact)


def _contains(folded_text: str, fact: str) -> bool:
    """The fact as whole words; a word stem («cerrad» for cerrada or cerrado) as a word's start."""
    needle = fold(fact)
    if not needle:
        return False
    if needle.isalpha() and len(needle) >= 4:
        return f" {needle}" in folded_text
    return f" {needle} " in folded_text


def _yes_or_no(text: str) -> str | None:
    first = fold(text.split("\n", 1)[0]).split()
    if first[:1] == ["si"]:
        return "si"
    if first[:1] == ["no"] and first[1:3] != ["tengo", "ese"]:
        return "no"
    return None


def evaluate(engine: Engine, paths: Iterable[Path]) -> list[Outcome]:
    questions, dialogues = load(paths)
    outcomes = [score(engine, case) for case in questions]
    for number, turns in enumerate(dialogues):
        chat = ("eval", number)
        outcomes += [score(engine, turn, chat) for turn in turns]
        engine.forget(chat)
    return outcomes


@dataclass
class Tally:
    right: int = 0
    form_right: int = 0
    total: int = 0
    facts: int = 0
    facts_found: int = 0
    wrong: int = 0

    def add(self, outcome: Outcome) -> None:
        self.total += 1
        self.right += outcome.ok
        self.form_right += outcome.form_ok
        self.facts += len(outcome.case.facts)
        self.facts_found += outcome.facts_found
        self.wrong += bool(outcome.wrong)


def tallies(outcomes: list[Outcome]) -> dict[str, Tally]:
    """Per labelled form, plus 'ALL'."""
    by_form: dict[str, Tally] = defaultdict(Tally)
    for outcome in outcomes:
        by_form[outcome.case.form].add(outcome)
        by_form["ALL"].add(outcome)
    return dict(by_form)


def scope_figures(outcomes: list[Outcome]) -> tuple[float, float]:
    """(out-of-scope recall, share of in-scope questions refused as out of scope)."""
    out = [o for o in outcomes if o.case.form == "out_of_scope"]
    inside = [o for o in outcomes if o.case.form != "out_of_scope"]
    recall = sum(o.intent == "out_of_scope" for o in out) / max(1, len(out))
    refused = sum(o.intent == "out_of_scope" for o in inside) / max(1, len(inside))
    return recall, refused
