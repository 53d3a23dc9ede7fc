"""Updates handled concurrently, each chat's in order (bot/runtime/updates.py)."""

from __future__ import annotations

import asyncio

from telegram import CallbackQuery, Chat, Message, Update, User

from bot.app import build_application
from bot.runtime.settings import Settings
from bot.runtime.updates import PerChatUpdates, chat_key

TOKEN = "123456789:AAE-composition-root-test-token"


def message_update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, "private" if chat_id > 0 else "group")
    user = User(abs(chat_id), "Ana", False)
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="hola"))


class Work:
    """Handlers that log when they start and end and wait for a per-update gate."""

    def __init__(self):
        self.log: list[tuple[str, int]] = []
        self.gates: dict[int, asyncio.Event] = {}

    def gate(self, update_id: int) -> asyncio.Event:
        return self.gates.setdefault(update_id, asyncio.Event())

    async def handle(self, update_id: int) -> None:
        self.log.append(("start", update_id))
        await self.gate(update_id).wait()
        self.log.append(("end", update_id))


async def settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


async def submit(processor: PerChatUpdates, work: Work, update_id: int, chat_id: int) -> asyncio.Task:
    task = asyncio.create_task(processor.process_update(message_update(update_id, chat_id), work.handle(update_id)))
    await settle()
    return task


async def test_chats_run_at_the_same_time_and_each_chat_in_order():
    processor, work = PerChatUpdates(), Work()
    await processor.initialize()
    tasks = [await submit(processor, work, 1, 100), await submit(processor, work, 2, 100),
             await submit(processor, work, 3, 200), await submit(processor, work, 4, 100)]
    assert work.log == [("start", 1), ("start", 3)]  # chat 200 did not wait for chat 100
    work.gate(3).set()
    await settle()
    assert ("end", 3) in work.log and ("start", 2) not in work.log  # 2 waits for 1, its chat's first
    work.gate(1).set()
    await settle()
    assert work.log[-1] == ("start", 2)
    work.gate(2).set(), work.gate(4).set()
    await asyncio.gather(*tasks)
    chat_100 = [entry for entry in work.log if entry[1] in (1, 2, 4)]
    assert chat_100 == [("start", 1), ("end", 1), ("start", 2), ("end", 2), ("start", 4), ("end", 4)]
    assert processor.chats_in_progress == 0  # nothing kept for chats at rest


async def test_a_chat_that_floods_waits_behind_itself_only():
    processor = PerChatUpdates(max_running=4)
    await processor.initialize()
    done: list[int] = []

    async def reply(update_id: int) -> None:
        await asyncio.sleep(0.002)  # a round trip to the Bot API
        done.append(update_id)

    flood = [asyncio.create_task(processor.process_update(message_update(n, 100), reply(n))) for n in range(1, 301)]
    await asyncio.sleep(0.01)
    other = asyncio.create_task(processor.process_update(message_update(1000, 200), reply(1000)))
    await other
    assert len([n for n in done if n != 1000]) < 50  # answered long before the flood is through
    await asyncio.gather(*flood)
    assert [n for n in done if n != 1000] == list(range(1, 301))  # the flooding chat's own order


async def test_at_most_max_running_handlers_at_once():
    processor = PerChatUpdates(max_running=3)
    await processor.initialize()
    running, most = 0, 0

    async def handler() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.001)
        running -= 1

    await asyncio.gather(*(processor.process_update(message_update(n, n), handler()) for n in range(1, 21)))
    assert most == 3


def test_what_orders_an_update():
    assert chat_key(message_update(1, -100)) == ("chat", -100)
    inline = Update(2, callback_query=CallbackQuery("q", User(7, "Ana", False), "instance", inline_message_id="x"))
    assert chat_key(inline) == ("user", 7)
    assert chat_key(object()) is None


def test_the_bot_is_built_with_it(tmp_path):
    application = build_application(Settings(token=TOKEN, db_path=tmp_path / "cocrea.db"))
    assert isinstance(application.update_processor, PerChatUpdates)
    assert application.concurrent_updates > 1
