"""The SQLite store (sqlite-utils): chats, subscriptions, roles, published documents and
convocatorias, and the notification outbox. The database is the integration point: the CLI and
the running bot share it, and a crash loses nothing that was committed.

Schema changes are migrations, each run once in its own transaction (PRAGMA user_version)."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import sqlite_utils

from bot.settings import SettingsError
from knowledge.live import ConvocatoriaInfo, DocumentInfo

log = logging.getLogger("cocreabot.store")

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE chats (
        id INTEGER PRIMARY KEY,
        language TEXT NOT NULL DEFAULT 'es',
        active INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE subscriptions (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        state TEXT NOT NULL,
        documents INTEGER NOT NULL DEFAULT 1,
        convocatorias INTEGER NOT NULL DEFAULT 1,
        reminders INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (chat_id, state)
    );
    CREATE INDEX subscriptions_by_state ON subscriptions(state);
    CREATE TABLE facilitators (
        user_id INTEGER NOT NULL,
        state TEXT NOT NULL,
        granted_by INTEGER,
        granted_at TEXT NOT NULL,
        PRIMARY KEY (user_id, state)
    );
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        state TEXT NOT NULL,
        step INTEGER,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        url TEXT,
        file_id TEXT,
        file_unique_id TEXT,
        file_name TEXT,
        published_on TEXT NOT NULL,
        published_by TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX documents_unique_url ON documents(state, url) WHERE url IS NOT NULL;
    CREATE UNIQUE INDEX documents_unique_file ON documents(state, file_unique_id) WHERE file_unique_id IS NOT NULL;
    CREATE INDEX documents_by_state ON documents(state, published_on);
    CREATE TABLE convocatorias (
        id INTEGER PRIMARY KEY,
        state TEXT NOT NULL,
        step INTEGER,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        opens_at TEXT NOT NULL,
        closes_at TEXT NOT NULL,
        url TEXT,
        how_to_apply TEXT,
        contact TEXT,
        published_by TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open',
        reminder_sent INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX convocatorias_by_state ON convocatorias(state, status, closes_at);
    CREATE TABLE notices (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        ref_id INTEGER,
        state TEXT NOT NULL,
        html TEXT NOT NULL,
        file_id TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        notice_id INTEGER NOT NULL REFERENCES notices(id),
        chat_id INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        not_before REAL NOT NULL DEFAULT 0,
        sent_at TEXT,
        message_id INTEGER,
        last_error TEXT,
        UNIQUE (notice_id, chat_id)
    );
    CREATE INDEX deliveries_pending ON deliveries(status, not_before, id);
    CREATE INDEX deliveries_by_chat ON deliveries(chat_id, status);
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 2: sends of a delivery whose outcome is unknown (claimed before sending, then no answer:
    # a timeout, a crash, a record that could not be written). See Store.claim.
    """
    ALTER TABLE deliveries ADD COLUMN unsure INTEGER NOT NULL DEFAULT 0;
    """,
)

# How many sends of one delivery may end without Telegram's answer (a timeout, a crash between
# the claim and the record) before it is not sent again: each person gets a notice at most twice.
UNSURE_SENDS_LIMIT = 2

DOCUMENT_KINDS = {
    "declaratoria": "Declaratoria",
    "convocatoria": "Convocatoria",
    "acta": "Acta",
    "consulta": "Consulta o encuesta",
    "arbol": "Árbol de problemas y soluciones",
    "plan": "Plan de Acción Local",
    "informe": "Informe",
    "web": "Página web",
    "otro": "Otro documento",
}


class StorageError(SettingsError):
    """The database cannot be written (the disk is full, or it fails): nothing of the operation
    was saved. Worded for the operator, in one line (the CLI prints it and exits with 2)."""


class DuplicateDocument(Exception):
    """The state already has a document with this link or this file."""

    def __init__(self, existing: DocumentInfo):
        super().__init__(existing.title)
        self.existing = existing


@dataclass(frozen=True)
class Delivery:
    id: int
    chat_id: int
    notice_id: int
    html: str
    file_id: str | None
    attempts: int
    state: str
    unsure: int = 0  # sends without an answer so far (they may have arrived)


@dataclass(frozen=True)
class ConvocatoriaRecord:
    """A convocatoria as stored: what answers show (info) plus its life cycle."""
    info: ConvocatoriaInfo
    status: str  # open, closed, cancelled
    published_by: str
    reminder_sent: bool
    announced_at: datetime  # when subscribers were last told about it (creation or a correction)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)


class Store:
    """All reads and writes of the database. Thread-safe: one connection behind a lock, so the
    bot can run a large fan-out in a worker thread while its handlers keep answering."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        connection = _connect(self.path)
        try:
            connection.execute("PRAGMA busy_timeout = 30000")
            if self.path != ":memory:":
                connection.execute("PRAGMA journal_mode = WAL")  # its -shm file needs a little room
                # Every commit reaches the disk before it returns: a publication reported as queued,
                # and a delivery claimed before its send, survive a power loss (README,
                # «Notificaciones»; the cost is measured by benchmarks/fanout.py).
                connection.execute("PRAGMA synchronous = FULL")
        except sqlite3.OperationalError as error:
            connection.close()
            if is_storage_failure(error):
                raise StorageError(_storage_message(self.path, error)) from error
            raise
        self.db = sqlite_utils.Database(connection)
        self._lock = threading.RLock()
        self._fan_out_seen: dict[str, str] = {}  # unfinished fan-outs at the last look (finish_abandoned_fan_outs)
        self._migrate()

    @classmethod
    def memory(cls) -> "Store":
        return cls(":memory:")

    def close(self) -> None:
        with self._lock:
            self.db.conn.close()

    # -- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error. A full or failing disk is a
        StorageError, and the connection is left usable: once there is space again, the next
        transaction works (SQLite may have rolled this one back already)."""
        with self._lock:
            conn = self.db.conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as error:
                if is_storage_failure(error):
                    raise StorageError(_storage_message(self.path, error)) from error
                raise

    def _query(self, sql: str, params=()) -> list[dict]:
        with self._lock:
            return list(self.db.query(sql, params))

    def _migrate(self) -> None:
        with self._lock:
            version = self.db.conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                with self.transaction() as conn:
                    for statement in filter(str.strip, script.split(";")):
                        conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {number}")

    @property
    def schema_version(self) -> int:
        return self.db.conn.execute("PRAGMA user_version").fetchone()[0]

    # -- settings (small persisted values, such as a flood wait) ----------------------------

    def get_setting(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM settings WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    def set_setting(self, key: str, value: str | None) -> None:
        with self.transaction() as conn:
            if value is None:
                conn.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) "
                             "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    # -- chats ------------------------------------------------------------------------------

    def ensure_chat(self, chat_id: int, language: str | None = None) -> None:
        """Record a chat that talks to the bot (active again if it had blocked us)."""
        language = (language or "")[:8] or None
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO chats(id, language, active) VALUES (?, COALESCE(?, 'es'), 1) "
                "ON CONFLICT(id) DO UPDATE SET active = 1, language = COALESCE(?, language)",
                (chat_id, language, language),
            )

    def chat(self, chat_id: int) -> dict | None:
        rows = self._query("SELECT id, language, active FROM chats WHERE id = ?", (chat_id,))
        return rows[0] if rows else None

    def set_chat_active(self, chat_id: int, active: bool) -> int:
        """Mark a chat (in)active; an inactive chat's pending deliveries are dropped. Returns how many."""
        with self.transaction() as conn:
            conn.execute("UPDATE chats SET active = ? WHERE id = ?", (int(active), chat_id))
            if active:
                return 0
            return conn.execute(
                "UPDATE deliveries SET status = 'dropped', last_error = 'chat inactive' "
                "WHERE chat_id = ? AND status = 'pending'", (chat_id,)
            ).rowcount

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its subscriptions and pending deliveries follow it."""
        with self.transaction() as conn:
            exists = conn.execute("SELECT 1 FROM chats WHERE id = ?", (new_id,)).fetchone()
            if exists:
                conn.execute("INSERT OR IGNORE INTO subscriptions(chat_id, state, documents, convocatorias, reminders) "
                             "SELECT ?, state, documents, convocatorias, reminders FROM subscriptions WHERE chat_id = ?",
                             (new_id, old_id))
                conn.execute("DELETE FROM chats WHERE id = ?", (old_id,))
            else:
                conn.execute("UPDATE chats SET id = ? WHERE id = ?", (new_id, old_id))
            conn.execute("UPDATE OR IGNORE deliveries SET chat_id = ? WHERE chat_id = ? AND status = 'pending'",
                         (new_id, old_id))
            conn.execute("UPDATE deliveries SET status = 'dropped', last_error = 'chat migrated' "
                         "WHERE chat_id = ? AND status = 'pending'", (old_id,))  # the new id has them already

    def chat_data(self, chat_id: int) -> dict:
        """Everything the bot keeps about a chat (for /mis_datos)."""
        chat = self.chat(chat_id)
        return {"chat": chat, "subscriptions": self.subscriptions(chat_id) if chat else []}

    def public_record(self, user_id: int) -> dict:
        """What stays about a person after /borrar_mis_datos, as the public record of who may
        publish and who published what: the states they facilitate (granted and removed by an
        administrator) and how many documents and convocatorias carry their Telegram id as author."""
        author = f"telegram:{user_id}"
        count = "SELECT count(*) AS n FROM {} WHERE published_by = ?"
        return {"facilitates": self.facilitator_states(user_id),
                "documents": self._query(count.format("documents"), (author,))[0]["n"],
                "convocatorias": self._query(count.format("convocatorias"), (author,))[0]["n"]}

    def delete_chat_data(self, chat_id: int) -> bool:
        """Forget the chat: its row, its subscriptions and every delivery to it (sent ones too)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM deliveries WHERE chat_id = ?", (chat_id,))
            conn.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            return conn.execute("DELETE FROM chats WHERE id = ?", (chat_id,)).rowcount > 0

    # -- subscriptions ----------------------------------------------------------------------

    def subscribe(self, chat_id: int, state: str, documents: bool = True, convocatorias: bool = True,
                  language: str | None = None) -> bool:
        """Follow a state; True when it is new. Subscribing again keeps it (and re-enables both kinds)."""
        self.ensure_chat(chat_id, language)
        with self.transaction() as conn:
            existed = conn.execute("SELECT 1 FROM subscriptions WHERE chat_id = ? AND state = ?",
                                   (chat_id, state)).fetchone()
            conn.execute(
                "INSERT INTO subscriptions(chat_id, state, documents, convocatorias) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(chat_id, state) DO UPDATE SET documents = excluded.documents, "
                "convocatorias = excluded.convocatorias",
                (chat_id, state, int(documents), int(convocatorias)),
            )
            return existed is None

    def set_subscription_options(self, chat_id: int, state: str, **options: bool) -> bool:
        allowed = {"documents", "convocatorias", "reminders"}
        fields = {k: int(v) for k, v in options.items() if k in allowed}
        if not fields:
            return False
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.transaction() as conn:
            return conn.execute(f"UPDATE subscriptions SET {assignments} WHERE chat_id = ? AND state = ?",
                                (*fields.values(), chat_id, state)).rowcount > 0

    def unsubscribe(self, chat_id: int, state: str | None = None) -> int:
        """Stop following one state, or all (state None). Pending notices for them are dropped."""
        with self.transaction() as conn:
            if state is None:
                removed = conn.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,)).rowcount
                conn.execute("UPDATE deliveries SET status = 'dropped', last_error = 'unsubscribed' "
                             "WHERE chat_id = ? AND status = 'pending'", (chat_id,))
                return removed
            removed = conn.execute("DELETE FROM subscriptions WHERE chat_id = ? AND state = ?",
                                   (chat_id, state)).rowcount
            conn.execute("UPDATE deliveries SET status = 'dropped', last_error = 'unsubscribed' "
                         "WHERE chat_id = ? AND status = 'pending' "
                         "AND notice_id IN (SELECT id FROM notices WHERE state = ?)", (chat_id, state))
            return removed

    def subscriptions(self, chat_id: int) -> list[dict]:
        return self._query("SELECT state, documents, convocatorias, reminders FROM subscriptions "
                           "WHERE chat_id = ? ORDER BY state", (chat_id,))

    def subscriber_count(self, state: str, audience: str | None = None) -> int:
        """Active chats following the state; with an audience ("documents", "convocatorias"),
        only those who want that kind, as fan_out counts them."""
        assert audience in (None, "documents", "convocatorias")
        wanted = f" AND s.{audience} = 1" if audience else ""
        return self._query("SELECT count(*) AS n FROM subscriptions s JOIN chats c ON c.id = s.chat_id "
                           f"WHERE s.state = ? AND c.active = 1{wanted}", (state,))[0]["n"]

    # -- roles ------------------------------------------------------------------------------

    def grant_facilitator(self, user_id: int, state: str, granted_by: int | None) -> bool:
        with self.transaction() as conn:
            return conn.execute(
                "INSERT OR IGNORE INTO facilitators(user_id, state, granted_by, granted_at) VALUES (?, ?, ?, ?)",
                (user_id, state, granted_by, _iso(utc_now())),
            ).rowcount > 0

    def revoke_facilitator(self, user_id: int, state: str | None = None) -> int:
        with self.transaction() as conn:
            if state is None:
                return conn.execute("DELETE FROM facilitators WHERE user_id = ?", (user_id,)).rowcount
            return conn.execute("DELETE FROM facilitators WHERE user_id = ? AND state = ?", (user_id, state)).rowcount

    def facilitator_states(self, user_id: int) -> list[str]:
        return [r["state"] for r in self._query("SELECT state FROM facilitators WHERE user_id = ? ORDER BY state", (user_id,))]

    def facilitators(self) -> list[dict]:
        return self._query("SELECT user_id, state, granted_by, granted_at FROM facilitators ORDER BY state, user_id")

    # -- documents (also the LiveData read interface) ---------------------------------------

    def find_duplicate_document(self, state: str, url: str | None, file_unique_id: str | None) -> DocumentInfo | None:
        rows = self._query(
            "SELECT * FROM documents WHERE state = ? AND ((url IS NOT NULL AND url = ?) "
            "OR (file_unique_id IS NOT NULL AND file_unique_id = ?)) LIMIT 1",
            (state, url, file_unique_id),
        )
        return _document(rows[0]) if rows else None

    def add_document(self, *, state: str, step: int | None, kind: str, title: str, url: str | None,
                     file_id: str | None, file_unique_id: str | None, file_name: str | None,
                     published_on: date, published_by: str, notice_html: str) -> tuple[DocumentInfo, int]:
        """Write the document and its notice in one transaction, then one delivery per
        subscriber (see fan_out). Returns the document and how many deliveries were queued.
        Raises DuplicateDocument."""
        with self.transaction() as conn:
            duplicate = self.find_duplicate_document(state, url, file_unique_id)
            if duplicate:
                raise DuplicateDocument(duplicate)
            cursor = conn.execute(
                "INSERT INTO documents(state, step, kind, title, url, file_id, file_unique_id, file_name, "
                "published_on, published_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (state, step, kind, title, url, file_id, file_unique_id, file_name, published_on.isoformat(),
                 published_by, _iso(utc_now())),
            )
            document_id = cursor.lastrowid
            started = self.fan_out(conn, "document", document_id, state, notice_html, file_id, "documents")
        return self.document(document_id), self.finish_fan_out(started)

    # -- fan-out: one delivery per subscriber, in chunks ------------------------------------
    #
    # A million deliveries in one transaction hold the database (and this Store's lock) for
    # seconds, and the bot's event loop, which reads and writes the store between two sends,
    # would stand still meanwhile. So a fan-out writes FAN_OUT_CHUNK deliveries per transaction,
    # walking the state's subscriptions in rowid order, and lets the loop in between. What is
    # left is written down (a settings row, FAN_OUT_KEY + the notice id) in the transaction that
    # starts it, so a crash midway loses nothing: the running bot finishes it
    # (finish_abandoned_fan_outs). Chunks are idempotent (INSERT OR IGNORE on (notice, chat)).

    def fan_out(self, conn: sqlite3.Connection, kind: str, ref_id: int, state: str, html: str,
                file_id: str | None, audience: str) -> "FanOut":
        """Inside the caller's transaction: the notice, the first chunk of its deliveries (one
        per active subscriber who wants this kind) and, if more remain, the note of what is
        left. Call finish_fan_out(result) after the commit for the rest and the total."""
        assert audience in FAN_OUT_AUDIENCES
        notice_id = conn.execute(
            "INSERT INTO notices(kind, ref_id, state, html, file_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (kind, ref_id, state, html, file_id, _iso(utc_now())),
        ).lastrowid
        queued, after = _fan_out_chunk(conn, notice_id, state, audience, 0)
        if after is not None:
            conn.execute("INSERT INTO settings(key, value) VALUES (?, ?)",
                         (f"{FAN_OUT_KEY}{notice_id}", f"{audience} {after}"))
        return FanOut(notice_id, queued, after is None)

    def finish_fan_out(self, started: "FanOut") -> int:
        """Write the rest of a fan-out, one chunk per transaction, letting other threads (the
        bot's event loop) use the store between two chunks. Returns how many deliveries it
        queued in all. Safe to run while another process finishes the same fan-out."""
        queued, more = started.queued, not started.done
        try:
            while more:
                count, more = self._next_fan_out_chunk(started.notice_id)
                queued += count
        except StorageError as error:  # the publication is saved; its note stays for the bot
            log.warning("notice %s: %d deliveries queued; the running bot will queue the rest once the "
                        "database can be written (%s)", started.notice_id, queued, error)
        return queued

    def finish_abandoned_fan_outs(self) -> int:
        """Finish the fan-outs nobody is writing: those whose note did not move since the last
        call (a process that died midway). The running bot calls it every FAN_OUT_CHECK
        seconds; returns how many deliveries it queued."""
        notes = dict(self._fan_out_notes())
        queued = 0
        for key, value in notes.items():
            if self._fan_out_seen.get(key) == value:
                notice_id = int(key.removeprefix(FAN_OUT_KEY))
                log.warning("finishing the fan-out of notice %s, left unfinished", notice_id)
                more = True
                while more:
                    count, more = self._next_fan_out_chunk(notice_id)
                    queued += count
        self._fan_out_seen = notes
        return queued

    def _fan_out_notes(self) -> list[tuple[str, str]]:
        rows = self._query("SELECT key, value FROM settings WHERE key LIKE ?", (f"{FAN_OUT_KEY}%",))
        return [(row["key"], row["value"]) for row in rows]

    def _next_fan_out_chunk(self, notice_id: int) -> tuple[int, bool]:
        """One more chunk of an unfinished fan-out, in its own transaction: how many deliveries
        it queued, and whether more remain."""
        key = f"{FAN_OUT_KEY}{notice_id}"
        time.sleep(FAN_OUT_PAUSE)  # the lock is free now: let a waiting thread have it first
        with self.transaction() as conn:
            note = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
            notice = conn.execute("SELECT state FROM notices WHERE id = ?", (notice_id,)).fetchone()
            if note is None or notice is None:  # finished (here or by another process), or gone
                conn.execute("DELETE FROM settings WHERE key = ?", (key,))
                return 0, False
            audience, after = note[0].split()
            count, after = _fan_out_chunk(conn, notice_id, notice[0], audience, int(after))
            if after is None:
                conn.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                conn.execute("UPDATE settings SET value = ? WHERE key = ?", (f"{audience} {after}", key))
            return count, after is not None

    def document(self, document_id: int) -> DocumentInfo:
        return _document(self._query("SELECT * FROM documents WHERE id = ?", (document_id,))[0])

    def documents(self, state: str | None, limit: int = 5) -> list[DocumentInfo]:
        where, params = ("WHERE state = ?", (state,)) if state else ("", ())
        rows = self._query(f"SELECT * FROM documents {where} ORDER BY published_on DESC, id DESC LIMIT ?", (*params, limit))
        return [_document(r) for r in rows]

    def progress(self, state: str) -> int | None:
        rows = self._query("SELECT max(step) AS step FROM documents WHERE state = ?", (state,))
        return rows[0]["step"]

    # -- convocatorias (read side; writes live in bot/convocatorias.py) ---------------------

    def open_convocatorias(self, state: str | None, now: datetime) -> list[ConvocatoriaInfo]:
        where = "status = 'open' AND opens_at <= ? AND closes_at > ?"
        params: tuple = (_iso(now), _iso(now))
        if state:
            where += " AND state = ?"
            params += (state,)
        rows = self._query(f"SELECT * FROM convocatorias WHERE {where} ORDER BY closes_at, id", params)
        return [_convocatoria(r) for r in rows]

    # -- outbox -----------------------------------------------------------------------------

    def due_deliveries(self, now: float, limit: int, exclude: set[int] = frozenset()) -> list[Delivery]:
        """Pending deliveries whose time has come, oldest first, skipping ids in flight."""
        rows = self._query(
            "SELECT d.id, d.chat_id, d.notice_id, d.attempts, d.unsure, n.html, n.file_id, n.state FROM deliveries d "
            "JOIN notices n ON n.id = d.notice_id WHERE d.status = 'pending' AND d.not_before <= ? "
            "ORDER BY d.not_before, d.id LIMIT ?",
            (now, limit + len(exclude)),
        )
        deliveries = [Delivery(r["id"], r["chat_id"], r["notice_id"], r["html"], r["file_id"], r["attempts"], r["state"],
                               r["unsure"]) for r in rows if r["id"] not in exclude]
        return deliveries[:limit]

    def is_pending(self, delivery_id: int) -> bool:
        rows = self._query("SELECT 1 FROM deliveries WHERE id = ? AND status = 'pending'", (delivery_id,))
        return bool(rows)

    def claim(self, delivery_id: int) -> str:
        """Write down, before sending, that a send of this delivery begins (one more unsure send,
        until its outcome is recorded). Returns "claimed" (send it now), "settled" (no longer
        pending: sent, dropped or erased meanwhile) or "unconfirmed": UNSURE_SENDS_LIMIT sends
        already went without an answer, so it may well have arrived; it is settled as
        'unconfirmed' and never sent again. Raises StorageError when the claim cannot be
        written: then nothing may be sent."""
        with self.transaction() as conn:
            row = conn.execute("SELECT status, unsure FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
            if row is None or row[0] != "pending":
                return "settled"
            if row[1] >= UNSURE_SENDS_LIMIT:
                conn.execute("UPDATE deliveries SET status = 'unconfirmed', last_error = ? WHERE id = ?",
                             (f"{row[1]} sends without an answer; it may have arrived", delivery_id))
                return "unconfirmed"
            conn.execute("UPDATE deliveries SET unsure = unsure + 1 WHERE id = ?", (delivery_id,))
            return "claimed"

    def mark_sent(self, delivery_id: int, message_id: int | None) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE deliveries SET status = 'sent', sent_at = ?, message_id = ?, attempts = attempts + 1 "
                         "WHERE id = ?", (_iso(utc_now()), message_id, delivery_id))

    def mark_retry(self, delivery_id: int, not_before: float, error: str, count_attempt: bool = True,
                   maybe_delivered: bool = False) -> None:
        """A claimed send did not deliver it: try again from `not_before`. The claim is released
        (Telegram refused it), unless `maybe_delivered` (no answer came: a timeout)."""
        with self.transaction() as conn:
            conn.execute("UPDATE deliveries SET not_before = ?, last_error = ?, attempts = attempts + ?, "
                         "unsure = max(0, unsure - ?) WHERE id = ?",
                         (not_before, error[:300], int(count_attempt), int(not maybe_delivered), delivery_id))

    def postpone(self, delivery_id: int, not_before: float, reason: str) -> None:
        """Not now (no send was tried): look at it again from `not_before`."""
        with self.transaction() as conn:
            conn.execute("UPDATE deliveries SET not_before = ?, last_error = ? WHERE id = ?",
                         (not_before, reason[:300], delivery_id))

    def mark_failed(self, delivery_id: int, error: str, maybe_delivered: bool = False) -> None:
        """Given up. 'unconfirmed' instead of 'failed' when a send got no answer: it may have arrived."""
        status = "unconfirmed" if maybe_delivered else "failed"
        with self.transaction() as conn:
            conn.execute("UPDATE deliveries SET status = ?, last_error = ?, attempts = attempts + 1 WHERE id = ?",
                         (status, error[:300], delivery_id))

    def fail_notice(self, notice_id: int, error: str) -> int:
        """Mark every pending delivery of a notice failed (Telegram cannot take its text)."""
        with self.transaction() as conn:
            return conn.execute("UPDATE deliveries SET status = 'failed', last_error = ?, attempts = attempts + 1 "
                                "WHERE notice_id = ? AND status = 'pending'", (error[:300], notice_id)).rowcount

    def redirect_delivery(self, delivery_id: int, new_chat_id: int) -> None:
        """Send this delivery to the chat's new id; if that chat already has the same notice,
        this copy is dropped (otherwise it would go to the old id again and again)."""
        with self.transaction() as conn:
            conn.execute("UPDATE OR IGNORE deliveries SET chat_id = ?, unsure = max(0, unsure - 1) WHERE id = ?",
                         (new_chat_id, delivery_id))
            conn.execute("UPDATE deliveries SET status = 'dropped', last_error = 'chat migrated' "
                         "WHERE id = ? AND chat_id != ? AND status = 'pending'", (delivery_id, new_chat_id))

    def prune_outbox(self, older_than: datetime) -> int:
        """Forget settled deliveries (sent, dropped, failed) of notices older than a date, and
        the notices nobody waits for any more. Pending ones are never touched. Returns how many
        deliveries were removed."""
        cutoff = _iso(older_than)
        with self.transaction() as conn:
            removed = conn.execute(
                "DELETE FROM deliveries WHERE status != 'pending' AND notice_id IN "
                "(SELECT id FROM notices WHERE created_at < ?)", (cutoff,)).rowcount
            conn.execute("DELETE FROM notices WHERE created_at < ? AND NOT EXISTS "
                         "(SELECT 1 FROM deliveries d WHERE d.notice_id = notices.id)", (cutoff,))
        return removed

    def outbox_counts(self) -> dict[str, int]:
        rows = self._query("SELECT status, count(*) AS n FROM deliveries GROUP BY status")
        return {r["status"]: r["n"] for r in rows}

    def cap_waits(self, latest: float) -> int:
        """No pending delivery waits beyond `latest` (a wait written while the clock was ahead
        must not outlast the longest one ever asked). Returns how many were brought forward."""
        with self.transaction() as conn:
            return conn.execute("UPDATE deliveries SET not_before = ? WHERE status = 'pending' AND not_before > ?",
                                (latest, latest)).rowcount

    def next_due_time(self) -> float | None:
        rows = self._query("SELECT min(not_before) AS t FROM deliveries WHERE status = 'pending'")
        return rows[0]["t"]

    # -- convocatorias (writes; the rules live in bot/convocatorias.py) ----------------------

    def insert_convocatoria(self, conn: sqlite3.Connection, fields: dict) -> int:
        """Insert one convocatoria inside the caller's transaction (datetimes are stored as UTC
        ISO text); returns its id."""
        names = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        values = tuple(map(_sql_value, fields.values()))
        return conn.execute(f"INSERT INTO convocatorias({names}) VALUES ({marks})", values).lastrowid

    def update_convocatoria(self, conn: sqlite3.Connection, convocatoria_id: int, fields: dict,
                            only_if: str = "1") -> bool:
        """Update one convocatoria inside the caller's transaction, when `only_if` (SQL over its
        columns) still holds; True when it did."""
        assignments = ", ".join(f"{name} = ?" for name in fields)
        return conn.execute(f"UPDATE convocatorias SET {assignments} WHERE id = ? AND ({only_if})",
                            (*map(_sql_value, fields.values()), convocatoria_id)).rowcount > 0

    def convocatoria(self, convocatoria_id: int) -> ConvocatoriaRecord | None:
        rows = self._query("SELECT * FROM convocatorias WHERE id = ?", (convocatoria_id,))
        return _convocatoria_record(rows[0]) if rows else None

    def current_convocatorias(self, states: list[str] | None, now: datetime, limit: int = 30) -> list[ConvocatoriaRecord]:
        """Open or not yet open (status open, closing still ahead), of some states or of all
        (None), soonest to close first."""
        where, params = "status = 'open' AND closes_at > ?", [_iso(now)]
        if states is not None:
            where += f" AND state IN ({', '.join('?' for _ in states)})"
            params += states
        rows = self._query(f"SELECT * FROM convocatorias WHERE {where} ORDER BY closes_at, id LIMIT ?", (*params, limit))
        return [_convocatoria_record(r) for r in rows]

    def convocatorias_due_reminder(self, now: datetime, ahead: timedelta) -> list[ConvocatoriaRecord]:
        """Open now, closing within `ahead`, no reminder sent, and nobody told about them
        (announcement or correction) since the reminder window opened."""
        rows = self._query(
            "SELECT * FROM convocatorias WHERE status = 'open' AND reminder_sent = 0 AND opens_at <= ? "
            "AND closes_at > ? ORDER BY closes_at, id", (_iso(now), _iso(now)))
        return [record for record in map(_convocatoria_record, rows)
                if record.info.closes_at - ahead <= now and record.announced_at < record.info.closes_at - ahead]

    def close_past_convocatorias(self, now: datetime) -> list[int]:
        """Status closed for every open convocatoria whose closing time has come; their ids."""
        with self.transaction() as conn:
            ids = [row[0] for row in conn.execute(
                "SELECT id FROM convocatorias WHERE status = 'open' AND closes_at <= ? ORDER BY id", (_iso(now),))]
            conn.execute("UPDATE convocatorias SET status = 'closed', updated_at = ? "
                         "WHERE status = 'open' AND closes_at <= ?", (_iso(now), _iso(now)))
        return ids

    def convocatoria_audience(self, state: str, reminders: bool = False) -> int:
        """How many active chats would get a convocatoria notice (or a reminder) of this state."""
        condition = "s.convocatorias = 1" + (" AND s.reminders = 1" if reminders else "")
        return self._query("SELECT count(*) AS n FROM subscriptions s JOIN chats c ON c.id = s.chat_id "
                           f"WHERE s.state = ? AND c.active = 1 AND {condition}", (state,))[0]["n"]


