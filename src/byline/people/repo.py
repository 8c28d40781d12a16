"""Every SQL statement of the people layer: people, their signatures, redirects, curation events, runs,
and the reads of listings and works the layer needs.

Functions take an open :class:`sqlite3.Connection` (inside :meth:`byline.store.Store.transaction` when
they write). None of them runs a query per row: reads fetch whole tables or one ``IN`` list per chunk,
writes go through ``executemany``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from byline._errors import StoreError
from byline._person_ids import follow
from byline.curation import Event
from byline.schema import PEOPLE_SCHEMA, migrate_people  # noqa: F401  (re-exported: the people tables' DDL)
from byline.store import utc_now

Conn = sqlite3.Connection

_CHUNK = 500


def _chunks(seq: Sequence[str], n: int = _CHUNK) -> Iterator[Sequence[str]]:
    for k in range(0, len(seq), n):
        yield seq[k : k + n]


def _marks(n: int) -> str:
    return ",".join("?" * n)


# -- people and their signatures ----------------------------------------------------------------------


@dataclass(frozen=True)
class PersonRecord:
    """One row of ``people``."""

    id: str
    name: str
    block: str
    locked: bool


def people(conn: Conn) -> dict[str, PersonRecord]:
    """Every stored person by id."""
    return {
        r[0]: PersonRecord(r[0], r[1], r[2], bool(r[3]))
        for r in conn.execute("SELECT id, name, block, locked FROM people")
    }


def people_by_id(conn: Conn, pids: Sequence[str]) -> dict[str, PersonRecord]:
    """The stored people among ``pids``, by id (one query per 500 ids)."""
    out: dict[str, PersonRecord] = {}
    for chunk in _chunks(list(pids)):
        for r in conn.execute(
            f"SELECT id, name, block, locked FROM people WHERE id IN ({_marks(len(chunk))})", tuple(chunk)
        ):
            out[r[0]] = PersonRecord(r[0], r[1], r[2], bool(r[3]))
    return out


def person(conn: Conn, pid: str) -> PersonRecord | None:
    r = conn.execute("SELECT id, name, block, locked FROM people WHERE id = ?", (pid,)).fetchone()
    return None if r is None else PersonRecord(r[0], r[1], r[2], bool(r[3]))


def person_names(conn: Conn) -> dict[str, str]:
    return dict(conn.execute("SELECT id, name FROM people").fetchall())


def assignments(conn: Conn) -> dict[str, str]:
    """signature id -> person id, for every placed signature."""
    return dict(conn.execute("SELECT signature_id, person_id FROM person_signatures").fetchall())


def members(conn: Conn, pid: str) -> list[str]:
    """The signature ids of one person, sorted."""
    return [
        r[0]
        for r in conn.execute(
            "SELECT signature_id FROM person_signatures WHERE person_id = ? ORDER BY signature_id", (pid,)
        )
    ]


def members_of(conn: Conn, pids: Sequence[str]) -> dict[str, list[str]]:
    """person id -> its signature ids (sorted), for several people at once."""
    out: dict[str, list[str]] = {p: [] for p in pids}
    for chunk in _chunks(list(dict.fromkeys(pids))):
        for pid, sid in conn.execute(
            f"SELECT person_id, signature_id FROM person_signatures WHERE person_id IN "
            f"({_marks(len(chunk))}) ORDER BY signature_id",
            tuple(chunk),
        ):
            out[pid].append(sid)
    return out


def all_members(conn: Conn) -> dict[str, list[str]]:
    """person id -> its signature ids (sorted), for everyone (one query)."""
    out: dict[str, list[str]] = {}
    for pid, sid in conn.execute(
        "SELECT person_id, signature_id FROM person_signatures ORDER BY signature_id"
    ):
        out.setdefault(pid, []).append(sid)
    return out


def placed_on_work(conn: Conn, work_id: str) -> list[tuple[str, str, bool]]:
    """(signature id, person id, implicit) of the signatures of one work that sit in a person."""
    return [
        (r[0], r[1], bool(r[2]))
        for r in conn.execute(
            "SELECT signature_id, person_id, implicit FROM person_signatures WHERE work_id = ? ORDER BY signature_id",
            (work_id,),
        )
    ]


def person_variants(conn: Conn, needles: Sequence[str] = ()) -> list[tuple[str, str]]:
    """Distinct (person id, printed name) over the placed signatures that have a printed name (one query).

    ``needles`` (lower-case ASCII letters/digits): keep only printed names that contain one of them with
    anything in between its letters, or any non-ASCII character -- a cheap superset of the names whose
    folded form contains a needle (see :func:`byline.people.views.name_matcher`).
    """
    # CROSS JOIN keeps SQLite's join order: filter the signatures first, then look their people up
    where, args = _like_filter("s.name", needles)
    sql = (
        "SELECT DISTINCT ps.person_id, s.name FROM signatures s CROSS JOIN person_signatures ps "
        "ON ps.signature_id = s.id" + where
    )
    return [(r[0], r[1]) for r in conn.execute(sql, args)]


def _like_filter(column: str, needles: Sequence[str]) -> tuple[str, list[str]]:
    if not needles:
        return "", []
    # byte length > character length: a non-ASCII name, which folding may turn into a needle
    where = (
        " OR ".join([f"{column} LIKE ? ESCAPE '\\'"] * len(needles))
        + f" OR length(CAST({column} AS BLOB)) > length({column})"
    )
    return f" WHERE {where}", ["%" + "%".join(map(_like_literal, n)) + "%" for n in needles]


def _like_literal(ch: str) -> str:
    """One character matched as itself by ``LIKE ... ESCAPE '\\'`` (``%``, ``_`` and ``\\`` escaped)."""
    return "\\" + ch if ch in "%_\\" else ch


def person_names_like(conn: Conn, needles: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(person id, display name) of the people whose name may contain a needle (see :func:`person_variants`)."""
    where, args = _like_filter("name", needles)
    return [(r[0], r[1]) for r in conn.execute(f"SELECT id, name FROM people{where}", args)]


