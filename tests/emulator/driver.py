"""BotApiEmulator: start the fake Telegram and act as its users.

    with BotApiEmulator() as emu:
        ana = emu.new_user("Ana", language_code="es")
        app = emu.ptb_builder().build()          # or base_url=emu.api_base_url in a subprocess
        emu.send_command(ana, "/start")
        reply, = emu.wait_for_messages(ana)

All methods are synchronous and thread-safe. From a coroutine running on the same loop as
the bot, use the *_async twins of the waits, so the bot keeps running while you wait.
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any, Callable, Iterable, TypeVar

from .api import image_size
from .control import FaultInjector, FloodControl, FloodPolicy, Fault, make_fault
from .entities import find_automatic_entities
from .server import EmulatorServer, ServerOptions
from .views import MessageView
from .world import (
    SUPERGROUP_ID_BASE, BotAccount, Call, CallbackAnswer, CallbackQueryRecord, Chat, Group,
    User, World, now,
)

T = TypeVar("T")

# The placeholder Telegram puts in `from` of messages an administrator sends as the group.
GROUP_ANONYMOUS_BOT = {"id": 1087968824, "is_bot": True, "first_name": "Group",
                       "username": "GroupAnonymousBot"}
ChatRef = User | Group | int | MessageView


class WaitTimeout(AssertionError):
    """A wait_* gave up; an AssertionError so pytest reports it as a test failure."""


class EmulatorError(RuntimeError):
    """A driver call asked for something a real user couldn't do."""


