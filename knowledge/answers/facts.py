"""Questions about the states' facts, computed from the records: the yes or no to one attribute
of one state, the states that meet a filter (grouped), and the year something happened. Every
verdict carries the plain sentence that explains it and the facts it comes from."""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge import wording
from knowledge.models import Fact, KnowledgeBase, State
from knowledge.filters import DEFAULT_VALUE, FILTERS, MENTIONED_AS, filter_attribute, installed, predicate
from knowledge.filters import year_of as fact_year
from knowledge.text import fold

PLAN_WORDS = {1: "primer", 2: "segundo"}


@dataclass(frozen=True)
class Verdict:
    """yes: True / False, or None when the records do not say."""

    yes: bool | None
    sentence: str  # plain text, starts with the state's name
    facts: tuple[Fact, ...] = field(default_factory=tuple)


def fact_of(state: State, attribute: str) -> Fact:
    return {"declaratoria": state.declaratoria, "exercise": state.exercise, "stl": state.stl,
            "stl_installation": state.stl, "stl_kind": state.stl, "pal": state.pal}.get(attribute, state.exercise)


def describe(state: State, attribute: str) -> str:
    """The plain sentence about one attribute of a state."""
    name = state.name
    if attribute == "declaratoria":
        return f"{name} {'firmó la Declaratoria de Gobierno Abierto en ' + str(state.declaratoria.year) if state.declaratoria.signed else 'no había firmado la Declaratoria de Gobierno Abierto'}."
    if attribute in ("stl", "stl_installation", "stl_kind"):
        return f"STL de {name}: {wording.stl(state)}"
    if attribute == "pal":
        return f"{name} {wording.pal(state)}"  # "Sinaloa construye su primer plan."
    return f"{name}: {wording.EXERCISE[state.exercise.status]}."


def verdict(state: State, attribute: str, value: str | None, year: int | None = None, also: tuple[str, ...] = ()) -> Verdict:
    """Yes or no to «does this state have / is it …», from the attribute and the value asked."""
    value = value or DEFAULT_VALUE.get(attribute)
    facts = (fact_of(state, attribute),)
    if attribute == "declaratoria" and year is not None:
        signed_then = state.declaratoria.signed and state.declaratoria.year == year
        return Verdict(signed_then, describe(state, "declaratoria"), facts)
    if attribute == "stl_installation" and not installed(state):
        return Verdict(False, describe(state, "stl"), facts)
    if attribute == "stl_installation" and state.stl.installation is None:
        return Verdict(None, describe(state, "stl") + " El informe no dice si su instalación fue abierta o cerrada.", facts)
    if attribute == "stl" and year is not None and value in (None, "installed"):  # else the year is when it was so
        if state.stl.year is None:
            return Verdict(None, describe(state, "stl") + " El informe no da el año de su instalación.", facts)
        return Verdict(state.stl.year == year, describe(state, "stl"), facts)
    test = predicate(attribute, value) if value else None
    if test is None:
        return Verdict(True if _mentions(state, value) else None, describe(state, attribute), facts)
    if attribute == "stl" and value == "installed" and state.stl.status == "installing":
        return Verdict(False, f"Todavía no: {describe(state, 'stl')}", facts)
    further = [t for v in also if (t := predicate(FILTERS[v][0], v)) is not None]
    if len(further) < len(also):
        return Verdict(None, describe(state, attribute), facts)
    return Verdict(test(state) and all(t(state) for t in further), describe(state, attribute), facts)


def matching(kb: KnowledgeBase, attribute: str | None, value: str, year: int | None = None,
             among: tuple[str, ...] = (), also: tuple[str, ...] = (), year_of: str | None = None,
             years: tuple[int, ...] = ()) -> list[State] | None:
    """The states that meet a filter (and every further value), in alphabetical order (by year first
    when several years are asked); None when the records cannot say."""
    asked = [predicate(attribute, value), *(predicate(FILTERS[v][0], v) for v in also)]
    tests = [t for t in asked if t is not None]
    if len(tests) < len(asked):
        return None
    states = [kb.states[s] for s in among] if among else list(kb.states.values())
    chosen = [s for s in states if all(t(s) for t in tests)]
    wanted = years or ((year,) if year is not None else ())
    dated = year_of or filter_attribute(attribute, value)
    if wanted:
        chosen = [s for s in chosen if fact_year(s, dated) in wanted]
    if len(wanted) > 1:  # several years: the oldest first
        return sorted(chosen, key=lambda s: (fact_year(s, dated) or 0, wording.sort_key(s.name)))
    return sorted(chosen, key=lambda s: wording.sort_key(s.name))


def mentioning(kb: KnowledgeBase, value: str | None) -> list[State]:
    """States whose STL note or particularities name the value ('un STL multiactor')."""
    return [s for s in kb.states.values() if _mentions(s, value)]


def _mentions(state: State, value: str | None) -> bool:
    word = MENTIONED_AS.get(value or "")
    if word is None:
        return False
    text = " ".join([state.stl.note or "", *(p.text for p in state.particularities), *(k for p in state.particularities for k in p.keywords)])
    return word in fold(text)


def group_label(state: State, attribute: str, value: str) -> str:
    """How a listed state is grouped: by the year it signed, by how its STL or plan stands."""
    if attribute == "declaratoria" and state.declaratoria.signed:
        return f"Firmaron en {state.declaratoria.year}"
    if attribute == "declaratoria":
        return "Sin firmar"
    if attribute == "stl" and value in ("installed", "not_installed"):
        first = wording.stl(state).split(".")[0]
        return first[:1].upper() + first[1:]
    if attribute == "pal" and state.pal.plan:
        verb = "Construyen" if state.pal.phase == "construction" else "Implementan"
        return f"{verb} su {PLAN_WORDS.get(state.pal.plan, str(state.pal.plan))} plan"
    if attribute == "pal":
        return "Pusieron en marcha al menos un plan; el informe no reporta uno en curso" if state.pal.launched_any else "Sin plan en marcha"
    return ""


def when(state: State, attribute: str) -> tuple[int | None, str, Fact]:
    """(year, sentence, fact) for «¿cuándo…?»: the signature or the STL's installation."""
    if attribute in ("stl", "stl_installation", "stl_kind"):
        if state.stl.year:
            return state.stl.year, f"El STL de {state.name} se instaló en {state.stl.year}.", state.stl
        return None, describe(state, "stl"), state.stl
    if attribute == "pal":
        return None, describe(state, "pal"), state.pal
    return state.declaratoria.year, describe(state, "declaratoria"), state.declaratoria
