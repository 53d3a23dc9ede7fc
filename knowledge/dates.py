"""Dates as the sources give them (a year, a month, a day, sometimes approximate), formatted
for people in Mexican Spanish with babel."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date, format_datetime, format_skeleton
from pydantic import BaseModel, ConfigDict, model_validator

LOCALE = "es_MX"
_PARTIAL_DATE = re.compile(r"^(?P<approx>~)?(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")


class PartialDate(BaseModel):
    """A date known to the year, the month or the day; `approx` for "c. 2019"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int
    month: int | None = None
    day: int | None = None
    approx: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if isinstance(value, int):
            return {"year": value}
        if isinstance(value, date):
            return {"year": value.year, "month": value.month, "day": value.day}
        if isinstance(value, str):
            match = _PARTIAL_DATE.match(value.strip())
            if not match:
                raise ValueError("fecha inválida: use AAAA, AAAA-MM o AAAA-MM-DD (con ~ delante si es aproximada)")
            return {
                "year": int(match["year"]),
                "month": int(match["month"]) if match["month"] else None,
                "day": int(match["day"]) if match["day"] else None,
                "approx": bool(match["approx"]),
            }
        return value

    @model_validator(mode="after")
    def _is_a_real_date(self) -> PartialDate:
        date(self.year, self.month or 1, self.day or 1)  # raises ValueError for 2019-13 or 2019-02-30
        if self.day is not None and self.month is None:
            raise ValueError("un día sin mes no es una fecha")
        return self

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def human(self) -> str:
        """'17 de mayo de 2022', 'noviembre de 2019', '2019', 'hacia 2019'."""
        return _human(self.year, self.month, self.day, self.approx)

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p]
        return ("~" if self.approx else "") + "-".join(parts)


@lru_cache(maxsize=1024)  # the sources' dates are few and babel is slow; every answer cites some
def _human(year: int, month: int | None, day: int | None, approx: bool) -> str:
    if month and day:
        text = format_date(date(year, month, day), format="long", locale=LOCALE)
    elif month:
        text = format_skeleton("yMMMM", date(year, month, 1), locale=LOCALE)
    else:
        text = str(year)
    return f"hacia {text}" if approx else text


def human_date(value: date) -> str:
    """'24 de noviembre de 2026'."""
    return format_date(value, format="long", locale=LOCALE)


def human_weekday_date(value: date | datetime) -> str:
    """'martes 24 de noviembre'."""
    return format_date(value, format="EEEE d 'de' MMMM", locale=LOCALE)


def human_time(value: datetime) -> str:
    """'18:00'."""
    return format_datetime(value, format="HH:mm", locale=LOCALE)
