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
    to_closing_question_for(fer, "")


def to_closing_question_for(fer: Person, state: str):
    kinds = fer.says(f"/convocar {state}".strip())
    assert fer.taps_to_new(kinds, "7 · Mesas de cocreación").text.startswith("¿Cuál es el título?")
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
    assert fer.taps_to_new(steps, "4 · Acta de instalación").text.startswith("¿Cuál es el título")
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


# -- bug 7: a typed state the facilitator cannot use -------------------------------------------


def test_a_state_typed_that_the_facilitator_cannot_use_is_said_and_asked(live):
    fer = facilitator_of(live, "jalisco")
    steps = fer.says("/publicar oaxaca")
    assert steps.text.startswith("Solo puedes publicar para Jalisco; no para Oaxaca."), steps.text
    assert "Jalisco. ¿De qué paso es evidencia el documento?" in steps.text
    kinds = fer.says("/convocar oaxaca")
    assert kinds.text.startswith("Solo puedes publicar convocatorias para Jalisco; no para Oaxaca."), kinds.text
    assert "¿Qué tipo de convocatoria es?" in kinds.text
    fer.says("/cancelar")


def test_a_state_typed_that_the_facilitator_can_use_skips_the_question(live):
    fer = facilitator_of(live, "jalisco", "oaxaca")
    steps = fer.says("/publicar oaxaca")
    assert steps.text.startswith("Oaxaca. ¿De qué paso es evidencia el documento?"), steps.text
    unknown = fer.says("/publicar atlántida")
    assert unknown.text.startswith("No reconozco la entidad «atlántida».") and "¿De qué entidad?" in unknown.text
    fer.says("/cancelar")


# -- frictions: the step typed, buttons with names, answered keyboards, files taken --------------


def test_the_step_can_be_typed_and_its_buttons_say_its_name(live):
    fer = facilitator_of(live, "jalisco")
    steps = fer.says("/publicar")
    labels = [label for row in steps.buttons for label, _ in row]
    assert "4 · Acta de instalación" in labels and "13 · Informes" in labels
    assert len(steps.text) < 200, steps.text
    assert "del 1 al 13" in fer.says("paso 14").text
    assert fer.says("paso 4").text.startswith("¿Cuál es el título")
    assert live.emulator.refresh(steps).buttons == (), "the answered keyboard stays"
    fer.says("Acta de instalación tecleada")
    photo = fer.emu.send_photo(fer.user, b"\x89PNG fake", caption=None)
    assert photo
    refusal, = fer.emu.wait_for_messages(fer.chat, 1, timeout=20)
    assert refusal.text.startswith("No puedo publicar una foto como documento"), refusal.text
    fer.says("/cancelar")


def test_no_link_said_in_words_skips_it(live):
    fer = facilitator_of(live, "oaxaca")
    to_closing_question(fer)
    echo = fer.says("en quince días")
    assert fer.taps_to_new(echo, "🟢 Ya está abierta").text.startswith("Mándame el enlace")
    preview = fer.says("no tiene")
    assert "¿La publico?" in preview.text
    fer.taps_to_new(preview, "✖️ Cancelar")


# -- bug 2: documents filtered in the query, paged -----------------------------------------------


def publish_directly(live, state: str, count: int, step_of=lambda n: 6) -> None:
    """`count` documents of a state, newest last, written as the CLI writes them."""
    from datetime import date, timedelta

    with opened(live.process.db_path) as store:
        for n in range(count):
            store.add_document(state=state, step=step_of(n), kind="otro", title=f"Documento {n + 1:02d}",
                               url=f"https://stl.example/{state}/{n}.pdf", file_id=None, file_unique_id=None,
                               file_name=None, published_on=date(2025, 1, 1) + timedelta(days=n),
                               published_by="cli", notice_html="Nuevo documento")


def test_documents_of_a_step_are_found_among_many_and_every_list_pages(live):
    publish_directly(live, "guanajuato", 40, step_of=lambda n: 4 if n < 3 else 6)  # the 3 oldest: step 4
    ana = live.person("Ana")
    of_step = ana.says("documentos de guanajuato del paso 4")
    assert "Documentos del paso 4 publicados por el STL de Guanajuato" in of_step.text, of_step.text
    assert all(f"Documento {n:02d}" in of_step.text for n in (1, 2, 3))
    listing = ana.says("/documentos guanajuato")
    assert "Documento 40" in listing.text and "Documento 30" not in listing.text
    assert "Del 1 al 10 de 40. Quedan 30 más." in listing.text
    second = ana.taps_to_edit(listing, "Siguientes ▶")
    assert "Documento 30" in second.text and "Del 11 al 20 de 40. Quedan 20 más." in second.text
    back = ana.taps_to_edit(second, "◀ Anteriores")
    assert "Documento 40" in back.text


# -- bug 12: guided flows survive a restart ------------------------------------------------------


def test_guided_flows_halfway_resume_after_a_restart(tmp_path):
    from tests.e2e.people import Live
    from tests.e2e.publishing_support import running
    from tests.emulator import BotApiEmulator

    with BotApiEmulator() as emu:
        db_path = tmp_path / "cocrea.db"
        fer_user, ana_user = emu.new_user("Fer"), emu.new_user("Ana")
        with running(emu, db_path) as process:
            live = Live(emu, process)
            grant(live, Person(live, fer_user), "oaxaca", "jalisco")
            fer, ana = Person(live, fer_user), Person(live, ana_user)
            grant(live, ana, "jalisco")
            to_closing_question_for(fer, "oaxaca")
            echo = fer.says("en quince días")
            steps = ana.says("/publicar")
        with running(emu, db_path) as process:  # a deploy: a new process on the same database
            live = Live(emu, process)
            fer, ana = Person(live, fer_user), Person(live, ana_user)
            assert fer.taps_to_new(echo, "🟢 Ya está abierta").text.startswith("Mándame el enlace")
            preview = fer.says("https://stl.example/oaxaca/mesas-reinicio")
            assert "Mesas de cocreación 2027" in preview.text
            assert fer.taps_to_new(preview, "✅ Publicar").text.startswith("✅ Publicada.")
            assert ana.taps_to_new(steps, "4 · Acta de instalación").text.startswith("¿Cuál es el título")
            assert "enlace" in ana.says("Acta tras el reinicio").text
            preview = ana.says("https://stl.example/jalisco/acta-reinicio.pdf")
            assert "Acta tras el reinicio" in preview.text and "Jalisco" in preview.text
            ana.taps_to_new(preview, "✖️ Cancelar")


