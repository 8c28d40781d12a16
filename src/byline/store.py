"""The embedded SQLite store: works, source records with provenance, signatures, listings.

One command = one transaction: :meth:`Store.ingest` parses every input first and writes in a single
transaction, so a file that fails midway leaves the store as it was. Re-ingesting a file changes nothing:
record ids come from the file's content hash and the record's position in it.

The schema (every table) and its migrations live in :mod:`byline.schema`, an explicit ordered list;
opening an older store runs the missing ones. This module never imports the layers above it.
"""

from __future__ import annotations

import contextlib
import itertools
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
from byline.ingest.files import OpenFile, ProgressFn, open_files
from byline.names import block_key
from byline.records import Listing, Record, Signature, Work, signatures_of, stable_id
from byline.schema import SCHEMA_VERSION, Migration, execute_script, migrations, schema_version

__all__ = [
    "Store",
    "IngestResult",
    "SCHEMA_VERSION",
    "Migration",
    "migrations",
    "schema_version",
    "execute_script",
    "utc_now",
]


def utc_now() -> str:
    """The one time-stamp format of the store: UTC, seconds, ``Z`` (``2026-01-31T12:00:00Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_now = utc_now


def _block_of(name: str) -> str | None:
    return block_key(name) or None


def _write_vectors(con: sqlite3.Connection, encoder: str, rows: Iterable[tuple[str, bytes, bytes]]) -> None:
    con.executemany(
        "INSERT OR REPLACE INTO work_vectors(work_id, encoder, text_hash, vector) VALUES (?,?,?,?)",
        ((wid, encoder, h, v) for wid, h, v in rows),
    )


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
        (a worker process reading blocks while the command that started it holds the write lock, or a store on a
        read-only file system: see :func:`_readonly_uri`)."""
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
            self._con.execute("PRAGMA busy_timeout = 10000")
            if readonly:
                if self.version != schema_version():
                    raise StoreError(f"{self.path}: schema version {self.version}, not {schema_version()}")
                return
            self._con.execute("PRAGMA foreign_keys = ON")
            self._con.execute("PRAGMA journal_mode = WAL")
            self._con.execute("PRAGMA synchronous = NORMAL")
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

    ingest_batch = 5_000
    """Records parsed, deduplicated and written per batch: ingest memory is flat in the file's size."""

    encode_at_ingest = True
    """Store the text vector of each work a batch adds or changes (:mod:`byline.text_vectors`); when off (or
    the encoder cannot be loaded), ``disambiguate`` computes and stores the missing ones."""

    def ingest(
        self,
        paths: Iterable[str | PathLike[str]],
        owner: str | None = None,
        format: str = "auto",
        progress: ProgressFn | None = None,
        csv_mapping: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> IngestResult:
        """Stream every file into the store, :attr:`ingest_batch` records at a time, in ONE transaction.

        ``csv_mapping`` maps record fields to column names for the files read as CSV. ``labels`` maps a
        path to the name provenance gives it (e.g. ``-`` for standard input).

        Listing-shaped files (and any file when ``owner`` is given) become listings. A bad file raises
        :class:`~byline.InputError` and the transaction rolls back: nothing of the ingest is stored.
        """
        res = IngestResult()
        try:
            with self.transaction() as con:
                now = _now()
                for f in open_files(paths, owner, format, progress, csv_mapping, labels):
                    self._write_file(con, f, res, now)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: write failed, nothing stored: {exc}") from exc
        return res

    def _write_file(self, con: sqlite3.Connection, f: OpenFile, res: IngestResult, now: str) -> None:
        con.execute(
            "INSERT OR IGNORE INTO files(hash, path, format, size, records, ingested_at) VALUES (?,?,?,?,?,?)",
            (f.hash, f.path, f.format, f.size, 0, now),
        )
        n = 0
        records = iter(f.records)
        while chunk := list(itertools.islice(records, self.ingest_batch)):
            # record ids: content hash + position, so the same bytes always give the same ids
            self._write_batch(
                con, f, [(stable_id("R", f.hash, n + k), n + k, r) for k, r in enumerate(chunk)], res, now
            )
            n += len(chunk)
        con.execute("UPDATE files SET records = ? WHERE hash = ?", (n, f.hash))
        res.files += 1
        res.records += n
        res.formats.append((f.path, f.format, n))
        if not f.is_listing:
            return
        lid = stable_id("L", f.hash, f.owner or "")
        cur = con.execute(
            "INSERT OR IGNORE INTO listings(id, owner, source, file_hash, format, created_at) VALUES (?,?,?,?,?,?)",
            (lid, f.owner, f.path, f.hash, f.format, now),
        )
        res.new_listings += cur.rowcount > 0
        if lid not in res.listings:
            res.listings.append(lid)
            res.listing_entries += n
        con.executemany(
            "INSERT OR IGNORE INTO listing_entries(listing_id, position, record_id) VALUES (?,?,?)",
            ((lid, pos, stable_id("R", f.hash, pos)) for pos in range(n)),
        )

    def _write_batch(
        self,
        con: sqlite3.Connection,
        f: OpenFile,
        batch: list[tuple[str, int, Record]],
        res: IngestResult,
        now: str,
    ) -> None:
        """One batch of a file's records: new ones deduplicated against the store and written."""
        known: set[str] = set()
        for chunk in _chunks([rid for rid, *_ in batch]):
            q = f"SELECT id FROM records WHERE id IN ({','.join('?' * len(chunk))})"
            known.update(row[0] for row in con.execute(q, list(chunk)))
        # the resolver must not hold the deduper itself: that cycle would keep every batch's deduper
        # (abstract shingles included) alive until the cyclic GC ran, and memory would grow with the file
        live: list[Deduper] = []
        deduper = Deduper(resolve=lambda keys: self._works_by_keys(con, keys, skip=live[0].knows))
        live.append(deduper)
        try:
            new_recs = [(rid, pos, rec, deduper.add(rec)) for rid, pos, rec in batch if rid not in known]
            changed = deduper.changed_with_keys()
            fresh = deduper.new_work_ids()
        finally:
            live.clear()
        res.new_records += len(new_recs)
        for w, _ in changed:
            self._put_work(con, w, new=w.id in fresh, now=now)
        if changed and self.encode_at_ingest:
            self._put_work_vectors(con, [w for w, _ in changed])
        res.new_works += sum(w.id in fresh for w, _ in changed)
        res.updated_works += sum(w.id not in fresh for w, _ in changed)
        con.executemany(
            "INSERT INTO records(id, file_hash, file, line, record_key, format, position, data) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (
                (
                    rid,
                    f.hash,
                    rec.source.file,
                    rec.source.line,
                    rec.source.record,
                    rec.format,
                    pos,
                    record_json(rec),
                )
                for rid, pos, rec, _ in new_recs
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

    def _put_work_vectors(self, con: sqlite3.Connection, works: list[Work]) -> None:
        from byline._errors import ModelError
        from byline.encoder import default_encoder
        from byline.text_vectors import encode_works

        try:
            enc = default_encoder()
        except ModelError:  # no encoder installed: disambiguate will say so
            return
        _write_vectors(con, enc.sha256, encode_works(works, enc))

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

    # -- block by block (streamed runs: memory bounded by the largest batch of blocks, not the store)

    def block_sizes(self) -> dict[str, int]:
        """Block key -> number of signatures, for the signatures that have a block key (one query)."""
        rows = self._con.execute(
            "SELECT block, COUNT(*) FROM signatures WHERE block IS NOT NULL GROUP BY block"
        )
        return {r[0]: int(r[1]) for r in rows}

    def unblocked_signatures(self) -> list[tuple[str, str]]:
        """(id, name) of the signatures whose name gives no block key."""
        return [
            (r[0], r[1]) for r in self._con.execute("SELECT id, name FROM signatures WHERE block IS NULL")
        ]

    def signature_names(self) -> Iterator[str]:
        """Every signature's printed name, streamed."""
        for (name,) in self._con.execute("SELECT name FROM signatures"):
            yield name

    def signatures_in_blocks(self, blocks: Iterable[str], ids: Iterable[str] = ()) -> list[Signature]:
        """The signatures of the given block keys, and those with the given ids (as :meth:`signatures`
        gives them); two queries plus one per 500 works."""
        rows = self._con.execute(
            "SELECT work_id, position FROM signatures WHERE block IN (SELECT value FROM json_each(?)) "
            "UNION SELECT work_id, position FROM signatures WHERE id IN (SELECT value FROM json_each(?))",
            (dumps(sorted(set(blocks))), dumps(sorted(set(ids)))),
        ).fetchall()
        wanted: dict[str, list[int]] = {}
        for wid, pos in rows:
            wanted.setdefault(wid, []).append(pos)
        works = self.works_by_id(wanted)
        out: list[Signature] = []
        for wid, positions in wanted.items():
            sigs = signatures_of(works[wid])
            out.extend(sigs[p] for p in sorted(positions) if p < len(sigs))
        return out

    def orcid_spans(self) -> list[tuple[str, str | None, str | None]]:
        """(ORCID iD, block, name) of the signatures whose iD (normalized:
        :func:`byline.curation.normalize_orcid`) is found under more than one block key: one row per
        distinct iD and block (and name, for signatures without a block key), ordered by iD. One grouped
        query."""
        from byline.curation import normalize_orcid

        self._con.create_function("byline_orcid", 1, normalize_orcid, deterministic=True)
        rows = self._con.execute(
            "WITH t AS (SELECT DISTINCT byline_orcid(orcid) AS o, block AS b, "
            "CASE WHEN block IS NULL THEN name END AS n FROM signatures WHERE orcid IS NOT NULL AND orcid <> '') "
            "SELECT o, b, n FROM (SELECT o, b, n, COUNT(*) OVER (PARTITION BY o) AS c FROM t WHERE o IS NOT NULL) "
            "WHERE c > 1 ORDER BY o, b, n"
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def signature_blocks(self, ids: Iterable[str]) -> dict[str, str]:
        """Signature id -> block (as :func:`byline.block.block_of` gives it), for the stored ones among ``ids``."""
        rows = self._con.execute(
            "SELECT id, block, name FROM signatures WHERE id IN (SELECT value FROM json_each(?))",
            (dumps(sorted(set(ids))),),
        )
        return {r[0]: r[1] if r[1] is not None else f"?{r[2].strip().lower()}" for r in rows}

    # -- text vectors (byline.text_vectors)

    def text_vectors(self, work_ids: Iterable[str], encoder: str) -> dict[str, tuple[bytes, bytes]]:
        """Work id -> (text hash, vector bytes) of the stored vectors of the encoder with sha256 ``encoder``,
        for the works among ``work_ids`` (one query)."""
        rows = self._con.execute(
            "SELECT work_id, text_hash, vector FROM work_vectors WHERE encoder = ? "
            "AND work_id IN (SELECT value FROM json_each(?))",
            (encoder, dumps(sorted(set(work_ids)))),
        )
        return {r[0]: (bytes(r[1]), bytes(r[2])) for r in rows}

    def put_text_vectors(self, encoder: str, rows: Iterable[tuple[str, bytes, bytes]]) -> None:
        """Store (work id, text hash, vector bytes) rows of the encoder with sha256 ``encoder`` (one
        ``executemany``; inside the caller's transaction, or a transaction of its own)."""
        with self.transaction() as con:
            _write_vectors(con, encoder, rows)
