"""Chats, what they follow (subscriptions) and who facilitates which state (roles)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from bot.store.connection import Connection, iso, utc_now


class PublicRecord(TypedDict):
    """What stays about a person after erasure (see Chats.public_record)."""
    facilitates: list[str]
    documents: int
    convocatorias: int


@dataclass(frozen=True)
class ChatRecord:
    """A chat that talked to the bot, and whether it still lets us write (nothing more: not its
    language, which the privacy notice says is not kept)."""
    id: int
    active: bool


@dataclass(frozen=True)
class Subscription:
    """A state a chat follows, and which notices it wants of it."""
    state: str  # slug
    documents: bool
    convocatorias: bool
    reminders: bool


@dataclass(frozen=True)
class ChatData:
    """Everything the bot keeps about a chat (/mis_datos)."""
    chat: ChatRecord | None
    subscriptions: tuple[Subscription, ...]
    username: str | None = None  # of a private chat that wrote to the bot


class Chats(Connection):

    def ensure_chat(self, chat_id: int) -> None:
        """Record a chat that talks to the bot (active again if it had blocked us)."""
        with self.transaction() as conn:
            conn.execute("INSERT INTO chats(id, active) VALUES (?, 1) ON CONFLICT(id) DO UPDATE SET active = 1",
                         (chat_id,))

    def chat(self, chat_id: int) -> ChatRecord | None:
        rows = self._query("SELECT id, active FROM chats WHERE id = ?", (chat_id,))
        return ChatRecord(rows[0]["id"], bool(rows[0]["active"])) if rows else None

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

    def chat_data(self, chat_id: int) -> ChatData:
        """Everything the bot keeps about a chat (for /mis_datos)."""
        chat = self.chat(chat_id)
        return ChatData(chat, tuple(self.subscriptions(chat_id)) if chat else (), self.username_of(chat_id))

    def public_record(self, user_id: int) -> PublicRecord:
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
            named = conn.execute("DELETE FROM usernames WHERE user_id = ?", (chat_id,)).rowcount > 0
            return conn.execute("DELETE FROM chats WHERE id = ?", (chat_id,)).rowcount > 0 or named

    # -- usernames (a private chat's id is its person's id) ------------------------------------

    def set_username(self, user_id: int, username: str | None) -> None:
        """The person's username now (None: they have none); whoever held it before loses it."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM usernames WHERE user_id = ?", (user_id,))
            if username:
                conn.execute("DELETE FROM usernames WHERE username = ?", (username,))
                conn.execute("INSERT INTO usernames(user_id, username, seen_at) VALUES (?, ?, ?)",
                             (user_id, username, iso(utc_now())))

    def username_of(self, user_id: int) -> str | None:
        rows = self._query("SELECT username FROM usernames WHERE user_id = ?", (user_id,))
        return rows[0]["username"] if rows else None

    def user_with_username(self, username: str) -> int | None:
        rows = self._query("SELECT user_id FROM usernames WHERE username = ?", (username,))
        return rows[0]["user_id"] if rows else None

    # -- subscriptions ----------------------------------------------------------------------

    def subscribe(self, chat_id: int, state: str, documents: bool = True, convocatorias: bool = True) -> bool:
        """Follow a state; True when it is new. Subscribing again keeps it (and re-enables both kinds)."""
        self.ensure_chat(chat_id)
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

    def add_subscription(self, subscription: Subscription, chat_id: int) -> bool:
        """Follow a state with exactly these options, unless the chat follows it already: True
        when it was added (an undone unsubscription)."""
        self.ensure_chat(chat_id)
        with self.transaction() as conn:
            return conn.execute(
                "INSERT OR IGNORE INTO subscriptions(chat_id, state, documents, convocatorias, reminders) "
                "VALUES (?, ?, ?, ?, ?)",
                (chat_id, subscription.state, int(subscription.documents), int(subscription.convocatorias),
                 int(subscription.reminders)),
            ).rowcount > 0

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

    def subscriptions(self, chat_id: int) -> list[Subscription]:
        rows = self._query("SELECT state, documents, convocatorias, reminders FROM subscriptions "
                           "WHERE chat_id = ? ORDER BY state", (chat_id,))
        return [Subscription(r["state"], bool(r["documents"]), bool(r["convocatorias"]), bool(r["reminders"]))
                for r in rows]

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
                (user_id, state, granted_by, iso(utc_now())),
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
