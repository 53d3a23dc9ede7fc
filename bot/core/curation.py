"""Curators see what people ask, and their answers reach the people who asked (issue 11).

The question path, without Telegram: a message is understood and answered as always, unless the
team already answered the same question (same normalized text and understanding), which then
comes back marked as the team's. When the bot cannot answer (out of scope but about open
government, «no tengo ese dato», low confidence, or a 👎) the adapter offers to send the
question to the team; only with consent is it stored (bot/store/questions.py). A factual answer
gets «¿Te sirvió?» 👍/👎 once, counted without text.

What waits for a yes or a tap is held in memory only, for OFFER_SECONDS, never on disk: a
restart forgets it (the old buttons then say so). Counts of questions per day, intent and state
are added up in memory and written every minute (flush_counts)."""

from __future__ import annotations

import hashlib
import itertools
import time
from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable

from markupsafe import Markup

from bot.core.statistics import Figures, gather
from bot.store import Store
from knowledge.dates import human_date
from knowledge.engine import Engine
from knowledge.models import KnowledgeBase
from knowledge.reply import Reply, esc, html_to_text
from knowledge.text import fold, normalize
from knowledge.understanding import Request
from knowledge.wording import MEXICO_TZ as CDMX

OFFER = "¿Quieres que el equipo lo revise? Te aviso cuando haya respuesta."
SEND, NO_THANKS = "Sí, enviarla", "No, gracias"
USEFUL, NOT_USEFUL = "👍 Me sirvió", "👎 No me sirvió"

OFFER_SECONDS = 10 * 60  # how long an offer or a «¿Te sirvió?» waits in memory
HELD_LIMIT = 20_000  # entries held at most (the oldest go first)
MAX_PENDING = 3  # questions a chat may have waiting for the team
FLOOD_MESSAGES = 50  # a chat that sent this many messages in FLOOD_WINDOW gets no offer
FLOOD_WINDOW = 24 * 60 * 60
MAX_CHARS = 2000  # longer messages are noise, not a question
LOW_CONFIDENCE = 0.1  # below it the understanding is a guess (8 of 4,232 right forms of the tune set, 76 of 109 wrong)
ANSWER_CHARS = (5, 3000)  # a curator's answer: at least, at most
NOTICE_CHARS = 3500  # the bot's answer quoted in a notice is cut (at a paragraph) beyond this

FACTUAL_INTENTS = frozenset({"state_status", "step", "steps_overview", "glossary", "figures", "convocatorias",
                             "documents", "how_to_participate"})
# Words that make an out-of-scope message plausibly about open government (folded, as prefixes).
OPEN_GOVERNMENT_WORDS = ("gobierno abierto", "transparen", "rendicion de cuentas", "participacion", "cocrea",
                         "co crea", "plan de accion", "secretariado", "stl", "pal", "inai", "compromiso",
                         "datos abiertos", "acceso a la informacion", "ciudadan", "municipi", "sociedad civil",
                         "organismo garante", "anticorrupcion", "fellow", "facilitad", "convocatoria", "ogp",
                         "alianza para el gobierno", "consulta", "mesa", "rendir cuentas", "presupuesto")
INSULTS = ("idiota", "estupid", "pendej", "imbecil", "chinga", "puto", "puta", "verga", "cabron", "mierda",
           "culero", "pinche", "mamada", "joto", "zorra", "tarado", "baboso")


QuestionRow = dict[str, Any]  # a row of the questions table, as bot/store/questions.py reads it
CountKey = tuple[str, str, str, bool]  # (day, intent, state, answered): what add_question_counts takes


@dataclass(frozen=True)
class Understood:
    """What was understood of a question, as kept with it (slugs, not names)."""
    form: str
    intent: str
    states: tuple[str, ...] = ()
    step: int | None = None
    term: str | None = None
    attribute: str | None = None
    missing: str | None = None

    @classmethod
    def of(cls, request: Request) -> "Understood":
        return cls(request.form, request.intent, tuple(request.states), request.step, request.term,
                   request.attribute, request.missing)

    def as_dict(self) -> dict[str, object]:
        return {"form": self.form, "intent": self.intent, "states": self.states, "step": self.step, "term": self.term}


