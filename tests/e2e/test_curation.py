"""Questions to the team end to end (issue 11): people ask what the bot cannot answer and consent,
curators see them in /pendientes and in `preguntas --json`, answer from Telegram and from the
CLI, every asker gets the answer once (also across a restart), the next person gets the reviewed
answer; nothing is kept without consent; erasure; 👍/👎."""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e.people import Live, Person, live_bot
from tests.e2e.publishing_support import admin_env, opened, poll, run_cli, running
from tests.emulator import BotApiEmulator

UNKNOWN = "¿Cuál es el teléfono del STL de Jalisco?"
OFFER = "¿Quieres que el equipo lo revise? Te aviso cuando haya respuesta."
TEAM = "Respuesta del equipo de CocreaBot"
ANSWER = "El STL de Jalisco recibe mensajes en el correo que publica en su página oficial."


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    emulator = BotApiEmulator()
    admin = emulator.new_user("Admin")
    with live_bot(tmp_path_factory.mktemp("curation"), env=admin_env(admin), emulator=emulator) as shared:
        shared.admin = Person(shared, admin)
        yield shared


def team_answers(live, person) -> list[str]:
    return [text for text in person.sent_here() if TEAM in text]


def ask_and_send(person, text: str = UNKNOWN) -> str:
    reply = person.says(text)
    assert OFFER in reply.text and reply.button_texts[-2:] == ["Sí, enviarla", "No, gracias"], reply.text
    return person.taps_to_new(reply, "Sí, enviarla").text


def stored(live, sql: str, *params) -> list:
    with opened(live.process.db_path) as store:
        return store.db.conn.execute(sql, params).fetchall()


def test_asked_consented_listed_answered_from_telegram_and_the_next_one_gets_it(live):
    ana, beto = live.person("Ana"), live.person("Beto")
    assert ask_and_send(ana).startswith("📨 Listo: envié tu pregunta al equipo")
    assert ask_and_send(beto, "cual es el telefono del stl de jalisco").startswith("📨 Listo")
    assert "Preguntas que enviaste al equipo" in ana.says("/mis_datos").text

    listed = json.loads(run_cli(live.emulator, live.process.db_path, "preguntas", "--json").stdout)
    question = next(q for q in listed if q["text"] == UNKNOWN)
    assert question["count"] == 2 and question["states"] == ["Jalisco"] and question["status"] == "pending"

    pending = live.admin.says("/pendientes")
    assert f"#{question['id']} · 2 veces" in pending.text and UNKNOWN in pending.text
    assert {f"✍️ Responder #{question['id']}", f"✅ Ya lo sabe #{question['id']}"} <= set(pending.button_texts)
    prompt = live.admin.taps_to_new(pending, f"✍️ Responder #{question['id']}")
    assert prompt.text.startswith(f"✍️ Escribe la respuesta a #{question['id']}")
    preview = live.admin.says(ANSWER)
    assert preview.text.startswith("Así la recibirán") and ANSWER in preview.text
    done = live.admin.taps_to_new(preview, "✅ Enviar")
    assert done.text.startswith("✅ Enviada a 2 personas")

    for person in (ana, beto):
        live.emulator.wait_for(lambda p=person: team_answers(live, p), timeout=30, description="the team's answer")
    for person in (ana, beto):
        got, = team_answers(live, person)
        assert ANSWER in got and UNKNOWN in got and "revisada el" in got
    assert stored(live, "SELECT count(*) FROM askers")[0][0] == 0  # no chat stays tied to the question

    carla = live.person("Carla")
    reviewed = carla.says("¿cuál es el teléfono del STL de Jalisco")
    assert reviewed.text.startswith(f"💬 {TEAM} (revisada el ") and ANSWER in reviewed.text
    assert "Sí, enviarla" not in reviewed.button_texts


