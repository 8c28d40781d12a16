"""The store's schema: every table, as an explicit, ordered list of migrations (:data:`MIGRATIONS`).

``schema_version`` holds one row, the store's schema version; the code writes :data:`SCHEMA_VERSION`
(the last migration's version). A migration is a function ``(sqlite3.Connection) -> None`` that upgrades a
store from ``version - 1`` to ``version``. Opening an older store runs the missing migrations in version
order, each in its own transaction; a store newer than the code is refused with a
:class:`~byline.StoreError`. Never edit or renumber a migration: append the next one to :data:`MIGRATIONS`.

Every table's DDL lives here, the people layer's too, so the store never imports the layers above it.
A migration runs inside a transaction: use ``con.execute`` or :func:`execute_script` (not
``con.executescript``, which commits).

Tables (version 1)::

    files(hash PK, path, format, size, records, ingested_at)      one row per distinct file content
    works(id PK, title, year, venue, abstract, authors JSON, authors_truncated, keywords JSON, ids JSON,
          field_sources JSON, created_at, updated_at)
    work_keys(key, work_id)                                        dedup index (doi:, arxiv:, title:, abs:)
    records(id PK, file_hash, file, line, record_key, format, position, data JSON)   raw parsed fields
    work_records(record_id PK, work_id)                            which work each record was merged into
    signatures(id PK '<work_id>#<pos>', work_id, position, name, block, affiliations JSON, email, orcid)
    listings(id PK, owner, source, file_hash, format, created_at)
    listing_entries(listing_id, position, record_id)               the records a listing attributes to owner

Version 2: the people tables (people, person_signatures, person_redirects, curation_events, runs; their
SQL is :mod:`byline.people.repo`); version 3: ``server_settings(key PK, value)``, the web server's settings;
version 4: ``work_vectors(work_id PK, encoder, text_hash, vector)``, the static text encoder's vector of each
work's text, for the encoder with that sha256 and the text with that hash (:mod:`byline.text_vectors`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from byline._errors import StoreError

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Migration",
    "PEOPLE_SCHEMA",
    "execute_script",
    "migrate_people",
    "migrations",
    "schema_version",
]

MigrationFn = Callable[[sqlite3.Connection], None]


@dataclass(frozen=True, slots=True)
class Migration:
    """``fn`` upgrades a store from schema ``version - 1`` to ``version``."""

    version: int
    fn: MigrationFn

    @property
    def name(self) -> str:
        return f"{self.fn.__module__}.{self.fn.__qualname__}"


def execute_script(con: sqlite3.Connection, sql: str) -> None:
    """Run several ``;``-separated statements inside the current transaction.

    (``sqlite3.executescript`` would COMMIT first; migrations must stay in their transaction.)
    """
    stmt = ""
    for line in sql.splitlines(keepends=True):
        stmt += line
        if sqlite3.complete_statement(stmt):
            if stmt.strip():
                con.execute(stmt)
            stmt = ""
    if stmt.strip():
        con.execute(stmt)


def _m1_core(con: sqlite3.Connection) -> None:
    """v1: files, works, work_keys, records, work_records, signatures, listings, listing_entries."""
    execute_script(
        con,
        """
        CREATE TABLE files (
            hash TEXT PRIMARY KEY,
            path TEXT NOT NULL,
            format TEXT NOT NULL,
            size INTEGER,
            records INTEGER NOT NULL DEFAULT 0,
            ingested_at TEXT NOT NULL
        );
        CREATE TABLE works (
            id TEXT PRIMARY KEY,
            title TEXT,
            year INTEGER,
            venue TEXT,
            abstract TEXT,
            authors TEXT NOT NULL DEFAULT '[]',
            authors_truncated INTEGER NOT NULL DEFAULT 0,
            keywords TEXT NOT NULL DEFAULT '[]',
            ids TEXT NOT NULL DEFAULT '{}',
            field_sources TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE work_keys (
            key TEXT NOT NULL,
            work_id TEXT NOT NULL REFERENCES works(id) ON DELETE CASCADE,
            PRIMARY KEY (key, work_id)
        ) WITHOUT ROWID;
        CREATE INDEX work_keys_work ON work_keys(work_id);
        CREATE TABLE records (
            id TEXT PRIMARY KEY,
            file_hash TEXT NOT NULL REFERENCES files(hash),
            file TEXT NOT NULL,
            line INTEGER,
            record_key TEXT,
            format TEXT NOT NULL,
            position INTEGER NOT NULL,
            data TEXT NOT NULL
        );
        CREATE INDEX records_file ON records(file_hash, position);
        CREATE TABLE work_records (
            record_id TEXT PRIMARY KEY REFERENCES records(id),
            work_id TEXT NOT NULL REFERENCES works(id)
        );
        CREATE INDEX work_records_work ON work_records(work_id);
        CREATE TABLE signatures (
            id TEXT PRIMARY KEY,
            work_id TEXT NOT NULL REFERENCES works(id),
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            block TEXT,
            affiliations TEXT NOT NULL DEFAULT '[]',
            email TEXT,
            orcid TEXT,
            UNIQUE (work_id, position)
        );
        CREATE INDEX signatures_block ON signatures(block);
        CREATE TABLE listings (
            id TEXT PRIMARY KEY,
            owner TEXT,
            source TEXT NOT NULL,
            file_hash TEXT NOT NULL REFERENCES files(hash),
            format TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE TABLE listing_entries (
            listing_id TEXT NOT NULL REFERENCES listings(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            record_id TEXT NOT NULL REFERENCES records(id),
            PRIMARY KEY (listing_id, position)
        );
        CREATE INDEX listing_entries_record ON listing_entries(record_id);
        """,
    )


PEOPLE_SCHEMA = """
CREATE TABLE IF NOT EXISTS people (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    block TEXT NOT NULL,
    locked INTEGER NOT NULL DEFAULT 0,
    created_run INTEGER,
    updated_run INTEGER
);
CREATE TABLE IF NOT EXISTS person_signatures (
    signature_id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    block TEXT NOT NULL,
    work_id TEXT NOT NULL,
    implicit INTEGER NOT NULL DEFAULT 0,
    run_id INTEGER
);
CREATE INDEX IF NOT EXISTS person_signatures_person ON person_signatures(person_id);
CREATE INDEX IF NOT EXISTS person_signatures_block ON person_signatures(block);
CREATE INDEX IF NOT EXISTS person_signatures_work ON person_signatures(work_id);
CREATE TABLE IF NOT EXISTS person_redirects (
    old_id TEXT PRIMARY KEY,
    new_id TEXT NOT NULL,
    run_id INTEGER,
    reason TEXT
);
CREATE TABLE IF NOT EXISTS curation_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    person_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    who TEXT,
    at TEXT NOT NULL,
    why TEXT
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    model TEXT,
    engine TEXT,
    stats TEXT
);
"""


def migrate_people(con: sqlite3.Connection) -> None:
    """v2: the people, person_signatures, redirects, events and runs tables (SQL: :mod:`byline.people.repo`)."""
    execute_script(con, PEOPLE_SCHEMA)


def _m3_server_settings(con: sqlite3.Connection) -> None:
    """v3: server_settings, the web server's key/value settings (e.g. its API token)."""
    # IF NOT EXISTS: before this migration the web server created the table itself.
    con.execute("CREATE TABLE IF NOT EXISTS server_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _m4_work_vectors(con: sqlite3.Connection) -> None:
    """v4: work_vectors, one text vector per work (a cache: rows of another encoder or text are ignored)."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS work_vectors (work_id TEXT PRIMARY KEY REFERENCES works(id) ON DELETE CASCADE, "
        "encoder TEXT NOT NULL, text_hash BLOB NOT NULL, vector BLOB NOT NULL) WITHOUT ROWID"
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, _m1_core),
    Migration(2, migrate_people),
    Migration(3, _m3_server_settings),
    Migration(4, _m4_work_vectors),
)
"""Every migration, in version order (append only)."""

SCHEMA_VERSION = MIGRATIONS[-1].version
"""The version this code writes."""


def migrations(items: Sequence[Migration] | None = None) -> list[Migration]:
    """The migrations (default :data:`MIGRATIONS`), checked to be versions ``1 .. n`` in order."""
    items = list(MIGRATIONS if items is None else items)
    for k, m in enumerate(items, start=1):
        if m.version != k:
            raise StoreError(f"migration {m.name} is schema version {m.version}; expected version {k}")
    return items


def schema_version() -> int:
    """The schema version this code writes."""
    return len(migrations())
