"""One answer per question form, each starting with the direct answer to that form: the yes or
no, the year, the list of states (count and names, grouped), the number asked first. A table
maps forms to these functions; nothing here reads the message."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable

from markupsafe import Markup

from knowledge import wording
from knowledge.answers import facts
from knowledge.filters import DEFAULT_VALUE, POSITIVE_VALUE
from knowledge.models import State
from knowledge.reply import Action, Button, Reply, esc
from knowledge.statemap import build_map
from knowledge.understanding.request import Request

if TYPE_CHECKING:
    from knowledge.answers.cards import Answerer

MISSING_WHAT = {
    "contact": "datos de contacto (teléfonos, correos, direcciones)",
    "people": "nombres de integrantes, titulares o personas funcionarias",
    "money": "presupuestos, costos ni sueldos",
    "meeting": "fechas ni horarios de reuniones, sesiones o talleres",
    "progress": "el contenido ni el avance de cada compromiso, ni cifras por municipio",
    "future": "lo que pasará: mis documentos llegan hasta 2022",
    "today": "cómo están las cosas hoy: mis documentos van de 2018 a 2022",
    "statistics": "cifras de población, economía ni otros indicadores de los estados, solo las de esta iniciativa",
}


# The facts of a state that one sentence describes (facts.describe).
STATE_FACTS = ("declaratoria", "stl", "stl_installation", "pal", "exercise")


def answer_status(a: "Answerer", r: Request) -> Reply:
    if not r.states:
        return a.state_picker(intro="¿De qué entidad quieres saber? Elige una:")
    lead = ""
    if r.attribute in STATE_FACTS:
        lead = f"<b>{esc(facts.describe(a.kb.states[r.states[0]], r.attribute))}</b>"
    return a.state_card(r.states[0], lead=lead, particularity=r.particularity, attribute=r.attribute)


def answer_yes_no(a: "Answerer", r: Request) -> Reply:
    """Sí or No from the attribute and value asked; «No tengo ese dato» when the records do not
    say. When the question is about one of the state's particularities, its card shows it first."""
    state = a.kb.states[r.states[0]]
    attribute = r.attribute or "exercise"
    value = POSITIVE_VALUE.get(r.value or "", r.value)
    verdict = facts.verdict(state, attribute, value, r.year, tuple(POSITIVE_VALUE.get(v, v) for v in r.also))
    if r.particularity is not None and r.year is not None and verdict.yes is None:
        return _what_the_documents_say(a, state, r.particularity)  # «¿el primer plan de Jalisco fue en 2016?»
    if r.particularity is not None and (verdict.yes is None and not verdict.disputed or r.value is None):
        return a.state_card(state.slug, particularity=r.particularity, attribute=r.attribute)  # what the documents say of it
    if r.either_or:
        lead = f"<b>{esc(verdict.sentence)}</b>"  # «¿abierta o cerrada?» takes no yes or no
    elif verdict.disputed:
        lead = f"<b>El documento dice las dos cosas.</b> {esc(verdict.sentence)}"
    elif verdict.yes is None:
        lead = f"<b>No tengo ese dato.</b> {esc(verdict.sentence)}"
    elif r.value in POSITIVE_VALUE:  # «¿Tamaulipas no ha firmado?»: a bare sí or no would be ambiguous
        lead = f"<b>{'Al contrario' if verdict.yes else 'Así es'}.</b> {esc(verdict.sentence)}"
    else:
        lead = f"<b>{'Sí' if verdict.yes else 'No'}.</b> {esc(verdict.sentence)}"
    if r.particularity is not None:
        return a.state_card(state.slug, lead=lead, particularity=r.particularity, attribute=r.attribute)
    return a.short_state_answer(state.slug, lead, verdict.facts)


def answer_when(a: "Answerer", r: Request) -> Reply:
    if not r.states and r.term:
        return a.term(r.term)
    state = a.kb.states[r.states[0]]
    if r.particularity is not None:  # «¿cuándo presentó Quintana Roo la Glosa Ciudadana?»
        return _what_the_documents_say(a, state, r.particularity)
    attribute = r.attribute or "declaratoria"
    year, sentence, fact = facts.when(state, attribute)
    if year:
        lead = f"<b>En {year}.</b> {esc(sentence)}"
    elif attribute == "declaratoria":
        lead = f"<b>No había firmado.</b> {esc(sentence)}"
    else:
        lead = f"<b>No tengo ese año.</b> {esc(sentence)}"
    return a.short_state_answer(state.slug, lead, (fact,))


