"""Building the shared pieces once: the store, the engine over it, the permissions. The CLI,
the console and the Telegram application all use these."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings
from bot.store import Store
from knowledge.engine import Engine
from knowledge.loader import default_knowledge


@dataclass
class Services:
    settings: Settings
    store: Store
    engine: Engine


def open_store(settings: Settings) -> Store:
    return Store(settings.db_path)


def build_services(settings: Settings, store: Store | None = None) -> Services:
    store = store or open_store(settings)
    return Services(settings=settings, store=store, engine=Engine(default_knowledge(), live=store))


def build_engine(settings: Settings) -> Engine:
    return build_services(settings).engine
