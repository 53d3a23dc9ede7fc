"""Publishing as it happens: an admin names a facilitator, the facilitator publishes with
/publicar (a link, or the PDF itself), an operator publishes from the CLI while the bot runs,
and every subscriber of that state gets the notice once."""

from __future__ import annotations

import re

import pytest

from tests.e2e.people import Person
from tests.e2e.publishing_support import (
    NOTICE_MARK, facilitator, live_with_admin, notices_in, notices_received, opened, publish_cli, wait_for_notices,
)

SPANISH_DATE = r"\d{1,2} de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre) de \d{4}"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_with_admin(tmp_path_factory.mktemp("publishing")) as shared:
        yield shared


def subscribers(live, state: str, n: int = 2) -> list[Person]:
    people = [live.person(f"Suscriptora {i}") for i in range(n)]
    for person in people:
        person.says(f"/suscribir {state}")
    return people


def documents(live, state: str) -> list:
    with opened(live.process.db_path) as store:
        return store.documents(state, limit=50)


def walk_to_preview(person: Person, title: str, source: str | tuple[str, bytes], step: str = "4 · Acta de instalación"):
    """/publicar → step → title → link or file; returns the preview message."""
    steps = person.says("/publicar")
    assert "¿De qué paso es evidencia el documento?" in steps.text
    asked_title = person.taps_to_new(steps, step)
    assert asked_title.text.startswith("¿Cuál es el título")
    asked_source = person.says(title)
    assert "enlace" in asked_source.text and "archivo" in asked_source.text
    if isinstance(source, str):
        return person.says(source)
    person.emu.mark_read(person.chat)
    person.emu.send_document(person.user, source[0], source[1], "application/pdf")
    preview, = person.emu.wait_for_messages(person.chat, 1, timeout=20)
    return preview


def test_admin_names_lists_and_removes_facilitators(live):
    fer = facilitator(live, "jalisco")
    listing = live.admin.says("/facilitadores")
    assert f"Fer ({fer.user.id}) — Jalisco" in listing.text
    again = live.admin.says(f"/nombrar_facilitador {fer.user.id} jalisco")
    assert again.text.startswith("Ya lo era")
    usage = live.admin.says("/nombrar_facilitador Fer jalisco")
    assert usage.text.startswith("«Fer» no es un id de Telegram (son solo números).")
    unknown = live.admin.says(f"/quitar_facilitador {fer.user.id} <atlántida>")
    assert unknown.text.startswith("No reconozco la entidad «<atlántida>». Uso: /quitar_facilitador <id")
    removed = live.admin.says(f"/quitar_facilitador {fer.user.id}")
    assert removed.text.startswith(f"Listo: quité a {fer.user.id}")
    assert fer.says("/publicar").text.startswith("Este comando es para las personas facilitadoras")


def test_a_facilitator_gets_the_publishing_commands_in_the_menu(live):
    fer = facilitator(live, "jalisco")
    commands = {c["command"] for c in live.emulator.visible_commands(fer.user)}
    assert {"publicar", "cancelar"} <= commands


