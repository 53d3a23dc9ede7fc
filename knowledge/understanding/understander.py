"""Message (+ the chat's short memory) -> Request. Entities are found first; the form comes from
the classifier, restricted to the forms the entities allow (a comparison needs two states, a
yes/no question about a state needs a state); the slots come from the vocabulary."""

from __future__ import annotations

import hashlib
import json
import os
import re
from itertools import pairwise
from collections import Counter
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Iterator, TypedDict

from knowledge import filters
from knowledge.filters import NEGATED_VALUE, POSITIVE_VALUE
from knowledge import matching as matching_module
from knowledge import text as text_module
from knowledge.models import KnowledgeBase
from knowledge.text import fold, normalize
from knowledge.understanding import classifier as classifier_module
from knowledge.understanding import entities as entities_module
from knowledge.understanding.classifier import Features, FormClassifier, Ranked, features
from knowledge.understanding.conversation import Context, FollowUps
from knowledge.understanding.entities import EntityFinder, Found
from knowledge.understanding.request import ASIDES, Request


class _Scope(TypedDict):
    """The states a request is about, passed on to whichever form the message turns out to be."""
    states: tuple[str, ...]
    ambiguous_states: tuple[str, ...]

# The attribute a value belongs to, when the question names only the value ("¿qué estados están en impasse?").
VALUE_ATTRIBUTE = {
    "signed": "declaratoria", "not_signed": "declaratoria", "active": "exercise", "impasse": "exercise",
    "inactive": "exercise", "outside_strategy": "exercise", "installed": "stl", "not_installed": "stl",
    "installing": "stl",
    "open": "stl_installation", "closed": "stl_installation", "multiactor": "stl_kind", "plan_1": "pal",
    "plan_2": "pal", "construction": "pal", "implementation": "pal", "has_pal": "pal", "published": "pal", "no_pal": "pal",
    "ogp_local": "ogp_local",
}
# Which attribute wins when several are named: the most specific first.
ATTRIBUTE_ORDER = ("stl_installation", "stl_kind", "ogp_local", "particularities", "pal", "stl", "declaratoria", "exercise")
# Forms that a message asks only with their own words («convocatoria», «documento», «avisos»).
NEEDS_ITS_WORDS = ("convocatorias", "documents", "subscribe")
# Forms whose answer is built from the states' records (so a date after them cannot be answered).
ASKS_ABOUT_STATES = ("status", "yes_no", "when", "compare", "which_states", "how_many", "what_is")


