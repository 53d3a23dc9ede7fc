"""Convocatorias: calls to join the local exercise (to form the STL, to be its facilitator, to
answer a consultation, to sit at the co-creation tables). Facilitators announce them; citizens
find the open ones; subscribers get a reminder before they close.

Every change is one transaction that writes the convocatoria and the notices of the outbox
(announcement, correction, reminder), so nothing is lost or sent twice; the running bot's
dispatcher delivers them. All times are stored in UTC and shown in Mexico City's time; the clock
is injected, so tests can move it.

Reminders: once per convocatoria, `reminder_days` before it closes, to subscribers who keep
reminders on. It goes out when that window opens, or as soon as the bot runs again if it was
down then, unless the convocatoria closed meanwhile, or subscribers were told about it inside
the window already (it was announced or corrected then). Changing the closing date re-arms it.

Closing: a convocatoria stops being open exactly at its closing time (the read side compares
with the clock); the periodic job also marks it closed in the database.

A clock that jumps: the periodic job compares the wall clock with the time that really passed
since its last run (CLOCK_BOOTTIME, which no one sets and which counts a suspend; the last run is
also kept in the database, so a restart on the same boot still compares). When they part by more
than CLOCK_JUMP_LIMIT (a day), it closes nothing and reminds no one, and says so once, until the
clock is back in step, or has kept its new time for NEW_CLOCK_BELIEVED_AFTER (then it was set
right, and is believed). A convocatoria is closed only when its time has really come."""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

from bot.core.notices import (
    convocatoria_cancellation, convocatoria_correction, convocatoria_notice, convocatoria_reminder, keyboard_json,
    notice_buttons,
)
from bot.core.rules import clean_title, complete_link, link_problem, title_problem
from bot.store import ConvocatoriaRecord as ConvocatoriaRecord  # re-exported: handlers/ never import the store
from bot.store import Store, utc_now
from knowledge.live import ConvocatoriaInfo
from knowledge.loader import default_knowledge
from knowledge.models import KnowledgeBase
from knowledge.text import ascii_int
from knowledge.wording import local_moment

Clock = Callable[[], datetime]

log = logging.getLogger("cocreabot.convocatorias")

DEFAULT_REMINDER_DAYS = 3  # before a convocatoria closes (COCREA_REMINDER_DAYS); 0: no reminders
CLOCK_JUMP_LIMIT = timedelta(days=1)
NEW_CLOCK_BELIEVED_AFTER = 6 * 60 * 60  # seconds a jumped clock must keep its new time to be believed
LAST_RUN_KEY = "convocatorias_last_run"
LAST_RUN_PERSIST_EVERY = 60 * 60  # seconds: the reference in the database needs no fresher copy

DESCRIPTION_MAX = 1000
DETAIL_MAX = 300  # how to apply, contact
MAX_DAYS_AHEAD = 366


@dataclass(frozen=True)
class Kind:
    code: str
    step: int | None
    label: str


# Kinds that are no step of their own; the steps that are convocatorias come from pasos.yaml
# (`is_convocatoria`, `convocatoria_code`, `short`).
OTHER_KINDS = (Kind("consulta", None, "Consulta"), Kind("otra", None, "Otra"))


def convocatoria_kinds(kb: KnowledgeBase) -> dict[str, Kind]:
    """The kinds of convocatoria, by code: one per step that is a convocatoria, then the others."""
    # pasos.yaml gives a convocatoria_code to the steps with is_convocatoria, and only to them (models.py)
    steps = [Kind(s.convocatoria_code, s.number, s.short) for _, s in sorted(kb.steps.items())
             if s.convocatoria_code is not None]
    return {kind.code: kind for kind in (*steps, *OTHER_KINDS)}


def kinds() -> dict[str, Kind]:
    """The kinds of the default knowledge, read when first asked (not at import: check-knowledge
    must be able to import this module and report a malformed data file)."""
    return convocatoria_kinds(default_knowledge())


