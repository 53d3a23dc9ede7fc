"""Building the shared pieces once: the store, the engine over it, the permissions. The CLI,
the console and the Telegram application all use these."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from bot.core.chats import Chats
from bot.core.curation import Curation
from bot.core.permissions import Permissions
from bot.core.publishing import Publisher
from bot.store.checks import check_before_opening, remember
from bot.runtime.maps import MapCache
from bot.runtime.settings import Settings
from bot.store import Store
from knowledge.engine import Engine
from knowledge.loader import default_knowledge


@dataclass
class Services:
    """What the adapters use: the settings, the engine (answers) and the core over the store.
    Handlers use the core (chats, permissions, publisher), never the store itself."""
    settings: Settings
    store: Store
    engine: Engine

    @property
    def chats(self) -> Chats:
        return Chats(self.store)

    @property
    def permissions(self) -> Permissions:
        return Permissions(self.settings.admin_ids, self.store)

    @cached_property
    def curation(self) -> Curation:
        """One per process: it holds the offers to send a question to the team in memory."""
        return Curation(self.store, self.engine)

    @property
    def publisher(self) -> Publisher:
        return Publisher(self.store, self.engine.kb)

    @cached_property
    def maps(self) -> MapCache:
        """The map pictures (/mapa), drawn once per data version and kept with their file_id."""
        return MapCache.default(self.engine.kb, self.store)


def open_store(settings: Settings, thorough: bool = True) -> Store:
    """The store, after checking the file is a sound database (bot/store/checks.py; thorough: with
    PRAGMA quick_check, for the bot and for whatever writes)."""
    check_before_opening(settings.db_path, allow_empty=settings.fresh_database, thorough=thorough)
    store = Store(settings.db_path)
    remember(settings.db_path)
    return store


def build_services(settings: Settings, store: Store | None = None, thorough: bool = True) -> Services:
    store = store or open_store(settings, thorough)
    return Services(settings=settings, store=store, engine=Engine(default_knowledge(), live=store))


def build_engine(settings: Settings) -> Engine:
    """For reading only (ask, the console): the quick checks, without reading every page."""
    return build_services(settings, thorough=False).engine