@dataclass(frozen=True)
class PersonCount:
    """One person with the sizes the search orders by."""

    person: PersonRecord
    n_signatures: int
    n_works: int


_COUNTS_SQL = (
    "SELECT p.id, p.name, p.block, p.locked, COUNT(ps.signature_id), COUNT(DISTINCT ps.work_id) "
    "FROM people p LEFT JOIN person_signatures ps ON ps.person_id = p.id"
)


def person_counts(conn: Conn, pids: Sequence[str] | None = None) -> dict[str, PersonCount]:
    """person id -> its row and sizes, for ``pids`` (None: everyone); one statement however many ids
    (they travel as one JSON array)."""
    if pids is None:
        rows = conn.execute(_COUNTS_SQL + " GROUP BY p.id")
    else:
        rows = conn.execute(
            _COUNTS_SQL + " WHERE p.id IN (SELECT value FROM json_each(?)) GROUP BY p.id",
            (json.dumps(list(dict.fromkeys(pids))),),
        )
    return {r[0]: PersonCount(PersonRecord(r[0], r[1], r[2], bool(r[3])), int(r[4]), int(r[5])) for r in rows}


def members_json(conn: Conn, pids: Sequence[str]) -> dict[str, list[str]]:
    """person id -> its signature ids (sorted), for several people in one statement."""
    out: dict[str, list[str]] = {p: [] for p in pids}
    for pid, sid in conn.execute(
        "SELECT person_id, signature_id FROM person_signatures "
        "WHERE person_id IN (SELECT value FROM json_each(?)) ORDER BY signature_id",
        (json.dumps(list(dict.fromkeys(pids))),),
    ):
        out[pid].append(sid)
    return out


def placements(conn: Conn, sids: Sequence[str]) -> dict[str, str]:
    """signature id -> person id, for the placed signatures among ``sids`` (one statement)."""
    return dict(
        conn.execute(
            "SELECT signature_id, person_id FROM person_signatures "
            "WHERE signature_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(dict.fromkeys(sids))),),
        ).fetchall()
    )


def work_citations(conn: Conn, work_ids: Sequence[str]) -> dict[str, tuple[int, str]]:
    """work id -> (the highest citation count a source record gave, that record's format), for the works
    among ``work_ids`` whose records carry one (``extra.cited_by_count``: OpenAlex, Semantic Scholar).
    One statement."""
    out: dict[str, tuple[int, str]] = {}
    for wid, count, fmt in conn.execute(
        "SELECT wr.work_id, CAST(json_extract(r.data, '$.extra.cited_by_count') AS INTEGER), r.format "
        "FROM work_records wr JOIN records r ON r.id = wr.record_id "
        "WHERE wr.work_id IN (SELECT value FROM json_each(?)) "
        "AND json_extract(r.data, '$.extra.cited_by_count') IS NOT NULL",
        (json.dumps(list(dict.fromkeys(work_ids))),),
    ):
        if count is not None and (wid not in out or int(count) > out[wid][0]):
            out[wid] = (int(count), str(fmt))
    return out