class Understander:
    def __init__(self, kb: KnowledgeBase):
        self._kb = kb
        self.finder = EntityFinder(kb, kb.vocabulary)
        self._stopwords = self.finder.stopwords
        self._shorthand = kb.vocabulary.maps["words.shorthand"]
        self._newest_year = _newest_state_year(kb)
        self._data_year = _usual_state_year(kb)
        self._counts: dict[tuple[str | None, str], int] = {}
        self.classifier = FormClassifier.cached(
            _training_key(kb), lambda: self._training_examples(kb.examples), cache_folder())
        self.follow_ups = FollowUps(kb.vocabulary, self.finder)
        self._unsubscribe = matching_module.PhraseMatcher((p, True) for p in kb.vocabulary.phrases.get("words.unsubscribe", ()))

    def tokens(self, message: str) -> list[str]:
        return normalize(message, self._shorthand).split()

    def _training_examples(self, examples: dict[str, tuple[str, ...]]) -> Iterator[tuple[str, Features]]:
        for form, questions in examples.items():
            for question in questions:
                yield form, self._features(self.finder.find(self.tokens(question)), question)

    def _features(self, found: Found, message: str) -> Features:
        """The message's features, and those of the question itself again when it comes after
        some context ('Soy maestra en Puebla… ¿cómo va Puebla?'): the question weighs more."""
        feats = features(found, self._stopwords, self._newest_year)
        question = _question_part(message)
        if question is not None:
            for word in self.tokens(question):
                feats[f"w:{word}"] += 1
        return feats

    def understand(self, message: str, context: Context | None = None) -> Request:
        tokens = self.tokens(message)
        if not tokens:
            return Request("help", confidence=0.0) if not message.strip() else self._emoji(context)
        found = replace(self.finder.find(tokens), question_start=self._question_start(message, tokens))

        def classify(what: Found) -> Request:
            return self.from_found(what, message)

        if self.follow_ups.kind(" ".join(tokens)) == "ack":
            return Request("ack", refers_to=context.form if context else None, follow_up=context is not None)
        if context is None:
            return classify(found)
        follow_up = self.follow_ups.resolve(found, context, classify)
        return follow_up if follow_up is not None else _same_fact(classify(found), context, found)

    def _question_start(self, message: str, tokens: list[str]) -> int:
        """Where the question begins, when a message has some sentences of context first."""
        question = _question_part(message)
        return max(0, len(tokens) - len(self.tokens(question))) if question else 0

    def find_term(self, text: str) -> str | None:
        """The glossary term a text names (/glosario STL)."""
        return self.finder.find_term(self.tokens(text))

    @staticmethod
    def _emoji(context: Context | None) -> Request:
        """A message of emoji only: 👍 and its kind are an acknowledgement."""
        return Request("ack", refers_to=context.form if context else None, follow_up=context is not None)

    def from_found(self, found: Found, message: str = "") -> Request:
        if "injection" in found.cue("out_of_scope"):  # «ignora tus instrucciones y…»
            return Request("out_of_scope", states=found.states, confidence=1.0)
        return self._classified(found, message)

    def _classified(self, found: Found, message: str) -> Request:
        ranked = self.classifier.rank(self._features(found, message))
        ranked = _out_of_scope_last(_siblings_by_their_cue(_lists_first(self._meaning_first(ranked, found), found), found), found)
        for candidate in ranked:
            request = self._as(candidate.form, found)
            if request is not None:
                return self._known_after_all(self._unknowable(replace(request, confidence=round(candidate.probability, 3)), found), found)
        return Request("out_of_scope", states=found.states, confidence=0.0)

    def _meaning_first(self, ranked: list[Ranked], found: Found) -> list[Ranked]:
        """«¿Qué es el árbol de problemas?» asks what a term means, even when the term names a step
        too; with 'paso' or 'etapa' it asks about the step. A term alone asks what it means."""
        reference = found.reference
        if (found.cue("out_of_scope") and ranked and ranked[0].form == "out_of_scope"
                and ranked[0].probability >= SURELY_ELSEWHERE):
            return ranked  # another topic the examples are sure of and its words say so, whatever it names
        if found.term_span == (0, len(found.tokens)) and not (
                set(found.cue("form")) - {"what_is"} or found.cue("value")):  # a term and nothing else
            return sorted(ranked, key=lambda r: r.form != "what_is")
        if reference.explicit and reference.step is not None:  # «paso 7 en palabras sencillas»: that step
            ranked = sorted(ranked, key=lambda r: r.form == "steps_overview")
        if ("what_is" in found.cue("form") and found.term and not self.finder.names_steps(list(found.tokens))
                and (reference.phase is None or not found.phases_asked) and not reference.explicit):
            return sorted(ranked, key=lambda r: r.form != "what_is")
        return ranked

    def _unknowable(self, request: Request, found: Found) -> Request:
        """A question about a state that asks for what the store does not hold (a contact, a
        budget, members' names, a meeting, how it is today) or for a year after the documents is
        answered as such; a list asked as of today is the newest list, said to be no more."""
        if request.form not in ASKS_ABOUT_STATES:
            return request
        missing = [name for name, start, _ in found.spans.get("missing", ()) if _in_the_question(start, found)
                   and not (name == "people" and request.attribute == "pal")]  # «¿cómo se llama su plan?» is no person
        if found.year is not None and found.year > self._newest_year:
            missing = ["today"]
        if request.form in ("which_states", "how_many") and not request.states and missing[:1] == ["today"]:
            # «¿qué estados tienen STL hoy, en 2025?»: the newest list, said to be no more than that; a
            # year the records hold stays («firmaron en 2015 pero hoy figuran como inactivas»)
            if request.year is not None and request.year <= self._data_year:
                return replace(request, missing="today")
            return replace(request, missing="today", year=None, years=(), not_years=())
        if not request.states and request.form != "how_many":
            return request
        if request.states and missing:
            if found.by_city:  # «un boleto a Tijuana»: the city's, not its state's
                return Request("out_of_scope", confidence=request.confidence)
            # out of scope by the contract (DESIGN.md: «a governor's phone, a state's budget»), said
            # «No tengo ese dato» with what is known of the state
            return Request("out_of_scope", states=request.states, missing=missing[0], confidence=request.confidence)
        return request

    def _known_after_all(self, request: Request, found: Found) -> Request:
        """«¿Qué municipios participan en Querétaro?» reads like data the store lacks, but that
        state's particularity says it: its card, opened at it."""
        if request.missing is None or not request.states:
            return request
        missing_words = [t for name, start, end in found.spans.get("missing", ()) for t in found.tokens[start:end]]
        particularity = self._particularity(request.states, replace(found, tokens=tuple(missing_words)))
        if particularity is None:  # the words that seemed to ask for missing data are not what it says
            return request
        return Request("status", states=request.states, particularity=particularity, confidence=request.confidence)

    # -- slots for a form -------------------------------------------------------------------------

    def _as(self, form: str, found: Found) -> Request | None:  # noqa: C901 (one branch per form; being reshaped)
        """The request of this form from what was found, or None when the form does not fit."""
        if form in NEEDS_ITS_WORDS and form not in found.cue("form"):
            return None  # no word about calls, documents or notices: the message asks something else
        states, reference = found.states, found.reference
        attribute, value, also = self._attribute_and_value(found)
        year_of = "declaratoria" if found.year and attribute not in (None, "declaratoria") and \
            "declaratoria" in found.cue("attribute") else None
        common = _Scope(states=states, ambiguous_states=found.ambiguous_states if not states else ())
        asks_which = "which_states" in found.cue("form")
        if form == "compare" or form == "which_states" and len(states) >= 2 and not asks_which:
            return Request("compare", attribute=attribute, **common) if len(states) >= 2 else None
        if form == "when" and not states and found.term:
            return Request(form, term=found.term)  # 'when did INAI cease to exist': the term's card tells
        if form in ("status", "yes_no", "when"):
            if not states and not found.ambiguous_states:
                return None
            if len(states) >= 2 and form == "yes_no" and attribute and asks_which:
                return Request("which_states", attribute=attribute, value=value, also=also, year=found.year,
                               year_of=year_of, **common)
            if len(states) >= 2 and form in ("status", "yes_no"):
                form = "compare"
            if form == "when" and attribute is None:
                attribute = "declaratoria"
            particularity = self._particularity(states, found, dated=form == "when")
            if form == "yes_no" and attribute is None and particularity is None:
                return None  # a yes or no about nothing the store holds
            return Request(form, attribute=attribute, value=value, also=also, year=found.year,
                           either_or=self._either_or(found), particularity=particularity, **common)
        if form == "step":
            if reference.bad_number is not None and reference.phase is None:
                return Request(form, bad_number=reference.bad_number)
            step = reference.step if reference.step is not None else found.described_step
            return Request(form, step=step) if step is not None else None
        if form == "phase":
            if reference.bad_number is not None and reference.phase is None and found.phases_asked:
                return Request(form, bad_number=reference.bad_number)
            return Request(form, phase=reference.phase) if reference.phase is not None else None
        if form == "what_is":
            return Request(form, term=found.term, states=states) if found.term else None
        if form in ("which_states", "how_many"):
            if found.same_year and len(states) == 1:
                return self._same_year_as(form, states[0], attribute)
            if states and not found.state_spans and (particularity := self._particularity(states, found)) is not None:
                return Request("status", states=states, particularity=particularity)  # «¿y cuáles regiones?» about it
            also = also + self._named_facts(found, attribute, value, also)
            particular = () if value else self._particular(found)
            figures = self._figures(found)
            if form == "how_many" and found.state_spans and not (found.asks_for_states or attribute or value or figures
                                                      or particular or found.term):
                return Request("out_of_scope", missing="statistics", states=states)  # «¿cuántos habitantes tiene Nayarit?»
            if found.asks_for_states and len(states) == 1:
                common = _Scope(states=(), ambiguous_states=())  # the asker's state, not the list's scope
            elif len(states) == 1 and value is not None and form == "which_states":  # «¿Guanajuato es de los que firmaron en 2016?»
                return Request("yes_no", attribute=attribute, value=value, also=also, year=found.year, **common)
            steps_asked = not (value or states) and (self.finder.names_the_steps(list(found.tokens)) or found.phases_asked)
            as_of = found.year is not None and found.year >= self._data_year and not (year_of or _dated(attribute, value))
            year = None if as_of else found.year  # 'construían su plan a fines de 2019': the data's date
            if year is None and found.extreme and _dated(attribute, value):  # «¿cuál fue el último en firmar?»
                value = value or "signed" if attribute in (None, "declaratoria") else value or "installed"
                year = filters.extreme_year(self._kb, attribute, value, latest=found.extreme == "latest")
            years = () if as_of or year is None else found.years
            if found.excluded_years and not (year_of or _dated(attribute, value)):
                year_of = "declaratoria"  # «en implementación, que no sean de 2015»: the year they signed
            return Request(form, attribute=attribute, value=value, also=also, year=year, years=years, year_of=year_of,
                           not_years=found.excluded_years, figures=figures, particular=particular, steps_asked=steps_asked,
                           phases_asked=found.phases_asked, **common)
        if form == "steps_overview":
            return Request(form, phases_asked=found.phases_asked)
        if form == "map":  # «el mapa de los pasos», «mapa de los STL»
            return Request(form, attribute=attribute, steps_asked=self.finder.names_the_steps(list(found.tokens)))
        if form == "participate":
            if ("participate" not in found.cue("form") and found.interrogative is None and states
                    and (found.cue("attribute") or found.cue("value"))):
                return None  # «soy maestra: ¿Morelos tiene plan?» asks about the plan, not how to take part
            audience = found.cue("audience")
            return Request(form, audience=audience[0] if audience else None, **common)
        if form == "convocatorias":
            return Request(form, step=self._convocatoria_step(found), **common)
        if form == "documents":
            return Request(form, step=self._document_step(found), **common)
        if form == "subscribe":
            return Request(form, unsubscribe=bool(self._unsubscribe.find(list(found.tokens))), **common)
        if form == "out_of_scope":  # «¿qué clima hace hoy?» asks about the weather, not about today's data
            missing = [m for m in found.cue("missing") if not (m == "today" and found.cue("out_of_scope"))]
            if missing == ["people"] and attribute == "pal" and states and not found.cue("out_of_scope"):
                return None  # «¿cómo se llama su plan?»: a plan has a name, not members; another form answers
            if not missing and found.states and "how_many" in found.cue("form"):
                missing = ["statistics"]  # «¿cuántas personas con discapacidad viven en Guanajuato?»
            if found.by_city:  # «el clima en Mérida» is about the city, not the state's exercise
                common = _Scope(states=(), ambiguous_states=())
            return Request(form, missing=missing[0] if missing else None, attribute=attribute, **common)
        return Request(form, **common)

    def _same_year_as(self, form: str, slug: str, attribute: str | None) -> Request | None:
        """«¿Qué otros estados firmaron el mismo año que Chihuahua?»: the states of that state's year."""
        state = self._kb.states[slug]
        if attribute == "stl":
            return Request(form, attribute="stl", value="installed", year=state.stl.year) if state.stl.year else None
        if not state.declaratoria.signed:
            return None
        return Request(form, attribute="declaratoria", value="signed", year=state.declaratoria.year)

    def _attribute_and_value(self, found: Found) -> tuple[str | None, str | None, tuple[str, ...]]:
        """The fact asked about and the value asked for. A value right after 'no' or 'sin' turns
        into its opposite; of several values, the most specific one, met by the fewest states,
        is the one asked ('firmaron pero no hacen nada, o sea los inactivos'), the others must
        hold too."""
        attributes = found.cue("attribute")
        attribute = next((a for a in ATTRIBUTE_ORDER if a in attributes), None)
        if attribute == "stl" and "exercise" in attributes and self._status_of_the_exercise(found):
            attribute = "exercise"  # 'el ejercicio en impasse, pero sin STL'
        spans = found.spans.get("value", ())
        asked = [span for span in spans if _in_the_question(span[1], found)] or spans  # the question, not its preamble
        candidates = [(self._negated(name, start, found), start) for name, start, _ in asked]
        chosen = min(candidates, key=lambda c: (self._specificity(attribute, c[0]), -c[1]), default=None)
        value = chosen[0] if chosen is not None else None
        if chosen is None and attribute in NEGATED_DEFAULT and _negated_attribute(self.finder, found):
            value = NEGATED_DEFAULT[attribute]
        if found.year and value is None and (attribute == "declaratoria" or attribute is None and not (
                found.term or self._figures(found))):  # not 'los municipios del Multi City Challenge 2020'
            value = "signed"
        if value is not None and not _fits(attribute, value):
            attribute = VALUE_ATTRIBUTE[value]  # the value says more: 'firmaron, pero están inactivos'
        if value is not None and REFINES.get(VALUE_ATTRIBUTE[value]) == attribute:
            attribute = VALUE_ATTRIBUTE[value]
        if attribute is None and found.term in TERM_ATTRIBUTE:
            attribute = TERM_ATTRIBUTE[found.term]
        return attribute, value, self._also(value, candidates, attributes)

    @staticmethod
    def _status_of_the_exercise(found: Found) -> bool:
        """A status ('en impasse', 'activo') said right after 'ejercicio' rather than after 'STL'."""
        statuses = [start for name, start, _ in found.spans.get("value", ()) if name in STL_STATUS_VALUES]
        if not statuses:
            return False
        named = [(n, start) for n, start, _ in found.spans["attribute"] if start != statuses[0]]  # not 'activo' itself
        nearest = {name: min((abs(statuses[0] - start) for n, start in named if n == name), default=len(found.tokens))
                   for name in ("stl", "exercise")}
        return nearest["exercise"] < nearest["stl"]

    def _named_facts(self, found: Found, attribute: str | None, value: str | None, also: tuple[str, ...]) -> tuple[str, ...]:
        """In a list or a count, a fact named with no value of its own is one more condition:
        «¿qué estados firmaron en 2016 y llegaron a instalar STL?» (signed in 2016, and an STL)."""
        if value is None:
            return ()
        covered = {VALUE_ATTRIBUTE[v] for v in (value, *also)} | {REFINES.get(VALUE_ATTRIBUTE[v]) for v in (value, *also)}
        extra = []
        for name, start, _ in found.spans.get("attribute", ()):
            if name in covered or name not in NAMED_FACT_DEFAULT or name in (attribute,):
                continue
            default = NAMED_FACT_DEFAULT[name]
            if default in NEGATED_VALUE and self.finder.negated_before(found.tokens, start, reach=3):
                default = NEGATED_VALUE[default]
            if default not in extra:
                extra.append(default)
                covered.add(name)
        return tuple(extra)

    @staticmethod
    def _either_or(found: Found) -> bool:
        """«¿Fue abierta o por invitación?», «¿está activo o parado?»: a value and its opposite,
        two statuses of one fact, or two values joined by «o», so no yes or no fits."""
        spans = sorted(found.spans.get("value", ()), key=lambda span: span[1])
        names = {name for name, _, _ in spans}
        statuses = {VALUE_ATTRIBUTE[n] for n in names & EXCLUSIVE_VALUES}
        joined_by_or = any(a[0] != b[0] and "o" in found.tokens[a[2]:b[1]] and b[1] - a[2] <= 4
                           for a, b in pairwise(spans))  # «¿tiene STL o nomás existe en papel?»
        return (any(OPPOSITE.get(name) in names for name in names) or len(names & EXCLUSIVE_VALUES) > len(statuses)
                or joined_by_or)

    def _also(self, value: str | None, candidates: list[tuple[str, int]], attributes: tuple[str, ...]) -> tuple[str, ...]:
        """The other values named that can hold at once with the chosen one (not its opposite,
        not another status of the same fact), of the same fact or of a fact the question names
        ('tienen STL pero nada de plan'); a stray word of another fact adds nothing."""
        if value is None:
            return ()
        family = {VALUE_ATTRIBUTE[value], REFINES.get(VALUE_ATTRIBUTE[value])}
        others = []
        for name, _ in candidates:
            owner = VALUE_ATTRIBUTE[name]
            if owner not in family and owner not in attributes and REFINES.get(owner) not in attributes:
                continue
            if name == value or name in others or OPPOSITE.get(name) == value or OPPOSITE.get(value) == name:
                continue
            if name in IMPLIED.get(value, ()) or name == "signed" and value in AFTER_SIGNING:
                continue  # a closed installation is an installed STL; an STL or a plan comes after signing
            if VALUE_ATTRIBUTE[name] == VALUE_ATTRIBUTE[value] and name in EXCLUSIVE_VALUES and value in EXCLUSIVE_VALUES:
                continue
            others.append(name)
        return tuple(others)

    def _negated(self, value: str, start: int, found: Found) -> str:
        if value in NEGATED_VALUE and self.finder.negated_before(found.tokens, start):
            return NEGATED_VALUE[value]
        return value

    def _specificity(self, attribute: str | None, value: str) -> int:
        key = (attribute if _fits(attribute, value) else None, value)
        if key not in self._counts:
            self._counts[key] = filters.count(self._kb, *key) or len(self._kb.states) + 1
        return self._counts[key]

    def _particularity(self, states: tuple[str, ...], found: Found, dated: bool = False) -> int | None:
        """The particularity of the first state that the words point to ('los monitores de Veracruz');
        for a when-question, of two the words fit alike, the one that gives a date."""
        if not states:
            return None
        return self._best_particularity(states[0], found, dated)[0]

    def _best_particularity(self, slug: str, found: Found, dated: bool = False) -> tuple[int | None, float]:
        padded = f" {' '.join(found.tokens)} "
        best, best_weight = None, 0.0
        for index, item in enumerate(self._kb.states[slug].particularities):
            weight: float = sum(len(k.split()) for k in self._folded_keywords(item.keywords) if f" {k} " in padded)
            if weight and dated and _A_YEAR.search(item.text):
                weight += 0.5
            if weight > best_weight:
                best, best_weight = index, weight
        return best, best_weight

    def _particular(self, found: Found) -> tuple[tuple[str, int], ...]:
        """«¿Qué planes tienen alcance limitado?»: the states whose particularities the words name."""
        found_in = ((slug, self._best_particularity(slug, found)) for slug in self._kb.states)
        return tuple((slug, index) for slug, (index, weight) in found_in if index is not None)

    def _figures(self, found: Found) -> tuple[str, ...]:
        """The headline figures whose keywords the message contains best (ties kept)."""
        padded = f" {' '.join(found.tokens)} "
        scored = []
        for figure in self._kb.figures:
            weight = sum(_keyword_weight(k) for k in self._folded_keywords(figure.keywords) if f" {k} " in padded)
            if weight:
                scored.append((weight, figure.id))
        best = max((weight for weight, _ in scored), default=0)
        return tuple(figure_id for weight, figure_id in scored if weight == best)

    def _folded_keywords(self, keywords: list[str]) -> tuple[str, ...]:
        return _fold_all(tuple(keywords))

    def _convocatoria_step(self, found: Found) -> int | None:
        """Which call: to form the STL (2), for the facilitator (3), for the co-creation tables (7)."""
        convocatoria_steps = {n for n, s in self._kb.steps.items() if s.is_convocatoria}
        step = found.reference.step
        if step in convocatoria_steps:
            return step
        if step in (9, 10):  # the tables themselves: their call is step 7
            return 7
        term = found.term
        if term not in (None, "convocatoria"):
            for number in self._kb.terms[term].steps:
                if number in convocatoria_steps:
                    return number
        if "stl" in found.cue("attribute"):
            return 2
        return None

    def _document_step(self, found: Found) -> int | None:
        if found.reference.step is not None:
            return found.reference.step
        step: int | None = self._kb.vocabulary.maps["step.document_terms"].get(found.term or "")
        return step


