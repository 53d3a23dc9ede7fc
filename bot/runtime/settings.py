"""Configuration from the environment (the contract in DESIGN.md). A bad value is one clear
line for the operator, never a traceback."""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Mapping

from bot.core.convocatorias import DEFAULT_REMINDER_DAYS
from bot.errors import SettingsError  # noqa: F401 (settings problems are this one-line error)

DEFAULT_API_BASE_URL = "https://api.telegram.org"
MAX_REMINDER_DAYS = 30
DEFAULT_FLOW_HOURS = 24.0
MAX_FLOW_HOURS = 720  # 30 days
_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")


@dataclass(frozen=True)
class Settings:
    token: str | None = field(default=None, repr=False)  # a password: never in a repr or a log
    api_base_url: str = DEFAULT_API_BASE_URL
    db_path: Path = Path("cocrea.db")
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    webhook_url: str | None = None
    port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)
    reminder_days: int = DEFAULT_REMINDER_DAYS  # before a convocatoria closes; 0: no reminders
    fresh_database: bool = False  # `run --nueva`: an emptied database where one lived may start anew
    flow_hours: float = DEFAULT_FLOW_HOURS  # a guided flow untouched this long is dropped, also after a restart

    @property
    def bot_api_url(self) -> str:
        return f"{self.api_base_url}/bot"

    @property
    def file_api_url(self) -> str:
        return f"{self.api_base_url}/file/bot"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        return cls(
            token=_token(env.get("TELEGRAM_BOT_TOKEN", "").strip() or None),
            api_base_url=_base_url(env.get("TELEGRAM_API_BASE_URL", "").strip() or DEFAULT_API_BASE_URL),
            db_path=Path(env.get("COCREA_DB", "").strip() or "cocrea.db"),
            admin_ids=_admin_ids(env.get("COCREA_ADMIN_IDS", "")),
            webhook_url=env.get("WEBHOOK_URL", "").strip() or None,
            port=_port(env.get("PORT", "").strip() or "8443"),
            webhook_secret=_secret(env.get("WEBHOOK_SECRET", "").strip() or None),
            reminder_days=_reminder_days(env.get("COCREA_REMINDER_DAYS", "").strip()),
            flow_hours=_flow_hours(env.get("COCREA_FLOW_HOURS", "").strip()),
        )

    @property
    def flow_timeout(self) -> timedelta:
        return timedelta(hours=self.flow_hours)

    def require_token(self) -> str:
        if not self.token:
            raise SettingsError("Falta TELEGRAM_BOT_TOKEN: pon el token que te dio @BotFather (o usa `python -m bot chat`).")
        return self.token


def _token(value: str | None) -> str | None:
    if value is not None and not _TOKEN.match(value):
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN no tiene la forma de un token de Telegram (números, dos puntos y una clave, "
            "como 123456789:ABC...); revisa que lo copiaste completo de @BotFather."
        )
    return value


def _base_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/]+", value):
        raise SettingsError(f"TELEGRAM_API_BASE_URL debe ser una URL http(s), como {DEFAULT_API_BASE_URL}; se recibió {value!r}.")
    return value.rstrip("/").removesuffix("/bot")


def _admin_ids(value: str) -> frozenset[int]:
    ids = set()
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not re.fullmatch(r"-?[0-9]{1,18}", part):
            raise SettingsError(f"COCREA_ADMIN_IDS debe ser una lista de ids numéricos separados por comas; {part!r} no lo es.")
        ids.add(int(part))
    return frozenset(ids)


def _port(value: str) -> int:
    if not (value.isascii() and value.isdigit() and len(value) <= 5) or not 0 < int(value) < 65536:
        raise SettingsError(f"PORT debe ser un número de puerto (1-65535); se recibió {value!r}.")
    return int(value)


def _secret(value: str | None) -> str | None:
    # Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and -.
    if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
        raise SettingsError("WEBHOOK_SECRET solo puede tener letras, números, _ y - (hasta 256).")
    return value


def _reminder_days(value: str) -> int:
    if not value:
        return DEFAULT_REMINDER_DAYS
    if not (value.isascii() and value.isdigit() and len(value) <= 3) or int(value) > MAX_REMINDER_DAYS:
        raise SettingsError(f"COCREA_REMINDER_DAYS debe ser un número de días entre 0 y {MAX_REMINDER_DAYS}; "
                            f"se recibió {value!r}.")
    return int(value)


def _flow_hours(value: str) -> float:
    if not value:
        return DEFAULT_FLOW_HOURS
    try:
        hours = float(value.replace(",", "."))
    except ValueError:
        hours = math.nan
    if not 0 < hours <= MAX_FLOW_HOURS:  # nan fails too
        raise SettingsError(f"COCREA_FLOW_HOURS debe ser un número de horas mayor que 0 y hasta {MAX_FLOW_HOURS}; "
                            f"se recibió {value!r}.")
    return hours
