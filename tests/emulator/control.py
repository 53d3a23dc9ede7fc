"""Flood control (429s like Telegram's) and fault injection."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

from .world import ApiError, too_many_requests

# Methods that post a message into a chat; only these count against flood limits.
SENDING_METHODS = frozenset({
    "sendmessage", "senddocument", "sendphoto", "forwardmessage", "copymessage",
    "sendaudio", "sendvideo", "sendanimation", "sendvoice", "sendsticker", "sendlocation",
    "sendcontact", "sendpoll", "senddice", "sendmediagroup", "sendvideonote", "sendvenue",
})


@dataclass
class FloodPolicy:
    """Token buckets: `*_burst` messages at once, then refilling at the given rate.

    Telegram documents ~30 msg/s per bot overall, ~1 msg/s per chat and 20 msg/min per
    group; it also tolerates short bursts, which is what the burst sizes model.
    """

    per_bot_per_second: float = 30.0
    per_bot_burst: int = 30
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    per_group_per_minute: float = 20.0
    per_group_burst: int = 3


@dataclass
class _Bucket:
    capacity: float
    rate: float  # tokens per second
    tokens: float
    stamp: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_needed(self) -> float:
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


class FloodControl:
    """Per-bot and per-chat token buckets; off unless `enabled`."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.enabled = False
        self.policy = FloodPolicy()
        self.clock = clock
        self.rejections = 0
        self._buckets: dict[tuple, _Bucket] = {}

    def configure(self, enabled: bool, policy: FloodPolicy | None = None) -> None:
        self.enabled = enabled
        if policy is not None:
            self.policy = policy
        self._buckets.clear()

    def _bucket(self, key: tuple, capacity: float, rate: float, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(capacity, rate, capacity, now)
        bucket.refill(now)
        return bucket

    def check(self, bot_id: int, chat_id: object, is_group: bool) -> None:
        """Take a token for one message, or raise the 429 Telegram would send."""
        if not self.enabled:
            return
        policy, now = self.policy, self.clock()
        buckets = [self._bucket(("bot", bot_id), policy.per_bot_burst, policy.per_bot_per_second, now)]
        if chat_id is not None:
            if is_group:
                buckets.append(self._bucket(("chat", bot_id, chat_id), policy.per_group_burst,
                                            policy.per_group_per_minute / 60, now))
            else:
                buckets.append(self._bucket(("chat", bot_id, chat_id), policy.per_chat_burst,
                                            policy.per_chat_per_second, now))
        wait = max(bucket.wait_needed() for bucket in buckets)
        if wait > 0:
            self.rejections += 1
            raise too_many_requests(max(1, math.ceil(wait)))
        for bucket in buckets:
            bucket.tokens -= 1


_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class Fault:
    """An error the next matching request(s) will get instead of being processed."""

    method: str | None  # lower-case method name; None matches any
    chat_id: int | None
    bot_id: int | None
    error_code: int
    description: str
    parameters: dict | None
    times: int | None  # None = forever
    hits: int = 0

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def matches(self, method: str, chat_id: object, bot_id: int) -> bool:
        return (
            not self.exhausted
            and (self.method is None or self.method == method)
            and (self.chat_id is None or self.chat_id == chat_id)
            and (self.bot_id is None or self.bot_id == bot_id)
        )

    def to_error(self) -> ApiError:
        return ApiError(self.error_code, self.description, self.parameters)


def make_fault(method: str | None, *, chat_id: int | None, bot_id: int | None, error_code: int,
               description: str | None, retry_after: int | None,
               migrate_to_chat_id: int | None, times: int | None) -> Fault:
    parameters = {}
    if retry_after is not None:
        parameters["retry_after"] = retry_after
    if migrate_to_chat_id is not None:
        parameters["migrate_to_chat_id"] = migrate_to_chat_id
    if description is None:
        if error_code == 429:
            description = f"Too Many Requests: retry after {retry_after or 1}"
            parameters.setdefault("retry_after", retry_after or 1)
        elif migrate_to_chat_id is not None:
            description = "Bad Request: group chat was upgraded to a supergroup chat"
        else:
            description = _DEFAULT_DESCRIPTIONS.get(error_code, f"Error {error_code}")
    return Fault(method.lower() if method else None, chat_id, bot_id, error_code, description,
                 parameters or None, times)


class FaultInjector:
    def __init__(self) -> None:
        self.faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        self.faults.append(fault)
        return fault

    def take(self, method: str, chat_id: object, bot_id: int) -> ApiError | None:
        """The error for this request if a fault matches (consuming one use), else None."""
        for fault in self.faults:
            if fault.matches(method, chat_id, bot_id):
                fault.hits += 1
                if fault.exhausted:
                    self.faults.remove(fault)
                return fault.to_error()
        return None

    def clear(self) -> None:
        self.faults.clear()
