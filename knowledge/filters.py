"""Filters over the states' facts: which states meet a value ('signed', 'impasse', 'plan_2'…),
shared by understanding (which of several named values is the most specific) and answers
(lists, counts, yes or no)."""

from __future__ import annotations

from typing import Callable

from knowledge.models import KnowledgeBase, State
from knowledge.text import fold


def installed(state: State) -> bool:
    return state.stl.status.startswith("installed")


def in_ogp_local(state: State) -> bool:
    """The documents name OGP Local's Mexican members in their particularities (Jalisco, «la
    única entidad mexicana» in it, Nava Polina 2022): a state none of them names is not one."""
    return any("ogp local" in fold(" ".join([p.text, *p.keywords])) for p in state.particularities)


# value -> (attribute fact, predicate); a None predicate means the records hold no per-state answer.
Predicate = Callable[[State], bool]
FILTERS: dict[str, tuple[str, Predicate | None]] = {
    "signed": ("declaratoria", lambda s: s.declaratoria.signed),
    "not_signed": ("declaratoria", lambda s: not s.declaratoria.signed),
    "active": ("exercise", lambda s: s.exercise.status == "active"),
    "impasse": ("exercise", lambda s: s.exercise.status == "impasse"),
    "inactive": ("exercise", lambda s: s.exercise.status == "inactive"),
    "outside_strategy": ("exercise", lambda s: s.exercise.status == "outside_strategy"),
    "installed": ("stl", installed),
    "not_installed": ("stl", lambda s: not installed(s)),
    "installing": ("stl", lambda s: s.stl.status == "installing"),
    "open": ("stl_installation", lambda s: s.stl.installation == "open"),
    "closed": ("stl_installation", lambda s: s.stl.installation == "closed"),
    "multiactor": ("stl_kind", None),
    "plan_1": ("pal", lambda s: s.pal.plan == 1),
    "plan_2": ("pal", lambda s: s.pal.plan == 2),
    "construction": ("pal", lambda s: s.pal.phase == "construction"),
    "implementation": ("pal", lambda s: s.pal.phase == "implementation"),
    "has_pal": ("pal", lambda s: s.pal.launched_any),
    "published": ("pal", lambda s: s.pal.launched_any and not s.pal.unpublished),
    "no_pal": ("pal", lambda s: not s.pal.launched_any),
    "ogp_local": ("ogp_local", in_ogp_local),
}
# An STL's own status, asked with the exercise's words ('¿el STL de Sonora está activo?').
STL_STATUS = {"active": "installed_active", "impasse": "installed_impasse", "inactive": "installed_no_evidence"}


def predicate(attribute: str | None, value: str) -> Predicate | None:
    if attribute == "stl" and value in STL_STATUS:
        return lambda s: s.stl.status == STL_STATUS[value]
    return FILTERS[value][1]


def filter_attribute(attribute: str | None, value: str) -> str:
    return "stl" if attribute == "stl" and value in STL_STATUS else FILTERS[value][0]


# Filters the documents count without listing the states: the states whose own texts say so.
MENTIONED_AS = {"multiactor": "multiactor", "ogp_local": "ogp local"}
# The value a yes/no question about an attribute asks when it names none ("¿Oaxaca tiene STL?").
DEFAULT_VALUE = {
    "declaratoria": "signed", "stl": "installed", "stl_installation": "open", "pal": "has_pal",
    "exercise": "active", "stl_kind": "multiactor", "ogp_local": "ogp_local",
}



# A value and its negation ('¿qué estados no tienen plan?' asks no_pal), both ways.
NEGATED_VALUE = {"signed": "not_signed", "installed": "not_installed", "has_pal": "no_pal"}
POSITIVE_VALUE = {negative: positive for positive, negative in NEGATED_VALUE.items()}


def year_of(state: State, attribute: str) -> int | None:
    """The year of a dated fact: when its STL was installed, else when it signed."""
    return state.stl.year if attribute == "stl" else state.declaratoria.year


def extreme_year(kb: KnowledgeBase, attribute: str | None, value: str, latest: bool) -> int | None:
    """The newest (or oldest) year among the states that meet a value: «¿cuál fue el último en firmar?»."""
    test = predicate(attribute, value)
    dated = filter_attribute(attribute, value)
    years = [y for s in kb.states.values() if test is not None and test(s) and (y := year_of(s, dated)) is not None]
    return (max if latest else min)(years, default=None)


def count(kb: KnowledgeBase, attribute: str | None, value: str) -> int | None:
    """How many states meet a value; None when the records cannot say."""
    test = predicate(attribute, value)
    return None if test is None else sum(1 for s in kb.states.values() if test(s))
