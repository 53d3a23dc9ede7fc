"""Issue 10, rows: the lists of buttons that grow with what a chat follows or an admin
published — /baja's followed states, /suscripciones' settings and /mis_convocatorias — page with
◀ ▶ like the other lists, so no keyboard has more than 8 rows, and every item is on some page."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from bot.core.convocatorias import ConvocatoriaRecord
from bot.store import Subscription
from handlers import convocatorias, subscriptions
from handlers.callbacks import decode_action
from knowledge import wording
from knowledge.live import ConvocatoriaInfo

NOW = datetime(2026, 11, 21, 18, 0, tzinfo=timezone.utc)
NAV = (wording.PREVIOUS_PAGE, wording.NEXT_PAGE)


def _labels(markup) -> list[list[str]]:
    return [[button.text for button in row] for row in markup.inline_keyboard]


def _args(markup, kind: str) -> list[str]:
    found = []
    for row in markup.inline_keyboard:
        for button in row:
            decoded = decode_action(button.callback_data)
            if decoded.kind == kind:
                found.append(decoded.arg)
    return found


def _walk(build, count: int):
    """Every page of a list of `count` items, following the ▶ buttons from the first page."""
    pages, page = [], 0
    while True:
        markup, pages_total = build(page)
        pages.append(markup)
        if page + 1 >= pages_total:
            return pages
        page += 1


def _followed(engine, count: int) -> list[Subscription]:
    return [Subscription(slug, True, True, True) for slug in sorted(engine.kb.states)[:count]]


@pytest.mark.parametrize("count", [1, 2, 6, 7, 14, 32])
def test_the_baja_list_pages_and_shows_every_followed_state_once(engine, count):
    services = SimpleNamespace(engine=engine)
    followed = _followed(engine, count)
    pages = _walk(lambda page: subscriptions.followed_page(services, followed, page), count)
    shown = [arg for markup in pages for arg in _args(markup, "unsub") if arg in engine.kb.states]
    assert shown == [s.state for s in followed]
    for markup in pages:
        assert wording.keyboard_problems(_labels(markup)) == [], _labels(markup)
        assert _labels(markup)[-1] == ["🔕 Baja de todas"]
    assert len(pages) == -(-count // subscriptions.FOLLOWED_PER_PAGE)
    if count > subscriptions.FOLLOWED_PER_PAGE:
        assert [label for row in _labels(pages[0]) for label in row if label in NAV] == [wording.NEXT_PAGE]
        assert [label for row in _labels(pages[-1]) for label in row if label in NAV] == [wording.PREVIOUS_PAGE]


@pytest.mark.parametrize("count", [1, 12, 13, 32])
def test_the_settings_list_pages_and_shows_every_subscription_once(engine, count):
    services = SimpleNamespace(engine=engine)
    followed = _followed(engine, count)
    pages = _walk(lambda page: subscriptions.settings_page(services, followed, page), count)
    shown = [arg for markup in pages for arg in _args(markup, "sub_settings")]
    assert shown == [s.state for s in followed]
    for markup in pages:
        assert wording.keyboard_problems(_labels(markup)) == [], _labels(markup)
    assert len(pages) == -(-count // subscriptions.SETTINGS_PER_PAGE)


def test_a_page_past_the_end_shows_the_last_one(engine):
    services = SimpleNamespace(engine=engine)
    followed = _followed(engine, 14)
    last, pages = subscriptions.followed_page(services, followed, 2)
    assert subscriptions.followed_page(services, followed, 99)[0] == last and pages == 3


def _records(count: int) -> list[ConvocatoriaRecord]:
    return [ConvocatoriaRecord(ConvocatoriaInfo(id=n, state="oaxaca", step=7, kind="mesas",
                                                title=f"Mesas de cocreación de la región número {n}",
                                                description="", opens_at=NOW - timedelta(days=1),
                                                closes_at=NOW + timedelta(days=n), url=None, how_to_apply=None,
                                                contact=None),
                               status="open", published_by="test", reminder_sent=False, announced_at=NOW)
            for n in range(1, count + 1)]


@pytest.mark.parametrize("count", [1, 6, 7, 14, 40])
def test_mis_convocatorias_pages_with_every_convocatoria_once(engine, count):
    records = _records(count)
    pages = []
    for page in range(-(-count // convocatorias.MINE_PER_PAGE)):
        text, rows = convocatorias.mine_page(records, engine.kb.states, NOW, page)
        pages.append((text, rows))
        assert wording.keyboard_problems([[b.text for b in row] for row in rows]) == []
    chosen = [decode_action(b.callback_data).arg for _, rows in pages for row in rows for b in row
              if decode_action(b.callback_data).arg.startswith("m:")]
    assert chosen == [f"m:{n}" for n in range(1, count + 1)]
    listed = [line for text, _ in pages for line in text.splitlines() if line.startswith("• ")]
    assert len(listed) == count
    if count > convocatorias.MINE_PER_PAGE:
        first_text, first_rows = pages[0]
        assert f"Del 1 al {convocatorias.MINE_PER_PAGE} de {count}." in first_text
        assert [b.text for b in first_rows[-1]] == [wording.NEXT_PAGE]
    else:
        assert "Del 1" not in pages[0][0]


@pytest.mark.parametrize("first, last, total, line", [
    (1, 5, 11, "Del 1 al 5 de 11. Quedan 6 más."), (6, 10, 11, "Del 6 al 10 de 11. Quedan 1 más."),
    (11, 11, 11, "Del 11 al 11 de 11."),
])
def test_the_page_line_reads_like_every_other_list(first, last, total, line):
    assert wording.page_line(first, last, total) == line
