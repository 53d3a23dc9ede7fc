"""Bad input through the real path: about a thousand generated messages (any unicode, emoji,
right-to-left text, HTML and Markdown characters, SQL-like text, up to 4,096 characters,
commands with junk arguments) and tampered button data, sent to `python -m bot run` through
the emulator. Every message gets an answer, every answer is valid Telegram HTML (the emulator
answers 400 to anything Telegram would refuse), every press is answered, and nothing reaches
the error handler.

The messages go out in one batch and the test waits afterwards: the bot's rate limiter (30
messages a second, Telegram's limit) sets the pace, not the round trips."""

from __future__ import annotations

import time

from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from handlers.callbacks import CODES
from bot.core.commands import READ_ONLY_COMMANDS
from tests.e2e.people import live_bot
from tests.emulator import BotApiEmulator

MESSAGES = 850
PRESSES = 150
TYPEABLE = st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t")
SPICE = [
    "<b>", "</b>", "<i>x</i>", "<a href='javascript:alert(1)'>", "</a>", "<br>", "<pre>", "<tg-spoiler>", "<!--",
    "&amp;", "&lt;", "&gt;", "&#x1F600;", "&nbsp;", "&", "<", ">", "</", "'", '"',
    "*negrita*", "_cursiva_", "`código`", "```python", "[enlace](http://x.org)", "~~", "||spoiler||", "\\",
    "'; DROP TABLE chats; --", "\" OR 1=1 --", "UNION SELECT * FROM subscriptions", "%s %d {0} {{x}}",
    "${jndi:ldap://x}", "\u202e", "\u200f", "\u200b", "\ufeff", "\u00a0", "مرحبا، كيف حال جاليسكو؟", "שלום",
    "👩‍👩‍👧‍👦", "🇲🇽", "e\u0301\u0302\u0303", "𝔍𝔞𝔩𝔦𝔰𝔠𝔬", "ＪＡＬＩＳＣＯ",
    "Jalisco", "baja", "paso 6", "paso 99", "STL", "¿cómo va", "¿qué es", "fase 7", "edomex",
    f"@{BotApiEmulator.DEFAULT_USERNAME}", "@otra_persona", "#gobiernoabierto", "https://t.me/x", "/start", " ",
]
plain = st.text(TYPEABLE, min_size=1, max_size=120)
spiced = st.lists(st.one_of(st.sampled_from(SPICE), plain), min_size=1, max_size=12).map("".join)
long_text = st.builds(lambda piece, times: (piece + " ") * times, st.one_of(plain, spiced), st.integers(20, 4096))
command_names = st.one_of(st.sampled_from(READ_ONLY_COMMANDS), st.from_regex(r"[a-zA-Z0-9_]{1,32}", fullmatch=True))
commands = st.builds(
    lambda name, to, argument: f"/{name}{to} {argument}",
    command_names, st.sampled_from(["", "", f"@{BotApiEmulator.DEFAULT_USERNAME}", "@otro_bot"]),
    st.one_of(st.just(""), plain, spiced),
)
messages = st.one_of(plain, spiced, spiced, commands, commands, long_text).map(lambda t: t[:4096].strip()).filter(bool)

argument = st.one_of(st.text(max_size=70), st.from_regex(r"[a-z0-9_.:\-]{0,60}", fullmatch=True),
                     st.integers(-5, 10**21).map(str), st.sampled_from(["jalisco", "baja-california", "6", "stl", ""]))
tampered = st.one_of(
    st.text(max_size=90),
    st.builds(lambda version, code, arg: f"{version}|{code}|{arg}",
              st.sampled_from(["1", "1", "0", "2", ""]), st.sampled_from([*CODES.values(), "zz", "", "E"]), argument),
)


def just_generate(examples: int) -> settings:
    """Each example only sends; the checks come after the batch, so there is nothing to shrink."""
    return settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
                    suppress_health_check=list(HealthCheck))


def test_a_thousand_bad_inputs_through_the_running_bot(tmp_path):
    with live_bot(tmp_path) as live:  # on the way out: no traceback, no 4xx, no "algo salió mal"
        emu = live.emulator
        sent: list[tuple[object, str]] = []

        @just_generate(MESSAGES)
        @given(messages)
        def send_one(text):
            user = emu.new_user("Fuzz")
            emu.send_text(user, text)
            sent.append((user, text))

        send_one()
        assert len(sent) >= MESSAGES * 0.9
        deadline = time.monotonic() + 300  # generous for a loaded machine; never a performance check
        replies = {}
        for user, text in sent:
            try:
                replies[user.id] = emu.wait_for_messages(user, 1, timeout=max(1, deadline - time.monotonic()))[0]
            except AssertionError:
                raise AssertionError(f"no answer to {text!r}") from None

        targets = iter(sent)

        @just_generate(PRESSES)
        @given(tampered)
        def press_one(data):
            user, _ = next(targets)
            live.queries.append(emu.press_button(user, replies[user.id], data, raw=True))

        press_one()
        for query in live.queries:
            emu.wait_for_callback_answer(query, timeout=max(1, deadline - time.monotonic()))
        emu.wait_for(lambda: emu.pending_update_count() == 0, timeout=60)
        live.process.stop()  # lets the bot finish what it fetched before the checks below
        unanswered = [text for user, text in sent if not [m for m in emu.messages(user) if m.from_bot]]
        assert unanswered == []
        assert len(live.queries) >= PRESSES * 0.9
