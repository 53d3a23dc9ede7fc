"""Notices people can act on, over Telegram: a document or convocatoria notice carries [📄 Abrir]
(the link), [Ver <entidad>] (the card, as a new message) and [🔕 Dejar de seguir] (one tap, said
on the notice itself, with [↩️ Deshacer], which restores the subscription exactly). Stale or
tampered buttons get a friendly answer; in a group only its administrators leave. The bot runs
as its own process; the CLI publishes on the same database."""

from __future__ import annotations

import pytest

from tests.e2e.people import Person, live_bot
from tests.e2e.publishing_support import NOTICE_MARK, opened, publish_cli, run_cli, wait_for_notices
from tests.emulator.views import MessageView

ANNOUNCEMENT = "Nueva convocatoria en Oaxaca"
LEFT = "🔕 Ya no sigues a Oaxaca: no te llegarán más avisos suyos."


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with live_bot(tmp_path_factory.mktemp("notice-actions")) as shared:
        yield shared


def subscription(live, chat_id: int, state: str = "oaxaca") -> tuple[int, int, int] | None:
    """(documents, convocatorias, reminders) as the database keeps them; None: not followed."""
    with opened(live.process.db_path) as store:
        found = [s for s in store.subscriptions(chat_id) if s.state == state]
    return (int(found[0].documents), int(found[0].convocatorias), int(found[0].reminders)) if found else None


def notice(live, person: Person, mark: str = NOTICE_MARK) -> MessageView:
    wait_for_notices(live.emulator, [person.chat_id], mark=mark)
    return next(m for m in reversed(live.emulator.messages(person.chat)) if m.from_bot and mark in (m.text or ""))


def edits(live, message: MessageView, method: str = "editMessageText") -> int:
    return len(live.emulator.calls(method, chat_id=message.chat_id, message_id=message.message_id, status=200))


def tap_to_edit(person: Person, message: MessageView, label: str, method: str = "editMessageText"):
    """Press a button that edits the notice (its text or its caption); the answer and the notice as it reads now."""
    before = edits(person.live, message, method)
    person.emu.mark_read(person.chat)
    answer = person.taps(message, label)
    person.emu.wait_for(lambda: edits(person.live, message, method) > before, timeout=20, description="the notice edited")
    assert person.emu.unread_messages(person.chat) == [], "the button sent a new message instead of editing"
    return answer, person.emu.refresh(message)


def test_a_document_notice_opens_shows_the_state_and_leaves_with_undo(live):
    ana = live.person("Ana")
    confirmation = ana.says("/suscribir oaxaca")
    ana.taps(confirmation, "Sin recordatorios")
    assert subscription(live, ana.chat_id) == (1, 1, 0)
    url = "https://stl.example/oaxaca/acta.pdf"
    publish_cli(live.emulator, live.process.db_path, "oaxaca", url=url)

    received = notice(live, ana)
    assert received.buttons == (
        (("📄 Abrir", url), ("Ver Oaxaca", "1|nc|oaxaca")),
        (("🔕 Dejar de seguir Oaxaca", "1|nu|oaxaca"),),
    )
    assert "/baja" not in received.text

    card = ana.taps_to_new(received, "Ver Oaxaca")
    assert card.text.startswith("Oaxaca ·") and "✓ Siguiendo" in card.button_texts
    assert ana.emu.refresh(received).text == received.text  # the notice stays

    answer, left = tap_to_edit(ana, received, "🔕 Dejar de seguir Oaxaca")
    assert answer.text == "Listo: ya no sigues a Oaxaca."
    assert subscription(live, ana.chat_id) is None
    assert left.text == f"{received.text}\n\n{LEFT}"
    assert left.buttons == ((("📄 Abrir", url), ("↩️ Deshacer", "1|nr|oaxaca:110")),)
    assert left.entities_of("text_link") == ["Ver el documento"]  # the notice's own link is kept

    answer, back = tap_to_edit(ana, left, "↩️ Deshacer")
    assert answer.text == "Listo: sigues otra vez a Oaxaca."
    assert subscription(live, ana.chat_id) == (1, 1, 0), "undo restores what it received and its reminders"
    assert back.text == received.text and back.buttons == received.buttons


