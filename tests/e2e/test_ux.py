"""Issue 10's frictions over Telegram (the emulator), the bot as its own process: guided flows
that time out also after a restart, the console and the CLI as an operator uses them, admins who
name a facilitator by @username, a location pin, «◀ Volver» and phone-sized keyboards."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from tests.bot_process import ROOT
from tests.e2e.people import Person
from tests.e2e.publishing_support import live_with_admin, opened


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_with_admin(tmp_path_factory.mktemp("ux")) as shared:
        yield shared


def grant(live, person: Person, *states: str) -> None:
    with opened(live.process.db_path) as store:
        for state in states:
            store.grant_facilitator(person.user.id, state, None)


# -- guided flows time out, also after a restart ----------------------------------------------


def _age_flows(db_path, hours: float) -> None:
    """As if every flow in the database had last been touched `hours` ago."""
    then = datetime.now(timezone.utc) - timedelta(hours=hours)
    with opened(db_path) as store:
        with store.transaction() as conn:
            conn.execute("UPDATE flow_conversations SET updated_at = ?", (then.isoformat(timespec="seconds"),))
            for user_id, text in conn.execute("SELECT user_id, data FROM flow_drafts").fetchall():
                data = json.loads(text)
                data["flow_touched_at"] = {"__datetime__": then.isoformat(timespec="seconds")}
                conn.execute("UPDATE flow_drafts SET data = ?, updated_at = ? WHERE user_id = ?",
                             (json.dumps(data), then.isoformat(timespec="seconds"), user_id))


def test_a_flow_left_for_more_than_a_day_is_dropped_after_a_restart_not_resumed(tmp_path):
    from tests.e2e.people import Live
    from tests.e2e.publishing_support import running
    from tests.emulator import BotApiEmulator

    with BotApiEmulator() as emu:
        db_path = tmp_path / "cocrea.db"
        fer_user, ana_user = emu.new_user("Fer"), emu.new_user("Ana")
        with running(emu, db_path) as process:
            live = Live(emu, process)
            fer, ana = Person(live, fer_user), Person(live, ana_user)
            grant(live, fer, "oaxaca")
            grant(live, ana, "jalisco")
            kinds = fer.says("/convocar")
            steps = ana.says("/publicar")
        _age_flows(db_path, hours=25)
        with running(emu, db_path) as process:  # a deploy, a day later
            live = Live(emu, process)
            fer, ana = Person(live, fer_user), Person(live, ana_user)
            dropped = fer.taps_to_new(kinds, "7 · Mesas de cocreación")
            assert dropped.text.startswith("Pasó mucho tiempo sin respuesta"), dropped.text
            assert not emu.refresh(kinds).buttons, "the dropped flow's buttons are gone"
            said = ana.says("Acta de instalación del STL")  # would have been the title
            assert said.text.startswith("Pasó mucho tiempo sin respuesta: cancelé la publicación"), said.text
            assert not ana.says("¿cómo va Jalisco?").text.startswith("Pasó mucho tiempo"), "the flow is gone"
            answer = emu.press_button(ana_user, steps, "4 · Acta de instalación")
            alert = emu.wait_for_callback_answer(answer, timeout=20)
            assert "Para empezar de nuevo: /publicar" in (alert.text or ""), alert


def test_a_flow_within_the_limit_still_resumes_after_a_restart(tmp_path):
    from tests.e2e.people import Live
    from tests.e2e.publishing_support import running
    from tests.emulator import BotApiEmulator

    with BotApiEmulator() as emu:
        db_path = tmp_path / "cocrea.db"
        fer_user = emu.new_user("Fer")
        with running(emu, db_path) as process:
            fer = Person(Live(emu, process), fer_user)
            grant(fer.live, fer, "oaxaca")
            kinds = fer.says("/convocar")
        _age_flows(db_path, hours=23)
        with running(emu, db_path) as process:
            fer = Person(Live(emu, process), fer_user)
            assert fer.taps_to_new(kinds, "7 · Mesas de cocreación").text.startswith("¿Cuál es el título?")
            fer.says("/cancelar")


# -- the console and the CLI, as an operator runs them ---------------------------------------


def test_the_console_subscribes_to_every_state_named(tmp_path):
    db_path = tmp_path / "console.db"
    result = subprocess.run([sys.executable, "-m", "bot", "chat"], cwd=ROOT, capture_output=True, text=True,
                            input="/suscribir chiapas y veracruz\n/suscripciones\n/salir\n", timeout=120,
                            env={"PATH": "/usr/bin:/bin", "COCREA_DB": str(db_path)})
    assert result.returncode == 0, result.stderr
    assert "Chiapas: los documentos y convocatorias" in result.stdout, result.stdout
    assert "Veracruz: los documentos y convocatorias" in result.stdout
    with opened(db_path) as store:
        assert sorted(s.state for s in store.subscriptions(0)) == ["chiapas", "veracruz"]


def test_the_cli_warns_on_a_plain_http_link_and_the_notice_goes_out(live):
    from bot.core.rules import LINK_PLAIN_HTTP
    from tests.e2e.publishing_support import run_cli

    eva = live.person("Eva")
    eva.says("/suscribir zacatecas")
    result = run_cli(live.emulator, live.process.db_path, "publicar", "--entidad", "zacatecas", "--paso", "4",
                     "--titulo", "Acta de instalación del STL", "--url", "http://stl.example/zac/acta.pdf")
    assert result.returncode == 0, result.stderr
    assert LINK_PLAIN_HTTP in result.stderr
    live.emulator.wait_for(lambda: [t for t in eva.sent_here() if "Acta de instalación del STL" in t],
                           timeout=30, description="the notice to Zacatecas' subscriber")


# -- admins name a facilitator by @username ---------------------------------------------------


def test_an_admin_names_a_facilitator_by_username_once_they_wrote(live):
    sofi = Person(live, live.emulator.new_user("Sofi", username="Sofi_STL"))
    unknown = live.admin.says("/nombrar_facilitador @sofi_stl jalisco")
    assert unknown.text.startswith("No conozco a @sofi_stl: esa persona todavía no me ha escrito"), unknown.text
    sofi.says("hola, soy del STL de Jalisco")
    done = live.admin.says("/nombrar_facilitador @sofi_stl jalisco")
    assert done.text.startswith(f"Listo: @sofi_stl ({sofi.user.id}) es persona facilitadora de Jalisco"), done.text
    live.emulator.wait_for(lambda: [t for t in sofi.sent_here() if "te nombró persona facilitadora" in t],
                           timeout=20, description="the notice to the person named")
    assert "@Sofi_STL" in sofi.says("/mis_datos").text
    removed = live.admin.says("/quitar_facilitador @SOFI_STL")
    assert removed.text.startswith("Listo: quité a @SOFI_STL"), removed.text


def test_a_wrong_username_gets_a_specific_error(live):
    assert "no es un nombre de usuario de Telegram" in live.admin.says("/nombrar_facilitador @a-b jalisco").text
    assert "es un bot" in live.admin.says("/nombrar_facilitador @otro_bot jalisco").text


def test_erasing_my_data_erases_my_username(live):
    lalo = Person(live, live.emulator.new_user("Lalo", username="lalo_mx"))
    lalo.says("hola")
    question = lalo.says("/borrar_mis_datos")
    assert "tu nombre de usuario" in question.text
    lalo.taps_to_edit(question, "Sí, borrar todo")
    assert "No conozco a @lalo_mx" in live.admin.says("/nombrar_facilitador @lalo_mx oaxaca").text
    assert "@lalo_mx" not in lalo.says("/mis_datos").text


# -- a location pin ----------------------------------------------------------------------------


def _pin(person: Person, lat: float, lon: float):
    person.emu.mark_read(person.chat)
    person.emu.send_location(person.user, lat, lon)
    reply, = person.emu.wait_for_messages(person.chat, 1, timeout=20)
    return reply


def test_a_location_pin_opens_the_card_of_its_state(live):
    ana = live.person("Ana")
    card = _pin(ana, 20.674, -103.344)  # Guadalajara
    assert card.text.startswith("📍 Ese punto cae en Jalisco.") and "Jalisco · " in card.text, card.text
    assert "Jalisco" in ana.says("¿y su plan?").text  # the pin set the topic


def test_a_pin_near_a_border_names_the_neighbour_and_opens_it(live):
    ana = live.person("Ana")
    card = _pin(ana, 19.36, -99.03)
    assert "cerca del límite con" in card.text, card.text
    other = next(label for label in card.button_texts if label.startswith("Ver "))
    assert ana.taps_to_edit(card, other).text.split(" · ")[0] in ("Ciudad de México", "Estado de México")


def test_a_pin_outside_mexico_says_so_and_offers_the_states(live):
    ana = live.person("Ana")
    asked = _pin(ana, 32.716, -117.161)  # San Diego
    assert "Estados Unidos, fuera de México" in asked.text, asked.text
    assert "Oaxaca" in asked.button_texts
    assert ana.taps_to_edit(asked, "Oaxaca").text.startswith("Oaxaca · ")


# -- «◀ Volver»: no dead ends -------------------------------------------------------------------


def test_steps_opened_from_a_card_go_back_to_it_step_by_step(live):
    ana = live.person("Ana")
    card = ana.says("/estado jalisco")
    assert "◀ Volver" not in card.button_texts  # nothing was replaced yet
    overview = ana.taps_to_edit(card, "🧭 Los 13 pasos")
    assert overview.text.startswith("Los 13 pasos") and overview.button_texts[-1] == "◀ Volver"
    step = ana.taps_to_edit(overview, "6")
    assert step.text.startswith("Paso 6 de 13") and "📋 Ver los 13 pasos" not in step.button_texts
    step = ana.taps_to_edit(step, "7 ▶")
    back = ana.taps_to_edit(step, "◀ Volver")
    assert back.text.startswith("Los 13 pasos")
    again = ana.taps_to_edit(back, "◀ Volver")
    assert again.text.startswith("Jalisco · ") and "◀ Volver" not in again.button_texts


def test_a_term_from_the_glossary_and_a_phase_from_the_phases_go_back(live):
    ana = live.person("Ana")
    index = ana.says("/glosario")
    assert index.text.startswith("Glosario: ") and "escribe el término" in index.text
    letter = ana.taps_to_edit(index, "S")
    assert "los de la S" in letter.text
    term = ana.taps_to_edit(letter, next(t for t in letter.button_texts if t.startswith("STL")))
    assert term.text.startswith("STL multiactor") or "Secretariado" in term.text, term.text
    back = ana.taps_to_edit(term, "◀ Volver")
    assert "los de la S" in back.text
    phase = ana.taps_to_edit(ana.says("/fases"), "Fase 2")
    assert ana.taps_to_edit(phase, "◀ Volver").text.startswith("Las 6 fases básicas")


def test_the_welcome_picker_and_a_card_go_back_to_the_welcome(live):
    lupe = live.person("Lupe")
    picker = lupe.taps_to_edit(lupe.says("/start"), "🗺️ Cómo va mi estado")
    card = lupe.taps_to_edit(picker, "BCS")
    assert card.text.startswith("Baja California Sur · ")
    picker = lupe.taps_to_edit(card, "◀ Volver")
    assert "BC" in picker.button_texts and "Baja California" not in picker.button_texts
    assert lupe.taps_to_edit(picker, "◀ Volver").text.startswith("¡Hola! Soy CocreaBot")


def test_a_list_keeps_itself_and_opens_cards_apart(live):
    ana = live.person("Ana")
    listing = ana.says("¿qué estados están en impasse?")
    state = next(label for label in listing.button_texts if label not in ("📍 Ver el mapa",))
    card = ana.taps_to_new(listing, state)
    assert " · " in card.text.splitlines()[0] and ana.emu.refresh(listing).text == listing.text


def test_tampered_or_stale_origins_get_a_friendly_answer(live):
    ana = live.person("Ana")
    step = ana.says("/paso 6")
    for data in ("1|p|6|zz|x", "1|b|zz.6", "1|b|e.atlantida|ps|"):
        answer = ana.taps(step, data, raw=True)
        assert answer.text and "ya no funciona" in answer.text, (data, answer)


# -- phone-sized keyboards ------------------------------------------------------------------------


def test_the_admins_state_picker_is_three_to_a_row(live):
    asked = live.admin.says("/publicar")
    rows = [len(row) for row in asked.buttons]
    assert rows == [3] * 10 + [2], rows
    assert "BC" in asked.button_texts and "BCS" in asked.button_texts
    live.admin.says("/cancelar")


def test_the_glossary_fits_a_phone(live):
    index = live.person("Ana").says("/glosario")
    assert len(index.buttons) <= 8 and all(len(label) <= 24 for label in index.button_texts)
    letters = [label for label in index.button_texts if len(label) == 1]
    assert letters == sorted(letters) and "C" in letters
