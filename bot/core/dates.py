"""Dates and times as people type them in Spanish ("15 de diciembre", "15/12/2026", "el viernes",
"mañana a las 18:00", "15 dic 6pm", "en 2 semanas", "2026-12-15 18:00"), read in Mexico City's
time zone and returned in UTC.

dateparser does the reading; this module only tidies what it cannot read ("el viernes",
"a las 6 de la tarde", "18 hrs", "pasado mañana"), refuses what is not one day ("diciembre",
"la próxima semana", a bare "15"), and says whether an hour was given: a closing date without
one means the end of that day (23:59), an opening date without one its start (00:00).

dateparser takes a while to import and to load its Spanish data, so it is imported on first use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timezone


from knowledge.wording import MEXICO_TZ  # the one Mexico City timezone
END_OF_DAY = time(23, 59)
START_OF_DAY = time(0, 0)
EXAMPLES = "«15 de diciembre», «15/12/2026 18:00», «el viernes», «mañana a las 18:00» o «en 2 semanas»"
MAX_TEXT = 80
MAX_YEAR = 2100  # later dates are typos (9999-12-31), and near year 9999 time zones overflow
TOO_FAR = f"queda demasiado lejos en el futuro: escribe una fecha antes de {MAX_YEAR}"

_FILLER = re.compile(r"^(?:para |hasta |antes del? )?(?:el |este |esta )?(?:pr[oó]ximo )?(?=\w)")
_BARE_NUMBER = re.compile(r"^\d{1,2}$")
_RELATIVE = re.compile(r"^(?:en|dentro de)\s+(?:\d+|un|una|dos|tres|cuatro)\s+"
                       r"(?:minutos?|horas?|d[ií]as?|semanas?|mes(?:es)?)(?:\s+a\s+las\s+\d{1,2}:\d\d)?$")
_HAS_TIME = re.compile(r"\d:\d\d|\d\s*(?:am|pm)\b|\bhoras?\b|\bminutos?\b")
_REWRITES: tuple[tuple[re.Pattern, object], ...] = (
    (re.compile(r"\bpasado\s+mañana\b"), "en 2 días"),
    (re.compile(r"\bmediod[ií]a\b"), "12:00"),
    (re.compile(r"(\d)\s*([ap])\.?\s*m\.?(?=\s|$)"), r"\1\2m"),  # 6 p. m. -> 6pm
    (re.compile(r"\b(\d{1,2})(?::(\d\d))?\s+de\s+la\s+(mañana|tarde|noche)\b"), lambda m: _daypart(m)),
    (re.compile(r"\b(\d{1,2}):(\d\d)\s*(?:hrs?\.?|horas|h)(?=\s|$)"), r"\1:\2"),  # 18:00 hrs -> 18:00
    (re.compile(r"(?<!\ben )(?<!\bde )\b(\d{1,2})\s*(?:hrs?\.?|horas|h)(?=\s|$)"), r"\1:00"),  # 18 hrs -> 18:00
    (re.compile(r"\ba\s+las\s+(\d{1,2})(?=\s|$)"), r"a las \1:00"),  # a las 10 -> a las 10:00
    (re.compile(r"\ba\s+la\s+(1)(?=\s|$)"), r"a las \1:00"),
    (re.compile(r"\b(ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)\.(?=\s|$)"), r"\1"),  # dic. -> dic
)


class DateInputError(ValueError):
    """What was typed is not a date we can use; the message says why, for people."""


@dataclass(frozen=True)
class TypedMoment:
    at: datetime  # aware, UTC
    has_time: bool  # False: the person gave a day only, and the hour was filled in

    @property
    def local(self) -> datetime:
        return self.at.astimezone(MEXICO_TZ)


def local_to_utc(moment: datetime) -> datetime:
    """A naive wall-clock time in Mexico City -> aware UTC (zoneinfo knows the old DST rules)."""
    return moment.replace(tzinfo=MEXICO_TZ).astimezone(timezone.utc)


def parse_moment(text: str | None, now: datetime, *, default_time: time = END_OF_DAY) -> TypedMoment:
    """Read a date (and maybe an hour) typed in Spanish, relative to `now` (aware). Raises
    DateInputError with a message for people."""
    cleaned = normalize(text or "")
    if not cleaned:
        raise DateInputError(f"Escribe una fecha, por ejemplo {EXAMPLES}.")
    if len(cleaned) > MAX_TEXT:
        raise DateInputError(f"Eso es muy largo para una fecha. Escríbela corta, por ejemplo {EXAMPLES}.")
    if _BARE_NUMBER.match(cleaned):
        raise DateInputError(f"¿El {cleaned} de qué mes? Escríbelo completo, por ejemplo «{cleaned} de diciembre».")
    try:
        found, period = _dateparser_read(cleaned, now)
    except OverflowError:  # dateparser's own time zone arithmetic, near year 9999
        raise DateInputError(f"«{(text or '').strip()[:40]}» {TOO_FAR}.") from None
    if found is not None and found.year >= MAX_YEAR:
        raise DateInputError(f"«{(text or '').strip()[:40]}» {TOO_FAR}.")
    if found is None:
        raise DateInputError(f"No entendí «{(text or '').strip()[:40]}» como fecha. Prueba así: {EXAMPLES}.")
    if period in ("month", "year", "week") and not _RELATIVE.match(cleaned):
        raise DateInputError(f"Necesito un día exacto, no solo «{(text or '').strip()[:40]}». Por ejemplo {EXAMPLES}.")
    has_time = bool(_HAS_TIME.search(cleaned))
    local = found.astimezone(MEXICO_TZ).replace(tzinfo=None, second=0, microsecond=0)
    if not has_time:
        local = datetime.combine(local.date(), default_time)
    return TypedMoment(local_to_utc(local), has_time)


def normalize(text: str) -> str:
    """Lower case, single spaces, no end punctuation, fillers out, hours in a form dateparser reads."""
    text = " ".join(text.lower().replace("¿", " ").replace("?", " ").split()).strip(" .,;!")
    text = _FILLER.sub("", text)
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return text.strip()


def _daypart(match: re.Match) -> str:
    hour, minutes, part = int(match[1]), match[2] or "00", match[3]
    if part in ("tarde", "noche") and hour < 12:
        hour += 12
    return f"{hour:02d}:{minutes}"


def _dateparser_read(text: str, now: datetime) -> tuple[datetime | None, str | None]:
    from dateparser.date import DateDataParser  # slow to import: only when a date is typed

    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": now.astimezone(MEXICO_TZ).replace(tzinfo=None),
        "TIMEZONE": "America/Mexico_City",
        "RETURN_AS_TIMEZONE_AWARE": True,
    }
    data = DateDataParser(languages=["es"], settings=settings).get_date_data(text)
    return data.date_obj, data.period
