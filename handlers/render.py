"""Turning Reply objects into Telegram messages: inline keyboards with versioned callback data,
HTML split at paragraph boundaries under Telegram's 4,096-character limit, and edits in place.
What goes out as HTML is Markup (knowledge/reply.py): a plain str that reaches split_html is
escaped, so it is shown as typed, never read as markup."""

from __future__ import annotations

import asyncio
import html
import logging
from collections import OrderedDict
from functools import lru_cache

from telegram import (
    InlineKeyboardButton, InlineKeyboardMarkup, MaybeInaccessibleMessage, Message, SwitchInlineQueryChosenChat, Update,
)
from telegram.constants import ChatAction, MessageLimit
from telegram.error import BadRequest
from markupsafe import Markup, escape

from handlers.callbacks import encode_action
from handlers.keyboards import inline_keyboard
from handlers.share_buttons import with_share_buttons
from knowledge.reply import Button, Reply, html_to_text, navigable

log = logging.getLogger(__name__)

TYPING_AFTER_SECONDS = 0.4  # show "typing…" only for work that takes longer than this
TEXT_LIMIT = MessageLimit.MAX_TEXT_LENGTH  # 4096, counted on the text after HTML is parsed


@lru_cache(maxsize=1024)
def keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """Keyboards are immutable and few (a state card's, the step navigator's…): build each once."""
    return inline_keyboard([[_button(b) for b in row] for row in rows])


def _button(button: Button) -> InlineKeyboardButton:
    if button.share is not None:
        chats = SwitchInlineQueryChosenChat(button.share, allow_user_chats=True, allow_group_chats=True,
                                            allow_channel_chats=True)
        return InlineKeyboardButton(button.text, switch_inline_query_chosen_chat=chats)
    action = button.action
    if button.url or action is None:
        return InlineKeyboardButton(button.text, url=button.url)
    back = tuple((origin.kind, origin.arg) for origin in button.back)
    data = encode_action(action.kind, action.arg, back, returning=button.returning, fresh=button.fresh)
    return InlineKeyboardButton(button.text, callback_data=data)


def visible_length(markup: str) -> int:
    """The length of what a person sees, in UTF-16 code units: never less than the code points
    Telegram counts, so a part that fits by this measure fits for Telegram too."""
    return _units(html_to_text(markup))


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_html(markup: Markup | str, limit: int = TEXT_LIMIT) -> list[Markup]:
    """Split at paragraph boundaries (then lines) so each part fits. Our HTML never opens a tag
    on one line and closes it on another, so any line boundary is a safe place to cut; a single
    line longer than the limit is sent as plain escaped text, cut at spaces. Parts with nothing
    to see are dropped (Telegram refuses empty messages)."""
    markup = escape(markup)  # Markup stays as it is; a plain str is text, not HTML
    if visible_length(markup) <= limit:
        return [markup]
    parts: list[str] = []
    current = ""
    for separator, piece in _pieces(markup, limit):
        candidate = f"{current}{separator}{piece}" if current else piece
        if visible_length(candidate) <= limit:
            current = candidate
        else:
            parts.append(current)
            current = piece
    parts.append(current)
    return [Markup(part) for part in parts if html_to_text(part).strip()]


def _pieces(markup: str, limit: int) -> list[tuple[str, str]]:
    """(separator before it, piece) for every piece that fits and has something to see."""
    pieces: list[tuple[str, str]] = []
    for paragraph in markup.split("\n\n"):
        if visible_length(paragraph) <= limit:
            pieces.append(("\n\n", paragraph))
            continue
        for index, line in enumerate(paragraph.split("\n")):
            separator = "\n\n" if index == 0 else "\n"
            if visible_length(line) <= limit:
                pieces.append((separator, line))
            else:
                pieces += [(separator, chunk) for chunk in _hard_split(html_to_text(line), limit)]
    return [(separator, piece) for separator, piece in pieces if html_to_text(piece).strip()]


def _hard_split(text: str, limit: int) -> list[str]:
    """Plain text cut at spaces, and inside a word only when the word alone does not fit."""
    chunks: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if _units(candidate) <= limit:
            current = candidate
            continue
        chunks.append(current)
        while _units(word) > limit:
            head = _longest_prefix(word, limit) or word[0]  # a limit under 2 still moves on
            chunks.append(head)
            word = word[len(head):]
        current = word
    chunks.append(current)
    return [html.escape(chunk, quote=False) for chunk in chunks if chunk.strip()]


def _longest_prefix(word: str, limit: int) -> str:
    used = 0
    for index, char in enumerate(word):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return word[:index]
    return word