def question_key(text: str, understood: Understood) -> str:
    """Two questions are the same when their normalized text and their understanding are."""
    parts = (normalize(text), understood.form, ",".join(understood.states), str(understood.step or ""),
             understood.term or "", understood.attribute or "", understood.missing or "")
    return "|".join(parts)


def why_unanswered(request: Request, text: str) -> str | None:
    """Why the bot cannot answer this: 'missing' («no tengo ese dato»), 'out_of_scope' (but
    plausibly about open government), 'low_confidence'; None when it answers."""
    if request.missing:
        return "missing"
    if request.form == "out_of_scope":
        return "out_of_scope" if request.states or about_open_government(text) else None
    if request.intent in FACTUAL_INTENTS and request.confidence < LOW_CONFIDENCE:
        return "low_confidence"
    return None


def about_open_government(text: str) -> bool:
    folded = f" {fold(text)} "
    return any(f" {word}" in folded for word in OPEN_GOVERNMENT_WORDS)


def abuse(text: str) -> str | None:
    """Why a message must not reach the team: 'long' (over MAX_CHARS), 'insult', 'noise'."""
    if len(text) > MAX_CHARS:
        return "long"
    words = fold(text).split()
    if any(word.startswith(insult) for word in words for insult in INSULTS):
        return "insult"
    letters = sum(char.isalpha() for char in text)
    if not words or letters < 0.5 * len(text.strip()) or max(len(word) for word in words) > 30:
        return "noise"
    return None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass
class Held:
    """A question the bot could not answer (or a factual answer), waiting in memory for a tap."""
    chat_id: int
    text: str
    understood: Understood
    reason: str | None  # why it is offered to the team; None: a factual answer (a vote may come)
    seen: str  # digest of the reply shown, to know later whether the store learned something new
    labels: tuple[str, str, str]  # (intent, state, answer) the vote is counted under
    at: float
    voted: bool = False


@dataclass(frozen=True)
class Answered:
    """The reply to a message, and the token of what it offers: the team (offer) or a vote."""
    reply: Reply
    offer: str | None = None
    vote: str | None = None
    reviewed: bool = False


@dataclass(frozen=True)
class Outcome:
    """What happened to a consent: queued, already (this chat asked it), answered (the team did:
    reply), too_many, refused (abuse), stale (the offer is gone)."""
    kind: str
    question_id: int | None = None
    reply: Reply | None = None


