"""Bot API methods: parameter decoding, Telegram's validations and the objects returned.

Each method is a synchronous function of a Context, run with World.lock held. getUpdates is
the exception: the server implements its long polling and only borrows `prepare_get_updates`.
"""

from __future__ import annotations

import json
import re
import struct
import time
from dataclasses import dataclass
from typing import Any, Callable

from .entities import PARSE_ERROR_PREFIX, EntityParseError, UnsupportedParseMode, format_text
from .world import (
    ALL_UPDATE_KINDS, DEFAULT_UPDATE_KINDS, ApiError, BotAccount, CallbackAnswer, Chat,
    StoredFile, StoredMessage, Webhook, World, bad_request, now,
)

MAX_TEXT_LENGTH = 4096  # counted in Unicode code points, as Telegram does
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024
NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message")
INVALID_QUERY = "query is too old and response timeout expired or query ID is invalid"
CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
})
INLINE_BUTTON_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                         "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                         "copy_text", "callback_game", "pay")

# ---------------------------------------------------------------- parameters

JSON_FIELDS = frozenset({
    "reply_markup", "entities", "caption_entities", "reply_parameters", "link_preview_options",
    "allowed_updates", "commands", "scope", "menu_button", "media", "message_ids",
})
INT_FIELDS = frozenset({
    "chat_id", "from_chat_id", "message_id", "user_id", "offset", "limit", "timeout",
    "message_thread_id", "reply_to_message_id", "cache_time", "max_connections",
})
BOOL_FIELDS = frozenset({
    "disable_notification", "protect_content", "show_alert", "drop_pending_updates",
    "disable_web_page_preview", "allow_sending_without_reply", "disable_content_type_detection",
    "has_spoiler", "show_caption_above_media", "allow_paid_broadcast",
})
_INTEGER = re.compile(r"-?\d+")


@dataclass(frozen=True)
class Upload:
    filename: str | None
    content_type: str | None
    data: bytes

    def describe(self) -> dict:
        return {"filename": self.filename, "size": len(self.data), "mime": self.content_type}


def normalize_params(raw: dict) -> dict:
    """Give form-encoded values (always strings) the types a JSON body would have had."""
    values = {}
    for name, value in raw.items():
        if isinstance(value, str):
            if name in JSON_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError:
                    pass  # left as a string: the method reports it as unparsable
            elif name in INT_FIELDS and _INTEGER.fullmatch(value):
                value = int(value)
            elif name in BOOL_FIELDS and value.lower() in ("true", "false"):
                value = value.lower() == "true"
        values[name] = value
    return values


class Params:
    def __init__(self, values: dict, uploads: dict[str, Upload]):
        self.values = values
        self.uploads = uploads

    def get(self, name: str, default: Any = None) -> Any:
        value = self.values.get(name)
        return default if value is None else value

    def has(self, name: str) -> bool:
        return self.values.get(name) is not None

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None else str(value)

    def int(self, name: str, default: int | None = None, missing: str | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            if missing:
                raise bad_request(missing)
            return default
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return int(value)
        raise bad_request(f"invalid {name} specified")

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        return value is True or (isinstance(value, str) and value.lower() == "true")

    def json(self, name: str, error: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(error) from None
        return value

    def chat_id(self, name: str = "chat_id") -> int | str:
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, str) and _INTEGER.fullmatch(value):
            return int(value)
        return value


@dataclass
class Context:
    world: World
    bot: BotAccount
    params: Params
    allow_http_webhooks: bool = True


# ---------------------------------------------------------------- registry

@dataclass(frozen=True)
class Method:
    name: str
    run: Callable[[Context], Any]


METHODS: dict[str, Method] = {}


def api_method(name: str) -> Callable:
    def register(function: Callable[[Context], Any]) -> Callable[[Context], Any]:
        METHODS[name.lower()] = Method(name, function)
        return function
    return register


# ---------------------------------------------------------------- shared helpers

def formatted(ctx: Context, text: str, parse_mode: str | None, entities_param: str) -> tuple[str, list]:
    entities = ctx.params.json(entities_param, "can't parse entities JSON object")
    try:
        result = format_text(text, parse_mode, entities, ctx.world.strict_html_entities)
    except EntityParseError as exc:
        raise ApiError(400, PARSE_ERROR_PREFIX + str(exc)) from None
    except UnsupportedParseMode:
        raise bad_request("unsupported parse_mode") from None
    return result.text, result.entities


def text_content(ctx: Context, text: str | None) -> dict:
    if not text:
        raise bad_request("message text is empty")
    plain, entities = formatted(ctx, text, ctx.params.text("parse_mode"), "entities")
    if not plain:
        raise bad_request("message text is empty")
    if len(plain) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    content: dict[str, Any] = {"text": plain}
    if entities:
        content["entities"] = entities
    return content


def caption_content(ctx: Context, caption: str | None) -> dict:
    if not caption:
        return {}
    plain, entities = formatted(ctx, caption, ctx.params.text("parse_mode"), "caption_entities")
    if len(plain) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    content: dict[str, Any] = {"caption": plain} if plain else {}
    if plain and entities:
        content["caption_entities"] = entities
    return content


def validate_inline_keyboard(markup: dict) -> dict:
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" must be an Array of Arrays')
    for row in rows:
        for button in row:
            validate_inline_button(button)
    return {"inline_keyboard": rows}


def validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    if not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Field \"text\" must be of type String")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    elif "url" in button:
        if not isinstance(button["url"], str) or not re.match(r"^(https?|tg)://\S+$", button["url"]):
            raise bad_request("BUTTON_URL_INVALID")
    elif not any(action in button for action in INLINE_BUTTON_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )


