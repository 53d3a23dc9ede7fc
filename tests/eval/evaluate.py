"""Scoring the engine on the labelled evaluation set (tests/eval/preguntas.yaml). A question
counts as right when the intent and every entity (state, step or phase, glossary term,
ambiguous states) match its label."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.engine import Engine

QUESTIONS = Path(__file__).with_name("preguntas.yaml")


@dataclass(frozen=True)
class Case:
    question: str
    intent: str
    state: str | None
    step: int | None
    phase: int | None
    term: str | None
    ambiguous: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    case: Case
    got: Case

    @property
    def intent_ok(self) -> bool:
        return self.case.intent == self.got.intent

    @property
    def ok(self) -> bool:
        return self.case == self.got


def load_cases(path: Path = QUESTIONS) -> list[Case]:
    cases = []
    for raw in yaml.safe_load(path.read_text(encoding="utf-8")):
        step = raw.get("step")
        phase = int(step[1:]) if isinstance(step, str) and step.startswith("F") else None
        cases.append(Case(
            question=str(raw["q"]),
            intent=raw["intent"],
            state=raw.get("state"),
            step=None if phase else step,
            phase=phase,
            term=raw.get("term"),
            ambiguous=tuple(sorted(raw.get("ambiguous") or ())),
        ))
    return cases


def predict(engine: Engine, question: str) -> Case:
    u = engine.understand(question)
    names = {slug: state.name for slug, state in engine.kb.states.items()}
    return Case(
        question=question,
        intent=u.intent,
        state=names[u.state] if u.state else None,
        step=u.step,
        phase=u.phase,
        term=u.term if u.intent == "glossary" else None,
        ambiguous=tuple(sorted(names[s] for s in u.ambiguous_states)) if not u.states else (),
    )


def evaluate(engine: Engine, cases: list[Case] | None = None) -> list[Outcome]:
    return [Outcome(case, predict(engine, case.question)) for case in (cases or load_cases())]


def accuracy_by_intent(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    """intent -> (right, total), by the labelled intent."""
    right: Counter = Counter()
    total: Counter = Counter()
    for outcome in outcomes:
        total[outcome.case.intent] += 1
        right[outcome.case.intent] += outcome.ok
    return {intent: (right[intent], total[intent]) for intent in sorted(total)}