class ConvocatoriaError(ValueError):
    """What is wrong, worded for the person publishing."""


@dataclass(frozen=True)
class ConvocatoriaDraft:
    state: str | None = None  # slug
    kind: str | None = None  # a key of kinds()
    title: str = ""
    description: str = ""
    closes_at: datetime | None = None  # aware
    opens_at: datetime | None = None  # aware; None: open from publication
    url: str | None = None
    how_to_apply: str | None = None
    contact: str | None = None

    @property
    def step(self) -> int | None:
        kind = kinds().get(self.kind or "")
        return kind.step if kind else None


@dataclass(frozen=True)
class Created:
    convocatoria: ConvocatoriaInfo
    queued: int


@dataclass(frozen=True)
class Changed:
    convocatoria: ConvocatoriaInfo
    queued: int


@dataclass(frozen=True)
class DueWork:
    reminded: list[int]  # convocatoria ids
    queued: int  # reminder deliveries
    closed: list[int]


def kind_for_step(text: str | int | None, known: dict[str, Kind] | None = None) -> str:
    """'7' or 7 -> 'mesas'; 'otra' -> 'otra'. Raises ConvocatoriaError for a step that is no
    convocatoria (pasos.yaml says which are)."""
    by_step = {kind.step: code for code, kind in (known or kinds()).items() if kind.step is not None}
    value = str(text if text is not None else "").strip().lower().removeprefix("paso").strip()
    if value in ("otra", "otro", ""):
        return "otra"
    if value in ("consulta",):
        return value
    step = ascii_int(value)  # ASCII digits only: '⁷' passes isdigit() and int() refuses it
    if step is not None and step in by_step:
        return by_step[step]
    *first, last = sorted(by_step)
    steps = f"{', '.join(map(str, first))} o {last}"
    raise ConvocatoriaError(f"El paso de una convocatoria es {steps}, «consulta» u «otra»; recibí {str(text)[:20]!r}.")


