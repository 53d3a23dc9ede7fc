"""The guided flows' state, kept so that a restart resumes them: where each conversation of a
flow stands (by the flow's name and the conversation's key) and each person's draft, both as
JSON text written by bot/runtime/persistence.py. Rows older than a cutoff are stale flows."""

from __future__ import annotations

from datetime import datetime

from bot.store.connection import Connection, iso, utc_now


class Flows(Connection):

    def flow_conversations(self, name: str, since: datetime) -> dict[str, str]:
        """key -> state (JSON texts) of the flow's conversations touched since `since`."""
        rows = self._query("SELECT key, state FROM flow_conversations WHERE name = ? AND updated_at >= ?",
                           (name, iso(since)))
        return {row["key"]: row["state"] for row in rows}

    def set_flow_conversation(self, name: str, key: str, state: str | None) -> None:
        """Where a conversation stands now; None: it ended."""
        with self.transaction() as conn:
            if state is None:
                conn.execute("DELETE FROM flow_conversations WHERE name = ? AND key = ?", (name, key))
            else:
                conn.execute("INSERT INTO flow_conversations(name, key, state, updated_at) VALUES (?, ?, ?, ?) "
                             "ON CONFLICT(name, key) DO UPDATE SET state = excluded.state, "
                             "updated_at = excluded.updated_at", (name, key, state, iso(utc_now())))

    def flow_drafts(self, since: datetime) -> dict[int, str]:
        """user id -> draft data (JSON text) written since `since`."""
        rows = self._query("SELECT user_id, data FROM flow_drafts WHERE updated_at >= ?", (iso(since),))
        return {row["user_id"]: row["data"] for row in rows}

    def set_flow_draft(self, user_id: int, data: str | None) -> None:
        """A person's drafts now; None: they have none."""
        with self.transaction() as conn:
            if data is None:
                conn.execute("DELETE FROM flow_drafts WHERE user_id = ?", (user_id,))
            else:
                conn.execute("INSERT INTO flow_drafts(user_id, data, updated_at) VALUES (?, ?, ?) "
                             "ON CONFLICT(user_id) DO UPDATE SET data = excluded.data, "
                             "updated_at = excluded.updated_at", (user_id, data, iso(utc_now())))

    def forget_stale_flows(self, before: datetime) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM flow_conversations WHERE updated_at < ?", (iso(before),))
            conn.execute("DELETE FROM flow_drafts WHERE updated_at < ?", (iso(before),))
