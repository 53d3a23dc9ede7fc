"""Convocatorias end to end: the bot runs as its own process against the emulator. A facilitator
publishes, corrects and cancels from a phone; subscribers are told once; citizens find it until
it closes and not after; reminders arrive, also after a restart, and never twice.

The bot process runs on the real clock: what needs time to pass is created through the domain
(bot/core/convocatorias.py) on the same database, with a clock set in the past, or closes in seconds."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.core.convocatorias import ConvocatoriaDraft, Convocatorias
from knowledge.loader import default_knowledge
from knowledge.reply import html_to_text
from tests.bot_process import BotProcess
from tests.e2e.people import Person, live_bot
from tests.e2e.publishing_support import opened
from tests.emulator import BotApiEmulator

ANNOUNCEMENT = "Nueva convocatoria en Oaxaca"
CORRECTION = "Corrección a una convocatoria de Oaxaca"
CANCELLATION = "Convocatoria cancelada en Oaxaca"
REMINDER = "Recordatorio: una convocatoria cierra pronto"
NOT_FACILITATOR = "Este comando es para las personas facilitadoras de un STL"
NONE_OPEN = "Ahora no hay convocatorias abiertas en Oaxaca"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_bot(tmp_path_factory.mktemp("convocatorias")) as shared:
        yield shared


def grant(live, person: Person, *states: str) -> None:
    with opened(live.process.db_path) as store:
        for state in states:
            store.grant_facilitator(person.user.id, state, None)


def subscribe(person: Person, state: str = "oaxaca") -> None:
    assert person.says(f"/suscribir {state}").text.startswith("🔔 Listo")


def received(emulator: BotApiEmulator, person: Person, mark: str) -> list[str]:
    return [text for text in person.sent_here() if mark in text]


def wait_received(emulator: BotApiEmulator, person: Person, mark: str, count: int = 1) -> list[str]:
    emulator.wait_for(lambda: len(received(emulator, person, mark)) >= count, timeout=30,
                      description=f"{count} × {mark!r} for {person.user.first_name}")
    return received(emulator, person, mark)


def create_directly(db_path: Path, clock, **fields) -> int:
    """A convocatoria written as the CLI writes it, with the given clock."""
    draft = ConvocatoriaDraft(**{"state": "oaxaca", "kind": "mesas", "title": "Mesas de cocreación", **fields})
    with opened(db_path) as store:
        return Convocatorias(store, default_knowledge(), clock=clock).create(draft, "cli").convocatoria.id


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


# -- a facilitator publishes, corrects and cancels from a phone -------------------------------


def test_publish_correct_and_cancel_from_telegram(live):
    emu = live.emulator
    fer, sofi, beto, juan, ana = (live.person(n) for n in ("Fer", "Sofi", "Beto", "Juan", "Ana"))
    grant(live, fer, "oaxaca")
    subscribe(sofi)
    subscribe(beto)
    subscribe(juan, "jalisco")

    kinds = fer.says("/convocar")
    assert "Oaxaca" in kinds.text and "¿Qué tipo de convocatoria es?" in kinds.text
    assert fer.taps_to_new(kinds, "7 · Mesas de cocreación").text.startswith("¿Cuál es el título?")
    assert "Describe la convocatoria" in fer.says("Mesas de cocreación 2027").text
    assert "¿Cuándo cierra?" in fer.says("Para quien quiera proponer compromisos.").text
    assert "No entendí «31 de febrero»" in fer.says("31 de febrero").text
    assert "ya pasó" in fer.says("ayer").text
    echo = fer.says("mañana a las 18:00")
    assert "⏳ Cierra el" in echo.text and "a las 18:00 (hora del centro de México), mañana" in echo.text
    assert fer.taps_to_new(echo, "🟢 Ya está abierta").text.startswith("Mándame el enlace")
    preview = fer.says("https://stl.oaxaca.example/mesas")
    assert "Así la verán las 2 personas y grupos suscritos" in preview.text
    assert ANNOUNCEMENT in preview.text and "Mesas de cocreación 2027" in preview.text
    assert "Con los botones «📄 Abrir», «Ver Oaxaca» y «🔕 Dejar de seguir Oaxaca»." in preview.text
    done = fer.taps_to_new(preview, "✅ Publicar")
    assert done.text.startswith("✅ Publicada. Avisos en camino a 2 suscriptores.")

    for subscriber in (sofi, beto):
        announcement, = wait_received(emu, subscriber, ANNOUNCEMENT)
        assert announcement == _announcement_as_previewed(preview.text)
    reply = ana.says("¿hay convocatorias en oaxaca?")
    assert "Mesas de cocreación 2027" in reply.text and "Cierra mañana," in reply.text

    listing = fer.says("/mis_convocatorias")
    assert "Mesas de cocreación 2027" in listing.text
    menu = fer.taps_to_new(listing, listing.button_texts[0])
    asked = fer.taps_to_new(menu, "📅 Cambiar el cierre")
    assert "nueva fecha de cierre" in asked.text
    confirm = fer.says("en 10 días")
    assert "Nuevo cierre:" in confirm.text and "a las 23:59" in confirm.text and "2 suscriptores" in confirm.text
    assert fer.taps_to_new(confirm, "✅ Guardar y avisar").text.startswith("✅ Guardado. Corrección en camino a 2")
    for subscriber in (sofi, beto):
        correction, = wait_received(emu, subscriber, CORRECTION)
        assert "Nueva fecha de cierre" in correction and "a las 23:59" in correction
    assert "en 10 días" in ana.says("¿hay convocatorias en oaxaca?").text

    menu = fer.taps_to_new(fer.says("/mis_convocatorias"), "Mesas de cocreación 2027")
    sure = fer.taps_to_new(menu, "❌ Cancelar convocatoria")
    assert fer.taps_to_new(sure, "Sí, cancelarla").text.startswith("❌ Convocatoria cancelada. Aviso en camino a 2")
    for subscriber in (sofi, beto):
        wait_received(emu, subscriber, CANCELLATION)
    assert NONE_OPEN in ana.says("¿hay convocatorias en oaxaca?").text
    assert "Suscribirme a Oaxaca" in " ".join(ana.says("/convocatorias oaxaca").button_texts)

    for subscriber in (sofi, beto):
        subscriber.barrier()
        assert [len(received(emu, subscriber, mark)) for mark in (ANNOUNCEMENT, CORRECTION, CANCELLATION)] == [1, 1, 1]
    for bystander in (juan, ana):
        assert received(emu, bystander, ANNOUNCEMENT) == [] and received(emu, bystander, CANCELLATION) == []
    assert len(received(emu, fer, ANNOUNCEMENT)) == 1  # the preview; Fer does not follow Oaxaca


def _announcement_as_previewed(preview: str) -> str:
    """The notice in the preview: what follows it names the notice's buttons, then asks."""
    start = preview.index("📣")
    return preview[start:preview.rindex("\nCon los botones «")]


