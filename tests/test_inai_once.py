"""The INAI notice said once (issue 10): the ≈230-character notice that the INAI ceased to exist
goes in full in a chat's first answer of the day that names the INAI; later answers carry a
short line, and every one still cites the notice's source. Without a chat (`python -m bot ask`,
inline results) it is always said in full; /borrar_mis_datos forgets it."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest

from bot.console import Console
from knowledge import wording
from knowledge.engine import Engine

FULL = "Secretaría Anticorrupción"  # only in the full notice
SHORT = wording.INAI_REMINDER
NOTICE_SOURCE = "contexto-2025"


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock():
    return Clock(datetime(2026, 3, 10, 17, 0, tzinfo=timezone.utc))  # 11:00 in Mexico City


@pytest.fixture
def engine(kb, clock):
    return Engine(kb, clock=clock)


def _cites_the_notice(reply) -> bool:
    return any(c.source_id == NOTICE_SOURCE for c in reply.sources)


def test_the_first_answer_that_names_inai_says_it_in_full_and_the_next_ones_briefly(engine):
    first = engine.ask("fase 3", chat=1)
    assert FULL in first.text and wording.INAI_NOTICE in first.text
    second = engine.ask("fase 4", chat=1)
    assert "INAI" in second.text and FULL not in second.text
    assert SHORT in second.text and "dejó de existir" in second.text
    assert _cites_the_notice(first) and _cites_the_notice(second)
    assert len(second.text) < len(first.text) - 150


def test_a_glossary_term_after_an_answer_gets_the_short_line(engine):
    engine.ask("fase 3", chat=1)
    term = engine.for_chat(1, engine.answers.term("pal"))
    assert FULL not in term.text and SHORT in term.text and _cites_the_notice(term)


def test_each_chat_is_told_once(engine):
    engine.ask("fase 3", chat=1)
    assert FULL in engine.ask("fase 3", chat=2).text
    assert FULL not in engine.ask("fase 5", chat=2).text


def test_answers_without_inai_do_not_use_up_the_notice(engine):
    engine.ask("¿cómo va Jalisco?", chat=1)
    engine.ask("paso 6", chat=1)
    assert FULL in engine.ask("fase 3", chat=1).text


def test_a_new_day_in_mexico_city_says_it_in_full_again(engine, clock):
    engine.ask("fase 3", chat=1)
    clock.at += timedelta(hours=12)  # 23:00 in Mexico City: the same day
    assert FULL not in engine.ask("fase 3", chat=1).text
    clock.at += timedelta(hours=2)  # 01:00 the next day
    assert FULL in engine.ask("fase 3", chat=1).text


def test_without_a_chat_it_is_always_said_in_full(engine):
    engine.ask("fase 3", chat=1)
    for _ in range(2):
        reply = engine.ask("fase 3")
        assert FULL in reply.text and _cites_the_notice(reply)


def test_erasing_the_chat_forgets_it_was_told(engine):
    engine.ask("fase 3", chat=1)
    engine.forget(1)
    assert FULL in engine.ask("fase 3", chat=1).text


def test_applying_it_twice_to_the_same_reply_changes_nothing(engine):
    told = engine.for_chat(1, engine.answers.phase(3))
    assert engine.for_chat(1, told) == told
    assert FULL in told.text


def test_an_answer_that_tells_the_story_itself_keeps_it(engine):
    engine.ask("fase 3", chat=1)
    story = engine.for_chat(1, engine.answers.sources_list())
    assert "dejó de existir" in story.text and FULL in story.text


def test_the_memory_keeps_no_text_only_a_day_per_chat(engine):
    engine.ask("fase 3", chat=1)
    kept = engine.told.snapshot()
    assert list(kept) == [1] and all(type(day).__name__ == "date" for day in kept.values())


def test_the_console_says_it_in_full_in_the_first_answer_of_each_session(engine):
    out = io.StringIO()
    console = Console(engine, out=out)
    assert FULL in console.reply_to("fase 3").text
    assert FULL not in console.reply_to("/fase 4").text  # commands too
    again = Console(engine, out=out)  # a new session
    assert FULL in again.reply_to("fase 3").text


def test_the_console_buttons_say_it_once_too(engine):
    console = Console(engine, out=io.StringIO())
    phases = console.reply_to("/fases")
    assert FULL in phases.text
    console.show(phases)
    number = [b.text for b in console.buttons].index("Fase 2") + 1
    pressed = console.reply_to(str(number))
    assert "INAI" in pressed.text and FULL not in pressed.text and SHORT in pressed.text
