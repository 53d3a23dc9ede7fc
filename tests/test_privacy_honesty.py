"""Issue 10, privacy honesty: the README and /privacidad say the language Telegram reports is not
stored, so no table may keep it. These tests read what the documents say and what the schema
holds, and fail when the two disagree (a language column added, or the sentence dropped)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from bot.core.chats import Chats
from bot.store import Store
from bot.store.migrations import FIRST_SCHEMA, NAMES
from knowledge.reply import html_to_text

ROOT = Path(__file__).resolve().parents[1]
LANGUAGE = re.compile(r"lang|idioma|locale", re.IGNORECASE)
NOT_STORED = "el idioma que informa Telegram no se usa ni se guarda"


def _columns(store: Store) -> dict[str, list[str]]:
    tables = [row["name"] for row in store.db.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {table: list(store.db[table].columns_dict) for table in tables}


def _says_the_language_is_kept(text: str) -> bool:
    """A sentence that names the language and does not deny keeping it."""
    sentences = re.split(r"(?<=[.;:])\s+", text)
    return any("idioma" in s.lower() and not re.search(r"\bno\b[^.]*\bguard", s.lower()) for s in sentences)


def test_no_table_keeps_the_language_the_documents_say_is_not_stored(store):
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert NOT_STORED in readme
    kept = {table: [c for c in columns if LANGUAGE.search(c)] for table, columns in _columns(store).items()}
    assert {table: columns for table, columns in kept.items() if columns} == {}


def test_privacidad_does_not_claim_to_keep_a_language(engine):
    privacy = html_to_text(engine.kb.answers["privacy"].text)
    assert not _says_the_language_is_kept(privacy)
    kept = privacy.split("No guardo", 1)[0]  # what it says it keeps, before what it says it does not
    assert "idioma" not in kept.lower()


def test_a_chat_is_recorded_without_a_language(store):
    chats = Chats(store)
    assert chats.seen(7) is True
    record = store.chat(7)
    assert record is not None and record.active
    assert not any(LANGUAGE.search(field) for field in record.__dataclass_fields__)


def test_a_database_from_before_loses_the_language_it_kept(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for statement in FIRST_SCHEMA:
        conn.execute(statement)
    conn.execute("ALTER TABLE deliveries ADD COLUMN unsure INTEGER NOT NULL DEFAULT 0")
    conn.execute("INSERT INTO chats(id, language, active) VALUES (5, 'en', 1)")
    conn.execute("INSERT INTO subscriptions(chat_id, state) VALUES (5, 'oaxaca')")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    store = Store(path)
    try:
        assert "language" not in store.db["chats"].columns_dict
        assert store.chat(5) is not None and [s.state for s in store.subscriptions(5)] == ["oaxaca"]
        assert store.schema_version == len(NAMES)
    finally:
        store.close()