def reply_markup(ctx: Context, inline_only: bool = False) -> tuple[dict | None, dict | None]:
    """(inline keyboard to attach to the message, reply-keyboard markup for the chat)."""
    markup = ctx.params.json("reply_markup", "can't parse reply keyboard markup JSON object")
    if markup is None:
        return None, None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return validate_inline_keyboard(markup), None
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "keyboard" must be an Array of Arrays')
        return None, markup
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return None, markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def reply_target(ctx: Context, chat: Chat) -> dict | None:
    params = ctx.params
    reply = params.json("reply_parameters", "can't parse reply parameters JSON object")
    if isinstance(reply, dict):
        message_id, tolerant = reply.get("message_id"), bool(reply.get("allow_sending_without_reply"))
    else:
        message_id = params.int("reply_to_message_id")
        tolerant = params.flag("allow_sending_without_reply")
    if message_id is None:
        return None
    snapshot = ctx.world.replied_snapshot(chat, int(message_id))
    if snapshot is None and not tolerant:
        raise bad_request("message to be replied not found")
    return snapshot


def post_bot_message(ctx: Context, chat: Chat, content: dict, source: str | None = None,
                     parse_mode: str | None = None) -> dict:
    """Validate the common send options, then store and return the new message."""
    replied = reply_target(ctx, chat)
    inline, keyboard = reply_markup(ctx)
    data = {"message_id": chat.next_message_id(), "from": ctx.bot.to_api(),
            "chat": chat.to_api(), "date": now(), **content}
    if replied is not None:
        data["reply_to_message"] = replied
    if inline is not None:
        data["reply_markup"] = inline
    if keyboard is not None:
        chat.reply_keyboard = None if keyboard.get("remove_keyboard") else keyboard
    ctx.world.store_message(chat, data, ctx.bot, source, parse_mode)
    return data


def own_message(ctx: Context, action: str) -> tuple[Chat, StoredMessage]:
    """The bot's message named by chat_id + message_id, for editing."""
    if ctx.params.has("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")
    chat = ctx.world.writable_chat(ctx.bot, ctx.params.chat_id())
    message_id = ctx.params.int("message_id", missing="message identifier is not specified")
    stored = chat.messages.get(message_id)
    if stored is None or stored.deleted:
        raise bad_request(f"message to {action} not found")
    if stored.sender_bot_id != ctx.bot.id:
        raise bad_request(f"message can't be {action}ed")
    return chat, stored


