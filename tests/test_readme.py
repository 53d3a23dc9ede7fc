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


def test_the_readme_command_table_is_the_command_table():
    """One command table (bot/core/commands.py): the README's «En Telegram» table names exactly its commands."""
    import re
    from pathlib import Path

    from bot.core.commands import COMMANDS

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = text.split("## En Telegram", 1)[1].split("\n## ", 1)[0]
    rows = [re.split(r"(?<!\\)\|", line)[1] for line in section.splitlines() if line.startswith("| `/")]
    named = {name for row in rows for name in re.findall(r"`/([a-z_]+)", row)}
    aliases = {alias for command in COMMANDS for alias in command.aliases}
    assert named - aliases == {command.name for command in COMMANDS}  # aliases (/privacy) may be shown too


def test_the_folders_the_architecture_section_names_exist():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    text = (root / "README.md").read_text(encoding="utf-8")
    section = text.split("## Cómo está hecho", 1)[1].split("\n## ", 1)[0]
    tree = section.split("```", 2)[1]
    named = set(re.findall(r"^\s*([a-z_]+(?:/[a-z_]+)*/)", tree, re.M))
    assert {"bot/", "knowledge/", "handlers/"} <= named or "store/" in named
    parents: list[str] = []
    for line in tree.splitlines():
        match = re.match(r"^(\s*)([a-z_]+/)", line)
        if not match:
            continue
        depth = len(match.group(1)) // 2
        parents[depth:] = [match.group(2)]
        assert (root / "".join(parents)).is_dir(), "".join(parents)