@dataclass
class Curation:
    """The loop between people who ask and the team. Build one per process and share it: it
    holds the offers in memory."""
    store: Store
    engine: Engine
    clock: Callable[[], float] = time.monotonic
    today: Callable[[], date] = lambda: datetime.now(CDMX).date()
    _held: OrderedDict[tuple[int, str], Held] = field(default_factory=OrderedDict)  # by (chat, token)
    _tokens: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _recent: dict[int, deque[float]] = field(default_factory=dict)  # a chat's latest message times
    _counts: Counter[CountKey] = field(default_factory=Counter)
    _reviewed: set[str] | None = None  # keys of the reviewed answers: the reply path asks the store only on a hit

    # -- the question path -------------------------------------------------------------------

    def answer(self, text: str, chat_id: int, offers: bool = True) -> Answered:
        """Answer a message read against the chat's conversation; say what the reply offers
        (offers=False, as in groups: nothing, and nothing is held)."""
        engine = self.engine
        request, reply = engine.respond(text, chat_id)
        understood = Understood.of(request)
        reviewed = self._reviewed_answer(question_key(text, understood))
        if reviewed is not None:
            reply = engine.label(team_reply(reviewed), request)
            self._count(understood, answered=True)
            return Answered(reply, reviewed=True)
        reason = why_unanswered(request, text)
        self._count(understood, answered=reason is None and request.form != "out_of_scope")
        if not offers:
            return Answered(reply)
        flooding = self._flooding(chat_id)
        if reason is not None:
            offer = None if flooding or abuse(text) else self._hold(chat_id, text, understood, reason, reply)
            return Answered(reply, offer=offer)
        if request.intent in FACTUAL_INTENTS and not reply.ambiguous:
            return Answered(reply, vote=self._hold(chat_id, text, understood, None, reply))
        return Answered(reply)

    def consent(self, chat_id: int, token: str) -> Outcome:
        """[Sí, enviarla]: store the question in its group, with this chat to notify."""
        held = self._held.pop((chat_id, token), None)
        if held is None or held.reason is None or self._expired(held):
            return Outcome("stale")
        if abuse(held.text):
            return Outcome("refused")
        status, question_id = self.store.record_question(
            question_key(held.text, held.understood), held.text.strip(), held.understood.as_dict(),
            f"{held.reason}:{held.seen}", chat_id, MAX_PENDING)
        if status == "answered":
            assert question_id is not None  # the store names the answered group it found
            answered = self.store.question(question_id)
            assert answered is not None  # an answered question is never deleted
            return Outcome("answered", question_id, team_reply(answered))
        return Outcome(status, question_id)

    def decline(self, chat_id: int, token: str) -> None:
        """[No, gracias]: forget the text now."""
        self._held.pop((chat_id, token), None)

    def vote(self, chat_id: int, token: str, useful: bool) -> tuple[str, str | None]:
        """«¿Te sirvió?»: ('counted', offer token after a 👎 or None), or ('stale', None) when
        the answer was voted already or is gone. Only the count is kept."""
        held = self._held.get((chat_id, token))
        if held is None or held.voted or held.reason is not None or self._expired(held):
            return "stale", None
        held.voted = True
        intent, state, answer = held.labels
        self.store.add_feedback(self.today().isoformat(), intent, state, answer, useful)
        if useful or abuse(held.text):
            self._held.pop((chat_id, token), None)
            return "counted", None
        held.reason = "thumbs_down"  # the same text now waits for a consent
        held.at = self.clock()
        return "counted", token

    # -- memory ------------------------------------------------------------------------------

    def _reviewed_answer(self, key: str) -> QuestionRow | None:
        """The team's answer to this question, if any. Replies must not wait on the store while a
        fan-out writes, so the keys are kept here: answers given in this process are added at
        once, those given elsewhere (the CLI) within a minute (flush_counts)."""
        reviewed = self._reviewed if self._reviewed is not None else self.refresh_reviewed()
        return self.store.reviewed_answer(key) if key in reviewed else None

    def refresh_reviewed(self) -> set[str]:
        self._reviewed = self.store.reviewed_keys()
        return self._reviewed

    def _hold(self, chat_id: int, text: str, understood: Understood, reason: str | None, reply: Reply) -> str:
        now = self.clock()
        while self._held and (len(self._held) >= HELD_LIMIT or self._expired(next(iter(self._held.values())), now)):
            self._held.popitem(last=False)
        token = format(next(self._tokens), "x")
        labels = (understood.intent, understood.states[0] if understood.states else "", _answer_label(understood))
        self._held[(chat_id, token)] = Held(chat_id, text, understood, reason, _digest(reply.text), labels, now)
        return token

    def _expired(self, held: Held, now: float | None = None) -> bool:
        return (now if now is not None else self.clock()) - held.at > OFFER_SECONDS

    def forget_chat(self, chat_id: int) -> None:
        """/borrar_mis_datos: what this chat has in memory goes too."""
        for key in [key for key in self._held if key[0] == chat_id]:
            del self._held[key]
        self._recent.pop(chat_id, None)

    def _flooding(self, chat_id: int) -> bool:
        now = self.clock()
        times = self._recent.setdefault(chat_id, deque())
        times.append(now)
        while times and now - times[0] > FLOOD_WINDOW:
            times.popleft()
        if len(times) > FLOOD_MESSAGES:
            times.popleft()
        if len(self._recent) > HELD_LIMIT:
            self._recent.pop(next(iter(self._recent)))
        return len(times) >= FLOOD_MESSAGES

    def _count(self, understood: Understood, answered: bool) -> None:
        state = understood.states[0] if understood.states else ""
        self._counts[(self.today().isoformat(), understood.intent, state, answered)] += 1

    def flush_counts(self) -> int:
        """Write the questions counted so far (the running bot calls it every minute and at the
        end), and look again for reviewed answers given elsewhere."""
        self.refresh_reviewed()
        counts, self._counts = self._counts, Counter()
        try:
            self.store.add_question_counts(dict(counts))
        except Exception:
            self._counts.update(counts)  # kept for the next flush
            raise
        return sum(counts.values())

    # -- curating ----------------------------------------------------------------------------

    def pending(self, include_all: bool = False, limit: int = 1000) -> list[QuestionRow]:
        statuses = ("pending", "answered", "known", "dismissed") if include_all else ("pending",)
        return self.store.questions(statuses, limit)

    def question(self, question_id: int) -> QuestionRow | None:
        return self.store.question(question_id)

    def reply_to_askers(self, question_id: int, answer: str, by: str) -> int | None:
        """A curator's answer: kept as the reviewed answer and queued through the outbox to every
        chat that waits on the question. Returns how many, or None when it is not pending."""
        question = self.store.question(question_id)
        if question is None:
            return None
        html = team_answer_notice(question["text"], answer, self.today())
        queued = self.store.settle_question(question_id, "answered", answer.strip(), by, html)
        if queued is not None and self._reviewed is not None:
            self._reviewed.add(question["key"])
        return queued

    def already_known(self, question_id: int, by: str) -> int | None:
        """[Ya lo sabe el bot]: the askers get the bot's own answer to their question now."""
        question = self.store.question(question_id)
        if question is None:
            return None
        reply = self.engine.ask(question["text"])
        return self.store.settle_question(question_id, "known", None, by, known_notice(question["text"], reply))

    def dismiss(self, question_id: int, by: str) -> bool:
        return self.store.settle_question(question_id, "dismissed", None, by, None) is not None

    def resolved(self) -> list[tuple[QuestionRow, Reply]]:
        """Pending questions the current knowledge answers now: understood again (without the
        conversation they came in), answered, and the reply differs from the one they got."""
        found: list[tuple[QuestionRow, Reply]] = []
        for question in self.store.questions(("pending",)):
            request = self.engine.understand(question["text"])
            reply = self.engine.label(self.engine.answers.answer(request), request)
            seen = question["reason"].partition(":")[2]
            if why_unanswered(request, question["text"]) is None and request.form != "out_of_scope" \
                    and request.intent in FACTUAL_INTENTS and _digest(reply.text) != seen:
                found.append((question, reply))
        return found

    def notify_resolved(self, by: str) -> tuple[int, int]:
        """Tell the askers of every resolved question the new answer: (questions, deliveries)."""
        questions = deliveries = 0
        for question, reply in self.resolved():
            queued = self.store.settle_question(question["id"], "known", None, by,
                                                known_notice(question["text"], reply))
            if queued is not None:
                questions, deliveries = questions + 1, deliveries + queued
        return questions, deliveries

    def reviewed_answers(self) -> list[QuestionRow]:
        return self.store.questions(("answered",))

    def statistics(self, states: list[str] | None = None) -> Figures:
        """The figures of /estadisticas (bot/core/statistics.py); states: a facilitator's only."""
        self.flush_counts()
        return gather(self.store, self.today(), states)