# Forms that differ by one question word: «¿cuántos…?» counts, «¿qué / cuáles…?» lists.
SIBLINGS = ("which_states", "how_many")


def _lists_first(ranked: list[Ranked], found: Found) -> list[Ranked]:
    """«¿Qué estados firmaron en 2015?» asks for a list (or a count), even from someone who
    mentions their own state first."""
    if not found.asks_for_states:
        return ranked
    return sorted(ranked, key=lambda r: r.form not in SIBLINGS)


def _siblings_by_their_cue(ranked: list[Ranked], found: Found) -> list[Ranked]:
    """When a list and a count are the two likeliest forms, the question word decides; the word
    «mapa» asks for the map (few examples teach it, so the word decides there too)."""
    if "map" in found.cue("form") and not (found.states or found.asks_for_states):  # not «hago un mapa: ¿qué estados…?»
        return sorted(ranked, key=lambda r: r.form != "map")
    if len(ranked) < 2 or {ranked[0].form, ranked[1].form} != set(SIBLINGS):
        return ranked
    cues = set(found.cue("form")) & set(SIBLINGS)
    if len(cues) == 1 and ranked[0].form not in cues:
        return [ranked[1], ranked[0], *ranked[2:]]
    return ranked


SURELY_ELSEWHERE = 0.9  # the classifier's probability of out of scope that a known name does not overrule
FOREIGN_WORDS_TOLERATED = 2  # content words outside the domain's vocabulary a known-topic question may carry


