"""A chat's short memory and the follow-ups resolved against it: «¿y Zacatecas?», «¿y su plan?»,
«¿y el que sigue?», «¿cuáles?» after a count, «¿y en 2019?», «no entendí», «más», «ok».
The memory keeps what was understood (form, states, attribute, step…), never the message."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any, Callable, Hashable

from knowledge.filters import NEGATED_VALUE, POSITIVE_VALUE
from knowledge.models import PHASE_COUNT, STEP_COUNT
from knowledge.matching import PhraseMatcher
from knowledge.understanding.entities import EntityFinder, Found, StepReference
from knowledge.understanding.request import ASIDES
from knowledge.understanding.request import Request
from knowledge.understanding.vocabulary import Vocabulary

MEMORY_SECONDS = 600  # a conversation is over after 10 minutes of silence
MAX_CHATS = 10_000  # the oldest conversations are forgotten first
SHORT = 7  # words: a message this short may be a follow-up even when it names something
LONG = 14  # words: a longer message is a question of its own
LIST_WORDS = ("cuales", "quienes")  # question words that ask for several states
LEADING_WORDS = ("y", "e", "entonces", "pues", "oye", "ok", "va", "aja", "a", "ah", "bueno", "ahora")


@dataclass(frozen=True)
class Context:
    """What the last question asked, to read the next message against."""

    form: str
    states: tuple[str, ...] = ()
    attribute: str | None = None
    value: str | None = None
    year: int | None = None
    step: int | None = None
    phase: int | None = None
    term: str | None = None
    also: tuple[str, ...] = ()
    either_or: bool = False
    phases_asked: bool = False
    steps_asked: bool = False
    ambiguous_states: tuple[str, ...] = ()  # the states the bot asked to choose from
    earlier_states: tuple[str, ...] = ()  # the states of the question before («¿y Zacatecas?» after Jalisco)

    @classmethod
    def of(cls, request: Request) -> "Context":
        return cls(request.form, request.states, request.attribute, request.value, request.year,
                   request.step, request.phase, request.term, request.also, request.either_or, request.phases_asked,
                   request.steps_asked, request.ambiguous_states)

    def as_request(self, form: str | None = None, **changes: Any) -> Request:
        request = Request(form or self.form, states=self.states, attribute=self.attribute, value=self.value,
                          year=self.year, step=self.step, phase=self.phase, term=self.term, also=self.also,
                          either_or=self.either_or, follow_up=True)
        return replace(request, **changes)


class Memory:
    """The context of each chat, for MEMORY_SECONDS after its last question; thread-safe enough
    for one event loop (plain dict operations)."""

    def __init__(self, seconds: float = MEMORY_SECONDS, clock: Callable[[], float] = time.monotonic,
                 max_chats: int = MAX_CHATS):
        self._seconds = seconds
        self._clock = clock
        self._max = max_chats
        self._chats: OrderedDict[Hashable, tuple[Context, float]] = OrderedDict()

    def get(self, chat: Hashable) -> Context | None:
        entry = self._chats.get(chat)
        if entry is None:
            return None
        context, at = entry
        if self._clock() - at > self._seconds:
            del self._chats[chat]
            return None
        return context

    def remember(self, chat: Hashable, request: Request) -> None:
        if request.form in ("ack", "clarify", "more", "greeting", "help") or (
                request.form == "out_of_scope" and not request.states):  # nothing to refer back to
            current = self.get(chat)
            if current is None:
                return
            context = current  # these turns refer to the last question; keep it, renew its time
        else:
            context = Context.of(request)
            current = self.get(chat)
            if current is not None and current.states and current.states != context.states:
                context = replace(context, earlier_states=current.states)
        self._chats[chat] = (context, self._clock())
        self._chats.move_to_end(chat)
        while len(self._chats) > self._max:
            self._chats.popitem(last=False)

    def forget(self, chat: Hashable) -> None:
        self._chats.pop(chat, None)

    def __len__(self) -> int:
        return len(self._chats)


class FollowUps:
    def __init__(self, vocabulary: Vocabulary, finder: EntityFinder):
        self._phrases = {name: frozenset(p) for name, p in vocabulary.of("followup").items()}
        self._last_words = vocabulary.words("step.last_words")
        self._filler = vocabulary.words("words.filler")
        self._choices: PhraseMatcher[str] = PhraseMatcher(vocabulary.maps["place.choices"].items())
        self._other_words = vocabulary.words("place.other_words")
        self._pairs = {tuple(states) for states in vocabulary.maps["place.ambiguous"].values()}
        self._finder = finder

    def kind(self, words: str) -> str | None:
        """The kind of conversation turn a whole message is ('ok' -> ack), if it is one."""
        if words in self._phrases.get("thanks", ()):
            return "ack"
        for kind in ("ack", "clarify", "more", "next", "previous", "list", "count", "add"):
            if words in self._phrases.get(kind, ()):
                return kind
        return None

    def resolve(  # noqa: C901 (one branch per kind of follow-up; the understanding work reshapes it)
            self, found: Found, context: Context, understand: Callable[[Found], Request]) -> Request | None:
        """The request a message makes in this context, or None when it stands on its own."""
        tokens = self._without_correction(_without_leading(list(found.tokens)))
        kind = self._kind_of(tokens, found) or ("clarify" if self._clarifies_the_last(tokens, found, context) else None)
        if kind in ("ack", "clarify", "more"):
            if kind == "ack":
                return Request("ack", refers_to=context.form, follow_up=True)
            return context.as_request(kind, refers_to=context.form)
        if kind == "greeting":  # «perdón, no saludé: buenas noches»
            return Request("greeting", follow_up=True)
        if len(tokens) > LONG:
            return None
        chosen = self._chosen_place(tokens, found, context)
        if chosen is not None:  # «¿cuál Baja?» «la sur»; «¿y la otra Baja?»
            return context.as_request(context.form if context.form != "out_of_scope" else "status", states=(chosen,))
        if kind in ("next", "previous") or self._names_a_number(tokens, found) or self._last_words & set(tokens[-3:]):
            moved = _moved(context, kind, found, self._last_words)
            if moved is not None:
                return moved
        shift = self._year_shift(tokens)
        if shift and context.year is not None and context.form in ("which_states", "how_many"):
            return context.as_request(context.form, year=context.year + shift)  # «¿y un año antes?»
        if kind is None and self._only_asks(tokens, found, ("list", "count")):
            kind = next(k for k in ("list", "count") if self._says(k, " ".join(tokens)))  # «¿cuáles son esos 13?»
            if found.negated and context.form in ("which_states", "how_many"):  # «¿y cuáles faltan?», «¿y quiénes no?»
                opposite = NEGATED_VALUE.get(context.value or "") or POSITIVE_VALUE.get(context.value or "")
                form = "which_states" if kind == "list" else "how_many"
                return context.as_request(form, value=opposite) if opposite else None
        if kind == "list" and context.form == "how_many":
            if context.steps_asked:  # «¿cuántos pasos son?» «¿cuáles?»
                return Request("steps_overview", phases_asked=context.phases_asked, follow_up=True)
            return context.as_request("which_states")
        if kind == "count" and context.form == "which_states":
            return context.as_request("how_many")
        own_form = found.cue("form")
        if context.form in ("which_states", "how_many", "compare") and not found.states and self._says("of_those", " ".join(tokens)):
            among = self._among_those(found, context, understand)
            if among is not None:
                return among
        both = tuple(dict.fromkeys((*context.earlier_states, *context.states))) if len(context.states) < 2 else context.states
        if len(both) >= 2 and not found.states and self._says("both", " ".join(tokens)):
            return context.as_request("compare", states=both[-4:])  # «¿cuál de los dos va más avanzado?»
        if (found.states and context.states and len(tokens) <= SHORT
                and (kind == "add" or "compare" in own_form and len(found.states) == 1)):
            return self._compared_with(found.states, context)  # «agrégale Edomex», «¿y cómo se compara con Durango?»
        if context.form in ("convocatorias", "documents") and not found.states and len(tokens) <= SHORT and (
                found.reference.step is not None or found.term) and "what_is" not in own_form:  # «¿y pa la persona facilitadora?»
            return self._same_kind_about(found, context)
        if found.states and len(tokens) <= SHORT and not _asks_on_its_own(found, own_form):
            return self._same_question_about(found.states, context, found)
        if found.year and not found.states and context.form in ("which_states", "how_many") and len(tokens) <= SHORT:
            form = next((f for f in own_form if f in ("which_states", "how_many")), context.form)
            return context.as_request(form, year=found.year, value=context.value or "signed")
        if not found.states and found.reference.step is None and self._finder.names_steps(tokens) and len(tokens) <= SHORT:
            step = context.step if context.step is not None else self._finder.step_of_term(context.term) if context.term else None
            if step is not None:
                return Request("step", step=step, follow_up=True)  # «¿y eso en qué paso va?»
        if not found.states and context.states:
            return self._about_the_same_states(found, context, understand)
        if context.term and not (found.states or found.term) and len(tokens) <= SHORT:
            return self._about_the_same_term(found, context, understand)  # «¿qué es el STL?» «¿y quiénes lo integran?»
        return None

    @staticmethod
    def _about_the_same_term(found: Found, context: Context, understand: Callable[[Found], Request]) -> Request | None:
        request = understand(replace(found, term=context.term))
        return replace(request, follow_up=True) if request.form == "what_is" else None

    @staticmethod
    def _among_those(found: Found, context: Context, understand: Callable[[Found], Request]) -> Request | None:
        """«¿Y de esos cuáles tienen STL?»: the new condition among the states just compared, or
        on top of the list's own («firmaron en 2015» and now «tienen STL»)."""
        request = understand(found)
        if request.form not in ("which_states", "how_many", "yes_no", "status") or request.value is None:
            return None
        form = "how_many" if request.form == "how_many" else "which_states"
        if context.form == "compare":
            return replace(request, form=form, states=context.states, follow_up=True)
        kept = tuple(v for v in (context.value, *context.also) if v and v != request.value)
        year_of = context.attribute if context.year is not None and context.attribute != request.attribute else None
        return replace(request, form=form, also=(*request.also, *kept), year=context.year, year_of=year_of,
                       follow_up=True)

    def _clarifies_the_last(self, tokens: list[str], found: Found, context: Context) -> bool:
        """«No le entendí, ¿cómo que un árbol?» after step 6: «no entendí» and the very thing the
        last answer was about, nothing new."""
        opening = next((size for size in range(min(len(tokens), 4), 1, -1)
                        if self.kind(" ".join(tokens[:size])) == "clarify"), None)
        if opening is None or found.states or found.cue("attribute") or found.cue("value"):
            return False
        term_step = self._finder.step_of_term(found.term) if found.term else None
        return found.term is None and found.reference.step is None or found.term == context.term or (
            term_step is not None and term_step == context.step)

    def _only_asks(self, tokens: list[str], found: Found, kinds: tuple[str, ...]) -> bool:
        """A short message with a phrase of these kinds and nothing new: no state, fact, value,
        year, term or step («cuáles?? pásamelos», «y esos cuántos son»)."""
        if len(tokens) > SHORT or found.states or found.year or found.term or found.reference.step is not None:
            return False
        if found.cue("attribute") or found.cue("value") or found.cue("out_of_scope"):
            return False
        return any(self._says(kind, " ".join(tokens)) for kind in kinds)

    def _says(self, kind: str, words: str) -> bool:
        """Whether a phrase of this kind of turn is anywhere in the message («y luego qué toca»)."""
        padded = f" {words} "
        return any(f" {phrase} " in padded for phrase in self._phrases.get(kind, ()))

    def _year_shift(self, tokens: list[str]) -> int:
        words = " ".join(tokens)
        return next((shift for kind, shift in (("year_before", -1), ("year_after", 1)) if self._says(kind, words)), 0)

    def _chosen_place(self, tokens: list[str], found: Found, context: Context) -> str | None:
        """The state picked among those the bot asked about, or the other one of a pair."""
        if found.states or len(tokens) > SHORT:
            return None
        candidates = context.ambiguous_states or next(
            (pair for pair in self._pairs if len(context.states) == 1 and context.states[0] in pair), ())
        if candidates:  # asked to choose, or just told about one of a pair: «¿y la sur?»
            picked = [m for m in self._choices.find(tokens) if m.value in candidates]
            if picked:
                choice = picked[-1].value  # «la normal, no la sur» names the choice first, «no la sur, la normal» last
                if self._finder.negated_before(tuple(tokens), picked[-1].start, reach=2):
                    choice = next((s for s in candidates if s != choice), choice)
                return choice
        pair = found.ambiguous_states or next((p for p in self._pairs if len(context.states) == 1 and context.states[0] in p), ())
        if len(context.states) == 1 and context.states[0] in pair and self._other_words & set(tokens) and len(pair) == 2:
            return next(s for s in pair if s != context.states[0])  # «¿y la otra?», «¿y la otra Baja?»
        return None

    def _same_kind_about(self, found: Found, context: Context) -> Request:
        """The same kind of question (calls, documents) about another step or document."""
        step = found.reference.step
        if step is None and found.term:
            step = self._finder.step_of_term(found.term)
        return context.as_request(context.form, step=step if step is not None else context.step)

    def _kind_of(self, tokens: list[str], found: Found) -> str | None:
        """What kind of conversation turn a message is: the whole of it ('ok', 'no entendí'), a
        turn with a word or two more ('no entendí nada', 'ok ya, gracias'), or a short message
        that moves along the steps ('¿y el siguiente paso?', 'y el de antes de ese')."""
        words = " ".join(tokens)
        kind = self.kind(words)
        if kind is not None:
            return kind
        names_something = (found.states or found.ambiguous_states or found.term or found.cue("attribute") or found.cue("value")
                            or set(found.cue("form")) - {"greeting", "help", "yes_no"} or found.reference.step is not None
                           or "injection" in found.cue("out_of_scope"))
        for size in range(len(tokens) - 1, 0, -1):
            head, tail = " ".join(tokens[:size]), " ".join(tokens[size:])
            kind = self.kind(head)
            thanked = tail in self._phrases.get("thanks", ())
            asks_more = bool(set(found.cue("out_of_scope")) - ASIDES) or found.interrogative is not None  # «ya, ¿quién ganó?»
            if (kind == "ack" and not asks_more or thanked) and not names_something:  # 'ok gracias, me sirve'
                return "ack"
            if kind == "add":  # 'agrégale Edomex'
                return kind
            if kind == "clarify" and len(tokens) - size <= 2 and not names_something and " " in head:
                return kind
            if kind == "more" and all(t in self._filler for t in tokens[size:]):  # 'dime más, porfa'
                return kind
        if not names_something and set(found.cue("form")) - {"yes_no"} == {"greeting"}:  # 'hola?? sigues ahí'
            return "greeting"
        named_step = found.reference.step is not None and not found.reference.described or found.described_step is not None
        if len(tokens) <= 7 and not named_step:  # «y el de antes de los talleres» moves from step 8, not from the last one
            for kind in ("next", "previous"):
                if self._says(kind, words):
                    return kind
        return None

    def _without_correction(self, tokens: list[str]) -> list[str]:
        """«perdón, quise decir el 7» reads as «el 7»."""
        for size in range(min(4, len(tokens) - 1), 0, -1):
            if " ".join(tokens[:size]) in self._phrases.get("correction", ()):
                return self._without_correction(tokens[size:])
        return tokens

    def _names_a_number(self, tokens: list[str], found: Found) -> bool:
        """«¿y el 9?», «cuál es el 6», «el cuarto», «y el último»: a number and nothing else of substance."""
        content = [t for t in tokens if t not in self._filler]
        if len(content) == 1 and (content[0].isdigit() or found.reference.explicit or content[0] in self._last_words):
            return True
        return len(tokens) <= 3 and tokens[-1] in self._last_words

    def _about_the_same_states(self, found: Found, context: Context, understand: Callable[[Found], Request]) -> Request | None:
        """«¿Y cuándo la presentaron?», «¿y su plan?»: the states of the last question, with what
        this message asks about them."""
        if found.term and not found.cue("attribute") and understand(found).form == "what_is":
            return None  # «¿qué pasó con el INAI?» after a state asks about the INAI, not about that state
        asks_when = found.reference.described and "when" in found.cue("form")
        weak_step = StepReference() if asks_when else found.reference  # «¿y cuándo la presentaron?» is not step 11
        request = understand(replace(found, states=context.states, state_spans=(), described_step=None, reference=weak_step))
        if request.form in ("which_states", "how_many") and not found.asks_for_states and request.attribute and not (
                found.same_year and request.year):
            request = replace(request, form="yes_no")  # «¿y tiene secretariado?» about the same state
        if request.form in ("out_of_scope", "greeting", "help") and request.missing is None:
            return None
        if request.form == "which_states" and found.same_year and request.year:
            return replace(request, follow_up=True)  # «¿y quiénes más firmaron ese año?»
        if request.form in ("yes_no", "status") and (found.interrogative in LIST_WORDS and found.cue("value") or found.extreme):
            return None  # «¿y en 2017 quiénes firmaron?», «¿y los últimos en firmar?» after a state: a list of its own
        if request.form in ("what_is", "steps_overview", "step", "phase"):
            return None  # a question of its own that needs no state
        if request.form in ("status", "yes_no", "when", "compare", "participate", "convocatorias",
                            "documents", "subscribe", "how_many", "out_of_scope"):
            return replace(request, follow_up=True)
        return None

    @staticmethod
    def _compared_with(states: tuple[str, ...], context: Context) -> Request:
        together = tuple(dict.fromkeys((*context.states, *states)))
        return context.as_request("compare", states=together)

    @staticmethod
    def _same_question_about(states: tuple[str, ...], context: Context, found: Found) -> Request:
        form = context.form
        if form == "compare":
            form = "status" if len(states) == 1 else "compare"
        elif form in ("which_states", "how_many"):
            form = "yes_no" if context.attribute else "status"
        elif form not in ("status", "yes_no", "when", "participate", "convocatorias", "documents",
                          "subscribe", "out_of_scope"):
            form = "status"
        if len(states) > 1 and form in ("status", "yes_no", "when"):
            form = "compare"
        return context.as_request(form, states=states, year=found.year or context.year)


