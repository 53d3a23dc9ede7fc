"""Questions about the states' facts, computed from the records: the yes or no to one attribute
of one state, the states that meet a filter (grouped), and the year something happened. Every
verdict carries the plain sentence that explains it and the facts it comes from."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from knowledge import wording
from knowledge.models import Fact, KnowledgeBase, State
from knowledge.filters import DEFAULT_VALUE, FILTERS, MENTIONED_AS, POSITIVE_VALUE, Predicate, filter_attribute, in_ogp_local, installed, predicate
from knowledge.filters import year_of as fact_year
from knowledge.text import fold

PLAN_WORDS = {1: "primer", 2: "segundo"}


@dataclass(frozen=True)
class Verdict:
    """yes: True / False, or None when the records do not say."""

    yes: bool | None
    sentence: str  # plain text, starts with the state's name
    facts: tuple[Fact, ...] = field(default_factory=tuple)
    disputed: bool = False  # the document says both (yes is None)


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
        return f"{name} {wording.pal(state)}"  # "Sinaloa tiene su primer plan en construcción."
    if attribute == "ogp_local":
        return f"{name} {'participa' if in_ogp_local(state) else 'no aparece'} en OGP Local, el programa subnacional de la AGA, según los documentos."
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
    if attribute == "stl_installation" and state.stl.installation == "disputed":
        return Verdict(None, describe(state, "stl"), facts, disputed=True)
    if attribute == "stl_installation" and state.stl.installation is None:
        return Verdict(None, describe(state, "stl") + " El informe no dice si su instalación fue abierta o cerrada.", facts)
    if attribute == "stl" and year is not None and value in (None, "installed"):  # else the year is when it was so
        if state.stl.year is None:
            return Verdict(None, describe(state, "stl") + " El informe no da el año de su instalación.", facts)
        return Verdict(state.stl.year == year, describe(state, "stl"), facts)
    if year is not None and attribute in ("pal", "exercise"):  # «¿el primer plan de Jalisco fue en 2016?»
        return Verdict(None, describe(state, attribute), facts)  # the records date no plan nor status
    test = predicate(attribute, value) if value else None
    if test is None:
        return Verdict(True if _mentions(state, value) else None, describe(state, attribute), facts)
    if attribute == "stl" and value == "installed" and state.stl.status == "installing":
        return Verdict(False, f"Todavía no: {describe(state, 'stl')}", facts)
    further = [t for v in also if (t := predicate(FILTERS[v][0], v)) is not None]
    if len(further) < len(also):
        return Verdict(None, describe(state, attribute), facts)
    return Verdict(test(state) and all(t(state) for t in further), describe(state, attribute), facts)


@dataclass(frozen=True)
class Selection:
    """What a list or a count asks: the states whose `attribute` has `value` (and each further
    value), in a year or several, none of the left-out years, among some states."""

    attribute: str  # the fact the value filters (filters.filter_attribute)
    value: str
    year: int | None = None
    years: tuple[int, ...] = ()  # several years: the oldest first
    not_years: tuple[int, ...] = ()
    also: tuple[str, ...] = ()
    among: tuple[str, ...] = ()
    year_of: str | None = None  # the fact the years belong to, when not the filtered one

    @property
    def wanted_years(self) -> tuple[int, ...]:
        return self.years or ((self.year,) if self.year is not None else ())

    @property
    def dated(self) -> str:
        return self.year_of or self.attribute

    def label(self, count: int) -> str:
        return wording.filter_label(self.attribute, self.value, self.year, self.also, self.year_of, self.years,
                                    count=count, not_years=self.not_years)

    @property
    def counted_by_documents(self) -> bool:
        """Documents count one filter in one year at most, over every state."""
        return not (self.years or self.not_years or self.among or self.also)


def selection(attribute: str | None, value: str, year: int | None = None, **rest: Any) -> Selection:
    """The selection of a request's attribute and value (an STL's own status filters the STL)."""
    return Selection(filter_attribute(attribute, value), value, year, **rest)


def matching(kb: KnowledgeBase, asked: Selection) -> list[State] | None:
    """The states that meet a selection, in alphabetical order (by year first when several years
    are asked); None when the records cannot say."""
    wanted = [predicate(asked.attribute, asked.value), *(predicate(FILTERS[v][0], v) for v in asked.also)]
    tests = [t for t in wanted if t is not None]
    if len(tests) < len(wanted):
        return None
    states = [kb.states[s] for s in asked.among] if asked.among else list(kb.states.values())
    if asked.value in POSITIVE_VALUE and asked.wanted_years and asked.year_of is None:  # «no firmaron en 2015»
        did = matching(kb, replace(asked, value=POSITIVE_VALUE[asked.value], also=(), not_years=()))
        return None if did is None else [s for s in states if s not in did and _meets(s, tests[1:])]
    chosen = [s for s in states if _meets(s, tests)]
    if asked.wanted_years:
        chosen = [s for s in chosen if fact_year(s, asked.dated) in asked.wanted_years]
    if asked.not_years:
        chosen = [s for s in chosen if fact_year(s, asked.dated) not in asked.not_years]
    if len(asked.wanted_years) > 1:  # several years: the oldest first
        return sorted(chosen, key=lambda s: (fact_year(s, asked.dated) or 0, wording.sort_key(s.name)))
    return sorted(chosen, key=lambda s: wording.sort_key(s.name))


def _meets(state: State, tests: list[Predicate]) -> bool:
    return all(test(state) for test in tests)


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
