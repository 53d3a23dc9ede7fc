"""The SQLite store (sqlite-utils): chats, subscriptions, roles, published documents and
convocatorias, the notification outbox, and the questions sent to the team. The database is the integration point: the CLI and
the running bot share it, and a crash loses nothing that was committed. All SQL of the project
lives in this package: connection.py opens the database (the only module that does), migrations.py
holds the schema, and one module per aggregate reads and writes it."""

from __future__ import annotations

from bot.store.chats import ChatData, ChatRecord, Chats, Subscription
from bot.store.connection import Busy, Connection, StorageError, is_storage_failure, utc_now
from bot.store.convocatorias import ConvocatoriaRecord, Convocatorias
from bot.store.documents import DOCUMENT_KINDS, Documents, DuplicateDocument
from bot.store.flows import Flows
from bot.store.outbox import FAN_OUT_CHECK, UNSURE_SENDS_LIMIT, Delivery, FanOut, Outbox
from bot.store.questions import QUESTION_STATUSES, TEAM_ANSWER_KIND, Questions
from bot.store.values import Values
from knowledge.live import ConvocatoriaInfo, DocumentInfo

__all__ = ["Store", "Busy", "ChatData", "ChatRecord", "Subscription", "StorageError", "DuplicateDocument", "ConvocatoriaRecord", "Delivery", "FanOut", "DOCUMENT_KINDS",
           "FAN_OUT_CHECK", "UNSURE_SENDS_LIMIT", "QUESTION_STATUSES", "TEAM_ANSWER_KIND", "ConvocatoriaInfo", "DocumentInfo", "is_storage_failure", "utc_now"]


class Store(Chats, Documents, Convocatorias, Outbox, Questions, Values, Flows, Connection):
    """All reads and writes of the database, one aggregate per base class. Thread-safe: one
    connection behind a lock (bot/store/connection.py), so the bot can run a large fan-out in a
    worker thread while its handlers keep answering."""

    def __init__(self, path):
        super().__init__(path)
        self._fan_out_seen: dict[str, str] = {}  # unfinished fan-outs at the last look (finish_abandoned_fan_outs)