def test_an_opening_date_skips_and_a_corrected_closing(live):
    fer = live.person("Fer")
    grant(live, fer, "oaxaca", "chiapas")
    states = fer.says("/convocar")
    assert set(states.button_texts) == {"Oaxaca", "Chiapas"}
    kinds = fer.taps_to_new(states, "Chiapas")
    fer.taps_to_new(kinds, "2 · Integrar el STL")
    fer.says("Convocatoria para integrar el STL de Chiapas")
    assert "¿Cuándo cierra?" in fer.says("/saltar").text
    echo = fer.says("en 2 semanas")
    assert "a las 23:59 (hora del centro de México), en 14 días (no dijiste hora: cuenta todo ese día)" in echo.text
    assert "¿Cuándo cierra?" in fer.taps_to_new(echo, "✏️ Corregir el cierre").text
    fer.says("en 3 semanas a las 18:00")
    assert "cerraría" in fer.says("en 4 semanas").text  # an opening after the closing
    assert fer.says_expecting("en 1 semana", 2)[0].text.startswith("🟢 Abre el")
    preview = fer.says("/saltar")
    assert "Nueva convocatoria en Chiapas" in preview.text and "🟢 Abre el" in preview.text
    assert "Paso 2 de 13" in preview.text and "Ver la convocatoria" not in preview.text
    assert fer.taps_to_new(preview, "✖️ Cancelar").text == "Cancelado: no publiqué nada."
    with opened(live.process.db_path) as store:
        assert store.current_convocatorias(["chiapas"], utc_now()) == []


