"""Questions to the team (issue 11), in process: what is offered, what is stored only with
consent, grouping, abuse limits, votes, the team's answer through the outbox and as a reviewed
answer, erasure, resolved questions, statistics and the CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot import cli
from bot.core import commands
from bot.core.chats import Chats
from bot.core.curation import (
    FLOOD_MESSAGES, MAX_PENDING, OFFER_SECONDS, Curation, abuse, question_key, why_unanswered, Understood,
)
from bot.core.permissions import Permissions
from bot.store import Store
from knowledge.engine import Engine

UNKNOWN = "¿Cuál es el teléfono del STL de Jalisco?"
ANSWER = "Escribe al correo que publica el STL de Jalisco en su página oficial."


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def curation(store, kb, clock):
    return Curation(store, Engine(kb, live=store), clock=clock)


def rows(store: Store, table: str) -> list[dict]:
    return store._query(f"SELECT * FROM {table}")


def ask_and_send(curation: Curation, chat_id: int, text: str = UNKNOWN):
    offer = curation.answer(text, chat_id).offer
    assert offer, f"no offer for {text!r}"
    return curation.consent(chat_id, offer)


# -- what is offered -------------------------------------------------------------------------


@pytest.mark.parametrize("text, reason", [
    (UNKNOWN, "missing"),  # «no tengo ese dato»
    ("¿cuánto presupuesto tiene el gobierno abierto?", "missing"),
    ("¿quién es el gobernador de Puebla?", "out_of_scope"),  # names a state
    ("¿qué es la transparencia proactiva?", "out_of_scope"),  # about open government
    ("¿qué opinan los ciudadanos del plan de Chiapas?", "low_confidence"),
])
def test_what_the_bot_cannot_answer_is_offered_to_the_team(curation, engine, text, reason):
    assert why_unanswered(engine.understand(text), text) == reason
    answered = curation.answer(text, 1)
    assert answered.offer and answered.vote is None


@pytest.mark.parametrize("text", ["¿qué tiempo hace hoy?", "hola", "gracias"])
def test_what_is_not_about_open_government_gets_no_offer(curation, text):
    assert curation.answer(text, 1).offer is None


def test_a_factual_answer_asks_whether_it_helped(curation):
    answered = curation.answer("¿cómo va Jalisco?", 1)
    assert answered.vote and answered.offer is None


# -- consent ---------------------------------------------------------------------------------


def test_nothing_is_stored_without_consent(curation, store, tmp_path):
    text = "¿Cuál es el teléfono secreto del STL de Oaxaca?"
    answered = curation.answer(text, 7)
    curation.decline(7, answered.offer)
    curation.flush_counts()
    assert rows(store, "questions") == [] and rows(store, "askers") == []
    store.close()
    raw = b"".join(path.read_bytes() for path in tmp_path.glob("cocrea.db*"))
    assert "secreto".encode() not in raw
    assert curation.consent(7, answered.offer).kind == "stale"  # the yes after a no finds nothing


def test_an_offer_is_forgotten_after_ten_minutes(curation, store, clock):
    offer = curation.answer(UNKNOWN, 1).offer
    clock.now += OFFER_SECONDS + 1
    assert curation.consent(1, offer).kind == "stale"
    assert rows(store, "questions") == []


def test_an_offer_of_another_chat_is_refused(curation, store):
    offer = curation.answer(UNKNOWN, 1).offer
    assert curation.consent(2, offer).kind == "stale"
    assert rows(store, "questions") == []


def test_with_consent_the_text_understanding_date_and_chat_are_kept(curation, store):
    outcome = ask_and_send(curation, 5)
    assert outcome.kind == "queued"
    question, = rows(store, "questions")
    assert question["text"] == UNKNOWN and question["states"] == "jalisco" and question["form"] == "out_of_scope"
    assert question["asked"] == 1 and question["first_asked"] and question["status"] == "pending"
    assert [(a["question_id"], a["chat_id"]) for a in rows(store, "askers")] == [(question["id"], 5)]


def test_the_same_question_from_many_people_is_grouped_and_counted(curation, store):
    for chat_id, text in ((1, UNKNOWN), (2, "cual es el telefono del stl de jalisco"), (3, "¿¿CUÁL es el teléfono del STL de Jalisco??")):
        assert ask_and_send(curation, chat_id, text).kind == "queued"
    assert ask_and_send(curation, 1).kind == "already"  # once per chat
    question, = rows(store, "questions")
    assert question["asked"] == 3
    other = ask_and_send(curation, 4, "¿Cuál es el teléfono del STL de Oaxaca?")  # another understanding
    assert other.question_id != question["id"]


def test_the_key_is_normalized_text_plus_understanding(engine):
    understood = Understood.of(engine.understand(UNKNOWN))
    assert question_key(UNKNOWN, understood) == question_key("cual es el telefono del stl de jalisco", understood)


# -- abuse -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text, why", [
    ("eres un idiota, ¿dónde está el STL de Jalisco?", "insult"),
    ("STL " * 600, "long"),
    ("%%%% #### !!!! 1234 ???? stl", "noise"),
    ("transparencia" + "a" * 40, "noise"),
])
def test_abuse_is_not_queued(curation, store, text, why):
    assert abuse(text) == why
    assert curation.answer(text, 1).offer is None
    assert rows(store, "questions") == []


def test_a_chat_has_at_most_a_few_questions_pending(curation, store):
    places = ["Jalisco", "Oaxaca", "Puebla", "Sonora"]
    outcomes = [ask_and_send(curation, 9, f"¿Cuál es el teléfono del STL de {place}?").kind for place in places]
    assert outcomes == ["queued"] * MAX_PENDING + ["too_many"]
    assert len(rows(store, "askers")) == MAX_PENDING


def test_a_chat_that_floods_gets_no_offer(curation):
    for _ in range(FLOOD_MESSAGES - 1):
        curation.answer("hola", 3)
    assert curation.answer(UNKNOWN, 3).offer is None
    assert curation.answer(UNKNOWN, 4).offer  # another chat is not affected


# -- ¿Te sirvió? -----------------------------------------------------------------------------


def test_a_vote_counts_once_without_text(curation, store):
    token = curation.answer("¿cómo va Jalisco?", 1).vote
    assert curation.vote(1, token, useful=True) == ("counted", None)
    assert curation.vote(1, token, useful=False) == ("stale", None)
    vote, = rows(store, "feedback")
    assert (vote["intent"], vote["state"], vote["up"], vote["down"]) == ("state_status", "jalisco", 1, 0)
    assert "Jalisco" not in json.dumps(vote) and rows(store, "questions") == []


def test_thumbs_down_leads_to_the_offer(curation, store):
    token = curation.answer("¿cómo va Jalisco?", 1).vote
    status, offer = curation.vote(1, token, useful=False)
    assert status == "counted" and offer
    assert curation.consent(1, offer).kind == "queued"
    question, = rows(store, "questions")
    assert question["reason"].startswith("thumbs_down:")


# -- the team's answer -----------------------------------------------------------------------


def test_the_answer_reaches_every_asker_through_the_outbox(curation, store):
    for chat_id in (1, 2):
        ask_and_send(curation, chat_id)
    question_id = rows(store, "questions")[0]["id"]
    assert curation.reply_to_askers(question_id, ANSWER, "cli") == 2
    deliveries = store.due_deliveries(now=10**12, limit=10)
    assert sorted(d.chat_id for d in deliveries) == [1, 2]
    assert "Respuesta del equipo de CocreaBot" in deliveries[0].html and ANSWER in deliveries[0].html
    assert UNKNOWN in deliveries[0].html
    assert rows(store, "askers") == []  # the chats are forgotten once the outbox has them
    assert curation.reply_to_askers(question_id, ANSWER, "cli") is None  # not twice


def test_the_next_person_gets_the_reviewed_answer(curation, store):
    ask_and_send(curation, 1)
    curation.reply_to_askers(rows(store, "questions")[0]["id"], ANSWER, "telegram:1")
    answered = curation.answer("cual es el telefono del STL de jalisco", 2)
    assert answered.reviewed and answered.offer is None
    assert answered.reply.text.startswith("💬 Respuesta del equipo de CocreaBot (revisada el ")
    assert ANSWER in answered.reply.text
    offer = curation.answer(UNKNOWN.replace("Jalisco", "Sonora"), 2).offer  # another question still offers
    assert offer


def test_a_consent_to_a_question_answered_meanwhile_gets_the_answer(curation, store):
    ask_and_send(curation, 1)
    offer = curation.answer(UNKNOWN, 2).offer
    curation.reply_to_askers(rows(store, "questions")[0]["id"], ANSWER, "cli")
    outcome = curation.consent(2, offer)
    assert outcome.kind == "answered" and ANSWER in outcome.reply.text


def test_dismissed_and_known(curation, store):
    first = ask_and_send(curation, 1).question_id
    second = ask_and_send(curation, 2, "¿Cuándo se reúne el STL de Oaxaca?").question_id
    assert curation.dismiss(first, "cli") and not curation.dismiss(first, "cli")
    assert curation.already_known(second, "cli") == 1
    html = store.due_deliveries(now=10**12, limit=10)[0].html
    assert html.startswith("💡 <b>Ya tengo respuesta</b>")
    assert sorted(q["status"] for q in curation.pending(include_all=True)) == ["dismissed", "known"]
    assert curation.pending() == []


# -- erasure ---------------------------------------------------------------------------------


def test_erasure_forgets_the_chat_and_its_lonely_questions(curation, store):
    ask_and_send(curation, 1)
    ask_and_send(curation, 2)
    ask_and_send(curation, 1, "¿Cuándo se reúne el STL de Oaxaca?")
    chats = Chats(store)
    assert [q["text"] for q in chats.questions(1)] == [UNKNOWN, "¿Cuándo se reúne el STL de Oaxaca?"]
    chats.erase(1)
    assert chats.questions(1) == []
    question, = rows(store, "questions")  # the one chat 2 asked too stays, for chat 2
    assert question["text"] == UNKNOWN and [a["chat_id"] for a in rows(store, "askers")] == [2]


# -- when the store learns -------------------------------------------------------------------


def test_resolved_lists_the_pending_questions_the_store_now_answers(curation, store):
    ask_and_send(curation, 1)  # still unanswerable
    status, learned = store.record_question("como va jalisco|old", "¿cómo va Jalisco?",
                                            {"form": "out_of_scope", "intent": "out_of_scope"},
                                            "out_of_scope:000000000000", 2, MAX_PENDING)
    assert status == "queued"
    found = curation.resolved()
    assert [question["id"] for question, _ in found] == [learned]
    assert curation.notify_resolved("cli") == (1, 1)
    delivery, = store.due_deliveries(now=10**12, limit=10)
    assert delivery.chat_id == 2 and "Jalisco" in delivery.html
    assert curation.resolved() == []


# -- statistics ------------------------------------------------------------------------------


def test_statistics_count_questions_answers_and_votes(curation, store):
    store.subscribe(11, "jalisco")
    store.subscribe(-12, "jalisco", convocatorias=False)
    curation.answer("¿cómo va Jalisco?", 1)
    curation.vote(1, curation.answer("¿cómo va Oaxaca?", 1).vote, useful=True)
    ask_and_send(curation, 2)
    figures = curation.statistics()
    assert figures["questions"]["asked"] == 3 and figures["questions"]["answered"] == 2
    assert figures["questions"]["per_state"] == {"jalisco": 2, "oaxaca": 1}
    assert figures["feedback"]["up"] == 1 and figures["feedback"]["per_intent"]["state_status"] == {"up": 1, "down": 0}
    jalisco, = figures["subscribers"]
    assert (jalisco["chats"], jalisco["private"], jalisco["groups"], jalisco["convocatorias"]) == (2, 1, 1, 1)
    assert [q["text"] for q in figures["pending"]] == [UNKNOWN]
    only_oaxaca = curation.statistics(["oaxaca"])
    assert only_oaxaca["questions"]["asked"] == 1 and only_oaxaca["subscribers"] == [] and only_oaxaca["pending"] == []


def test_the_reach_of_a_notice(curation, store):
    ask_and_send(curation, 1)
    ask_and_send(curation, 2)
    curation.reply_to_askers(rows(store, "questions")[0]["id"], ANSWER, "cli")
    first, second = store.due_deliveries(now=10**12, limit=10)
    store.mark_sent(first.id, 1)
    store.ensure_chat(second.chat_id)
    store.set_chat_active(second.chat_id, False)
    notice, = curation.statistics()["notices"]
    assert (notice["kind"], notice["sent"], notice["blocked"], notice["pending"]) == ("team_answer", 1, 1, 0)


# -- roles and menus -------------------------------------------------------------------------


def test_curators_are_admins_and_those_an_admin_names(store):
    who = Permissions(frozenset({1}), store)
    assert who.is_curator(1) and not who.is_curator(2)
    who.grant_curator(2, 1)
    assert who.is_curator(2) and who.statistics_states(2) is None
    store.grant_facilitator(3, "oaxaca", 1)
    assert who.statistics_states(3) == ["oaxaca"] and who.statistics_states(4) == []


def test_the_menus_of_each_role():
    curator = dict(commands.menu_for({commands.CURATOR}))
    assert {"pendientes", "estadisticas"} <= set(curator) and "publicar" not in curator
    facilitator = dict(commands.menu_for({commands.FACILITATOR}))
    assert "estadisticas" in facilitator and "pendientes" not in facilitator
    assert {"nombrar_curador", "pendientes"} <= set(dict(commands.menu(commands.ADMIN)))


# -- the CLI ---------------------------------------------------------------------------------


@pytest.fixture
def asked(db_path, kb):
    """Two people sent the same question to the team, and one another."""
    store = Store(db_path)
    curation = Curation(store, Engine(kb, live=store))
    ask_and_send(curation, 1)
    ask_and_send(curation, 2)
    ask_and_send(curation, 3, "¿Cuándo se reúne el STL de Oaxaca?")
    store.close()
    return db_path


def test_cli_preguntas_json_and_csv(asked, capsys):
    assert cli.main(["preguntas", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(q["text"], q["count"], q["states"], q["status"]) for q in listed] == [
        (UNKNOWN, 2, ["Jalisco"], "pending"), ("¿Cuándo se reúne el STL de Oaxaca?", 1, ["Oaxaca"], "pending")]
    assert set(listed[0]) == {"id", "text", "count", "first_asked", "last_asked", "states", "step", "term", "form", "status"}
    assert cli.main(["preguntas", "--csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["count"] for row in table] == ["2", "1"]


def test_cli_responder_descartar_and_yaml(asked, capsys):
    assert cli.main(["responder", "1", ANSWER]) == 0
    assert "2 personas" in capsys.readouterr().out
    assert cli.main(["responder", "1", ANSWER]) == 2
    assert "ya no espera respuesta" in capsys.readouterr().err
    assert cli.main(["descartar", "2"]) == 0
    assert capsys.readouterr().out.startswith("Listo: descarté #2")
    assert cli.main(["preguntas", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert cli.main(["preguntas", "--json", "--todas"]) == 0
    assert [q["status"] for q in json.loads(capsys.readouterr().out)] == ["answered", "dismissed"]
    assert cli.main(["preguntas", "--yaml"]) == 0
    exported = capsys.readouterr().out
    assert ANSWER in exported and "sources: []" in exported


def test_cli_refuses_a_short_answer_and_a_bad_id(asked, capsys):
    assert cli.main(["responder", "1", "ok"]) == 2
    assert cli.main(["responder", "uno", ANSWER]) == 2
    assert cli.main(["descartar", "99"]) == 2


def test_cli_estadisticas(asked, capsys):
    assert cli.main(["estadisticas", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["pending"][0]["asked"] == 2 and figures["days"] == 30
    assert cli.main(["estadisticas"]) == 0
    assert "Estadísticas" in capsys.readouterr().out


def test_cli_resueltas(asked, capsys):
    assert cli.main(["preguntas", "--resueltas"]) == 0
    assert "Ninguna pregunta pendiente" in capsys.readouterr().out
