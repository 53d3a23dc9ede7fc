"""The read interface through which answers see live data (what facilitators published and the
open convocatorias). knowledge/ declares it; bot/store implements it; tests use NoLiveData or a
small in-memory stand-in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    state: str  # slug
    step: int | None  # the step it evidences; None for "otro"
    kind: str
    title: str
    url: str | None
    has_file: bool
    published_on: date


@dataclass(frozen=True)
class ConvocatoriaInfo:
    id: int
    state: str  # slug
    step: int | None
    kind: str
    title: str
    description: str
    opens_at: datetime  # aware, UTC
    closes_at: datetime  # aware, UTC
    url: str | None
    how_to_apply: str | None
    contact: str | None


class LiveData(Protocol):
    def documents(self, state: str | None, limit: int = 5, step: int | None = None,
                  offset: int = 0) -> list[DocumentInfo]:
        """The newest published documents, of one state or of all, of one step or of any,
        skipping the first `offset`."""

    def document_count(self, state: str | None, step: int | None = None) -> int:
        """How many documents `documents` could list with no limit."""

    def progress(self, state: str) -> int | None:
        """The highest step that the state's published documents evidence."""

    def open_convocatorias(self, state: str | None, now: datetime) -> list[ConvocatoriaInfo]:
        """Convocatorias open at `now`, soonest to close first."""

    def upcoming_convocatorias(self, state: str | None, now: datetime) -> list[ConvocatoriaInfo]:
        """Convocatorias announced that open after `now`, soonest to open first."""


class NoLiveData:
    def documents(self, state: str | None, limit: int = 5, step: int | None = None,
                  offset: int = 0) -> list[DocumentInfo]:
        return []

    def document_count(self, state: str | None, step: int | None = None) -> int:
        return 0

    def progress(self, state: str) -> int | None:
        return None

    def open_convocatorias(self, state: str | None, now: datetime) -> list[ConvocatoriaInfo]:
        return []

    def upcoming_convocatorias(self, state: str | None, now: datetime) -> list[ConvocatoriaInfo]:
        return []
