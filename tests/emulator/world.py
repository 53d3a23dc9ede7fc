"""The emulated Telegram: bots, users, chats, messages, files and update queues.

Everything here is plain synchronous Python guarded by one re-entrant lock (World.lock), so
the HTTP server thread and test threads can both use it. Every mutation ends with
World.changed.notify_all() so waiters wake without polling.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

# Update kinds a bot gets when allowed_updates is empty / never set (Bot API default).
ALL_UPDATE_KINDS = frozenset({
    "message", "edited_message", "channel_post", "edited_channel_post",
    "business_connection", "business_message", "edited_business_message",
    "deleted_business_messages", "message_reaction", "message_reaction_count",
    "inline_query", "chosen_inline_result", "callback_query", "shipping_query",
    "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer", "my_chat_member",
    "chat_member", "chat_join_request", "chat_boost", "removed_chat_boost",
})
DEFAULT_UPDATE_KINDS = ALL_UPDATE_KINDS - {"chat_member", "message_reaction", "message_reaction_count"}

GROUP_ID_BASE = 4_000_000_000
SUPERGROUP_ID_BASE = 1_000_000_000_000 + 2_100_000_000
USER_ID_BASE = 100_000_000
_NO_IDS: frozenset[int] = frozenset()


class ApiError(Exception):
    """A Bot API error reply: {"ok": false, "error_code", "description", "parameters"}."""

    def __init__(self, code: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def envelope(self) -> dict:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str, parameters: dict | None = None) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}", parameters)


def forbidden(reason: str) -> ApiError:
    return ApiError(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


def now() -> int:
    return int(time.time())


# ---------------------------------------------------------------- public handles


@dataclass(eq=False, slots=True)
class User:
    """A simulated human. `started` = has pressed Start, so any bot may write to them."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    started: bool = True

    def to_api(self) -> dict:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass(eq=False)
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None
    ip_address: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    wake: Any = None  # asyncio.Event owned by the server loop


@dataclass(eq=False)
class BotAccount:
    """A bot registered on the emulator, with its own update queue and settings."""

    token: str
    id: int
    username: str
    first_name: str
    can_join_groups: bool = True
    can_read_all_group_messages: bool = False
    supports_inline_queries: bool = False
    updates: deque = field(default_factory=deque, repr=False)
    last_update_id: int = 0
    allowed_updates: frozenset = DEFAULT_UPDATE_KINDS
    webhook: Webhook | None = None
    commands: dict = field(default_factory=dict, repr=False)  # (scope_key, lang) -> list
    profile_texts: dict = field(default_factory=dict, repr=False)  # (kind, lang) -> description text
    poll: Any = field(default=None, repr=False)  # the server's in-flight getUpdates
    _user: dict | None = field(default=None, repr=False)

    def to_api(self) -> dict:
        """The bot as a User object; one shared dict (treat it as read-only)."""
        if self._user is None:
            self._user = {"id": self.id, "is_bot": True, "first_name": self.first_name,
                          "username": self.username}
        return self._user

    def get_me(self) -> dict:
        return {**self.to_api(), "can_join_groups": self.can_join_groups,
                "can_read_all_group_messages": self.can_read_all_group_messages,
                "supports_inline_queries": self.supports_inline_queries,
                "can_connect_to_business": False, "has_main_web_app": False}

    def confirm(self, offset: int) -> None:
        """getUpdates offset semantics: forget updates below offset (negative: keep last -offset)."""
        if offset < 0:
            while len(self.updates) > -offset:
                self.updates.popleft()
            return
        while self.updates and self.updates[0]["update_id"] < offset:
            self.updates.popleft()

    def pending(self, limit: int) -> list[dict]:
        return list(itertools.islice(self.updates, limit))


@dataclass(eq=False)
class Group:
    """Handle to a group chat; `id` follows the chat through a supergroup migration."""

    id: int
    title: str
    type: str  # "group" | "supergroup"
    members: list[User]
    bots: list[BotAccount]
    admins: list[User] = field(default_factory=list)
    previous_ids: list[int] = field(default_factory=list)


# ---------------------------------------------------------------- internal records


@dataclass(slots=True)
class StoredMessage:
    data: dict  # the Bot API Message object; replaced, never mutated, when edited
    sender_bot_id: int | None
    source: str | None = None  # text/caption exactly as the bot sent it
    parse_mode: str | None = None
    deleted: bool = False


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    kind: str = "document"
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def to_api(self) -> dict:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
                "file_size": self.size, "file_path": self.file_path}


@dataclass
class CallbackQueryRecord:
    id: str
    bot_id: int
    user: User
    data: str | None
    chat_id: int
    message_id: int
    answered: bool = False


@dataclass(frozen=True)
class CallbackAnswer:
    query_id: str
    user_id: int
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int
    time: float


@dataclass(frozen=True)
class Call:
    """One recorded Bot API request."""

    bot: str  # the bot's username
    method: str  # canonical spelling, e.g. "sendMessage"
    params: dict
    time: float
    duration: float
    status: int
    result: Any
    description: str | None


