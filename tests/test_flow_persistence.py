"""The guided flows' state in SQLite (issue 10, bug 12): drafts as JSON (never pickle), where each
conversation stands, and stale flows not resumed. The end-to-end restart is in
tests/e2e/test_facilitators.py."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.core.convocatorias import ConvocatoriaDraft
from bot.core.publishing import DocumentDraft
from bot.runtime.persistence import FlowPersistence, decode, encode


def test_drafts_go_through_json_and_come_back_equal():
    drafts = {
        "document_draft": DocumentDraft(state="jalisco", step=4, title="Acta", url="https://x.mx/a.pdf",
                                        published_on=date(2026, 11, 20)),
        "convocatoria_draft": ConvocatoriaDraft(state="oaxaca", kind="mesas", title="Mesas",
                                                closes_at=datetime(2026, 12, 16, 5, 59, tzinfo=timezone.utc)),
        "convocatoria_edit": {"id": 7, "closes_at": datetime(2026, 12, 1, tzinfo=timezone.utc)},
        "flow_keyboard": 42,
    }
    assert decode(json.loads(json.dumps(encode(drafts)))) == drafts


def test_anything_else_is_refused_rather_than_pickled():
    with pytest.raises(TypeError):
        encode({"x": object()})


def test_conversations_and_drafts_survive_a_new_persistence_on_the_same_file(store):
    async def scenario():
        first = FlowPersistence(store, max_age=timedelta(minutes=15))
        await first.update_conversation("convocar", (100, 100), 5)
        await first.update_conversation("publicar", (200, 200), 1)
        await first.update_conversation("publicar", (200, 200), None)  # ended
        await first.update_user_data(100, {"convocatoria_draft": ConvocatoriaDraft(state="oaxaca", kind="stl")})
        await first.update_user_data(300, {})  # nobody's draft: no row
        second = FlowPersistence(store, max_age=timedelta(minutes=15))
        return (await second.get_conversations("convocar"), await second.get_conversations("publicar"),
                await second.get_user_data())

    convocar, publicar, drafts = asyncio.run(scenario())
    assert convocar == {(100, 100): 5} and publicar == {}
    assert drafts == {100: {"convocatoria_draft": ConvocatoriaDraft(state="oaxaca", kind="stl")}}


def test_a_flow_older_than_its_timeout_is_not_resumed(store):
    async def scenario():
        await FlowPersistence(store, max_age=timedelta(minutes=15)).update_conversation("convocar", (1, 1), 3)
        late = FlowPersistence(store, max_age=timedelta(seconds=-1))  # as if the timeout had passed
        return await late.get_conversations("convocar")

    assert asyncio.run(scenario()) == {}
