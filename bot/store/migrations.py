"""The schema, as migrations: each runs once, in its own transaction, and PRAGMA user_version
records how many ran."""

from __future__ import annotations

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
    # 3: the guided flows' state (/publicar, /convocar, /mis_convocatorias), so a restart resumes
    # them: where each conversation stands, and each person's draft (JSON). See bot/store/flows.py.
    """
    CREATE TABLE flow_conversations (
        name TEXT NOT NULL,
        key TEXT NOT NULL,
        state TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (name, key)
    );
    CREATE TABLE flow_drafts (
        user_id INTEGER PRIMARY KEY,
        data TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
)


def migrate(connection) -> None:
    """Run the migrations this database has not run yet (connection: a store.connection.Connection)."""
    version = connection.schema_version
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        with connection.transaction() as conn:
            for statement in filter(str.strip, script.split(";")):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
