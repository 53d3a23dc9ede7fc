"""Composing replies: short plain Spanish, Telegram-safe HTML (everything from data escaped),
every factual reply ending with its sources and their dates."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Sequence

from markupsafe import Markup

from knowledge import wording
from knowledge.counts import counted
from knowledge.filters import FILTERS
from knowledge.live import LiveData, NoLiveData
from knowledge.dates import PartialDate
from knowledge.places import locate
from knowledge.models import PHASE_COUNT, STEP_COUNT, Fact, Figure, KnowledgeBase, Particularity, State, Term
from knowledge.answers import facts, forms
from knowledge.text import fold
from knowledge.reply import Action, Button, Citation, Keyboard, Reply, esc
from knowledge.understanding.request import Request

INAI_NOTICE_SOURCE = "contexto-2025"
INAI_PARAGRAPH = Markup(f"\n\nℹ️ <i>{esc(wording.INAI_NOTICE)}</i>")
INAI_SHORT_PARAGRAPH = Markup(f"\n\nℹ️ <i>{esc(wording.INAI_REMINDER)}</i>")
PRIVACY_LINE = "🔒 Solo guardo el id de este chat y tus suscripciones. Más en /privacidad."
DOCUMENTS_PER_PAGE = 10
CONVOCATORIAS_PER_PAGE = 5  # each is a few lines: five keep a page near 1,500 characters
CARD_CONVOCATORIAS = 3  # of each kind under a state's [➕ Ver más]
MORE_LABEL = "➕ Ver más"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Answerer:
    """The building blocks of every reply (a state's card, a step, a term, lists, figures), and
    `answer`, which picks the one for a request's form (knowledge/answers/forms.py)."""

    def __init__(self, kb: KnowledgeBase, live: LiveData | None = None, clock: Clock = utc_now):
        self.kb = kb
        self.live = live or NoLiveData()
        self.clock = clock

    def answer(self, request: Request) -> Reply:
        return forms.answer(self, request)

    # -- states -----------------------------------------------------------------------------

    def state_card(self, slug: str, lead: str = "", particularity: int | None = None, attribute: str | None = None,
                   featured: tuple[int, ...] | None = None) -> Reply:
        """A state's card, short: its status and progress, the declaratoria, STL and PAL lines and
        the particularity the question pointed to (shown first: `particularity`, an index, with
        those on the same subject; all of them when it asked what is particular; one about the
        `attribute` asked), else the first one; `lead` (HTML) answers the question before it.
        The rest (the other particularities, named; the documents; the convocatorias) is one
        button away: [➕ Ver más]. `featured` names the particularities shown first directly."""
        state = self.kb.states[slug]
        if featured is None:
            featured = self._featured(state, particularity, attribute)
        shown = featured or ((0,) if state.particularities else ())
        lines = [lead, ""] if lead else []
        lines += [self._card_heading(state), self._progress_line(state), ""]
        if featured:
            items = [state.particularities[i] for i in featured]
            lines += [self._particularity_line(item, state, bullet=len(items) > 1) for item in items] + [""]
        lines += [
            f"✍️ <b>Declaratoria:</b> {esc(wording.declaratoria(state))}",
            f"🤝 <b>STL:</b> {esc(wording.stl(state))}",
            f"📘 <b>Plan de Acción Local:</b> {esc(wording.pal(state))}",
        ]
        if state.exercise.note:
            lines.append(f"ℹ️ {esc(state.exercise.note)}")
        if shown and not featured:
            lines += ["", "<b>Lo particular</b>", self._particularity_line(state.particularities[0], state)]
        more = self._more_summary(state, shown)
        if more:
            lines += ["", more]
        lines += ["", self._as_of_line(state)]
        buttons: Keyboard = (
            (Button("🔔 Suscribirme", Action("subscribe", slug)), Button("📄 Documentos", Action("docs", slug))),
            (Button("📣 Convocatorias", Action("convs", slug)), Button("🧭 Los 13 pasos", Action("steps"))),
        )
        if more:
            buttons = ((Button(MORE_LABEL, Action("state_more", f"{slug}:{_indices(shown)}")),),) + buttons
        cited: list[Fact] = [state.declaratoria, state.exercise, state.stl, state.pal,
                             *(state.particularities[i] for i in shown)]
        view = Action("state", f"{slug}:{_indices(featured)}" if featured else slug)
        return self._factual("\n".join(_squeeze(lines)), cited, buttons, intent="state_status", state=state.name, view=view)

    def more_after_card(self, slug: str, particularity: int | None = None, attribute: str | None = None) -> Reply:
        """«Más» after a state's card: what its [➕ Ver más] holds (the card again when it holds nothing)."""
        state = self.kb.states[slug]
        shown = self._featured(state, particularity, attribute) or ((0,) if state.particularities else ())
        if not self._more_summary(state, shown):
            return self.state_card(slug, particularity=particularity, attribute=attribute)
        return self.state_more(slug, shown)

    def _featured(self, state: State, particularity: int | None, attribute: str | None) -> tuple[int, ...]:
        """The particularities a question points to, by their index: the one it named and the
        others on the same subject (a keyword in common), all of them when it asked what is
        particular, or those about the fact it asked (a keyword among that fact's words)."""
        items = state.particularities
        if attribute == "particularities":
            return tuple(range(len(items)))
        if particularity is not None:
            keywords = {fold(k) for k in items[particularity].keywords}
            return (particularity, *(i for i, p in enumerate(items)
                                     if i != particularity and keywords & {fold(k) for k in p.keywords}))
        if attribute is None or f"attribute.{attribute}" not in self.kb.vocabulary.phrases:
            return ()
        words = self.kb.vocabulary.words(f"attribute.{attribute}")
        return tuple(i for i, p in enumerate(items) if words & {fold(k) for k in p.keywords})

    def state_more(self, slug: str, shown: tuple[int, ...] = ()) -> Reply:
        """[➕ Ver más] under a state's card: what the card leaves out (the particularities but
        those `shown`, the latest documents its STL published, its open and upcoming convocatorias)."""
        state = self.kb.states[slug]
        others = [p for index, p in enumerate(state.particularities) if index not in shown]
        lines = [f"<b>{esc(state.name)}</b> · más de su ficha", ""]
        if others:
            title = "Más de lo particular" if shown else "Lo particular"
            lines += [f"<b>{title}</b>", *(self._particularity_line(p, state) for p in others), ""]
        lines += self._recent_documents(slug)
        lines += self._open_convocatorias_lines(slug)
        if len(_squeeze(lines)) == 1:
            lines += [f"No hay más: la ficha de {esc(state.name)} ya dice todo lo que sé."]
        lines += ["", self._as_of_line(state)]
        buttons = ((Button("📄 Documentos", Action("docs", slug)), Button("📣 Convocatorias", Action("convs", slug))),)
        cited: list[Fact] = [*others] or [state.exercise]
        return self._factual("\n".join(_squeeze(lines)), cited, buttons, intent="state_status", state=state.name,
                             view=Action("state_more", f"{slug}:{_indices(shown)}"))

    def _card_heading(self, state: State) -> str:
        return f"<b>{esc(state.name)}</b> · {esc(wording.EXERCISE[state.exercise.status])}"

    def _particularity_line(self, item: Particularity, state: State, bullet: bool = True) -> str:
        line = f"<b>{esc(item.title)}.</b> {esc(item.text)}{self._source_tag(item, state)}"
        return f"• {line}" if bullet else line

    def _more_summary(self, state: State, shown: tuple[int, ...]) -> str:
        """What [➕ Ver más] holds: the other particularities by their titles, how many documents
        and convocatorias («…, 12 documentos publicados y 1 convocatoria abierta»); '' when nothing."""
        now = self.clock()
        documents = self.live.document_count(state.slug)
        open_now = len(self.live.open_convocatorias(state.slug, now))
        upcoming = len(self.live.upcoming_convocatorias(state.slug, now))
        parts = [p.title for index, p in enumerate(state.particularities) if index not in shown]
        parts += [counted(documents, "documento publicado", "documentos publicados")] if documents else []
        parts += [counted(open_now, "convocatoria abierta", "convocatorias abiertas")] if open_now else []
        parts += [counted(upcoming, "convocatoria por abrir", "convocatorias por abrir")] if upcoming else []
        if not parts:
            return ""
        return f"➕ En «{MORE_LABEL[2:]}»: {esc(wording.join_names(parts))}."

    def _as_of_line(self, state: State) -> str:
        return f"<i>{esc(wording.as_of_notice(self._date_of(state.exercise)))}</i>"

    def _records_fact(self) -> Fact:
        """A fact of the states' status records: what an empty list or count is dated and cited by."""
        return next(iter(self.kb.states.values())).exercise

    def _records_date(self) -> str:
        return self._date_of(self._records_fact()).human()

    def short_state_answer(self, slug: str, lead: str, cited: Iterable[Fact]) -> Reply:
        """A direct answer about one state (HTML `lead`), its progress and the as-of notice;
        the full card is one button away."""
        state = self.kb.states[slug]
        lines = [lead, "", self._progress_line(state), "", self._as_of_line(state)]
        buttons = (
            (Button(wording.state_button("📋 Todo sobre {}", state.name, "📋 Toda la ficha"), Action("state", slug)),
             Button("🔔 Suscribirme", Action("subscribe", slug))),
        )
        return self._factual("\n".join(lines), list(cited), buttons, intent="state_status", state=state.name)

    def state_list(self, states: list[State], asked: facts.Selection) -> Reply:
        """«¿Qué estados …?»: how many and which, grouped, dated and cited; the document's own
        count next to it when it differs."""
        lines = [f"<b>{len(states)} {esc(wording.entities_word(len(states)))}{esc(self._scope(asked.among))} "
                 f"{esc(asked.label(len(states)))}</b>, a {esc(self._records_date())}.", ""]
        lines += self._grouped(states, asked.attribute, asked.value)
        if asked.among:
            others = [self.kb.states[s].name for s in asked.among if self.kb.states[s] not in states]
            if others:
                lines += ["", f"No: {esc(wording.join_names(others))}."]
        lines += self._document_counts(len(states), asked)
        lines += self._disputed(asked)
        cited: list[Fact] = [facts.fact_of(s, asked.attribute) for s in states] or [self._records_fact()]
        buttons = _state_buttons(states)
        return self._factual("\n".join(_squeeze(lines)), [*cited, *self._counting_figures(asked)], buttons, intent="figures")

    def _disputed(self, asked: facts.Selection) -> list[str]:
        """The states a list of open or closed installations leaves out because the document says both."""
        if asked.attribute != "stl_installation":
            return []
        return [line for state in self.kb.states.values() if state.stl.installation == "disputed"
                for line in ("", f"ℹ️ Sin contar a {esc(state.name)}: {esc(state.stl.note or '')}")]

    def state_count(self, states: list[State], asked: facts.Selection) -> Reply:
        """«¿Cuántos estados …?»: the number first, the names after, then the other documents'
        versions of the same count, newest first."""
        if asked.years:  # no document counts several years together
            return self.state_list(states, asked)
        lines = [f"<b>{len(states)}</b> {esc(wording.entities_word(len(states)))}{esc(self._scope(asked.among))} "
                 f"{esc(asked.label(len(states)))}, a {esc(self._records_date())}.", ""]
        if states:
            lines.append(f"Son: {esc(wording.join_names([s.name for s in states]))}.")
        lines += self._document_counts(len(states), asked)
        own = self._counting_figures(asked)
        versions = self._other_versions(own)
        if versions:
            lines += ["", "<b>Otros documentos, de la más reciente a la más antigua:</b>"]
            lines += [f"• {self.figure_line(f)}" for f in versions]
            lines += ["Los documentos no coinciden porque se escribieron en fechas distintas."]
        cited = [*(facts.fact_of(s, asked.attribute) for s in states), *own, *versions]
        buttons = _state_buttons(states)
        return self._factual("\n".join(_squeeze(lines)), cited or [self._records_fact()], buttons, intent="figures")

    def particular_states(self, found: tuple[tuple[str, int], ...]) -> Reply:
        """The states whose particularities a question names, each with what the documents say."""
        items = [(self.kb.states[slug], self.kb.states[slug].particularities[index]) for slug, index in found]
        lines = [f"<b>{len(items)} {esc(wording.entities_word(len(items)))}</b>, según lo particular de cada una:", ""]
        lines += [f"• <b>{esc(state.name)}: {esc(item.title)}.</b> {esc(item.text)}{self._source_tag(item, state)}"
                  for state, item in items]
        buttons = _state_buttons([state for state, _ in items])
        return self._factual("\n".join(lines), [item for _, item in items], buttons, intent="figures")

    def unknown_per_state(self, value: str) -> Reply:
        """A filter the documents count but never list state by state (multiactor STL, OGP Local)."""
        attribute = FILTERS[value][0]
        own = self._counting_figures(facts.Selection(attribute, value))
        figures = own + self._other_versions(own)
        lines = ["<b>No tengo la lista por estado.</b> Los documentos dan el número, pero no dicen cuáles son:", ""]
        lines += [f"• {self.figure_line(f)}" for f in figures]
        mentioned = facts.mentioning(self.kb, value)
        if mentioned:
            lines += ["", f"Lo que sí sé: los documentos lo dicen de {esc(wording.join_names([s.name for s in mentioned]))}."]
        return self._factual("\n".join(lines), figures or [self._records_fact()], (), intent="figures")

    def missing_data(self, what: str, slug: str | None) -> Reply:
        """Data the store does not hold: say so, and what it does know about that state."""
        lines = [f"<b>No tengo ese dato.</b> No guardo {esc(what)}."]
        buttons: Keyboard = ()
        cited: list[Fact] = []
        if slug:
            state = self.kb.states[slug]
            lines += ["", f"Lo que sí sé de {esc(state.name)}:",
                      f"🤝 {esc(facts.describe(state, 'stl'))}", f"📘 {esc(facts.describe(state, 'pal'))}",
                      "", self._as_of_line(state)]
            cited = [state.stl, state.pal]
            buttons = ((Button(wording.state_button("Ver {}", state.name), Action("state", slug)),) + self.subscribe_buttons(slug)[0],)
        else:
            lines += ["", "Sí puedo contarte cómo va cada estado, los 13 pasos, qué significan los términos y las cifras principales."]
            buttons = self.menu_buttons()
        return self._factual("\n".join(lines), cited, buttons, intent="out_of_scope",
                             state=self.kb.states[slug].name if slug else None)

    def _grouped(self, states: list[State], attribute: str, value: str) -> list[str]:
        groups: dict[str, list[str]] = {}
        for state in states:
            groups.setdefault(facts.group_label(state, attribute, value), []).append(state.name)
        if len(groups) <= 1:  # one group says nothing more than the heading: just the names
            return [esc(wording.join_names(names)) + "." for names in groups.values()]
        return [f"• <b>{esc(label)}</b> ({len(names)}): {esc(wording.join_names(names))}." for label, names in groups.items()]

    def _scope(self, among: tuple[str, ...]) -> str:
        return f" de las {len(among)} que mencionas" if len(among) > 1 else ""

    def _counting_figures(self, asked: facts.Selection) -> list[Figure]:
        """The documents' own counts of a selection (cifras.yaml `counts`): one filter, in one
        year at most, over every state."""
        if not asked.counted_by_documents:
            return []
        key = f"{asked.attribute}:{asked.value}" + (f":{asked.year}" if asked.year else "")
        return [f for f in self.kb.figures if f.counts == key]

    def _document_counts(self, count: int, asked: facts.Selection) -> list[str]:
        """The document's own count of the same thing, when it says another number."""
        lines = []
        for figure in self._counting_figures(asked):
            if figure.value != count:
                lines += ["", f"ℹ️ Contando estado por estado son {count}; el documento lo cuenta así: {self.figure_line(figure)}"]
        return lines

    def _other_versions(self, own: list[Figure]) -> list[Figure]:
        """Other documents' versions of the same counts (same `measure`), newest first."""
        measures = {f.measure for f in own if f.measure}
        ids = {f.id for f in own}
        versions = [f for f in self.kb.figures if f.measure in measures and f.id not in ids]
        return sorted(versions, key=lambda f: self._date_of(f).sort_key(), reverse=True)

    def compare_states(self, slugs: Iterable[str], lead: str = "") -> Reply:
        """Up to four states side by side, after a `lead` (HTML) that answers what was asked of them."""
        slugs = list(slugs)[:4]
        facts: list[Fact] = []
        lines = [lead, ""] if lead else []
        lines += ["<b>Comparación</b>", self._furthest_along([self.kb.states[s] for s in slugs])]
        for slug in slugs:
            state = self.kb.states[slug]
            facts += [state.declaratoria, state.exercise, state.stl, state.pal, *state.particularities]
            lines += [
                "",
                f"<b>{esc(state.name)}</b> · {esc(wording.EXERCISE[state.exercise.status])}",
                self._progress_line(state),
                f"Declaratoria: {esc(wording.declaratoria(state))}",
                f"STL: {esc(wording.stl(state))}",
                f"PAL: {esc(wording.pal(state))}",
                *(f"• {esc(p.title)}" for p in state.particularities),
            ]
        lines += ["", f"<i>{esc(wording.as_of_notice(self._date_of(facts[1])))}</i>"]
        buttons = tuple((Button(wording.state_button("Ver {}", self.kb.states[s].name), Action("state", s)),) for s in slugs)
        first = self.kb.states[slugs[0]].name
        return self._factual("\n".join(lines), facts, buttons, intent="state_status", state=first)

    def _furthest_along(self, states: list[State]) -> str:
        """Which of them has gone furthest along the 13 steps, as the evidence shows."""
        steps = {state.name: self._progress(state) for state in states}
        furthest = max(steps.values())
        ahead = [name for name, step in steps.items() if step == furthest]
        if len(ahead) == len(steps):
            return esc(f"Van igual: hay evidencia hasta el paso {furthest} de 13 en {'ambas' if len(steps) == 2 else 'todas'}.")
        lead = "Más avanzada" if len(ahead) == 1 else "Más avanzadas"
        return esc(f"{lead}: {wording.join_names(ahead)}, con evidencia hasta el paso {furthest} de 13.")

    def state_picker(self, intro: str = "Elige una entidad:", action: str = "state") -> Reply:
        names = sorted(self.kb.states.values(), key=lambda s: wording.sort_key(s.name))
        buttons = [Button(wording.short_name(s.name), Action(action, s.slug)) for s in names]
        view = Action("states", "" if action == "state" else action)
        return Reply(esc(intro), _rows(buttons, 3), intent="state_status", view=view)

    def location(self, lat: float, lon: float) -> Reply:
        """A location pin: the card of the state it falls in (offline, knowledge/places.py), naming
        the neighbour near a border; otherwise what was understood, and the state picker."""
        place = locate(lat, lon)
        if place.state is None:
            where = (f"parece estar en {place.country}, fuera de México" if place.country else
                     "no cae cerca de ninguna población de México que conozca (¿en el mar, o en otro país?)")
            picker = self.state_picker()
            text = (f"📍 Recibí un punto en el mapa ({lat:.2f}, {lon:.2f}), pero {where}. "
                    "¿De qué entidad quieres saber? Elige una:")
            return Reply(esc(text), picker.buttons, intent="state_status", replaceable=True)  # a question
        name = self.kb.states[place.state].name
        lead = f"📍 Ese punto cae en <b>{esc(name)}</b>."
        extra: Keyboard = ()
        if place.neighbour:
            other = self.kb.states[place.neighbour].name
            lead += (f" Está cerca del límite con {esc(other)}; mi mapa es aproximado, así que si te referías a "
                     f"{esc(other)}, tócala abajo.")
            extra = ((Button(wording.state_button("Ver {}", other), Action("state", place.neighbour)),),)
        card = self.state_card(place.state, lead=lead)
        return dataclasses.replace(card, buttons=card.buttons + extra)

    def which_state(self, slugs: tuple[str, ...], intent: str) -> Reply:
        names = [self.kb.states[s].name for s in slugs]
        question = "¿Te refieres a " + " o a ".join(esc(n) for n in names) + "?"
        action = {"documents": "docs", "subscribe_help": "subscribe", "convocatorias": "convs"}.get(intent, "state")
        buttons = tuple((Button(wording.short_name(n), Action(action, s)),) for n, s in zip(names, slugs, strict=True))
        return Reply(Markup(question), buttons, intent=intent, replaceable=True)

    def _progress_line(self, state: State) -> str:
        step = self._progress(state)
        return f"{wording.progress_bar(step)}\n{esc(wording.progress_caption(step, self.kb.steps.get(step)))}"

    def _progress(self, state: State) -> int:
        published = self.live.progress(state.slug) or 0
        return max(wording.seed_progress(state), published)

    def _recent_documents(self, slug: str) -> list[str]:
        documents = self.live.documents(slug, limit=3)
        if not documents:
            return []
        lines = ["🆕 <b>Lo más reciente que publicó su STL:</b>"]
        lines += [f"• {wording.document_line(d, self.kb)}" for d in documents]
        return lines + [""]

    def _source_tag(self, fact: Fact, state: State) -> str:
        """Name the source where it is not the card's main one (the status report)."""
        if fact.source == state.exercise.source:
            return ""
        return f" <i>({esc(self.kb.sources[fact.source].short_name)})</i>"

    def _open_convocatorias_lines(self, slug: str) -> list[str]:
        now = self.clock()
        open_now, upcoming = self.live.open_convocatorias(slug, now), self.live.upcoming_convocatorias(slug, now)
        lines = []
        if open_now:
            lines += ["", "📣 <b>Convocatorias abiertas</b>"]
            lines += [f"• {wording.convocatoria_line(c, now)}" for c in open_now[:CARD_CONVOCATORIAS]]
            if len(open_now) > CARD_CONVOCATORIAS:
                lines.append(f"…y {len(open_now) - CARD_CONVOCATORIAS} más abiertas (📣 Convocatorias).")
        if upcoming:
            lines += ["", "🗓️ <b>Próximas convocatorias</b>"]
            lines += [f"• {wording.upcoming_line(c, now)}" for c in upcoming[:CARD_CONVOCATORIAS]]
            if len(upcoming) > CARD_CONVOCATORIAS:
                lines.append(f"…y {len(upcoming) - CARD_CONVOCATORIAS} más por abrir (📣 Convocatorias).")
        return lines

    # -- steps and phases -------------------------------------------------------------------

    def step(self, number: int) -> Reply:
        step = self.kb.steps[number]
        lines = [
            f"<b>Paso {number} de {STEP_COUNT} · {esc(step.name)}</b>",
            f"«{esc(step.gloss)}»",
            wording.progress_bar(number, mark_only=True),
            "",
            f"<b>Qué pasa:</b> {esc(step.what)}",
            f"<b>Cómo se sabe que se hizo:</b> {esc('; '.join(step.evidence))}.",
        ]
        if step.is_convocatoria:
            lines.append("📣 Este paso es una convocatoria: con /convocatorias ves las que están abiertas.")
        buttons = (_step_navigator(number), (Button("📋 Ver los 13 pasos", Action("steps")),))
        return self._factual("\n".join(lines), [step], buttons, intent="step", step=number,
                             view=Action("step", str(number)))

    def steps_overview(self) -> Reply:
        lines = ["<b>Los 13 pasos de la estrategia local de gobierno abierto</b>", ""]
        for number, step in sorted(self.kb.steps.items()):
            lines.append(f"{number}. {esc(step.name)} — <i>«{esc(step.gloss)}»</i>")
        lines += ["", "Toca un número para ver qué pasa en ese paso."]
        buttons = _rows([Button(str(n), Action("step", str(n))) for n in sorted(self.kb.steps)], 5)
        buttons += ((Button("Las 6 fases del INAI", Action("phases")),),)
        return self._factual("\n".join(lines), list(self.kb.steps.values()), buttons, intent="steps_overview",
                             view=Action("steps"))

    def phase(self, number: int) -> Reply:
        phase = self.kb.phases[number]
        lines = [
            f"<b>Fase {number} de {PHASE_COUNT} (INAI) · {esc(phase.name)}</b>",
            "",
            esc(phase.what),
            "",
            "Son las 6 fases básicas con que el INAI describía la iniciativa; los 13 pasos la detallan.",
        ]
        previous = Button(f"◀ {number - 1}", Action("phase", str(number - 1))) if number > 1 else None
        following = Button(f"{number + 1} ▶", Action("phase", str(number + 1))) if number < PHASE_COUNT else None
        nav = tuple(b for b in (previous, following) if b)
        buttons = (nav, (Button("Las 6 fases", Action("phases")), Button("Los 13 pasos", Action("steps"))))
        return self._factual("\n".join(lines), [phase], buttons, intent="step", step=None,
                             view=Action("phase", str(number)))

    def phases_overview(self) -> Reply:
        lines = ["<b>Las 6 fases básicas de la iniciativa, según el INAI</b>", ""]
        lines += [f"{n}. {esc(p.name)}" for n, p in sorted(self.kb.phases.items())]
        lines += ["", "La estrategia local las detalla en 13 pasos: /pasos"]
        buttons = _rows([Button(f"Fase {n}", Action("phase", str(n))) for n in sorted(self.kb.phases)], 3)
        buttons += ((Button("Los 13 pasos", Action("steps")),),)
        return self._factual("\n".join(lines), list(self.kb.phases.values()), buttons, intent="steps_overview",
                             view=Action("phases"))

    def no_such_step(self, number: int, phase: bool = False) -> Reply:
        if phase:
            text = f"La iniciativa tiene {PHASE_COUNT} fases según el INAI; no existe la fase {number}."
            buttons = ((Button("Ver las 6 fases", Action("phases")),),)
        else:
            text = f"La estrategia local tiene {STEP_COUNT} pasos; no existe el paso {number}."
            buttons = ((Button("Ver los 13 pasos", Action("steps")),),)
        return Reply(esc(text), buttons, intent="step", replaceable=True)  # nothing to come back to

    # -- glossary ---------------------------------------------------------------------------

    def term(self, term_id: str) -> Reply:
        term = self.kb.terms[term_id]
        lines = [f"<b>{esc(term.term)}</b>", "", esc(term.definition)]
        if term.steps:
            lines += ["", esc(wording.steps_mention(term.steps))]
        related = [self.kb.terms[r] for r in term.related[:4]]
        labels = _distinct_labels(list(self.kb.terms.values()))
        buttons = _rows([Button(labels[r.id], Action("term", r.id)) for r in related], 2)
        buttons += tuple((Button(f"Paso {n}", Action("step", str(n))),) for n in term.steps[:1])
        return self._factual("\n".join(lines), [term], buttons, intent="glossary", term=term_id,
                             view=Action("term", term_id))

    def glossary_index(self, letter: str = "") -> Reply:
        """The glossary by the first letter of what each button shows, A to Z: the terms of one
        letter (the first, unless one is asked) and a row of the other letters."""
        labels = _distinct_labels(list(self.kb.terms.values()))
        ordered = sorted(self.kb.terms.values(), key=lambda t: wording.sort_key(labels[t.id]))
        groups: dict[str, list[Term]] = {}
        for term in ordered:
            groups.setdefault(_initial(labels[term.id]), []).append(term)
        shown = letter.upper() if letter.upper() in groups else next(iter(groups))
        buttons = _rows([Button(labels[t.id], Action("term", t.id)) for t in groups[shown]], 2)
        buttons += _rows([Button(other, Action("terms", other.lower())) for other in groups if other != shown], 7)
        text = (f"<b>Glosario</b>: {len(ordered)} términos, de la A a la Z. Estos son los de la <b>{shown}</b>; "
                "toca otra letra o escribe el término, por ejemplo <code>/glosario STL</code>.")
        return Reply(Markup(text), buttons, intent="glossary", view=Action("terms", shown.lower()))

    # -- figures ----------------------------------------------------------------------------

    def figures(self, figure_ids: tuple[str, ...] = (), state: str | None = None, lead: str = "") -> Reply:
        """The figures asked for (ids, best first; the headline ones when none), each with every
        other document's version of the same count, newest first."""
        chosen = self._newest_first_by_measure(self._with_versions(figure_ids))
        lines = [lead, ""] if lead else []
        lines += ["<b>Cifras</b>, cada una con su fuente y su fecha", ""]
        for figure in chosen:
            lines.append(f"• {self.figure_line(figure)}")
        if len({f.source for f in chosen if f.measure}) > 1:
            lines += ["", "Los documentos no coinciden porque se escribieron en fechas distintas; "
                          "de cada cifra, la primera versión es la más reciente."]
        if state:
            lines += ["", f"No tengo cifras por entidad; sobre {esc(self.kb.states[state].name)} te cuento cómo va su ejercicio."]
        buttons = ((Button(wording.state_button("Ver {}", self.kb.states[state].name), Action("state", state)),),) if state else ()
        name = self.kb.states[state].name if state else None
        return self._factual("\n".join(lines), chosen, buttons, intent="figures", state=name)

    def counts_states(self, figure_ids: tuple[str, ...]) -> bool:
        """Whether one of these figures is a count of states by a filter of their records."""
        return any(f.counts for f in self.kb.figures if f.id in figure_ids)

    def figure_line(self, figure: Figure) -> str:
        source = self.kb.sources[figure.source]
        return f"{esc(figure.text)} <i>({esc(source.short_name)}, {esc(self._date_of(figure).human())})</i>"

    def _with_versions(self, figure_ids: tuple[str, ...], limit: int = 8) -> list[Figure]:
        by_id = {f.id: f for f in self.kb.figures}
        chosen = [by_id[i] for i in figure_ids if i in by_id]
        if not chosen:
            chosen = [f for f in self.kb.figures if f.measure in ("entidades_sumadas", "stl", "pal")]
        measures = {f.measure for f in chosen if f.measure}
        chosen += [f for f in self.kb.figures if f.measure in measures and f not in chosen]
        return chosen[:limit]

    def _newest_first_by_measure(self, figures: list[Figure]) -> list[Figure]:
        """Keep the order of what was asked; versions of one count (same measure) newest first."""
        groups: dict[str, list[Figure]] = {}
        for figure in figures:
            groups.setdefault(figure.measure or figure.id, []).append(figure)
        newest = lambda f: self._date_of(f).sort_key()  # noqa: E731
        return [f for group in groups.values() for f in sorted(group, key=newest, reverse=True)]

    # -- live data: convocatorias and documents ---------------------------------------------

    def convocatorias(self, slug: str | None, page: int = 0) -> Reply:
        """The open convocatorias (the one that closes soonest first), then the upcoming ones (the
        one that opens soonest first), CONVOCATORIAS_PER_PAGE at a time with how many more there
        are and ◀ ▶ to page through them."""
        now = self.clock()
        open_now = self.live.open_convocatorias(slug, now)
        upcoming = self.live.upcoming_convocatorias(slug, now)
        place = f" en {self.kb.states[slug].name}" if slug else ""
        state_name = self.kb.states[slug].name if slug else None
        if not open_now and not upcoming:
            text = wording.no_convocatorias(place, self.kb.steps)
            return Reply(Markup(text), self.subscribe_buttons(slug), intent="convocatorias", state=state_name)
        total = len(open_now) + len(upcoming)
        page, pages, first = wording.page_of(total, page, CONVOCATORIAS_PER_PAGE)
        shown = (open_now + upcoming)[first:first + CONVOCATORIAS_PER_PAGE]
        shown_open, shown_upcoming = [c for c in shown if c in open_now], [c for c in shown if c not in open_now]
        lines = []
        if shown_open:
            lines += [f"📣 <b>Convocatorias abiertas{esc(place)}</b> (la que cierra antes va primero)", ""]
            lines += [block for item in shown_open for block in (wording.convocatoria_block(item, now, self.kb), "")]
        elif not open_now:
            lines += [f"Ahora no hay convocatorias abiertas{esc(place)}, pero ya se anunciaron estas.", ""]
        if shown_upcoming:
            lines += [f"🗓️ <b>Próximas{esc(place)}</b> (la que abre antes va primero)", ""]
            lines += [block for item in shown_upcoming for block in (wording.upcoming_block(item, now, self.kb), "")]
        last = first + len(shown_open) + len(shown_upcoming)
        if pages > 1:
            lines.append(wording.page_line(first + 1, last, total))
        buttons = self._page_buttons(slug or "", page, pages, "convs_page") + self.subscribe_buttons(slug)
        return Reply(Markup("\n".join(lines).strip()), buttons, intent="convocatorias", state=state_name,
                     view=Action("convs_page", f"{slug or ''}:{page}"))

    def documents(self, slug: str, step: int | None = None, page: int = 0) -> Reply:
        """A state's documents (of one step), newest first, DOCUMENTS_PER_PAGE at a time with
        how many more there are and ◀ ▶ to page through them."""
        state = self.kb.states[slug]
        total = self.live.document_count(slug, step)
        page, pages, offset = wording.page_of(total, page, DOCUMENTS_PER_PAGE)
        documents = self.live.documents(slug, limit=DOCUMENTS_PER_PAGE, step=step, offset=offset)
        if not documents:
            what = f"del paso {step}" if step else ""
            text = (
                f"Todavía no hay documentos {what} publicados en este bot por el STL de {esc(state.name)}. "
                "Cuando su STL publique uno, te aviso si te suscribes."
            ).replace("  ", " ")
            return Reply(Markup(text), self.subscribe_buttons(slug), intent="documents", state=state.name, step=step)
        of_step = f" del paso {step}" if step else ""
        lines = [f"📄 <b>Documentos{of_step} publicados por el STL de {esc(state.name)}</b>", ""]
        lines += [f"• {wording.document_line(d, self.kb)}" for d in documents]
        if total > len(documents):
            lines += ["", wording.page_line(offset + 1, offset + len(documents), total)]
        buttons = self._page_buttons(f"{slug}:{step or 0}", page, pages, "docs_page") + self.subscribe_buttons(slug)
        return Reply(Markup("\n".join(lines)), buttons, intent="documents", state=state.name, step=step,
                     view=Action("docs_page", f"{slug}:{step or 0}:{page}"))

    @staticmethod
    def _page_buttons(prefix: str, page: int, pages: int, kind: str) -> Keyboard:
        """◀ ▶ through a list: the action `kind` with «prefix:page»."""
        row = tuple(Button(label, Action(kind, f"{prefix}:{to}")) for label, to in wording.page_moves(page, pages))
        return (row,) if row else ()

    # -- curated answers --------------------------------------------------------------------

    def how_to_participate(self, slug: str | None, audience: str | None = None) -> Reply:
        """The ways in, with the one for who asks first (a teacher, an OSC, a university…) and,
        when a state is named, how its STL stood."""
        tip = self.kb.answers.get(f"participate_{audience}") if audience else None
        lead = f"{tip.text.strip()}\n\n" if tip else ""
        sources = self._citations_from_ids(tip.sources) if tip else ()
        if not slug:
            return self.curated("how_to_participate", intent="how_to_participate", lead=lead, more_sources=sources)
        state = self.kb.states[slug]
        return self.curated(
            "how_to_participate",
            intent="how_to_participate",
            state=slug,
            extra_buttons=self.subscribe_buttons(slug) + ((Button(wording.state_button("Ver {}", state.name), Action("state", slug)),),),
            lead=lead,
            addition=f"\n\nEn <b>{esc(state.name)}</b>: {esc(wording.participation_hint(state))}" + self._particular_line(state),
            more_sources=sources + self._citations([state.stl, *state.particularities[:1]]),
        )

    @staticmethod
    def _particular_line(state: State) -> str:
        """What is particular to a state's exercise (its observatory, its regions, its monitors):
        often the way people take part there."""
        if not state.particularities:
            return ""
        item = state.particularities[0]
        return f"\n\n<b>Lo particular de {esc(state.name)}:</b> {esc(item.title)}. {esc(item.text)}"

    def welcome(self, first_name: str | None = None) -> Reply:
        """The greeting, by the person's first name when Telegram gives one, with what people come
        back for (their state's notices, the convocatorias) before the menu."""
        back_for = ((Button("🔔 Avisos de mi estado", Action("states", "subscribe")),
                     Button("📣 Convocatorias", Action("convs", ""))),)
        reply = self.curated("greeting", intent="greeting", extra_buttons=back_for + self.menu_buttons(),
                             addition=f"\n\n{PRIVACY_LINE}", view=Action("welcome"))
        name = " ".join((first_name or "").split())[:40]
        if not name or not reply.html.startswith("¡Hola!"):
            return reply
        return dataclasses.replace(reply, html=Markup("¡Hola, {}!").format(name) + reply.html[len("¡Hola!"):])

    def help(self) -> Reply:
        return self.curated("help", intent="help", extra_buttons=self.menu_buttons(), view=Action("help"))

    def out_of_scope(self, slug: str | None = None) -> Reply:
        if not slug:
            return self.curated("out_of_scope", intent="out_of_scope", extra_buttons=self.menu_buttons())
        name = self.kb.states[slug].name
        return self.curated(
            "out_of_scope", intent="out_of_scope", state=slug,
            extra_buttons=((Button(wording.state_button("Ver {}", name), Action("state", slug)),),),
            addition=f"\n\nSobre {esc(name)} sí puedo contarte cómo va su ejercicio de gobierno abierto.",
        )

    def sources_list(self) -> Reply:
        """Every source with its date and links, kept under ~1,200 characters: each title's first
        sentence (no authors), and the INAI's end in two lines (the whole story is its own answer)."""
        lines = ["<b>Fuentes</b>", "Todo lo que digo sale de estos documentos, con su fecha:"]
        for source in sorted(self.kb.sources.values(), key=lambda s: s.date.sort_key()):
            line = f"• <b>{esc(source.short_name)}</b> ({esc(source.date.human())}): {esc(_first_sentence(source.title))}."
            links = [source.url, *source.also_cite] if source.url else list(source.also_cite)
            if len(links) == 1:
                line += f' <a href="{esc(links[0])}">Enlace</a>'
            elif links:
                line += " Enlaces: " + ", ".join(f'<a href="{esc(link)}">{n}</a>' for n, link in enumerate(links, start=1))
            lines.append(line)
        lines += ["", f"<b>¿Qué pasó con el INAI?</b> {esc(wording.INAI_NOTICE)}"]
        text = "\n".join(_squeeze(lines))
        return Reply(Markup(text), intent="sources", sources=self._citations_from_ids(self.kb.sources), view=Action("sources"))

    def curated(self, answer_id: str, intent: str, state: str | None = None, extra_buttons: Keyboard = (), addition: str = "",
                more_sources: tuple[Citation, ...] = (), lead: str = "", view: Action | None = None) -> Reply:
        """A curated answer (respuestas.yaml, already Telegram HTML), with an HTML `lead` before
        it and an `addition` after it."""
        answer = self.kb.answers[answer_id]
        citations = self._citations_from_ids(answer.sources) + more_sources
        name = self.kb.states[state].name if state else None
        return self._finish(lead + answer.text.strip() + addition, citations, extra_buttons, intent=intent, state=name,
                            view=view)

    # -- helpers ----------------------------------------------------------------------------

    def _factual(self, text: str, facts: Sequence[Fact], buttons: Keyboard, **fields: Any) -> Reply:
        return self._finish(text, self._citations(facts), buttons, **fields)

    def _finish(self, text: str, citations: tuple[Citation, ...], buttons: Iterable[tuple[Button, ...]] = (),
                **fields: Any) -> Reply:
        """Add the INAI notice where INAI is named (CONTEXT-2025) and end with the sources."""
        names_inai = "INAI" in text or any("INAI" in c.short_name for c in citations)
        with_notice = names_inai and "dejó de existir" not in text
        if with_notice:
            text += str(INAI_PARAGRAPH)
        if names_inai and not any(c.source_id == INAI_NOTICE_SOURCE for c in citations):
            notice = self.kb.sources[INAI_NOTICE_SOURCE]
            citations += (self._citation(INAI_NOTICE_SOURCE, notice.date.human()),)
        citations = tuple(dict.fromkeys(citations))  # one mention of each source and date
        if citations:
            text += f"\n\n{_sources_line(citations)}"
        return Reply(Markup(text), tuple(buttons), citations, inai_notice=with_notice, **fields)

    @staticmethod
    def briefly(reply: Reply) -> Reply:
        """The reply with the INAI notice as one short line, for a chat that read it today
        (knowledge/engine.py); its source stays cited."""
        if not reply.inai_notice:
            return reply
        return dataclasses.replace(reply, html=reply.html.replace(INAI_PARAGRAPH, INAI_SHORT_PARAGRAPH, 1),
                                   inai_notice=False)

    def _date_of(self, fact: Fact) -> PartialDate:
        return fact.as_of or self.kb.sources[fact.source].date

    def _citations(self, facts: Iterable[Fact]) -> tuple[Citation, ...]:
        seen: dict[tuple[str, str], Citation] = {}
        for fact in facts:
            for source_id in (fact.source, *fact.also_from):
                date = (fact.as_of if source_id == fact.source and fact.as_of else self.kb.sources[source_id].date).human()
                seen.setdefault((source_id, date), self._citation(source_id, date))
        return tuple(seen.values())

    def _citations_from_ids(self, ids: Iterable[str]) -> tuple[Citation, ...]:
        return tuple(self._citation(i, self.kb.sources[i].date.human()) for i in ids)

    def _citation(self, source_id: str, date: str) -> Citation:
        source = self.kb.sources[source_id]
        return Citation(source_id, source.short_name, source.title, date)

    def subscribe_buttons(self, slug: str | None) -> Keyboard:
        if slug:
            label = wording.state_button("🔔 Suscribirme a {}", self.kb.states[slug].name, "🔔 Suscribirme")
            return ((Button(label, Action("subscribe", slug)),),)
        return ((Button("🔔 Elegir entidad", Action("states", "subscribe")),),)

    def unsubscribe_offer(self, slug: str | None) -> Reply:
        """«Ya no quiero avisos de Chiapas»: one tap stops them (the tap is the confirmation)."""
        if not slug:
            text = "¿De qué entidad ya no quieres avisos? Escribe /baja y su nombre, o mira lo que sigues con /suscripciones."
            return Reply(esc(text), intent="subscribe_help")
        name = self.kb.states[slug].name
        text = (f"¿Dejo de avisarte de lo que publique el STL de <b>{esc(name)}</b>? Toca el botón para confirmarlo; "
                "/suscripciones muestra todo lo que sigues.")
        buttons = ((Button(wording.state_button("🔕 Dejar de seguir {}", name, "🔕 Dejar de seguir"), Action("unsub", slug)),),)
        return Reply(Markup(text), buttons, intent="subscribe_help", state=name)

    @staticmethod
    def menu_buttons() -> Keyboard:
        return (
            (Button("🗺️ Cómo va mi estado", Action("states")), Button("🧭 Los 13 pasos", Action("steps"))),
            (Button("📖 Glosario", Action("terms")), Button("📚 Fuentes", Action("sources"))),
        )


def _indices(indices: tuple[int, ...]) -> str:
    """(0, 2) -> «0.2»: particularities by their index, in a button's argument."""
    return ".".join(str(i) for i in indices)


def _first_sentence(title: str) -> str:
    """«Apertura Institucional. Una transición…» -> «Apertura Institucional»."""
    return title.split(". ")[0].rstrip(".")


def _state_buttons(states: list[State], limit: int = 12) -> tuple[tuple[Button, ...], ...]:
    """A button to each listed state's card, three to a row."""
    return _rows([Button(wording.short_name(s.name), Action("state", s.slug)) for s in states[:limit]], 3)


def _distinct_labels(terms: Sequence[Term]) -> dict[str, str]:
    """Short button labels; where two would read the same ('Gobierno abierto' and 'Gobierno
    Abierto: Cocreación desde lo Local'), the one with a subtitle shows its subtitle."""
    labels = {t.id: wording.term_label(t.term) for t in terms}
    seen: dict[str, int] = {}
    for label in labels.values():
        seen[label.lower()] = seen.get(label.lower(), 0) + 1
    for term in terms:
        if seen[labels[term.id].lower()] > 1 and ":" in term.term:
            labels[term.id] = wording.button_label(term.term.split(":", 1)[1].strip())
    return labels


def _initial(label: str) -> str:
    """«Árbol de…» -> «A»: the letter a label is filed under."""
    return wording.sort_key(label)[:1].upper()


def _sources_line(citations: tuple[Citation, ...]) -> str:
    label = "Fuente" if len(citations) == 1 else "Fuentes"
    parts = [f"{esc(c.short_name)} ({esc(c.date)})" for c in citations]
    return f"<i>{label}: {'; '.join(parts)}.</i>"


def _rows(buttons: list[Button], per_row: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i:i + per_row]) for i in range(0, len(buttons), per_row))


def _step_navigator(number: int) -> tuple[Button, ...]:
    nav = []
    if number > 1:
        nav.append(Button(f"◀ {number - 1}", Action("step", str(number - 1))))
    if number < STEP_COUNT:
        nav.append(Button(f"{number + 1} ▶", Action("step", str(number + 1))))
    return tuple(nav)


def _squeeze(lines: list[str]) -> list[str]:
    """Drop blank lines at the edges and doubled blank lines in the middle."""
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return out