def _without_leading(tokens: list[str]) -> list[str]:
    while len(tokens) > 1 and tokens[0] in LEADING_WORDS:
        tokens = tokens[1:]
    return tokens


def _moved(context: Context, kind: str | None, found: Found, last_words: frozenset[str]) -> Request | None:
    """The step or phase a follow-up moves to: the next, the previous, the last, or by number."""
    reference = found.reference
    if kind is None and any(t in last_words for t in found.tokens[-3:]):  # «y el último», «¿y la última cuál es?»
        kind = "last"
    about_all = context.form == "steps_overview" or context.steps_asked
    names_a_step = reference.explicit and reference.step is not None  # «¿y el paso 2?» after a phase
    if reference.explicit and reference.phase is not None:  # «¿y la fase 6?» after a step
        return Request("phase", phase=reference.phase, follow_up=True)
    if (context.phase is not None or about_all and context.phases_asked) and not names_a_step:
        return _move("phase", context.phase, PHASE_COUNT, kind, reference.phase or reference.step or _number(found))
    if context.step is not None or context.form == "step" or about_all:
        return _move("step", context.step, STEP_COUNT, kind, reference.step or reference.bad_number or _number(found))
    return None


def _move(form: str, current: int | None, last: int, kind: str | None, named: int | None) -> Request | None:
    if kind in ("next", "previous"):
        if current is None:
            return None
        target: int | None = current + (1 if kind == "next" else -1)
    else:
        target = last if kind == "last" else named
    if target is None:
        return None
    if 1 <= target <= last:
        return Request(form, step=target, follow_up=True) if form == "step" else \
            Request(form, phase=target, follow_up=True)
    return Request(form, bad_number=target, follow_up=True)


def _number(found: Found) -> int | None:
    for token in found.tokens:
        if token.isdigit() and len(token) <= 2:
            return int(token)
    return None


def _asks_on_its_own(found: Found, own_form: tuple[str, ...]) -> bool:
    """A message with a state and its own question words is a new question, not «¿y Zacatecas?»."""
    return bool(set(own_form) - {"yes_no"}) or bool(found.cue("attribute"))  # «¿y Tlaxcala tiene STL?» asks its own fact