def replace_message(ctx: Context, stored: StoredMessage, changes: dict, drop: tuple[str, ...],
                    source: str | None = None) -> dict:
    old = stored.data
    data = {key: value for key, value in old.items() if key not in drop}
    data.update(changes)
    comparable = ("text", "entities", "caption", "caption_entities", "reply_markup")
    if all(data.get(key) == old.get(key) for key in comparable):
        raise bad_request(NOT_MODIFIED)
    data["edit_date"] = now()
    stored.data = data
    if source is not None:
        stored.source, stored.parse_mode = source, ctx.params.text("parse_mode")
    ctx.world.touch()
    return data


# ---------------------------------------------------------------- identity

@api_method("getMe")
def get_me(ctx: Context) -> dict:
    return ctx.bot.get_me()


# ---------------------------------------------------------------- updates & webhooks

def allowed_update_kinds(value: Any) -> frozenset:
    if not value:
        return DEFAULT_UPDATE_KINDS
    if not isinstance(value, list):
        raise bad_request("can't parse allowed updates JSON object")
    return frozenset(kind for kind in value if kind in ALL_UPDATE_KINDS)


def prepare_get_updates(ctx: Context) -> tuple[int, float]:
    """Confirm updates below `offset` and apply `allowed_updates`; returns (limit, timeout)."""
    if ctx.bot.webhook is not None:
        raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                            "use deleteWebhook to delete the webhook first")
    params = ctx.params
    if params.has("allowed_updates"):
        allowed = params.json("allowed_updates", "can't parse allowed updates JSON object")
        ctx.bot.allowed_updates = allowed_update_kinds(allowed)
    offset = params.int("offset")
    if offset is not None:
        ctx.bot.confirm(offset)
        ctx.world.touch()
    limit = min(max(params.int("limit", 100), 1), 100)
    timeout = max(params.int("timeout", 0), 0)
    return limit, timeout


_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


@api_method("setWebhook")
def set_webhook(ctx: Context) -> bool:
    params, bot = ctx.params, ctx.bot
    url = params.text("url") or ""
    if not url:
        return delete_webhook(ctx)
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme != "https" and not (scheme == "http" and ctx.allow_http_webhooks):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.text("secret_token")
    if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = params.int("max_connections", 40)
    if not 1 <= max_connections <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")
    allowed = params.json("allowed_updates", "can't parse allowed updates JSON object")
    if params.has("allowed_updates"):
        bot.allowed_updates = allowed_update_kinds(allowed)
    if params.flag("drop_pending_updates"):
        bot.updates.clear()
    bot.webhook = Webhook(url, secret, max_connections, allowed or None, params.text("ip_address"))
    ctx.world.webhook_changed(bot)
    ctx.world.touch()
    return True


@api_method("deleteWebhook")
def delete_webhook(ctx: Context) -> bool:
    bot = ctx.bot
    if ctx.params.flag("drop_pending_updates"):
        bot.updates.clear()
    if bot.webhook is not None:
        bot.webhook = None
        ctx.world.webhook_changed(bot)
    ctx.world.touch()
    return True


# ---------------------------------------------------------------- messages

@api_method("sendMessage")
def send_message(ctx: Context) -> dict:
    text = ctx.params.text("text")
    if not text:
        raise bad_request("message text is empty")
    chat = ctx.world.writable_chat(ctx.bot, ctx.params.chat_id())
    content = text_content(ctx, text)
    return post_bot_message(ctx, chat, content, text, ctx.params.text("parse_mode"))


@api_method("editMessageText")
def edit_message_text(ctx: Context) -> dict:
    return _edit(ctx, "text", ("text",), text_content)


@api_method("editMessageCaption")
def edit_message_caption(ctx: Context) -> dict:
    return _edit(ctx, "caption", ("document", "photo", "video", "audio", "animation"), caption_content)


def _edit(ctx: Context, field: str, editable_kinds: tuple[str, ...], content_of) -> dict:
    """editMessageText / editMessageCaption: the new text or caption (and keyboard) of a message
    that has one."""
    chat, stored = own_message(ctx, "edit")
    if not any(kind in stored.data for kind in editable_kinds):
        raise bad_request(f"there is no {field} in the message to edit")
    value = ctx.params.text(field)
    content = content_of(ctx, value)
    inline, _ = reply_markup(ctx, inline_only=True)
    if inline is not None:
        content["reply_markup"] = inline
    entities = "entities" if field == "text" else "caption_entities"
    return replace_message(ctx, stored, content, (field, entities, "reply_markup"), value)