class BotApiEmulator:
    DEFAULT_TOKEN = "123456789:AAE-emulator-default-bot-token-000000"
    DEFAULT_USERNAME = "cocreabot_test_bot"

    def __init__(
        self, *, token: str = DEFAULT_TOKEN, username: str = DEFAULT_USERNAME,
        first_name: str = "CocreaBot", host: str = "127.0.0.1", port: int = 0,
        flood_control: bool = False, flood_policy: FloodPolicy | None = None,
        max_recorded_calls: int | None = None, strict_html_entities: bool = False,
        allow_http_webhooks: bool = True, webhook_retry_delays: tuple[float, ...] | None = None,
        webhook_max_attempts: int | None = None,
    ):
        """max_recorded_calls: None keeps every call, 0 keeps none (counters still work)."""
        self.world = World()
        self.world.max_calls = max_recorded_calls
        self.world.strict_html_entities = strict_html_entities
        self.flood = FloodControl()
        self.flood.configure(flood_control, flood_policy)
        self.faults = FaultInjector()
        options = ServerOptions(host=host, port=port, allow_http_webhooks=allow_http_webhooks)
        if webhook_retry_delays is not None:
            options.webhook_retry_delays = webhook_retry_delays
        if webhook_max_attempts is not None:
            options.webhook_max_attempts = webhook_max_attempts
        self.server = EmulatorServer(self.world, self.flood, self.faults, options)
        self.bot = self.add_bot(token=token, username=username, first_name=first_name)

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> "BotApiEmulator":
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    def __enter__(self) -> "BotApiEmulator":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The server root; bots use ROOT/bot and ROOT/file/bot."""
        return self.server.base_url

    @property
    def api_base_url(self) -> str:
        return f"{self.base_url}/bot"

    @property
    def file_base_url(self) -> str:
        return f"{self.base_url}/file/bot"

    @property
    def token(self) -> str:
        return self.bot.token

    def ptb_builder(self, bot: BotAccount | str | None = None):
        """A python-telegram-bot ApplicationBuilder already pointed at this emulator."""
        from telegram.ext import ApplicationBuilder

        return (ApplicationBuilder().token(self._bot(bot).token)
                .base_url(self.api_base_url).base_file_url(self.file_base_url))

    def ptb_bot(self, bot: BotAccount | str | None = None):
        """A plain telegram.Bot for this emulator (use `async with` it)."""
        from telegram import Bot

        return Bot(self._bot(bot).token, base_url=self.api_base_url, base_file_url=self.file_base_url)

    # ---------------------------------------------------------------- bots, users, groups

    def add_bot(self, token: str | None = None, username: str | None = None,
                first_name: str | None = None, *, can_join_groups: bool = True,
                can_read_all_group_messages: bool = False,
                supports_inline_queries: bool = False) -> BotAccount:
        """Register another bot (own token, bot user, update queue and chats)."""
        with self.world.lock:
            if token is None:
                token = f"{700000000 + len(self.world.bots_by_id)}:AAE-emulator-extra-bot-token"
            bot_id = token.split(":", 1)[0]
            return self.world.add_bot(
                token, username or f"emulated{bot_id}_bot", first_name or "Emulated bot",
                can_join_groups=can_join_groups,
                can_read_all_group_messages=can_read_all_group_messages,
                supports_inline_queries=supports_inline_queries)

    def new_user(self, first_name: str = "Ana", last_name: str | None = None, *,
                 username: str | None = None, language_code: str | None = "es",
                 started: bool = True) -> User:
        """A new human with a unique id. started=False: bots can't write first (403)."""
        with self.world.lock:
            return self.world.new_user(first_name, last_name=last_name, username=username,
                                       language_code=language_code, started=started)

    def new_users(self, count: int, *, first_name: str = "User",
                  language_code: str | None = "es", started: bool = True) -> list[User]:
        """Many users at once, cheaply (no chats are created until used)."""
        with self.world.lock:
            return [self.world.new_user(f"{first_name} {index}", language_code=language_code,
                                        started=started) for index in range(1, count + 1)]

    def new_group(self, title: str = "Grupo", members: Iterable[User] = (), *,
                  bots: Iterable[BotAccount] | None = None, admins: Iterable[User] = (),
                  supergroup: bool = False, announce: bool = False) -> Group:
        """A group (or supergroup) containing `members` and `bots` (default: the default bot).

        announce=True also gives each bot the my_chat_member and new_chat_members updates
        Telegram sends when a bot is added to a group.
        """
        members, admins = list(members), list(admins)
        members += [admin for admin in admins if admin not in members]
        bot_list = list(bots) if bots is not None else [self.bot]
        with self.world.lock:
            group, chat = self.world.new_group(title, members, bot_list, admins, supergroup)
            if announce:
                for bot in bot_list:
                    self._announce_bot_added(chat, bot, members[0] if members else None)
            return group

    def _announce_bot_added(self, chat: Chat, bot: BotAccount, by: User | None) -> None:
        actor = by.to_api() if by else bot.to_api()
        self.world.push_update(bot, "my_chat_member", {
            "chat": chat.to_api(), "from": actor, "date": now(),
            "old_chat_member": _bot_member(bot, "left"), "new_chat_member": _bot_member(bot, "member")})
        if by is not None:
            message = self._user_message(chat, by, {"new_chat_members": [bot.to_api()]})
            self.world.store_message(chat, message, None)
            self.world.deliver_user_message(chat, message)

    def migrate_group(self, group: Group, by: User | None = None) -> int:
        """Upgrade a group to a supergroup with a new id; returns the new chat id.

        Bots get the migrate_to_chat_id / migrate_from_chat_id service messages, and sends to
        the old id fail with 400 + parameters.migrate_to_chat_id.
        """
        with self.world.lock:
            old = self.world.group_chats[group.id]
            if old.type != "group" or old.migrated_to is not None:
                raise EmulatorError(f"chat {group.id} is not a basic group")
            new_id = -(SUPERGROUP_ID_BASE + 1_000_000 + self.world.next_serial())
            new = Chat(new_id, "supergroup", title=old.title)
            new.members, new.admins, new.bot_ids = dict(old.members), set(old.admins), set(old.bot_ids)
            self.world.group_chats[new_id] = new
            actor = by or (group.members[0] if group.members else None)
            self._post_service(old, actor, {"migrate_to_chat_id": new_id})
            old.migrated_to = new_id
            self._post_service(new, actor, {"migrate_from_chat_id": old.id})
            group.previous_ids.append(group.id)
            group.id, group.type = new_id, "supergroup"
            self.world.groups[new_id] = group
            return new_id

    def _post_service(self, chat: Chat, actor: User | None, content: dict) -> None:
        message = {"message_id": chat.next_message_id(), "chat": chat.to_api(), "date": now(),
                   **content}
        if actor is not None:
            message["from"] = actor.to_api()
        self.world.store_message(chat, message, None)
        self.world.deliver_user_message(chat, message)

    def block_bot(self, user: User, bot: BotAccount | str | None = None) -> None:
        """The user blocks the bot: sends get 403 and the bot gets my_chat_member → kicked."""
        self._set_blocked(user, self._bot(bot), True)

    def unblock_bot(self, user: User, bot: BotAccount | str | None = None) -> None:
        self._set_blocked(user, self._bot(bot), False)

    def _set_blocked(self, user: User, bot: BotAccount, blocked: bool) -> None:
        with self.world.lock:
            chat = self.world.private_chat(bot, user)
            if chat.blocked == blocked:
                return
            chat.blocked = blocked
            old, new = ("member", "kicked") if blocked else ("kicked", "member")
            self.world.push_update(bot, "my_chat_member", {
                "chat": chat.to_api(), "from": user.to_api(), "date": now(),
                "old_chat_member": _bot_member(bot, old), "new_chat_member": _bot_member(bot, new)})

    # ---------------------------------------------------------------- users acting

    def send_text(self, user: User, text: str, chat: ChatRef | None = None,
                  reply_to: MessageView | int | dict | None = None,
                  bot: BotAccount | str | None = None) -> dict:
        """The user writes `text` (in their private chat with the bot unless `chat`).

        Returns the Message object the bot receives, with the entities Telegram computes.
        """
        content: dict[str, Any] = {"text": text}
        entities = find_automatic_entities(text)
        if entities:
            content["entities"] = entities
        return self._user_posts(user, content, chat, reply_to, bot)

    def forward_to_bot(self, user: User, original: MessageView, bot: BotAccount | str | None = None,
                       hidden: bool = False) -> dict:
        """`user` forwards `original` (a message someone wrote) to their private chat with the bot.
        As in Telegram, the copy carries forward_origin: MessageOriginUser with the author, or
        MessageOriginHiddenUser (only a name) when the author hides their account in forwards."""
        author = original.raw.get("from") or {}
        name = " ".join(filter(None, (author.get("first_name"), author.get("last_name"))))
        origin = ({"type": "hidden_user", "sender_user_name": name, "date": original.date} if hidden
                  else {"type": "user", "sender_user": author, "date": original.date})
        content = {key: original.raw[key] for key in ("text", "entities", "caption", "document") if key in original.raw}
        return self._user_posts(user, {**content, "forward_origin": origin}, None, None, bot)

    def share_users(self, user: User, request_id: int, shared: Iterable[User], *, name: bool = True,
                    username: bool = True, bot: BotAccount | str | None = None) -> dict:
        """`user` picks people with a KeyboardButtonRequestUsers button: the bot gets a message
        with users_shared (request_id, and a SharedUser per person: user_id, plus first_name,
        last_name and username as far as the button requested them)."""
        users = []
        for person in shared:
            item: dict[str, Any] = {"user_id": person.id}
            if name:
                item["first_name"] = person.first_name
                if person.last_name:
                    item["last_name"] = person.last_name
            if username and person.username:
                item["username"] = person.username
            users.append(item)
        return self._user_posts(user, {"users_shared": {"request_id": request_id, "users": users}}, None, None, bot)

    def send_command(self, user: User, command: str, chat: ChatRef | None = None,
                     bot: BotAccount | str | None = None) -> dict:
        """send_text for "/cmd args"; "/cmd@botname" works too."""
        if not command.startswith("/"):
            raise EmulatorError(f"a command starts with '/': {command!r}")
        return self.send_text(user, command, chat, bot=bot)

    def send_as_group(self, admin: User, text: str, group: ChatRef,
                      bot: BotAccount | str | None = None) -> dict:
        """An administrator writes anonymously ("Remain anonymous"): the message carries
        sender_chat = the group and, in `from`, Telegram's placeholder user @GroupAnonymousBot."""
        with self.world.lock:
            chat = self._chat(group, bot)
            if admin.id not in chat.admins:
                raise EmulatorError(f"{admin.first_name} is not an administrator of {chat.title!r}")
            if chat.type != "supergroup":
                raise EmulatorError("anonymous administrators exist in supergroups only")
            content: dict[str, Any] = {"text": text}
            entities = find_automatic_entities(text)
            if entities:
                content["entities"] = entities
            message = {"message_id": chat.next_message_id(), "from": dict(GROUP_ANONYMOUS_BOT),
                       "sender_chat": chat.to_api(), "chat": chat.to_api(), "date": now(), **content}
            self.world.store_message(chat, message, None)
            self.world.deliver_user_message(chat, message)
            return message

    def send_location(self, user: User, latitude: float, longitude: float,
                      chat: ChatRef | None = None, bot: BotAccount | str | None = None) -> dict:
        """The user shares a location pin."""
        location = {"latitude": latitude, "longitude": longitude}
        return self._user_posts(user, {"location": location}, chat, None, bot)

    def send_document(self, user: User, filename: str, data: bytes,
                      mime_type: str = "application/octet-stream", caption: str | None = None,
                      chat: ChatRef | None = None, bot: BotAccount | str | None = None) -> dict:
        with self.world.lock:
            stored = self.world.store_file("document", data, filename, mime_type)
            document = {"file_name": filename, "mime_type": mime_type, "file_id": stored.file_id,
                        "file_unique_id": stored.file_unique_id, "file_size": stored.size}
            return self._user_posts(user, {"document": document, **self._caption(caption)},
                                    chat, None, bot)

    def send_photo(self, user: User, data: bytes, caption: str | None = None,
                   chat: ChatRef | None = None, bot: BotAccount | str | None = None) -> dict:
        width, height = image_size(data) or (1, 1)
        with self.world.lock:
            stored = self.world.store_file("photo", data, None, "image/jpeg", width, height)
            photo = [{"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                      "file_size": stored.size, "width": width, "height": height}]
            return self._user_posts(user, {"photo": photo, **self._caption(caption)},
                                    chat, None, bot)

    @staticmethod
    def _caption(caption: str | None) -> dict:
        if not caption:
            return {}
        content: dict[str, Any] = {"caption": caption}
        entities = find_automatic_entities(caption)
        if entities:
            content["caption_entities"] = entities
        return content

    def press_button(self, user: User, message: MessageView | int, button: str, *,
                     chat: ChatRef | None = None, raw: bool = False,
                     bot: BotAccount | str | None = None) -> dict:
        """Press an inline button (by its text or callback_data) of a bot message.

        Returns the CallbackQuery the bot receives. raw=True sends `button` as the
        callback data even if no such button exists (tampered or stale data).
        """
        with self.world.lock:
            chat_state = self._chat_of_message(message, chat, user, bot)
            message_id = message.message_id if isinstance(message, MessageView) else message
            stored = chat_state.messages.get(message_id)
            if stored is None or stored.deleted or stored.sender_bot_id is None:
                raise EmulatorError(f"no bot message {message_id} in chat {chat_state.id}")
            data = button if raw else self._callback_data(stored.data, button)
            sender = self.world.bots_by_id[stored.sender_bot_id]
            query_id = str(4_000_000_000_000 + self.world.next_serial())
            query = {"id": query_id, "from": user.to_api(), "message": stored.data,
                     "chat_instance": str(abs(chat_state.id) * 31 + sender.id), "data": data}
            self.world.callback_queries[query_id] = CallbackQueryRecord(
                query_id, sender.id, user, data, chat_state.id, message_id)
            self.world.push_update(sender, "callback_query", query)
            return query

    @staticmethod
    def _callback_data(message: dict, label: str) -> str:
        rows = message.get("reply_markup", {}).get("inline_keyboard", [])
        for button in (button for row in rows for button in row):
            if label in (button.get("text"), button.get("callback_data")):
                if "callback_data" not in button:
                    raise EmulatorError(f"button {label!r} opens {button} and sends no callback")
                return button["callback_data"]
        texts = [[button.get("text") for button in row] for row in rows]
        raise LookupError(f"no button {label!r} in message {message['message_id']}; buttons: {texts}")

    def push_update(self, kind: str, payload: dict, bot: BotAccount | str | None = None) -> dict | None:
        """Queue any raw update (e.g. "inline_query") for a bot; returns it (None if filtered)."""
        with self.world.lock:
            return self.world.push_update(self._bot(bot), kind, payload)

    def _user_posts(self, user: User, content: dict, chat: ChatRef | None,
                    reply_to: MessageView | int | dict | None, bot: BotAccount | str | None) -> dict:
        with self.world.lock:
            target = self._chat(chat if chat is not None else user, bot)
            if target.blocked:
                raise EmulatorError(f"{user.first_name} blocked the bot; unblock_bot() first")
            if target.migrated_to is not None:
                raise EmulatorError(f"chat {target.id} is now supergroup {target.migrated_to}")
            if not target.has_member(user.id):
                raise EmulatorError(f"{user.first_name} is not a member of {target.title!r}")
            message = self._user_message(target, user, content)
            if reply_to is not None:
                replied = self.world.replied_snapshot(target, self._message_id(reply_to))
                if replied is None:
                    raise EmulatorError(f"no message {self._message_id(reply_to)} to reply to")
                message["reply_to_message"] = replied
            self.world.store_message(target, message, None)
            self.world.deliver_user_message(target, message)
            return message

    @staticmethod
    def _user_message(chat: Chat, user: User, content: dict) -> dict:
        return {"message_id": chat.next_message_id(), "from": user.to_api(),
                "chat": chat.to_api(), "date": now(), **content}

    @staticmethod
    def _message_id(message: MessageView | int | dict) -> int:
        if isinstance(message, MessageView):
            return message.message_id
        if isinstance(message, dict):
            return message["message_id"]
        return message

    # ---------------------------------------------------------------- reading chats

    def messages(self, chat: ChatRef, bot: BotAccount | str | None = None) -> list[MessageView]:
        """The chat's history as its users see it now (edits applied, deletions gone)."""
        with self.world.lock:
            target = self._chat(chat, bot)
            return [MessageView.of(stored, self._owner(target, bot))
                    for stored in target.messages.values() if not stored.deleted]

    def last_message(self, chat: ChatRef, bot: BotAccount | str | None = None,
                     from_bot: bool = True) -> MessageView | None:
        """The newest visible message (by default the newest one a bot sent)."""
        with self.world.lock:
            target = self._chat(chat, bot)
            for stored in reversed(target.messages.values()):
                if not stored.deleted and (not from_bot or stored.sender_bot_id is not None):
                    return MessageView.of(stored, self._owner(target, bot))
            return None

    def message(self, chat: ChatRef, message_id: int,
                bot: BotAccount | str | None = None) -> MessageView:
        """The current state of one message (also for deleted ones: .deleted is True)."""
        with self.world.lock:
            target = self._chat(chat, bot)
            return MessageView.of(target.messages[message_id], self._owner(target, bot))

    def refresh(self, view: MessageView) -> MessageView:
        return self.message(view, view.message_id)

    def unread_messages(self, chat: ChatRef, bot: BotAccount | str | None = None) -> list[MessageView]:
        """Bot messages not yet returned by wait_for_messages (without consuming them)."""
        with self.world.lock:
            target = self._chat(chat, bot)
            key = self._bot(bot).id if bot is not None else None
            return [MessageView.of(target.messages[mid], self._owner(target, bot))
                    for _, mid in self._unread(target, key)]

    def mark_read(self, chat: ChatRef, bot: BotAccount | str | None = None) -> None:
        """Skip every bot message so far: the next wait_for_messages sees only newer ones."""
        with self.world.lock:
            target = self._chat(chat, bot)
            key = self._bot(bot).id if bot is not None else None
            target.cursors[key] = len(target.bot_log)

    def wait_for_messages(self, chat: ChatRef, count: int = 1, timeout: float = 10,
                          bot: BotAccount | str | None = None) -> list[MessageView]:
        """The next `count` bot messages in the chat, waiting up to `timeout` s for them.

        Each chat keeps a read position: messages are returned once, in order, and every
        call continues where the previous one stopped (mark_read() skips ahead).
        """
        with self.world.lock:
            target = self._chat(chat, bot)
            key = self._bot(bot).id if bot is not None else None
            arrived = self.world.changed.wait_for(
                lambda: len(self._unread(target, key, count)) >= count, timeout)
            unread = self._unread(target, key, count)
            if not arrived:
                texts = [target.messages[mid].data.get("text") for _, mid in unread]
                raise WaitTimeout(f"expected {count} bot message(s) in chat {target.id} within "
                                  f"{timeout} s; got {len(unread)}: {texts}")
            position = target.bot_log.index(unread[-1], target.cursors.get(key, 0))
            target.cursors[key] = position + 1
            return [MessageView.of(target.messages[mid], self._owner(target, bot))
                    for _, mid in unread]

    def _unread(self, chat: Chat, key: int | None, limit: int | None = None) -> list[tuple[int, int]]:
        start = chat.cursors.get(key, 0)
        if key is None:
            end = len(chat.bot_log) if limit is None else start + limit
            return chat.bot_log[start:end]
        found = []
        for entry in itertools.islice(chat.bot_log, start, None):
            if entry[0] == key:
                found.append(entry)
                if limit is not None and len(found) >= limit:
                    break
        return found

    def wait_for(self, predicate: Callable[[], T], timeout: float = 10,
                 description: str | None = None) -> T:
        """Wait until predicate() is truthy (re-checked on every emulator change); return it."""
        with self.world.lock:
            result = self.world.changed.wait_for(predicate, timeout)
        if not result:
            raise WaitTimeout(f"timed out after {timeout} s waiting for "
                              f"{description or getattr(predicate, '__name__', 'condition')}")
        return result

    async def wait_for_messages_async(self, chat: ChatRef, count: int = 1, timeout: float = 10,
                                      bot: BotAccount | str | None = None) -> list[MessageView]:
        return await asyncio.to_thread(self.wait_for_messages, chat, count, timeout, bot)

    async def wait_for_async(self, predicate: Callable[[], T], timeout: float = 10,
                             description: str | None = None) -> T:
        return await asyncio.to_thread(self.wait_for, predicate, timeout, description)

    async def wait_for_callback_answer_async(self, query: dict | str,
                                             timeout: float = 10) -> CallbackAnswer:
        return await asyncio.to_thread(self.wait_for_callback_answer, query, timeout)

    async def wait_for_call_async(self, method: str, count: int = 1, timeout: float = 10,
                                  **filters: Any) -> list[Call]:
        return await asyncio.to_thread(lambda: self.wait_for_call(method, count, timeout, **filters))

    def reply_keyboard(self, chat: ChatRef, bot: BotAccount | str | None = None) -> list[list[str]] | None:
        """The custom reply keyboard the user currently sees, as rows of button texts."""
        with self.world.lock:
            markup = self._chat(chat, bot).reply_keyboard
            if not markup or "keyboard" not in markup:
                return None
            return [[b if isinstance(b, str) else b.get("text") for b in row] for row in markup["keyboard"]]

    def reply_keyboard_button(self, chat: ChatRef, label: str, bot: BotAccount | str | None = None) -> dict:
        """The KeyboardButton object labelled `label` of the reply keyboard the user sees (to read
        what a request_users or request_contact button asks for)."""
        with self.world.lock:
            markup = self._chat(chat, bot).reply_keyboard or {}
            for button in (b for row in markup.get("keyboard", []) for b in row):
                if (button if isinstance(button, str) else button.get("text")) == label:
                    return {"text": button} if isinstance(button, str) else dict(button)
        raise LookupError(f"no reply-keyboard button {label!r}")

    def chat_actions(self, chat: ChatRef, bot: BotAccount | str | None = None) -> list[str]:
        with self.world.lock:
            return [action for _, action in self._chat(chat, bot).actions]

    # ---------------------------------------------------------------- callback answers & calls

    def callback_answers(self, query: dict | str | None = None,
                         user: User | None = None) -> list[CallbackAnswer]:
        query_id = query["id"] if isinstance(query, dict) else query
        with self.world.lock:
            return [answer for answer in self.world.callback_answers
                    if (query_id is None or answer.query_id == query_id)
                    and (user is None or answer.user_id == user.id)]

    def wait_for_callback_answer(self, query: dict | str, timeout: float = 10) -> CallbackAnswer:
        answers = self.wait_for(lambda: self.callback_answers(query), timeout,
                                f"an answer to callback query {query!r}")
        return answers[0]

    def calls(self, method: str | None = None, *, bot: BotAccount | str | None = None,
              status: int | None = None, **params: Any) -> list[Call]:
        """Recorded Bot API calls, filtered by method (any case), bot, status and params."""
        wanted_method = method.lower() if method else None
        wanted_bot = self._bot(bot).username if bot is not None else None
        with self.world.lock:
            recorded = (self.world.calls if wanted_method is None
                        else self.world.calls_by_method.get(wanted_method, ()))
            return [call for call in recorded
                    if (wanted_bot is None or call.bot == wanted_bot)
                    and (status is None or call.status == status)
                    and all(_same(call.params.get(name), self._ref_id(value))
                            for name, value in params.items())]

    def wait_for_call(self, method: str, count: int = 1, timeout: float = 10,
                      **filters: Any) -> list[Call]:
        def enough() -> list[Call] | None:
            found = self.calls(method, **filters)
            return found if len(found) >= count else None
        return self.wait_for(enough, timeout, f"{count} {method} call(s) matching {filters}")

    def call_count(self, method: str | None = None) -> int:
        """How many calls were made (cheap; counts even when calls aren't recorded)."""
        with self.world.lock:
            if method is None:
                return sum(self.world.call_counts.values())
            lower = method.lower()
            return sum(n for name, n in self.world.call_counts.items() if name.lower() == lower)

    def status_count(self, status: int) -> int:
        with self.world.lock:
            return self.world.status_counts.get(status, 0)

    @property
    def flood_rejections(self) -> int:
        """How many 429s flood control returned (injected 429s not included)."""
        return self.flood.rejections

    @property
    def internal_errors(self) -> list[str]:
        """Emulator bugs hit so far (each was answered with HTTP 500); should stay empty."""
        with self.world.lock:
            return list(self.world.internal_errors)

    @property
    def webhook_deliveries(self) -> list[dict]:
        with self.world.lock:
            return list(self.world.webhook_deliveries)

    def is_polling(self, bot: BotAccount | str | None = None) -> bool:
        """Whether a getUpdates request of this bot is waiting on the server right now."""
        with self.world.lock:
            return self._bot(bot).poll is not None

    def pending_update_count(self, bot: BotAccount | str | None = None) -> int:
        with self.world.lock:
            return len(self._bot(bot).updates)

    def visible_commands(self, user: User, chat: ChatRef | None = None,
                         bot: BotAccount | str | None = None) -> list[dict]:
        """The command list a Telegram client would show this user in this chat.

        Resolves scopes and language_code the way the Bot API documents ("Determining
        list of commands").
        """
        target_bot = self._bot(bot)
        with self.world.lock:
            target = self._chat(chat if chat is not None else user, bot)
            language = user.language_code or ""
            if target.type == "private":
                scopes = [("chat", target.id), ("all_private_chats",), ("default",)]
            elif user.id in target.admins:
                scopes = [("chat_member", target.id, user.id), ("chat_administrators", target.id),
                          ("chat", target.id), ("all_chat_administrators",),
                          ("all_group_chats",), ("default",)]
            else:
                scopes = [("chat_member", target.id, user.id), ("chat", target.id),
                          ("all_group_chats",), ("default",)]
            for scope in scopes:
                for lang in ([language, ""] if language else [""]):
                    commands = target_bot.commands.get((scope, lang))
                    if commands:
                        return list(commands)
            return []

    # ---------------------------------------------------------------- faults, latency, floods

    def inject(self, method: str | None = None, *, chat_id: ChatRef | None = None,
               bot: BotAccount | str | None = None, error_code: int = 400,
               description: str | None = None, retry_after: int | None = None,
               migrate_to_chat_id: int | None = None, times: int | None = 1) -> Fault:
        """Make the next `times` matching requests (None: all) fail with this error."""
        fault = make_fault(
            method, chat_id=self._ref_id(chat_id) if chat_id is not None else None,
            bot_id=self._bot(bot).id if bot is not None else None, error_code=error_code,
            description=description, retry_after=retry_after,
            migrate_to_chat_id=migrate_to_chat_id, times=times)
        with self.world.lock:
            return self.faults.add(fault)

    def clear_faults(self) -> None:
        with self.world.lock:
            self.faults.clear()

    def set_latency(self, seconds: float, method: str | None = None) -> None:
        """Delay every response (or one method's) by `seconds`."""
        self.server.latency[method.lower() if method else None] = seconds

    def set_flood_control(self, enabled: bool = True, policy: FloodPolicy | None = None,
                          **limits: float) -> None:
        """Turn Telegram-like 429s on/off; limits override FloodPolicy fields."""
        policy = policy or FloodPolicy()
        for name, value in limits.items():
            setattr(policy, name, value)
        with self.world.lock:
            self.flood.configure(enabled, policy)

    # ---------------------------------------------------------------- resolution helpers

    def _bot(self, bot: BotAccount | str | None) -> BotAccount:
        if bot is None:
            return self.bot
        if isinstance(bot, BotAccount):
            return bot
        for candidate in self.world.bots_by_id.values():
            if bot in (candidate.username, candidate.token):
                return candidate
        raise EmulatorError(f"no bot {bot!r}")

    @staticmethod
    def _ref_id(value: Any) -> Any:
        if isinstance(value, (User, Group)):
            return value.id
        return value

    def _owner(self, chat: Chat, bot: BotAccount | str | None) -> int | None:
        return self._bot(bot).id if chat.type == "private" else None

    def _chat(self, ref: ChatRef | Chat, bot: BotAccount | str | None = None) -> Chat:
        if isinstance(ref, Chat):
            return ref
        if isinstance(ref, MessageView):
            owner = self.world.bots_by_id.get(ref.bot_id) if ref.chat_id > 0 else None
            return self._chat(ref.chat_id, owner or bot)
        if isinstance(ref, User):
            return self.world.private_chat(self._bot(bot), ref)
        chat_id = ref.id if isinstance(ref, Group) else ref
        if chat_id < 0 and chat_id in self.world.group_chats:
            return self.world.group_chats[chat_id]
        if chat_id in self.world.users:
            return self.world.private_chat(self._bot(bot), self.world.users[chat_id])
        raise EmulatorError(f"no chat {chat_id}")

    def _chat_of_message(self, message: MessageView | int, chat: ChatRef | None, user: User,
                         bot: BotAccount | str | None) -> Chat:
        if chat is not None:
            return self._chat(chat, bot)
        if isinstance(message, MessageView):
            return self._chat(message, bot)
        return self._chat(user, bot)


def _same(actual: Any, expected: Any) -> bool:
    return actual == expected or (actual is not None and str(actual) == str(expected))


def _bot_member(bot: BotAccount, status: str) -> dict:
    """A ChatMember object for a bot; "kicked" needs until_date (0 = forever)."""
    member = {"user": bot.to_api(), "status": status}
    if status == "kicked":
        member["until_date"] = 0
    return member
