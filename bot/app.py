"""The composition root: the one place that builds the python-telegram-bot Application, wires
the handlers and the background jobs, and runs it (long polling or webhook)."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults

from bot.runtime import Services, build_services
from bot.settings import Settings
from handlers import basics, buttons, errors, questions
from handlers.common import SERVICES_KEY

log = logging.getLogger("cocreabot")

PRIVATE_COMMANDS = [
    ("estado", "Cómo va una entidad"),
    ("pasos", "Los 13 pasos de la estrategia local"),
    ("paso", "Un paso: /paso 6"),
    ("glosario", "Qué significa un término: /glosario STL"),
    ("convocatorias", "Convocatorias abiertas"),
    ("documentos", "Lo que publicó el STL de una entidad"),
    ("fuentes", "De dónde sale la información"),
    ("privacidad", "Qué datos guardo y cómo borrarlos"),
    ("ayuda", "Qué puedo hacer"),
]
GROUP_COMMANDS = [c for c in PRIVATE_COMMANDS if c[0] not in ("privacidad",)]


def build_application(settings: Settings, services: Services | None = None, *, rate_limit: bool = True) -> Application:
    """Build the Application. rate_limit=False only for benchmarks that measure raw throughput."""
    services = services or build_services(settings)
    builder = (
        ApplicationBuilder()
        .token(settings.require_token())
        .base_url(settings.bot_api_url)
        .base_file_url(settings.file_api_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .post_init(_post_init)
    )
    if rate_limit:
        # Telegram's limits: about 30 messages a second overall and 20 a minute per group.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=2))
    application = builder.build()
    application.bot_data[SERVICES_KEY] = services
    # Order matters: specific commands and buttons before the free-text catch-alls.
    basics.register(application)
    buttons.register(application)
    questions.register(application)
    errors.register(application)
    return application


async def _post_init(application: Application) -> None:
    bot = application.bot
    await bot.set_my_commands([_command(c) for c in PRIVATE_COMMANDS], scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands([_command(c) for c in GROUP_COMMANDS], scope=BotCommandScopeAllGroupChats())
    log.info("CocreaBot @%s listo", bot.username)


def _command(pair: tuple[str, str]) -> BotCommand:
    return BotCommand(*pair)


def run_bot(settings: Settings, webhook: bool = False) -> int:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    application = build_application(settings)
    if webhook:
        _run_webhook(application, settings)
    else:
        application.run_polling(allowed_updates=["message", "callback_query", "my_chat_member"], drop_pending_updates=False)
    return 0


def _run_webhook(application: Application, settings: Settings) -> None:
    from bot.settings import SettingsError

    if not settings.webhook_url:
        raise SettingsError("Falta WEBHOOK_URL: la dirección pública https donde Telegram enviará las actualizaciones.")
    if not settings.webhook_secret:
        raise SettingsError("Falta WEBHOOK_SECRET: una clave para comprobar que las actualizaciones vienen de Telegram.")
    url_path = urlsplit(settings.webhook_url).path.strip("/")
    application.run_webhook(
        listen="0.0.0.0",
        port=settings.port,
        url_path=url_path,
        webhook_url=settings.webhook_url,
        secret_token=settings.webhook_secret,
        allowed_updates=["message", "callback_query", "my_chat_member"],
    )