@api_method("editMessageReplyMarkup")
def edit_message_reply_markup(ctx: Context) -> dict:
    chat, stored = own_message(ctx, "edit")
    inline, _ = reply_markup(ctx, inline_only=True)
    changes = {"reply_markup": inline} if inline is not None else {}
    return replace_message(ctx, stored, changes, ("reply_markup",))


# ---------------------------------------------------------------- files

def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG; None when it isn't one of those."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        pos = 2
        while pos + 9 < len(data) and data[pos] == 0xFF:
            marker, length = data[pos + 1], struct.unpack(">H", data[pos + 2:pos + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
                return width, height
            pos += 2 + length
    return None


def input_file(ctx: Context, field_name: str, kind: str) -> StoredFile:
    """The file a send* call names: a multipart upload, attach://name, or a file_id."""
    value = ctx.params.get(field_name)
    upload = ctx.params.uploads.get(field_name)
    if isinstance(value, str) and value.startswith("attach://"):
        upload = ctx.params.uploads.get(value[len("attach://"):])
    if upload is not None:
        return store_upload(ctx, upload, kind)
    if not value:
        raise bad_request(f"there is no {kind} in the request")
    if re.match(r"^https?://", value, re.IGNORECASE):
        raise bad_request("failed to get HTTP URL content")  # the emulator has no internet
    stored = ctx.world.files_by_id.get(value)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request(f"can't use file of type {stored.kind.capitalize()} as {kind.capitalize()}")
    return stored


def store_upload(ctx: Context, upload: Upload, kind: str) -> StoredFile:
    if not upload.data:
        raise bad_request("file must be non-empty")
    return ctx.world.store_file(kind, upload.data, upload.filename,
                                upload.content_type or "application/octet-stream")


def document_object(stored: StoredFile) -> dict:
    data = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
            "file_size": stored.size}
    if stored.file_name:
        data["file_name"] = stored.file_name
    if stored.mime_type:
        data["mime_type"] = stored.mime_type
    return data


@api_method("sendDocument")
def send_document(ctx: Context) -> dict:
    chat = ctx.world.writable_chat(ctx.bot, ctx.params.chat_id())
    stored = input_file(ctx, "document", "document")
    content = {"document": document_object(stored), **caption_content(ctx, ctx.params.text("caption"))}
    return post_bot_message(ctx, chat, content, ctx.params.text("caption"), ctx.params.text("parse_mode"))


@api_method("getFile")
def get_file(ctx: Context) -> dict:
    stored = ctx.world.files_by_id.get(ctx.params.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.size > MAX_DOWNLOAD_SIZE:
        raise bad_request("file is too big")
    return stored.to_api()


# ---------------------------------------------------------------- callback queries & actions

@api_method("answerCallbackQuery")
def answer_callback_query(ctx: Context) -> bool:
    query_id = ctx.params.text("callback_query_id") or ""
    record = ctx.world.callback_queries.get(query_id)
    if record is None or record.answered or record.bot_id != ctx.bot.id:
        raise bad_request(INVALID_QUERY)
    text = ctx.params.text("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    ctx.world.callback_answers.append(CallbackAnswer(
        query_id=query_id, user_id=record.user.id, text=text,
        show_alert=ctx.params.flag("show_alert"), url=ctx.params.text("url"),
        cache_time=ctx.params.int("cache_time", 0), time=time.time(),
    ))
    ctx.world.touch()
    return True


@api_method("sendChatAction")
def send_chat_action(ctx: Context) -> bool:
    chat = ctx.world.writable_chat(ctx.bot, ctx.params.chat_id())
    action = ctx.params.text("action")
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    chat.actions.append((time.time(), action))
    ctx.world.touch()
    return True


# ---------------------------------------------------------------- chats

def administrator(user: dict) -> dict:
    rights = ("can_manage_chat", "can_delete_messages", "can_manage_video_chats",
              "can_restrict_members", "can_promote_members", "can_change_info",
              "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
              "can_pin_messages")
    return {"status": "administrator", "user": user, "can_be_edited": False,
            "is_anonymous": False, **{right: True for right in rights}}


# ChatFullInfo's required fields beyond Chat (Bot API 9.0: accepted_gift_types is required)
ACCEPTED_GIFT_TYPES = {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
                       "premium_subscription": False, "gifts_from_channels": False}


@api_method("getChat")
def get_chat(ctx: Context) -> dict:
    """ChatFullInfo of a chat the bot knows (the admin's /facilitadores reads people's names);
    400 chat not found for a user who never wrote to the bot."""
    chat = ctx.world.find_chat(ctx.bot, ctx.params.chat_id())
    return {**chat.to_api(), "accent_color_id": 0, "max_reaction_count": 11,
            "accepted_gift_types": dict(ACCEPTED_GIFT_TYPES)}


@api_method("getChatMember")
def get_chat_member(ctx: Context) -> dict:
    chat = ctx.world.find_chat(ctx.bot, ctx.params.chat_id())
    user_id = ctx.params.int("user_id", missing="user not found")
    if user_id in ctx.world.bots_by_id:
        member = ctx.world.bots_by_id[user_id]
        present = member.id in chat.bot_ids
        return {"status": "member" if present else "left", "user": member.to_api()}
    user = ctx.world.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    if user_id in chat.admins:
        return administrator(user.to_api())
    return {"status": "member" if chat.has_member(user_id) else "left", "user": user.to_api()}


# ---------------------------------------------------------------- commands

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SCOPE_TYPES = {"default": (), "all_private_chats": (), "all_group_chats": (),
                "all_chat_administrators": (), "chat": ("chat_id",),
                "chat_administrators": ("chat_id",), "chat_member": ("chat_id", "user_id")}


def scope_key(ctx: Context) -> tuple:
    scope = ctx.params.json("scope", "can't parse BotCommandScope JSON object") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    key: list[Any] = [scope["type"]]
    for name in _SCOPE_TYPES[scope["type"]]:
        value = scope.get(name)
        if isinstance(value, str) and _INTEGER.fullmatch(value):
            value = int(value)
        if name == "chat_id":
            value = ctx.world.find_chat(ctx.bot, value).id
        key.append(value)
    language = ctx.params.text("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    return tuple(key), language


def validate_commands(commands: Any) -> list[dict]:
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    cleaned = []
    for command in commands:
        if not isinstance(command, dict) or not _COMMAND.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = command.get("description")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": command["command"], "description": description})
    return cleaned


@api_method("setMyCommands")
def set_my_commands(ctx: Context) -> bool:
    commands = validate_commands(ctx.params.json("commands", "can't parse commands JSON object"))
    key = scope_key(ctx)
    if commands:
        ctx.bot.commands[key] = commands
    else:
        ctx.bot.commands.pop(key, None)
    ctx.world.touch()
    return True


@api_method("deleteMyCommands")
def delete_my_commands(ctx: Context) -> bool:
    ctx.bot.commands.pop(scope_key(ctx), None)
    ctx.world.touch()
    return True


def register_profile_text(suffix: str, kind: str, limit: int) -> None:
    """setMy<suffix> / getMy<suffix>: a per-language text of the bot's profile (the description
    shown before the first /start, the short one on its profile), with the default language as
    the fallback; an empty text removes it."""

    def setter(ctx: Context) -> bool:
        value = ctx.params.text(kind) or ""
        if len(value) > limit:
            raise bad_request(f"{kind.upper()}_INVALID")
        ctx.bot.profile_texts[(kind, ctx.params.text("language_code") or "")] = value
        ctx.world.touch()
        return True

    def getter(ctx: Context) -> dict:
        texts, language = ctx.bot.profile_texts, ctx.params.text("language_code") or ""
        return {kind: texts.get((kind, language), texts.get((kind, ""), ""))}

    api_method(f"setMy{suffix}")(setter)
    api_method(f"getMy{suffix}")(getter)


register_profile_text("Description", "description", 512)
register_profile_text("ShortDescription", "short_description", 120)

# getUpdates is served by the server's long polling; registered so lookups find it.
METHODS["getupdates"] = Method("getUpdates", lambda ctx: None)