def _names_the_domain(found: Found) -> bool:
    """Words of this initiative besides a state's name: a fact, a value, a term, a step, a phase
    or an in-scope question form («compara…», «¿cuántos…?»)."""
    return bool(found.term or found.cue("attribute") or found.cue("value") or found.reference.step is not None
                or found.reference.phase is not None or set(found.cue("form")) - {"greeting", "help", "what_is", "yes_no"})


def _out_of_scope_last(ranked: list[Ranked], found: Found) -> list[Ranked]:
    """Out of scope is the fallback, not a veto: a message that names something the store knows
    (a state, a term, a step, a fact of a state) and no out-of-scope topic is answered from the store."""
    if set(found.cue("out_of_scope")) - ASIDES and not _names_the_domain(found):  # «¿a qué hora juega el Puebla?»
        return sorted(ranked, key=lambda r: r.form != "out_of_scope")  # the state is incidental to another topic
    if found.cue("out_of_scope") or found.cue("missing"):
        return ranked
    names_known = (found.states or found.ambiguous_states or found.term or found.cue("attribute") or found.cue("value")
                   or found.reference.step is not None or found.reference.phase is not None)
    mostly_ours = found.foreign <= FOREIGN_WORDS_TOLERATED  # 'la pensión del bienestar en Chiapas' is not
    asked_in_scope = set(found.cue("form")) - {"greeting", "help", "what_is", "yes_no"}  # «compara…», «¿cuántos…?»
    if (ranked and ranked[0].form == "out_of_scope" and ranked[0].probability >= SURELY_ELSEWHERE and found.foreign
            and not asked_in_scope):
        return ranked  # «el mejor taller mecánico de Tlaxcala»: a word of another topic, and the examples agree
    return sorted(ranked, key=lambda r: r.form == "out_of_scope") if names_known and mostly_ours else ranked