async def send_reply(message: MaybeInaccessibleMessage, reply: Reply, quote: bool | None = None,
                     extra: tuple[tuple[InlineKeyboardButton, ...], ...] = ()) -> list[Message]:
    """Send a reply as one or more messages; the buttons go on the last one, then the `extra`
    rows (runtime buttons such as «¿Te sirvió?», which are not knowledge actions). The first part
    quotes the message it answers in groups, where several people talk at once (quote=None:
    Telegram's shortcut decides by the chat's type)."""
    parts = split_html(reply.html)
    sent = []
    buttons = navigable(reply, with_share_buttons(reply, message))
    for index, part in enumerate(parts):
        markup = _with_rows(keyboard(buttons), extra) if index == len(parts) - 1 else None
        sent.append(await _send_part(message, part, markup, quote=quote if index == 0 else False))
    return sent


def _with_rows(markup: InlineKeyboardMarkup | None, rows) -> InlineKeyboardMarkup | None:
    if not rows:
        return markup
    return inline_keyboard([*(markup.inline_keyboard if markup else ()), *rows])


async def _send_part(message: MaybeInaccessibleMessage, part: Markup, markup: InlineKeyboardMarkup | None,
                     quote: bool | None) -> Message:
    if isinstance(message, Message):
        return await message.reply_html(part, reply_markup=markup, do_quote=quote)
    # A button on a message too old for the bot to read: answer in the same chat.
    return await message.get_bot().send_message(message.chat.id, part, reply_markup=markup)


# What each message edited in place shows now, by (chat id, message id): a second tap on a button
# of the same message (a double tap, or the old copy a phone still shows) would otherwise ask for
# an edit that changes nothing, which Telegram refuses (400 "message is not modified").
_SHOWN: OrderedDict[tuple[int, int], tuple[str, str]] = OrderedDict()
_SHOWN_LIMIT = 4096
ALREADY_SHOWN = "Ya lo tienes a la vista."


async def edit_or_send(update: Update, reply: Reply) -> bool:
    """Replace the pressed message with the reply when it fits in one message; otherwise send it.
    False when the message already shows the reply (nothing was sent: say so on the button)."""
    query = update.callback_query
    parts = split_html(reply.html)
    shown = query.message if isinstance(query.message, Message) and query.message.text is not None else None
    if len(parts) == 1 and shown is not None:
        markup = keyboard(navigable(reply, with_share_buttons(reply, update)))
        key, content = (shown.chat_id, shown.message_id), (parts[0], markup.to_json() if markup else "")
        if _already_shows(shown, parts[0], markup) or _SHOWN.get(key) == content:
            return False
        try:
            await query.edit_message_text(parts[0], reply_markup=markup)
            _remember(key, content)
            return True
        except BadRequest as error:
            if "not modified" in str(error).lower():
                _remember(key, content)
                return False
            log.info("could not edit message, sending instead: %s", error)
    if query.message is not None:
        await send_reply(query.message, reply, quote=False)
    return True


async def edit_in_place(message: MaybeInaccessibleMessage | None, html: str | None,
                        markup: InlineKeyboardMarkup | None) -> bool:
    """Show another view in the message a button was pressed on: its text (or its file's
    caption) and its buttons; only its buttons when `html` is None or would not fit. Nothing is
    asked of Telegram when the message shows that already (it would answer 400 "message is
    not modified"). False when nothing changed."""
    if not isinstance(message, Message):
        return False  # too old for the bot to read, or gone
    shown = message.text if message.text is not None else message.caption
    limit = TEXT_LIMIT if message.text is not None else MessageLimit.CAPTION_LENGTH
    if html is not None and (shown is None or visible_length(html) > limit):
        html = None
    same_text = html is None or html_to_text(html).strip() == (shown or "").strip()
    if same_text and message.reply_markup == markup:
        return False
    try:
        if html is None or same_text:
            await message.edit_reply_markup(reply_markup=markup)
        elif message.text is not None:
            await message.edit_text(html, reply_markup=markup)
        else:
            await message.edit_caption(caption=html, reply_markup=markup)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise
        return False
    return True


def _remember(key: tuple[int, int], content: tuple[str, str]) -> None:
    _SHOWN[key] = content
    _SHOWN.move_to_end(key)
    while len(_SHOWN) > _SHOWN_LIMIT:
        _SHOWN.popitem(last=False)


def _already_shows(message: Message, markup_text: str, markup: InlineKeyboardMarkup | None) -> bool:
    return html_to_text(markup_text).strip() == (message.text or "").strip() and message.reply_markup == markup


async def slow_work(update: Update, context, work, *args):
    """Run blocking work (a fan-out to thousands of subscribers, the first date parse) in a
    thread, showing "typing…" if it takes longer than a moment."""
    chat = update.effective_chat

    async def typing_later() -> None:
        await asyncio.sleep(TYPING_AFTER_SECONDS)
        await context.bot.send_chat_action(chat.id, ChatAction.TYPING)

    typing = asyncio.create_task(typing_later()) if chat else None
    try:
        return await asyncio.to_thread(work, *args)
    finally:
        if typing:
            typing.cancel()
            await asyncio.gather(typing, return_exceptions=True)  # a cosmetic action never breaks the work
