"""The embedded SQLite store: works, source records with provenance, signatures, listings.

One command = one transaction: :meth:`Store.ingest` parses every input first and writes in a single
transaction, so a file that fails midway leaves the store as it was. Re-ingesting a file changes nothing:
record ids come from the file's content hash and the record's position in it.

Schema versions and migrations
------------------------------
``schema_version`` holds one row, the store's schema version; the code writes :data:`SCHEMA_VERSION`.
A migration is a function ``(sqlite3.Connection) -> None`` registered with ``@migration(version)`` in the
module that owns its tables, so importing that module registers it (version 2 is
:func:`byline.people.repo.migrate_people`; the store imports the people layer only when it migrates).
Opening an older store runs the missing migrations in version order, each in its own transaction; a store
newer than the code is refused with a :class:`~byline.StoreError`. Never edit or renumber a registered
migration: add the next version and raise :data:`SCHEMA_VERSION`.

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

Version 2 adds the people tables (:mod:`byline.people`); version 3 ``server_settings(key PK, value)``, the
web server's settings (e.g. its API token).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import Any

from byline._codec import author_from, author_json, dumps, prov_from, prov_json, record_from, record_json
from byline._errors import StoreError
from byline.dedup import Deduper
from byline.ingest.files import ParsedFile, ProgressFn, parse_files
from byline.names import block_key
from byline.records import Listing, Record, Signature, Work, signatures_of, stable_id

__all__ = [
    "Store",
    "IngestResult",
    "SCHEMA_VERSION",
    "Migration",
    "migration",
    "migrations",
    "schema_version",
    "execute_script",
    "utc_now",
]

# ------------------------------------------------------------------------------------------------
# migrations, registered by import

# The version this code writes. Adding a migration: register it with @migration(SCHEMA_VERSION + 1) where
# its tables are defined, then raise this number (a store at this version opens without any migration).
SCHEMA_VERSION = 3

MigrationFn = Callable[[sqlite3.Connection], None]


@dataclass(frozen=True, slots=True)
class Migration:
    """A registered migration: ``fn`` upgrades a store from schema ``version - 1`` to ``version``."""

    version: int
    fn: MigrationFn
    name: str  # module.function, for messages


_REGISTRY: dict[int, Migration] = {}


def migration(version: int) -> Callable[[MigrationFn], MigrationFn]:
    """Decorator: register the function as the migration to schema ``version`` (see the module docstring).

    Registering another function for a version that has one raises :class:`~byline.StoreError`.
    """
    if version < 1:
        raise ValueError(f"schema versions start at 1, not {version}")

    def register(fn: MigrationFn) -> MigrationFn:
        name = f"{fn.__module__}.{fn.__qualname__}"
        old = _REGISTRY.get(version)
        if old is not None and old.name != name:
            raise StoreError(f"schema version {version} has two migrations: {old.name} and {name}")
        _REGISTRY[version] = Migration(version, fn, name)
        return fn

    return register


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


@migration(1)
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


@migration(3)
def _m3_server_settings(con: sqlite3.Connection) -> None:
    """v3: server_settings, the web server's key/value settings (e.g. its API token)."""
    # IF NOT EXISTS: before this migration the web server created the table itself.
    con.execute("CREATE TABLE IF NOT EXISTS server_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _import_table_owners() -> None:
    """Import the layers above the store that own tables, which registers their migrations: the people
    layer (:func:`byline.people.repo.migrate_people`, version 2). Only when a store needs migrating."""
    import byline.people.repo  # noqa: F401


def migrations() -> list[Migration]:
    """Every migration, in version order: versions ``1 .. SCHEMA_VERSION``, each registered once."""
    _import_table_owners()
    missing = [v for v in range(1, SCHEMA_VERSION + 1) if v not in _REGISTRY]
    if missing:
        raise StoreError(f"no migration registered for schema version {missing[0]}")
    beyond = sorted(v for v in _REGISTRY if v > SCHEMA_VERSION)
    if beyond:
        m = _REGISTRY[beyond[0]]
        raise StoreError(f"{m.name} is schema version {m.version}, beyond SCHEMA_VERSION {SCHEMA_VERSION}")
    return [_REGISTRY[v] for v in range(1, SCHEMA_VERSION + 1)]


def schema_version() -> int:
    """The schema version this code writes."""
    return SCHEMA_VERSION


def utc_now() -> str:
    """The one time-stamp format of the store: UTC, seconds, ``Z`` (``2026-01-31T12:00:00Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_now = utc_now


def _block_of(name: str) -> str | None:
    return block_key(name) or None


# ------------------------------------------------------------------------------------------------
# the store


@dataclass(slots=True)
class IngestResult:
    """What one :meth:`Store.ingest` did."""

    files: int = 0
    records: int = 0  # records parsed
    new_records: int = 0  # records not in the store before
    new_works: int = 0
    updated_works: int = 0
    listings: list[str] = field(default_factory=list)  # ids of the listings touched (new or existing)
    new_listings: int = 0
    listing_entries: int = 0  # entries of the listings touched
    formats: list[tuple[str, str, int]] = field(default_factory=list)  # (file, format read, records) per file

    def summary(self) -> str:
        return (
            f"{self.files} file(s), {self.records} record(s) ({self.new_records} new): "
            f"{self.new_works} new work(s), {self.updated_works} updated; "
            f"{len(self.listings)} listing(s) with {self.listing_entries} entries ({self.new_listings} new)"
        )


_CHUNK = 500


def _chunks(seq: Sequence[Any], n: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _readonly_uri(path: Path) -> str:
    """A read-only SQLite URI for ``path``. A WAL store needs its ``-shm`` file to be read; where the folder
    cannot take one (a read-only file system) and no ``-wal`` holds uncommitted pages, the file is opened
    ``immutable`` (nothing else can be writing it then)."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    folder = path.resolve().parent
    if not Path(f"{path}-wal").exists() and not os.access(folder, os.W_OK):
        uri += "&immutable=1"
    return uri


class Store:
    """The SQLite store at ``path`` (created on first use). Use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | PathLike[str], *, readonly: bool = False) -> None:
        """``readonly``: read an existing store at the current schema version without migrating or writing
        (e.g. a store on a read-only file system: see :func:`_readonly_uri`)."""
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a store file")
        try:
            if readonly:
                uri = _readonly_uri(self.path)
                self._con = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            else:
                self._con = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open store: {exc}") from None
        self._con.row_factory = sqlite3.Row
        try:
            if readonly:
                if self.version != SCHEMA_VERSION:
                    raise StoreError(f"{self.path}: schema version {self.version}, not {SCHEMA_VERSION}")
                return
            self._con.execute("PRAGMA foreign_keys = ON")
            self._con.execute("PRAGMA journal_mode = WAL")
            self._con.execute("PRAGMA synchronous = NORMAL")
            self._con.execute("PRAGMA busy_timeout = 10000")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._con.close()
            raise StoreError(f"{self.path}: not a byline store ({exc})") from None
        except BaseException:
            self._con.close()
            raise

    # -- lifecycle

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection (for modules that own further tables; write inside :meth:`transaction`)."""
        return self._con

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; any exception rolls everything back."""
        con = self._con
        if con.in_transaction:  # nested: join the outer transaction
            yield con
            return
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        else:
            con.execute("COMMIT")

    @property
    def version(self) -> int:
        row = self._con.execute("SELECT version FROM schema_version").fetchone()
        return 0 if row is None else int(row[0])

    def _migrate(self) -> None:
        con = self._con
        with self.transaction():
            con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            if con.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == 0:
                con.execute("INSERT INTO schema_version(version) VALUES (0)")
        current = self.version
        target = schema_version()
        if current > target:
            raise StoreError(
                f"{self.path}: store schema version {current} is newer than this byline supports "
                f"({target}); upgrade byline"
            )
        if current == target:
            return
        for m in migrations()[current:]:
            with self.transaction() as c:
                m.fn(c)
                c.execute("UPDATE schema_version SET version = ?", (m.version,))

    # -- ingest

    def ingest(
        self,
        paths: Iterable[str | PathLike[str]],
        owner: str | None = None,
        format: str = "auto",
        progress: ProgressFn | None = None,
        csv_mapping: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> IngestResult:
        """Parse every file, then write works, records, signatures and listings in ONE transaction.

        ``csv_mapping`` maps record fields to column names for the files read as CSV. ``labels`` maps a
        path to the name provenance gives it (e.g. ``-`` for standard input).

        Listing-shaped files (and any file when ``owner`` is given) become listings. A bad file raises
        :class:`~byline.InputError` before anything is written.
        """
        parsed = parse_files(paths, owner, format, progress, csv_mapping, labels)
        try:
            with self.transaction() as con:
                return self._write(con, parsed)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: write failed, nothing stored: {exc}") from exc

    def _write(self, con: sqlite3.Connection, parsed: list[ParsedFile]) -> IngestResult:
        res = IngestResult(
            files=len(parsed), formats=[(pf.path, pf.format, len(pf.records)) for pf in parsed]
        )
        now = _now()
        # record ids: content hash + position, so the same bytes always give the same ids
        batch: list[tuple[str, ParsedFile, int, Record]] = []
        for pf in parsed:
            con.execute(
                "INSERT OR IGNORE INTO files(hash, path, format, size, records, ingested_at) VALUES (?,?,?,?,?,?)",
                (pf.hash, pf.path, pf.format, pf.size, len(pf.records), now),
            )
            for pos, rec in enumerate(pf.records):
                batch.append((stable_id("R", pf.hash, pos), pf, pos, rec))
        res.records = len(batch)
        known: set[str] = set()
        ids = list(dict.fromkeys(rid for rid, *_ in batch))
        for chunk in _chunks(ids):
            q = f"SELECT id FROM records WHERE id IN ({','.join('?' * len(chunk))})"
            known.update(row[0] for row in con.execute(q, list(chunk)))

        deduper: Deduper = Deduper(resolve=lambda keys: self._works_by_keys(con, keys, skip=deduper.knows))
        new_recs: list[tuple[str, ParsedFile, int, Record, Work]] = []
        seen: set[str] = set()
        for rid, pf, pos, rec in batch:
            if rid in known or rid in seen:
                continue
            seen.add(rid)
            new_recs.append((rid, pf, pos, rec, deduper.add(rec)))
        res.new_records = len(new_recs)
        changed = deduper.changed_with_keys()
        fresh = deduper.new_work_ids()
        for w, _ in changed:
            self._put_work(con, w, new=w.id in fresh, now=now)
        res.new_works = sum(w.id in fresh for w, _ in changed)
        res.updated_works = len(changed) - res.new_works
        con.executemany(
            "INSERT INTO records(id, file_hash, file, line, record_key, format, position, data) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (
                (
                    rid,
                    pf.hash,
                    rec.source.file,
                    rec.source.line,
                    rec.source.record,
                    rec.format,
                    pos,
                    record_json(rec),
                )
                for rid, pf, pos, rec, _ in new_recs
            ),
        )
        con.executemany(
            "INSERT INTO work_records(record_id, work_id) VALUES (?,?)",
            ((rid, w.id) for rid, *_, w in new_recs),
        )
        con.executemany(
            "INSERT OR IGNORE INTO work_keys(key, work_id) VALUES (?,?)",
            ((k, w.id) for w, keys in changed for k in keys),
        )
        # listings
        for pf in parsed:
            if not pf.is_listing:
                continue
            lid = stable_id("L", pf.hash, pf.owner or "")
            cur = con.execute(
                "INSERT OR IGNORE INTO listings(id, owner, source, file_hash, format, created_at) "
                "VALUES (?,?,?,?,?,?)",
                (lid, pf.owner, pf.path, pf.hash, pf.format, now),
            )
            res.new_listings += cur.rowcount > 0
            if lid not in res.listings:
                res.listings.append(lid)
                res.listing_entries += len(pf.records)
            con.executemany(
                "INSERT OR IGNORE INTO listing_entries(listing_id, position, record_id) VALUES (?,?,?)",
                [(lid, pos, stable_id("R", pf.hash, pos)) for pos in range(len(pf.records))],
            )
        return res

    def _put_work(self, con: sqlite3.Connection, w: Work, *, new: bool, now: str) -> None:
        row = (
            w.title,
            w.year,
            w.venue,
            w.abstract,
            dumps([author_json(a) for a in w.authors]),
            int(w.authors_truncated),
            dumps(list(w.keywords)),
            dumps(dict(w.ids)),
            dumps({k: prov_json(v) for k, v in w.field_sources.items()}),
        )
        if new:
            con.execute(
                "INSERT INTO works(title, year, venue, abstract, authors, authors_truncated, keywords, ids, "
                "field_sources, id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (*row, w.id, now, now),
            )
        else:
            con.execute(
                "UPDATE works SET title=?, year=?, venue=?, abstract=?, authors=?, authors_truncated=?, "
                "keywords=?, ids=?, field_sources=?, updated_at=? WHERE id=?",
                (*row, now, w.id),
            )
        sigs = signatures_of(w)
        con.executemany(
            "INSERT INTO signatures(id, work_id, position, name, block, affiliations, email, orcid) "
            "VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET name=excluded.name, block=excluded.block, "
            "affiliations=excluded.affiliations, email=excluded.email, orcid=excluded.orcid",
            [
                (
                    s.id,
                    w.id,
                    s.position,
                    s.name,
                    _block_of(s.name),
                    dumps(list(s.affiliations)),
                    s.email,
                    s.orcid,
                )
                for s in sigs
            ],
        )
        con.execute("DELETE FROM signatures WHERE work_id = ? AND position >= ?", (w.id, len(sigs)))

    def _works_by_keys(
        self, con: sqlite3.Connection, keys: list[str], skip: Callable[[str], bool] = lambda _: False
    ) -> list[Work]:
        ids: list[str] = []
        for chunk in _chunks(keys):
            q = f"SELECT DISTINCT work_id FROM work_keys WHERE key IN ({','.join('?' * len(chunk))})"
            ids.extend(row[0] for row in con.execute(q, list(chunk)))
        return [self._load_work(con, wid) for wid in dict.fromkeys(ids) if not skip(wid)]

    # -- reading

    def _load_work(
        self, con: sqlite3.Connection, wid: str, row: sqlite3.Row | None = None, with_records: bool = True
    ) -> Work:
        if row is None:
            row = con.execute("SELECT * FROM works WHERE id = ?", (wid,)).fetchone()
            if row is None:
                raise StoreError(f"no work with id {wid!r}")
        w = Work(
            id=row["id"],
            title=row["title"],
            year=row["year"],
            venue=row["venue"],
            abstract=row["abstract"],
            authors=[author_from(a) for a in json.loads(row["authors"])],
            authors_truncated=bool(row["authors_truncated"]),
            keywords=list(json.loads(row["keywords"])),
            ids=dict(json.loads(row["ids"])),
            field_sources={k: prov_from(v) for k, v in json.loads(row["field_sources"]).items()},
        )
        if with_records:
            w.records = [
                record_from(r["data"], record_id=r["id"], work_id=wid)
                for r in con.execute(
                    "SELECT r.id, r.data FROM work_records wr JOIN records r ON r.id = wr.record_id "
                    "WHERE wr.work_id = ? ORDER BY r.rowid",
                    (wid,),
                )
            ]
        return w

    def iter_works(self, *, with_records: bool = True) -> Iterator[Work]:
        """Every work, in creation order."""
        by_work: dict[str, list[Record]] = {}
        if with_records:
            for r in self._con.execute(
                "SELECT wr.work_id, r.id, r.data FROM work_records wr JOIN records r ON r.id = wr.record_id "
                "ORDER BY r.rowid"
            ):
                by_work.setdefault(r[0], []).append(record_from(r[2], record_id=r[1], work_id=r[0]))
        for row in self._con.execute("SELECT * FROM works ORDER BY rowid").fetchall():
            w = self._load_work(self._con, row["id"], row, with_records=False)
            w.records = by_work.pop(w.id, [])
            yield w

    def works(self, *, with_records: bool = True) -> list[Work]:
        """Every work, in creation order, with its source records."""
        return list(self.iter_works(with_records=with_records))

    def work(self, work_id: str) -> Work:
        """One work by id; :class:`~byline.StoreError` when unknown."""
        return self._load_work(self._con, work_id)

    def works_by_id(self, work_ids: Iterable[str]) -> dict[str, Work]:
        """The stored works among ``work_ids`` (without their records), one query per 500 ids."""
        ids = list(dict.fromkeys(work_ids))
        out: dict[str, Work] = {}
        for chunk in _chunks(ids):
            q = f"SELECT * FROM works WHERE id IN ({','.join('?' * len(chunk))})"
            for row in self._con.execute(q, list(chunk)).fetchall():
                out[row["id"]] = self._load_work(self._con, row["id"], row, with_records=False)
        return out

    def count(self, table: str) -> int:
        """Row count of one of the store's tables."""
        names = {r[0] for r in self._con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if table not in names:
            raise StoreError(f"no table {table!r} in the store")
        return int(self._con.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])

    def _load_listing(self, row: sqlite3.Row) -> Listing:
        recs = [
            record_from(r["data"], record_id=r["id"], work_id=r["work_id"])
            for r in self._con.execute(
                "SELECT r.id, r.data, wr.work_id FROM listing_entries le "
                "JOIN records r ON r.id = le.record_id JOIN work_records wr ON wr.record_id = r.id "
                "WHERE le.listing_id = ? ORDER BY le.position",
                (row["id"],),
            )
        ]
        return Listing(source=row["source"], owner=row["owner"], records=recs, id=row["id"])

    def listings(self) -> list[Listing]:
        """Every listing (records carry ``extra['work_id']`` / ``extra['record_id']``)."""
        rows = self._con.execute("SELECT * FROM listings ORDER BY rowid").fetchall()
        return [self._load_listing(r) for r in rows]

    def listing(self, listing_id: str) -> Listing:
        """One listing by id; :class:`~byline.StoreError` when unknown."""
        row = self._con.execute("SELECT * FROM listings WHERE id = ?", (listing_id,)).fetchone()
        if row is None:
            raise StoreError(f"no listing with id {listing_id!r}")
        return self._load_listing(row)

    def listing_work_ids(self, listing_id: str) -> list[str]:
        """The distinct work ids of a listing's entries, in entry order."""
        self.listing(listing_id)  # raises when unknown
        rows = self._con.execute(
            "SELECT wr.work_id FROM listing_entries le JOIN work_records wr ON wr.record_id = le.record_id "
            "WHERE le.listing_id = ? ORDER BY le.position",
            (listing_id,),
        )
        return list(dict.fromkeys(r[0] for r in rows))

    def signatures(self, block: str | None = None) -> list[Signature]:
        """Signatures of every work (or of one block key, see :func:`byline.names.block_key`), work by work
        in the order their signatures were first stored; one query, then one per 500 works."""
        q = "SELECT work_id, position FROM signatures" + (" WHERE block = ?" if block is not None else "")
        rows = self._con.execute(q + " ORDER BY rowid", () if block is None else (block,)).fetchall()
        wanted = {(r[0], r[1]) for r in rows}
        order = list(dict.fromkeys(r[0] for r in rows))
        works = self.works_by_id(order)
        return [s for wid in order for s in signatures_of(works[wid]) if (wid, s.position) in wanted]
