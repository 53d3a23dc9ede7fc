"""/borrar_mis_datos erases a chat; what stays is the public record of a facilitator (their role,
granted and removed by an administrator, and their Telegram id as the author of what they
published), and /mis_datos, /borrar_mis_datos and /privacidad say so plainly instead of «No
guardo nada»."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.publishing import DocumentDraft, publish_document
from handlers.privacy import KEPT
from bot.core.commands import command_reply
from tests.app_on_loop import app_on_loop

RECORD = "Lo que queda como registro público"


@pytest.mark.e2e
async def test_a_facilitator_is_told_what_stays_and_it_does(engine, tmp_path):
    async with app_on_loop(engine, tmp_path) as on:
        fer = on.emu.new_user("Fer")
        on.store.grant_facilitator(fer.id, "jalisco", granted_by=None)
        publish_document(on.store, engine.kb, DocumentDraft(state="jalisco", step=4, title="Acta del STL",
                                                            url="https://stl.example/acta.pdf",
                                                            published_on=date(2025, 1, 10)), f"telegram:{fer.id}")
        on.store.subscribe(fer.id, "oaxaca")

        data = await on.says(fer, "/mis_datos")
        assert data.text.startswith("🔒 Esto es todo lo que guardo de este chat")
        assert RECORD in data.text and "Jalisco" in data.text and "Publicaste 1 documento" in data.text
        assert "Para borrar lo demás: /borrar_mis_datos" in data.text

        question = await on.says(fer, "/borrar_mis_datos")
        assert KEPT in question.text
        answer = await on.presses(fer, question, "Sí, borrar todo", raw=False)
        assert answer.text == "Datos borrados"
        await on.emu.wait_for_call_async("editMessageText", chat_id=fer.id)
        assert KEPT in on.emu.refresh(question).text

        assert on.store.chat(fer.id) is None and on.store.subscriptions(fer.id) == []
        assert on.store.public_record(fer.id) == {"facilitates": ["jalisco"], "documents": 1, "convocatorias": 0}
        after = await on.says(fer, "/mis_datos")
        assert not after.text.startswith("No guardo nada"), "it keeps something, so it must not say nothing"
        assert after.text.startswith("No guardo suscripciones de este chat")
        assert str(fer.id) in after.text and RECORD in after.text and "Jalisco" in after.text


@pytest.mark.e2e
async def test_someone_without_a_role_hears_nothing_about_a_record(engine, tmp_path):
    async with app_on_loop(engine, tmp_path) as on:
        ana = on.emu.new_user("Ana")
        assert (await on.says(ana, "/mis_datos")).text.startswith("No guardo nada de este chat")
        question = await on.says(ana, "/borrar_mis_datos")
        assert KEPT not in question.text and RECORD not in question.text


@pytest.mark.e2e
async def test_in_a_group_the_record_of_a_person_is_not_shown(engine, tmp_path):
    async with app_on_loop(engine, tmp_path) as on:
        fer = on.emu.new_user("Fer")
        on.store.grant_facilitator(fer.id, "jalisco", granted_by=None)
        group = on.emu.new_group("Fellows", [fer], admins=[fer])
        data = await on.says(fer, "/mis_datos", chat=group)
        assert data.text.startswith("No guardo nada de este chat") and RECORD not in data.text


def test_privacidad_says_what_a_facilitator_leaves_on_record(engine):
    text = command_reply(engine, "privacidad").text
    assert "persona facilitadora" in text and "registro público" in text and "no lo borra" in text