def signature_counts(conn: Conn) -> dict[str, int]:
    """person id -> number of signatures."""
    return dict(
        conn.execute("SELECT person_id, COUNT(*) FROM person_signatures GROUP BY person_id").fetchall()
    )


def redirects(conn: Conn) -> dict[str, str]:
    return dict(conn.execute("SELECT old_id, new_id FROM person_redirects").fetchall())


def add_redirects(conn: Conn, pairs: Iterable[tuple[str, str]], run_id: int | None, reason: str) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO person_redirects (old_id, new_id, run_id, reason) VALUES (?,?,?,?)",
        [(a, b, run_id, reason) for a, b in pairs],
    )


def remove_redirects(conn: Conn, old_ids: Iterable[str]) -> None:
    conn.executemany("DELETE FROM person_redirects WHERE old_id = ?", [(x,) for x in old_ids])


def resolve(conn: Conn, pid: str) -> str:
    """The current id of ``pid`` (redirect chains followed), or :class:`StoreError` if unknown."""
    cur = follow(redirects(conn), pid)
    if person(conn, cur) is None:
        if cur != pid:
            raise StoreError(f"person {pid} was retired into {cur}, which no longer exists")
        raise StoreError(f"unknown person id {pid!r} (see `byline people`)")
    return cur


def taken_ids(conn: Conn) -> set[str]:
    """Every person id ever used: current, retired, or named by a curation event."""
    ids = {r[0] for r in conn.execute("SELECT id FROM people")}
    for a, b in conn.execute("SELECT old_id, new_id FROM person_redirects"):
        ids.update((a, b))
    for (payload,) in conn.execute("SELECT payload FROM curation_events"):
        p = json.loads(payload)
        ids.update(str(p[k]) for k in ("new_person", "into", "from") if p.get(k))
    return ids


def insert_person(
    conn: Conn, pid: str, name: str, block: str, locked: bool = False, run_id: int | None = None
) -> None:
    conn.execute(
        "INSERT INTO people (id, name, block, locked, created_run, updated_run) VALUES (?,?,?,?,?,?)",
        (pid, name, block, int(locked), run_id, run_id),
    )


def update_people(conn: Conn, rows: Iterable[tuple[str, str | None, bool | None]]) -> None:
    """(person id, new name or None, new locked flag or None) for several people."""
    rows = list(rows)
    conn.executemany("UPDATE people SET name = ? WHERE id = ?", [(n, p) for p, n, _ in rows if n is not None])
    conn.executemany(
        "UPDATE people SET locked = ? WHERE id = ?", [(int(k), p) for p, _, k in rows if k is not None]
    )


def delete_people(conn: Conn, pids: Iterable[str]) -> None:
    conn.executemany("DELETE FROM people WHERE id = ?", [(p,) for p in pids])


def delete_empty_people(conn: Conn, pids: Iterable[str]) -> list[str]:
    """Delete those of ``pids`` that have no signature left; returns them."""
    pids = list(dict.fromkeys(pids))
    left = members_of(conn, pids)
    empty = [p for p in pids if not left.get(p)]
    delete_people(conn, empty)
    return empty


def place_signatures(conn: Conn, rows: Iterable[tuple[str, str, str, str, bool]]) -> None:
    """Put signatures in people: (signature id, person id, block, work id, implicit); replaces any placement."""
    conn.executemany(
        "INSERT INTO person_signatures (signature_id, person_id, block, work_id, implicit, run_id) "
        "VALUES (?,?,?,?,?,NULL) ON CONFLICT(signature_id) DO UPDATE SET person_id = excluded.person_id",
        [(s, p, b, w, int(i)) for s, p, b, w, i in rows],
    )


def unplace_signatures(conn: Conn, sigs: Iterable[str]) -> None:
    conn.executemany("DELETE FROM person_signatures WHERE signature_id = ?", [(s,) for s in sigs])


def move_signatures(conn: Conn, sigs: Iterable[str], pid: str) -> None:
    conn.executemany(
        "UPDATE person_signatures SET person_id = ? WHERE signature_id = ?", [(pid, s) for s in sigs]
    )