def _in_the_question(start: int, found: Found) -> bool:
    """A word of the question sentence, not of the context before it."""
    return start >= found.question_start


def _same_fact(request: Request, context: Context, found: Found) -> Request:
    """«¿Y cuáles en impasse?» after a list of STL: the same fact, another of its values."""
    if (request.form in SIBLINGS and context.form in SIBLINGS and not found.cue("attribute")
            and context.attribute and request.value and _fits(context.attribute, request.value)):
        return replace(request, attribute=context.attribute, follow_up=True)
    return request


def cache_folder() -> Path | None:
    """Where the trained classifier is kept: COCREA_CACHE_DIR, or the user's cache folder;
    COCREA_CACHE_DIR set to an empty value turns the cache off."""
    configured = os.environ.get("COCREA_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cocreabot"


def _training_key(kb: KnowledgeBase) -> str:
    """Changes whenever what the classifier learns from changes: the examples, the vocabulary,
    the names that are masked (states, steps, phases, terms) and the code that reads them."""
    digest = hashlib.sha256()
    digest.update(json.dumps(kb.examples, sort_keys=True, ensure_ascii=False).encode())
    digest.update(repr((sorted(kb.vocabulary.phrases.items()), sorted(map(repr, kb.vocabulary.maps.items())))).encode())
    for collection in (kb.states, kb.steps, kb.phases, kb.terms):
        digest.update(json.dumps({str(k): v.model_dump(mode="json") for k, v in collection.items()}, sort_keys=True).encode())
    for path in (classifier_module.__file__, entities_module.__file__, matching_module.__file__, text_module.__file__,
                 __file__):
        digest.update(Path(str(path)).read_bytes())
    return digest.hexdigest()[:24]


def _state_fact_years(kb: KnowledgeBase) -> list[int]:
    facts = [f for s in kb.states.values() for f in (s.declaratoria, s.exercise, s.stl, s.pal, *s.particularities)]
    return [(f.as_of or kb.sources[f.source].date).year for f in facts]


def _newest_state_year(kb: KnowledgeBase) -> int:
    """The year of the newest source of any state's fact: a question about a later year asks for
    what the documents cannot know."""
    return max(_state_fact_years(kb))


def _usual_state_year(kb: KnowledgeBase) -> int:
    """The year most of the states' facts are dated (2019, NOSC's table)."""
    return Counter(_state_fact_years(kb)).most_common(1)[0][0]


_A_YEAR = re.compile(r"\b(19|20)\d\d\b")
_SENTENCE_END = re.compile(r"[.!:;\n]+")


def _question_part(message: str) -> str | None:
    """The sentence with the question mark, or the last sentence, when the message has several."""
    sentences = [s for s in _SENTENCE_END.split(message) if s.strip()]
    if len(sentences) < 2:
        return None
    asked = [s for s in sentences if "?" in s]
    return (asked or sentences)[-1]


TERM_ATTRIBUTE = {
    "stl": "stl", "pal": "pal", "plan-accion": "pal", "declaratoria": "declaratoria", "ogp-local": "ogp_local",
    "stl-multiactor": "stl_kind", "instalacion-abierta": "stl_installation", "impasse": "exercise",
    "ejercicio-activo": "exercise", "ejercicio-inactivo": "exercise",
}


OPPOSITE = {**NEGATED_VALUE, **POSITIVE_VALUE,
            "construction": "implementation", "implementation": "construction", "open": "closed", "closed": "open",
            "plan_1": "plan_2", "plan_2": "plan_1"}
# Values that another one already implies.
IMPLIED = {"open": ("installed",), "closed": ("installed",), "multiactor": ("installed",),
           "plan_2": ("has_pal",), "implementation": ("has_pal",), "published": ("has_pal",)}
# Values that come after signing the declaratoria: 'firmaron' adds nothing to them.
AFTER_SIGNING = frozenset(("active", "impasse", "inactive", "outside_strategy", "installed", "installing", "open",
                           "closed", "multiactor", "plan_1", "plan_2", "construction", "implementation",
                           "has_pal", "published", "ogp_local"))
# Statuses of one fact: a state has one of them, so two named together are alternatives, not both.
EXCLUSIVE_VALUES = frozenset(("active", "impasse", "inactive", "outside_strategy", "installed", "not_installed", "installing"))
# The condition a fact named alone adds to a list ('… y tienen STL'); the word 'ejercicio' adds none.
NAMED_FACT_DEFAULT = {"stl": "installed", "pal": "has_pal"}
# Attributes that refine another one: how an STL was installed and what kind it is.
REFINES = {"stl_installation": "stl", "stl_kind": "stl"}
# What «¿qué estados no tienen STL / plan?» asks, when no value phrase says it.
NEGATED_DEFAULT = {"declaratoria": "not_signed", "stl": "not_installed", "pal": "no_pal"}
# Values that also make sense for an STL: its own status ('¿el STL de Sonora está activo?').
STL_STATUS_VALUES = frozenset(("active", "impasse", "inactive"))


def _dated(attribute: str | None, value: str | None) -> bool:
    """Whether a year in a list or count can be the year of the fact asked: signing the
    declaratoria and installing an STL have one; a status or a plan is as of the data's date."""
    return attribute in (None, "declaratoria") or attribute == "stl" and value in (None, "installed")


def _fits(attribute: str | None, value: str) -> bool:
    """The value is one of the attribute's, or refines it ('cerrada' for an STL)."""
    owner = VALUE_ATTRIBUTE[value]
    return attribute is not None and (owner == attribute or REFINES.get(owner) == attribute or
                                      attribute == "stl" and value in STL_STATUS_VALUES)


def _negated_attribute(finder: EntityFinder, found: Found) -> bool:
    """'¿qué estados no han suscrito la declaratoria?': a negation a few words before the fact."""
    return any(finder.negated_before(found.tokens, start, reach=4) for _, start, _ in found.spans.get("attribute", ()))


def _keyword_weight(keyword: str) -> int:
    """Two per word; a bare year says less than a word ('en 2019' fits many figures)."""
    return 1 if keyword.isdigit() else 2 * len(keyword.split())


@lru_cache(maxsize=None)  # the keywords of figures and particularities: a fixed set, folded once
def _fold_all(keywords: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(k for k in (fold(k) for k in keywords) if k)
