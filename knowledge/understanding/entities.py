"""Finding what a message names: states (with typos and aliases), a step or phase (by number,
ordinal, name, position or description), a glossary term, a year, and the vocabulary's cues
(attributes, values, audiences, missing data, out-of-scope topics, forms). Pure and fast."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Iterator, TypeVar

from knowledge.matching import Match, PhraseMatcher, Speller
from knowledge.models import PHASE_COUNT, STEP_COUNT, KnowledgeBase
from knowledge.text import fold, normalize
from knowledge.understanding.vocabulary import Vocabulary

T = TypeVar("T")

_NUMBER = re.compile(r"^\d{1,3}$")
_YEAR = re.compile(r"^(20[12]\d)$")
_SHORT_YEAR = re.compile(r"^(1[4-9]|2[0-6])$")  # two-digit years of the strategy: 2014-2026
_STEM_CHARS = 5
# Namespaces whose phrases are found as cues, each a PhraseMatcher of its own (they overlap).
CUE_NAMESPACES = ("form", "attribute", "value", "audience", "missing", "out_of_scope")
SPELLED = ("form", "attribute", "value", "audience")


@dataclass(frozen=True)
class StepReference:
    step: int | None = None
    phase: int | None = None
    bad_number: int | None = None
    explicit: bool = False  # by number or ordinal, not by a name
    described: bool = False  # found by its description, not by a name or number
    start: int = -1  # token span of the reference
    end: int = -1


@dataclass(frozen=True)
class Found:
    """Everything a message names, with where (token spans) for masking."""

    tokens: tuple[str, ...]
    states: tuple[str, ...] = ()
    state_spans: tuple[tuple[int, int], ...] = ()
    by_city: bool = False  # the states come from cities named («soy de Xalapa»), not from their names
    ambiguous_states: tuple[str, ...] = ()
    reference: StepReference = StepReference()
    term: str | None = None
    term_span: tuple[int, int] | None = None
    year: int | None = None
    years: tuple[int, ...] = ()  # every year asked, a range spelled out ('entre 2017 y 2019'), when more than one
    excluded_years: tuple[int, ...] = ()  # years to leave out ('que no sean de 2015', 'salvo los de 2016')
    described_step: int | None = None  # the step the words describe, when one stands out
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)  # namespace -> names found, in order
    spans: dict[str, tuple[tuple[str, int, int], ...]] = field(default_factory=dict)  # namespace -> (name, start, end)
    negated: bool = False
    phases_asked: bool = False
    asks_for_states: bool = False  # «¿qué estados…?», «¿cuántas entidades…?»
    same_year: bool = False  # «el mismo año que Chihuahua», «¿y los otros que firmaron ese año?»
    extreme: str | None = None  # 'latest' or 'earliest': «¿cuál fue el último en firmar?»
    question_start: int = 0  # the token where the question begins, after sentences of context
    interrogative: str | None = None  # the first question word (cuándo, qué, cuántos…), if any
    foreign: int = 0  # content words the domain's vocabulary does not know ('visa', 'pensión')

    def cue(self, namespace: str) -> tuple[str, ...]:
        return self.cues.get(namespace, ())


class EntityFinder:
    def __init__(self, kb: KnowledgeBase, vocabulary: Vocabulary):
        self._kb = kb
        self._v = vocabulary
        guard = _known_words(kb, vocabulary)
        shorthand = vocabulary.maps["words.shorthand"]
        norm = lambda text: normalize(text, shorthand)  # noqa: E731  phrases read as messages are
        self._states = PhraseMatcher(_state_phrases(kb, norm))
        self._cities = PhraseMatcher(_state_phrases(kb, norm, cities=True))
        self._ambiguous = PhraseMatcher(vocabulary.maps["place.ambiguous"].items())
        self._not_places = PhraseMatcher((p, True) for p in vocabulary.phrases["place.never"])
        self._in_scope = PhraseMatcher((p, True) for p in vocabulary.phrases["place.in_scope_phrases"])
        self._not_values = PhraseMatcher((p, True) for p in vocabulary.phrases["words.not_values"])
        self._list_cues = PhraseMatcher((p, True) for p in vocabulary.phrases["words.list_cues"])
        self._same_year = PhraseMatcher((p, True) for p in vocabulary.phrases["words.same_year"])
        self._extremes = {kind: PhraseMatcher((p, True) for p in vocabulary.phrases[f"words.{kind}"])
                          for kind in ("latest", "earliest")}
        self._interrogatives = PhraseMatcher((p, p) for p in vocabulary.phrases["words.interrogatives"])
        self._steps = PhraseMatcher(_step_phrases(kb, norm))
        self._phases = PhraseMatcher(_phase_phrases(kb, norm))
        self._terms = PhraseMatcher(_term_phrases(kb, norm))
        self._cues = {ns: PhraseMatcher(_namespace_phrases(vocabulary, ns)) for ns in CUE_NAMESPACES}
        # Typos are mended toward the words of states, steps, phases, terms and the forms' and
        # facts' cues; out-of-scope and missing-data words are read as typed.
        findable: list[PhraseMatcher[str] | PhraseMatcher[int]] = [self._states, self._cities, self._steps, self._phases, self._terms, *(self._cues[ns] for ns in SPELLED)]
        conversation = {tuple(p.split()) for phrases in vocabulary.of("followup").values() for p in phrases}
        self.speller = Speller(set().union(*(m.phrases() for m in findable)) | conversation, guard)
        self._negation = vocabulary.words("negation.words")
        self._auxiliaries = vocabulary.words("negation.auxiliaries")
        self._year_links = vocabulary.words("negation.year_links")
        self._except = PhraseMatcher((p, p) for p in vocabulary.phrases["negation.except"])
        self._as_of = vocabulary.words("words.as_of")
        self._year_numbers: dict[str, int] = vocabulary.maps["words.year_numbers"]
        self._range_starts = vocabulary.words("words.range_starts")
        self._step_words = vocabulary.words("step.words")
        self._plural_phase_words = vocabulary.words("step.plural_phase_words")
        self._plural_step_words = vocabulary.words("step.plural_words")
        self._phase_words = vocabulary.words("step.phase_words")
        self._about_phases = vocabulary.words("step.about_phases")
        self._inai_step_phrases = vocabulary.phrases["step.inai_steps"]
        self._last_words = vocabulary.words("step.last_words")
        self._ordinals: dict[str, int] = vocabulary.maps["step.ordinals"]
        self._number_words: dict[str, int] = vocabulary.maps["step.number_words"]
        self._after = vocabulary.phrases["step.after_words"]
        self._after_trailers = vocabulary.phrases["step.after_trailers"]
        self._before = vocabulary.phrases["step.before_words"]
        self._between = vocabulary.words("step.between_words")
        self._step_content = step_descriptions(kb, vocabulary)
        self._phase_content = phase_descriptions(kb, vocabulary)
        self.stopwords = vocabulary.words("words.stopwords")
        self._filler = vocabulary.words("words.filler")

    def find(self, typed: list[str]) -> Found:
        tokens = self.speller.correct(typed)
        blocked = {i for m in self._not_places.find(tokens) for i in range(m.start, m.end)}
        spans = self._find_cues(tokens)
        term_match = self._term_match(tokens, _what_is_cue(spans))
        state_matches = [m for m in self._states.find(tokens) if m.start not in blocked]
        by_city = not state_matches
        if by_city:  # a city only when no state is named
            state_matches = [m for m in self._cities.find(tokens) if m.start not in blocked]
        states = _unique(m.value for m in state_matches)
        ambiguous = () if states else self._ambiguous_states(tokens, blocked)
        cues = {namespace: _unique(name for name, _, _ in found) for namespace, found in spans.items()}
        reference = self._step_reference(tokens, bool(cues.get("form") and "step" in cues["form"]),
                                         (term_match.start, term_match.end) if term_match else None)
        return Found(
            tokens=tuple(tokens),
            states=states,
            state_spans=tuple((m.start, m.end) for m in state_matches),
            by_city=by_city and bool(state_matches),
            ambiguous_states=ambiguous,
            reference=reference,
            term=term_match.value if term_match else None,
            term_span=(term_match.start, term_match.end) if term_match else None,
            **self._dated_years(tokens),
            described_step=reference.step if reference.described else self._described(tokens),
            cues=cues,
            spans=spans,
            negated=bool(self._negation & set(tokens)),
            phases_asked=bool(self._about_phases & set(tokens)) and "pasos" not in tokens,
            asks_for_states=bool(self._list_cues.find(tokens)),
            same_year=bool(self._same_year.find(tokens)),
            extreme=next((kind for kind, matcher in self._extremes.items() if matcher.find(tokens)), None),
            interrogative=next((m.value for m in self._interrogatives.find(tokens)), None),
            foreign=sum(1 for t in tokens if len(t) > 3 and not t.isdigit() and not self.speller.knows(t)),
        )

    def _described(self, tokens: list[str]) -> int | None:
        found = self._step_content.best(tokens)
        if found is None:
            return None
        shifted = self.shifted_description(found, tokens)
        return shifted if 1 <= shifted <= STEP_COUNT else None

    def step_of_term(self, term: str) -> int | None:
        """The step a glossary term belongs to ('persona facilitadora' -> 3), when only one."""
        steps = self._kb.terms[term].steps
        return steps[0] if len(steps) == 1 else None

    def find_term(self, tokens: list[str]) -> str | None:
        match = self._term_match(self.speller.correct(tokens))
        return match.value if match else None

    def step_by_description(self, tokens: list[str]) -> int | None:
        return self._step_content.best(tokens)

    # -- cues ---------------------------------------------------------------------------------

    def _find_cues(self, tokens: list[str]) -> dict[str, tuple[tuple[str, int, int], ...]]:
        """namespace -> (name, start, end) of each phrase found. Out-of-scope and missing-data
        words inside an in-scope phrase ('presupuesto participativo') do not count, nor values
        inside the phrases of words.not_values."""
        in_scope = {i for m in self._in_scope.find(tokens) for i in range(m.start, m.end)}
        not_values = {i for m in self._not_values.find(tokens) for i in range(m.start, m.end)}
        found: dict[str, tuple[tuple[str, int, int], ...]] = {}
        for namespace, matcher in self._cues.items():
            matches = [(m.value, m.start, m.end) for m in matcher.find(tokens)]
            if namespace in ("out_of_scope", "missing"):
                matches = [m for m in matches if m[1] not in in_scope]
            elif namespace == "value":  # 'gobierno abierto' says nothing about an open installation
                matches = [m for m in matches if m[1] not in not_values]
            if matches:
                found[namespace] = tuple(matches)
        return found

    def _dated_years(self, tokens: list[str]) -> dict[str, Any]:
        """The years asked and the years to leave out («STL activos que no sean de 2015»)."""
        left_out: list[tuple[int, int]] = []
        for at, year in _asked_years(tokens, self._as_of, self._year_numbers):
            joined = bool(left_out) and left_out[-1][0] == at - 2 and tokens[at - 1] in ("y", "ni", "o")
            if joined or self._year_denied(tokens, at) or self._except.find(tokens[max(0, at - 4):at]):
                left_out.append((at, year))
        positions = {at for at, _ in left_out}
        kept = [("" if i in positions else t) for i, t in enumerate(tokens)]
        return {"year": _year(kept, self._as_of, self._year_numbers),
                "years": _years(kept, self._as_of, self._year_numbers, self._range_starts),
                "excluded_years": _unique(year for _, year in left_out)}

    def _year_denied(self, tokens: list[str], at: int) -> bool:
        """«que no sean de 2015», «no los de 2016»: a negation of the year itself, not of a verb
        before it («no firmaron en 2015» asks who had not signed by then)."""
        before = at - 1
        while before >= 0 and at - before <= 4 and tokens[before] in self._year_links:
            before -= 1
        return before >= 0 and tokens[before] in self._negation

    def negated_before(self, tokens: tuple[str, ...], start: int, reach: int = 2) -> bool:
        """'no' or 'sin' right before a phrase ('no tienen plan', 'sin stl'): within `reach`
        words, not counting the auxiliaries and pronouns in between ('no se ha instalado')."""
        counted = 0
        window = tokens[max(0, start - reach - 3):start]  # auxiliaries stretch the reach a little, not forever
        for at in range(len(window) - 1, -1, -1):
            token = window[at]
            if token in self._negation:
                return not (token == "no" and at > 0 and window[at - 1] == "o")  # «¿firmó o no?» denies nothing
            if token not in self._auxiliaries:
                counted += 1
                if counted >= reach:
                    return False
        return False

    # -- states, terms ---------------------------------------------------------------------------

    def _ambiguous_states(self, tokens: list[str], blocked: set[int]) -> tuple[str, ...]:
        for match in self._ambiguous.find(tokens):
            if match.start not in blocked:
                return tuple(match.value)
        return ()

    def _term_match(self, tokens: list[str], cue: tuple[int, int] | None = None) -> Match[str] | None:
        """The term a message is about: of a term and a narrower one ('STL' and 'STL multiactor'),
        the narrower; then the one that opens a message before 'qué es' ('instalación abierta de un
        STL, ¿qué quiere decir?'), or else the first after it ('qué es el Compromiso 13 del Plan de
        Acción Nacional'); else the longest."""
        matches = self._terms.find(tokens)
        narrowest = [m for m in matches if not any(_narrower(o.value, m.value) for o in matches)]
        if not narrowest:
            return None
        if cue is not None:
            start, end = cue
            opening = next((i for i, t in enumerate(tokens[:3]) if t not in self._filler and t not in _ARTICLES), 3)
            # 'el árbol de problemas, ¿qué es?', 'eso de estado abierto, ¿qué es?'
            before = [m for m in narrowest if m.start <= opening and m.end <= start]
            after = [m for m in narrowest if m.start >= end]
            if before or after:
                return min(before, key=lambda m: (m.start, -(m.end - m.start))) if before else min(
                    after, key=lambda m: (m.start, -(m.end - m.start)))
        return max(narrowest, key=lambda m: m.end - m.start)

    # -- steps and phases ------------------------------------------------------------------------

    def _step_reference(self, tokens: list[str], asks_which_step: bool,
                        term_span: tuple[int, int] | None = None) -> StepReference:
        """A step or phase named by number, ordinal, name or content, or as after/before a step."""
        about_phases = bool(self._about_phases & set(tokens))
        phase_number = self._numbered(tokens, self._phase_words, PHASE_COUNT) or self._ordinal_of_the_phases(tokens)
        if phase_number is not None:
            number, start = phase_number
            return _checked(StepReference(phase=number, explicit=True, start=start, end=start + 2), PHASE_COUNT)
        step_number = self._numbered(tokens, self._step_words, STEP_COUNT) or self._standalone_ordinal(
            tokens, PHASE_COUNT if about_phases else STEP_COUNT)
        if step_number is not None and about_phases and step_number[0] <= PHASE_COUNT and self._inai_steps(tokens):
            number, start = step_number  # 'el paso 3 de los 6 pasos básicos del INAI' is a phase
            return StepReference(phase=number, explicit=True, start=start, end=start + 2)
        if step_number is not None:
            number, start = step_number
            shifted = self._shifted(number, start, tokens, start + 2)
            return _checked(StepReference(step=shifted, explicit=True, start=start, end=start + 2), STEP_COUNT)
        named_phase = self._phases.find(tokens)
        named_step = self._steps.find(tokens)
        if named_phase and (about_phases or not named_step):
            match = named_phase[0]
            shifted = self._shifted(match.value, match.start, tokens, match.end)  # «la fase posterior a las mesas»
            return _checked(StepReference(phase=shifted, start=match.start, end=match.end), PHASE_COUNT)
        if term_span is not None and not self._step_words & set(tokens) and not self._moves_along(tokens):
            # 'la declaratoria' names a glossary term; it names step 1 only with 'paso' or 'etapa',
            # or with 'después de… qué sigue' («después de las mesas de cocreación, ¿qué sigue?»)
            named_step = [m for m in named_step if (m.start, m.end) != term_span]
        between = self._between_steps(named_step, tokens)
        if between is not None:
            return StepReference(step=between)
        if named_step:
            match = max(named_step, key=lambda m: m.end - m.start)
            number = self._shifted(match.value, match.start, tokens, match.end)
            return _checked(StepReference(step=number, start=match.start, end=match.end), STEP_COUNT)
        if self._phase_words & set(tokens) or about_phases and self._inai_steps(tokens):
            found = self._phase_content.best(tokens)
            if found:
                shifted = self.shifted_description(found, tokens)
                return _checked(StepReference(phase=shifted, described=True), PHASE_COUNT)
        if asks_which_step or self._step_words & set(tokens):
            found = self._step_content.best(tokens)
            if found:
                return _checked(StepReference(step=self.shifted_description(found, tokens), described=True), STEP_COUNT)
        return StepReference()

    def _moves_along(self, tokens: list[str]) -> bool:
        padded = f" {' '.join(tokens)} "
        return any(f" {w} " in padded for w in (*self._after, *self._after_trailers, *self._before))

    def shifted_description(self, number: int, tokens: list[str]) -> int:
        """'lo que va después del árbol': the step after the one described."""
        padded = f" {' '.join(tokens)} "
        return self._shift(number, padded, padded)

    def names_steps(self, tokens: list[str]) -> bool:
        return bool(self._step_words & set(tokens))

    def names_the_steps(self, tokens: list[str]) -> bool:
        """'pasos', 'etapas': the steps as a whole."""
        return bool(self._plural_step_words & set(tokens))

    def _inai_steps(self, tokens: list[str]) -> bool:
        """INAI called its phases 'pasos básicos': the question is about them, not the 13 steps."""
        padded = f" {' '.join(tokens)} "
        return "inai" in tokens or any(f" {p} " in padded for p in self._inai_step_phrases)

    def _numbered(self, tokens: list[str], words: frozenset[str], last: int) -> tuple[int, int] | None:
        """(number, where the reference starts) for 'paso 6', 'paso numero seis', 'sexto paso',
        '6to paso', 'el paso sexto', 'la última fase'."""
        for i, token in enumerate(tokens):
            if token not in words:
                continue
            after = tokens[i + 1:i + 3]
            if after and after[0] in ("numero", "no", "n"):
                after = after[1:]
            value = self._number_value(after, last) if after else None
            if value is not None:
                return value, i
            if i > 0 and (value := self._ordinal_before(tokens, i, last)) is not None:
                return value, i - 1
        return None

    def _standalone_ordinal(self, tokens: list[str], last: int) -> tuple[int, int] | None:
        """'explícame el octavo', 'y el noveno?': an ordinal that ends a short question; 'el
        primero de los 13 pasos', 'el último de los pasos': an ordinal before the steps named in plural."""
        if tokens and tokens[-1] in self._ordinals and tokens[-1] not in ("primer", "tercer") and len(tokens) <= 4:
            return self._ordinals[tokens[-1]], len(tokens) - 1
        for i, token in enumerate(tokens):
            if not any(t in self._plural_step_words for t in tokens[i + 1:i + 5]):
                continue
            if token in self._ordinals:
                return self._ordinals[token], i
            if token in self._last_words:
                return last, i
        return None

    def _ordinal_of_the_phases(self, tokens: list[str]) -> tuple[int, int] | None:
        """«la tercera de las 6 fases», «de las fases del INAI, ¿cuál es la quinta?», «la última
        de las fases»: an ordinal said with the phases in plural, before or after them."""
        plural = [i for i, t in enumerate(tokens) if t in self._plural_phase_words]
        if not plural:
            return None
        for i, token in enumerate(tokens):
            near = any(0 < p - i <= 4 for p in plural) or i > plural[0] and tokens[i - 1] in ("la", "el")
            if not near:
                continue
            if token in self._ordinals and self._ordinals[token] <= PHASE_COUNT:
                return self._ordinals[token], i
            if token.isdigit() and 1 <= int(token) <= PHASE_COUNT and i > 0 and tokens[i - 1] in ("la", "el"):
                return int(token), i  # «las fases del INAI, ¿la 5 cuál es?»
            if token in self._last_words:
                return PHASE_COUNT, i
        return None

    def _between_steps(self, named: list[Match[int]], tokens: list[str]) -> int | None:
        """«¿qué paso va entre el árbol y los talleres?»: the step between two named ones."""
        numbers = sorted({m.value for m in named})
        if len(numbers) != 2 or not self._between & set(tokens) or numbers[1] - numbers[0] < 2:
            return None
        return numbers[0] + 1

    def _number_value(self, words: list[str], last: int) -> int | None:
        first = words[0]
        if _NUMBER.match(first):
            return int(first)
        if first in self._last_words:
            return last
        two = " ".join(words[:2])
        if two in self._ordinals:
            return self._ordinals[two]
        return self._number_words.get(first, self._ordinals.get(first))

    def _ordinal_before(self, tokens: list[str], index: int, last: int) -> int | None:
        two = " ".join(tokens[max(0, index - 2):index])
        if two in self._ordinals:
            return self._ordinals[two]
        previous = tokens[index - 1]
        if previous in self._last_words:
            return last
        return self._ordinals.get(previous)

    def _shifted(self, number: int, start: int, tokens: list[str], end: int) -> int:
        """The step after or before the one named: 'después de instalar el secretariado' is 5, and
        so is 'instalado el secretariado, ¿qué sigue?'."""
        after = tokens[end:end + 5] + ["."] + tokens[max(end, len(tokens) - 3):]  # «…la encuesta a la gente, ¿ahora qué sigue?»
        return self._shift(number, f" {' '.join(tokens[max(0, start - 5):start])} ", f" {' '.join(after)} ")

    def _shift(self, number: int, before: str, after: str) -> int:
        """One more when 'después de' comes before or 'qué sigue' after; one less for 'antes de'."""
        if any(f" {w} " in before for w in self._after) or any(f" {w} " in after for w in self._after_trailers):
            return number + 1
        if any(f" {w} " in before for w in self._before):
            return number - 1
        return number


PHRASE_WEIGHT = 3.0  # an everyday phrase of a step found whole, against the sum of its words' rarities


class Descriptions:
    """Which step (or phase) a question describes ('en qué paso se le pregunta a la gente…'), by
    the words it shares with each one's texts: 5-letter stems, weighted by how rare they are
    across them and how often each uses them."""

    def __init__(self, texts: dict[int, str], stopwords: frozenset[str], phrases: dict[int, tuple[str, ...]] | None = None):
        self._stopwords = stopwords
        self._counts = {number: Counter(self.stems(fold(text).split())) for number, text in texts.items()}
        frequency = Counter(stem for counts in self._counts.values() for stem in counts)
        self._rarity = {stem: math.log(1 + len(self._counts) / n) for stem, n in frequency.items()}
        # Everyday phrases of several words say more than their words apart ('sale el plan').
        self._phrases = {number: tuple(f" {p} " for p in found if " " in p) for number, found in (phrases or {}).items()}

    def stems(self, tokens: Iterable[str]) -> list[str]:
        return [t[:_STEM_CHARS] for t in tokens if len(t) > 3 and t not in self._stopwords]

    def best(self, tokens: list[str]) -> int | None:
        question = set(self.stems(tokens))
        padded = f" {' '.join(tokens)} "
        scores = {
            number: sum(self._rarity[s] * (1 + math.log(counts[s])) for s in question if s in counts)
            + PHRASE_WEIGHT * sum(1 for p in self._phrases.get(number, ()) if p in padded)
            for number, counts in self._counts.items()
        }
        (best, top), (_, second) = sorted(scores.items(), key=lambda item: -item[1])[:2]
        return best if top >= 1.5 and top > second * 1.15 else None


def step_descriptions(kb: KnowledgeBase, vocabulary: Vocabulary) -> Descriptions:
    """Each step's name, gloss, description, aliases, evidence, the definitions of the glossary
    terms that belong to it alone, and the vocabulary's everyday words for it."""
    everyday = vocabulary.of("step_description")
    texts = {}
    for number, step in kb.steps.items():
        own_terms = [t.definition for t in kb.terms.values() if t.steps == [number]]
        texts[number] = " ".join((step.name, step.gloss, step.what, *step.aliases, *step.evidence, *own_terms,
                                  *everyday.get(str(number), ())))
    phrases = {number: everyday.get(str(number), ()) for number in kb.steps}
    return Descriptions(texts, vocabulary.words("words.stopwords"), phrases)


def phase_descriptions(kb: KnowledgeBase, vocabulary: Vocabulary) -> Descriptions:
    texts = {number: " ".join((phase.name, phase.what, *phase.aliases)) for number, phase in kb.phases.items()}
    return Descriptions(texts, vocabulary.words("words.stopwords"))


# -- building the phrase tables --------------------------------------------------------------


def _narrower(term: str, than: str) -> bool:
    """'stl-multiactor' is narrower than 'stl'; 'compromiso-13' than 'compromiso'."""
    return term != than and term.startswith(than.rstrip("s"))


def _what_is_cue(spans: dict[str, tuple[tuple[str, int, int], ...]]) -> tuple[int, int] | None:
    """Where the first 'qué es', 'qué significa'… is, if the message has one."""
    cues = [(start, end) for name, start, end in spans.get("form", ()) if name == "what_is"]
    return min(cues) if cues else None


_ARTICLES = frozenset(("de", "del", "el", "la", "los", "las", "lo", "y", "e"))


def _unique(values: Iterable[T]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(values))


def _year(tokens: list[str], as_of: frozenset[str], year_numbers: dict[str, int]) -> int | None:
    """The year a question asks about, in digits or words ('dos mil dieciséis'); not the date it
    is asked as of ('según el NOSC 2019', 'a finales de 2019')."""
    return next((year for _, year in _asked_years(tokens, as_of, year_numbers)), None)


def _years(tokens: list[str], as_of: frozenset[str], year_numbers: dict[str, int],
           range_starts: frozenset[str]) -> tuple[int, ...]:
    """Several years asked: 'en 2016 y 2017', 'entre 2017 y 2019' (every year of the range)."""
    found = list(_asked_years(tokens, as_of, year_numbers))
    if len(found) != 2:
        return tuple(dict.fromkeys(year for _, year in found)) if len(found) > 2 else ()
    (first_at, first), (_, second) = found
    if first < second and first_at > 0 and tokens[first_at - 1] in range_starts:
        return tuple(range(first, second + 1))
    return (first, second) if first != second else ()


def _asked_years(tokens: list[str], as_of: frozenset[str], year_numbers: dict[str, int]) -> Iterator[tuple[int, int]]:
    for i, token in enumerate(tokens):
        year = int(token) if _YEAR.match(token) else None
        if year is None and _SHORT_YEAR.match(token) and i > 0 and tokens[i - 1] in ("el", "del"):
            year = 2000 + int(token)  # 'firmó en el 16', 'los del 15'
        if token == "mil" and 0 < i < len(tokens) - 1 and tokens[i - 1] == "dos" and tokens[i + 1] in year_numbers:
            year = 2000 + year_numbers[tokens[i + 1]]
        if year is not None and not as_of & set(tokens[max(0, i - 3):i]):
            yield i, year


def _namespace_phrases(vocabulary: Vocabulary, namespace: str) -> Iterator[tuple[str, str]]:
    for name, phrases in vocabulary.of(namespace).items():
        for phrase in phrases:
            yield phrase, name


def _state_phrases(kb: KnowledgeBase, norm: Callable[[str], str], cities: bool = False) -> Iterator[tuple[str, str]]:
    """The names people give each state (its cities, when `cities`)."""
    for slug, state in kb.states.items():
        names = state.cities if cities else [state.name, slug.replace("-", " "), *state.aliases]
        if state.official_name and not cities:
            names.append(state.official_name)
        for name in names:
            yield norm(name), slug
            if " " in norm(name):  # 'quintanaroo', 'nuevoleon': typed without the space
                yield norm(name).replace(" ", ""), slug
            if norm(name).startswith("h"):  # the h is silent: 'idalgo'
                yield norm(name)[1:], slug


def _step_phrases(kb: KnowledgeBase, norm: Callable[[str], str]) -> Iterator[tuple[str, int]]:
    for number, step in kb.steps.items():
        for phrase in (step.name, *step.aliases):
            yield norm(phrase), number


def _phase_phrases(kb: KnowledgeBase, norm: Callable[[str], str]) -> Iterator[tuple[str, int]]:
    for number, phase in kb.phases.items():
        for phrase in (phase.name, *phase.aliases):
            yield norm(phrase), number


def _term_phrases(kb: KnowledgeBase, norm: Callable[[str], str]) -> Iterator[tuple[str, str]]:
    for term_id, term in kb.terms.items():
        for phrase in (term.term, *term.aliases):
            yield norm(phrase), term_id
            without_parenthesis = norm(re.sub(r"\(.*?\)", "", phrase))
            if without_parenthesis:
                yield without_parenthesis, term_id


def _known_words(kb: KnowledgeBase, vocabulary: Vocabulary) -> frozenset[str]:
    """Words that are spelled right: never read as a typo of something else."""
    words: set[str] = set(vocabulary.words("words.near_misses")) | set(vocabulary.words("words.common"))
    texts: list[str] = []
    for term in kb.terms.values():
        texts += [term.term, term.definition, *term.aliases]
    for state in kb.states.values():
        texts += [state.name, *state.aliases, *(p.text for p in state.particularities)]
    for step in kb.steps.values():
        texts += [step.name, step.gloss, step.what, *step.aliases]
    for phase in kb.phases.values():
        texts += [phase.name, phase.what, *phase.aliases]
    for namespace in CUE_NAMESPACES:
        texts += [p for phrases in vocabulary.of(namespace).values() for p in phrases]
    for text in texts:
        words.update(fold(text).split())
    return frozenset(words)


def _checked(reference: StepReference, top: int) -> StepReference:
    number = reference.step if reference.step is not None else reference.phase
    if number is None or 1 <= number <= top:
        return reference
    return replace(reference, step=None, phase=None, bad_number=number)
