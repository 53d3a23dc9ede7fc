"""Issue 10, «no dead ends»: every view that replaces another in place has «◀ Volver» to exactly
the view it came from, carried in the callback data (handlers/callbacks.py); stale or tampered
data gets a friendly answer, never an exception."""

from __future__ import annotations

import dataclasses

import pytest

from bot.core.commands import action_reply
from handlers.callbacks import MAX_BYTES, BadCallback, decode_action, encode_action
from knowledge.reply import BACK_LABEL, IN_PLACE_KINDS, Action, navigable


def _shown(reply):
    return navigable(reply, reply.buttons)


def _button(rows, label):
    return next(b for row in rows for b in row if b.text == label)


def _labels(rows):
    return [b.text for row in rows for b in row]


def _open(engine, button):
    """What a tap on an in-place button shows, as handlers/buttons.py builds it."""
    reply = action_reply(engine, button.action)
    return dataclasses.replace(reply, back=button.back)


def test_the_codec_carries_the_origins_and_the_marks():
    data = encode_action("step", "6", (("steps", ""), ("state", "jalisco")))
    assert data == "1|p|6|ps||e|jalisco"
    assert decode_action(data).back == (("steps", ""), ("state", "jalisco"))
    back = decode_action(encode_action("state", "jalisco", (("welcome", ""),), returning=True))
    assert (back.kind, back.arg, back.returning, back.back) == ("state", "jalisco", True, (("welcome", ""),))
    fresh = decode_action(encode_action("state", "oaxaca", fresh=True))
    assert fresh.fresh and fresh.back == ()


def test_origins_that_do_not_fit_are_the_oldest_ones_left_out():
    chain = tuple(("state", slug) for slug in ("baja-california-sur", "san-luis-potosi", "estado-de-mexico"))
    data = encode_action("docs_page", "baja-california-sur:13:12", chain)
    assert len(data.encode()) <= MAX_BYTES
    assert decode_action(data).back == chain[:len(decode_action(data).back)]


@pytest.mark.parametrize("data", ["1|p|6|", "1|p|6|zz|x", "1|b|zz.6", "1|b|", "1|p|6|e|JALISCO", "1|p|6|n||n|",
                                  "2|p|6|ps|"])
def test_tampered_origins_are_refused(data):
    with pytest.raises(BadCallback):
        decode_action(data)


def test_steps_opened_from_a_card_come_back_to_it(engine):
    card = engine.answers.state_card("jalisco")
    overview = _open(engine, _button(_shown(card), "🧭 Los 13 pasos"))
    shown = _shown(overview)
    back = _button(shown, BACK_LABEL)
    assert back.action == Action("state", "jalisco") and back.returning and shown[-1] == (back,)
    step = _open(engine, _button(shown, "6"))
    step_shown = _shown(step)
    assert _button(step_shown, BACK_LABEL).action == Action("steps")
    assert "📋 Ver los 13 pasos" not in _labels(step_shown), "«◀ Volver» goes there already"
    following = _open(engine, _button(step_shown, "7 ▶"))  # a sibling keeps the origin
    assert _button(_shown(following), BACK_LABEL).action == Action("steps")
    again = _open(engine, _button(_shown(following), BACK_LABEL))
    assert again.view == Action("steps") and _button(_shown(again), BACK_LABEL).action == Action("state", "jalisco")


def test_a_term_from_the_glossary_and_a_phase_from_the_phases_come_back(engine):
    index = engine.answers.glossary_index()
    term_button = next(b for row in _shown(index) for b in row if b.action.kind == "term")
    assert _button(_shown(_open(engine, term_button)), BACK_LABEL).action == index.view
    phases = engine.answers.phases_overview()
    phase = _open(engine, _button(_shown(phases), "Fase 2"))
    assert _button(_shown(phase), BACK_LABEL).action == Action("phases")


def test_a_view_opened_fresh_has_no_back_and_a_list_keeps_itself(engine):
    assert BACK_LABEL not in _labels(_shown(engine.answers.state_card("jalisco")))
    listing = engine.ask("¿qué estados están en impasse?")
    state_buttons = [b for row in _shown(listing) for b in row if b.action and b.action.kind == "state"]
    assert state_buttons and all(b.fresh for b in state_buttons), "a list cannot be rebuilt: its cards open apart"
    which = engine.answers.which_state(("baja-california", "baja-california-sur"), "state_status")
    assert not any(b.fresh for row in _shown(which) for b in row), "the answer replaces the question"


def test_every_in_place_view_reached_from_a_view_has_its_way_back(engine):
    """Walk from every view the buttons reach: whatever replaces it in place offers «◀ Volver» to it
    (a sibling, ◀ 5 or another letter, to where the first one came from; with no origin, the
    siblings' own buttons are the way back)."""
    from tests.test_handlers import every_action

    for action in every_action(engine):
        reply = action_reply(engine, action)
        if reply is None or reply.view is None:
            continue
        for button in (b for row in _shown(reply) for b in row):
            if button.action is None or button.action.kind not in IN_PLACE_KINDS or button.returning:
                continue
            opened = _open(engine, button)
            backs = [b for row in _shown(opened) for b in row if b.text == BACK_LABEL]
            sibling = button.back == reply.back
            if sibling:
                assert backs == [] and any(b.action == reply.view for row in _shown(opened) for b in row), button
                continue
            assert len(backs) == 1 and backs[0].action == reply.view, (action, button)