def test_a_second_tap_never_applies_twice(live):
    beto = live.person("Beto")
    beto.says("/suscribir oaxaca")
    publish_cli(live.emulator, live.process.db_path, "oaxaca", url="https://stl.example/oaxaca/informe-1.pdf",
                title="Primer informe")
    received = notice(live, beto, "Primer informe")
    tap_to_edit(beto, received, "🔕 Dejar de seguir Oaxaca")
    again = beto.taps(received, "1|nu|oaxaca", raw=True)  # the old copy a phone still shows
    assert again.text == "Ya no sigues a Oaxaca." and subscription(live, beto.chat_id) is None
    tap_to_edit(beto, received, "↩️ Deshacer")
    twice = beto.taps(received, "1|nr|oaxaca:111", raw=True)
    assert twice.text == "Ya sigues a Oaxaca." and subscription(live, beto.chat_id) == (1, 1, 1)


@pytest.mark.parametrize("data", ["1|nu|atlantida", "1|nc|atlantida", "1|nr|oaxaca:000", "1|nr|oaxaca:1x1",
                                  "1|nr|oaxaca", "1|nr|atlantida:111", "9|nu|oaxaca"])
def test_stale_or_tampered_notice_buttons_get_a_friendly_answer(live, data):
    cata = live.person("Cata")
    cata.says("/suscribir oaxaca")
    message = cata.says("/estado oaxaca")
    answer = cata.taps(message, data, raw=True)
    assert answer.show_alert and "ya no funciona" in answer.text
    assert subscription(live, cata.chat_id) == (1, 1, 1)


def test_a_convocatoria_notice_carries_the_same_buttons(live):
    dani = live.person("Dani")
    dani.says("/suscribir oaxaca")
    done = run_cli(live.emulator, live.process.db_path, "convocar", "--entidad", "oaxaca", "--paso", "7",
                   "--titulo", "Mesas de cocreación", "--cierra", "en 20 días",
                   "--url", "https://stl.oaxaca.example/mesas")
    assert done.returncode == 0, done.stderr
    received = notice(live, dani, ANNOUNCEMENT)
    assert received.buttons == (
        (("📄 Abrir", "https://stl.oaxaca.example/mesas"), ("Ver Oaxaca", "1|nc|oaxaca")),
        (("🔕 Dejar de seguir Oaxaca", "1|nu|oaxaca"),),
    )
    _, left = tap_to_edit(dani, received, "🔕 Dejar de seguir Oaxaca")
    assert left.text.endswith(LEFT) and subscription(live, dani.chat_id) is None


def test_a_document_sent_as_a_file_is_left_on_its_caption(live):
    fer, eva = live.person("Fer"), live.person("Eva")
    with opened(live.process.db_path) as store:
        store.grant_facilitator(fer.user.id, "oaxaca", None)
    eva.says("/suscribir oaxaca")
    fer.taps_to_new(fer.says("/publicar"), "4 · Acta de instalación")
    fer.says("Acta firmada de Oaxaca")
    fer.emu.mark_read(fer.chat)
    fer.emu.send_document(fer.user, "acta-oaxaca.pdf", b"%PDF-1.4 acta", "application/pdf")
    preview, = fer.emu.wait_for_messages(fer.chat, 1, timeout=20)
    fer.taps_to_new(preview, "✅ Publicar")
    received = notice(live, eva, "Acta firmada de Oaxaca")
    assert received.raw.get("document") and received.buttons == (
        (("Ver Oaxaca", "1|nc|oaxaca"),), (("🔕 Dejar de seguir Oaxaca", "1|nu|oaxaca"),))
    _, left = tap_to_edit(eva, received, "🔕 Dejar de seguir Oaxaca", method="editMessageCaption")
    assert left.text.endswith(LEFT) and left.raw.get("document")
    assert left.buttons == ((("↩️ Deshacer", "1|nr|oaxaca:111"),),)
    _, back = tap_to_edit(eva, left, "↩️ Deshacer", method="editMessageCaption")
    assert back.text == received.text and back.buttons == received.buttons


def test_in_a_group_only_its_administrators_leave(live):
    admin, member = live.emulator.new_user("Admin"), live.emulator.new_user("Miembro")
    group = live.group_with_bot("Fellows de Oaxaca", [member], admins=[admin])
    boss, someone = Person(live, admin, group), Person(live, member, group)
    assert boss.says("/suscribir oaxaca").text.startswith("🔔 Listo")
    publish_cli(live.emulator, live.process.db_path, "oaxaca", url="https://stl.example/oaxaca/informe-2.pdf",
                title="Segundo informe")
    received = notice(live, boss, "Segundo informe")
    refused = someone.taps(received, "🔕 Dejar de seguir Oaxaca")
    assert refused.show_alert and "solo quienes lo administran" in refused.text
    assert subscription(live, group.id) == (1, 1, 1)
    _, left = tap_to_edit(boss, received, "🔕 Dejar de seguir Oaxaca")
    assert left.text.endswith(LEFT) and subscription(live, group.id) is None
