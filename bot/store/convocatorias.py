"""Convocatorias as stored: the read side answers use, and the writes bot/core/convocatorias.py
makes inside its own transactions."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any
from datetime import datetime, timedelta

from bot.store.connection import Connection, inserted_id, iso, parse_iso
from knowledge.live import ConvocatoriaInfo

@dataclass(frozen=True)
class ConvocatoriaRecord:
    """A convocatoria as stored: what answers show (info) plus its life cycle."""
    info: ConvocatoriaInfo
    status: str  # open, closed, cancelled
    published_by: str
    reminder_sent: bool
    announced_at: datetime  # when subscribers were last told about it (creation or a correction)



class Convocatorias(Connection):

    def open_convocatorias(self, state: str | None, now: datetime) -> list[ConvocatoriaInfo]:
        return self._convocatorias_where("opens_at <= ? AND closes_at > ?", (iso(now), iso(now)), state, "closes_at")

    def upcoming_convocatorias(self, state: str | None, now: datetime) -> list[ConvocatoriaInfo]:
        return self._convocatorias_where("opens_at > ? AND closes_at > ?", (iso(now), iso(now)), state, "opens_at")

    def _convocatorias_where(self, where: str, params: tuple, state: str | None, order: str) -> list[ConvocatoriaInfo]:
        where = f"status = 'open' AND {where}"
        if state:
            where += " AND state = ?"
            params += (state,)
        rows = self._query(f"SELECT * FROM convocatorias WHERE {where} ORDER BY {order}, id", params)
        return [_convocatoria(r) for r in rows]


    def insert_convocatoria(self, conn: sqlite3.Connection, fields: dict[str, Any]) -> int:
        """Insert one convocatoria inside the caller's transaction (datetimes are stored as UTC
        ISO text); returns its id."""
        names = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        values = tuple(map(_sql_value, fields.values()))
        return inserted_id(conn.execute(f"INSERT INTO convocatorias({names}) VALUES ({marks})", values))

    def update_convocatoria(self, conn: sqlite3.Connection, convocatoria_id: int, fields: dict, *,
                            only_open: bool = False, only_unreminded: bool = False) -> bool:
        """Update one convocatoria inside the caller's transaction, when it is still open
        (only_open) and its reminder not yet sent (only_unreminded); True when it did."""
        assignments = ", ".join(f"{name} = ?" for name in fields)
        conditions = "".join((" AND status = 'open'" if only_open else "",
                              " AND reminder_sent = 0" if only_unreminded else ""))
        return conn.execute(f"UPDATE convocatorias SET {assignments} WHERE id = ?{conditions}",
                            (*map(_sql_value, fields.values()), convocatoria_id)).rowcount > 0

    def convocatoria(self, convocatoria_id: int) -> ConvocatoriaRecord | None:
        rows = self._query("SELECT * FROM convocatorias WHERE id = ?", (convocatoria_id,))
        return _convocatoria_record(rows[0]) if rows else None

    def current_convocatorias(self, states: list[str] | None, now: datetime, limit: int = 30) -> list[ConvocatoriaRecord]:
        """Open or not yet open (status open, closing still ahead), of some states or of all
        (None), soonest to close first."""
        where, params = "status = 'open' AND closes_at > ?", [iso(now)]
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
            "AND closes_at > ? ORDER BY closes_at, id", (iso(now), iso(now)))
        return [record for record in map(_convocatoria_record, rows)
                if record.info.closes_at - ahead <= now and record.announced_at < record.info.closes_at - ahead]

    def close_past_convocatorias(self, now: datetime) -> list[int]:
        """Status closed for every open convocatoria whose closing time has come; their ids."""
        with self.transaction() as conn:
            ids = [row[0] for row in conn.execute(
                "SELECT id FROM convocatorias WHERE status = 'open' AND closes_at <= ? ORDER BY id", (iso(now),))]
            conn.execute("UPDATE convocatorias SET status = 'closed', updated_at = ? "
                         "WHERE status = 'open' AND closes_at <= ?", (iso(now), iso(now)))
        return ids

    def convocatoria_audience(self, state: str, reminders: bool = False) -> int:
        """How many active chats would get a convocatoria notice (or a reminder) of this state."""
        condition = "s.convocatorias = 1" + (" AND s.reminders = 1" if reminders else "")
        return self._query("SELECT count(*) AS n FROM subscriptions s JOIN chats c ON c.id = s.chat_id "
                           f"WHERE s.state = ? AND c.active = 1 AND {condition}", (state,))[0]["n"]


def _convocatoria(row: dict) -> ConvocatoriaInfo:
    return ConvocatoriaInfo(
        id=row["id"], state=row["state"], step=row["step"], kind=row["kind"], title=row["title"],
        description=row["description"], opens_at=parse_iso(row["opens_at"]), closes_at=parse_iso(row["closes_at"]),
        url=row["url"], how_to_apply=row["how_to_apply"], contact=row["contact"],
    )


def _convocatoria_record(row: dict) -> ConvocatoriaRecord:
    return ConvocatoriaRecord(info=_convocatoria(row), status=row["status"], published_by=row["published_by"],
                              reminder_sent=bool(row["reminder_sent"]), announced_at=parse_iso(row["updated_at"]))


def _sql_value(value):
    return iso(value) if isinstance(value, datetime) else value
