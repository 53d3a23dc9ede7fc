"""Short state cards (issue 10): a card is the status, the progress line, the declaratoria, STL
and PAL lines and the particularity the question pointed to (else the first); [➕ Ver más] shows
the rest (the other particularities, the documents, the convocatorias) in place, with «◀ Volver»
to the same card."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.core.commands import action_reply, command_reply
from bot.core.convocatorias import ConvocatoriaDraft, Convocatorias
from bot.store import Store
from knowledge.answers.cards import MORE_LABEL
from knowledge.engine import Engine
from knowledge.reply import BACK_LABEL, Action, Reply, esc, navigable

NOW = datetime(2026, 11, 21, 18, 0, tzinfo=timezone.utc)
LONGEST_CARD = 1400  # characters a person reads: up to 1,600 before with nothing published, 2,400 with much


def _more(reply: Reply) -> Action | None:
    return next((b.action for row in reply.buttons for b in row if b.text == MORE_LABEL), None)


def _particularities_shown(reply: Reply, engine: Engine, slug: str) -> list[str]:
    """The particularities the reply shows in full (a bold title and its text)."""
    return [p.title for p in engine.kb.states[slug].particularities if f"<b>{esc(p.title)}.</b>" in reply.html]


@pytest.fixture
def busy(kb):
    """An engine whose store holds, for every state, 40 documents and 12 convocatorias (9 open, 3 upcoming)."""
    store = Store.memory()
    desk = Convocatorias(store, kb, clock=lambda: NOW, elapsed=lambda: 0.0)
    for slug in kb.states:
        for n in range(40):
            store.add_document(state=slug, step=4, kind="acta", title=f"Acta número {n} de la sesión ordinaria del STL",
                               url=f"https://stl.example/{slug}/{n}.pdf", file_id=None, file_unique_id=None,
                               file_name=None, published_on=date(2026, 11, 1), published_by="test", notice_html="<b>aviso</b>")
        for n in range(12):
            opens = NOW + timedelta(days=5) if n >= 9 else None
            desk.create(ConvocatoriaDraft(state=slug, kind="mesas", title=f"Mesas de cocreación número {n}",
                                          closes_at=NOW + timedelta(days=30 + n), opens_at=opens), "test")
    return Engine(kb, live=store, clock=lambda: NOW)


def test_every_card_shows_one_particularity_and_stays_short_even_with_much_published(busy, engine):
    for slug, state in busy.kb.states.items():
        card = busy.answers.state_card(slug)
        as_read = busy.answers.briefly(card)  # as a chat reads it once told about the INAI today
        assert len(as_read.text) <= LONGEST_CARD, (slug, len(as_read.text))
        quiet = engine.answers.briefly(engine.answers.state_card(slug))  # nothing published
        assert len(as_read.text) <= len(quiet.text) + 200, slug  # one line (and a longer progress caption), not a list
        assert len(_particularities_shown(card, busy, slug)) == min(1, len(state.particularities)), slug
        assert "Acta número" not in card.text and "Mesas de cocreación número" not in card.text
        assert "40 documentos publicados, 9 convocatorias abiertas y 3 convocatorias por abrir." in card.text


def test_ver_mas_shows_the_rest_and_volver_returns_to_the_same_card(busy):
    card = busy.answers.state_card("veracruz")
    assert _particularities_shown(card, busy, "veracruz") == ["Cinco capítulos"]
    assert "Los «Monitores»" in card.text  # the card names what [Ver más] holds
    more = action_reply(busy, _more(card))
    assert _particularities_shown(more, busy, "veracruz") == ["Los «Monitores»", "Quiénes participan en su segundo plan"]
    assert "Acta número 39" in more.text and "Mesas de cocreación número 0" in more.text and "Próximas" in more.text
    assert {c.short_name for c in more.sources} == {"NOSC 2019"}
    assert MORE_LABEL not in [b.text for row in more.buttons for b in row]
    in_place = navigable(dataclasses.replace(more, back=(card.view,)), more.buttons)  # as handlers/buttons.py shows it
    back = in_place[-1][0]
    assert back.text == BACK_LABEL and back.action == card.view
    assert action_reply(busy, back.action).text == card.text


def test_a_state_with_nothing_more_has_no_ver_mas(engine):
    for slug in ("chiapas", "aguascalientes"):  # no particularity; one, and nothing published
        card = engine.answers.state_card(slug)
        assert _more(card) is None and "Ver más" not in card.text
    assert "No hay más" in engine.answers.state_more("chiapas", ()).text


def test_the_particularity_a_question_points_to_comes_first_and_the_others_are_one_tap_away(engine):
    reply = engine.ask("¿Veracruz tiene monitores?")
    assert reply.text.index("Los «Monitores».") < reply.text.index("Declaratoria")
    assert _particularities_shown(reply, engine, "veracruz") == ["Los «Monitores»"]
    more = action_reply(engine, _more(reply))
    assert _particularities_shown(more, engine, "veracruz") == ["Cinco capítulos", "Quiénes participan en su segundo plan"]
    assert action_reply(engine, reply.view).text == engine.answers.state_card("veracruz", particularity=1).text


def test_particularities_on_the_same_subject_come_together(engine):
    reply = engine.ask("¿jalisco esta en ogp local?")
    assert _particularities_shown(reply, engine, "jalisco") == ["En OGP Local", "Primer ejercicio de OGP Local en México"]
    assert "2017" in reply.text


def test_asking_what_is_particular_shows_every_particularity(engine):
    card = engine.answers.state_card("veracruz", attribute="particularities")
    assert len(_particularities_shown(card, engine, "veracruz")) == 3 and _more(card) is None


def test_a_fact_asked_brings_the_particularity_about_it(engine):
    card = engine.answers.state_card("jalisco", attribute="pal")
    assert _particularities_shown(card, engine, "jalisco") == ["Primer ejercicio de OGP Local en México"]


def test_mas_after_a_card_is_what_ver_mas_holds(engine):
    chat = ("short-cards", "más")
    engine.ask("¿cómo va Quintana Roo?", chat=chat)
    more = engine.ask("más", chat=chat)
    assert "Estado Abierto en su Constitución" in more.text and "más de su ficha" in more.text


@pytest.mark.parametrize("kind, arg", [("state", "veracruz:9"), ("state", "veracruz:0.0"), ("state", "veracruz:x"),
                                       ("state_more", "veracruz"), ("state_more", "veracruz:3"), ("state", "atlantida:0"),
                                       ("state_more", "chiapas:0")])
def test_a_tampered_or_stale_argument_leads_nowhere(engine, kind, arg):
    assert action_reply(engine, Action(kind, arg)) is None


def test_estado_and_the_card_button_open_the_same_short_card(engine):
    card = command_reply(engine, "estado", "veracruz")
    assert card.text == action_reply(engine, Action("state", "veracruz")).text
    assert _more(card) == Action("state_more", "veracruz:0")
