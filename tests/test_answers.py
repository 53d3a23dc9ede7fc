"""Composed answers: plain Spanish, valid Telegram HTML, every factual answer ending with its
sources and dates, facts that agree with the store, and bad input answered without an error."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from knowledge.counts import notices_on_their_way
from knowledge.loader import default_knowledge
from knowledge.reply import html_to_text
from tests.emulator.entities import parse_html

KB = default_knowledge()
SLUGS = sorted(KB.states)
FACTUAL = {"state_status", "step", "steps_overview", "glossary", "figures"}


def assert_valid_telegram_html(html: str) -> None:
    parse_html(html)  # raises on anything Telegram would reject
    assert 0 < len(html_to_text(html).strip())


@pytest.mark.parametrize("slug", SLUGS)
def test_every_state_card(engine, slug):
    state = KB.states[slug]
    reply = engine.answers.state_card(slug)
    assert_valid_telegram_html(reply.html)
    text = reply.text
    assert text.startswith(state.name)
    assert "noviembre de 2019" in text  # the date of the status report, said plainly
    assert re.search(r"Fuentes?: .*NOSC 2019 \(noviembre de 2019\)", text)
    if state.declaratoria.signed:
        assert f"firmada en {state.declaratoria.year}" in text
    else:
        assert "sin firmar" in text
    if state.stl.year:
        assert f"instalado en {state.stl.year}" in text
    for item in state.particularities:
        assert item.title in text
    kinds = {b.action.kind for row in reply.buttons for b in row}
    assert {"subscribe", "docs", "steps"} <= kinds


def test_state_cards_agree_with_the_dated_figures(kb):
    """The per-state facts and the report's lists of states (cifras.yaml) say the same."""
    by_status = {}
    for slug, state in kb.states.items():
        by_status.setdefault(state.exercise.status, set()).add(slug)
    figures = {f.id: f for f in kb.figures if f.source == "nosc-2019" and f.states}
    checked = 0
    for figure in figures.values():
        for status in ("active", "impasse", "inactive"):
            if set(figure.states) == by_status[status]:
                checked += 1
    assert checked >= 3
    installed = {s for s, st in kb.states.items() if st.stl.status.startswith("installed")}
    assert any(set(f.states) == installed for f in figures.values())
    launched = {s for s, st in kb.states.items() if st.pal.launched_any}
    assert any(set(f.states) == launched for f in figures.values())
    assert len(installed) == 18 and len(launched) == 13 and len(by_status["active"]) == 16


@pytest.mark.parametrize("number", range(1, 14))
def test_every_step_reply(engine, number):
    reply = engine.answers.step(number)
    assert_valid_telegram_html(reply.html)
    assert f"Paso {number} de 13" in reply.text
    assert KB.steps[number].gloss in reply.text
    assert "Nava Polina 2022 (17 de mayo de 2022)" in reply.text
    navigator = [b.action.arg for b in reply.buttons[0]]
    assert navigator == [str(n) for n in (number - 1, number + 1) if 1 <= n <= 13]  # no button to itself


@pytest.mark.parametrize("term_id", sorted(KB.terms))
def test_every_glossary_reply(engine, term_id):
    reply = engine.answers.term(term_id)
    assert_valid_telegram_html(reply.html)
    assert KB.terms[term_id].term in reply.text
    assert "Fuente" in reply.text


def test_answers_that_name_inai_say_it_no_longer_exists(engine):
    for question in ("fase 3", "qué es el snt", "cómo va Querétaro", "cuántas osc participan"):
        reply = engine.ask(question)
        if "INAI" in reply.text:
            assert "dejó de existir en marzo de 2025" in reply.text, question
            assert any(c.source_id == "contexto-2025" for c in reply.sources)


def test_a_count_starts_with_the_records_then_every_other_dated_version_newest_first(engine):
    text = engine.ask("¿cuántos STL hay?").text
    assert text.startswith("18 entidades tenían un STL instalado, a noviembre de 2019.")  # counted from the states
    assert text.index("22 entidades") < text.index("18 Secretariados") < text.index("16 Secretariados")


def test_factual_answers_end_with_sources(engine):
    for question in ("como va jalisco", "paso 4", "los pasos", "que es un pal", "cuantos estados firmaron"):
        reply = engine.ask(question)
        assert reply.intent in FACTUAL
        assert reply.sources
        assert re.search(r"Fuentes?: .+\.$", reply.text.strip())


def test_out_of_scope_is_honest(engine):
    reply = engine.ask("¿Cuál es el teléfono del gobernador de Oaxaca?")
    assert reply.intent == "out_of_scope"
    assert reply.text.startswith("No tengo ese dato.")
    oaxaca = KB.states["oaxaca"]
    known_years = {str(oaxaca.declaratoria.year), str(oaxaca.stl.year), "2019"}  # its record and the report's date
    assert set(re.findall(r"\b\d{4}\b", reply.text)) <= known_years  # no invented numbers


BAD_INPUTS = [
    "", " ", "\n\n", "x" * 10_000, "😀" * 3000, "🇲🇽🔥💯", "<b>hola</b>", "<script>alert(1)</script>",
    "&amp; &lt; & < > \" '", "*negritas* _cursiva_ `code` [link](http://x)", "'; DROP TABLE chats; --",
    "Robert'); DELETE FROM subscriptions;--", "\x00\x01\x02", "paso 99999999999999999999", "%s %d {0} {}",
    "جاليسكو", "日本語のテキスト", "Ⓙⓐⓛⓘⓢⓒⓞ", "ｊａｌｉｓｃｏ", "\u202e\u202dJalisco",
]


@pytest.mark.parametrize("text", BAD_INPUTS)
def test_bad_input_gets_a_valid_answer(engine, text):
    reply = engine.ask(text)
    assert_valid_telegram_html(reply.html)
    assert "<script>" not in reply.html


def test_fullwidth_and_circled_letters_still_find_the_state(engine):
    assert engine.understand("ｊａｌｉｓｃｏ").state == "jalisco"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_any_text_gets_a_valid_answer(engine, text):
    reply = engine.ask(text)
    assert_valid_telegram_html(reply.html)
    assert reply.intent


def test_a_count_the_documents_disagree_on_shows_every_dated_version(engine):
    text = engine.ask("¿cuántos estados firmaron?").text
    assert text.startswith("30 entidades firmaron")
    for figure in ("28 entidades", "26 estados", "31 entidades"):
        assert figure in text, figure
    assert "no coinciden" in text
    assert text.index("31 entidades") < text.index("28 entidades") < text.index("26 estados")


def test_the_count_asked_comes_first(engine):
    text = engine.ask("¿cuántos estados están activos?").text
    assert text.startswith("16 entidades tenían su ejercicio activo")


def test_sources_list_every_document_and_the_2025_news_reports(engine):
    reply = engine.answers.sources_list()
    assert_valid_telegram_html(reply.html)
    for source in KB.sources.values():
        assert source.short_name in reply.text
        for link in filter(None, [source.url, *source.also_cite]):
            assert f'href="{link}"' in reply.html, link
    assert "dejó de existir" in reply.text


@pytest.mark.parametrize("queued, text", [(0, "Nadie sigue todavía esta entidad, así que no hubo avisos que enviar."),
                                          (1, "Aviso en camino a 1 suscriptor."), (3, "Avisos en camino a 3 suscriptores.")])
def test_notices_on_their_way_read_right_for_none_one_and_many(queued, text):
    assert notices_on_their_way(queued) == text