def test_nothing_is_stored_without_consent(live):
    eva = live.person("Eva")
    text = "¿Cuál es el teléfono privadísimo del STL de Sonora?"
    reply = eva.says(text)
    assert eva.taps_to_new(reply, "No, gracias").text == "De acuerdo, no guardé tu pregunta."
    assert stored(live, "SELECT count(*) FROM questions WHERE text LIKE '%privad%'")[0][0] == 0
    assert stored(live, "SELECT count(*) FROM askers WHERE chat_id = ?", eva.chat_id)[0][0] == 0
    assert eva.says("/mis_datos").text.startswith("No guardo nada de este chat")


def test_erasure_takes_the_pending_questions(live):
    fer = live.person("Fer")
    ask_and_send(fer, "¿Cuándo se reúne el STL de Tabasco?")
    assert stored(live, "SELECT count(*) FROM askers WHERE chat_id = ?", fer.chat_id)[0][0] == 1
    confirm = fer.says("/borrar_mis_datos")
    assert "las preguntas que enviaste" in confirm.text
    fer.taps_to_edit(confirm, "Sí, borrar todo")
    assert stored(live, "SELECT count(*) FROM askers WHERE chat_id = ?", fer.chat_id)[0][0] == 0
    assert stored(live, "SELECT count(*) FROM questions WHERE text LIKE '%Tabasco%'")[0][0] == 0


def test_thumbs_up_and_down_once_per_answer(live):
    gabi = live.person("Gabi")
    reply = gabi.says("¿cómo va Oaxaca?")
    assert reply.button_texts[-2:] == ["👍 Me sirvió", "👎 No me sirvió"]
    offer = gabi.taps_to_new(reply, "👎 No me sirvió")
    assert OFFER in offer.text and offer.button_texts == ["Sí, enviarla", "No, gracias"]
    assert "👍 Me sirvió" not in live.emulator.refresh(reply).button_texts  # once per answer
    assert gabi.taps_to_new(offer, "Sí, enviarla").text.startswith("📨 Listo")
    votes = stored(live, "SELECT intent, state, up, down FROM feedback WHERE state = 'oaxaca'")
    assert votes == [("state_status", "oaxaca", 0, 1)]
    liked = gabi.says("¿qué es un STL?")
    gabi.taps(liked, "👍 Me sirvió")
    poll(lambda: stored(live, "SELECT up FROM feedback WHERE intent = 'glossary'") == [(1,)], 10, "the 👍")


def test_curators_are_named_by_an_admin_and_citizens_cannot_curate(live):
    hugo = live.person("Hugo")
    assert hugo.says("/pendientes").text.startswith("Esto es para el equipo")
    assert live.admin.says(f"/nombrar_curador {hugo.user.id}").text.startswith("Listo")
    assert re.search(r"\d+ preguntas? esperan? respuesta", hugo.says("/pendientes").text)
    stats = hugo.says("/estadisticas")
    assert stats.text.startswith("📊 Estadísticas") and "¿Te sirvió?" in stats.text


def test_an_answer_from_the_cli_reaches_the_askers_once_across_a_restart(tmp_path):
    emulator = BotApiEmulator()
    with emulator:
        admin = emulator.new_user("Admin")
        db_path = tmp_path / "cocrea.db"
        with running(emulator, db_path, admin) as process:
            shared = Live(emulator, process)
            askers = [shared.person(name) for name in ("Iris", "Juan", "Kim")]
            for person in askers:
                ask_and_send(person, "¿Cuánto presupuesto tiene el STL de Puebla?")
        question_id = json.loads(run_cli(emulator, db_path, "preguntas", "--json").stdout)[0]["id"]
        done = run_cli(emulator, db_path, "responder", str(question_id), ANSWER)  # the bot is down
        assert done.returncode == 0 and "3 personas" in done.stdout, done.stderr
        with running(emulator, db_path, admin):
            for person in askers:
                emulator.wait_for(lambda p=person: team_answers(None, p), timeout=30, description="the answer")
        with running(emulator, db_path, admin):  # a second restart sends nothing again
            pass
        assert [len(team_answers(None, person)) for person in askers] == [1, 1, 1]
        assert run_cli(emulator, db_path, "responder", str(question_id), ANSWER).returncode == 2