class Convocatorias:
    """The convocatoria desk over one store: validate, create, correct, cancel, and the periodic
    work (reminders and closing). Several desks over the same database file behave as one."""

    def __init__(self, store: Store, kb: KnowledgeBase, clock: Clock = utc_now,
                 reminder_days: int = DEFAULT_REMINDER_DAYS, elapsed: Callable[[], float] | None = None,
                 boot: str | None = None):
        self.store = store
        self.kb = kb
        self.clock = clock
        self.reminder_days = reminder_days
        # seconds that really passed (never set by anyone), and which boot they count from
        self.elapsed = elapsed or boot_seconds
        self.boot = boot if boot is not None else (boot_id() if elapsed is None else "injected")
        self._reference: tuple[datetime, float] | None = None  # the last run whose clock was trusted
        self._persisted_at: float | None = None
        self._jump: tuple[timedelta, float] | None = None  # (how far, noticed at) while refusing

    # -- validation and preview -------------------------------------------------------------

    def audience(self, state: str) -> int:
        """How many active chats would get a convocatoria notice of this state."""
        return self.store.convocatoria_audience(state)

    def validate(self, draft: ConvocatoriaDraft) -> ConvocatoriaDraft:
        """The draft, cleaned; raises ConvocatoriaError with a message for people."""
        if draft.state not in self.kb.states:
            raise ConvocatoriaError("Falta la entidad, o no la reconozco.")
        kinds = convocatoria_kinds(self.kb)
        if draft.kind not in kinds:
            raise ConvocatoriaError(f"Elige el tipo de convocatoria: {', '.join(k.label for k in kinds.values())}.")
        title = clean_title(draft.title)
        if title is None:
            raise ConvocatoriaError(title_problem(draft.title))
        description = (draft.description or "").strip()
        if len(description) > DESCRIPTION_MAX:
            raise ConvocatoriaError(f"La descripción puede tener hasta {DESCRIPTION_MAX} caracteres; tiene {len(description)}.")
        how_to_apply, contact = _detail(draft.how_to_apply, "«cómo participar»"), _detail(draft.contact, "el contacto")
        url = checked_url(draft.url)
        self.check_dates(draft.opens_at, draft.closes_at)
        return replace(draft, title=title, description=description, url=url, how_to_apply=how_to_apply, contact=contact)

    def check_dates(self, opens_at: datetime | None, closes_at: datetime | None) -> None:
        now = self.clock()
        if closes_at is None:
            raise ConvocatoriaError("Falta la fecha de cierre.")
        if closes_at <= now:
            raise ConvocatoriaError(f"La fecha de cierre ya pasó: {local_moment(closes_at, with_year=True)}. "
                                    "Escribe una fecha futura.")
        if closes_at > now + timedelta(days=MAX_DAYS_AHEAD):
            raise ConvocatoriaError(f"La fecha de cierre queda a más de un año: {local_moment(closes_at, with_year=True)}. "
                                    "Revisa el año.")
        if opens_at is not None and closes_at <= opens_at:
            raise ConvocatoriaError(f"La convocatoria cerraría ({local_moment(closes_at, with_year=True)}) antes de abrir "
                                    f"({local_moment(opens_at, with_year=True)}). Revisa las fechas.")

    def preview(self, draft: ConvocatoriaDraft) -> str:
        """The announcement exactly as subscribers will see it (the draft must be valid)."""
        return convocatoria_notice(self.kb, self._as_info(draft, 0, self.clock()), self.clock())

    # -- writes -----------------------------------------------------------------------------

    def create(self, draft: ConvocatoriaDraft, published_by: str) -> Created:
        """Write the convocatoria and announce it to the state's subscribers, in one transaction."""
        draft = self.validate(draft)
        now = self.clock()
        info = self._as_info(draft, 0, now)
        with self.store.transaction() as conn:
            new_id = self.store.insert_convocatoria(conn, {
                "state": info.state, "step": info.step, "kind": draft.kind, "title": info.title,
                "description": info.description, "opens_at": info.opens_at, "closes_at": info.closes_at,
                "url": info.url, "how_to_apply": info.how_to_apply, "contact": info.contact,
                "published_by": published_by, "status": "open", "reminder_sent": 0,
                "created_at": now, "updated_at": now,
            })
            info = replace(info, id=new_id)
            started = self.store.fan_out(conn, "convocatoria", new_id, info.state,
                                         convocatoria_notice(self.kb, info, now), None, "convocatorias",
                                         self._buttons(info))
        return Created(info, self.store.finish_fan_out(started))

    def change_closing(self, convocatoria_id: int, closes_at: datetime) -> Changed:
        """A new closing date; subscribers get a correction and the reminder is re-armed."""
        record = self.editable(convocatoria_id)
        info = record.info
        if closes_at == info.closes_at:
            raise ConvocatoriaError("Es la misma fecha de cierre que ya tenía; no cambié nada.")
        self.check_dates(info.opens_at, closes_at)
        change = f"Nueva fecha de cierre (antes: {local_moment(info.closes_at, self.clock())})."
        return self._correct(record, {"closes_at": closes_at, "reminder_sent": 0}, replace(info, closes_at=closes_at), change)

    def change_link(self, convocatoria_id: int, url: str) -> Changed:
        record = self.editable(convocatoria_id)
        new_url = checked_url(url)
        if not new_url:
            raise ConvocatoriaError("Mándame el enlace nuevo (https://…).")
        if new_url == record.info.url:
            raise ConvocatoriaError("Es el mismo enlace que ya tenía; no cambié nada.")
        return self._correct(record, {"url": new_url}, replace(record.info, url=new_url), "Tiene un enlace nuevo.")

    def cancel(self, convocatoria_id: int) -> Changed:
        """Status cancelled, and a short notice to the same subscribers."""
        record = self.editable(convocatoria_id)
        now = self.clock()
        with self.store.transaction() as conn:
            self._update_if_open(conn, record, {"status": "cancelled", "updated_at": now})
            started = self.store.fan_out(conn, "convocatoria_cancelled", record.info.id, record.info.state,
                                         convocatoria_cancellation(self.kb, record.info, now), None, "convocatorias",
                                         self._buttons(replace(record.info, url=None)))  # nothing to open any more
        return Changed(record.info, self.store.finish_fan_out(started))

    def editable(self, convocatoria_id: int) -> ConvocatoriaRecord:
        """The convocatoria, if it can still change; ConvocatoriaError otherwise."""
        record = self.store.convocatoria(convocatoria_id)
        if record is None:
            raise ConvocatoriaError("No encontré esa convocatoria.")
        if record.status == "cancelled":
            raise ConvocatoriaError("Esa convocatoria ya estaba cancelada.")
        if record.status == "closed" or record.info.closes_at <= self.clock():
            raise ConvocatoriaError("Esa convocatoria ya cerró. Si se abre otra, publícala con /convocar.")
        return record

    def current(self, states: list[str] | None) -> list[ConvocatoriaRecord]:
        """Open or upcoming convocatorias of these states (None: all), soonest to close first."""
        return self.store.current_convocatorias(states, self.clock())

    # -- the periodic work ------------------------------------------------------------------

    def run_due_work(self) -> DueWork:
        """Queue the reminders that are due and close what reached its closing time. Safe to
        run at any moment and as often as wanted: each reminder is flagged in the same
        transaction that queues it. Does nothing while the clock is not trusted (it jumped)."""
        now = self.clock()
        if not self.clock_trusted(now):
            return DueWork([], 0, [])
        reminded, queued = [], 0
        if self.reminder_days > 0:
            for record in self.store.convocatorias_due_reminder(now, timedelta(days=self.reminder_days)):
                count = self._remind(record, now)
                if count is not None:
                    reminded.append(record.info.id)
                    queued += count
        return DueWork(reminded, queued, self.store.close_past_convocatorias(now))

    def clock_trusted(self, now: datetime) -> bool:
        """False while the wall clock is more than CLOCK_JUMP_LIMIT away from where the time
        that really passed since the last trusted run puts it (logged once per jump)."""
        elapsed = self.elapsed()
        reference = self._reference or self._stored_reference()
        if reference is not None:
            then, then_elapsed = reference
            drift = now - (then + timedelta(seconds=elapsed - then_elapsed))
            if abs(drift) > CLOCK_JUMP_LIMIT and not self._believed(drift, elapsed):
                return False
        if self._jump is not None:
            log.warning("convocatorias: the clock is trusted again; closing and reminders resume")
            self._jump = None
        self._remember(now, elapsed)
        return True

    def _believed(self, drift: timedelta, elapsed: float) -> bool:
        if self._jump is None:
            log.error("convocatorias: the system clock jumped %s since the last run (%s); closing nothing and "
                      "reminding no one until it is back in step", _span(drift), "ahead" if drift > timedelta(0)
                      else "back")
        elif abs(drift - self._jump[0]) <= timedelta(minutes=1):  # the same jump, still there
            if elapsed - self._jump[1] >= NEW_CLOCK_BELIEVED_AFTER:
                log.warning("convocatorias: the clock kept its new time (%s off) for %.0f hours; believing it",
                            _span(drift), NEW_CLOCK_BELIEVED_AFTER / 3600)
                self._jump = None
                return True
            return False
        self._jump = (drift, elapsed)  # a first jump, or another one
        return False

    def _stored_reference(self) -> tuple[datetime, float] | None:
        """The last trusted run kept in the database, when it counted from this same boot."""
        try:
            stored = json.loads(self.store.get_setting(LAST_RUN_KEY) or "null")
            if stored and stored.get("boot") == self.boot:
                return datetime.fromisoformat(stored["wall"]), float(stored["elapsed"])
        except (ValueError, TypeError, KeyError):
            pass
        return None

    def _remember(self, now: datetime, elapsed: float) -> None:
        self._reference = (now, elapsed)
        if self._persisted_at is None or elapsed - self._persisted_at >= LAST_RUN_PERSIST_EVERY:
            self.store.set_setting(LAST_RUN_KEY, json.dumps({"wall": now.isoformat(), "elapsed": elapsed,
                                                             "boot": self.boot}))
            self._persisted_at = elapsed

    def _remind(self, record: ConvocatoriaRecord, now: datetime) -> int | None:
        with self.store.transaction() as conn:
            flagged = self.store.update_convocatoria(conn, record.info.id, {"reminder_sent": 1},
                                                     only_open=True, only_unreminded=True)
            if not flagged:
                return None
            started = self.store.fan_out(conn, "convocatoria_reminder", record.info.id, record.info.state,
                                         convocatoria_reminder(self.kb, record.info, now), None, "reminders",
                                         self._buttons(record.info))
        return self.store.finish_fan_out(started)

    # -- helpers ----------------------------------------------------------------------------

    def _buttons(self, item: ConvocatoriaInfo) -> str | None:
        return keyboard_json(notice_buttons(self.kb, item.state, item.url))

    def _correct(self, record: ConvocatoriaRecord, fields: dict[str, object], corrected: ConvocatoriaInfo, change: str) -> Changed:
        now = self.clock()
        with self.store.transaction() as conn:
            self._update_if_open(conn, record, {**fields, "updated_at": now})
            started = self.store.fan_out(conn, "convocatoria_correction", corrected.id, corrected.state,
                                         convocatoria_correction(self.kb, corrected, change, now), None, "convocatorias",
                                         self._buttons(corrected))
        return Changed(corrected, self.store.finish_fan_out(started))

    def _update_if_open(self, conn: sqlite3.Connection, record: ConvocatoriaRecord, fields: dict[str, object]) -> None:
        """Guard against a change that raced with another (a cancellation, the closing job)."""
        if not self.store.update_convocatoria(conn, record.info.id, fields, only_open=True):
            raise ConvocatoriaError("Esa convocatoria cambió mientras tanto (cerró o se canceló); no hice nada.")

    @staticmethod
    def _as_info(draft: ConvocatoriaDraft, convocatoria_id: int, now: datetime) -> ConvocatoriaInfo:
        # a valid draft (validate()) has its state, kind and closing date
        assert draft.state is not None and draft.kind is not None and draft.closes_at is not None
        return ConvocatoriaInfo(
            id=convocatoria_id, state=draft.state, step=draft.step, kind=draft.kind, title=draft.title,
            description=draft.description, opens_at=draft.opens_at or now, closes_at=draft.closes_at,
            url=draft.url, how_to_apply=draft.how_to_apply, contact=draft.contact,
        )


def boot_seconds() -> float:
    """Seconds since the machine booted, suspends included: nobody sets this clock."""
    try:
        return time.clock_gettime(time.CLOCK_BOOTTIME)
    except (AttributeError, OSError):  # not Linux
        return time.monotonic()


def boot_id() -> str:
    """This boot of the machine (boot_seconds restarts at each)."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return "unknown"


def _span(delta: timedelta) -> str:
    seconds = abs(delta.total_seconds())
    return f"{seconds / 86400:.1f} days" if seconds >= 86400 else f"{seconds / 3600:.1f} hours"


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _detail(text: str | None, what: str) -> str | None:
    cleaned = _one_line(text)
    if len(cleaned) > DETAIL_MAX:
        raise ConvocatoriaError(f"El texto de {what} puede tener hasta {DETAIL_MAX} caracteres.")
    return cleaned or None


def checked_url(url: str | None) -> str | None:
    """The link without spaces around (https:// added where it was left out), or None;
    ConvocatoriaError when it is not a public web link."""
    url = complete_link(url) or None
    if url and (problem := link_problem(url)):
        raise ConvocatoriaError(problem)
    return url
