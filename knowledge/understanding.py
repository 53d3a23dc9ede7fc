"""Understanding a question: which state, step, phase or term it names, and what it asks
(the intent). Pure and fast: an Understander is built once from the knowledge base."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge import lexicon
from knowledge.matching import PhraseMatcher
from knowledge.models import PHASE_COUNT, STEP_COUNT, KnowledgeBase
from knowledge.text import fold, normalize

INTENTS: tuple[str, ...] = (
    "state_status", "step", "steps_overview", "glossary", "figures", "convocatorias", "documents",
    "subscribe_help", "how_to_participate", "greeting", "help", "out_of_scope",
)

_NUMBER = re.compile(r"^\d{1,3}$")


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
        self._cues = PhraseMatcher(_cue_phrases(), guard - _cue_words())
        self._in_scope = PhraseMatcher(((p, True) for p in lexicon.IN_SCOPE_PHRASES), fuzzy=False)

    def understand(self, question: str) -> Understanding:
        text = normalize(question)
        tokens = text.split()
        blocked = {i for m in self._not_places.find(tokens) for i in range(m.start, m.end)}
        states = _unique(m.value for m in self._states.find(tokens) if m.start not in blocked)
        ambiguous = () if states else self._ambiguous_states(tokens, blocked)
        step, phase, bad_number = self._step_reference(tokens)
        term = self._term(tokens)
        cues = frozenset(m.value for m in self._cues.find(tokens))
        intent = self._intent(text, cues, states or ambiguous, step, phase, term, bad_number, tokens)
        return Understanding(text, intent, states, ambiguous, step, phase, term, bad_number, cues)

    def find_term(self, text: str) -> str | None:
        return self._term(normalize(text).split())

    # -- entities --------------------------------------------------------------------------

    def _ambiguous_states(self, tokens: list[str], blocked: set[int]) -> tuple[str, ...]:
        for match in self._ambiguous.find(tokens, fuzzy=False):
            if match.start not in blocked:
                return match.value
        return ()

    def _term(self, tokens: list[str]) -> str | None:
        matches = self._terms.find(tokens)
        if not matches:
            return None
        return max(matches, key=lambda m: (m.exact, m.end - m.start)).value

    def _step_reference(self, tokens: list[str]) -> tuple[int | None, int | None, int | None]:
        """(step, phase, bad number) named by number, ordinal, name, or as after/before a step."""
        phase = _numbered(tokens, lexicon.PHASE_WORDS)
        if phase is not None:
            number = phase[0]
            return (None, number, None) if 1 <= number <= PHASE_COUNT else (None, None, number)
        numbered = _numbered(tokens, lexicon.STEP_WORDS)
        named = self._steps.find(tokens)
        if numbered is not None:
            number = _shifted(*numbered, tokens)
        elif named:
            number = _shifted(named[0].value, named[0].start, tokens)
        elif (phases := self._phases.find(tokens)):
            return None, phases[0].value, None
        else:
            return None, None, None
        return (number, None, None) if 1 <= number <= STEP_COUNT else (None, None, number)

    # -- intent ----------------------------------------------------------------------------

    def _intent(self, text, cues, states, step, phase, term, bad_number, tokens) -> str:
        has = cues.__contains__
        if not tokens:
            return "help"
        if has("out_of_scope") and not self._in_scope.find(tokens, fuzzy=False):
            return "out_of_scope"
        if has("subscribe_help"):
            return "subscribe_help"
        asks_meaning = has("glossary") and term is not None and not states
        if has("convocatorias") and not (asks_meaning and term == "convocatoria"):
            return "convocatorias"
        if has("documents") and not asks_meaning:
            return "documents"
        if has("how_to_participate") and not asks_meaning:
            return "how_to_participate"
        if has("figures") and not (states and _asks_progress(text)):
            return "figures"
        if states:
            return "state_status"
        if asks_meaning and not (step and _mentions_step_word(tokens)):
            return "glossary"
        if step is not None or phase is not None or bad_number is not None:
            return "step"
        if has("steps_overview"):
            return "steps_overview"
        if term is not None:
            return "glossary"
        if has("help"):
            return "help"
        if has("greeting"):
            return "greeting"
        if has("state_status"):
            return "state_status"
        return "out_of_scope"


# -- building the phrase tables --------------------------------------------------------------


def _unique(values) -> tuple:
    return tuple(dict.fromkeys(values))


def _state_phrases(kb: KnowledgeBase):
    for slug, state in kb.states.items():
        names = [state.name, slug.replace("-", " "), *(state.aliases)]
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


def _cue_words() -> frozenset[str]:
    return frozenset(word for phrases in lexicon.INTENT_CUES.values() for p in phrases for word in p.split())


def _known_words(kb: KnowledgeBase) -> frozenset[str]:
    """Words that are spelled right: never read as a typo of something else."""
    words: set[str] = set(lexicon.NEAR_MISS_WORDS) | set(lexicon.COMMON_WORDS)
    for term in kb.terms.values():
        words.update(fold(term.definition).split())
    for state in kb.states.values():
        for particularity in state.particularities:
            words.update(fold(particularity.text).split())
    for step in kb.steps.values():
        words.update(fold(step.what).split())
    words.update(_cue_words())
    return frozenset(words)


def _numbered(tokens: list[str], words: tuple[str, ...]) -> tuple[int, int] | None:
    """(number, where the reference starts) for 'paso 6', 'paso numero seis', 'sexto paso',
    '6to paso', 'el paso sexto'."""
    for i, token in enumerate(tokens):
        if token not in words:
            continue
        after = tokens[i + 1:i + 3]
        if after and after[0] in ("numero", "no", "n"):
            after = after[1:]
        value = _number_value(after) if after else None
        if value is not None:
            return value, i
        if i > 0 and (value := _ordinal_before(tokens, i)) is not None:
            return value, i - 1
    return None


def _shifted(number: int, start: int, tokens: list[str]) -> int:
    """The step after or before the one named: 'después de instalar el secretariado' is 5."""
    before = f" {' '.join(tokens[max(0, start - 3):start])} "
    if any(f" {word} " in before for word in lexicon.AFTER_WORDS):
        return number + 1
    if any(f" {word} " in before for word in lexicon.BEFORE_WORDS):
        return number - 1
    return number


def _number_value(words: list[str]) -> int | None:
    first = words[0]
    if _NUMBER.match(first):
        return int(first)
    two = " ".join(words[:2])
    if two in lexicon.ORDINALS:
        return lexicon.ORDINALS[two]
    return lexicon.NUMBER_WORDS.get(first, lexicon.ORDINALS.get(first))


def _ordinal_before(tokens: list[str], index: int) -> int | None:
    two = " ".join(tokens[max(0, index - 2):index])
    if two in lexicon.ORDINALS:
        return lexicon.ORDINALS[two]
    previous = tokens[index - 1]
    if previous in lexicon.ORDINALS:
        return lexicon.ORDINALS[previous]
    return None


def _asks_progress(text: str) -> bool:
    return any(cue in text for cue in lexicon.STATE_PROGRESS_CUES)


def _mentions_step_word(tokens: list[str]) -> bool:
    return any(token in lexicon.STEP_WORDS for token in tokens)
