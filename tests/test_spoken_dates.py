"""Dates as people say them (issue 10, bug 6): numbers in words, noon and midnight, parts of the
day without an hour, the end of a month or a year. Read against Saturday 21 November 2026,
12:00 in Mexico City, like tests/test_date_input.py."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.core.dates import DateInputError, parse_moment

NOW = datetime(2026, 11, 21, 18, 0, tzinfo=timezone.utc)

# (what people say, the local date-time meant, whether they gave an hour); parts of the day
# without an hour: mañana 9:00, tarde 16:00, noche 20:00, madrugada 5:00; midnight is the end
# of the day named.
SPOKEN = [
    ('en dos semanas', "2026-12-05 23:59", False),
    ('en quince días', "2026-12-06 23:59", False),
    ('quince de diciembre', "2026-12-15 23:59", False),
    ('fin de mes', "2026-11-30 23:59", False),
    ('el próximo viernes a medio día', "2026-11-27 12:00", True),
    ('15 de diciembre a medianoche', "2026-12-15 23:59", True),
    ('mañana en la mañana', "2026-11-22 09:00", True),
    ('en un día', "2026-11-22 23:59", False),
    ('en dos días', "2026-11-23 23:59", False),
    ('en tres días', "2026-11-24 23:59", False),
    ('en cuatro días', "2026-11-25 23:59", False),
    ('en cinco días', "2026-11-26 23:59", False),
    ('en siete días', "2026-11-28 23:59", False),
    ('en ocho días', "2026-11-29 23:59", False),
    ('en diez días', "2026-12-01 23:59", False),
    ('en doce días', "2026-12-03 23:59", False),
    ('en veinte días', "2026-12-11 23:59", False),
    ('en veintiún días', "2026-12-12 23:59", False),
    ('en treinta días', "2026-12-21 23:59", False),
    ('dentro de quince días', "2026-12-06 23:59", False),
    ('dentro de dos semanas', "2026-12-05 23:59", False),
    ('en una semana', "2026-11-28 23:59", False),
    ('en tres semanas', "2026-12-12 23:59", False),
    ('en cuatro semanas', "2026-12-19 23:59", False),
    ('en un mes', "2026-12-21 23:59", False),
    ('en dos meses', "2027-01-21 23:59", False),
    ('en un par de semanas', "2026-12-05 23:59", False),
    ('en un par de días', "2026-11-23 23:59", False),
    ('de hoy en ocho', "2026-11-28 23:59", False),
    ('de hoy en quince', "2026-12-05 23:59", False),
    ('en dos horas', "2026-11-21 14:00", True),
    ('en tres horas', "2026-11-21 15:00", True),
    ('uno de diciembre', "2026-12-01 23:59", False),
    ('el primero de diciembre', "2026-12-01 23:59", False),
    ('dos de diciembre', "2026-12-02 23:59", False),
    ('tres de diciembre', "2026-12-03 23:59", False),
    ('diez de diciembre', "2026-12-10 23:59", False),
    ('once de diciembre', "2026-12-11 23:59", False),
    ('doce de diciembre', "2026-12-12 23:59", False),
    ('trece de diciembre', "2026-12-13 23:59", False),
    ('catorce de diciembre', "2026-12-14 23:59", False),
    ('dieciséis de diciembre', "2026-12-16 23:59", False),
    ('dieciseis de diciembre', "2026-12-16 23:59", False),
    ('diecisiete de diciembre', "2026-12-17 23:59", False),
    ('dieciocho de diciembre', "2026-12-18 23:59", False),
    ('diecinueve de diciembre', "2026-12-19 23:59", False),
    ('veinte de diciembre', "2026-12-20 23:59", False),
    ('veintiuno de diciembre', "2026-12-21 23:59", False),
    ('veintidós de diciembre', "2026-12-22 23:59", False),
    ('veintitrés de diciembre', "2026-12-23 23:59", False),
    ('veinticuatro de diciembre', "2026-12-24 23:59", False),
    ('veinticinco de diciembre', "2026-12-25 23:59", False),
    ('veintiséis de diciembre', "2026-12-26 23:59", False),
    ('veintisiete de diciembre', "2026-12-27 23:59", False),
    ('veintiocho de diciembre', "2026-12-28 23:59", False),
    ('veintinueve de diciembre', "2026-12-29 23:59", False),
    ('treinta de diciembre', "2026-12-30 23:59", False),
    ('treinta y uno de diciembre', "2026-12-31 23:59", False),
    ('el quince de enero', "2027-01-15 23:59", False),
    ('cinco de enero de 2027', "2027-01-05 23:59", False),
    ('quince de diciembre a las seis de la tarde', "2026-12-15 18:00", True),
    ('quince de diciembre a las dieciocho horas', "2026-12-15 18:00", True),
    ('el quince a las 6 de la tarde de diciembre', "2026-12-15 18:00", True),
    ('fin de año', "2026-12-31 23:59", False),
    ('a fin de mes', "2026-11-30 23:59", False),
    ('a finales de mes', "2026-11-30 23:59", False),
    ('para fin de mes', "2026-11-30 23:59", False),
    ('hasta fin de mes', "2026-11-30 23:59", False),
    ('fin del mes que viene', "2026-12-31 23:59", False),
    ('fin del próximo mes', "2026-12-31 23:59", False),
    ('a finales de diciembre', "2026-12-31 23:59", False),
    ('finales de enero', "2027-01-31 23:59", False),
    ('fin de febrero', "2027-02-28 23:59", False),
    ('el fin de año', "2026-12-31 23:59", False),
    ('a medio día', "2026-11-21 12:00", True),
    ('a mediodía', "2026-11-21 12:00", True),
    ('mañana a medio día', "2026-11-22 12:00", True),
    ('mañana al mediodía', "2026-11-22 12:00", True),
    ('el viernes a mediodía', "2026-11-27 12:00", True),
    ('el sábado a medio día', "2026-11-28 12:00", True),
    ('el próximo viernes al medio día', "2026-11-27 12:00", True),
    ('15 de diciembre a medio día', "2026-12-15 12:00", True),
    ('15 de diciembre a medianoche', "2026-12-15 23:59", True),
    ('15 de diciembre a la medianoche', "2026-12-15 23:59", True),
    ('mañana a medianoche', "2026-11-22 23:59", True),
    ('el viernes a media noche', "2026-11-27 23:59", True),
    ('mañana en la tarde', "2026-11-22 16:00", True),
    ('mañana en la noche', "2026-11-22 20:00", True),
    ('mañana por la mañana', "2026-11-22 09:00", True),
    ('mañana por la tarde', "2026-11-22 16:00", True),
    ('mañana por la noche', "2026-11-22 20:00", True),
    ('mañana de madrugada', "2026-11-22 05:00", True),
    ('el viernes en la mañana', "2026-11-27 09:00", True),
    ('el viernes por la tarde', "2026-11-27 16:00", True),
    ('el lunes en la noche', "2026-11-23 20:00", True),
    ('hoy en la tarde', "2026-11-21 16:00", True),
    ('hoy en la noche', "2026-11-21 20:00", True),
    ('esta tarde', "2026-11-21 16:00", True),
    ('esta noche', "2026-11-21 20:00", True),
    ('pasado mañana en la mañana', "2026-11-23 09:00", True),
    ('15 de diciembre en la mañana', "2026-12-15 09:00", True),
    ('15 de diciembre por la tarde', "2026-12-15 16:00", True),
    ('mañana a la una de la tarde', "2026-11-22 13:00", True),
    ('mañana a las dos de la tarde', "2026-11-22 14:00", True),
    ('mañana a las cinco y media', "2026-11-22 05:30", True),
    ('mañana a las cinco y media de la tarde', "2026-11-22 17:30", True),
    ('el viernes a las seis y cuarto de la tarde', "2026-11-27 18:15", True),
    ('el viernes a las 6 y 45 de la tarde', "2026-11-27 18:45", True),
    ('el lunes a las nueve de la mañana', "2026-11-23 09:00", True),
    ('el lunes a las diez', "2026-11-23 10:00", True),
    ('el lunes que viene', "2026-11-23 23:59", False),
    ('el martes que entra', "2026-11-24 23:59", False),
    ('el 15 de diciembre a las 12 del día', "2026-12-15 12:00", True),
    ('diciembre quince', "2026-12-15 23:59", False),
    ('el próximo martes a las ocho de la noche', "2026-11-24 20:00", True),
    ('mañana a las 8:30 de la noche', "2026-11-22 20:30", True),
    ('mañana de madrugada', "2026-11-22 05:00", True),
]

STILL_NOT_ONE_DAY = [
    ("quince", "¿El 15 de qué mes?"),
    ("el veinte", "¿El 20 de qué mes?"),
    ("fin de semana", "No entendí"),
    ("la semana que viene", "No entendí"),
    ("en unos días", "No entendí"),
    ("treinta y uno de noviembre", "No entendí"),
]


@pytest.mark.parametrize("said, local, has_time", SPOKEN)
def test_dates_as_people_say_them(said, local, has_time):
    moment = parse_moment(said, NOW)
    assert (moment.local.strftime("%Y-%m-%d %H:%M"), moment.has_time) == (local, has_time)


def test_the_table_has_more_than_a_hundred_phrasings():
    assert len({said for said, _, _ in SPOKEN}) >= 100


@pytest.mark.parametrize("said, message", STILL_NOT_ONE_DAY)
def test_what_is_still_not_one_day_is_refused(said, message):
    with pytest.raises(DateInputError) as refused:
        parse_moment(said, NOW)
    assert message in str(refused.value)


def test_the_end_of_the_month_on_its_last_day_and_in_december():
    last_day = datetime(2026, 11, 30, 18, 0, tzinfo=timezone.utc)
    assert parse_moment("fin de mes", last_day).local.strftime("%Y-%m-%d %H:%M") == "2026-11-30 23:59"
    december = datetime(2026, 12, 10, 18, 0, tzinfo=timezone.utc)
    assert parse_moment("fin del próximo mes", december).local.strftime("%Y-%m-%d") == "2027-01-31"
    assert parse_moment("a finales de febrero", december).local.strftime("%Y-%m-%d") == "2027-02-28"
