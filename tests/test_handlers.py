"""Fast in-process tests of the Telegram adapters: the callback codec over every button the
engine can produce, splitting long HTML, the group filter, and the Application itself running
on this test's event loop against the Bot API emulator (for what is easier to stage here: a
20,000-character reply, a button whose answer is too long to edit in)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from markupsafe import Markup
from telegram import Bot, Message
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, CommandHandler

from bot.app import build_application
from bot.runtime.services import Services
from bot.runtime.settings import Settings
from bot.store import Store
from handlers.callbacks import CODES, MAX_BYTES, BadCallback, decode_action, encode_action
from handlers.questions import AddressedToBot, _without_mention
from handlers.render import edit_or_send, keyboard, send_reply, split_html, visible_length
from bot.core.commands import READ_ONLY_COMMANDS, action_reply, command_reply
from knowledge.engine import Engine
from knowledge.models import PHASE_COUNT, STEP_COUNT
from knowledge.reply import ACTION_KINDS, Action, Button, Reply, esc, html_to_text
from tests.emulator import BotApiEmulator
from tests.emulator.entities import parse_html

RUNTIME_KINDS = {"subscribe", "unsub", "map"}  # handlers/subscriptions.py and handlers/sharing.py answer them


# -- every button the engine can produce -------------------------------------------------------

def every_reply(engine: Engine, tune_outcomes) -> list[Reply]:
    kb = engine.kb
    # every question of the tuning corpus, follow-ups as in a chat (the frozen part is read by no
    # one, tests included); answered once per session by the tune_outcomes fixture
    replies = [outcome.reply for outcome in tune_outcomes]
    arguments = ["", "baja", "atlantida", "0", "14", "abc", *kb.states, *(s.name for s in kb.states.values()),
                 *map(str, range(1, STEP_COUNT + 1)), *kb.terms, *(t.term for t in kb.terms.values())]
    replies += [command_reply(engine, command, arg) for command in READ_ONLY_COMMANDS for arg in arguments]
    replies += [action_reply(engine, action) for action in every_action(engine)]
    replies += [engine.answers.compare_states(list(kb.states)[i:i + 4]) for i in range(0, len(kb.states), 4)]
    return [reply for reply in replies if reply is not None]


def every_action(engine: Engine) -> list[Action]:
    kb = engine.kb
    args = {
        "state": [*kb.states, "veracruz:1", "veracruz:2.0", "jalisco:0.1"],
        "state_more": [*(f"{slug}:" for slug in kb.states), *(f"{slug}:0" for slug, s in kb.states.items() if s.particularities),
                       "veracruz:1", "jalisco:0.1"],
        "states": ["", "docs", "convs", "subscribe"],
        "step": [str(n) for n in range(1, STEP_COUNT + 1)], "steps": [""],
        "phase": [str(n) for n in range(1, PHASE_COUNT + 1)], "phases": [""],
        "term": list(kb.terms), "terms": ["", "0", "3", *"abcdefghijklmnopqrstuvwxyz"],
        "subscribe": list(kb.states), "unsub": list(kb.states), "docs": list(kb.states), "convs": ["", *kb.states],
        "sources": [""], "help": [""], "map": ["estado", "pasos", "stl", "pal"], "welcome": [""],
        "docs_page": [f"{slug}:{step}:{page}" for slug in ("jalisco", "san-luis-potosi") for step in (0, 4, 13)
                      for page in (0, 3)],
        "convs_page": [f"{slug}:{page}" for slug in ("", "jalisco", "baja-california-sur") for page in (0, 3)],
    }
    assert set(args) == set(ACTION_KINDS)
    return [Action(kind, arg) for kind, values in args.items() for arg in values]


@pytest.fixture(scope="module")
def buttons(engine, tune_outcomes) -> list[Button]:
    found = {button for reply in every_reply(engine, tune_outcomes) for row in reply.buttons for button in row}
    return sorted(found, key=lambda b: (b.text, str(b.action)))


def test_the_engine_offers_many_buttons(buttons):
    assert len(buttons) > 150  # states, steps, phases, terms, pages, menus


def test_every_button_encodes_under_64_bytes_and_decodes_back(buttons):
    for button in buttons:
        markup = keyboard(((button,),))
        data = markup.inline_keyboard[0][0].callback_data
        assert len(data.encode()) <= MAX_BYTES, data
        decoded = decode_action(data)
        assert (decoded.kind, decoded.arg) == (button.action.kind, button.action.arg)


def test_every_button_leads_somewhere(engine, buttons):
    for button in buttons:
        reply = action_reply(engine, button.action)
        assert reply is not None or button.action.kind in RUNTIME_KINDS, button
        if reply is not None:
            parse_html(reply.html)


def test_every_button_label_is_short_enough_for_a_phone(buttons):
    too_long = [b.text for b in buttons if len(b.text) > 40]
    assert too_long == []


def test_no_keyboard_for_no_buttons():
    assert keyboard(()) is None and keyboard(((),)) is None


def test_a_url_button_stays_a_link():
    markup = keyboard(((Button("Documento", url="https://example.org/plan.pdf"),),))
    assert markup.inline_keyboard[0][0].url == "https://example.org/plan.pdf"


@pytest.mark.parametrize("data", [
    None, "", "garbage", "1", "1|e", "1|e|jalisco|x", "0|e|jalisco", "2|e|jalisco", "1|zz|x", "1|e|Jalisco",
    "1|e|jalisco\n", "1|e|jal isco", "1|e|jalisco;drop", "1|e|" + "a" * 49, "1|e|" + "a" * 61, "ñ|e|x", "1|e|ñ",
])
def test_decode_rejects_junk(data):
    with pytest.raises(BadCallback):
        decode_action(data)


@given(st.text(max_size=80))
def test_decode_never_fails_otherwise(data):
    try:
        decoded = decode_action(data)
    except BadCallback:
        return
    assert decoded.kind in CODES and encode_action(decoded.kind, decoded.arg) == data


@given(st.sampled_from(sorted(CODES)), st.from_regex(r"[a-z0-9_.:\-]{0,40}", fullmatch=True))
def test_encode_then_decode_is_the_identity(kind, arg):
    decoded = decode_action(encode_action(kind, arg))
    assert (decoded.kind, decoded.arg) == (kind, arg)


@pytest.mark.parametrize("arg", ["Jalisco", "a b", "x" * 49, "ñ", "a|b"])
def test_encode_refuses_what_it_could_not_decode(arg):
    with pytest.raises(ValueError):
        encode_action("state", arg)


# -- splitting long HTML -------------------------------------------------------------------------

def long_reply(characters: int = 20_000) -> Markup:
    """Realistic long HTML: bold titles, links, escaped data, emoji, paragraphs and lists."""
    paragraphs, number = [], 0
    while visible_length("\n\n".join(paragraphs)) < characters:
        number += 1
        paragraphs.append("\n".join([
            f"<b>Sección {number} · Árbol de problemas &amp; soluciones 🌳</b>",
            f"• {esc('Compromiso <' + str(number) + '> del «Plan de Acción Local» & su seguimiento')}",
            f"• <i>Fuente: NOSC 2019</i> · <a href=\"https://example.org/doc/{number}\">Enlace</a>",
            "Lo que dijo la gente, en sus palabras: " + "participación ciudadana " * 8,
        ]))
    return Markup("\n\n".join(paragraphs))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_fits_telegram(parts: list[str], limit: int = 4096) -> None:
    for part in parts:
        parsed = parse_html(part)  # raises where Telegram would answer "can't parse entities"
        assert parsed.text.strip(), "Telegram refuses an empty message"
        assert len(parsed.text) <= limit and visible_length(part) <= limit


def test_a_20000_character_reply_is_split_into_valid_parts_and_nothing_is_lost():
    markup = long_reply()
    assert visible_length(markup) > 20_000
    parts = split_html(markup)
    assert len(parts) >= 5
    assert_fits_telegram(parts)
    assert squeeze("".join(html_to_text(p) for p in parts)) == squeeze(html_to_text(markup))
    assert all(part.startswith("<b>Sección") for part in parts), "parts start at a paragraph"


def test_a_reply_that_fits_is_left_alone():
    markup = long_reply(3000)
    assert split_html(markup) == [markup]


def test_a_single_line_longer_than_the_limit_is_cut_at_spaces_in_order():
    line = Markup("<b>Inicio</b> " + " ".join(f"palabra{n}" for n in range(2000)) + " &amp; fin")
    parts = split_html(line)
    assert_fits_telegram(parts)
    text = " ".join(html_to_text(p) for p in parts)
    assert text.split() == html_to_text(line).split()


def test_a_word_longer_than_the_limit_is_cut_inside_it_in_order():
    markup = Markup("1 " + "0" * 10_000 + " fin")
    parts = split_html(markup)
    assert_fits_telegram(parts)
    assert "".join(html_to_text(p) for p in parts).replace(" ", "") == markup.replace(" ", "")


def test_emoji_count_double_so_no_part_goes_over_in_any_measure():
    markup = Markup("🇲🇽" * 5000)
    parts = split_html(markup)
    assert_fits_telegram(parts)
    assert "".join(parts) == markup


words = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.just(" "), max_size=30)
lines = st.builds(lambda ws, tag: f"<{tag}>{esc(' '.join(ws))}</{tag}>" if tag else esc(" ".join(ws)),
                  st.lists(words, max_size=40), st.sampled_from([None, "b", "i", "code"]))
documents = st.lists(st.lists(lines, min_size=1, max_size=4).map("\n".join), min_size=1, max_size=12).map(
    lambda paragraphs: Markup("\n\n".join(paragraphs)))


# 100 examples (it was 300): each one splits a document and parses every part again, and 300 took
# about a tenth of the fast loop's CPU. The fixed cases above keep the edges (one long line, one
# long word, emoji).
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, st.integers(2, 400))
def test_split_html_property(markup, limit):
    assume(html_to_text(markup).strip())
    parts = split_html(markup, limit)
    assert_fits_telegram(parts, limit)
    assert squeeze("".join(html_to_text(p) for p in parts)) == squeeze(html_to_text(markup))


# -- the group filter --------------------------------------------------------------------------

BOT_ID, BOT_NAME = 123456789, BotApiEmulator.DEFAULT_USERNAME
GROUP = {"id": -100123, "type": "supergroup", "title": "Fellows"}
ANA = {"id": 42, "is_bot": False, "first_name": "Ana"}


@pytest.fixture(scope="module")
def ptb_bot():
    """A Bot that knows who it is (getMe against the emulator)."""
    with BotApiEmulator() as emu:
        bot = emu.ptb_bot()
        asyncio.run(_introduce(bot))
        return bot


async def _introduce(bot: Bot) -> None:
    async with bot:  # getMe; the bot keeps knowing its id and username afterwards
        pass


def group_message(bot: Bot, text: str, entities=(), reply_to_from: dict | None = None) -> Message:
    data = {"message_id": 7, "date": 0, "chat": GROUP, "from": ANA, "text": text, "entities": list(entities)}
    if reply_to_from:
        data["reply_to_message"] = {"message_id": 6, "date": 0, "chat": GROUP, "from": reply_to_from, "text": "hola"}
    return Message.de_json(data, bot)


def entity(kind: str, text: str, part: str) -> dict:
    offset = text.index(part)
    return {"type": kind, "offset": len(text[:offset].encode("utf-16-le")) // 2,
            "length": len(part.encode("utf-16-le")) // 2}


@pytest.mark.parametrize("text, kind, part, addressed", [
    (f"@{BOT_NAME} ¿qué es un STL?", "mention", f"@{BOT_NAME}", True),
    (f"oye @{BOT_NAME.upper()}, ¿cómo va Jalisco?", "mention", f"@{BOT_NAME.upper()}", True),
    (f"🇲🇽 @{BOT_NAME} ¿y Oaxaca?", "mention", f"@{BOT_NAME}", True),
    ("@beto ¿cómo va Jalisco?", "mention", "@beto", False),
    (f"@{BOT_NAME}x hola", "mention", f"@{BOT_NAME}x", False),
    (f"/foo@{BOT_NAME}", "bot_command", f"/foo@{BOT_NAME}", True),
    (f"/estado@{BOT_NAME.upper()} jalisco", "bot_command", f"/estado@{BOT_NAME.upper()}", True),
    ("/foo@otro_bot", "bot_command", "/foo@otro_bot", False),
    ("/foo", "bot_command", "/foo", False),
    (f"escríbele a {BOT_NAME}", None, None, False),
])
@pytest.mark.e2e
def test_addressed_to_bot(ptb_bot, text, kind, part, addressed):
    entities = [entity(kind, text, part)] if kind else []
    assert AddressedToBot().filter(group_message(ptb_bot, text, entities)) is addressed


@pytest.mark.e2e
def test_a_reply_to_the_bot_is_addressed_to_it_and_a_reply_to_someone_else_is_not(ptb_bot):
    the_bot = {"id": BOT_ID, "is_bot": True, "first_name": "CocreaBot", "username": BOT_NAME}
    assert AddressedToBot().filter(group_message(ptb_bot, "¿y puebla?", reply_to_from=the_bot))
    beto = {"id": 43, "is_bot": False, "first_name": "Beto"}
    assert not AddressedToBot().filter(group_message(ptb_bot, "¿y puebla?", reply_to_from=beto))


def test_the_mention_is_taken_out_of_the_question():
    assert _without_mention(f"@{BOT_NAME} ¿qué es un STL?", BOT_NAME) == "¿qué es un STL?"
    assert _without_mention(f"¿cómo va @{BOT_NAME.upper()} Jalisco?", BOT_NAME) == "¿cómo va   Jalisco?"


# -- the Application on this test's loop, against the emulator -----------------------------------

class Running:
    def __init__(self, emu: BotApiEmulator, app):
        self.emu, self.app = emu, app


@pytest.fixture
async def running(engine, tmp_path: Path):
    """build_application() on this loop, polling the emulator; no rate limiter, no post_init."""
    with BotApiEmulator() as emu:
        settings = Settings(token=emu.token, api_base_url=emu.base_url, db_path=tmp_path / "cocrea.db")
        services = Services(settings=settings, store=Store(settings.db_path), engine=engine)
        app = build_application(settings, services, rate_limit=False)
        errors: list[BaseException] = []
        app.add_error_handler(lambda update, context: _record(errors, context.error))
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=1)
            running = Running(emu, app)
            yield running
            await app.updater.stop()
            await app.stop()
        assert errors == []
        assert [c for c in emu.calls() if c.status >= 400] == []


async def _record(errors: list, error: BaseException) -> None:
    errors.append(error)


@pytest.mark.e2e
async def test_a_20000_character_reply_goes_out_in_parts_telegram_accepts(running):
    async def long_answer(update, context):
        await send_reply(update.effective_message, Reply(long_reply(), ((Button("Ver los 13 pasos", Action("steps")),),)))
        raise ApplicationHandlerStop  # the bot's own handlers do not see this test's command

    running.app.add_handler(CommandHandler("largo", long_answer), group=-1)
    emu = running.emu
    ana = emu.new_user("Ana")
    emu.send_command(ana, "/largo")
    sent = await emu.wait_for_messages_async(ana, len(split_html(long_reply())), timeout=20)
    assert [m.button_texts for m in sent] == [[]] * (len(sent) - 1) + [["Ver los 13 pasos"]]
    assert all(len(m.text) <= 4096 for m in sent)
    assert squeeze("".join(m.text for m in sent)) == squeeze(html_to_text(long_reply()))


@pytest.mark.e2e
async def test_a_button_whose_answer_is_too_long_to_edit_in_sends_it_instead(running):
    async def long_button(update, context):
        await update.callback_query.answer()
        await edit_or_send(update, Reply(long_reply(9000)))
        raise ApplicationHandlerStop

    running.app.add_handler(CallbackQueryHandler(long_button, pattern="^largo$"), group=-1)
    emu = running.emu
    ana = emu.new_user("Ana")
    emu.send_command(ana, "/start")
    welcome, = await emu.wait_for_messages_async(ana)
    emu.press_button(ana, welcome, "largo", raw=True)
    parts = await emu.wait_for_messages_async(ana, len(split_html(long_reply(9000))), timeout=20)
    assert all(part.message_id != welcome.message_id for part in parts)
    assert emu.refresh(welcome).text == welcome.text
