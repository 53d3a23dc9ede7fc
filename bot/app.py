"""The composition root: the one place that builds the python-telegram-bot Application, wires
the handlers, the background work (the outbox dispatcher) and the periodic jobs
(bot/runtime/jobs.py), and runs it (long polling or
webhook). Only one copy may run per database."""

from __future__ import annotations

import asyncio
import logging
import warnings
from typing import Any
from urllib.parse import urlsplit

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.warnings import PTBUserWarning

from bot.runtime import jobs, redaction
from bot.runtime.budget import SendBudget
from bot.core.convocatorias import Convocatorias
from bot.runtime.dispatcher import Dispatcher, Pace
from bot.runtime.limiter import RepliesFirst
from bot.runtime.lock import InstanceLock
from bot.runtime.persistence import FlowPersistence
from bot.runtime.services import Services, build_services
from bot.runtime.settings import Settings, SettingsError
from bot.runtime.updates import PerChatUpdates
from handlers import (
    admin, basics, buttons, convocatorias, curation, errors, inline, members, menu, notices, privacy, publishing,
    questions, sharing, subscriptions,
)
from handlers.common import DISPATCHER_KEY, SERVICES_KEY
from handlers.flows import RESTORE_GRACE, register_leftovers

log = logging.getLogger("cocreabot")

ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member", "inline_query"]

BUDGET_KEY = "budget"

# Our conversations mix buttons and text on purpose (per_message=False); PTB warns about it.
warnings.filterwarnings("ignore", message=r".*per_message.*", category=PTBUserWarning)


def build_application(settings: Settings, services: Services | None = None, *, rate_limit: bool = True,
                      pace: Pace | None = None) -> Application:
    """Build the Application. rate_limit=False only for benchmarks that measure raw throughput."""
    services = services or build_services(settings)
    pace = pace or Pace()
    # Any: the rate limiter below changes the builder's type (its bot's rate-limit arguments).
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.bot_api_url)
        .base_file_url(settings.file_api_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(_post_init)
        .post_stop(_post_stop)
        # two connections for getUpdates: at shutdown PTB's last call must not wait for the one in use
        .get_updates_connection_pool_size(2)
        # chats at the same time, each chat's updates in order (guided flows stay per chat)
        .concurrent_updates(PerChatUpdates())
        # the guided flows' state lives in SQLite: a tap after a restart resumes the flow
        # (restored up to a week past the time limit, so a late tap is told the flow was dropped)
        .persistence(FlowPersistence(services.store, max_age=settings.flow_timeout + RESTORE_GRACE))
    )
    budget = None
    if rate_limit:
        # Telegram's limits: about 30 messages a second overall and 20 a minute per group. One
        # budget for replies and notices, replies first; a reply that meets a 429 waits and goes.
        budget = SendBudget(pace.rate, pace.margin, pace.reserve)
        builder = builder.rate_limiter(RepliesFirst(budget))
    application = builder.build()
    application.bot_data[SERVICES_KEY] = services
    application.bot_data["pace"] = pace
    application.bot_data[BUDGET_KEY] = budget
    _register_handlers(application)
    desk = Convocatorias(services.store, services.engine.kb, reminder_days=settings.reminder_days)
    application.bot_data[convocatorias.DESK_KEY] = desk  # the handlers' desk
    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot's job-queue extra is missing (pyproject.toml declares it)")
    jobs.register(application.job_queue, services.store, desk, wake=lambda: _wake_dispatcher(application))
    jobs.register_question_counts(application.job_queue, services.curation)
    return application


def _wake_dispatcher(application: Application) -> None:
    dispatcher = application.bot_data.get(DISPATCHER_KEY)
    if dispatcher:
        dispatcher.wake()


def _register_handlers(application: Application) -> None:
    # Order matters: conversations first (they own their steps), then commands and buttons,
    # then the free-text and catch-all handlers, which must come last.
    publishing.register(application)
    convocatorias.register(application)
    curation.register(application)  # its answer flow is a conversation; its commands and buttons too
    basics.register(application)
    sharing.register(application)
    inline.register(application)
    subscriptions.register(application)
    notices.register(application)
    privacy.register(application)
    admin.register(application)
    members.register(application)
    buttons.register(application)
    register_leftovers()  # buttons of guided flows that are over
    questions.register(application)
    errors.register(application)


async def _post_init(application: Application) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    facilitator_ids = services.permissions.facilitator_ids()
    await menu.set_default_menus(application.bot, services.settings.admin_ids, facilitator_ids,
                                 services.permissions.curator_ids())
    await menu.set_profile(application.bot)
    dispatcher = Dispatcher(application.bot, services.store, application.bot_data["pace"],
                            budget=application.bot_data[BUDGET_KEY], keyboard=notices.notice_markup)
    application.bot_data[DISPATCHER_KEY] = dispatcher
    application.bot_data["dispatcher_task"] = asyncio.create_task(dispatcher.run(), name="outbox-dispatcher")
    log.info("CocreaBot @%s listo", application.bot.username)


async def _post_stop(application: Application) -> None:
    jobs.flush_question_counts(application.bot_data[SERVICES_KEY].curation)
    dispatcher: Dispatcher | None = application.bot_data.get(DISPATCHER_KEY)
    task = application.bot_data.get("dispatcher_task")
    if dispatcher and task:
        await dispatcher.stop()
        await asyncio.wait([task], timeout=15)


def run_bot(settings: Settings, webhook: bool = False) -> int:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    redaction.install(settings.require_token())  # the token never reaches the log or stderr
    if webhook:
        _check_webhook_settings(settings)
    lock = InstanceLock(settings.db_path).acquire()
    try:
        _run(build_application(settings), settings, webhook)
    except InvalidToken:
        raise SettingsError(f"El servidor rechazó TELEGRAM_BOT_TOKEN (el del bot {redaction.bot_id(settings.token)}); "
                            "revisa el token que te dio @BotFather.") from None
    except NetworkError as error:
        raise SettingsError(redaction.redact(f"No pude conectar con la Bot API en TELEGRAM_API_BASE_URL "
                                             f"({settings.api_base_url}): {error}", settings.token)) from None
    finally:
        lock.release()
    return 0


def _run(application: Application, settings: Settings, webhook: bool) -> None:
    # Initialize on our own loop first: a rejected token or an unreachable server is then one
    # clear line (raised to run_bot) instead of PTB's logged traceback. run_* reuses the loop and
    # skips the initialization already done.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.run_until_complete(application.initialize())
    if webhook:
        webhook_url = settings.webhook_url or ""  # _check_webhook_settings made sure it is there
        application.run_webhook(
            listen="0.0.0.0",
            port=settings.port,
            url_path=urlsplit(webhook_url).path.strip("/"),
            webhook_url=webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)


def _check_webhook_settings(settings: Settings) -> None:
    if not settings.webhook_url:
        raise SettingsError("Falta WEBHOOK_URL: la dirección pública https donde Telegram enviará las actualizaciones.")
    if not settings.webhook_secret:
        raise SettingsError("Falta WEBHOOK_SECRET: una clave para comprobar que las actualizaciones vienen de Telegram.")