def is_storage_failure(error: sqlite3.Error) -> bool:
    """The disk is full or fails (not the database's fault: a damaged file is SQLITE_CORRUPT)."""
    name = getattr(error, "sqlite_errorname", "") or ""
    text = str(error).lower()
    return name == "SQLITE_FULL" or name.startswith("SQLITE_IOERR") or "disk is full" in text or "disk i/o error" in text


def _storage_message(path: str, error: sqlite3.Error) -> str:
    full = getattr(error, "sqlite_errorname", "") == "SQLITE_FULL" or "full" in str(error).lower() or _no_room(path)
    why = "el disco está lleno" if full else "el disco no deja escribir (¿está lleno?)"
    return (f"No pude escribir en la base de datos {path}: {why} ({error}). No se guardó nada; libera espacio "
            "(o revisa el disco) y repite.")


def _no_room(path: str) -> bool:
    """The database's disk has (almost) no room left: SQLite then says «disk I/O error» when it
    cannot even create the small -shm file of a WAL database."""
    try:
        stats = os.statvfs(os.path.dirname(os.path.abspath(path)))
    except (OSError, AttributeError):
        return False
    return stats.f_bavail * stats.f_frsize < 256 * 1024


def _connect(path: str) -> sqlite3.Connection:
    try:
        if path != ":memory:":
            _create_private(path)
        connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        connection.execute("PRAGMA foreign_keys = ON")
    except (sqlite3.OperationalError, OSError):
        raise SettingsError(f"No puedo abrir la base de datos {path}: revisa COCREA_DB; su carpeta debe existir "
                            "y poder escribirse.") from None
    return connection


