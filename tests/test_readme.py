"""What operators and users rely on is written down: every command of the bot, every CLI
command and every environment variable appears in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli import build_parser
from handlers import menu

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
BOT_COMMANDS = sorted({name for pairs in (menu.CITIZEN, menu.GROUP, menu.FACILITATOR, menu.ADMIN) for name, _ in pairs}
                      | {"start", "help", "fases", "fase"})


def _cli_commands() -> list[str]:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(subparsers.choices)


@pytest.mark.parametrize("command", BOT_COMMANDS)
def test_every_bot_command_is_in_the_readme(command):
    assert re.search(rf"/{command}\b", README), f"/{command} is not documented in README.md"


@pytest.mark.parametrize("command", _cli_commands())
def test_every_cli_command_is_in_the_readme(command):
    assert f"python -m bot {command}" in README, f"`python -m bot {command}` is not documented in README.md"


@pytest.mark.parametrize("variable", ["TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "COCREA_DB", "COCREA_ADMIN_IDS",
                                      "WEBHOOK_URL", "PORT", "WEBHOOK_SECRET", "COCREA_REMINDER_DAYS"])
def test_every_setting_is_in_the_readme(variable):
    assert f"`{variable}`" in README
