"""Dates and times as people type them in Spanish ("15 de diciembre", "15/12/2026", "el viernes",
"mañana a las 18:00", "15 dic 6pm", "en 2 semanas", "2026-12-15 18:00"), read in Mexico City's
time zone and returned in UTC.

dateparser does the reading; this module only tidies what it cannot read: numbers in words
("en quince días", "quince de diciembre", "a las seis y media"), "el viernes", "a las 6 de la
tarde", "18 hrs", "pasado mañana", noon and midnight ("a medio día", "a medianoche"), a part of
the day without an hour ("mañana en la mañana": 9:00, "en la tarde": 16:00, "en la noche": 20:00)
and the end of a month or year ("fin de mes", "a finales de diciembre"). It refuses what is not
one day ("diciembre", "la próxima semana", a bare "15"), and says whether an hour was given: a
closing date without one means the end of that day (23:59), an opening date without one its
start (00:00). Midnight is the end of the day named (23:59), as people mean «el 15 a medianoche».

dateparser takes a while to import and to load its Spanish data, so it is imported on first use."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timezone


from knowledge.wording import MEXICO_TZ  # the one Mexico City timezone
END_OF_DAY = time(23, 59)
START_OF_DAY = time(0, 0)
EXAMPLES = "«15 de diciembre», «15/12/2026 18:00», «el viernes», «mañana a las 18:00» o «en dos semanas»"
MAX_TEXT = 80
MAX_YEAR = 2100  # later dates are typos (9999-12-31), and near year 9999 time zones overflow
TOO_FAR = f"queda demasiado lejos en el futuro: escribe una fecha antes de {MAX_YEAR}"

_NUMBER_WORDS = {
    "cero": 0, "un": 1, "uno": 1, "una": 1, "primero": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
    "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13,
    "catorce": 14, "quince": 15, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19,
    "veinte": 20, "veintiun": 21, "veintiuno": 21, "veintiuna": 21, "veintidos": 22, "veintitres": 23,
    "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26, "veintisiete": 27, "veintiocho": 28,
    "veintinueve": 29, "treinta": 30, "treinta y un": 31, "treinta y uno": 31, "cuarenta": 40,
    "cuarenta y cinco": 45, "cincuenta": 50, "sesenta": 60, "noventa": 90,
}
_ACCENTS = str.maketrans("áéíóú", "aeiou")
_NUMBER = re.compile(r"\b(" + "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True)) + r")\b")
_MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre")
_PARTS_OF_DAY = {"mañana": "9:00", "tarde": "16:00", "noche": "20:00", "madrugada": "5:00"}
_END_OF = re.compile(r"\b(?:a\s+|para\s+|hasta\s+)?(?:el\s+)?(?:fin|final|finales)\s+(?:de|del)\s+"
                     r"(?:(mes|año)(?:\s+que\s+(?:viene|entra))?|(?:(pr[oó]ximo)\s+)?(mes|año)|(" + "|".join(_MONTHS) + r"))\b")

_FILLER = re.compile(r"^(?:para |hasta |antes del? )?(?:el |este |esta )?(?:pr[oó]ximo )?(?=\w)")
_BARE_NUMBER = re.compile(r"^\d{1,2}$")
_RELATIVE = re.compile(r"^(?:en|dentro de)\s+\d+\s+"
                       r"(?:minutos?|horas?|d[ií]as?|semanas?|mes(?:es)?)(?:\s+a\s+las\s+\d{1,2}:\d\d)?$")
_HAS_TIME = re.compile(r"\d:\d\d|\d\s*(?:am|pm)\b|\bhoras?\b|\bminutos?\b")
# Before the fillers go: "esta noche" is today at night, not "noche"; "de hoy en ocho" a week.
# a replacement re.sub takes: a template or a function of the match
_Replacement = str | Callable[[re.Match[str]], str]
_EARLY_REWRITES: tuple[tuple[re.Pattern[str], _Replacement], ...] = (
    (re.compile(r"\besta\s+(mañana|tarde|noche)\b"), r"hoy en la \1"),
    (re.compile(r"\bde\s+hoy\s+en\s+(?:8|ocho)\b"), "en 7 días"),
    (re.compile(r"\bde\s+hoy\s+en\s+(?:15|quince)\b"), "en 14 días"),
    (re.compile(r"\b(lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo)\s+que\s+(?:viene|entra)\b"),
     r"\1"),
)
_REWRITES: tuple[tuple[re.Pattern[str], _Replacement], ...] = (
    (re.compile(r"\bpasado\s+mañana\b"), "en 2 días"),
    (re.compile(r"\b(\d{1,2})\s+y\s+media\b"), r"\1:30"),
    (re.compile(r"\b(\d{1,2})\s+y\s+cuarto\b"), r"\1:15"),
    (re.compile(r"\b(\d{1,2})\s+y\s+(\d\d)\b(?!\s+de\s+(?:" + "|".join(_MONTHS) + r"))"), r"\1:\2"),
    (re.compile(r"\b(?:a\s+las\s+|a\s+la\s+|al\s+|a\s+|en\s+el\s+|en\s+la\s+|de\s+)?medio\s*d[ií]a\b"), "a las 12:00"),
    (re.compile(r"\b(?:a\s+la\s+|a\s+las\s+|a\s+|en\s+la\s+|de\s+)?media\s*noche\b"), "a las 23:59"),
    (re.compile(r"(\d)\s*([ap])\.?\s*m\.?(?=\s|$)"), r"\1\2m"),  # 6 p. m. -> 6pm
    (re.compile(r"\b(\d{1,2})(?::(\d\d))?\s+(?:de\s+la|en\s+la|por\s+la)\s+(mañana|tarde|noche|madrugada)\b"),
     lambda m: _daypart(m)),
    (re.compile(r"\s*\bde\s+madrugada\b"), " a las 5:00"),
    # a part of the day without an hour: «mañana en la mañana», «el viernes por la tarde»
    (re.compile(r"(?:\s+|^)(?:en|por|de|a)\s+la\s+(mañana|tarde|noche|madrugada)\b"),
     lambda m: f" a las {_PARTS_OF_DAY[m[1]]}"),
    (re.compile(r"\b(\d{1,2}):(\d\d)\s*(?:hrs?\.?|horas|h)(?=\s|$)"), r"\1:\2"),  # 18:00 hrs -> 18:00
    (re.compile(r"(?<!\ben )(?<!\bde )\b(\d{1,2})\s*(?:hrs?\.?|horas|h)(?=\s|$)"), r"\1:00"),  # 18 hrs -> 18:00
    (re.compile(r"\ba\s+las\s+(\d{1,2})(?=\s|$)"), r"a las \1:00"),  # a las 10 -> a las 10:00
    (re.compile(r"\ba\s+la\s+(1)(?=\s|$)"), r"a las \1:00"),
    (re.compile(r"\ba\s+la\s+(\d{1,2}:\d\d)\b"), r"a las \1"),
    (re.compile(r"\b(\d{1,2}(?::\d\d)?)\s+del\s+d[ií]a\b"), r"\1"),
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
    cleaned = _end_of_period(normalize(text or ""), now)
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
    """Lower case, single spaces, no end punctuation, numbers in words as digits, fillers out,
    hours in a form dateparser reads."""
    text = " ".join(text.lower().replace("¿", " ").replace("?", " ").split()).strip(" .,;!")
    text = re.sub(r"\b(?:un\s+)?par\s+de\s+", "2 ", text)
    text = _NUMBER.sub(lambda m: str(_NUMBER_WORDS[m[1]]), _number_words_unaccented(text))
    for pattern, replacement in _EARLY_REWRITES:
        text = pattern.sub(replacement, text)
    text = _FILLER.sub("", text)
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


def _number_words_unaccented(text: str) -> str:
    """«dieciséis», «veintitrés», «veintiún» as their plain spelling, leaving every other word alone."""
    return re.sub(r"\b(?:dieci|veinti)\w+\b", lambda m: m[0].translate(_ACCENTS), text)


def _end_of_period(text: str, now: datetime) -> str:
    """«fin de mes», «a finales de diciembre», «fin del próximo mes», «fin de año» as the last day."""
    match = _END_OF.search(text)
    if not match:
        return text
    today = now.astimezone(MEXICO_TZ).date()
    this, _, next_, month_name = match.groups()
    if month_name:
        month = _MONTHS.index(month_name) + 1
        year = today.year + (month < today.month)
    elif (this or next_) == "año":
        month, year = 12, today.year + bool(next_ or "viene" in match[0] or "entra" in match[0])
    else:
        ahead = bool(next_ or "viene" in match[0] or "entra" in match[0])
        month, year = (today.month % 12) + 1 if ahead else today.month, today.year + (ahead and today.month == 12)
    last = date(year, month, calendar.monthrange(year, month)[1])
    return f"{text[:match.start()]}{last.day}/{last.month}/{last.year}{text[match.end():]}".strip()


def _daypart(match: re.Match[str]) -> str:
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
