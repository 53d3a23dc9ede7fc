"""Questions people sent to the team (with their consent), who asked them, the curators who
answer them, and counts without any text: 👍/👎 per answer and questions per day.

A question is a group: one row per normalized text plus understanding (its `key`), counted
once per chat that asked it. A chat is kept beside a question (askers) only until the team's
answer is queued for it; then the outbox's delivery is all that remains, pruned like every notice."""

from __future__ import annotations

import sqlite3

from bot.store.connection import Connection, iso, utc_now

QUESTION_STATUSES = ("pending", "answered", "known", "dismissed")
TEAM_ANSWER_KIND = "team_answer"  # the outbox notice that carries a curator's answer to the askers
BLOCKED = "chat inactive"  # the last_error of deliveries dropped because the chat blocked the bot

_COLUMNS = ("id, key, text, form, intent, states, step, term, reason, status, asked, first_asked, last_asked, "
            "answer, answered_at, answered_by")


class Questions(Connection):

    # -- asking (with consent) -------------------------------------------------------------

    def record_question(self, key: str, text: str, understood: dict, reason: str, chat_id: int,
                        max_pending: int) -> tuple[str, int | None]:
        """Queue a chat's question in its group (created if new): ("queued", id), ("already",
        id) when this chat asked it before, ("answered", id) when the team answered it already,
        ("too_many", None) when the chat has max_pending questions waiting."""
        now = iso(utc_now())
        with self.transaction() as conn:
            row = conn.execute("SELECT id, status FROM questions WHERE key = ?", (key,)).fetchone()
            if row is not None and row[1] == "answered":
                return "answered", row[0]
            if row is not None and conn.execute("SELECT 1 FROM askers WHERE question_id = ? AND chat_id = ?",
                                                (row[0], chat_id)).fetchone():
                return "already", row[0]
            if _pending_count(conn, chat_id) >= max_pending:
                return "too_many", None
            if row is None:
                question_id = conn.execute(
                    "INSERT INTO questions(key, text, form, intent, states, step, term, reason, first_asked, last_asked) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (key, text, understood.get("form", ""), understood.get("intent", ""),
                     ",".join(understood.get("states", ())), understood.get("step"), understood.get("term"),
                     reason, now, now)).lastrowid
            else:
                question_id = row[0]
                conn.execute("UPDATE questions SET status = 'pending' WHERE id = ?", (question_id,))  # asked again
            conn.execute("INSERT INTO askers(question_id, chat_id, asked_at) VALUES (?, ?, ?)", (question_id, chat_id, now))
            conn.execute("UPDATE questions SET asked = asked + 1, last_asked = ? WHERE id = ?", (now, question_id))
            return "queued", question_id

    def pending_questions_of(self, chat_id: int) -> list[dict]:
        """The questions a chat waits an answer for (for /mis_datos)."""
        return self._query("SELECT q.id, q.text, a.asked_at FROM askers a JOIN questions q ON q.id = a.question_id "
                           "WHERE a.chat_id = ? ORDER BY a.asked_at", (chat_id,))

    def forget_questions_of(self, chat_id: int) -> int:
        """Erase a chat from every question it waits on; a pending question nobody else asked goes
        with it (its text was this chat's). Returns how many questions the chat waited on."""
        with self.transaction() as conn:
            removed = conn.execute("DELETE FROM askers WHERE chat_id = ?", (chat_id,)).rowcount
            conn.execute("DELETE FROM questions WHERE status = 'pending' AND "
                         "NOT EXISTS (SELECT 1 FROM askers a WHERE a.question_id = questions.id)")
            return removed

    # -- curating ----------------------------------------------------------------------------

    def questions(self, statuses: tuple[str, ...] = ("pending",), limit: int = 1000) -> list[dict]:
        """Grouped questions, most asked first (then the latest asked)."""
        marks = ", ".join("?" for _ in statuses)
        return self._query(f"SELECT {_COLUMNS} FROM questions WHERE status IN ({marks}) "
                           "ORDER BY asked DESC, last_asked DESC, id LIMIT ?", (*statuses, limit))

    def question(self, question_id: int) -> dict | None:
        rows = self._query(f"SELECT {_COLUMNS} FROM questions WHERE id = ?", (question_id,))
        return rows[0] if rows else None

    def reviewed_answer(self, key: str) -> dict | None:
        rows = self._query(f"SELECT {_COLUMNS} FROM questions WHERE key = ? AND status = 'answered'", (key,))
        return rows[0] if rows else None

    def reviewed_keys(self) -> set[str]:
        return {row["key"] for row in self._query("SELECT key FROM questions WHERE status = 'answered'")}

    def waiting_askers(self, question_id: int) -> int:
        return self._query("SELECT count(*) AS n FROM askers WHERE question_id = ?", (question_id,))[0]["n"]

    def settle_question(self, question_id: int, status: str, answer: str | None, by: str,
                        notice_html: str | None) -> int | None:
        """Close a pending question in one transaction: its status (answered, known, dismissed),
        the answer kept as the reviewed one, and, with a notice_html, one outbox delivery per chat
        that waits on it. The askers are forgotten (the outbox has what it needs). Returns how many
        deliveries were queued, or None when the question is not pending (any more)."""
        assert status in QUESTION_STATUSES[1:]
        with self.transaction() as conn:
            row = conn.execute("SELECT status FROM questions WHERE id = ?", (question_id,)).fetchone()
            if row is None or row[0] != "pending":
                return None
            conn.execute("UPDATE questions SET status = ?, answer = ?, answered_at = ?, answered_by = ? WHERE id = ?",
                         (status, answer, iso(utc_now()), by, question_id))
            queued = 0
            if notice_html is not None:
                queued = _queue_to_askers(conn, question_id, notice_html)
            conn.execute("DELETE FROM askers WHERE question_id = ?", (question_id,))
            return queued

    # -- curators ----------------------------------------------------------------------------

    def grant_curator(self, user_id: int, granted_by: int | None) -> bool:
        with self.transaction() as conn:
            return conn.execute("INSERT OR IGNORE INTO curators(user_id, granted_by, granted_at) VALUES (?, ?, ?)",
                                (user_id, granted_by, iso(utc_now()))).rowcount > 0

    def revoke_curator(self, user_id: int) -> bool:
        with self.transaction() as conn:
            return conn.execute("DELETE FROM curators WHERE user_id = ?", (user_id,)).rowcount > 0

    def curator_ids(self) -> set[int]:
        return {row["user_id"] for row in self._query("SELECT user_id FROM curators")}

    # -- counts without text -----------------------------------------------------------------

    def add_feedback(self, day: str, intent: str, state: str, answer: str, useful: bool) -> None:
        column = "up" if useful else "down"
        with self.transaction() as conn:
            conn.execute(f"INSERT INTO feedback(day, intent, state, answer, {column}) VALUES (?, ?, ?, ?, 1) "
                         f"ON CONFLICT(day, intent, state, answer) DO UPDATE SET {column} = {column} + 1",
                         (day, intent, state, answer))

    def add_question_counts(self, counts: dict[tuple[str, str, str, bool], int]) -> None:
        """Add (day, intent, state, answered) -> n to the daily counts, in one transaction."""
        if not counts:
            return
        with self.transaction() as conn:
            conn.executemany("INSERT INTO question_counts(day, intent, state, answered, n) VALUES (?, ?, ?, ?, ?) "
                             "ON CONFLICT(day, intent, state, answered) DO UPDATE SET n = n + excluded.n",
                             [(day, intent, state, int(answered), n)
                              for (day, intent, state, answered), n in counts.items()])

    def question_counts_since(self, day: str) -> list[dict]:
        return self._query("SELECT intent, state, answered, sum(n) AS n FROM question_counts WHERE day >= ? "
                           "GROUP BY intent, state, answered", (day,))

    def feedback_since(self, day: str) -> list[dict]:
        return self._query("SELECT intent, state, answer, sum(up) AS up, sum(down) AS down FROM feedback "
                           "WHERE day >= ? GROUP BY intent, state, answer", (day,))

    # -- reach -------------------------------------------------------------------------------

    def subscriber_counts(self) -> list[dict]:
        """Per state: active chats that follow it (private chats and groups), and how many want
        documents, convocatorias and reminders."""
        return self._query(
            "SELECT s.state, count(*) AS chats, sum(s.chat_id > 0) AS private, sum(s.chat_id < 0) AS groups, "
            "sum(s.documents) AS documents, sum(s.convocatorias) AS convocatorias, "
            "sum(s.convocatorias AND s.reminders) AS reminders "
            "FROM subscriptions s JOIN chats c ON c.id = s.chat_id WHERE c.active = 1 GROUP BY s.state ORDER BY s.state")

    def chat_counts(self) -> dict[str, int]:
        row = self._query("SELECT count(*) AS chats, coalesce(sum(active), 0) AS active, "
                          "coalesce(sum(id < 0), 0) AS groups FROM chats")[0]
        return {key: row[key] for key in ("chats", "active", "groups")}

    def notice_reach(self, limit: int = 20) -> list[dict]:
        """The latest notices, each with its deliveries by outcome (blocked: dropped because the
        chat blocked the bot), and the title of the convocatoria a convocatoria notice is about."""
        return self._query(
            "SELECT n.id, n.kind, n.state, n.ref_id, n.created_at, "
            "(SELECT title FROM convocatorias c WHERE n.kind LIKE 'convocatoria%' AND c.id = n.ref_id) AS title, "
            "(SELECT title FROM documents d WHERE n.kind = 'document' AND d.id = n.ref_id) AS document, "
            "sum(d.status = 'sent') AS sent, sum(d.status = 'pending') AS pending, "
            "sum(d.status IN ('failed', 'unconfirmed')) AS failed, "
            f"sum(d.status = 'dropped' AND d.last_error = '{BLOCKED}') AS blocked, "
            f"sum(d.status = 'dropped' AND coalesce(d.last_error, '') != '{BLOCKED}') AS dropped "
            "FROM notices n LEFT JOIN deliveries d ON d.notice_id = n.id "
            "GROUP BY n.id ORDER BY n.id DESC LIMIT ?", (limit,))


def _pending_count(conn: sqlite3.Connection, chat_id: int) -> int:
    return conn.execute("SELECT count(*) FROM askers WHERE chat_id = ?", (chat_id,)).fetchone()[0]


def _queue_to_askers(conn: sqlite3.Connection, question_id: int, html: str) -> int:
    """The team's answer as an outbox notice, one delivery per chat that waits on the question."""
    notice_id = conn.execute(
        "INSERT INTO notices(kind, ref_id, state, html, file_id, created_at) VALUES (?, ?, '', ?, NULL, ?)",
        (TEAM_ANSWER_KIND, question_id, html, iso(utc_now()))).lastrowid
    return conn.execute("INSERT OR IGNORE INTO deliveries(notice_id, chat_id) "
                        "SELECT ?, chat_id FROM askers WHERE question_id = ?", (notice_id, question_id)).rowcount
