"""Changing a subscription in place, in-process: leaving one and undoing it exactly, what an undo
button carries (and refuses), and the «✓ Siguiendo» a followed state's 🔔 becomes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.core.chats import Chats, Subscription
from bot.store import Store
from handlers.common import SERVICES_KEY
from handlers.following import FOLLOWING_LABEL, for_chat, following_label
from handlers.subscriptions import undo_arg, undone_subscription
from knowledge.reply import Action, Button, Reply, esc


@pytest.fixture
def chats():
    return Chats(Store.memory())


def test_leaving_returns_the_subscription_as_it_was_and_a_second_time_nothing(chats):
    chats.subscribe(5, "oaxaca")
    chats.set_options(5, "oaxaca", documents=False, reminders=False)
    before = chats.leave(5, "oaxaca")
    assert before == Subscription("oaxaca", False, True, False)
    assert chats.subscription(5, "oaxaca") is None
    assert chats.leave(5, "oaxaca") is None


def test_restoring_brings_back_exactly_what_it_received_once(chats):
    chats.subscribe(5, "oaxaca")
    chats.set_options(5, "oaxaca", documents=False, reminders=False)
    before = chats.leave(5, "oaxaca")
    assert chats.restore(5, before) is True
    assert chats.subscription(5, "oaxaca") == before
    chats.set_options(5, "oaxaca", documents=True)
    assert chats.restore(5, before) is False  # followed already: a second tap changes nothing
    assert chats.subscription(5, "oaxaca") == Subscription("oaxaca", True, True, False)


def test_restoring_after_the_chat_erased_its_data_records_it_again(chats):
    chats.subscribe(5, "oaxaca")
    before = chats.leave(5, "oaxaca")
    chats.erase(5)
    assert chats.restore(5, before) and chats.subscription(5, "oaxaca") == before


@pytest.mark.parametrize("subscription", [Subscription("baja-california-sur", d, c, r) for d, c, r in
                                          ((1, 1, 1), (1, 0, 1), (0, 1, 0), (1, 1, 0), (1, 0, 0))])
def test_an_undo_button_carries_the_whole_subscription(kb, subscription):
    arg = undo_arg(subscription)
    assert undone_subscription(arg, kb.states) == Subscription(
        subscription.state, bool(subscription.documents), bool(subscription.convocatorias), bool(subscription.reminders))
    assert len(f"1|nr|{arg}".encode()) <= 64


@pytest.mark.parametrize("arg", ["oaxaca", "oaxaca:", "oaxaca:000", "oaxaca:001", "oaxaca:1111", "oaxaca:2x1",
                                 "atlantida:111", ":111", ""])
def test_an_undo_button_that_was_tampered_with_is_refused(kb, arg):
    assert undone_subscription(arg, kb.states) is None


def _context(chats: Chats) -> SimpleNamespace:
    return SimpleNamespace(application=SimpleNamespace(bot_data={SERVICES_KEY: SimpleNamespace(chats=chats)}))


def test_a_followed_states_bell_reads_following(chats):
    reply = Reply(esc("Oaxaca"), ((Button("🔔 Suscribirme", Action("subscribe", "oaxaca")),
                                   Button("📄 Documentos", Action("docs", "oaxaca"))),
                                  (Button("🔔 Suscribirme a Puebla", Action("subscribe", "puebla")),)))
    assert for_chat(reply, _context(chats), 5) is reply  # follows nothing
    chats.subscribe(5, "oaxaca")
    shown = for_chat(reply, _context(chats), 5)
    assert [[b.text for b in row] for row in shown.buttons] == [[FOLLOWING_LABEL, "📄 Documentos"],
                                                                 ["🔔 Suscribirme a Puebla"]]
    assert shown.buttons[0][0].action == Action("subscribe", "oaxaca")  # the tap opens its settings
    assert for_chat(reply, _context(chats), 6) is reply  # another chat


def test_a_pickers_state_gets_a_check_and_a_label_is_marked_once():
    assert following_label("Oaxaca") == "✓ Oaxaca"
    assert following_label("🔔 Suscribirme a Nuevo León") == FOLLOWING_LABEL
    assert following_label("✓ Oaxaca") == "✓ Oaxaca" and following_label(FOLLOWING_LABEL) == FOLLOWING_LABEL