def test_publish_a_link_and_every_subscriber_gets_it_once(live):
    fer = facilitator(live, "jalisco")
    readers = subscribers(live, "jalisco", 3)
    outsider = subscribers(live, "oaxaca", 1)[0]
    only_calls = live.person("Solo convocatorias")
    only_calls.taps(only_calls.says("/suscribir jalisco"), "Solo convocatorias")
    url = "https://stl.example/jalisco/acta-de-instalacion.pdf"
    preview = walk_to_preview(fer, "Acta de instalación del STL de Jalisco", url)
    assert preview.text.startswith("Así lo verán las 3 personas y grupos suscritos:")
    assert NOTICE_MARK in preview.text and preview.button_texts == ["✅ Publicar", "✖️ Cancelar"]

    done = fer.taps_to_new(preview, "✅ Publicar")
    assert done.text == "✅ Publicado. Avisos en camino a 3 suscriptores."

    counts = wait_for_notices(live.emulator, [r.user for r in readers])
    assert [counts[r.chat_id] for r in readers] == [1, 1, 1]
    assert counts[outsider.chat_id] == 0 and counts[only_calls.chat_id] == 0
    notice = notices_in(live.emulator, readers[0].user)[0]
    lines = notice.text.splitlines()
    assert lines[0] == "📄 Nuevo documento del STL de Jalisco"
    assert "Acta de instalación del STL de Jalisco" in lines
    assert "Paso 4 de 13: Acta de instalación del Secretariado Técnico Local" in lines
    assert re.search(rf"Publicado el {SPANISH_DATE}", notice.text)
    assert notice.entities_of("text_link") == ["Ver el documento"]
    assert [e["url"] for e in notice.entities if e["type"] == "text_link"] == [url]
    assert lines[-1] == "Ver el documento" and "/baja" not in notice.text
    assert notice.button_texts == ["📄 Abrir", "Ver Jalisco", "🔕 Dejar de seguir"]
    assert documents(live, "jalisco")[0].title == "Acta de instalación del STL de Jalisco"


def test_publish_an_uploaded_pdf_and_subscribers_receive_the_file(live):
    fer = facilitator(live, "puebla")
    reader, = subscribers(live, "puebla", 1)
    preview = walk_to_preview(fer, "Plan de Acción Local de Puebla", ("pal-puebla.pdf", b"%PDF-1.4 plan"), step="11 · Plan de Acción")
    assert preview.text.startswith("Así lo verá la persona o grupo suscrito:")
    assert "📎 El archivo va adjunto." in preview.text
    assert fer.taps_to_new(preview, "✅ Publicar").text == "✅ Publicado. Aviso en camino a 1 suscriptor."
    wait_for_notices(live.emulator, [reader.user])
    received = reader.emu.messages(reader.user)[-1]
    assert received.document and received.document["file_name"] == "pal-puebla.pdf"
    assert "Paso 11 de 13" in received.text and "Plan de Acción Local de Puebla" in received.text
    published, = documents(live, "puebla")
    assert published.has_file and published.url is None and published.step == 11


def test_cancelar_mid_flow_publishes_nothing(live):
    fer = facilitator(live, "colima")
    steps = fer.says("/publicar")
    fer.taps_to_new(steps, "4 · Acta de instalación")
    assert fer.says("/cancelar").text == "Cancelado: no publiqué nada."
    assert fer.says("Un título cualquiera").text != "Ahora mándame el enlace (https://…) o el archivo (PDF) del documento."
    assert documents(live, "colima") == []


def test_the_cancel_button_of_the_preview(live):
    fer = facilitator(live, "colima")
    preview = walk_to_preview(fer, "Acta de Colima", "https://stl.example/colima/acta.pdf")
    assert preview.text.startswith("Nadie sigue todavía los documentos de esta entidad")
    assert fer.taps_to_new(preview, "✖️ Cancelar").text == "Cancelado: no publiqué nada."
    assert documents(live, "colima") == []


def test_a_duplicate_is_refused_with_a_clear_message(live):
    fer = facilitator(live, "durango")
    url = "https://stl.example/durango/acta.pdf"
    fer.taps_to_new(walk_to_preview(fer, "Acta <final> & anexos", url), "✅ Publicar")
    refused = walk_to_preview(fer, "La misma acta otra vez", url)
    assert refused.text.startswith("Ese documento ya estaba publicado para Durango: «Acta <final> & anexos»")
    assert "No lo publiqué de nuevo." in refused.text
    assert len(documents(live, "durango")) == 1


def test_bad_input_in_the_flow_is_asked_again(live):
    fer = facilitator(live, "campeche")
    steps = fer.says("/publicar")
    assert "un número del 1 al 13" in fer.says("hola").text  # a step can be typed now; other text is asked again
    fer.taps_to_new(steps, "Otro (no es de un paso)")
    assert fer.says("ab").text.startswith("El título debe tener entre 3 y 200 caracteres")
    fer.says("Informe del STL")
    assert fer.says("no es un enlace").text.startswith("El enlace debe empezar con http:// o https://")
    preview = fer.says("https://stl.example/campeche/informe")
    assert "Informe del STL" in preview.text and "Otro documento" in preview.text and "Paso " not in preview.text


