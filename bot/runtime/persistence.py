"""python-telegram-bot's persistence for the guided flows, over the SQLite store: where each
conversation of /publicar, /convocar and /mis_convocatorias stands and each person's draft, so a
facilitator who taps after a deploy (or a crash) carries on where they were.

Only what the flows keep is stored (conversations and user_data; never bot_data or chat_data),
as JSON, not pickle: the drafts are dataclasses of bot/core, written with their type's name and
read back only into those types. A flow untouched for longer than `max_age` (the flows' own
timeout) is not resumed: after a long stop, the next message is a question again, not a title.
PTB writes what changed every `update_interval` seconds and when the bot stops."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from bot.core.convocatorias import ConvocatoriaDraft
from bot.core.publishing import DocumentDraft
from bot.store import Store, utc_now

log = logging.getLogger(__name__)

DRAFT_TYPES = {cls.__name__: cls for cls in (DocumentDraft, ConvocatoriaDraft)}


def encode(value) -> object:
    """A JSON-able form of a draft value: dataclasses of DRAFT_TYPES, dates, datetimes, dicts,
    lists and plain values."""
    if dataclasses.is_dataclass(value) and type(value).__name__ in DRAFT_TYPES:
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__draft__": type(value).__name__, "fields": fields}
    if isinstance(value, datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot keep a {type(value).__name__} in a flow's draft")


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "__draft__" in value:
            return DRAFT_TYPES[value["__draft__"]](**{k: decode(v) for k, v in value["fields"].items()})
        if "__datetime__" in value:
            return datetime.fromisoformat(value["__datetime__"])
        if "__date__" in value:
            return date.fromisoformat(value["__date__"])
        return {k: decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode(v) for v in value]
    return value


class FlowPersistence(BasePersistence):
    def __init__(self, store: Store, max_age: timedelta, update_interval: float = 1):
        super().__init__(store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True,
                                                     callback_data=False), update_interval=update_interval)
        self.store = store
        self.max_age = max_age
        self._kept_drafts: set[int] = set()  # users with a row, so an empty user_data costs no write

    def _since(self) -> datetime:
        return utc_now() - self.max_age

    async def get_user_data(self) -> dict[int, dict]:
        rows = await asyncio.to_thread(self.store.flow_drafts, self._since())
        data: dict[int, dict] = defaultdict(dict)
        for user_id, text in rows.items():
            try:
                data[user_id] = decode(json.loads(text))
                self._kept_drafts.add(user_id)
            except (ValueError, TypeError, KeyError) as problem:  # a draft of an older shape: start over
                log.warning("dropped an unreadable flow draft: %s", type(problem).__name__)
        return data

    async def update_user_data(self, user_id: int, data: dict) -> None:
        if not data and user_id not in self._kept_drafts:
            return
        try:
            text = json.dumps(encode(data)) if data else None
        except TypeError as problem:
            log.warning("a flow draft was not kept: %s", problem)
            return
        await asyncio.to_thread(self.store.set_flow_draft, user_id, text)
        (self._kept_drafts.add if text else self._kept_drafts.discard)(user_id)

    async def drop_user_data(self, user_id: int) -> None:
        await asyncio.to_thread(self.store.set_flow_draft, user_id, None)
        self._kept_drafts.discard(user_id)

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        pass  # this process is the only writer

    async def get_conversations(self, name: str) -> dict:
        rows = await asyncio.to_thread(self.store.flow_conversations, name, self._since())
        return {tuple(json.loads(key)): json.loads(state) for key, state in rows.items()}

    async def update_conversation(self, name: str, key, new_state: object | None) -> None:
        state = json.dumps(new_state) if new_state is not None else None
        await asyncio.to_thread(self.store.set_flow_conversation, name, json.dumps(list(key)), state)

    async def flush(self) -> None:
        await asyncio.to_thread(self.store.forget_stale_flows, self._since())

    # what this persistence does not keep
    async def get_chat_data(self) -> dict:
        return {}

    async def get_bot_data(self) -> dict:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict) -> None:
        pass

    async def update_bot_data(self, data: dict) -> None:
        pass

    async def update_callback_data(self, data) -> None:
        pass

    async def drop_chat_data(self, chat_id: int) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: dict) -> None:
        pass

    async def refresh_bot_data(self, bot_data: dict) -> None:
        pass