def test_a_new_link_from_mis_convocatorias(live):
    emu = live.emulator
    fer, sofi = live.person("Fer"), live.person("Sofi")
    grant(live, fer, "oaxaca")
    subscribe(sofi)
    create_directly(live.process.db_path, utc_now, title="Convocatoria al STL", kind="stl",
                    closes_at=utc_now() + timedelta(days=5))
    menu = fer.taps_to_new(fer.says("/mis_convocatorias"), "Convocatoria al STL")
    fer.taps_to_new(menu, "🔗 Cambiar el enlace")
    assert "empezar con http" in fer.says("stl punto oaxaca").text
    confirm = fer.says("https://stl.oaxaca.example/nuevo")
    fer.taps_to_new(confirm, "✅ Guardar y avisar")
    correction, = wait_received(emu, sofi, CORRECTION)
    assert "Tiene un enlace nuevo." in correction


def test_cancelar_in_the_middle_forgets_the_draft(live):
    fer = live.person("Fer")
    grant(live, fer, "oaxaca")
    fer.taps_to_new(fer.says("/convocar"), "Consulta")
    assert fer.says("/cancelar").text == "Cancelado: no publiqué nada."
    assert "Describe la convocatoria" not in fer.says("Consulta ciudadana 2027").text  # no longer a title


# -- citizens find it until it closes, and not after -----------------------------------------


def test_found_until_it_closes_and_not_after(live):
    ana = live.person("Ana")
    closes = utc_now() + timedelta(seconds=12)  # three answers and a tap before it closes, on a busy machine too
    create_directly(live.process.db_path, utc_now, title="Consulta relámpago", kind="consulta", closes_at=closes)
    assert "Consulta relámpago" in ana.says("¿hay convocatorias en oaxaca?").text
    card = ana.says("/estado oaxaca")
    assert re.search(r"\d+ convocatorias? abiertas?", card.text), card.text  # others of this module are open too
    assert "Consulta relámpago" in ana.taps_to_edit(card, "➕ Ver más").text
    time.sleep(max(0.0, (closes - utc_now()).total_seconds()) + 0.5)
    assert "Consulta relámpago" not in ana.says("¿hay convocatorias en oaxaca?").text
    assert "Consulta relámpago" not in ana.says("/convocatorias").text


# -- permissions --------------------------------------------------------------------------------


def test_only_the_states_facilitators(live):
    ana, jaime, fer = live.person("Ana"), live.person("Jaime"), live.person("Fer")
    grant(live, jaime, "jalisco", "puebla")
    grant(live, fer, "oaxaca")
    assert NOT_FACILITATOR in ana.says("/convocar").text
    assert NOT_FACILITATOR in ana.says("/mis_convocatorias").text

    states = jaime.says("/convocar")
    assert set(states.button_texts) == {"Jalisco", "Puebla"}
    refused = jaime.taps(states, "1|cv|e:oaxaca", raw=True)
    assert refused.text == "No puedes publicar convocatorias de esa entidad." and refused.show_alert
    jaime.says("/cancelar")

    oaxaca_id = create_directly(live.process.db_path, utc_now, title="Solo de Oaxaca",
                                closes_at=utc_now() + timedelta(days=4))
    listing = jaime.says("/mis_convocatorias")
    assert "Solo de Oaxaca" not in listing.text
    refused = jaime.taps(listing, f"1|cv|x:{oaxaca_id}", raw=True)
    assert refused.text.startswith("Solo las personas facilitadoras de esa entidad")
    with opened(live.process.db_path) as store:
        assert store.convocatoria(oaxaca_id).status == "open"

    group = live.emulator.new_group("STL de Oaxaca", [fer.user])
    in_group = Person(live, fer.user, group)
    for command in ("/convocar", "/mis_convocatorias"):
        assert in_group.says(command).text.startswith("Las convocatorias se publican y corrigen en un chat privado")


