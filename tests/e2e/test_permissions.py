"""Who may do what: citizens get a polite no for facilitator and admin commands; a facilitator
publishes only for their own states, even with hand-made button data."""

from __future__ import annotations

import pytest

from tests.e2e.people import Person
from tests.e2e.publishing_support import facilitator, live_with_admin, opened

NOT_FACILITATOR = "Este comando es para las personas facilitadoras de un STL."
NOT_ADMIN = "Este comando es solo para quienes administran CocreaBot."


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_with_admin(tmp_path_factory.mktemp("permissions")) as shared:
        yield shared


def documents(live) -> list:
    with opened(live.process.db_path) as store:
        return store.documents(None, limit=100)


@pytest.mark.parametrize("command, refusal", [
    ("/publicar", NOT_FACILITATOR),
    ("/nombrar_facilitador 123 jalisco", NOT_ADMIN),
    ("/quitar_facilitador 123", NOT_ADMIN),
    ("/facilitadores", NOT_ADMIN),
])
def test_a_citizen_gets_a_polite_refusal(live, command, refusal):
    assert live.person().says(command).text.startswith(refusal)


def test_a_citizen_cannot_name_themselves(live):
    citizen = live.person()
    citizen.says(f"/nombrar_facilitador {citizen.user.id} jalisco")
    assert citizen.says("/publicar").text.startswith(NOT_FACILITATOR)


def test_a_facilitator_is_not_an_admin(live):
    fer = facilitator(live, "jalisco")
    assert fer.says("/nombrar_facilitador 123 oaxaca").text.startswith(NOT_ADMIN)


def test_a_facilitator_of_one_state_is_not_asked_which(live):
    fer = facilitator(live, "jalisco")
    steps = fer.says("/publicar")
    assert steps.text.startswith("Jalisco. ¿De qué paso")


def test_a_facilitator_of_two_states_chooses_among_theirs_only(live):
    fer = facilitator(live, "jalisco", "puebla")
    question = fer.says("/publicar")
    assert question.button_texts == ["Jalisco", "Puebla"]


def test_a_tampered_state_button_is_refused(live):
    fer = facilitator(live, "jalisco", "puebla")
    question = fer.says("/publicar")
    answer = fer.taps(question, "1|pb|e:oaxaca", raw=True)
    assert answer.show_alert and answer.text == "No puedes publicar para esa entidad."
    steps = fer.taps_to_new(question, "Puebla")  # the flow goes on with a state of theirs
    assert steps.text.startswith("Puebla. ¿De qué paso")


def test_a_tampered_state_button_after_the_state_was_set_changes_nothing(live):
    fer = facilitator(live, "jalisco")
    steps = fer.says("/publicar")
    answer = fer.taps(steps, "1|pb|e:oaxaca", raw=True)
    assert answer.show_alert and "no funciona" in answer.text
    fer.taps_to_new(steps, "4 · Acta de instalación")
    fer.says("Acta de instalación")
    preview = fer.says("https://stl.example/jalisco/acta-permisos.pdf")
    assert "Nuevo documento del STL de Jalisco" in preview.text
    fer.taps_to_new(preview, "✅ Publicar")
    assert [d.state for d in documents(live) if d.url.endswith("acta-permisos.pdf")] == ["jalisco"]


def test_a_facilitator_removed_mid_flow_cannot_confirm(live):
    fer = facilitator(live, "nayarit")
    steps = fer.says("/publicar")
    fer.taps_to_new(steps, "4 · Acta de instalación")
    fer.says("Acta de Nayarit")
    preview = fer.says("https://stl.example/nayarit/acta.pdf")
    assert live.admin.says(f"/quitar_facilitador {fer.user.id} nayarit").text.startswith("Listo")
    answer = fer.taps(preview, "✅ Publicar")
    assert answer.show_alert and answer.text.startswith("Ya no puedes publicar este documento")
    assert [d for d in documents(live) if d.state == "nayarit"] == []


def test_an_admin_may_publish_for_any_state(live):
    question = live.admin.says("/publicar")
    assert len(question.button_texts) == 32
    steps = live.admin.taps_to_new(question, "Oaxaca")
    assert steps.text.startswith("Oaxaca. ¿De qué paso")
    assert live.admin.says("/cancelar").text == "Cancelado: no publiqué nada."


def test_publicar_in_a_group_points_to_the_private_chat(live):
    fer = facilitator(live, "jalisco")
    group = live.group_with_bot("STL Jalisco", [fer.user])
    reply = Person(live, fer.user, group).says("/publicar")
    assert reply.text == "Los documentos se publican en un chat privado conmigo: escríbeme ahí /publicar."
