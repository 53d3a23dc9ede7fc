"""Issue 10, phone-sized buttons: a walk over every keyboard the bot can build — every reply of
the engine (the tuning questions, every command with many arguments, every button's action),
each as it is shown in place (with «◀ Volver») and with the map and share row, the location
pins, and the guided flows' and runtime keyboards — checked against the rules of
knowledge/wording.py: labels of at most 24 characters never cut inside a word, at most 8 rows
(12 for a grid of three to a row), and a state labelled the same everywhere."""

from __future__ import annotations

import dataclasses
import re
from types import SimpleNamespace

import pytest
from telegram import InlineKeyboardButton

from bot.store import Subscription
from handlers import convocatorias, curation, publishing, subscriptions
from handlers.flows import state_rows
from handlers.keyboards import inline_keyboard
from handlers.render import keyboard
from handlers.share_buttons import with_share_buttons
from knowledge import wording
from knowledge.reply import Action, Reply, navigable
from tests.test_handlers import every_reply

INLINE_BOT = SimpleNamespace(get_bot=lambda: SimpleNamespace(supports_inline_queries=True))
LONG_NAMES = [name for name in wording.STATE_LABELS]  # never in full on a button


def _labels(rows) -> list[list[str]]:
    return [[button.text for button in row] for row in rows]


def _shown_ways(reply: Reply) -> list:
    """The keyboards a reply is shown with: as sent, in place after another view, with the share row."""
    replaced = dataclasses.replace(reply, back=(Action("state", "baja-california-sur"), Action("steps")))
    return [navigable(r, with_share_buttons(r, INLINE_BOT)) for r in (reply, replaced)]


@pytest.fixture(scope="module")
def engine_keyboards(engine, tune_outcomes) -> list:
    replies = every_reply(engine, tune_outcomes)
    replies += [engine.answers.glossary_index(letter) for letter in "abcdefghijklmnopqrstuvwxyz"]
    replies += [engine.answers.location(lat, lon) for lat, lon in ((19.36, -99.03), (20.67, -103.34), (24.0, -92.0))]
    return [rows for reply in replies for rows in _shown_ways(reply)]


def test_the_walk_sees_many_keyboards(engine_keyboards):
    assert len(engine_keyboards) > 1000


def test_every_engine_keyboard_keeps_the_rules(engine_keyboards):
    broken = {}
    for rows in engine_keyboards:
        problems = wording.keyboard_problems(_labels(rows))
        if problems:
            broken[str(_labels(rows))[:200]] = problems
    assert broken == {}


def test_every_engine_keyboard_encodes_for_telegram(engine_keyboards):
    for rows in engine_keyboards:
        markup = keyboard(rows)
        for button in (b for row in (markup.inline_keyboard if markup else ()) for b in row):
            assert button.callback_data is None or len(button.callback_data.encode()) <= 64, button


def test_a_state_has_one_label_on_every_button(engine, engine_keyboards):
    full = re.compile("|".join(map(re.escape, LONG_NAMES)))
    labels = {label for rows in engine_keyboards for row in _labels(rows) for label in row}
    assert [label for label in labels if full.search(label)] == []
    for rows in engine_keyboards:  # pickers and lists: the label alone
        for button in (b for row in rows if len(row) >= 3 for b in row):
            action = button.action
            if action and action.kind in ("state", "subscribe", "docs", "convs") and action.arg in engine.kb.states:
                assert button.text == wording.short_name(engine.kb.states[action.arg].name), button.text


def test_no_label_is_cut_inside_a_word(engine, engine_keyboards):
    """A term's label ends with «…» only after whole words of the term."""
    for rows in engine_keyboards:
        for button in (b for row in rows for b in row if b.action and b.action.kind == "term"):
            if button.text.endswith("…"):
                words = set(re.findall(r"[\w/]+", engine.kb.terms[button.action.arg].term))
                stem = re.findall(r"[\w/]+", button.text[:-1])
                assert set(stem) <= words, (button.text, engine.kb.terms[button.action.arg].term)
                assert stem[-1].lower() not in ("de", "del", "la", "el", "y", "para"), button.text


@pytest.mark.parametrize("text, label", [
    ("Secretariado Técnico Local", "Secretariado Técnico…"),
    ("Agenda 2030 para el Desarrollo Sostenible", "Agenda 2030…"),
    ("Supercalifragilisticoexpialidoso y más", "Supercalifragilisticoexpialidoso…"),
    ("Corto", "Corto"),
])
def test_a_long_label_is_cut_at_a_word_never_inside_one(text, label):
    assert wording.button_label(text) == label


def runtime_keyboards(engine) -> list[list[list[InlineKeyboardButton]]]:
    kb = engine.kb
    every_state = sorted(kb.states)
    found = [state_rows("pub", kb, every_state), state_rows("conv", kb, every_state), state_rows("pub", kb, ["jalisco"]),
             publishing.step_rows(kb), convocatorias.kind_rows()]
    for slug in every_state:
        for documents, calls, reminders in ((True, True, True), (True, False, True), (False, True, False)):
            markup = subscriptions._options_keyboard(slug, Subscription(slug, documents, calls, reminders))
            found.append(markup.inline_keyboard if markup else [])
    services = SimpleNamespace(engine=engine)
    for many in (1, 3, 6, 7, 13, 32):
        followed = [Subscription(slug, True, True, True) for slug in every_state[-many:]]
        for page in range(3):
            for markup, _ in (subscriptions.followed_page(services, followed, page),
                              subscriptions.settings_page(services, followed, page)):
                found.append(markup.inline_keyboard if markup else [])
    found += [list(curation.offer_rows("t0k3n")), list(curation.vote_rows("t0k3n"))]
    return found


def test_every_runtime_keyboard_keeps_the_rules(engine):
    for rows in runtime_keyboards(engine):
        assert wording.keyboard_problems(_labels(rows)) == [], _labels(rows)


def test_the_admins_state_picker_is_three_to_a_row_like_the_others(engine):
    rows = state_rows("pub", engine.kb, sorted(engine.kb.states))
    assert [len(row) for row in rows] == [3] * 10 + [2]
    assert _labels(rows) == _labels(engine.answers.state_picker().buttons)


def test_the_builder_fits_a_label_that_breaks_the_rules_at_a_word(caplog):
    markup = inline_keyboard([[InlineKeyboardButton("Una etiqueta demasiado larga para un teléfono", callback_data="x")]])
    assert markup.inline_keyboard[0][0].text == "Una etiqueta demasiado…"
    assert "phone-sized rules" in caplog.text
