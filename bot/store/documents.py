"""Published documents (also the LiveData read interface of knowledge/)."""

from __future__ import annotations

from datetime import date

from bot.store.connection import inserted_id, iso, utc_now
from bot.store.outbox import Outbox
from knowledge.live import DocumentInfo
from knowledge.models import DOCUMENT_KINDS  # noqa: F401  (re-exported by bot.store)




class DuplicateDocument(Exception):
    """The state already has a document with this link or this file."""

    def __init__(self, existing: DocumentInfo):
        super().__init__(existing.title)
        self.existing = existing



class Documents(Outbox):

    def find_duplicate_document(self, state: str, url: str | None, file_unique_id: str | None) -> DocumentInfo | None:
        rows = self._query(
            "SELECT * FROM documents WHERE state = ? AND ((url IS NOT NULL AND url = ?) "
            "OR (file_unique_id IS NOT NULL AND file_unique_id = ?)) LIMIT 1",
            (state, url, file_unique_id),
        )
        return _document(rows[0]) if rows else None

    def add_document(self, *, state: str, step: int | None, kind: str, title: str, url: str | None,
                     file_id: str | None, file_unique_id: str | None, file_name: str | None,
                     published_on: date, published_by: str, notice_html: str,
                     notice_buttons: str | None = None) -> tuple[DocumentInfo, int]:
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
                 published_by, iso(utc_now())),
            )
            document_id = inserted_id(cursor)
            started = self.fan_out(conn, "document", document_id, state, notice_html, file_id, "documents",
                                   notice_buttons)
        return self.document(document_id), self.finish_fan_out(started)

    def document(self, document_id: int) -> DocumentInfo:
        return _document(self._query("SELECT * FROM documents WHERE id = ?", (document_id,))[0])

    def documents(self, state: str | None, limit: int = 5, step: int | None = None,
                  offset: int = 0) -> list[DocumentInfo]:
        """Newest first, of a state (or all) and a step (or any), filtered in the query."""
        where, params = _document_filter(state, step)
        rows = self._query(f"SELECT * FROM documents {where} ORDER BY published_on DESC, id DESC LIMIT ? OFFSET ?",
                           (*params, limit, max(0, offset)))
        return [_document(r) for r in rows]

    def document_count(self, state: str | None, step: int | None = None) -> int:
        where, params = _document_filter(state, step)
        return self._query(f"SELECT count(*) AS n FROM documents {where}", params)[0]["n"]

    def progress(self, state: str) -> int | None:
        rows = self._query("SELECT max(step) AS step FROM documents WHERE state = ?", (state,))
        return rows[0]["step"]

    def progress_by_state(self) -> dict[str, int]:
        """progress() of every state with a published step, in one query (the map's steps view)."""
        rows = self._query("SELECT state, max(step) AS step FROM documents WHERE step IS NOT NULL GROUP BY state")
        return {row["state"]: row["step"] for row in rows}


def _document_filter(state: str | None, step: int | None) -> tuple[str, tuple]:
    conditions = [(name, value) for name, value in (("state", state), ("step", step)) if value is not None]
    if not conditions:
        return "", ()
    return "WHERE " + " AND ".join(f"{name} = ?" for name, _ in conditions), tuple(v for _, v in conditions)


def _document(row: dict) -> DocumentInfo:
    return DocumentInfo(
        id=row["id"], state=row["state"], step=row["step"], kind=row["kind"], title=row["title"], url=row["url"],
        has_file=bool(row["file_id"]), published_on=date.fromisoformat(row["published_on"]),
    )
