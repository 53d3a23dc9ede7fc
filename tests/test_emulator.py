"""Tests of the Telegram Bot API emulator (tests/emulator), over raw HTTP and with PTB 22."""

from __future__ import annotations

import asyncio
import html
import socket

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from tests.emulator import BotApiEmulator, EmulatorError, WaitTimeout
from tests.emulator.entities import (
    EntityParseError, entity_text, find_automatic_entities, format_text, parse_html,
)



@pytest.fixture
def emu():
    with BotApiEmulator() as emulator:
        yield emulator
        assert not emulator.internal_errors


@pytest.fixture
def api(emu):
    with httpx.Client(base_url=f"{emu.api_base_url}{emu.token}/", timeout=10) as client:
        yield client


def call(api: httpx.Client, method: str, **params) -> httpx.Response:
    return api.post(method, json=params)


def error_of(response: httpx.Response) -> tuple[int, str]:
    body = response.json()
    assert body["ok"] is False and body["error_code"] == response.status_code
    return response.status_code, body["description"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- entity parsing (pure)


def entities_of(text: str, entities: list[dict], kind: str) -> list[str]:
    return [entity_text(text, e) for e in entities if e["type"] == kind]


class TestAutomaticEntities:
    def test_command_with_arguments_and_bot_name(self):
        text = "/start@cocreabot_test_bot jalisco"
        assert find_automatic_entities(text) == [{"type": "bot_command", "offset": 0, "length": 25}]

    def test_offsets_are_utf16_code_units(self):
        text = "👍🏽 ok /ayuda"  # two astral characters = 4 UTF-16 units
        (entity,) = find_automatic_entities(text)
        assert entity == {"type": "bot_command", "offset": 8, "length": 6}
        assert entity_text(text, entity) == "/ayuda"

    def test_what_is_not_a_command(self):
        for text in ("a/b", "/start@ab", "path/to", "//x", "/niño"):
            assert not entities_of(text, find_automatic_entities(text), "bot_command"), text

    def test_mentions_hashtags_and_urls(self):
        text = "hola @cocrea_mx y @ab #GobiernoAbierto https://gob.mx/x."
        found = find_automatic_entities(text)
        assert entities_of(text, found, "mention") == ["@cocrea_mx"]
        assert entities_of(text, found, "hashtag") == ["#GobiernoAbierto"]
        assert entities_of(text, found, "url") == ["https://gob.mx/x"]


class TestHtml:
    def test_nested_tags_links_and_escapes(self):
        parsed = parse_html('<b>Hola <i>mundo</i></b> &lt;3 &amp; <a href="https://t.me/x">aquí</a> &#128512;')
        assert parsed.text == "Hola mundo <3 & aquí 😀"
        assert entities_of(parsed.text, parsed.entities, "bold") == ["Hola mundo"]
        assert entities_of(parsed.text, parsed.entities, "italic") == ["mundo"]
        link = next(e for e in parsed.entities if e["type"] == "text_link")
        assert link["url"] == "https://t.me/x" and entity_text(parsed.text, link) == "aquí"

    def test_all_supported_tags(self):
        source = ('<strong>a</strong><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike>'
                  '<del>g</del><span class="tg-spoiler">h</span><tg-spoiler>i</tg-spoiler>'
                  '<code>j</code><pre>k</pre><pre><code class="language-python">l</code></pre>'
                  '<blockquote>m</blockquote><blockquote expandable>n</blockquote>'
                  '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>')
        parsed = parse_html(source)
        kinds = [(e["type"], entity_text(parsed.text, e)) for e in parsed.entities]
        assert kinds == [
            ("bold", "a"), ("italic", "b"), ("underline", "c"), ("underline", "d"),
            ("strikethrough", "e"), ("strikethrough", "f"), ("strikethrough", "g"),
            ("spoiler", "h"), ("spoiler", "i"), ("code", "j"), ("pre", "k"), ("pre", "l"),
            ("blockquote", "m"), ("expandable_blockquote", "n"), ("custom_emoji", "👍"),
        ]
        assert parsed.entities[11]["language"] == "python"

    @pytest.mark.parametrize("source, reason", [
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>x", "Can't find end tag corresponding to start tag b"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("ñ<b", "Unclosed start tag at byte offset 2"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0'),
    ])
    def test_invalid_markup_is_rejected_like_telegram(self, source, reason):
        with pytest.raises(EntityParseError) as raised:
            parse_html(source)
        assert str(raised.value) == reason

    def test_unknown_named_entities_stay_literal_unless_strict(self):
        assert parse_html("Q&A &nbsp;").text == "Q&A &nbsp;"
        with pytest.raises(EntityParseError, match="Unsupported HTML entity"):
            parse_html("&nbsp;", strict_entities=True)

    def test_whitespace_is_trimmed_and_entities_follow(self):
        result = format_text("  <b> hola</b>  \n", "HTML")
        assert result.text == "hola"
        assert result.entities == [{"type": "bold", "offset": 0, "length": 4}]