def _what_the_documents_say(a: "Answerer", state: State, index: int) -> Reply:
    """One particularity of a state, as the answer: it holds the date or the detail asked."""
    item = state.particularities[index]
    lead = f"<b>Según los documentos:</b> {esc(item.title)}. {esc(item.text)}"
    return a.short_state_answer(state.slug, lead, (item,))


def answer_compare(a: "Answerer", r: Request) -> Reply:
    """Each state's own facts side by side; asked about one fact («¿cuál de los dos está en OGP
    Local?»), first each state's yes or no to it."""
    if r.attribute is None or r.either_or:
        return a.compare_states(r.states)
    value = POSITIVE_VALUE.get(r.value or "", r.value)
    lines = []
    for slug in r.states[:4]:
        verdict = facts.verdict(a.kb.states[slug], r.attribute, value, r.year)
        answer = {True: "Sí", False: "No", None: "No tengo ese dato"}[verdict.yes]
        lines.append(f"• <b>{answer}.</b> {esc(verdict.sentence)}")
    return a.compare_states(r.states, lead="\n".join(lines))


def answer_which_states(a: "Answerer", r: Request) -> Reply:
    if r.particular:
        return a.particular_states(r.particular)
    value = _filter_value(r)
    if r.value is None and r.year is None and _naming_figures(a, r.figures):
        return a.figures(r.figures)  # «¿cuáles se reactivaron?»: a figure that names its states
    if value is None:
        return a.figures(r.figures, lead="¿Qué estados quieres ver? Por ejemplo: los que firmaron, los que tienen STL, los que tienen plan.")
    asked = _selection(r, value)
    listed = facts.matching(a.kb, asked)
    return _as_of_today(a, r, a.unknown_per_state(value) if listed is None else a.state_list(listed, asked))


def answer_how_many(a: "Answerer", r: Request) -> Reply:
    """States are counted from their records when the question names a value («¿cuántos están
    en impasse?»), a figure that counts states, or only a fact of them («¿cuántos STL hay?»);
    other counts (commitments, organizations, the Métrica) are the documents' figures."""
    value = _filter_value(r)
    counts_states = r.value is not None or a.counts_states(r.figures) or (r.attribute is not None and not r.figures)
    if len(r.states) == 1 and r.attribute in STATE_FACTS:  # «¿cuántos planes ha tenido Jalisco?»: its record says
        state = a.kb.states[r.states[0]]
        lead = f"<b>{esc(facts.describe(state, r.attribute))}</b>"
        return a.short_state_answer(state.slug, lead, [facts.fact_of(state, r.attribute)])
    if value is None or not counts_states or len(r.states) == 1:
        return a.figures(r.figures, state=r.state)
    asked = _selection(r, value)
    listed = facts.matching(a.kb, asked)
    return _as_of_today(a, r, a.unknown_per_state(value) if listed is None else a.state_count(listed, asked))


def answer_step(a: "Answerer", r: Request) -> Reply:
    if r.bad_number is not None:
        return a.no_such_step(r.bad_number)
    return a.step(r.step) if r.step is not None else a.steps_overview()


def answer_phase(a: "Answerer", r: Request) -> Reply:
    if r.bad_number is not None:
        return a.no_such_step(r.bad_number, phase=True)
    return a.phase(r.phase) if r.phase is not None else a.phases_overview()


def answer_steps_overview(a: "Answerer", r: Request) -> Reply:
    return a.phases_overview() if r.phases_asked else a.steps_overview()


def answer_what_is(a: "Answerer", r: Request) -> Reply:
    return a.term(r.term) if r.term else a.glossary_index()


def answer_participate(a: "Answerer", r: Request) -> Reply:
    return a.how_to_participate(r.state, r.audience)


def answer_convocatorias(a: "Answerer", r: Request) -> Reply:
    return a.convocatorias(r.state)


def answer_documents(a: "Answerer", r: Request) -> Reply:
    if not r.state:
        return a.state_picker(intro="¿De qué entidad quieres ver los documentos? Elige una:", action="docs")
    return a.documents(r.state, step=r.step)


def answer_subscribe(a: "Answerer", r: Request) -> Reply:
    if r.unsubscribe:
        return a.unsubscribe_offer(r.state)
    return a.curated("subscribe_help", intent="subscribe_help", state=r.state, extra_buttons=a.subscribe_buttons(r.state))


def answer_greeting(a: "Answerer", r: Request) -> Reply:
    return a.curated("greeting", intent="greeting", extra_buttons=a.menu_buttons())


def answer_help(a: "Answerer", r: Request) -> Reply:
    return a.help()


def answer_out_of_scope(a: "Answerer", r: Request) -> Reply:
    if r.missing:
        return a.missing_data(MISSING_WHAT[r.missing], r.state)
    return a.out_of_scope(r.state)