class Chat:
    """One chat as bots see it: a private chat per (bot, user), or a shared group."""

    __slots__ = (
        "id", "type", "title", "peer", "bot_ids", "members", "admins", "messages",
        "last_message_id", "bot_log", "cursors", "blocked", "migrated_to", "actions", "reply_keyboard", "_api",
    )

    def __init__(self, chat_id: int, chat_type: str, *, title: str | None = None,
                 peer: User | None = None):
        self.id = chat_id
        self.type = chat_type
        self.title = title
        self.peer = peer
        # Private chats (there can be 100,000s) share empty containers where groups have sets.
        self.bot_ids: set[int] | tuple[int, ...] = ()
        self.members: dict[int, User] = {}  # for groups; a private chat's member is `peer`
        self.admins: set[int] | frozenset[int] = _NO_IDS
        self.messages: dict[int, StoredMessage] = {}
        self.last_message_id = 0
        self.bot_log: list[tuple[int, int]] = []  # (bot_id, message_id) of bot messages
        self.cursors: dict[int | None, int] = {}  # read position in bot_log per bot filter
        self.blocked = False
        self.migrated_to: int | None = None
        self.actions: list[tuple[float, str]] = []
        self.reply_keyboard: dict | None = None  # the custom keyboard the user sees (the admin's user picker)
        self._api: dict | None = None

    def to_api(self) -> dict:
        """The Chat object; one shared dict per chat (treat it as read-only)."""
        if self._api is None:
            if self.type == "private":
                data = self.peer.to_api()
                data.pop("is_bot")
                data.pop("language_code", None)
                self._api = {**data, "type": "private"}
            else:
                self._api = {"id": self.id, "type": self.type, "title": self.title}
        return self._api

    def has_member(self, user_id: int) -> bool:
        return user_id == self.peer.id if self.type == "private" else user_id in self.members

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id


# ---------------------------------------------------------------- the world


