"""What facilitators and admins hit (issue 10): dates as people say them, a state they cannot
use, links typed without a scheme or pointing inside a network, documents listed page by page,
convocatorias that open later, and guided flows that survive a restart. The bot runs as its own
process against the emulator."""

from __future__ import annotations

import pytest

from tests.e2e.people import Person
from tests.e2e.publishing_support import live_with_admin, opened


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_with_admin(tmp_path_factory.mktemp("facilitators")) as shared:
        yield shared


def grant(live, person: Person, *states: str) -> None:
    with opened(live.process.db_path) as store:
        for state in states:
            store.grant_facilitator(person.user.id, state, None)


def facilitator_of(live, *states: str, name: str = "Fer") -> Person:
    person = live.person(name)
    grant(live, person, *states)
    return person


def to_closing_question(fer: Person):
    kinds = fer.says("/convocar")
    assert fer.taps_to_new(kinds, "Mesas de cocreación (paso 7)").text.startswith("¿Cuál es el título?")
    assert "Describe la convocatoria" in fer.says("Mesas de cocreación 2027").text
    assert "¿Cuándo cierra?" in fer.says("Para quien quiera proponer compromisos.").text


# -- bug 6: dates as people say them ----------------------------------------------------------


@pytest.mark.parametrize("said, echoed", [
    ("en dos semanas", "en 14 días"),
    ("en quince días", "en 15 días"),
    ("el próximo viernes a medio día", "a las 12:00"),
    ("mañana en la mañana", "a las 09:00 (hora del centro de México), mañana"),
])
def test_a_closing_date_said_in_words_is_understood(live, said, echoed):
    fer = facilitator_of(live, "oaxaca")
    to_closing_question(fer)
    echo = fer.says(said)
    assert "⏳ Cierra el" in echo.text and echoed in echo.text, echo.text