@settings(max_examples=150, deadline=None)
@given(st.text(), st.text(min_size=1))
def test_escaped_html_round_trips_with_utf16_offsets(before, bold):
    parsed = parse_html(f"{html.escape(before)}<b>{html.escape(bold)}</b>")
    assert parsed.text == before + bold
    assert parsed.entities == [{"type": "bold", "offset": len(before.encode("utf-16-le")) // 2,
                                "length": len(bold.encode("utf-16-le")) // 2}]


# ---------------------------------------------------------------- raw HTTP


@pytest.mark.e2e
class TestEnvelopeAndRouting:
    def test_get_me(self, api):
        body = api.get("getMe").json()
        assert body["ok"] is True
        me = body["result"]
        assert me["is_bot"] is True and me["username"] == BotApiEmulator.DEFAULT_USERNAME
        assert {"can_join_groups", "can_read_all_group_messages", "supports_inline_queries"} <= set(me)

    def test_unknown_token_and_method(self, emu, api):
        assert error_of(httpx.get(f"{emu.api_base_url}1:nope/getMe")) == (401, "Unauthorized")
        assert error_of(api.post("sendTelepathy")) == (404, "Not Found")

    def test_method_names_are_case_insensitive_and_all_encodings_work(self, emu, api):
        user = emu.new_user()
        assert api.get("GETME").json()["ok"]
        by_query = api.get("sendmessage", params={"chat_id": user.id, "text": "q"})
        by_form = api.post("SendMessage", data={"chat_id": str(user.id), "text": "f"})
        by_multipart = api.post("sendMessage", data={"chat_id": str(user.id), "text": "m"},
                                files={"unused": ("a.txt", b"x")})
        assert [r.json()["result"]["text"] for r in (by_query, by_form, by_multipart)] == ["q", "f", "m"]
        assert [m.text for m in emu.messages(user)] == ["q", "f", "m"]

    def test_calls_are_recorded_with_typed_params_and_upload_summaries(self, emu, api):
        user = emu.new_user()
        api.post("sendDocument", data={"chat_id": str(user.id), "caption": "c"},
                 files={"document": ("informe.pdf", b"%PDF-1.4", "application/pdf")})
        (recorded,) = emu.calls("senddocument", chat_id=user.id)
        assert recorded.status == 200 and recorded.method == "sendDocument"
        assert recorded.params["document"] == {"filename": "informe.pdf", "size": 8, "mime": "application/pdf"}
        assert recorded.result["document"]["file_name"] == "informe.pdf"
        assert emu.call_count("sendDocument") == 1


@pytest.mark.e2e
class TestValidation:
    @pytest.fixture
    def user(self, emu):
        return emu.new_user()

    def send(self, api, user, **params):
        return call(api, "sendMessage", chat_id=user.id, **params)

    def test_empty_and_too_long_text(self, api, user):
        assert error_of(self.send(api, user, text="")) == (400, "Bad Request: message text is empty")
        assert error_of(self.send(api, user, text="<b> </b>", parse_mode="HTML"))[1] == \
            "Bad Request: message text is empty"
        assert error_of(self.send(api, user, text="x" * 4097)) == (400, "Bad Request: message is too long")
        markup_only_excess = "<b>" + "x" * 4096 + "</b>"
        assert self.send(api, user, text=markup_only_excess, parse_mode="HTML").status_code == 200

    def test_bad_html(self, api, user):
        response = self.send(api, user, text="<b>1 < 2</b>", parse_mode="HTML")
        assert error_of(response) == (
            400, 'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset 5')

    def test_parse_modes_other_than_html_are_refused(self, api, user):
        for mode in ("MarkdownV2", "Markdown", "XML"):  # the bot only sends HTML (see README)
            assert error_of(self.send(api, user, text="x", parse_mode=mode))[1] == \
                "Bad Request: unsupported parse_mode"

    def test_callback_data_limits(self, api, user):
        for data in ("x" * 65, "", "ñ" * 33):
            markup = {"inline_keyboard": [[{"text": "b", "callback_data": data}]]}
            assert error_of(self.send(api, user, text="t", reply_markup=markup)) == \
                (400, "Bad Request: BUTTON_DATA_INVALID")
        markup = {"inline_keyboard": [[{"text": "b", "callback_data": "x" * 64}]]}
        assert self.send(api, user, text="t", reply_markup=markup).status_code == 200

    def test_caption_too_long(self, api, user):
        response = api.post("sendDocument", data={"chat_id": str(user.id), "caption": "c" * 1025},
                            files={"document": ("a.txt", b"a")})
        assert error_of(response) == (400, "Bad Request: message caption is too long")

    def test_edit_not_modified_and_not_found(self, api, user):
        sent = self.send(api, user, text="<b>hola</b>", parse_mode="HTML").json()["result"]
        same = call(api, "editMessageText", chat_id=user.id, message_id=sent["message_id"],
                    text="<b>hola</b>", parse_mode="HTML")
        assert error_of(same)[1].startswith("Bad Request: message is not modified: ")
        changed = call(api, "editMessageText", chat_id=user.id, message_id=sent["message_id"],
                       text="hola")  # same text, bold removed: a real change
        assert changed.json()["result"]["edit_date"] > 0
        markup = {"inline_keyboard": [[{"text": "b", "callback_data": "d"}]]}
        call(api, "editMessageReplyMarkup", chat_id=user.id, message_id=sent["message_id"], reply_markup=markup)
        again = call(api, "editMessageReplyMarkup", chat_id=user.id, message_id=sent["message_id"],
                     reply_markup=markup)
        assert error_of(again)[1].startswith("Bad Request: message is not modified")
        missing = call(api, "editMessageText", chat_id=user.id, message_id=999, text="x")
        assert error_of(missing) == (400, "Bad Request: message to edit not found")

    def test_edit_a_caption(self, api, user):
        sent = api.post("sendDocument", data={"chat_id": str(user.id), "caption": "<b>aviso</b>", "parse_mode": "HTML"},
                        files={"document": ("a.pdf", b"%PDF-1.4")}).json()["result"]
        markup = {"inline_keyboard": [[{"text": "b", "callback_data": "d"}]]}
        edited = call(api, "editMessageCaption", chat_id=user.id, message_id=sent["message_id"],
                      caption="<b>aviso</b>\n\nya no", parse_mode="HTML", reply_markup=markup).json()["result"]
        assert edited["caption"] == "aviso\n\nya no" and edited["reply_markup"] == markup
        assert edited["caption_entities"] == [{"type": "bold", "offset": 0, "length": 5}]
        same = call(api, "editMessageCaption", chat_id=user.id, message_id=sent["message_id"],
                    caption="<b>aviso</b>\n\nya no", parse_mode="HTML", reply_markup=markup)
        assert error_of(same)[1].startswith("Bad Request: message is not modified")
        too_long = call(api, "editMessageCaption", chat_id=user.id, message_id=sent["message_id"], caption="c" * 1025)
        assert error_of(too_long) == (400, "Bad Request: message caption is too long")
        text = self.send(api, user, text="hola").json()["result"]
        no_caption = call(api, "editMessageCaption", chat_id=user.id, message_id=text["message_id"], caption="x")
        assert error_of(no_caption) == (400, "Bad Request: there is no caption in the message to edit")

    def test_unknown_chat_and_user_who_never_started_the_bot(self, emu, api):
        assert error_of(call(api, "sendMessage", chat_id=42, text="x")) == (400, "Bad Request: chat not found")
        assert error_of(call(api, "sendMessage", chat_id=-42, text="x")) == (400, "Bad Request: chat not found")
        stranger = emu.new_user(started=False)
        assert error_of(call(api, "sendMessage", chat_id=stranger.id, text="x")) == \
            (403, "Forbidden: bot can't initiate conversation with a user")


@pytest.mark.e2e
class TestUpdates:
    def test_offset_confirms_and_limit_caps(self, emu, api):
        user = emu.new_user()
        for index in range(3):
            emu.send_text(user, f"m{index}")
        first = call(api, "getUpdates", limit=2).json()["result"]
        assert [u["message"]["text"] for u in first] == ["m0", "m1"]
        rest = call(api, "getUpdates", offset=first[-1]["update_id"] + 1).json()["result"]
        assert [u["message"]["text"] for u in rest] == ["m2"]
        assert call(api, "getUpdates", offset=rest[-1]["update_id"] + 1).json()["result"] == []

    def test_allowed_updates_filters_new_updates(self, emu, api):
        user = emu.new_user()
        call(api, "getUpdates", allowed_updates=["callback_query"])
        emu.send_text(user, "ignored")
        assert call(api, "getUpdates").json()["result"] == []

    def test_long_poll_returns_as_soon_as_an_update_arrives(self, emu):
        user = emu.new_user()

        async def scenario():
            async with httpx.AsyncClient(base_url=f"{emu.api_base_url}{emu.token}/", timeout=30) as client:
                poll = asyncio.create_task(client.post("getUpdates", json={"timeout": 20}))
                await emu.wait_for_async(emu.is_polling, description="the long poll")
                emu.send_text(user, "ya")
                return await asyncio.wait_for(poll, 5)  # far below the 20 s poll timeout

        response = asyncio.run(scenario())
        assert [u["message"]["text"] for u in response.json()["result"]] == ["ya"]

    async def test_overlapping_get_updates_conflict(self, emu):
        async with httpx.AsyncClient(base_url=f"{emu.api_base_url}{emu.token}/", timeout=30) as client:
            older = asyncio.create_task(client.post("getUpdates", json={"timeout": 20}))
            await emu.wait_for_async(emu.is_polling)
            newer = await client.post("getUpdates", json={"timeout": 0})
            assert newer.json() == {"ok": True, "result": []}
            assert error_of(await older) == (409, "Conflict: terminated by other getUpdates "
                                                  "request; make sure that only one bot instance is running")

    def test_get_updates_conflicts_with_a_webhook(self, emu, api):
        assert call(api, "setWebhook", url="https://example.com/hook").json()["result"] is True
        assert error_of(call(api, "getUpdates"))[0] == 409
        assert emu.bot.webhook.url == "https://example.com/hook" and emu.pending_update_count() == 0
        call(api, "deleteWebhook")
        assert call(api, "getUpdates").json()["ok"] is True


@pytest.mark.e2e
class TestChatsAndFaults:
    def test_block_bot(self, emu, api):
        user = emu.new_user()
        emu.block_bot(user)
        assert error_of(call(api, "sendMessage", chat_id=user.id, text="x")) == \
            (403, "Forbidden: bot was blocked by the user")
        (update,) = call(api, "getUpdates").json()["result"]
        change = update["my_chat_member"]
        assert (change["old_chat_member"]["status"], change["new_chat_member"]["status"]) == ("member", "kicked")
        emu.unblock_bot(user)
        assert call(api, "sendMessage", chat_id=user.id, text="x").status_code == 200
        with pytest.raises(EmulatorError):
            emu.block_bot(user)
            emu.send_text(user, "can't write while blocking")

    def test_group_migration(self, emu, api):
        ana, beto = emu.new_user("Ana"), emu.new_user("Beto")
        group = emu.new_group("Cocreación", [ana, beto])
        old_id = group.id
        new_id = emu.migrate_group(group)
        assert group.id == new_id and group.type == "supergroup" and new_id < -1_000_000_000_000
        response = call(api, "sendMessage", chat_id=old_id, text="x")
        assert error_of(response) == (400, "Bad Request: group chat was upgraded to a supergroup chat")
        assert response.json()["parameters"] == {"migrate_to_chat_id": new_id}
        services = [u["message"] for u in call(api, "getUpdates").json()["result"]]
        assert [m.get("migrate_to_chat_id") for m in services] == [new_id, None]
        assert services[1]["migrate_from_chat_id"] == old_id and services[1]["chat"]["type"] == "supergroup"
        assert call(api, "sendMessage", chat_id=new_id, text="x").status_code == 200

    def test_privacy_mode_in_groups(self, emu, api):
        ana = emu.new_user("Ana")
        other = emu.add_bot("555:other", "otro_bot")
        group = emu.new_group("G", [ana], bots=[emu.bot, other])
        emu.send_text(ana, "charla sin comando", chat=group)
        emu.send_text(ana, "/start@otro_bot", chat=group)
        emu.send_text(ana, "/start@cocreabot_test_bot hola", chat=group)
        emu.send_text(ana, "oye @cocreabot_test_bot", chat=group)
        texts = [u["message"]["text"] for u in call(api, "getUpdates").json()["result"]]
        assert texts == ["/start@cocreabot_test_bot hola", "oye @cocreabot_test_bot"]

    def test_injected_faults_then_recovery(self, emu, api):
        user = emu.new_user()
        fault = emu.inject("sendMessage", chat_id=user, error_code=429, retry_after=7, times=2)
        for _ in range(2):
            response = call(api, "sendMessage", chat_id=user.id, text="x")
            assert error_of(response) == (429, "Too Many Requests: retry after 7")
            assert response.json()["parameters"] == {"retry_after": 7}
        assert call(api, "sendMessage", chat_id=user.id, text="x").status_code == 200
        assert fault.hits == 2 and emu.status_count(429) == 2
        emu.inject(error_code=502, times=1)
        assert api.get("getMe").status_code == 502

    def test_flood_control_bursts_then_limits(self, emu, api):
        clock = [1000.0]
        emu.set_flood_control(True)
        emu.flood.clock = lambda: clock[0]
        user = emu.new_user()
        statuses = [call(api, "sendMessage", chat_id=user.id, text="x").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]  # burst of 3 per chat
        last = emu.calls("sendMessage", status=429)[-1]
        assert last.description == "Too Many Requests: retry after 1"
        clock[0] += 1.0  # one token back per second
        assert call(api, "sendMessage", chat_id=user.id, text="x").status_code == 200
        others = emu.new_users(40)
        overall = [call(api, "sendMessage", chat_id=u.id, text="x").status_code for u in others]
        # the per-bot bucket (30, refilled by the second that passed) had 29 tokens left
        assert overall.count(200) == 29 and emu.flood_rejections == 1 + 11

    def test_commands_per_scope_and_language(self, emu, api):
        ana = emu.new_user("Ana", language_code="es")
        john = emu.new_user("John", language_code="en")
        general = [{"command": "start", "description": "Inicio"}]
        english = [{"command": "start", "description": "Start"}]
        assert call(api, "setMyCommands", commands=general).json()["result"] is True
        call(api, "setMyCommands", commands=english, language_code="en",
             scope={"type": "all_private_chats"})
        assert emu.visible_commands(ana) == general and emu.visible_commands(john) == english
        bad = call(api, "setMyCommands", commands=[{"command": "Bad-Name", "description": "x"}])
        assert error_of(bad) == (400, "Bad Request: BOT_COMMAND_INVALID")
        call(api, "deleteMyCommands")
        assert emu.visible_commands(ana) == []

    def test_chat_action(self, emu, api):
        ana = emu.new_user("Ana")
        call(api, "sendChatAction", chat_id=ana.id, action="typing")
        assert emu.chat_actions(ana) == ["typing"]
        assert error_of(call(api, "sendChatAction", chat_id=ana.id, action="dancing"))[0] == 400

    def test_wait_for_messages_reads_in_order_and_times_out(self, emu, api):
        user = emu.new_user()
        for text in ("uno", "dos", "tres"):
            call(api, "sendMessage", chat_id=user.id, text=text)
        assert [m.text for m in emu.wait_for_messages(user, count=2)] == ["uno", "dos"]
        assert [m.text for m in emu.unread_messages(user)] == ["tres"]
        emu.mark_read(user)
        with pytest.raises(WaitTimeout):
            emu.wait_for_messages(user, timeout=0.05)

    def test_artificial_latency_delays_the_response(self, emu, api):
        emu.set_latency(0.3, "getMe")
        api.get("getMe")
        api.get("deleteMyCommands")
        assert emu.calls("getMe")[0].duration >= 0.3
        assert emu.calls("deleteMyCommands")[0].duration < 0.3  # only getMe was slowed

    def test_unrecorded_mode_still_counts(self):
        with BotApiEmulator(max_recorded_calls=0) as quiet, \
                httpx.Client(base_url=f"{quiet.api_base_url}{quiet.token}/") as client:
            user = quiet.new_user()
            assert call(client, "sendMessage", chat_id=user.id, text="¿Seguro?").status_code == 200
            assert quiet.calls() == [] and quiet.call_count("sendMessage") == 1
            assert quiet.messages(user)[0].text == "¿Seguro?"

    def test_url_buttons_and_driver_misuse(self, emu, api):
        user, stranger = emu.new_user(), emu.new_user()
        markup = {"inline_keyboard": [[{"text": "Sitio", "url": "https://gob.mx"}]]}
        sent = call(api, "sendMessage", chat_id=user.id, text="ver", reply_markup=markup).json()["result"]
        with pytest.raises(EmulatorError, match="sends no callback"):
            emu.press_button(user, sent["message_id"], "Sitio")
        with pytest.raises(EmulatorError, match="not a member"):
            emu.send_text(stranger, "hola", chat=emu.new_group("G", [user]))
        with pytest.raises(EmulatorError, match="starts with '/'"):
            emu.send_command(user, "start")

    def test_many_users_are_cheap(self, emu):
        users = emu.new_users(20_000)
        assert len({user.id for user in users}) == 20_000


@pytest.mark.e2e
class TestWebhookDelivery:
    async def test_posts_updates_with_secret_and_retries_failures(self, emu):
        received, statuses = [], iter([500])

        async def hook(request: web.Request) -> web.Response:
            received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
            return web.Response(status=next(statuses, 200))

        app = web.Application()
        app.router.add_post("/hook", hook)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            async with httpx.AsyncClient(base_url=f"{emu.api_base_url}{emu.token}/") as client:
                reply = await client.post("setWebhook", json={"url": f"http://127.0.0.1:{port}/hook",
                                                              "secret_token": "s3cret-Token_1"})
                assert reply.json()["result"] is True
                emu.send_text(emu.new_user(), "por webhook")
                await emu.wait_for_async(lambda: emu.pending_update_count() == 0 and len(received) == 2)
            assert [secret for secret, _ in received] == ["s3cret-Token_1"] * 2
            assert received[0][1] == received[1][1] and received[1][1]["message"]["text"] == "por webhook"
            assert emu.webhook_deliveries[0]["error"] == "Wrong response from the webhook: 500 Internal Server Error"
        finally:
            await runner.cleanup()

    def test_bad_secret_and_https_requirement(self):
        with BotApiEmulator(allow_http_webhooks=False) as strict, \
                httpx.Client(base_url=f"{strict.api_base_url}{strict.token}/") as client:
            assert error_of(call(client, "setWebhook", url="http://x.mx/h"))[1] == \
                "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            assert error_of(call(client, "setWebhook", url="https://x.mx/h", secret_token="a b"))[1] == \
                "Bad Request: secret token contains unallowed characters"


# ---------------------------------------------------------------- python-telegram-bot 22


async def start_command(update: Update, context) -> None:
    where = " ".join(context.args) or "?"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Fuentes", callback_data="sources"),
                                      InlineKeyboardButton("Sitio", url="https://gob.mx")]])
    await update.message.reply_html(f"<b>Hola</b>, {html.escape(where)} &amp; más", reply_markup=keyboard)


