"""The layers, as folder rules over the imports (read from the source, nothing is run).

    knowledge/      facts, understanding, answers: imports nothing of ours, nor telegram
    bot/store/      all SQL: imports knowledge (and bot/errors.py) only
    bot/core/       every write and rule without Telegram: imports knowledge and bot/store
    bot/runtime/    settings, services, dispatcher, jobs: imports knowledge, store and core
    handlers/       Telegram adapters: import knowledge, bot/core and bot/runtime, never the store
    bot/app.py, bot/cli*.py, bot/console.py   entry points; only app.py imports handlers
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENTRY_POINTS = ("bot.app", "bot.cli", "bot.cli_publishing", "bot.cli_convocatorias", "bot.cli_curation", "bot.console",
                "bot.__main__")

# module prefix -> prefixes it must never import (checked on the dotted names of every import)
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "knowledge": ("bot", "handlers", "tests", "telegram"),
    "bot.errors": ("bot.", "knowledge", "handlers", "tests", "telegram"),
    "bot.store": ("bot.core", "bot.runtime", "handlers", "tests", "telegram", *ENTRY_POINTS),
    "bot.core": ("bot.runtime", "handlers", "tests", "telegram", *ENTRY_POINTS),
    "bot.runtime": ("handlers", "tests", *ENTRY_POINTS),
    "handlers": ("bot.store", "tests", *ENTRY_POINTS),
    "bot.console": ("handlers", "telegram", "tests"),
    "bot.cli": ("handlers", "tests"),
    "bot.cli_publishing": ("handlers", "tests", "telegram"),
    "bot.cli_convocatorias": ("handlers", "tests", "telegram"),
    "bot.cli_curation": ("handlers", "tests", "telegram"),
    "bot.app": ("tests",),
}
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA\s|CREATE\s+(TABLE|INDEX))\b",
                 re.S)


def _modules():
    for folder in ("knowledge", "bot", "handlers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


@lru_cache(maxsize=None)
def _tree(path: Path) -> ast.Module:
    """Each module parsed once for all the rules (read only)."""
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(module: str, path: Path) -> set[str]:
    names = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}  # from bot import app
    return names


def _rule(module: str) -> tuple[str, ...]:
    owner = max((prefix for prefix in FORBIDDEN if module == prefix or module.startswith(prefix + ".")),
                key=len, default=None)
    return FORBIDDEN[owner] if owner else ()


def _breaks(name: str, forbidden: str) -> bool:
    return name.startswith(forbidden) if forbidden.endswith(".") else name == forbidden or name.startswith(forbidden + ".")


MODULES = list(_modules())


@pytest.mark.parametrize("module, path", MODULES, ids=[m for m, _ in MODULES])
def test_each_layer_imports_only_what_lies_below_it(module, path):
    forbidden = _rule(module)
    assert forbidden or module in ("bot", "bot.__main__"), f"{module}: which layer is it? (add it to FORBIDDEN)"
    wrong = sorted(name for name in _imports(module, path) for rule in forbidden if _breaks(name, rule))
    assert not wrong, f"{module} must not import {wrong}"


def test_only_the_composition_root_imports_the_handlers():
    importers = {module for module, path in MODULES
                 if not module.startswith("handlers") and any(_breaks(n, "handlers") for n in _imports(module, path))}
    assert importers == {"bot.app"}


def test_sql_lives_in_the_store_only():
    for module, path in MODULES:
        if module.startswith("bot.store"):
            continue
        tree = _tree(path)
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                assert not SQL.search(node.value), f"SQL in {module}: {node.value[:60]!r}"


def test_handlers_reach_the_store_only_through_the_core():
    """Not by import, and not through the services either (services.store)."""
    for module, path in MODULES:
        if module.startswith("handlers"):
            tree = _tree(path)
            assert not [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "store"], module


def test_one_module_opens_the_database():
    """Every connection is made in bot/store/connection.py (plus the file checks and the
    backup, which open the file read-only before or beside it)."""
    openers = {module for module, path in MODULES if "sqlite3.connect(" in path.read_text(encoding="utf-8")}
    assert openers <= {"bot.store.connection", "bot.store.checks", "bot.store.backup"}
