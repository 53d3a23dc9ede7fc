"""Dates as people type them in Spanish, read in Mexico City's time zone and kept in UTC."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import time_machine

from bot.core.dates import MEXICO_TZ, START_OF_DAY, DateInputError, local_to_utc, normalize, parse_moment

# Saturday 21 November 2026, 12:00 in Mexico City.
NOW = datetime(2026, 11, 21, 18, 0, tzinfo=timezone.utc)

# (what people type, the local date-time meant, whether they gave an hour)
VALID = [
    ("15 de diciembre", "2026-12-15 23:59", False),
    ("15/12/2026", "2026-12-15 23:59", False),
    ("el viernes", "2026-11-27 23:59", False),
    ("viernes", "2026-11-27 23:59", False),
    ("¿el viernes?", "2026-11-27 23:59", False),
    ("mañana a las 18:00", "2026-11-22 18:00", True),
    ("15 dic 6pm", "2026-12-15 18:00", True),
    ("en 2 semanas", "2026-12-05 23:59", False),
    ("2026-12-15 18:00", "2026-12-15 18:00", True),
    ("2026-12-15T18:00", "2026-12-15 18:00", True),
    ("el 15 de diciembre", "2026-12-15 23:59", False),
    ("15 de diciembre a las 18:00", "2026-12-15 18:00", True),
    ("15 de diciembre a las 18 horas", "2026-12-15 18:00", True),
    ("15 de diciembre a las 6 de la tarde", "2026-12-15 18:00", True),
    ("15 de dic. 18 hrs", "2026-12-15 18:00", True),
    ("15 de diciembre 18:00 hrs", "2026-12-15 18:00", True),
    ("15 de diciembre, 6 p. m.", "2026-12-15 18:00", True),
    ("15 diciembre 2026 6 pm", "2026-12-15 18:00", True),
    ("el lunes a las 10", "2026-11-23 10:00", True),
    ("el próximo lunes", "2026-11-23 23:59", False),
    ("lunes 30 de noviembre a las 9 de la mañana", "2026-11-30 09:00", True),
    ("pasado mañana", "2026-11-23 23:59", False),
    ("mañana", "2026-11-22 23:59", False),
    ("mañana 8:30 am", "2026-11-22 08:30", True),
    ("hoy a las 20:00", "2026-11-21 20:00", True),
    ("a las 18:00", "2026-11-21 18:00", True),
    ("en 3 horas", "2026-11-21 15:00", True),
    ("dentro de 10 días", "2026-12-01 23:59", False),
    ("en 1 mes", "2026-12-21 23:59", False),
    ("en 3 semanas a las 18:00", "2026-12-12 18:00", True),
    ("en 1 mes a las 9 de la mañana", "2026-12-21 09:00", True),
    ("15/12", "2026-12-15 23:59", False),
    ("15-12-2026 18:30", "2026-12-15 18:30", True),
    ("15.12.2026", "2026-12-15 23:59", False),
    ("15/12/26", "2026-12-15 23:59", False),
    ("12/15/2026", "2026-12-15 23:59", False),  # only one way to read it
    ("Martes 1 de diciembre", "2026-12-01 23:59", False),
    ("1 dic 2026", "2026-12-01 23:59", False),
    ("dic 15", "2026-12-15 23:59", False),
    ("viernes 27 de noviembre 17:30", "2026-11-27 17:30", True),
    ("3 de enero", "2027-01-03 23:59", False),  # the next 3 January, not the last one
    ("10 de enero de 2027 a las 13:00", "2027-01-10 13:00", True),
    ("  15 DE DICIEMBRE  ", "2026-12-15 23:59", False),
]

# Parsed, but in the past: the domain refuses these as closing dates (tests/test_convocatorias.py).
PAST = ["ayer", "hace 2 días", "20 de noviembre de 2026", "19/11/2026 18:00"]

NOT_DATES = [
    ("", "Escribe una fecha"),
    ("   ", "Escribe una fecha"),
    ("asdf", "No entendí «asdf»"),
    ("hola, ¿cómo estás?", "No entendí"),
    ("31 de febrero", "No entendí «31 de febrero»"),
    ("31/11/2026", "No entendí"),
    ("29 de febrero de 2027", "No entendí"),
    ("13/25/2026", "No entendí"),
    ("el 15", "¿El 15 de qué mes?"),
    ("15", "¿El 15 de qué mes?"),
    ("diciembre", "Necesito un día exacto"),
    ("la próxima semana", "Necesito un día exacto"),
    ("el 15 de diciembre " * 10, "muy largo"),
]


@pytest.mark.parametrize("typed, local, has_time", VALID)
def test_spanish_phrasings(typed, local, has_time):
    moment = parse_moment(typed, NOW)
    assert moment.local.strftime("%Y-%m-%d %H:%M") == local
    assert moment.has_time is has_time
    assert moment.at.tzinfo == timezone.utc


@pytest.mark.parametrize("typed", PAST)
def test_past_dates_are_read_as_past(typed):
    assert parse_moment(typed, NOW).at < NOW


@pytest.mark.parametrize("typed, message", NOT_DATES)
def test_what_is_not_one_day_is_refused_with_a_hint(typed, message):
    with pytest.raises(DateInputError) as refused:
        parse_moment(typed, NOW)
    assert message in str(refused.value)
    assert "Traceback" not in str(refused.value)


def test_at_least_forty_phrasings_are_covered():
    assert len(VALID) + len(PAST) + len(NOT_DATES) >= 40


def test_an_opening_without_hour_starts_at_midnight():
    moment = parse_moment("15 de diciembre", NOW, default_time=START_OF_DAY)
    assert moment.local.strftime("%Y-%m-%d %H:%M") == "2026-12-15 00:00"
    assert moment.at == datetime(2026, 12, 15, 6, 0, tzinfo=timezone.utc)


def test_six_in_the_evening_in_mexico_city_is_midnight_utc_of_the_next_day():
    moment = parse_moment("15 de diciembre a las 18:00", NOW)
    assert moment.at == datetime(2026, 12, 16, 0, 0, tzinfo=timezone.utc)
    assert moment.at.astimezone(MEXICO_TZ).strftime("%H:%M") == "18:00"


def test_zone_rules_not_a_fixed_offset():
    # Mexico City kept daylight saving time until October 2022: 18:00 then was 23:00 UTC.
    assert local_to_utc(datetime(2022, 7, 1, 18, 0)) == datetime(2022, 7, 1, 23, 0, tzinfo=timezone.utc)
    # Since then it is UTC-6 all year, also after the US changes its clocks (14 March 2027).
    assert local_to_utc(datetime(2027, 3, 15, 18, 0)) == datetime(2027, 3, 16, 0, 0, tzinfo=timezone.utc)
    assert local_to_utc(datetime(2027, 7, 1, 18, 0)) == datetime(2027, 7, 2, 0, 0, tzinfo=timezone.utc)


def test_relative_dates_use_the_given_now_not_the_machine_clock():
    with time_machine.travel(datetime(2030, 6, 1, 12, 0, tzinfo=timezone.utc), tick=False):
        moment = parse_moment("mañana a las 18:00", NOW)
    assert moment.local.strftime("%Y-%m-%d %H:%M") == "2026-11-22 18:00"


def test_across_the_us_clock_change_mexico_city_keeps_its_hour():
    # The day before the US springs forward (Sunday 14 March 2027), at 14:00 in Mexico City.
    now = datetime(2027, 3, 13, 20, 0, tzinfo=timezone.utc)
    moment = parse_moment("mañana a las 18:00", now)
    assert moment.at == datetime(2027, 3, 15, 0, 0, tzinfo=timezone.utc)
    assert parse_moment("en 3 horas", now).at == datetime(2027, 3, 13, 23, 0, tzinfo=timezone.utc)


def test_near_midnight_utc_the_local_day_counts():
    # 23:30 in Mexico City on Friday 20 November is already Saturday in UTC: "mañana" is Saturday.
    late = datetime(2026, 11, 21, 5, 30, tzinfo=timezone.utc)
    assert parse_moment("mañana", late).local.strftime("%Y-%m-%d %H:%M") == "2026-11-21 23:59"


def test_normalize_only_tidies():
    assert normalize("  El   15 de DIC. a las 6 de la tarde. ") == "15 de dic a las 18:00"
    assert normalize("en 3 horas") == "en 3 horas"
