"""A second judge for "Telegram accepts this HTML": TDLib, Telegram's own library
(tests/tdlib_html.py), next to the emulator's re-implementation of its parser. Every reply the
engine gives must be accepted by both, and both must read the same text and the same entities
out of it; on made-up markup the two must agree on what is refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.commands import READ_ONLY_COMMANDS, command_reply
from tests import tdlib_html
from tests.emulator.entities import EntityParseError, parse_html


def emulator_reading(source: str) -> tuple[str, list[tuple[str, int, int]]]:
    parsed = parse_html(source)
    entities = [(e["type"], e["offset"], e["length"]) for e in parsed.entities]
    return parsed.text, sorted(entities, key=lambda e: (e[1], -e[2], e[0]))


def assert_both_read_the_same(source: str) -> None:
    try:
        telegram = tdlib_html.parse_html(source)
    except tdlib_html.Rejected as refused:
        pytest.fail(f"Telegram (TDLib {tdlib_html.VERSION}) refuses this HTML: {refused}\n{source}")
    assert emulator_reading(source) == telegram, source


def test_every_reply_to_the_tuning_corpus_reads_the_same_in_telegram_and_the_emulator(tune_outcomes):
    sources = {outcome.reply.html for outcome in tune_outcomes}
    assert len(sources) > 500
    for source in sorted(sources):
        assert_both_read_the_same(source)


def test_every_read_only_command_reply_reads_the_same(engine):
    kb = engine.kb
    arguments = ["", "baja", "0", "14", *kb.states, *map(str, range(1, 14)), *kb.terms]
    replies = [command_reply(engine, command, arg) for command in READ_ONLY_COMMANDS for arg in arguments]
    for reply in filter(None, replies):
        assert_both_read_the_same(reply.html)


MARKUP = st.lists(st.sampled_from([
    "<b>", "</b>", "<i>", "</i>", "<u>", "</u>", "<s>", "</s>", "<code>", "</code>", "<pre>", "</pre>",
    '<a href="https://gob.mx/x">', "</a>", "<blockquote>", "</blockquote>", "<tg-spoiler>",
    "</tg-spoiler>", "<B>", "</b >", "<br>", "<p>", "hola", " ", "\n", "&amp;", "&lt;", "&gt;",
    "&quot;", "&#39;", "&nbsp;", "a&b", "<", ">", "ñ", "😀", "«x»",
]), max_size=10).map("".join)


@settings(max_examples=400, deadline=None)
@given(MARKUP)
def test_telegram_and_the_emulator_refuse_the_same_markup(source):
    try:
        telegram = tdlib_html.parse_html(source)
    except tdlib_html.Rejected:
        with pytest.raises(EntityParseError):
            parse_html(source)
        return
    assert emulator_reading(source) == telegram
