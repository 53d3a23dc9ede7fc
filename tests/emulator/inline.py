"""Inline mode on the emulator: a person types «@bot query» (an `inline_query` update), the bot
answers with answerInlineQuery (validated as Telegram does: result types, ids, message content
and its markup, cached photos by file_id), and the person picks a result, which is posted in the
chosen chat as their message «via @bot». Also the «share» buttons: a
switch_inline_query_chosen_chat button opens an inline query with its text ready.

Functions over a BotApiEmulator (kept apart from driver.py so the driver stays as it is):

    query_id = send_inline_query(emu, ana, "oaxaca")
    answer = wait_for_inline_answer(emu, query_id)          # InlineAnswer: .results, .titles
    sent = choose_inline_result(emu, ana, answer, 0, chat=group)
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from .api import (
    MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, PARSE_ERROR_PREFIX, Context, api_method, validate_inline_keyboard,
)
from .entities import EntityParseError, UnsupportedParseMode, format_text
from .photos import photo_sizes
from .world import ApiError, BotAccount, User, World, bad_request, now

MAX_RESULTS = 50
MAX_ID_BYTES = 64
MAX_QUERY_LENGTH = 256
RESULT_TYPES = frozenset({"article", "photo"})  # what the emulator checks (cached photos: photo_file_id)


@dataclass
class InlineQueryRecord:
    id: str
    bot_id: int
    user: User
    query: str
    chat_type: str


@dataclass
class InlineAnswer:
    query_id: str
    results: list[dict]
    cache_time: int | None
    is_personal: bool
    time: float

    @property
    def titles(self) -> list[str]:
        return [r.get("title", "") for r in self.results]

    def result(self, index_or_id: int | str) -> dict:
        if isinstance(index_or_id, int):
            return self.results[index_or_id]
        return next(r for r in self.results if r["id"] == index_or_id)


def _records(world: World) -> tuple[dict[str, InlineQueryRecord], dict[str, InlineAnswer]]:
    if not hasattr(world, "inline_queries"):
        world.inline_queries = {}
        world.inline_answers = {}
    return world.inline_queries, world.inline_answers


# ---------------------------------------------------------------- the Bot API side

@api_method("answerInlineQuery")
def answer_inline_query(ctx: Context) -> bool:
    queries, answers = _records(ctx.world)
    query_id = ctx.params.text("inline_query_id") or ""
    record = queries.get(query_id)
    if record is None or record.bot_id != ctx.bot.id or query_id in answers:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    results = ctx.params.json("results", "can't parse inline query results JSON object")
    if not isinstance(results, list):
        raise bad_request("can't parse inline query results JSON object")
    if len(results) > MAX_RESULTS:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        _validate_result(ctx, result, seen)
    answers[query_id] = InlineAnswer(query_id, results, ctx.params.int("cache_time"), ctx.params.flag("is_personal"),
                                     time.time())
    ctx.world.touch()
    return True


def _validate_result(ctx: Context, result: Any, seen: set[str]) -> None:
    if not isinstance(result, dict) or result.get("type") not in RESULT_TYPES:
        raise bad_request("RESULT_TYPE_INVALID")
    result_id = result.get("id")
    if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= MAX_ID_BYTES:
        raise bad_request("RESULT_ID_INVALID")
    if result_id in seen:
        raise bad_request("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    if "reply_markup" in result:
        validate_inline_keyboard(result["reply_markup"])
    if result["type"] == "article":
        if not result.get("title"):
            raise bad_request("RESULT_TITLE_EMPTY")
        content = result.get("input_message_content")
        if not isinstance(content, dict) or not isinstance(content.get("message_text"), str):
            raise bad_request("MESSAGE_EMPTY")
        plain = _formatted(ctx, content["message_text"], content.get("parse_mode"))[0]
        if not plain:
            raise bad_request("MESSAGE_EMPTY")
        if len(plain) > MAX_TEXT_LENGTH:
            raise bad_request("MESSAGE_TOO_LONG")
    else:
        stored = ctx.world.files_by_id.get(result.get("photo_file_id") or "")
        if stored is None or stored.kind != "photo":
            raise bad_request("PHOTO_INVALID")  # the emulator has no internet: only cached photos
        caption = result.get("caption")
        if caption and len(_formatted(ctx, caption, result.get("parse_mode"))[0]) > MAX_CAPTION_LENGTH:
            raise bad_request("MEDIA_CAPTION_TOO_LONG")


def _formatted(ctx: Context, text: str, parse_mode: str | None) -> tuple[str, list]:
    try:
        result = format_text(text, parse_mode, None, ctx.world.strict_html_entities)
    except EntityParseError as exc:
        raise ApiError(400, PARSE_ERROR_PREFIX + str(exc)) from None
    except UnsupportedParseMode:
        raise bad_request("unsupported parse_mode") from None
    return result.text, result.entities


# ---------------------------------------------------------------- the people's side

def send_inline_query(emu, user: User, query: str, chat_type: str = "sender",
                      bot: BotAccount | str | None = None) -> str | None:
    """«@bot query» typed by `user`; the id of the inline_query update (None when the bot does
    not support inline mode, as Telegram's app would not even ask it)."""
    with emu.world.lock:
        account = emu._bot(bot)
        if not account.supports_inline_queries:
            return None
        queries, _ = _records(emu.world)
        query_id = str(6_000_000_000_000 + emu.world.next_serial())
        queries[query_id] = InlineQueryRecord(query_id, account.id, user, query[:MAX_QUERY_LENGTH], chat_type)
        payload = {"id": query_id, "from": user.to_api(), "query": query[:MAX_QUERY_LENGTH], "offset": "",
                   "chat_type": chat_type}
        emu.world.push_update(account, "inline_query", payload)
        return query_id


def wait_for_inline_answer(emu, query_id: str, timeout: float = 10) -> InlineAnswer:
    _, answers = _records(emu.world)
    return emu.wait_for(lambda: answers.get(query_id), timeout=timeout)


def inline_answers(emu) -> dict[str, InlineAnswer]:
    with emu.world.lock:
        return dict(_records(emu.world)[1])


def choose_inline_result(emu, user: User, answer: InlineAnswer, index_or_id: int | str, chat=None,
                         bot: BotAccount | str | None = None) -> dict:
    """Post the chosen result in `chat` (default: the user's chat with the bot) as the user's
    message sent «via @bot», with the result's content and buttons."""
    result = answer.result(index_or_id)
    with emu.world.lock:
        account = emu._bot(bot)
        content = _message_content(emu.world, result)
        content["via_bot"] = account.to_api()
        if "reply_markup" in result:
            content["reply_markup"] = result["reply_markup"]
    return emu._user_posts(user, content, chat, None, bot)


def _message_content(world: World, result: dict) -> dict:
    if result["type"] == "photo":
        stored = world.files_by_id[result["photo_file_id"]]
        content: dict = {"photo": photo_sizes(stored)}
        if result.get("caption"):
            formatted = format_text(result["caption"], result.get("parse_mode"))
            content["caption"] = formatted.text
            if formatted.entities:
                content["caption_entities"] = formatted.entities
        return content
    message = result["input_message_content"]
    formatted = format_text(message["message_text"], message.get("parse_mode"))
    content = {"text": formatted.text}
    if formatted.entities:
        content["entities"] = formatted.entities
    return content


def share_query_of(message, label: str) -> dict:
    """The switch_inline_query_chosen_chat of a message's button (by its text): what Telegram's
    app opens when the person taps «Compartir»."""
    rows = message.raw.get("reply_markup", {}).get("inline_keyboard", [])
    for button in (b for row in rows for b in row):
        if button.get("text") == label:
            if "switch_inline_query_chosen_chat" not in button:
                raise LookupError(f"button {label!r} does not share: {button}")
            return button["switch_inline_query_chosen_chat"]
    raise LookupError(f"no button {label!r}; buttons: {[[b.get('text') for b in row] for row in rows]}")


def tap_share(emu, user: User, message, label: str = "📤 Compartir", chat_type: str = "group") -> str | None:
    """Tap a share button and pick a chat of `chat_type`: the inline query it starts."""
    chosen = share_query_of(message, label)
    allowed = {"private": "allow_user_chats", "group": "allow_group_chats", "supergroup": "allow_group_chats",
               "channel": "allow_channel_chats"}[chat_type]
    if not chosen.get(allowed):
        raise LookupError(f"the button does not offer {chat_type} chats: {chosen}")
    return send_inline_query(emu, user, chosen.get("query", ""), chat_type=chat_type)


__all__ = [
    "InlineAnswer", "choose_inline_result", "inline_answers", "send_inline_query", "share_query_of",
    "tap_share", "wait_for_inline_answer", "now",
]