# -- what people read (Telegram HTML) ---------------------------------------------------------


def _answer_label(understood: Understood) -> str:
    """Which answer a vote is about, beyond its intent and state: its form and the thing asked."""
    detail = understood.attribute or (f"paso {understood.step}" if understood.step else understood.term or "")
    return f"{understood.form}:{detail}" if detail else understood.form


def answered_on(row: QuestionRow) -> date:
    return datetime.fromisoformat(row["answered_at"]).astimezone(CDMX).date()


def team_label(day: date) -> str:
    return f"💬 <b>Respuesta del equipo de CocreaBot</b> (revisada el {esc(human_date(day))})"


def team_reply(row: QuestionRow) -> Reply:
    """A reviewed answer, for the next person who asks the same thing."""
    return Reply(Markup(f"{team_label(answered_on(row))}\n\n{esc(row['answer'])}"), intent="team_answer")


def team_answer_notice(question: str, answer: str, day: date) -> str:
    return (f"{team_label(day)}\n\nPreguntaste: «{esc(_short(question))}»\n\n{esc(answer.strip())}\n\n"
            "Ya no guardo tu pregunta ligada a este chat.")


def known_notice(question: str, reply: Reply) -> str:
    body = _cut(reply.html)
    return (f"💡 <b>Ya tengo respuesta</b> a lo que preguntaste: «{esc(_short(question))}»\n\n{body}\n\n"
            "Ya no guardo tu pregunta ligada a este chat.")