def test_the_cli_publishes_while_the_bot_runs_and_the_bot_delivers(live):
    readers = subscribers(live, "zacatecas", 2)
    out = publish_cli(live.emulator, live.process.db_path, state="Zacatecas", step="4",
                      title="Acta de instalación (CLI)", url="https://stl.example/zacatecas/acta.pdf")
    assert "Avisos en cola: 2" in out
    counts = wait_for_notices(live.emulator, [r.user for r in readers])
    assert [counts[r.chat_id] for r in readers] == [1, 1]
    assert "Acta de instalación (CLI)" in notices_in(live.emulator, readers[0].user)[0].text


def test_unsubscribing_stops_delivery(live):
    stays, leaves = subscribers(live, "sonora", 2)
    assert leaves.says("/baja sonora").text.startswith("Listo")
    publish_cli(live.emulator, live.process.db_path, state="sonora", url="https://stl.example/sonora/1.pdf")
    wait_for_notices(live.emulator, [stays.user])
    stays.barrier()
    leaves.barrier()  # the bot handled everything before; the dispatcher had its chance too
    assert notices_received(live.emulator)[leaves.chat_id] == 0
    with opened(live.process.db_path) as store:
        assert store.outbox_counts().get("pending", 0) == 0


def test_the_new_document_shows_in_documentos_and_moves_the_state_card(live):
    reader = live.person()
    before = reader.says("/estado tamaulipas")
    assert "Paso 4 de 13" not in before.text
    publish_cli(live.emulator, live.process.db_path, state="tamaulipas", step="4",
                title="Acta de instalación del STL de Tamaulipas", url="https://stl.example/tamaulipas/acta.pdf")
    assert "Acta de instalación del STL de Tamaulipas" in reader.says("/documentos tamaulipas").text
    after = reader.says("/estado tamaulipas")
    assert "Paso 4 de 13: Acta de instalación del Secretariado Técnico Local" in after.text


def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(live):
    fer = facilitator(live, "nayarit")
    refused = walk_to_preview(fer, "Factura del STL", ("factura.pdf.exe", b"MZ\x90\x00" + b"\x00" * 512))
    assert refused.text.startswith("Ese archivo no es un PDF: solo publico documentos en PDF")
    fer.emu.mark_read(fer.chat)
    fer.emu.send_document(fer.user, "acta.pdf", b"<html>no soy un PDF</html>", "application/pdf")
    again, = fer.emu.wait_for_messages(fer.chat, 1, timeout=20)
    assert again.text.startswith("Ese archivo no es un PDF")
    fer.emu.mark_read(fer.chat)
    fer.emu.send_document(fer.user, "acta.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 acta", "application/pdf")
    preview, = fer.emu.wait_for_messages(fer.chat, 1, timeout=20)
    assert preview.text.startswith("Nadie sigue todavía los documentos de esta entidad")
    assert fer.taps_to_new(preview, "✖️ Cancelar").text == "Cancelado: no publiqué nada."
    assert documents(live, "nayarit") == []


def test_a_title_with_a_direction_override_is_asked_again(live):
    fer = facilitator(live, "tabasco")
    steps = fer.says("/publicar")
    fer.taps_to_new(steps, "4 · Acta de instalación")
    assert fer.says("Factura \u202efdp.exe").text.startswith("El título no puede llevar caracteres invisibles")
    assert fer.says("Acta de Tabasco").text.startswith("Ahora mándame el enlace")
    assert fer.says("https://usuario:clave@stl.example/t.pdf").text.startswith(
        "El enlace no puede llevar usuario ni contraseña")
    assert documents(live, "tabasco") == []
