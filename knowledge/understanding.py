"""Understanding a question: which state, step, phase or term it names, and what it asks
(the intent). Pure and fast: an Understander is built once from the knowledge base.

The intent comes from ordered rules over cue words (knowledge/lexicon.py) and the entities
found; the order is tuned on the labelled set in tests/eval/."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from knowledge import lexicon
from knowledge.matching import Match, PhraseMatcher
from knowledge.models import PHASE_COUNT, STEP_COUNT, KnowledgeBase
from knowledge.text import fold, normalize

INTENTS: tuple[str, ...] = (
    "state_status", "step", "steps_overview", "glossary", "figures", "convocatorias", "documents",
    "subscribe_help", "how_to_participate", "greeting", "help", "out_of_scope",
)

_NUMBER = re.compile(r"^\d{1,3}$")
_STEM_CHARS = 5


@dataclass(frozen=True)
class Understanding:
    text: str  # normalized
    intent: str
    states: tuple[str, ...] = ()  # slugs, in the order named
    ambiguous_states: tuple[str, ...] = ()  # slugs to choose from, when a place word fits several
    step: int | None = None
    phase: int | None = None
    term: str | None = None
    bad_number: int | None = None  # "paso 14": a step or phase that does not exist
    cues: frozenset[str] = field(default_factory=frozenset)

    @property
    def state(self) -> str | None:
        return self.states[0] if self.states else None


@dataclass(frozen=True)
class StepReference:
    step: int | None = None
    phase: int | None = None
    bad_number: int | None = None
    explicit: bool = False  # by number or ordinal, not by a name
    length: int = 0  # words of the name that matched


class Understander:
    def __init__(self, kb: KnowledgeBase):
        self._kb = kb
        guard = _known_words(kb)
        self._states = PhraseMatcher(_state_phrases(kb), guard)
        self._ambiguous = PhraseMatcher(lexicon.AMBIGUOUS_PLACES.items(), fuzzy=False)
        self._not_places = PhraseMatcher(((p, True) for p in lexicon.NOT_A_PLACE), fuzzy=False)
        self._steps = PhraseMatcher(_step_phrases(kb), guard)
        self._phases = PhraseMatcher(_phase_phrases(kb), guard)
        self._terms = PhraseMatcher(_term_phrases(kb), guard)
        self._cues = PhraseMatcher(_cue_phrases(), guard)
        self._in_scope = PhraseMatcher(((p, True) for p in lexicon.IN_SCOPE_PHRASES), fuzzy=False)
        self._step_content = StepContent(kb)
        self._term_steps = {term_id: term.steps for term_id, term in kb.terms.items()}

    def understand(self, question: str) -> Understanding:
        text = normalize(question)
        tokens = text.split()
        blocked = {i for m in self._not_places.find(tokens) for i in range(m.start, m.end)}
        term_match = self._term_match(tokens)
        if term_match:  # "la Glosa Ciudadana (Quintana Roo)" names a term, not the state
            blocked.update(range(term_match.start, term_match.end))
        states = _unique(m.value for m in self._states.find(tokens) if m.start not in blocked)
        ambiguous = () if states else self._ambiguous_states(tokens, blocked)
        reference = self._step_reference(tokens, text)
        cues = self._cue_intents(tokens)
        u = Understanding(
            text, "", states, ambiguous, reference.step, reference.phase,
            term_match.value if term_match else None, reference.bad_number, cues,
        )
        intent = self._intent(u, tokens, reference, term_match)
        return self._scoped(replace(u, intent=intent), tokens)

    def _cue_intents(self, tokens: list[str]) -> frozenset[str]:
        """The intents whose cue words appear, not counting words inside an in-scope phrase
        ("presupuesto participativo" is not a question about budgets)."""
        in_scope = {i for m in self._in_scope.find(tokens, fuzzy=False) for i in range(m.start, m.end)}
        return frozenset(m.value for m in self._cues.find(tokens) if m.start not in in_scope)

    def find_term(self, text: str) -> str | None:
        match = self._term_match(normalize(text).split())
        return match.value if match else None

    # -- entities --------------------------------------------------------------------------

    def _ambiguous_states(self, tokens: list[str], blocked: set[int]) -> tuple[str, ...]:
        for match in self._ambiguous.find(tokens, fuzzy=False):
            if match.start not in blocked:
                return match.value
        return ()

    def _term_match(self, tokens: list[str]) -> Match[str] | None:
        matches = self._terms.find(tokens)
        if not matches:
            return None
        return max(matches, key=lambda m: (m.exact, m.end - m.start))

    def _step_reference(self, tokens: list[str], text: str) -> StepReference:
        """A step or phase named by number, ordinal, name or content, or as after/before a step."""
        about_phases = bool({"fase", "fases", "inai"} & set(tokens))
        phase_number = _numbered(tokens, lexicon.PHASE_WORDS, PHASE_COUNT)
        if phase_number is not None:
            return _checked(StepReference(phase=phase_number[0], explicit=True), PHASE_COUNT)
        step_number = _numbered(tokens, lexicon.STEP_WORDS, STEP_COUNT) or _standalone_ordinal(tokens)
        if step_number is not None:
            return _checked(StepReference(step=_shifted(*step_number, tokens), explicit=True), STEP_COUNT)
        named_phase = self._phases.find(tokens)
        named_step = self._steps.find(tokens)
        if named_phase and (about_phases or not named_step):
            match = named_phase[0]
            return StepReference(phase=match.value, length=match.end - match.start)
        if named_step:
            match = max(named_step, key=lambda m: m.end - m.start)
            number = _shifted(match.value, match.start, tokens, match.end)
            return _checked(StepReference(step=number, length=match.end - match.start), STEP_COUNT)
        if any(cue in text for cue in lexicon.WHICH_STEP_CUES):
            found = self._step_content.best(tokens)
            if found:
                return StepReference(step=found)
        return StepReference()

    # -- intent ----------------------------------------------------------------------------

    def _intent(self, u: Understanding, tokens: list[str], ref: StepReference, term: Match | None) -> str:
        has = u.cues.__contains__
        words = set(tokens)
        place = u.states or u.ambiguous_states
        if not tokens:
            return "help"
        if has("out_of_scope"):
            return "out_of_scope"
        if has("subscribe_help"):
            return "subscribe_help"
        term_is_longer = term is not None and term.end - term.start > ref.length
        asks_meaning = has("glossary") and term is not None and not place and (term_is_longer or not ref.explicit)
        names_step = (ref.step or ref.phase or ref.bad_number) is not None
        about_phases = ref.phase is not None and bool(words & {"fase", "inai"})
        if names_step and not place and (about_phases or ref.explicit or (_mentions(words, lexicon.STEP_WORDS + lexicon.PHASE_WORDS) and not asks_meaning)):
            return "step"
        counted = _counted_noun(tokens)
        if counted and not place and counted not in ("convocatoria", "convocatorias", "documento", "documentos"):
            return "steps_overview" if counted in ("pasos", "etapas", "fases") else "figures"
        if has("steps_overview_strong") and not place and not asks_meaning and ref.length < 2:
            return "steps_overview"
        if has("convocatorias") and not (asks_meaning and u.term == "convocatoria"):
            if not (place and words & lexicon.PAST_TENSE):
                return "convocatorias"
        if has("documents") and not asks_meaning:
            return "documents"
        if has("how_to_participate") and not asks_meaning:
            return "how_to_participate"
        if has("figures") and not place:
            return "figures"
        if place:
            return "state_status"
        if asks_meaning and not (ref.length > (term.end - term.start)):
            return "glossary"
        if names_step:
            return "step"
        if has("steps_overview") and (term is None or term.value in ("cocreacion-desde-lo-local", "estrategia")):
            return "steps_overview"
        if term is not None:
            return "glossary"
        if has("steps_overview") or has("steps_overview_strong"):
            return "steps_overview"
        for intent in ("help", "greeting", "state_status"):
            if has(intent):
                return intent
        return "out_of_scope"

    def _scoped(self, u: Understanding, tokens: list[str]) -> Understanding:
        """Keep the entities that matter to the intent, so that answers and --json agree."""
        intent = u.intent
        if intent == "glossary":
            return replace(u, step=None, phase=None, bad_number=None)
        if intent == "step":
            return replace(u, term=None)
        if intent == "state_status":
            step = u.step if u.step not in (1, 11) or _explicit_step(tokens) else None
            if step is None and "convocatoria" in tokens:
                step = self._convocatoria_step(u)
            return replace(u, step=step, phase=None, term=None)
        if intent == "convocatorias":
            return replace(u, step=self._convocatoria_step(u), phase=None, term=None)
        if intent == "documents":
            step = u.step or lexicon.DOCUMENT_TERM_STEPS.get(u.term or "")
            return replace(u, step=step, phase=None, term=None)
        return replace(u, step=None, phase=None, term=None, bad_number=None)

    def _convocatoria_step(self, u: Understanding) -> int | None:
        """Which call: to form the STL (2), for the facilitator (3), for the co-creation tables (7)."""
        convocatoria_steps = {n for n, s in self._kb.steps.items() if s.is_convocatoria}
        if u.step in convocatoria_steps:
            return u.step
        if u.step in (9, 10):  # the tables themselves: their call is step 7
            return 7
        if u.term not in (None, "convocatoria"):
            for step in self._term_steps.get(u.term, ()):
                if step in convocatoria_steps:
                    return step
        words = set(u.text.split())
        if words & {"stl", "secretariado"}:
            return 2
        return None


class StepContent:
    """Which step a question describes ('en qué paso se le pregunta a la gente…'), by the words
    it shares with each step's name, gloss, description and aliases: 5-letter stems, weighted by
    how rare they are across steps and how often the step uses them."""

    def __init__(self, kb: KnowledgeBase):
        self._counts: dict[int, Counter] = {}
        for number, step in kb.steps.items():
            text = " ".join((step.name, step.gloss, step.what, " ".join(step.aliases)))
            self._counts[number] = Counter(_stems(fold(text).split()))
        frequency = Counter(stem for counts in self._counts.values() for stem in counts)
        self._rarity = {stem: math.log(1 + len(self._counts) / n) for stem, n in frequency.items()}

    def best(self, tokens: list[str]) -> int | None:
        question = set(_stems(tokens))
        scores = {
            number: sum(self._rarity[s] * (1 + math.log(counts[s])) for s in question if s in counts)
            for number, counts in self._counts.items()
        }
        (best, top), (_, second) = sorted(scores.items(), key=lambda item: -item[1])[:2]
        return best if top >= 1.5 and top > second * 1.15 else None


# -- building the phrase tables --------------------------------------------------------------


def _unique(values) -> tuple:
    return tuple(dict.fromkeys(values))


def _state_phrases(kb: KnowledgeBase):
    for slug, state in kb.states.items():
        names = [state.name, slug.replace("-", " "), *state.aliases]
        if state.official_name:
            names.append(state.official_name)
        for name in names:
            yield fold(name), slug


def _step_phrases(kb: KnowledgeBase):
    for number, step in kb.steps.items():
        for phrase in (step.name, *step.aliases):
            yield fold(phrase), number


def _phase_phrases(kb: KnowledgeBase):
    for number, phase in kb.phases.items():
        for phrase in (phase.name, *phase.aliases):
            yield fold(phrase), number


def _term_phrases(kb: KnowledgeBase):
    for term_id, term in kb.terms.items():
        for phrase in (term.term, *term.aliases):
            yield fold(phrase), term_id
            without_parenthesis = fold(re.sub(r"\(.*?\)", "", phrase))
            if without_parenthesis:
                yield without_parenthesis, term_id


def _cue_phrases():
    for intent, phrases in lexicon.INTENT_CUES.items():
        for phrase in phrases:
            yield phrase, intent


def _known_words(kb: KnowledgeBase) -> frozenset[str]:
    """Words that are spelled right: never read as a typo of something else."""
    words: set[str] = set(lexicon.NEAR_MISS_WORDS) | set(lexicon.COMMON_WORDS)
    texts: list[str] = []
    for term in kb.terms.values():
        texts += [term.term, term.definition, *term.aliases]
    for state in kb.states.values():
        texts += [state.name, *state.aliases, *(p.text for p in state.particularities)]
    for step in kb.steps.values():
        texts += [step.name, step.gloss, step.what, *step.aliases]
    for phase in kb.phases.values():
        texts += [phase.name, phase.what, *phase.aliases]
    texts += [p for phrases in lexicon.INTENT_CUES.values() for p in phrases]
    for text in texts:
        words.update(fold(text).split())
    return frozenset(words)


def _stems(tokens) -> list[str]:
    return [t[:_STEM_CHARS] for t in tokens if len(t) > 3 and t not in lexicon.STOPWORDS]


def _numbered(tokens: list[str], words: tuple[str, ...], last: int) -> tuple[int, int] | None:
    """(number, where the reference starts) for 'paso 6', 'paso numero seis', 'sexto paso',
    '6to paso', 'el paso sexto', 'la última fase'."""
    for i, token in enumerate(tokens):
        if token not in words:
            continue
        after = tokens[i + 1:i + 3]
        if after and after[0] in ("numero", "no", "n"):
            after = after[1:]
        value = _number_value(after, last) if after else None
        if value is not None:
            return value, i
        if i > 0 and (value := _ordinal_before(tokens, i, last)) is not None:
            return value, i - 1
    return None


def _standalone_ordinal(tokens: list[str]) -> tuple[int, int] | None:
    """'explícame el octavo', 'y el noveno?': an ordinal that ends the question."""
    if tokens and tokens[-1] in lexicon.ORDINALS and tokens[-1] not in ("primer", "tercer") and len(tokens) <= 4:
        return lexicon.ORDINALS[tokens[-1]], len(tokens) - 1
    return None


def _number_value(words: list[str], last: int) -> int | None:
    first = words[0]
    if _NUMBER.match(first):
        return int(first)
    if first in lexicon.LAST_WORDS:
        return last
    two = " ".join(words[:2])
    if two in lexicon.ORDINALS:
        return lexicon.ORDINALS[two]
    return lexicon.NUMBER_WORDS.get(first, lexicon.ORDINALS.get(first))


def _ordinal_before(tokens: list[str], index: int, last: int) -> int | None:
    two = " ".join(tokens[max(0, index - 2):index])
    if two in lexicon.ORDINALS:
        return lexicon.ORDINALS[two]
    previous = tokens[index - 1]
    if previous in lexicon.LAST_WORDS:
        return last
    return lexicon.ORDINALS.get(previous)


def _shifted(number: int, start: int, tokens: list[str], end: int | None = None) -> int:
    """The step after or before the one named: 'después de instalar el secretariado' is 5, and
    so is 'instalado el secretariado, ¿qué sigue?'."""
    before = f" {' '.join(tokens[max(0, start - 3):start])} "
    after = f" {' '.join(tokens[end:end + 3])} " if end is not None else ""
    if any(f" {word} " in before for word in lexicon.AFTER_WORDS) or any(f" {word} " in after for word in lexicon.AFTER_TRAILERS):
        return number + 1
    if any(f" {word} " in before for word in lexicon.BEFORE_WORDS):
        return number - 1
    return number


def _checked(reference: StepReference, top: int) -> StepReference:
    number = reference.step if reference.step is not None else reference.phase
    if number is None or 1 <= number <= top:
        return reference
    return replace(reference, step=None, phase=None, bad_number=number)


def _counted_noun(tokens: list[str]) -> str | None:
    """What 'cuántos …' or 'qué estados …' counts: 'cuantos stl hay' -> 'stl'."""
    for i, token in enumerate(tokens[:-1]):
        if token in ("cuantos", "cuantas"):
            return tokens[i + 1]
        if token in ("que", "cuales") and tokens[i + 1] in ("estados", "entidades"):
            return tokens[i + 1]
    return None


def _mentions(words: set[str], vocabulary: tuple[str, ...]) -> bool:
    return bool(words & set(vocabulary))


def _explicit_step(tokens: list[str]) -> bool:
    return _numbered(tokens, lexicon.STEP_WORDS, STEP_COUNT) is not None
