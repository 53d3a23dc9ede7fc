"""Building the shared pieces (engine over the store) for the CLI, the console and the bot."""

from __future__ import annotations

from bot.settings import Settings
from knowledge.engine import Engine


def build_engine(settings: Settings) -> Engine:
    return Engine.load()
