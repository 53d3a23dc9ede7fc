"""The replies' rate limiter (bot/runtime/limiter.py): a reply that meets a 429 waits and is sent; the
dispatcher's notices pass through untouched; one chat's wait holds nobody else."""

from __future__ import annotations

import asyncio

import pytest
from telegram.error import RetryAfter

from bot.runtime.budget import NOTICE, SendBudget
from bot.runtime.limiter import RepliesFirst, posts_a_message


class Api:
    """A fake Bot API call: `floods[chat]` is how many 429s (retry_after seconds) come first."""

    def __init__(self, floods: dict[int, list[int]] | None = None):
        self.floods = floods or {}
        self.calls: list[int] = []

    async def call(self, chat_id: int):
        self.calls.append(chat_id)
        waits = self.floods.get(chat_id)
        if waits:
            raise RetryAfter(waits.pop(0))
        return {"ok": True, "chat_id": chat_id}


class Sleeps:
    def __init__(self):
        self.waited: list[float] = []
        self.release = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.waited.append(seconds)
        await self.release.wait()


def limiter(sleep=None, **options) -> RepliesFirst:
    return RepliesFirst(SendBudget(), sleep=sleep or (lambda seconds: asyncio.sleep(0)), **options)


async def send(limiter: RepliesFirst, api: Api, chat_id: int, endpoint: str = "sendMessage"):
    return await limiter.process_request(api.call, (chat_id,), {}, endpoint, {"chat_id": chat_id}, None)


async def test_a_reply_that_meets_a_429_waits_retry_after_and_is_sent():
    sleeps = Sleeps()
    sleeps.release.set()
    api = Api({7: [3]})
    answer = await send(limiter(sleeps), api, 7)
    assert answer == {"ok": True, "chat_id": 7}
    assert api.calls == [7, 7] and sleeps.waited == [pytest.approx(3.1)]


async def test_repeated_429s_are_waited_out_while_the_waits_add_up_to_a_minute_at_most():
    api = Api({7: [20, 20, 20], 8: [20, 20, 20, 20]})
    shared = limiter()
    assert await send(shared, api, 7) == {"ok": True, "chat_id": 7}
    with pytest.raises(RetryAfter):
        await send(shared, api, 8)
    assert api.calls == [7] * 4 + [8] * 4


async def test_a_flood_wait_too_long_for_a_reply_reaches_the_handler_at_once():
    api = Api({7: [3600]})
    with pytest.raises(RetryAfter):
        await send(limiter(), api, 7)
    assert api.calls == [7]


async def test_one_chats_wait_holds_no_other_chat():
    sleeps = Sleeps()  # the 429 wait of chat 7 lasts until released
    shared = limiter(sleeps)
    api = Api({7: [5]})
    waiting = asyncio.create_task(send(shared, api, 7))
    await asyncio.sleep(0.01)
    assert sleeps.waited == [pytest.approx(5.1)]
    assert await asyncio.wait_for(send(shared, api, 8), 1) == {"ok": True, "chat_id": 8}
    sleeps.release.set()
    assert await waiting == {"ok": True, "chat_id": 7}


async def test_the_dispatchers_notices_pass_through_uncounted_and_their_429_is_the_dispatchers():
    shared = limiter()
    api = Api({7: [30]})

    async def as_the_dispatcher():
        NOTICE.set(True)
        return await send(shared, api, 7)

    with pytest.raises(RetryAfter):
        await asyncio.create_task(as_the_dispatcher())
    assert api.calls == [7]
    assert shared.budget.replies == 0 and shared.budget.in_last_second() == (0, 0)


async def test_replies_are_counted_in_the_budget_and_make_notices_yield():
    shared = limiter()
    await send(shared, Api(), 7)
    await send(shared, Api(), 8, "getChatMember")  # not a message
    assert shared.budget.in_last_second() == (1, 0)
    assert shared.budget.talking() and shared.budget.notice_rate() == 25


def test_what_counts_as_a_message():
    assert all(map(posts_a_message, ["sendMessage", "sendDocument", "copyMessage", "editMessageText"]))
    assert not any(map(posts_a_message, ["sendChatAction", "getChatMember", "answerCallbackQuery", "getUpdates"]))
