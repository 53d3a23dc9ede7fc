"""The outbox: notices, one delivery per subscriber (written in chunks by a fan-out), and each
delivery's life: claimed before its send, then sent, retried, dropped, failed or unconfirmed."""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from collections.abc import Set as AbstractSet
from datetime import datetime

from bot.store.connection import Connection, StorageError, inserted_id, iso, utc_now

log = logging.getLogger("cocreabot.store")


# How many sends of one delivery may end without Telegram's answer (a timeout, a crash between
# the claim and the record) before it is not sent again: each person gets a notice at most twice.
UNSURE_SENDS_LIMIT = 2

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
    buttons: str | None = None  # the notice's buttons, as bot/core/notices.py wrote them (JSON)



class Outbox(Connection):
    _fan_out_seen: dict[str, str]  # unfinished fan-outs at the last look (set up by Store.__init__)

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
                file_id: str | None, audience: str, buttons: str | None = None) -> "FanOut":
        """Inside the caller's transaction: the notice (with its buttons, JSON), the first chunk
        of its deliveries (one per active subscriber who wants this kind) and, if more remain,
        the note of what is left. Call finish_fan_out(result) after the commit for the rest and
        the total."""
        assert audience in FAN_OUT_AUDIENCES
        notice_id = inserted_id(conn.execute(
            "INSERT INTO notices(kind, ref_id, state, html, file_id, created_at, buttons) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, ref_id, state, html, file_id, iso(utc_now()), buttons),
        ))
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


    def due_deliveries(self, now: float, limit: int, exclude: AbstractSet[int] = frozenset()) -> list[Delivery]:
        """Pending deliveries whose time has come, oldest first, skipping ids in flight."""
        rows = self._query(
            "SELECT d.id, d.chat_id, d.notice_id, d.attempts, d.unsure, n.html, n.file_id, n.state, n.buttons "
            "FROM deliveries d "
            "JOIN notices n ON n.id = d.notice_id WHERE d.status = 'pending' AND d.not_before <= ? "
            "ORDER BY d.not_before, d.id LIMIT ?",
            (now, limit + len(exclude)),
        )
        deliveries = [Delivery(r["id"], r["chat_id"], r["notice_id"], r["html"], r["file_id"], r["attempts"], r["state"],
                               r["unsure"], r["buttons"]) for r in rows if r["id"] not in exclude]
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
                         "WHERE id = ?", (iso(utc_now()), message_id, delivery_id))

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
        cutoff = iso(older_than)
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