def answer_problem(text: str) -> str | None:
    """Why a curator's answer cannot go as it is, in one line; None when it can."""
    length = len(text.strip())
    if length < ANSWER_CHARS[0]:
        return "La respuesta es muy corta."
    if length > ANSWER_CHARS[1]:
        return f"La respuesta es muy larga ({length} caracteres; el máximo es {ANSWER_CHARS[1]})."
    return None


def offer_buttons() -> tuple[str, str]:
    return SEND, NO_THANKS


def consent_text(outcome: Outcome) -> str:
    return {
        "queued": "📨 Listo: envié tu pregunta al equipo. Te aviso aquí cuando haya respuesta. "
                  "Mientras espera, la ves en /mis_datos y la puedes borrar con /borrar_mis_datos.",
        "already": "Ya la habías enviado: el equipo la tiene y te aviso cuando haya respuesta.",
        "too_many": f"Ya tienes {MAX_PENDING} preguntas esperando respuesta del equipo. Cuando te respondan "
                    "podrás enviar otra (las ves en /mis_datos).",
        "refused": "Esa pregunta no la puedo enviar al equipo. Escríbela en pocas palabras, por favor.",
        "stale": "Esa pregunta ya no la tengo (pasaron más de 10 minutos o reinicié). Escríbela de nuevo si quieres enviarla.",
    }.get(outcome.kind, "")


DECLINED = "De acuerdo, no guardé tu pregunta."


def pending_lines(questions: list[QuestionRow]) -> list[str]:
    """/mis_datos: the questions a chat waits an answer for."""
    return [f"• «{esc(_short(q['text']))}» (enviada el {esc(human_date(_local_day(q['asked_at'])))})" for q in questions]


def _local_day(stamp: str) -> date:
    return datetime.fromisoformat(stamp).astimezone(CDMX).date()


def understood_text(kb: KnowledgeBase, question: QuestionRow) -> str:
    """States, step, term of a stored question, in words ('' when none)."""
    parts = [kb.states[s].name for s in question["states"].split(",") if s in kb.states]
    if question["step"]:
        parts.append(f"paso {question['step']}")
    if question["term"] and question["term"] in kb.terms:
        parts.append(kb.terms[question["term"]].term)
    return ", ".join(parts)


def pending_card(kb: KnowledgeBase, question: QuestionRow) -> str:
    times = "1 vez" if question["asked"] == 1 else f"{question['asked']} veces"
    about = understood_text(kb, question)
    lines = [f"❓ <b>#{question['id']}</b> · {times} · última el {esc(human_date(_local_day(question['last_asked'])))}",
             f"«{esc(_short(question['text'], 600))}»"]
    if about:
        lines.append(f"Entendí: {esc(about)}")
    return "\n".join(lines)


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _cut(markup: str) -> str:
    if len(html_to_text(markup)) <= NOTICE_CHARS:
        return markup
    kept: list[str] = []
    for paragraph in markup.split("\n\n"):
        if len(html_to_text("\n\n".join(kept + [paragraph]))) > NOTICE_CHARS:
            break
        kept.append(paragraph)
    return "\n\n".join(kept) or esc(html_to_text(markup)[:NOTICE_CHARS])