# -- bug 4: a convocatoria that opens later --------------------------------------------------------


def test_a_convocatoria_that_opens_later_is_listed_under_proximas(live):
    from datetime import datetime, timedelta, timezone

    from bot.core.convocatorias import ConvocatoriaDraft, Convocatorias
    from knowledge.loader import default_knowledge

    now = datetime.now(timezone.utc)
    draft = ConvocatoriaDraft(state="tlaxcala", kind="mesas", title="Mesas de Tlaxcala 2027",
                              opens_at=now + timedelta(days=10), closes_at=now + timedelta(days=30))
    with opened(live.process.db_path) as store:
        Convocatorias(store, default_knowledge()).create(draft, "cli")
    ana = live.person("Ana")
    for asked in ("/convocatorias tlaxcala", "¿hay convocatorias en tlaxcala?"):
        reply = ana.says(asked)
        assert "Próximas en Tlaxcala" in reply.text and "Mesas de Tlaxcala 2027" in reply.text, reply.text
        assert "Abre el" in reply.text and "en 10 días" in reply.text
    card = ana.taps_to_edit(ana.says("/estado tlaxcala"), "➕ Ver más")
    assert "Próximas convocatorias" in card.text and "Mesas de Tlaxcala 2027: abre el" in card.text, card.text


def test_an_opening_date_in_the_past_means_it_is_open_already(live):
    fer = facilitator_of(live, "oaxaca")
    to_closing_question(fer)
    fer.says("en quince días")
    said = fer.says("ayer")
    assert said.text.startswith("🟢 Ya está abierta: abrió el") and said.text.endswith(", ayer."), said.text
    assert "hoy" not in said.text
    fer.says("/cancelar")


# -- admins name facilitators by reply, forward or Telegram's user picker --------------------------


def test_an_admin_names_a_facilitator_by_replying_to_a_forwarded_message(live):
    sofi = live.person("Sofi")
    said = sofi.says("hola, soy del STL")  # Sofi has talked to the bot
    original = next(m for m in live.emulator.messages(sofi.chat) if not m.from_bot)
    live.emulator.mark_read(live.admin.chat)
    forwarded = live.emulator.forward_to_bot(live.admin.user, original)
    live.admin.barrier()
    assert said
    done = live.admin.says("/nombrar_facilitador jalisco", reply_to=forwarded["message_id"])
    assert done.text.startswith(f"Listo: Sofi ({sofi.user.id}) es persona facilitadora de Jalisco"), done.text
    told = live.emulator.wait_for(lambda: [t for t in sofi.sent_here() if "te nombró persona facilitadora" in t],
                                  timeout=20, description="the notice to the person named")
    assert "Jalisco" in told[0] and "/publicar" in told[0]
    listing = live.admin.says("/facilitadores")
    assert f"Sofi ({sofi.user.id}) — Jalisco" in listing.text
    removed = live.admin.says(f"/quitar_facilitador {sofi.user.id}")
    assert removed.text.startswith("Listo: quité a")
    live.emulator.wait_for(lambda: [t for t in sofi.sent_here() if "te quitó como persona facilitadora" in t],
                           timeout=20, description="the notice to the person removed")


def test_a_hidden_forward_and_wrong_input_get_specific_errors(live):
    beto = live.person("Beto")
    beto.says("hola")
    original = next(m for m in live.emulator.messages(beto.chat) if not m.from_bot)
    forwarded = live.emulator.forward_to_bot(live.admin.user, original, hidden=True)
    live.admin.barrier()
    hidden = live.admin.says("/nombrar_facilitador jalisco", reply_to=forwarded["message_id"])
    assert hidden.text.startswith("Esa persona no deja ver quién es"), hidden.text
    assert live.admin.says("/nombrar_facilitador 123 atlántida").text.startswith("No reconozco la entidad «atlántida»")
    assert "nombre de usuario" in live.admin.says("/nombrar_facilitador @beto jalisco").text


def test_an_admin_names_a_facilitator_with_the_user_picker(live):
    lupe = live.person("Lupe")
    lupe.says("hola")
    asked = live.admin.says("/nombrar_facilitador oaxaca")
    assert "¿A quién nombro persona facilitadora de Oaxaca?" in asked.text
    request = live.emulator.reply_keyboard_button(live.admin.chat, "👤 Elegir a la persona")["request_users"]
    assert request["user_is_bot"] is False and request["request_name"] is True
    live.emulator.mark_read(live.admin.chat)
    live.emulator.share_users(live.admin.user, request["request_id"], [lupe.user])
    done, = live.emulator.wait_for_messages(live.admin.chat, 1, timeout=20)
    assert done.text.startswith(f"Listo: Lupe ({lupe.user.id}) es persona facilitadora de Oaxaca"), done.text
    assert live.emulator.reply_keyboard(live.admin.chat) is None  # the picker is gone
    assert lupe.says("/convocar").text.startswith("📣 Oaxaca")
    lupe.says("/cancelar")
