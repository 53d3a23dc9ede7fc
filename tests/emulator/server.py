"""The HTTP side: an aiohttp app speaking the Bot API, run on its own thread and loop.

Routes: ``/bot<token>/<method>`` (GET or POST; JSON, urlencoded or multipart bodies) and
``/file/bot<token>/<file_path>`` for downloads. getUpdates long-polls here; webhooks are
pushed from here too.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import aiohttp
from aiohttp import web

from .api import METHODS, Context, Params, Upload, normalize_params, prepare_get_updates
from .control import SENDING_METHODS, FaultInjector, FloodControl
from .world import ApiError, BotAccount, Call, Webhook, World, bad_request, now

log = logging.getLogger(__name__)

CONFLICT_OTHER_POLL = ("Conflict: terminated by other getUpdates request; "
                       "make sure that only one bot instance is running")
MAX_UPLOAD_BYTES = 60 * 1024 * 1024


@dataclass(eq=False)
class _PollSlot:
    """The one getUpdates request per bot that may be waiting for updates."""

    event: asyncio.Event = field(default_factory=asyncio.Event)
    terminated: bool = False
    shutting_down: bool = False


@dataclass
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 0
    allow_http_webhooks: bool = True  # Telegram demands HTTPS; local tests can't
    webhook_retry_delays: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 1.0)
    webhook_max_attempts: int = 8  # then the update is dropped, as Telegram eventually does
    webhook_timeout: float = 10.0


def _json_response(body: dict, status: int) -> web.Response:
    return web.Response(body=json.dumps(body, ensure_ascii=False).encode("utf-8"), status=status,
                        content_type="application/json")


class EmulatorServer:
    def __init__(self, world: World, flood: FloodControl, faults: FaultInjector,
                 options: ServerOptions):
        self.world = world
        self.flood = flood
        self.faults = faults
        self.options = options
        self.latency: dict[str | None, float] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread_id: int | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._deliveries: dict[int, asyncio.Task] = {}
        self._startup_error: BaseException | None = None
        self.port: int | None = None
        world.wake_bot = self._wake_bot
        world.webhook_changed = self._webhook_changed

    # ---------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        return f"http://{self.options.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.options.host, self.options.port))
        self.port = sock.getsockname()[1]
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(sock, ready), daemon=True,
                                        name=f"bot-api-emulator:{self.port}")
        self._thread.start()
        if not ready.wait(15):
            raise RuntimeError("the Bot API emulator did not start within 15 s")
        if self._startup_error is not None:
            raise RuntimeError("the Bot API emulator failed to start") from self._startup_error

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(15)
        self._thread = None

    def _run(self, sock: socket.socket, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop, self._loop_thread_id = loop, threading.get_ident()
        try:
            loop.run_until_complete(self._startup(sock))
        except BaseException as exc:  # reported to the starting thread
            self._startup_error = exc
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._shutdown())
            loop.close()

    async def _startup(self, sock: socket.socket) -> None:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self.handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self.handle_file)
        app.router.add_route("*", "/{tail:.*}", self.handle_unknown)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0,
                                     handler_cancellation=True)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.options.webhook_timeout))

    async def _shutdown(self) -> None:
        with self.world.lock:
            for bot in self.world.bots_by_id.values():
                if bot.poll is not None:
                    bot.poll.shutting_down = True
                    bot.poll.event.set()
        for task in self._deliveries.values():
            task.cancel()
        await asyncio.gather(*self._deliveries.values(), return_exceptions=True)
        self._deliveries.clear()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def call_in_loop(self, function: Callable, *args: Any) -> None:
        """Run function(*args) on the server loop, now if we're already on it."""
        if threading.get_ident() == self._loop_thread_id:
            function(*args)
        elif self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(function, *args)

    # ---------------------------------------------------------------- Bot API requests

    async def handle_unknown(self, request: web.Request) -> web.Response:
        return _json_response({"ok": False, "error_code": 404, "description": "Not Found"}, 404)

    async def handle_api(self, request: web.Request) -> web.Response:
        started, wall_time = time.perf_counter(), time.time()
        bot = self.world.bots_by_token.get(request.match_info["token"])
        if bot is None:
            return _json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        method = METHODS.get(request.match_info["method"].lower())
        method_name = method.name if method else request.match_info["method"]
        recorded_params: dict = {}
        recorded = False

        def record(status: int, body: dict) -> None:
            nonlocal recorded
            recorded = True
            self.world.record_call(Call(
                bot=bot.username, method=method_name, params=recorded_params, time=wall_time,
                duration=time.perf_counter() - started, status=status,
                result=body.get("result"), description=body.get("description")))

        try:
            values, uploads = await self._read_params(request)
            recorded_params = {**values, **{name: up.describe() for name, up in uploads.items()}}
            if method is None:
                raise ApiError(404, "Not Found")
            ctx = Context(self.world, bot, Params(values, uploads), self.options.allow_http_webhooks)
            result = await self._execute(ctx, method_name, record)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as error:
            status, body = error.code, error.envelope()
        except Exception as exc:  # a bug in the emulator must not look like a Telegram reply
            log.exception("emulator failure in %s", method_name)
            with self.world.lock:
                self.world.internal_errors.append(f"{method_name}: {exc!r}")
            status, body = 500, {"ok": False, "error_code": 500,
                                 "description": f"Internal Server Error: emulator bug: {exc!r}"}
        if not recorded:
            with self.world.lock:
                record(status, body)
        return _json_response(body, status)

    async def _execute(self, ctx: Context, method_name: str, record: Callable[[int, dict], None]) -> Any:
        """Run the method; a synchronous one is recorded under the same hold of the world lock
        as its effect, so a test that sees the new message also sees the call that sent it."""
        delay = self.latency.get(method_name.lower(), self.latency.get(None, 0.0))
        if delay > 0:
            await asyncio.sleep(delay)
        lower = method_name.lower()
        chat_id = ctx.params.get("chat_id")
        with self.world.lock:
            try:
                error = self.faults.take(lower, chat_id, ctx.bot.id)
                if error is not None:
                    raise error
                if lower in SENDING_METHODS:
                    self.flood.check(ctx.bot.id, chat_id, isinstance(chat_id, int) and chat_id < 0)
                if lower != "getupdates":
                    result = METHODS[lower].run(ctx)
                    record(200, {"ok": True, "result": result})
                    return result
            except ApiError as error:
                record(error.code, error.envelope())
                raise
        return await self._long_poll(ctx)

    async def _read_params(self, request: web.Request) -> tuple[dict, dict[str, Upload]]:
        raw: dict[str, Any] = dict(request.query)
        uploads: dict[str, Upload] = {}
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise bad_request("can't parse request JSON object") from None
                if not isinstance(body, dict):
                    raise bad_request("request body must be a JSON object")
                raw.update(body)
            elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for name, value in form.items():
                    if isinstance(value, web.FileField):
                        uploads[name] = Upload(value.filename, value.content_type, value.file.read())
                    else:
                        raw[name] = value
        return normalize_params(raw), uploads

    async def handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] not in self.world.bots_by_token:
            return _json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        stored = self.world.files_by_path.get(request.match_info["path"])
        if stored is None:
            return _json_response({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")

    # ---------------------------------------------------------------- long polling

    async def _long_poll(self, ctx: Context) -> list[dict]:
        bot, loop = ctx.bot, asyncio.get_running_loop()
        with self.world.lock:
            limit, timeout = prepare_get_updates(ctx)
            slot, previous = _PollSlot(), bot.poll
            bot.poll = slot
            self.world.touch()
        if previous is not None:
            previous.terminated = True  # like Telegram, the older request loses
            previous.event.set()
        deadline = loop.time() + timeout
        try:
            while True:
                slot.event.clear()
                if slot.terminated:
                    raise ApiError(409, CONFLICT_OTHER_POLL)
                with self.world.lock:
                    batch = bot.pending(limit)
                remaining = deadline - loop.time()
                if batch or remaining <= 0 or slot.shutting_down:
                    return batch
                try:
                    await asyncio.wait_for(slot.event.wait(), remaining)
                except asyncio.TimeoutError:
                    pass
        finally:
            if bot.poll is slot:
                with self.world.lock:
                    bot.poll = None
                    self.world.touch()

    def _wake_bot(self, bot: BotAccount) -> None:
        self.call_in_loop(self._wake_in_loop, bot)

    @staticmethod
    def _wake_in_loop(bot: BotAccount) -> None:
        if bot.poll is not None:
            bot.poll.event.set()
        hook = bot.webhook
        if hook is not None and hook.wake is not None:
            hook.wake.set()

    # ---------------------------------------------------------------- webhooks

    def _webhook_changed(self, bot: BotAccount) -> None:
        self.call_in_loop(self._restart_delivery, bot)

    def _restart_delivery(self, bot: BotAccount) -> None:
        task = self._deliveries.pop(bot.id, None)
        if task is not None:
            task.cancel()
        hook = bot.webhook
        if hook is not None:
            hook.wake = asyncio.Event()
            self._deliveries[bot.id] = asyncio.get_running_loop().create_task(self._deliver(bot, hook))

    async def _deliver(self, bot: BotAccount, hook: Webhook) -> None:
        """Push pending updates one at a time, in order, retrying failures with backoff."""
        failures = 0
        while bot.webhook is hook:
            hook.wake.clear()
            with self.world.lock:
                batch = bot.pending(1)
            if not batch:
                await hook.wake.wait()
                continue
            update = batch[0]
            error, status = await self._post_update(hook, update)
            failures = 0 if error is None else failures + 1
            delay = self.options.webhook_retry_delays[
                min(failures, len(self.options.webhook_retry_delays)) - 1] if failures else 0
            with self.world.lock:
                self.world.webhook_deliveries.append({
                    "bot": bot.username, "url": hook.url, "update_id": update["update_id"],
                    "status": status, "error": error, "time": time.time()})
                if error is not None:
                    hook.last_error_date, hook.last_error_message = now(), error
                if error is None or failures >= self.options.webhook_max_attempts:
                    bot.confirm(update["update_id"] + 1)
                    failures = 0
                self.world.touch()
            if delay:
                await asyncio.sleep(delay)

    async def _post_update(self, hook: Webhook, update: dict) -> tuple[str | None, int | None]:
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        body = json.dumps(update, ensure_ascii=False).encode("utf-8")
        try:
            async with self._session.post(hook.url, data=body, headers=headers) as response:
                await response.read()
                if 200 <= response.status < 300:
                    return None, response.status
                return f"Wrong response from the webhook: {response.status} {response.reason}", response.status
        except asyncio.TimeoutError:
            return "Read timeout expired", None
        except aiohttp.ClientError as exc:
            return f"Connection failed: {exc}", None