def _create_private(path: str) -> None:
    """A new database file is readable by its owner only (0600): it holds who follows what and
    who publishes. SQLite gives its -wal and -shm files the database's mode. An existing file
    keeps the mode its operator gave it."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


FAN_OUT_CHUNK = 2000  # deliveries per transaction: a few milliseconds each (benchmarks/enqueue_stall.py)
FAN_OUT_PAUSE = 0.001  # seconds between two chunks
FAN_OUT_KEY = "fan_out:"  # + notice id: what is left of an unfinished fan-out ("audience rowid")
FAN_OUT_CHECK = 30  # seconds between the running bot's looks for abandoned fan-outs
FAN_OUT_AUDIENCES = {
    "documents": "s.documents = 1",
    "convocatorias": "s.convocatorias = 1",
    "reminders": "s.convocatorias = 1 AND s.reminders = 1",
}


@dataclass(frozen=True)
class FanOut:
    """A fan-out started in a transaction: its notice, the deliveries queued so far, and
    whether that was all."""
    notice_id: int
    queued: int
    done: bool


def _fan_out_chunk(conn: sqlite3.Connection, notice_id: int, state: str, audience: str,
                   after: int) -> tuple[int, int | None]:
    """Deliveries for the next FAN_OUT_CHUNK subscriptions of the state past rowid `after`.
    Returns how many were queued and the rowid to continue after (None: that was the end)."""
    bound = conn.execute("SELECT s.rowid FROM subscriptions s WHERE s.state = ? AND s.rowid > ? "
                         "ORDER BY s.rowid LIMIT 1 OFFSET ?", (state, after, FAN_OUT_CHUNK - 1)).fetchone()
    upper, params = ("", (notice_id, state, after)) if bound is None else \
        (" AND s.rowid <= ?", (notice_id, state, after, bound[0]))
    queued = conn.execute(
        "INSERT OR IGNORE INTO deliveries(notice_id, chat_id) SELECT ?, s.chat_id FROM subscriptions s "
        f"JOIN chats c ON c.id = s.chat_id WHERE s.state = ? AND s.rowid > ?{upper} "
        f"AND c.active = 1 AND {FAN_OUT_AUDIENCES[audience]} ORDER BY s.rowid", params).rowcount
    return queued, None if bound is None else bound[0]


def _document(row: dict) -> DocumentInfo:
    return DocumentInfo(
        id=row["id"], state=row["state"], step=row["step"], kind=row["kind"], title=row["title"], url=row["url"],
        has_file=bool(row["file_id"]), published_on=date.fromisoformat(row["published_on"]),
    )


def _convocatoria(row: dict) -> ConvocatoriaInfo:
    return ConvocatoriaInfo(
        id=row["id"], state=row["state"], step=row["step"], kind=row["kind"], title=row["title"],
        description=row["description"], opens_at=_parse_iso(row["opens_at"]), closes_at=_parse_iso(row["closes_at"]),
        url=row["url"], how_to_apply=row["how_to_apply"], contact=row["contact"],
    )


def _convocatoria_record(row: dict) -> ConvocatoriaRecord:
    return ConvocatoriaRecord(info=_convocatoria(row), status=row["status"], published_by=row["published_by"],
                              reminder_sent=bool(row["reminder_sent"]), announced_at=_parse_iso(row["updated_at"]))


def _sql_value(value):
    return _iso(value) if isinstance(value, datetime) else value