def answer_ack(a: "Answerer", r: Request) -> Reply:
    return Reply(esc(wording.YOU_ARE_WELCOME), a.menu_buttons(), intent="greeting")


def answer_clarify(a: "Answerer", r: Request) -> Reply:
    """«No entendí»: the same answer, said shorter, with two or three ways to go on."""
    if r.refers_to in (None, "greeting", "help", "ack", "out_of_scope"):
        return a.help()
    full = answer(a, _referred(r))
    first = full.html.split("\n\n")[0]
    text = f"Te lo digo más corto:\n\n{first}\n\nSi quieres, elige una opción o pregúntame de otra forma."
    return Reply(Markup(text), full.buttons[:2] + a.menu_buttons()[:1], full.sources, intent=full.intent,
                 state=full.state, step=full.step, term=full.term)


def answer_more(a: "Answerer", r: Request) -> Reply:
    """«Más»: the fuller answer about the same thing (the state's card, the glossary entry…)."""
    referred = _referred(r)
    if referred.form in ("yes_no", "when") and referred.states:
        return a.state_card(referred.states[0], particularity=referred.particularity, attribute=referred.attribute)
    if referred.form == "status" and len(referred.states) == 1:  # «más» after a card: what its [➕ Ver más] holds
        return a.more_after_card(referred.states[0], referred.particularity, referred.attribute)
    if referred.form == "step" and referred.step:
        return a.step(referred.step)
    if referred.form in ("which_states", "how_many"):
        return a.figures(referred.figures)
    if referred.form in (None, "greeting", "help", "out_of_scope"):
        return a.help()
    return answer(a, referred)


def answer_map(a: "Answerer", r: Request) -> Reply:
    """The map's accessible summary and a button to the picture; Telegram sends the picture
    itself (handlers/questions.py), the console shows the summary."""
    mode = "pasos" if r.steps_asked else {"stl": "stl", "stl_installation": "stl", "stl_kind": "stl", "pal": "pal"}.get(
        r.attribute or "", "estado")
    state_map = build_map(a.kb, mode, a.live)
    buttons = ((Button("🗺️ Ver el mapa", Action("map", mode)),),)
    return Reply(Markup(f"🗺️ {state_map.caption_html}"), buttons, intent="figures", attribute=mode)


FORM_ANSWERS: dict[str, Callable[["Answerer", Request], Reply]] = {
    "status": answer_status,
    "yes_no": answer_yes_no,
    "when": answer_when,
    "compare": answer_compare,
    "which_states": answer_which_states,
    "how_many": answer_how_many,
    "step": answer_step,
    "phase": answer_phase,
    "steps_overview": answer_steps_overview,
    "what_is": answer_what_is,
    "participate": answer_participate,
    "convocatorias": answer_convocatorias,
    "documents": answer_documents,
    "subscribe": answer_subscribe,
    "greeting": answer_greeting,
    "help": answer_help,
    "out_of_scope": answer_out_of_scope,
    "map": answer_map,
    "ack": answer_ack,
    "clarify": answer_clarify,
    "more": answer_more,
}


def answer(a: "Answerer", r: Request) -> Reply:
    if r.ambiguous_states and not r.states:
        return a.which_state(r.ambiguous_states, r.intent)
    return FORM_ANSWERS[r.form](a, r)


def _referred(r: Request) -> Request:
    """The request a «no entendí» or «más» refers to: the same slots, the earlier form."""
    return replace(r, form=r.refers_to or "help", refers_to=None)


def _naming_figures(a: "Answerer", figure_ids: tuple[str, ...]) -> bool:
    """Figures that list the states they count, none of them a count of a filter's states."""
    figures = [a.kb.figure(f) for f in figure_ids]
    return bool(figures) and all(f.states and not f.counts for f in figures)


def _as_of_today(a: "Answerer", r: Request, newest: Reply) -> Reply:
    """A list asked as of today: the store does not know today, so it says so before the newest list."""
    if r.missing != "today":
        return newest
    lead = f"<b>No tengo ese dato.</b> No guardo {esc(MISSING_WHAT['today'])}. Lo más reciente que tengo:"
    return replace(newest, html=Markup(f"{lead}\n\n{newest.html}"))


def _selection(r: Request, value: str) -> facts.Selection:
    return facts.selection(r.attribute, value, r.year, years=r.years, not_years=r.not_years, also=r.also,
                           among=r.states, year_of=r.year_of)


def _filter_value(r: Request) -> str | None:
    if r.value:
        return r.value
    if r.year is not None and r.attribute in (None, "declaratoria"):
        return "signed"
    return DEFAULT_VALUE.get(r.attribute or "")
