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


# -- bug 8: links ----------------------------------------------------------------------------


def to_source_question(fer: Person, title: str = "Acta de instalación del STL"):
    steps = fer.says("/publicar")
    assert fer.taps_to_new(steps, "4").text.startswith("¿Cuál es el título")
    assert "enlace" in fer.says(title).text


def test_a_link_without_https_gets_it_and_one_inside_a_network_is_refused(live):
    fer = facilitator_of(live, "jalisco")
    to_source_question(fer, "Acta de instalación (sin esquema)")
    refused = fer.says("http://localhost/acta.pdf")
    assert "red interna (localhost)" in refused.text, refused.text
    assert "red interna (192.168.1.20)" in fer.says("http://192.168.1.20/acta.pdf").text
    assert "«file:» no lo es" in fer.says("file:///etc/passwd").text
    preview = fer.says("www.itei.org.mx/acta-sin-esquema.pdf")
    assert "¿Lo publico?" in preview.text and "Ojo" not in preview.text
    assert "https://www.itei.org.mx/acta-sin-esquema.pdf" in [e.get("url") for e in preview.entities], preview.entities


def test_a_plain_http_link_is_published_with_a_warning(live):
    fer = facilitator_of(live, "jalisco")
    to_source_question(fer, "Acta en http")
    preview = fer.says("http://itei.org.mx/acta-en-http.pdf")
    assert "Ojo: el enlace empieza con http://, sin cifrar" in preview.text
    assert fer.taps_to_new(preview, "✅ Publicar").text.startswith("✅ Publicado")