def move_person(conn: Conn, old: str, new: str) -> None:
    """Every signature of ``old`` to ``new``."""
    conn.execute("UPDATE person_signatures SET person_id = ? WHERE person_id = ?", (new, old))


@dataclass(frozen=True)
class PeopleWrite:
    """A new membership for some people, as computed by a run (see :func:`write_people`)."""

    groups: Mapping[str, Sequence[str]]  # person id -> signature ids
    names: Mapping[str, str]  # person id -> display name
    blocks: Mapping[str, str]  # person id -> main block
    locked: Mapping[str, bool]  # person id -> locked flag
    sig_rows: Mapping[str, tuple[str, str, bool]]  # signature id -> (block, work id, implicit)


def write_people(
    conn: Conn, run_id: int, new: PeopleWrite, old: Mapping[str, str], blocks: set[str] | None = None
) -> None:
    """Persist ``new`` for ``blocks`` (None: everything), in a fixed number of statements.

    People whose membership and row did not change keep their ``updated_run``; a signature row keeps the
    ``run_id`` of the run that last moved it.
    """
    stored = people(conn)
    last_run = dict(conn.execute("SELECT signature_id, run_id FROM person_signatures").fetchall())
    if blocks is None:
        conn.execute("DELETE FROM person_signatures")
        gone = [p for p in stored if p not in new.groups]
    else:
        bl = sorted(blocks)
        for chunk in _chunks(bl):
            conn.execute(f"DELETE FROM person_signatures WHERE block IN ({_marks(len(chunk))})", tuple(chunk))
        gone = [p for p, r in stored.items() if r.block in blocks and p not in new.groups]
    delete_people(conn, gone)
    write_people_rows(conn, run_id, new, old, stored, last_run)


# -- curation events ----------------------------------------------------------------------------------


def write_people_rows(
    conn: Conn,
    run_id: int,
    new: PeopleWrite,
    old: Mapping[str, str],
    stored: Mapping[str, PersonRecord],
    last_run: Mapping[str, int],
) -> None:
    """Insert or update ``new``'s people and write their signature rows (3 statements). ``stored``: the
    people rows before the write; ``last_run``: signature id -> the run that last moved it (kept when a
    signature stays with its person)."""
    old_groups: dict[str, set[str]] = {}
    for sid, pid in old.items():
        old_groups.setdefault(pid, set()).add(sid)
    inserts, updates = [], []
    for pid in sorted(new.groups):
        sids = set(new.groups[pid])
        row = (new.names[pid], new.blocks[pid], bool(new.locked[pid]))
        cur = stored.get(pid)
        if cur is None:
            inserts.append((pid, row[0], row[1], int(row[2]), run_id, run_id))
        elif sids != old_groups.get(pid, set()) or (cur.name, cur.block, cur.locked) != row:
            updates.append((row[0], row[1], int(row[2]), run_id, pid))
    conn.executemany(
        "INSERT INTO people (id, name, block, locked, created_run, updated_run) VALUES (?,?,?,?,?,?)", inserts
    )
    conn.executemany(
        "UPDATE people SET name = ?, block = ?, locked = ?, updated_run = ? WHERE id = ?", updates
    )
    conn.executemany(
        "INSERT INTO person_signatures (signature_id, person_id, block, work_id, implicit, run_id) "
        "VALUES (?,?,?,?,?,?)",
        [
            (
                s,
                pid,
                *new.sig_rows[s][:2],
                int(new.sig_rows[s][2]),
                run_id if old.get(s) != pid else last_run.get(s),
            )
            for pid in sorted(new.groups)
            for s in sorted(new.groups[pid])
        ],
    )


def events(conn: Conn) -> list[Event]:
    """Every curation event, oldest first."""
    rows = conn.execute("SELECT id, kind, person_id, payload, who, at, why FROM curation_events ORDER BY id")
    return [Event(r[0], r[1], r[2], json.loads(r[3]), r[4] or "", r[5], r[6] or "") for r in rows]


def next_event_id(conn: Conn) -> int:
    (n,) = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM curation_events").fetchone()
    return int(n)


def insert_event(conn: Conn, event: Event) -> Event:
    cur = conn.execute(
        "INSERT INTO curation_events (kind, person_id, payload, who, at, why) VALUES (?,?,?,?,?,?)",
        (event.kind, event.person, event.payload_json(), event.who, event.at, event.why),
    )
    return replace(event, id=int(cur.lastrowid or 0))