class World:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.bots_by_token: dict[str, BotAccount] = {}
        self.bots_by_id: dict[int, BotAccount] = {}
        self.users: dict[int, User] = {}
        self.private_chats: dict[tuple[int, int], Chat] = {}
        self.group_chats: dict[int, Chat] = {}
        self.groups: dict[int, Group] = {}
        self.files_by_id: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQueryRecord] = {}
        self.callback_answers: list[CallbackAnswer] = []
        self.calls: deque[Call] = deque()
        self.calls_by_method: dict[str, deque[Call]] = {}  # lower-case method -> its calls
        self.max_calls: int | None = None
        self.call_counts: dict[str, int] = {}
        self.status_counts: dict[int, int] = {}
        self.webhook_deliveries: deque[dict] = deque(maxlen=10_000)
        self.internal_errors: list[str] = []  # emulator bugs, answered with HTTP 500
        self._ids = itertools.count(1)
        self._user_ids = itertools.count(USER_ID_BASE + 1)
        self._group_ids = itertools.count(1)
        self.strict_html_entities = False
        # Set by the server: called (under the lock) whenever a bot has new updates.
        self.wake_bot: Callable[[BotAccount], None] = lambda bot: None
        self.webhook_changed: Callable[[BotAccount], None] = lambda bot: None

    def touch(self) -> None:
        """Wake every thread blocked in a wait_*; call after any mutation (lock held)."""
        self.changed.notify_all()

    def next_serial(self) -> int:
        return next(self._ids)

    # ---- bots

    def add_bot(self, token: str, username: str, first_name: str, **flags) -> BotAccount:
        bot_id = int(token.split(":", 1)[0])
        if token in self.bots_by_token or bot_id in self.bots_by_id:
            raise ValueError(f"a bot with token {token!r} or id {bot_id} already exists")
        bot = BotAccount(token=token, id=bot_id, username=username, first_name=first_name, **flags)
        self.bots_by_token[token] = bot
        self.bots_by_id[bot_id] = bot
        return bot

    # ---- users and groups

    def new_user(self, first_name: str, **fields) -> User:
        user = User(id=next(self._user_ids), first_name=first_name, **fields)
        self.users[user.id] = user
        return user

    def new_group(self, title: str, members: list[User], bots: list[BotAccount],
                  admins: list[User], supergroup: bool) -> tuple[Group, Chat]:
        serial = next(self._group_ids)
        chat_id = -(SUPERGROUP_ID_BASE + serial) if supergroup else -(GROUP_ID_BASE + serial)
        chat = Chat(chat_id, "supergroup" if supergroup else "group", title=title)
        chat.members = {user.id: user for user in members}
        chat.admins = {user.id for user in admins}
        chat.bot_ids = {bot.id for bot in bots}
        group = Group(chat_id, title, chat.type, list(members), list(bots), list(admins))
        self.group_chats[chat_id] = chat
        self.groups[chat_id] = group
        return group, chat

    # ---- chats

    def private_chat(self, bot: BotAccount, user: User, create: bool = True) -> Chat | None:
        key = (bot.id, user.id)
        chat = self.private_chats.get(key)
        if chat is None and create:
            chat = self.private_chats[key] = Chat(user.id, "private", peer=user)
            chat.bot_ids = (bot.id,)
        return chat

    def find_chat(self, bot: BotAccount, chat_id: Any) -> Chat:
        """The chat `chat_id` names for this bot, or 400 chat not found."""
        if isinstance(chat_id, int) and chat_id < 0:
            chat = self.group_chats.get(chat_id)
            if chat is not None and chat.migrated_to is None and bot.id not in chat.bot_ids:
                kind = "supergroup" if chat.type == "supergroup" else "group"
                raise forbidden(f"bot is not a member of the {kind} chat")
            if chat is not None:
                return chat
        elif isinstance(chat_id, int):
            user = self.users.get(chat_id)
            chat = self.private_chat(bot, user, create=False) if user else None
            if chat is not None:
                return chat
            if user is not None and user.started:
                return self.private_chat(bot, user)
            if user is not None:
                raise forbidden("bot can't initiate conversation with a user")
        raise bad_request("chat not found")

    def writable_chat(self, bot: BotAccount, chat_id: Any) -> Chat:
        chat = self.find_chat(bot, chat_id)
        if chat.migrated_to is not None:
            raise bad_request("group chat was upgraded to a supergroup chat",
                              {"migrate_to_chat_id": chat.migrated_to})
        if chat.blocked:
            raise forbidden("bot was blocked by the user")
        return chat

    # ---- messages

    def store_message(self, chat: Chat, data: dict, sender_bot: BotAccount | None,
                      source: str | None = None, parse_mode: str | None = None) -> StoredMessage:
        stored = StoredMessage(data, sender_bot.id if sender_bot else None, source, parse_mode)
        chat.messages[data["message_id"]] = stored
        if sender_bot is not None:
            chat.bot_log.append((sender_bot.id, data["message_id"]))
        self.touch()
        return stored

    def replied_snapshot(self, chat: Chat, message_id: int) -> dict | None:
        stored = chat.messages.get(message_id)
        if stored is None or stored.deleted:
            return None
        snapshot = dict(stored.data)
        snapshot.pop("reply_to_message", None)
        return snapshot

    def deliver_user_message(self, chat: Chat, message: dict) -> None:
        """Give a message a human wrote to every bot in the chat that may read it."""
        for bot_id in sorted(chat.bot_ids):
            bot = self.bots_by_id[bot_id]
            if chat.type == "private" or self.bot_sees_group_message(bot, chat, message):
                self.push_update(bot, "message", message)

    def bot_sees_group_message(self, bot: BotAccount, chat: Chat, message: dict) -> bool:
        """Privacy mode: commands, replies to the bot, mentions of it and service messages."""
        if bot.can_read_all_group_messages or bot.id in chat.admins:
            return True
        text = message.get("text") or message.get("caption")
        if text is None:
            return True  # service messages and media without caption
        if text.startswith("/"):
            first_word = text.split(maxsplit=1)[0]
            addressee = first_word.partition("@")[2]
            return not addressee or addressee.lower() == bot.username.lower()
        reply = message.get("reply_to_message")
        if reply and reply.get("from", {}).get("id") == bot.id:
            return True
        return f"@{bot.username.lower()}" in text.lower()

    # ---- updates

    def push_update(self, bot: BotAccount, kind: str, payload: dict) -> dict | None:
        if kind not in bot.allowed_updates:
            return None
        bot.last_update_id += 1
        update = {"update_id": bot.last_update_id, kind: payload}
        bot.updates.append(update)
        self.wake_bot(bot)
        self.touch()
        return update

    # ---- files

    def store_file(self, kind: str, data: bytes, file_name: str | None, mime_type: str | None,
                   width: int | None = None, height: int | None = None) -> StoredFile:
        serial = self.next_serial()
        prefix = {"photo": "AgACAgEAAxkBAA", "document": "BQACAgEAAxkBAA"}.get(kind, "CQACAgEAAxkBAA")
        extension = ""
        if file_name and "." in file_name:
            extension = "." + file_name.rsplit(".", 1)[1]
        elif kind == "photo":
            extension = ".jpg"
        stored = StoredFile(
            file_id=f"{prefix}{serial:08d}emu", file_unique_id=f"AgAD{serial:06d}",
            data=data, file_path=f"{kind}s/file_{serial}{extension}", kind=kind,
            file_name=file_name, mime_type=mime_type, width=width, height=height,
        )
        self.files_by_id[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    # ---- call log

    def record_call(self, call: Call) -> None:
        self.call_counts[call.method] = self.call_counts.get(call.method, 0) + 1
        self.status_counts[call.status] = self.status_counts.get(call.status, 0) + 1
        if self.max_calls != 0:
            self.calls.append(call)
            self.calls_by_method.setdefault(call.method.lower(), deque()).append(call)
            if self.max_calls is not None and len(self.calls) > self.max_calls:
                oldest = self.calls.popleft()
                self.calls_by_method[oldest.method.lower()].popleft()
        self.touch()