# -- reminders: on time, after a restart, never twice -------------------------------------------


def test_reminders_arrive_after_a_restart_and_never_twice(tmp_path):
    with BotApiEmulator() as emu:
        sofi, beto = emu.new_user("Sofi"), emu.new_user("Beto")
        db_path = tmp_path / "cocrea.db"
        with opened(db_path) as store:
            for user in (sofi, beto):
                store.subscribe(user.id, "oaxaca")
            store.set_subscription_options(beto.id, "oaxaca", reminders=False)
        yesterday = lambda: utc_now() - timedelta(days=1)  # noqa: E731 (announced yesterday)
        first = create_directly(db_path, yesterday, title="Primera", closes_at=utc_now() + timedelta(days=2, hours=12))

        bot = BotProcess(emu, db_path).start()
        _wait_texts(emu, sofi, {"Primera": 2})  # its announcement (queued from outside) and its reminder
        bot_stopped_cleanly(bot)

        second = create_directly(db_path, yesterday, title="Segunda", closes_at=utc_now() + timedelta(days=2, hours=12))
        bot = BotProcess(emu, db_path).start()  # the reminder fell due while it was down
        _wait_texts(emu, sofi, {"Segunda": 2})
        _wait_texts(emu, beto, {"Primera": 1, "Segunda": 1})
        bot_stopped_cleanly(bot)

        assert _reminders(emu, sofi) == Counter({"Primera": 1, "Segunda": 1})
        assert _reminders(emu, beto) == Counter()
        with opened(db_path) as store:
            assert [store.convocatoria(n).reminder_sent for n in (first, second)] == [True, True]
            assert store.outbox_counts() == {"sent": 6}


def _texts(emu: BotApiEmulator, user) -> list[str]:
    return [html_to_text(c.params["text"]) for c in emu.calls("sendMessage", chat_id=user.id, status=200)]


def _wait_texts(emu: BotApiEmulator, user, expected: dict[str, int]) -> None:
    def arrived() -> bool:
        texts = _texts(emu, user)
        return all(sum(title in text for text in texts) >= n for title, n in expected.items())
    emu.wait_for(arrived, timeout=30, description=f"{expected} for {user.first_name}")


def _reminders(emu: BotApiEmulator, user) -> Counter:
    reminders = [text for text in _texts(emu, user) if REMINDER in text]
    return Counter(title for text in reminders for title in ("Primera", "Segunda") if title in text)


def bot_stopped_cleanly(bot: BotProcess) -> None:
    code = bot.stop()
    assert code == 0, bot.log()
    assert "Traceback" not in bot.log(), bot.log()


def test_markup_typed_at_every_step_is_shown_as_text(live):
    """HTML and Markdown characters in what a facilitator types never break a reply or a notice."""
    emu = live.emulator
    fer, rosa = live.person("Fer"), live.person("Rosa")
    grant(live, fer, "oaxaca")
    subscribe(rosa)
    kinds = fer.says("/convocar")
    fer.taps_to_new(kinds, "Consulta")
    fer.says("<b>Consulta</b> & *todo* _el_ `año` <3")
    fer.says("Opina: ¿qué <problema> & qué [solución](x)?")
    assert "No entendí «<i>pronto</i>»" in fer.says("<i>pronto</i>").text
    echo = fer.says("en 20 días a las 18:00")
    fer.taps_to_new(echo, "🟢 Ya está abierta")
    assert "comillas" in fer.says('https://x.org/"<b>').text
    preview = fer.says("https://stl.oaxaca.example/consulta?a=1&b=2")
    assert "<b>Consulta</b> & *todo* _el_ `año` <3" in preview.text
    fer.taps_to_new(preview, "✅ Publicar")
    announcement, = wait_received(emu, rosa, ANNOUNCEMENT)
    assert "<b>Consulta</b> & *todo* _el_ `año` <3" in announcement