# -- runs ---------------------------------------------------------------------------------------------


def start_run(conn: Conn, kind: str, model: str | None = None, engine: str | None = None) -> int:
    cur = conn.execute(
        "INSERT INTO runs (kind, started_at, model, engine) VALUES (?,?,?,?)",
        (kind, utc_now(), model, engine),
    )
    return int(cur.lastrowid or 0)


def finish_run(conn: Conn, run_id: int, stats: Mapping[str, object]) -> None:
    conn.execute(
        "UPDATE runs SET finished_at = ?, stats = ? WHERE id = ?",
        (utc_now(), json.dumps(dict(stats), sort_keys=True), run_id),
    )


# -- listings, signatures, generation -----------------------------------------------------------------


@dataclass(frozen=True)
class ListingRow:
    """A stored listing: its owner and the distinct works of its entries, in entry order."""

    id: str
    owner: str | None
    source: str
    work_ids: tuple[str, ...]


def listings(conn: Conn) -> list[ListingRow]:
    """Every listing with its work ids (one query)."""
    heads = conn.execute("SELECT id, owner, source FROM listings ORDER BY rowid").fetchall()
    wids: dict[str, list[str]] = {}
    for lid, wid in conn.execute(
        "SELECT le.listing_id, wr.work_id FROM listing_entries le "
        "JOIN work_records wr ON wr.record_id = le.record_id ORDER BY le.listing_id, le.position"
    ):
        wids.setdefault(lid, []).append(wid)
    return [
        ListingRow(lid, owner, source, tuple(dict.fromkeys(wids.get(lid, []))))
        for lid, owner, source in heads
    ]


def known_signatures(conn: Conn, sids: Sequence[str]) -> set[str]:
    """Those of ``sids`` that are stored (printed) or placed (implicit owner signatures)."""
    out: set[str] = set()
    for chunk in _chunks(list(sids)):
        q = _marks(len(chunk))
        out.update(
            r[0]
            for r in conn.execute(
                f"SELECT id FROM signatures WHERE id IN ({q}) UNION "
                f"SELECT signature_id FROM person_signatures WHERE signature_id IN ({q})",
                (*chunk, *chunk),
            )
        )
    return out


def signature_rows(conn: Conn, sids: Sequence[str]) -> dict[str, tuple[str, list[str]]]:
    """signature id -> (printed name, affiliations) of the stored signatures among ``sids``."""
    out: dict[str, tuple[str, list[str]]] = {}
    for chunk in _chunks(list(dict.fromkeys(sids))):
        q = f"SELECT id, name, affiliations FROM signatures WHERE id IN ({_marks(len(chunk))})"
        out.update((r[0], (r[1], json.loads(r[2] or "[]"))) for r in conn.execute(q, tuple(chunk)))
    return out


def work_labels(conn: Conn, work_ids: Sequence[str]) -> dict[str, tuple[int | None, str | None, str | None]]:
    """work id -> (year, title, abstract) of the works among ``work_ids``."""
    out: dict[str, tuple[int | None, str | None, str | None]] = {}
    for chunk in _chunks(list(dict.fromkeys(work_ids))):
        q = f"SELECT id, year, title, abstract FROM works WHERE id IN ({_marks(len(chunk))})"
        out.update((r[0], (r[1], r[2], r[3])) for r in conn.execute(q, tuple(chunk)))
    return out


_GENERATION_SQL = """
SELECT (SELECT COALESCE(MAX(id), 0) FROM runs),
       (SELECT COALESCE(MAX(id), 0) FROM curation_events),
       (SELECT COUNT(*) FROM works),
       (SELECT COUNT(*) FROM records),
       (SELECT COUNT(*) FROM person_signatures),
       (SELECT COUNT(*) FROM person_redirects)
"""


def generation(conn: Conn) -> tuple[int, ...]:
    """A cheap fingerprint that changes with every ingest, run and curation event."""
    return tuple(int(x) for x in conn.execute(_GENERATION_SQL).fetchone())


# -- server settings ----------------------------------------------------------------------------------


def get_setting(conn: Conn, key: str) -> str | None:
    row = conn.execute("SELECT value FROM server_settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_setting(conn: Conn, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO server_settings (key, value) VALUES (?, ?)", (key, value))


def delete_setting(conn: Conn, key: str) -> None:
    conn.execute("DELETE FROM server_settings WHERE key = ?", (key,))
