"""The schema, as sqlite-utils migrations (sqlite_utils.Migrations): each runs once, in its own
savepoint, recorded by name in the _sqlite_migrations table; PRAGMA user_version still counts
them (bot/store/checks.py reads it). Every statement is its own string: nothing is split on «;».
A database from before (user_version only) has its migrations recorded as applied first."""

from __future__ import annotations

import datetime

from sqlite_utils import Database, Migrations

MIGRATIONS = Migrations("cocreabot")

FIRST_SCHEMA: tuple[str, ...] = (
    """CREATE TABLE chats (
        id INTEGER PRIMARY KEY,
        language TEXT NOT NULL DEFAULT 'es',
        active INTEGER NOT NULL DEFAULT 1
    )""",
    """CREATE TABLE subscriptions (
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE ON UPDATE CASCADE,
        state TEXT NOT NULL,
        documents INTEGER NOT NULL DEFAULT 1,
        convocatorias INTEGER NOT NULL DEFAULT 1,
        reminders INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (chat_id, state)
    )""",
    """CREATE INDEX subscriptions_by_state ON subscriptions(state)""",
    """CREATE TABLE facilitators (
        user_id INTEGER NOT NULL,
        state TEXT NOT NULL,
        granted_by INTEGER,
        granted_at TEXT NOT NULL,
        PRIMARY KEY (user_id, state)
    )""",
    """CREATE TABLE documents (
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
    )""",
    """CREATE UNIQUE INDEX documents_unique_url ON documents(state, url) WHERE url IS NOT NULL""",
    """CREATE UNIQUE INDEX documents_unique_file ON documents(state, file_unique_id) WHERE file_unique_id IS NOT NULL""",
    """CREATE INDEX documents_by_state ON documents(state, published_on)""",
    """CREATE TABLE convocatorias (
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
    )""",
    """CREATE INDEX convocatorias_by_state ON convocatorias(state, status, closes_at)""",
    """CREATE TABLE notices (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        ref_id INTEGER,
        state TEXT NOT NULL,
        html TEXT NOT NULL,
        file_id TEXT,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE deliveries (
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
    )""",
    """CREATE INDEX deliveries_pending ON deliveries(status, not_before, id)""",
    """CREATE INDEX deliveries_by_chat ON deliveries(chat_id, status)""",
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
)


@MIGRATIONS(name="0001_first_schema")
def first_schema(db: Database) -> None:
    for statement in FIRST_SCHEMA:
        db.execute(statement)


@MIGRATIONS(name="0002_unsure_sends")
def unsure_sends(db: Database) -> None:
    """Sends of a delivery whose outcome is unknown (claimed before sending, then no answer: a
    timeout, a crash, a record that could not be written). See Outbox.claim."""
    db.table("deliveries").add_column("unsure", int, not_null_default=0)


@MIGRATIONS(name="0003_guided_flows")
def guided_flows(db: Database) -> None:
    """The guided flows' state (/publicar, /convocar, /mis_convocatorias), so a restart resumes
    them: where each conversation stands, and each person's draft (JSON). See bot/store/flows.py."""
    db.execute("""CREATE TABLE flow_conversations (
        name TEXT NOT NULL,
        key TEXT NOT NULL,
        state TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (name, key)
    )""")
    db.execute("""CREATE TABLE flow_drafts (
        user_id INTEGER PRIMARY KEY,
        data TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""")



QUESTIONS_SCHEMA: tuple[str, ...] = (
    """CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL,
        form TEXT NOT NULL DEFAULT '',
        intent TEXT NOT NULL DEFAULT '',
        states TEXT NOT NULL DEFAULT '',
        step INTEGER,
        term TEXT,
        reason TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL DEFAULT 'pending',
        asked INTEGER NOT NULL DEFAULT 0,
        first_asked TEXT NOT NULL,
        last_asked TEXT NOT NULL,
        answer TEXT,
        answered_at TEXT,
        answered_by TEXT
    )""",
    """CREATE INDEX questions_by_status ON questions(status, asked)""",
    """CREATE TABLE askers (
        question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
        chat_id INTEGER NOT NULL,
        asked_at TEXT NOT NULL,
        PRIMARY KEY (question_id, chat_id)
    )""",
    """CREATE INDEX askers_by_chat ON askers(chat_id)""",
    """CREATE TABLE curators (
        user_id INTEGER PRIMARY KEY,
        granted_by INTEGER,
        granted_at TEXT NOT NULL
    )""",
    """CREATE TABLE feedback (
        day TEXT NOT NULL,
        intent TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT '',
        answer TEXT NOT NULL DEFAULT '',
        up INTEGER NOT NULL DEFAULT 0,
        down INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, intent, state, answer)
    )""",
    """CREATE TABLE question_counts (
        day TEXT NOT NULL,
        intent TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT '',
        answered INTEGER NOT NULL,
        n INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, intent, state, answered)
    )""",
)


@MIGRATIONS(name="0004_questions")
def questions(db: Database) -> None:
    """Questions people sent to the team with their consent (grouped by normalized text plus what
    was understood), who asked them (only to notify them back), curators, and counts without
    text: 👍/👎 per answer and questions per day, intent and state (bot/store/questions.py)."""
    for statement in QUESTIONS_SCHEMA:
        db.execute(statement)



@MIGRATIONS(name="0005_notice_buttons")
def notice_buttons(db: Database) -> None:
    """The buttons a notice carries ([📄 Abrir], [Ver <entidad>], [🔕 Dejar de seguir]), as JSON
    (bot/core/notices.py), so a notice sent after a restart still has them. NULL: no buttons
    (a team's answer, a notice from before)."""
    db.table("notices").add_column("buttons", str)


@MIGRATIONS(name="0006_usernames")
def usernames(db: Database) -> None:
    """The Telegram username of each person who wrote to the bot in private, so an admin can name
    a facilitator by @username (bot/store/chats.py). /borrar_mis_datos deletes it."""
    db.execute("""CREATE TABLE usernames (
        user_id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        seen_at TEXT NOT NULL
    )""")


@MIGRATIONS(name="0007_chats_without_language")
def chats_without_language(db: Database) -> None:
    """The language Telegram reported for a chat was kept and never used, while the privacy
    notice says it is not kept: drop it (tests/test_privacy_honesty.py holds the two together)."""
    db.execute("ALTER TABLE chats DROP COLUMN language")


NAMES = ("0001_first_schema", "0002_unsure_sends", "0003_guided_flows", "0004_questions",
         "0005_notice_buttons", "0006_usernames", "0007_chats_without_language")  # in order; user_version counts them


def migrate(connection) -> None:
    """Run the migrations this database has not run yet (connection: a store.connection.Connection),
    all in one write transaction, so two processes starting at once never run one twice."""
    with connection.transaction():
        db = connection.db
        _adopt_user_version(db)
        MIGRATIONS.apply(db)
        db.execute(f"PRAGMA user_version = {len(NAMES)}")


def _adopt_user_version(db: Database) -> None:
    """A database migrated before sqlite-utils' migrations: the first user_version of them ran."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version == 0 or db[Migrations.migrations_table].exists():
        return
    MIGRATIONS.ensure_migrations_table(db)
    now = str(datetime.datetime.now(datetime.timezone.utc))
    db.table(Migrations.migrations_table).insert_all(
        {"migration_set": MIGRATIONS.name, "name": name, "applied_at": now} for name in NAMES[:version])