async def sources_pressed(update: Update, context) -> None:
    await update.callback_query.answer("Listo", show_alert=True)
    await update.callback_query.edit_message_text("Fuentes: <i>ninguna</i>", parse_mode="HTML")


async def document_received(update: Update, context) -> None:
    file = await update.message.document.get_file()
    data = bytes(await file.download_as_bytearray())
    await update.message.reply_document(data[::-1], filename="al_reves.txt", caption=f"{len(data)} bytes")


def echo_application(emu: BotApiEmulator):
    application = emu.ptb_builder().build()
    application.add_handler(CommandHandler("start", start_command))
    application.add_handler(CallbackQueryHandler(sources_pressed, pattern="^sources$"))
    application.add_handler(MessageHandler(filters.Document.ALL, document_received))
    return application


@pytest.mark.e2e
class TestWithPtb:
    async def test_polling_application_end_to_end(self, emu):
        application = echo_application(emu)
        async with application:
            await application.start()
            await application.updater.start_polling(poll_interval=0, timeout=5)
            try:
                ana = emu.new_user("Ana")
                emu.send_command(ana, "/start Jalisco")
                (reply,) = await emu.wait_for_messages_async(ana)
                assert reply.text == "Hola, Jalisco & más"
                assert reply.html == "<b>Hola</b>, Jalisco &amp; más"
                assert reply.entities_of("bold") == ["Hola"]
                assert reply.buttons == ((("Fuentes", "sources"), ("Sitio", "https://gob.mx")),)

                query = emu.press_button(ana, reply, "Fuentes")
                answer = await emu.wait_for_callback_answer_async(query)
                assert (answer.text, answer.show_alert) == ("Listo", True)
                edited = await emu.wait_for_async(lambda: emu.refresh(reply).edited and emu.refresh(reply))
                assert edited.text == "Fuentes: ninguna" and edited.buttons == ()

                emu.send_document(ana, "notas.txt", b"hola", "text/plain")
                (returned,) = await emu.wait_for_messages_async(ana)
                assert returned.text == "4 bytes" and returned.document["file_name"] == "al_reves.txt"
                stored = emu.world.files_by_id[returned.document["file_id"]]
                assert stored.data == b"aloh"

                group = emu.new_group("Cabildo", [ana])
                emu.send_command(ana, f"/start@{emu.bot.username} grupo", chat=group)
                (in_group,) = await emu.wait_for_messages_async(group)
                assert in_group.text.startswith("Hola, grupo") and in_group.reply_to_message_id is not None
            finally:
                await application.updater.stop()
                await application.stop()
        assert emu.calls("getMe") and emu.calls("deleteWebhook")

    async def test_tampered_callback_data_reaches_the_bot(self, emu):
        async with emu.ptb_bot() as bot:
            ana = emu.new_user()
            sent = await bot.send_message(ana.id, "elige", reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("A", callback_data="a")]]))
            with pytest.raises(LookupError):
                emu.press_button(ana, sent.message_id, "Z")
            emu.press_button(ana, sent.message_id, "forged", raw=True)
            (update,) = await bot.get_updates()
            assert update.callback_query.data == "forged"
            assert update.callback_query.message.message_id == sent.message_id
            assert await update.callback_query.answer()
            with pytest.raises(BadRequest, match="(?i)query is too old"):
                await update.callback_query.answer()

    async def test_errors_map_to_ptb_exceptions(self, emu):
        async with emu.ptb_bot() as bot:
            ana = emu.new_user()
            emu.inject("sendMessage", error_code=429, retry_after=7)
            with pytest.raises(RetryAfter) as raised:
                await bot.send_message(ana.id, "x")
            assert "Retry in 7 seconds" in str(raised.value)  # PTB's rendering of retry_after=7

            emu.block_bot(ana)
            with pytest.raises(Forbidden, match="bot was blocked by the user"):
                await bot.send_message(ana.id, "x")

            group = emu.new_group("G", [ana])
            old_id, new_id = group.id, emu.migrate_group(group)
            with pytest.raises(ChatMigrated) as migrated:
                await bot.send_message(old_id, "x")
            assert migrated.value.new_chat_id == new_id

            with pytest.raises(BadRequest, match="(?i)can't find end tag corresponding to start tag b"):
                await bot.send_message(new_id, "<b>x", parse_mode="HTML")

            updates = await bot.get_updates()
            kinds = [u.my_chat_member and u.my_chat_member.new_chat_member.status for u in updates]
            assert kinds[0] == "kicked"
            assert [u.message.migrate_to_chat_id for u in updates[1:]] == [new_id, None]

    async def test_unknown_token_is_rejected(self, emu):
        stranger = Bot("1:unknown", base_url=emu.api_base_url, base_file_url=emu.file_base_url)
        with pytest.raises(InvalidToken):
            await stranger.initialize()
        await stranger.shutdown()

    async def test_two_polling_instances_conflict(self, emu):
        async with emu.ptb_bot() as first, emu.ptb_bot() as second:
            older = asyncio.create_task(first.get_updates(timeout=20))
            await emu.wait_for_async(emu.is_polling)
            assert await second.get_updates(timeout=0) == ()
            with pytest.raises(Conflict, match="terminated by other getUpdates request"):
                await older

    async def test_objects_parse_in_ptb(self, emu):
        async with emu.ptb_bot() as bot:
            ana = emu.new_user("Ana", username="ana_mx")
            group = emu.new_group("Cabildo", [ana], admins=[ana], supergroup=True)
            me = await bot.get_me()
            assert me.is_bot and me.username == emu.bot.username
            member = await bot.get_chat_member(group.id, ana.id)
            assert member.status == "administrator"
            document = await bot.send_document(ana.id, b"contenido", filename="datos.csv", caption="<i>csv</i>",
                                               parse_mode="HTML")
            assert document.caption == "csv" and document.document.file_size == 9
            file = await bot.get_file(document.document.file_id)
            assert bytes(await file.download_as_bytearray()) == b"contenido"
            sent = await bot.send_message(ana.id, "hola", reply_parameters={"message_id": 999, "allow_sending_without_reply": True})
            assert isinstance(sent, Message) and sent.reply_to_message is None
            with pytest.raises(BadRequest, match="(?i)message to be replied not found"):
                await bot.send_message(ana.id, "hola", reply_to_message_id=999)

    async def test_webhook_application_receives_with_secret(self, emu):
        application = echo_application(emu)
        port = free_port()
        async with application:
            await application.start()
            await application.updater.start_webhook(
                listen="127.0.0.1", port=port, url_path="hook", secret_token="Secreto_123",
                webhook_url=f"http://127.0.0.1:{port}/hook")
            try:
                ana = emu.new_user()
                emu.send_command(ana, "/start webhook")
                (reply,) = await emu.wait_for_messages_async(ana)
                assert reply.text == "Hola, webhook & más"
                assert emu.webhook_deliveries[-1]["status"] == 200
            finally:
                await application.updater.stop()
                await application.stop()

