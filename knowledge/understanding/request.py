"""What a message asks, as a structured request: the question form, the states, the fact of a
state it is about (attribute), the filter value, a step, a phase or a term. Answers are computed
from this, never from the message's text."""

from __future__ import annotations

from dataclasses import dataclass

# The question forms, and the contract intent (DESIGN.md, `ask --json`) each one belongs to.
FORM_INTENTS: dict[str, str] = {
    "what_is": "glossary",
    "status": "state_status",
    "yes_no": "state_status",
    "when": "state_status",
    "compare": "state_status",
    "which_states": "figures",
    "how_many": "figures",
    "step": "step",
    "phase": "step",
    "steps_overview": "steps_overview",
    "participate": "how_to_participate",
    "convocatorias": "convocatorias",
    "documents": "documents",
    "subscribe": "subscribe_help",
    "greeting": "greeting",
    "help": "help",
    "out_of_scope": "out_of_scope",
    "map": "figures",  # «muéstrame el mapa»: the picture of the 32 states (knowledge/statemap.py)
    # conversation turns; their intent is the one of the turn they refer to (see Request.intent)
    "ack": "greeting",
    "clarify": "help",
    "more": "help",
}
FORMS: tuple[str, ...] = tuple(FORM_INTENTS)
INTENTS: tuple[str, ...] = (
    "state_status", "step", "steps_overview", "glossary", "figures", "convocatorias", "documents",
    "subscribe_help", "how_to_participate", "greeting", "help", "out_of_scope",
)

# The facts of a state a question can be about.
ATTRIBUTES: tuple[str, ...] = (
    "declaratoria", "exercise", "stl", "stl_installation", "stl_kind", "pal", "ogp_local", "particularities",
)
# Filters and asked values: a status, an installation kind, a plan; years are kept apart.
VALUES: tuple[str, ...] = (
    "signed", "not_signed", "active", "impasse", "inactive", "outside_strategy", "installed",
    "not_installed", "installing", "open", "closed", "multiactor", "plan_1", "plan_2", "construction",
    "implementation", "has_pal", "published", "no_pal", "ogp_local",
)
# Out-of-scope cues that are often context, not the question («para mi tarea…», «ya acabé mi tarea»).
ASIDES = frozenset(("tasks", "injection"))
# Data the store does not hold, asked about a state or the initiative.
MISSING: tuple[str, ...] = ("contact", "people", "money", "meeting", "progress", "future", "today", "statistics")


@dataclass(frozen=True)
class Request:
    form: str
    states: tuple[str, ...] = ()  # slugs, in the order named
    ambiguous_states: tuple[str, ...] = ()  # slugs to choose from, when a place word fits several
    attribute: str | None = None
    value: str | None = None
    also: tuple[str, ...] = ()  # further values that must hold too ('su primer plan, publicado')
    either_or: bool = False  # a value and its opposite were asked ('¿abierta o cerrada?')
    year: int | None = None
    years: tuple[int, ...] = ()  # several years asked ('en 2016 y 2017', 'entre 2017 y 2019'), for lists and counts
    not_years: tuple[int, ...] = ()  # years to leave out of a list or count ('que no sean de 2015')
    year_of: str | None = None  # the fact the year belongs to, when not the one asked ('firmaron en 2016 y tienen STL')
    step: int | None = None
    phase: int | None = None
    term: str | None = None
    bad_number: int | None = None  # "paso 14": a step or phase that does not exist
    phases_asked: bool = False  # INAI's phases rather than the 13 steps (overviews)
    steps_asked: bool = False  # a count of the steps or phases themselves («¿cuántos pasos son?»)
    audience: str | None = None  # who asks, for how_to_participate
    missing: str | None = None  # what the store does not hold (contact, people, money…)
    particularity: int | None = None  # index of the particularity of states[0] that is asked about
    particular: tuple[tuple[str, int], ...] = ()  # (slug, index) of the particularities a list asks about
    figures: tuple[str, ...] = ()  # ids of the headline figures the words point to, best first
    follow_up: bool = False  # resolved against the conversation
    refers_to: str | None = None  # for ack/clarify/more: the form of the turn referred to
    unsubscribe: bool = False  # the subscribe form asks to stop the notices («ya no quiero avisos»)
    confidence: float = 1.0

    @property
    def intent(self) -> str:
        if self.form in ("clarify", "more") and self.refers_to:
            return FORM_INTENTS[self.refers_to]
        return FORM_INTENTS[self.form]

    @property
    def state(self) -> str | None:
        return self.states[0] if self.states else None
