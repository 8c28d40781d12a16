"""People: the persistent layer above the pure pipeline.

* :func:`disambiguate` runs the pipeline over every signature in the store and persists people with
  stable ids (see :mod:`byline._person_ids`), replaying curation events as constraints.
* :func:`merge`, :func:`split`, :func:`lock`, :func:`claim` record curation events (who, when, why)
  and apply them at once; :func:`history` lists them.
* :func:`assign` (RND) places new signatures into existing people of their block, touching only the
  blocks that received new signatures.
* :func:`audit` (IND) ranks a listing's works by the probability that they are not the owner's.

Every public function that writes is one SQLite transaction: a crash at any moment leaves the store as
it was before the command, and re-running the command finishes the job.

Signatures come from the store's works (:func:`byline.records.signatures_of`), plus *implicit owner
signatures*: a listing claims its works for its owner, so a work without authors (abstract-only pages),
or with a cut author list ("et al.") that does not show the owner, gets one signature printed as the
owner's name (id ``<work id>#owner:<hash>``).
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np

from byline import _store_access as sa
from byline._errors import ConstraintError, InputError, StoreError
from byline._person_ids import follow, match_people, new_person_id
from byline.block import block_of
from byline.curation import Constraints, ConstraintSet, Event
from byline.names import ParsedName, compatible, normalize, parse_name
from byline.profiles import Profile, display_name, summarize
from byline.records import Signature, Work, signatures_of, stable_id

# --------------------------------------------------------------------------------------------------
# schema (added to the store's migrations; see byline.store)
# --------------------------------------------------------------------------------------------------

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


def migrate_people(conn: Any) -> None:
    """Store migration: the people, person_signatures, redirects, curation events and runs tables."""
    from byline.store import execute_script

    execute_script(conn, PEOPLE_SCHEMA)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------------------------------
# signatures of the store (works' author positions + implicit listing owners)
# --------------------------------------------------------------------------------------------------


def implicit_signature_id(work_id: str, owner: str) -> str:
    return f"{work_id}#owner:{stable_id('', normalize(owner))}"


def implicit_signature(work: Work, owner: str) -> Signature:
    """The listing owner as the implicit (only) author of an author-less work."""
    return Signature(
        id=implicit_signature_id(work.id, owner), name=owner, work_id=work.id, position=-1,
        title=work.title, abstract=work.abstract, venue=work.venue, year=work.year,
        keywords=tuple(work.keywords),
    )


@dataclass
class Corpus:
    """Everything disambiguation needs from the store, loaded once per command."""

    works: dict[str, Work]
    signatures: dict[str, Signature]
    implicit: set[str]
    listings: list[sa.ListingRow]

    _blocks: dict[str, str] | None = None

    @property
    def blocks(self) -> dict[str, str]:
        """Signature id -> block key (computed once)."""
        if self._blocks is None or len(self._blocks) != len(self.signatures):
            self._blocks = {sid: _block(s) for sid, s in self.signatures.items()}
        return self._blocks


def _block(s: Signature) -> str:
    return block_of(s)


def load_corpus(store: Any, extra_implicit: Iterable[tuple[str, str]] = ()) -> Corpus:
    works = {w.id: w for w in sa.works(store)}
    sigs: dict[str, Signature] = {}
    for w in works.values():
        for s in signatures_of(w):
            sigs[s.id] = s
    implicit: set[str] = set()
    listings = sa.listings(store)
    pairs = [(wid, lst.owner) for lst in listings if lst.owner for wid in lst.work_ids]
    pairs += list(extra_implicit)
    claimed = {(wid, normalize(n)) for wid, n in extra_implicit}
    for wid, owner in pairs:
        w = works.get(wid)
        if w is None:
            continue
        cut_off = w.authors_truncated and _owner_signature(w, owner) is None  # "et al." may hide the owner
        if w.authors and not cut_off and (wid, normalize(owner)) not in claimed:
            continue
        s = implicit_signature(w, owner)
        sigs[s.id] = s
        implicit.add(s.id)
    return Corpus(works, sigs, implicit, listings)


# --------------------------------------------------------------------------------------------------
# stored people, events, redirects
# --------------------------------------------------------------------------------------------------


def _events(conn: Any) -> list[Event]:
    rows = conn.execute(
        "SELECT id, kind, person_id, payload, who, at, why FROM curation_events ORDER BY id"
    ).fetchall()
    return [Event(r[0], r[1], r[2], json.loads(r[3]), r[4] or "", r[5], r[6] or "") for r in rows]


def constraint_set(conn: Any) -> ConstraintSet:
    """All stored curation events replayed (they were checked when recorded)."""
    return ConstraintSet().extend(_events(conn))


def _claimed_implicit(events: Iterable[Event]) -> list[tuple[str, str]]:
    return [(w, n) for e in events if e.kind == "claim" for w, n in e.payload.get("implicit", [])]


def _assignments(conn: Any) -> dict[str, str]:
    return dict(conn.execute("SELECT signature_id, person_id FROM person_signatures").fetchall())


def _redirects(conn: Any) -> dict[str, str]:
    return dict(conn.execute("SELECT old_id, new_id FROM person_redirects").fetchall())


def resolve(conn: Any, pid: str) -> str:
    """The current id of ``pid`` (redirect chains followed), or :class:`StoreError` if unknown."""
    cur = follow(_redirects(conn), pid)
    if conn.execute("SELECT 1 FROM people WHERE id = ?", (cur,)).fetchone() is None:
        if cur != pid:
            raise StoreError(f"person {pid} was retired into {cur}, which no longer exists")
        raise StoreError(f"unknown person id {pid!r} (see `byline people`)")
    return cur


def members(conn: Any, pid: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT signature_id FROM person_signatures WHERE person_id = ? ORDER BY signature_id", (pid,))]


def _taken_ids(conn: Any) -> set[str]:
    ids = {r[0] for r in conn.execute("SELECT id FROM people")}
    for a, b in conn.execute("SELECT old_id, new_id FROM person_redirects"):
        ids.update((a, b))
    for (payload,) in conn.execute("SELECT payload FROM curation_events"):
        p = json.loads(payload)
        ids.update(str(p[k]) for k in ("new_person", "into", "from") if p.get(k))
    return ids


@contextmanager
def _transaction(store: Any) -> Iterator[Any]:
    with sa.transaction(store) as conn:
        yield conn


# --------------------------------------------------------------------------------------------------
# disambiguate
# --------------------------------------------------------------------------------------------------


@dataclass
class RunReport:
    run_id: int
    signatures: int
    people: int
    blocks: int
    new: int = 0
    continued: int = 0
    redirected: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("run_id", "signatures", "people", "blocks", "new", "continued",
                                               "redirected", "dropped", "seconds")}


def _cluster_keys(sigs: Sequence[Signature], model: Any, constraints: Constraints, engine: Any,
                  block: Mapping[str, str]) -> dict[str, str]:
    """sig id -> a cluster key unique across blocks."""
    try:
        raw = sa.cluster(list(sigs), model, constraints, engine)
    except ConstraintError as exc:
        raise ConstraintError(
            f"stored curation events conflict with the engine's own rules (two authors of one paper, or "
            f"incompatible given names): {exc}; see `byline history` for the events involved") from exc
    return {sid: f"{block[sid]}\x1f{key}" for sid, key in raw.items()}


def _person_name(sig_ids: Iterable[str], corpus: Corpus) -> str:
    sig_ids = list(sig_ids)
    explicit = [corpus.signatures[s].name for s in sig_ids if s not in corpus.implicit and s in corpus.signatures]
    return display_name(explicit) or display_name(corpus.signatures[s].name for s in sig_ids
                                                  if s in corpus.signatures)


def _write_people(conn: Any, run_id: int, person_of: Mapping[str, str], corpus: Corpus,
                  cs: ConstraintSet, old: Mapping[str, str], blocks: set[str] | None = None) -> None:
    """Persist ``person_of`` (signature -> person) for ``blocks`` (None: everything).

    Rows of people whose membership did not change keep their ``updated_run``; a signature row keeps
    the ``run_id`` of the run that last moved it.
    """
    block = corpus.blocks
    groups: dict[str, list[str]] = defaultdict(list)
    for sid, pid in person_of.items():
        groups[pid].append(sid)
    locked_sigs = set().union(*cs.locked_components()) if cs.locked_components() else set()
    old_groups: dict[str, set[str]] = defaultdict(set)
    for sid, pid in old.items():
        old_groups[pid].add(sid)
    last_run = dict(conn.execute("SELECT signature_id, run_id FROM person_signatures").fetchall())
    if blocks is None:
        conn.execute("DELETE FROM person_signatures")
        keep = set(groups)
        for (pid,) in conn.execute("SELECT id FROM people").fetchall():
            if pid not in keep:
                conn.execute("DELETE FROM people WHERE id = ?", (pid,))
    else:
        qs = ",".join("?" * len(blocks))
        conn.execute(f"DELETE FROM person_signatures WHERE block IN ({qs})", tuple(blocks))
        for (pid,) in conn.execute(f"SELECT id FROM people WHERE block IN ({qs})", tuple(blocks)).fetchall():
            if pid not in groups:
                conn.execute("DELETE FROM people WHERE id = ?", (pid,))
    for pid in sorted(groups):
        sids = sorted(groups[pid])
        name = _person_name(sids, corpus)
        locked = int(any(s in locked_sigs for s in sids))
        pblock = Counter(block[s] for s in sids).most_common(1)[0][0]
        row = conn.execute("SELECT name, block, locked FROM people WHERE id = ?", (pid,)).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO people (id, name, block, locked, created_run, updated_run) VALUES (?,?,?,?,?,?)",
                (pid, name, pblock, locked, run_id, run_id))
        elif set(sids) != old_groups.get(pid, set()) or tuple(row) != (name, pblock, locked):
            conn.execute("UPDATE people SET name = ?, block = ?, locked = ?, updated_run = ? WHERE id = ?",
                         (name, pblock, locked, run_id, pid))
        conn.executemany(
            "INSERT INTO person_signatures (signature_id, person_id, block, work_id, implicit, run_id) "
            "VALUES (?,?,?,?,?,?)",
            [(s, pid, block[s], corpus.signatures[s].work_id, int(s in corpus.implicit),
              run_id if old.get(s) != pid else last_run.get(s)) for s in sids],
        )


def _start_run(conn: Any, kind: str, model: Any = None, engine: str | None = None) -> int:
    cur = conn.execute("INSERT INTO runs (kind, started_at, model, engine) VALUES (?,?,?,?)",
                       (kind, _now(), sa.model_name(model), engine))
    return int(cur.lastrowid)


def _finish_run(conn: Any, run_id: int, stats: Mapping[str, Any]) -> None:
    conn.execute("UPDATE runs SET finished_at = ?, stats = ? WHERE id = ?",
                 (_now(), json.dumps(dict(stats), sort_keys=True), run_id))


def disambiguate(store: Any, model: Any, engine: Any = None) -> RunReport:
    """Cluster every signature of the store and persist people with stable ids (one transaction).

    ``engine``: None (in this process), an engine name (``"local"``, ``"spark"``) or an engine object
    from :func:`byline.engines.get_engine`; every engine gives the same clusters.
    """
    t0 = time.perf_counter()
    with _transaction(store) as conn:
        events = _events(conn)
        cs = ConstraintSet().extend(events)
        corpus = load_corpus(store, _claimed_implicit(events))
        block = corpus.blocks
        sigs = [corpus.signatures[s] for s in sorted(corpus.signatures)]
        constraints = cs.for_signatures(block, block_of=block)
        eng = sa.engine(engine) if isinstance(engine, str) else engine
        clusters = _cluster_keys(sigs, model, constraints, eng, block)
        old = _assignments(conn)
        m = match_people(old, clusters, _taken_ids(conn))
        person_of = m.person_of(clusters)
        run_id = _start_run(conn, "disambiguate", model, sa.engine_name(engine))
        _write_people(conn, run_id, person_of, corpus, cs, old)
        for a, b in sorted(m.redirects.items()):
            conn.execute("INSERT OR REPLACE INTO person_redirects (old_id, new_id, run_id, reason) VALUES (?,?,?,?)",
                         (a, b, run_id, "merged by disambiguate"))
        report = RunReport(run_id, len(sigs), len(set(person_of.values())), len(set(block.values())),
                           new=len(m.new), continued=len(set(person_of.values())) - len(m.new),
                           redirected=dict(m.redirects), dropped=list(m.dropped))
        report.seconds = round(time.perf_counter() - t0, 3)
        _finish_run(conn, run_id, report.to_dict())
    return report


# --------------------------------------------------------------------------------------------------
# curation
# --------------------------------------------------------------------------------------------------


def _record(conn: Any, event: Event, cs: ConstraintSet) -> Event:
    cs.add(event)  # raises ConstraintError, nothing written
    cur = conn.execute(
        "INSERT INTO curation_events (kind, person_id, payload, who, at, why) VALUES (?,?,?,?,?,?)",
        (event.kind, event.person, event.payload_json(), event.who, event.at, event.why))
    return replace(event, id=int(cur.lastrowid))


def _next_event_id(conn: Any) -> int:
    (n,) = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM curation_events").fetchone()
    return int(n)


def _refresh_person(conn: Any, pid: str, corpus: Corpus | None = None) -> None:
    sids = members(conn, pid)
    if not sids:
        conn.execute("DELETE FROM people WHERE id = ?", (pid,))
        return
    if corpus is not None:
        conn.execute("UPDATE people SET name = ? WHERE id = ?", (_person_name(sids, corpus), pid))


def _check_name_rules(corpus: Corpus, a: Iterable[str], b: Iterable[str], what: str) -> None:
    """Refuse to force together signatures the engine always keeps apart (one paper, incompatible names)."""
    sa_ = [corpus.signatures[x] for x in a if x in corpus.signatures]
    sb_ = [corpus.signatures[x] for x in b if x in corpus.signatures]
    works_a = {s.work_id: s for s in sa_}
    for s in sb_:
        if s.work_id in works_a and works_a[s.work_id].id != s.id:
            raise ConstraintError(f"{what} refused: work {s.work_id} would have two authors in one person "
                                  f"({works_a[s.work_id].name!r} and {s.name!r}); nothing was changed")
    names_a = {x.name for x in sa_}
    for nb in sorted({x.name for x in sb_}):
        for na in sorted(names_a):
            if not compatible(na, nb):
                raise ConstraintError(f"{what} refused: the names {na!r} and {nb!r} are incompatible (different "
                                      "given names), so the engine would always keep them apart; nothing was changed")


def merge(store: Any, p1: str, p2: str, who: str = "", why: str = "") -> str:
    """Merge person ``p2`` into ``p1``; ``p2`` then redirects to ``p1``. Returns the survivor's id."""
    with _transaction(store) as conn:
        a, b = resolve(conn, p1), resolve(conn, p2)
        (locked_b,) = conn.execute("SELECT locked FROM people WHERE id = ?", (b,)).fetchone()
        if a == b:
            raise InputError(f"{p1} and {p2} are already the same person ({a})")
        corpus = load_corpus(store, _claimed_implicit(_events(conn)))
        _check_name_rules(corpus, members(conn, a), members(conn, b), f"merge of {b} into {a}")
        cs = constraint_set(conn)
        ev = Event(_next_event_id(conn), "merge", a, {"into": a, "from": b, "a": members(conn, a),
                                                         "b": members(conn, b)}, who, _now(), why)
        _record(conn, ev, cs)
        conn.execute("UPDATE person_signatures SET person_id = ? WHERE person_id = ?", (a, b))
        conn.execute("DELETE FROM people WHERE id = ?", (b,))
        if locked_b:
            conn.execute("UPDATE people SET locked = 1 WHERE id = ?", (a,))
        conn.execute("INSERT OR REPLACE INTO person_redirects (old_id, new_id, run_id, reason) VALUES (?,?,?,?)",
                     (b, a, None, f"merge (event #{ev.id})"))
        _refresh_person(conn, a, corpus)
    return a


def _sigs_on_works(conn: Any, pid: str, works: Sequence[str]) -> list[str]:
    wanted = set(works)
    return [s for s in members(conn, pid) if s.split("#", 1)[0] in wanted]


def split(store: Any, pid: str, works: Sequence[str], who: str = "", why: str = "") -> str:
    """Move ``pid``'s signatures on ``works`` to a new person (returned); they stay apart from then on."""
    if not works:
        raise InputError("split needs at least one work id (--works)")
    with _transaction(store) as conn:
        p = resolve(conn, pid)
        moved = _sigs_on_works(conn, p, works)
        missing = sorted(set(works) - {s.split("#", 1)[0] for s in moved})
        if missing:
            raise InputError(f"person {p} has no signature on work(s) {', '.join(missing)}")
        kept = [s for s in members(conn, p) if s not in set(moved)]
        if not kept:
            raise InputError(f"split would move every work of {p}; nothing would be left")
        new = new_person_id(min(moved), _taken_ids(conn))
        cs = constraint_set(conn)
        ev = Event(_next_event_id(conn), "split", p, {"works": sorted(set(works)), "moved": moved, "kept": kept,
                                                       "new_person": new}, who, _now(), why)
        _record(conn, ev, cs)
        (blk,) = conn.execute("SELECT block FROM people WHERE id = ?", (p,)).fetchone()
        conn.execute("INSERT INTO people (id, name, block, locked, created_run, updated_run) VALUES (?,?,?,?,?,?)",
                     (new, "", blk, 0, None, None))
        conn.executemany("UPDATE person_signatures SET person_id = ? WHERE signature_id = ?",
                         [(new, s) for s in moved])
        corpus = load_corpus(store)
        _refresh_person(conn, p, corpus)
        _refresh_person(conn, new, corpus)
    return new


def lock(store: Any, pid: str, who: str = "", why: str = "") -> str:
    """Freeze ``pid``'s membership: later runs keep exactly these signatures together and apart from others."""
    with _transaction(store) as conn:
        p = resolve(conn, pid)
        cs = constraint_set(conn)
        ev = Event(_next_event_id(conn), "lock", p, {"members": members(conn, p)}, who, _now(), why)
        _record(conn, ev, cs)
        conn.execute("UPDATE people SET locked = 1 WHERE id = ?", (p,))
    return p


def _loose_match(printed: str, target: ParsedName) -> bool:
    """Surname-first or shouted forms the parser may misread ("KUMAR Amit", "Lee Jaeseong"): some token
    equals the target's surname and another starts with its first initial."""
    toks = normalize(printed).replace(",", " ").replace(".", " ").split()
    sur = target.surname.replace(" ", "")
    if not sur or sur not in toks or len(toks) < 2:
        return False
    rest = [t for t in toks if t != sur]
    return bool(rest) and bool(target.first_initial) and rest[0].startswith(target.first_initial)


def _owner_signature(work: Work, name: str) -> int | None:
    """The author position on ``work`` printed most like ``name`` (None if no compatible one)."""
    target = parse_name(name)
    best: tuple[int, int] | None = None
    for i, a in enumerate(work.authors):
        if compatible(a.name, target):
            p = parse_name(a.name)
            rank = 0 if normalize(a.name) == normalize(name) else (1 if p.given_joined == target.given_joined else 2)
        elif _loose_match(a.name, target):
            rank = 3
        else:
            continue
        if best is None or rank < best[0]:
            best = (rank, i)
    return None if best is None else best[1]


def claim(store: Any, pid: str, works: Sequence[str], who: str = "", why: str = "") -> str:
    """Attach the works' signatures that match ``pid``'s name to ``pid`` (author-less works: implicitly)."""
    if not works:
        raise InputError("claim needs at least one work id (--works)")
    with _transaction(store) as conn:
        p = resolve(conn, pid)
        corpus = load_corpus(store, _claimed_implicit(_events(conn)))
        (pname,) = conn.execute("SELECT name FROM people WHERE id = ?", (p,)).fetchone()
        sigs, implicit = [], []
        for wid in works:
            w = corpus.works.get(wid)
            if w is None:
                raise InputError(f"unknown work id {wid!r} (see `byline works`)")
            if not w.authors:
                implicit.append([wid, pname])
                sigs.append(implicit_signature_id(wid, pname))
                continue
            pos = _owner_signature(w, pname)
            if pos is None and w.authors_truncated:  # "et al.": the person may be among the cut authors
                implicit.append([wid, pname])
                sigs.append(implicit_signature_id(wid, pname))
                continue
            if pos is None:
                raise InputError(f"work {wid} has no author whose name is compatible with {pname!r}: "
                                 + "; ".join(a.name for a in w.authors))
            sigs.append(f"{wid}#{pos}")
        _check_name_rules(corpus, members(conn, p), [x for x in sigs if "#owner:" not in x], f"claim for {p}")
        cs = constraint_set(conn)
        ev = Event(_next_event_id(conn), "claim", p, {"works": list(works), "signatures": sigs,
                                                       "anchor": members(conn, p), "implicit": implicit},
                   who, _now(), why)
        _record(conn, ev, cs)
        (blk,) = conn.execute("SELECT block FROM people WHERE id = ?", (p,)).fetchone()
        for s in sigs:
            prev = conn.execute("SELECT person_id FROM person_signatures WHERE signature_id = ?", (s,)).fetchone()
            if prev is None:
                conn.execute("INSERT INTO person_signatures (signature_id, person_id, block, work_id, implicit, "
                             "run_id) VALUES (?,?,?,?,?,NULL)", (s, p, blk, s.split("#", 1)[0], int("#owner:" in s)))
                continue
            conn.execute("UPDATE person_signatures SET person_id = ? WHERE signature_id = ?", (p, s))
            if prev[0] != p and not members(conn, prev[0]):
                conn.execute("DELETE FROM people WHERE id = ?", (prev[0],))
                conn.execute("INSERT OR REPLACE INTO person_redirects (old_id, new_id, run_id, reason) "
                             "VALUES (?,?,?,?)", (prev[0], p, None, f"claim (event #{ev.id})"))
    return p


def history(store: Any, pid: str) -> list[Event]:
    """Curation events about ``pid``: naming it (or an id that redirects to it) or touching its signatures."""
    with sa.read(store) as conn:
        redirects = _redirects(conn)
        p = follow(redirects, pid)
        names = {pid, p} | {a for a in redirects if follow(redirects, a) == p}
        mine = set(members(conn, p))
        out = []
        for e in _events(conn):
            ids = {e.person} | {str(e.payload.get(k)) for k in ("into", "from", "new_person") if e.payload.get(k)}
            sigs = {s for k in ("a", "b", "moved", "kept", "members", "signatures") for s in e.payload.get(k, [])}
            if ids & names or sigs & mine:
                out.append(e)
        if not out and conn.execute("SELECT 1 FROM people WHERE id = ?", (p,)).fetchone() is None:
            raise StoreError(f"unknown person id {pid!r} (see `byline people`)")
        return out


# --------------------------------------------------------------------------------------------------
# reading people
# --------------------------------------------------------------------------------------------------


@dataclass
class PersonRow:
    id: str
    name: str
    block: str
    locked: bool
    signature_ids: list[str]

    @property
    def work_ids(self) -> list[str]:
        return sorted({s.split("#", 1)[0] for s in self.signature_ids})


def list_people(store: Any, name: str | None = None) -> list[PersonRow]:
    """Stored people, biggest first; with ``name``, those whose name or a printed variant matches it
    (compatible, and the same given name when both are written in full)."""
    with sa.read(store) as conn:
        rows = conn.execute("SELECT id, name, block, locked FROM people").fetchall()
        sig_rows = conn.execute("SELECT person_id, signature_id FROM person_signatures").fetchall()
    by_person: dict[str, list[str]] = defaultdict(list)
    for pid, sid in sig_rows:
        by_person[pid].append(sid)
        variants: dict[str, set[str]] = defaultdict(set)
        if name:
            for pid, printed in conn.execute(
                    "SELECT DISTINCT ps.person_id, s.name FROM person_signatures ps "
                    "JOIN signatures s ON s.id = ps.signature_id"):
                variants[pid].add(printed)
    out = [PersonRow(r[0], r[1], r[2], bool(r[3]), sorted(by_person.get(r[0], []))) for r in rows]
    if name:
        target = parse_name(name)
        key = normalize(name)

        def matches(printed: str) -> bool:
            return compatible(printed, target) and _strict_match(printed, name, key)

        out = [p for p in out if matches(p.name) or any(matches(v) for v in sorted(variants.get(p.id, ())))]
    out.sort(key=lambda p: (-len(p.signature_ids), p.name, p.id))
    return out


def _strict_match(pname: str, query: str, key: str) -> bool:
    """A query with a full given name only matches people whose given name is not just an initial."""
    a, q = parse_name(pname), parse_name(query)
    if q.given_is_initial or a.given_is_initial:
        return True
    return a.given_joined == q.given_joined or normalize(pname) == key


def profile(store: Any, pid: str) -> tuple[Profile, list[str]]:
    """The profile of person ``pid`` and the retired ids that redirect to it."""
    with sa.read(store) as conn:
        p = resolve(conn, pid)
        sids = members(conn, p)
        (locked,) = conn.execute("SELECT locked FROM people WHERE id = ?", (p,)).fetchone()
        redirects = _redirects(conn)
        events = _events(conn)
    corpus = load_corpus(store, _claimed_implicit(events))
    sigs = [corpus.signatures[s] for s in sids if s in corpus.signatures]
    prof = summarize(p, sigs, implicit=corpus.implicit & set(sids), locked=bool(locked))
    return prof, sorted(a for a in redirects if follow(redirects, a) == p)


# --------------------------------------------------------------------------------------------------
# assign (RND)
# --------------------------------------------------------------------------------------------------


@dataclass
class AssignReport:
    run_id: int
    new_signatures: int
    attached: int
    new_people: int
    blocks: list[str]
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "new_signatures": self.new_signatures, "attached": self.attached,
                "new_people": self.new_people, "blocks": self.blocks, "seconds": self.seconds}


def assign(store: Any, paths_or_records: Iterable[Any] = (), model: Any = None, *, owner: str | None = None,
           max_members: int = 50) -> AssignReport:
    """Ingest ``paths_or_records`` (if any), then place every signature that has no person yet.

    Per affected block: each new signature is scored against the members of each existing person of its
    block (mean pairwise probability over at most ``max_members`` members); it joins the best person
    when that is at least the model's threshold and no curation forbids it; the rest are clustered
    among themselves and become new people. Other blocks are not read, scored or written.
    """
    items = list(paths_or_records)
    if items:
        sa.ingest(store, items, owner=owner)
    return assign_pending(store, model, max_members=max_members)


def assign_pending(store: Any, model: Any, max_members: int = 50) -> AssignReport:
    t0 = time.perf_counter()
    threshold = sa.threshold(model)
    with _transaction(store) as conn:
        events = _events(conn)
        cs = ConstraintSet().extend(events)
        corpus = load_corpus(store, _claimed_implicit(events))
        model = sa.for_corpus(model, corpus.signatures.values())
        block = corpus.blocks
        old = _assignments(conn)
        pending = sorted(s for s in corpus.signatures if s not in old)
        run_id = _start_run(conn, "assign", model)
        if not pending:
            _finish_run(conn, run_id, {"new_signatures": 0})
            return AssignReport(run_id, 0, 0, 0, [], round(time.perf_counter() - t0, 3))
        affected = sorted({block[s] for s in pending})
        taken = _taken_ids(conn)
        attached = 0
        new_people = 0
        person_of: dict[str, str] = {}
        by_block: dict[str, list[str]] = defaultdict(list)
        for sid, bb in block.items():
            by_block[bb].append(sid)
        pending_by_block: dict[str, list[str]] = defaultdict(list)
        for sid in pending:
            pending_by_block[block[sid]].append(sid)
        for b in affected:
            in_block = by_block[b]
            new_sigs = pending_by_block[b]
            constraints = cs.for_signatures(in_block, block_of=block)
            cannot = {frozenset(p) for p in constraints.cannot_link}
            people: dict[str, list[str]] = defaultdict(list)
            for s in in_block:
                if s in old:
                    people[old[s]].append(s)
            forced = {}
            for s in new_sigs:  # curation first: a must-link to an existing member decides
                tied = sorted(old[m] for m in cs.component(s) if m in old and block.get(m) == b)
                if tied:
                    forced[s] = tied[0]
            attach, rest = place_in_block([corpus.signatures[x] for x in in_block], dict(people_of(people)),
                                          new_sigs, model, cannot=cannot, forced=forced,
                                          max_members=max_members, threshold=threshold)
            person_of.update(attach)
            attached += len(attach)
            if rest:
                sub = [corpus.signatures[s] for s in rest]
                clusters = _cluster_keys(sub, model, cs.for_signatures(rest, block_of=block), None, block)
                m = match_people({}, clusters, taken)
                taken.update(m.ids.values())
                new_people += len(set(m.ids.values()))
                person_of.update(m.person_of(clusters))
        full = {s: p for s, p in old.items() if block.get(s) in set(affected)}
        full.update(person_of)
        _write_people(conn, run_id, full, corpus, cs, {s: p for s, p in old.items() if s in full}, set(affected))
        report = AssignReport(run_id, len(pending), attached, new_people, affected)
        report.seconds = round(time.perf_counter() - t0, 3)
        _finish_run(conn, run_id, report.to_dict())
    return report


def people_of(people: Mapping[str, Sequence[str]]) -> Iterator[tuple[str, str]]:
    """(signature id, person id) pairs of a person -> members mapping."""
    for pid, mem in people.items():
        for sid in mem:
            yield sid, pid


def place_in_block(
    block_sigs: Sequence[Signature],
    person_of: Mapping[str, str],
    new: Sequence[str],
    model: Any,
    *,
    cannot: set[frozenset[str]] | None = None,
    forced: Mapping[str, str] | None = None,
    max_members: int = 50,
    threshold: float | None = None,
) -> tuple[dict[str, str], list[str]]:
    """Attach new signatures of one block to existing people (pure given the model).

    ``block_sigs``: every signature of the block (existing and new); ``person_of``: existing signature ->
    person. A new signature joins the person with the highest mean probability over (at most
    ``max_members`` of) its members when that mean reaches ``threshold`` and no ``cannot`` pair forbids it.
    Returns (new signature -> person, the new signatures left unplaced, to be clustered among themselves).
    """
    cannot = cannot or set()
    forced = dict(forced or {})
    threshold = sa.threshold(model) if threshold is None else threshold
    by_id = {s.id: s for s in block_sigs}
    pos = {sid: k for k, sid in enumerate(by_id)}
    people: dict[str, list[str]] = defaultdict(list)
    for sid, pid in person_of.items():
        if sid in pos:
            people[pid].append(sid)
    samples = {pid: _sample_members(sorted(mem), by_id, max_members) for pid, mem in people.items()}
    todo = [s for s in new if s not in forced]
    ii, jj, owner = [], [], []
    for s in todo:
        for pid in sorted(samples):
            mem = samples[pid]
            if any(frozenset((s, m)) in cannot for m in people[pid]):
                continue
            ii.extend([pos[s]] * len(mem))
            jj.extend(pos[m] for m in mem)
            owner.extend([(s, pid)] * len(mem))
    attach = dict(forced)
    rest = []
    if ii:
        data = sa.block_data(model, list(by_id.values()))
        probs = sa.proba_in(model, data, ii, jj)
        sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0])
        for key, p in zip(owner, probs.tolist(), strict=True):
            acc = sums[key]
            acc[0] += p
            acc[1] += 1
        best: dict[str, tuple[float, str]] = {}
        for (s, pid), (tot, n) in sums.items():
            mean = tot / n
            if s not in best or mean > best[s][0] or (mean == best[s][0] and pid < best[s][1]):
                best[s] = (mean, pid)
    else:
        best = {}
    for s in todo:
        if s in best and best[s][0] >= threshold:
            attach[s] = best[s][1]
        else:
            rest.append(s)
    return attach, rest


def _sample_members(mem: Sequence[str], by_id: Mapping[str, Signature], k: int) -> list[str]:
    """At most ``k`` members, the most recent first (deterministic)."""
    if len(mem) <= k:
        return list(mem)
    return sorted(mem, key=lambda s: (-(by_id[s].year or 0), s))[:k]


# --------------------------------------------------------------------------------------------------
# audit (IND)
# --------------------------------------------------------------------------------------------------


@dataclass
class AuditItem:
    work_id: str
    title: str | None
    score: float
    evidence: list[str]
    signature_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"work_id": self.work_id, "title": self.title, "score": round(self.score, 4),
                "evidence": self.evidence}


@dataclass
class AuditReport:
    owner: str
    works: list[AuditItem]
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"owner": self.owner, "works": [w.to_dict() for w in self.works]}


def owner_signature(work: Work, owner: str) -> tuple[Signature | None, str]:
    """The owner's signature on ``work`` and how it was found (``"printed"``, ``"implicit"``, ``"absent"``)."""
    pos = _owner_signature(work, owner)
    if pos is not None:
        return signatures_of(work)[pos], "printed"
    if not work.authors or work.authors_truncated:
        return implicit_signature(work, owner), "implicit"
    return None, "absent"


def audit(store: Any, listing: Any, model: Any, owner: str | None = None) -> AuditReport:
    """Rank a listing's works by the probability that they are NOT the owner's (see :func:`audit_works`).

    ``listing``: a stored listing id, a person id, or a listing file (ingested first if not stored).
    """
    target = sa.resolve_listing(store, listing, owner=owner)
    corpus = load_corpus(store)
    works = [corpus.works[w] for w in target.work_ids if w in corpus.works]
    with sa.read(store) as conn:
        placed = _assignments(conn)
        names = dict(conn.execute("SELECT id, name FROM people").fetchall())
    if not target.owner:
        raise InputError(f"listing {target.id} has no owner; pass --owner NAME")
    model = sa.for_corpus(model, corpus.signatures.values())
    return audit_works(works, target.owner, model, placed=placed, person_names=names, source=target.id)


def _text_signal(s: Signature) -> int:
    return sum(bool(x) for x in (s.title, s.abstract, s.venue, s.coauthors, s.affiliations, s.keywords))


ELSEWHERE_BONUS = 0.1  # added when disambiguation put the work in another person than the listing's main one
TEXT_WEIGHT = 0.3  # share of the audit score given to text outlierness in abstract-only listings


def audit_works(works: Sequence[Work], owner: str, model: Any, *, placed: Mapping[str, str] | None = None,
                person_names: Mapping[str, str] | None = None, source: str = "") -> AuditReport:
    """Score each work against the other works of the same listing (pure given the model).

    score = 1 - sigmoid(mean log-odds of the model's uncalibrated pairwise probabilities between the
    owner's signature on the work and on each other listed work), scored as if the owner's name were
    moderately common (its rarity is the same for every work; see :func:`byline._store_access.pair_scores`).
    Then: pulled toward 0.5 when the work carries little evidence; in listings without any coauthor
    (abstract-only pages) blended (:data:`TEXT_WEIGHT`) with how far the work's TF-IDF similarity to the
    rest falls below the listing's median (elsewhere text is left to the model: blending it in everywhere
    cost 0.035 AUC on the synthetic IND benchmark); + :data:`ELSEWHERE_BONUS` when disambiguation put it
    in another person than most of the listing (``placed``); 0.97 when the owner's name is not among a
    complete author list. Each work's evidence strings say what drove its score.
    """
    placed = placed or {}
    person_names = person_names or {}
    owner_sigs: list[tuple[Work, Signature | None, str]] = [(w, *owner_signature(w, owner)) for w in works]
    valid = [(i, s) for i, (_, s, _) in enumerate(owner_sigs) if s is not None]
    n = len(valid)
    P = np.full((len(works), len(works)), np.nan)  # calibrated: shown in the evidence
    R = np.full((len(works), len(works)), np.nan)  # uncalibrated: ranks (no isotonic plateaus)
    if n >= 2:
        ii, jj = np.triu_indices(n, k=1)
        probs, raw = sa.pair_scores(model, [valid[a][1] for a in ii], [valid[b][1] for b in jj],
                                    neutral_name_counts=True)
        for a, b, p, r in zip(ii, jj, probs, raw, strict=True):
            ia, ib = valid[a][0], valid[b][0]
            P[ia, ib] = P[ib, ia] = p
            R[ia, ib] = R[ib, ia] = r
    tfidf = _text_sims([s for _, s in valid])
    text_sim: dict[int, float] = {}
    for k, (i, _) in enumerate(valid):
        text_sim[i] = tfidf[k]
    # abstracts only (no coauthors anywhere): the model sees little but text, so text also ranks
    flat = len(valid) >= 3 and not any(s.coauthors for _, s in valid)
    sims = [v for v in text_sim.values() if v is not None]
    median_sim = float(np.median(sims)) if len(sims) >= 3 else None
    majority = Counter(placed.get(s.id) for _, s in valid if placed.get(s.id)).most_common(1)
    main_person = majority[0][0] if majority else None
    items = []
    for i, (w, s, how) in enumerate(owner_sigs):
        ev: list[str] = []
        title = w.title
        if s is None:
            printed = ", ".join(a.name for a in w.authors[:8]) + (" ..." if len(w.authors) > 8 else "")
            ev.append(f"the owner {owner!r} is not among the {len(w.authors)} listed authors ({printed})")
            items.append(AuditItem(w.id, title, 0.97, ev))
            continue
        if how == "implicit":
            ev.append("no author list" if not w.authors else "author list truncated (et al.)")
            ev[-1] += f": {owner!r} taken as the implicit author"
        elif normalize(s.name) != normalize(owner):
            ev.append(f"printed as {s.name!r} (compatible with {owner!r})")
        row = P[i]
        others = row[~np.isnan(row)]
        if len(others) == 0:
            score = 0.5
            ev.append("no other work in the listing to compare with: moderate score")
        else:
            mean_p = float(np.mean(others))
            top = int(np.nanargmax(row))
            ev.append(f"same-person probability vs the other {len(others)} works: mean {mean_p:.2f}, "
                      f"max {float(np.nanmax(row)):.2f} (closest: {_label(works[top])})")
            # average in log-odds: one confident "different" counts more than in a plain mean
            raw = np.clip(R[i][~np.isnan(R[i])], 1e-4, 1 - 1e-4)
            lo = np.log(raw / (1 - raw))
            score = 1.0 - float(1.0 / (1.0 + np.exp(-np.mean(lo))))
            signal = _text_signal(s)
            if signal <= 1:
                score = 0.5 + (score - 0.5) * 0.75
                ev.append("little evidence on this work (only " +
                          ("a title" if s.title else "an abstract" if s.abstract else "a name") +
                          "): score pulled toward 0.5")
        if text_sim.get(i) is not None:
            sim = float(text_sim[i])
            if median_sim is not None and median_sim > 0:
                # relative text outlierness: 0 at or above the listing's median similarity, 1 at zero
                outlier = min(max((median_sim - sim) / median_sim, 0.0), 1.0)
                if flat:  # abstract-only listing: the model sees little but text, so text ranks too
                    score = (1 - TEXT_WEIGHT) * score + TEXT_WEIGHT * outlier
                ev.append(f"text similarity to the rest of the listing: {sim:.2f} (listing median "
                          f"{median_sim:.2f})" + (": an outlier" if outlier > 0.5 else ""))
            else:
                ev.append(f"text similarity to the rest of the listing: {sim:.2f}")
        co = _shared_coauthors(s, [x for j, (_, x, _) in enumerate(owner_sigs) if j != i and x is not None])
        if co:
            ev.append("shares coauthors with other listed works: " + ", ".join(co[:5]))
        elif s.coauthors:
            ev.append("no coauthor in common with the other listed works")
        pid = placed.get(s.id)
        if pid and main_person:
            if pid == main_person:
                ev.append(f"disambiguation placed it with the listing's main person {main_person}")
            else:
                ev.append(f"disambiguation placed it in another person: {pid} "
                          f"({person_names.get(pid, '?')}), not {main_person}")
                score = min(1.0, score + ELSEWHERE_BONUS)
        items.append(AuditItem(w.id, title, float(min(max(score, 0.0), 1.0)), ev, s.id))
    items.sort(key=lambda it: (-it.score, it.work_id))
    return AuditReport(owner, items, source)


def _label(w: Work) -> str:
    if w.title:
        return repr(w.title[:60] + ("..." if len(w.title) > 60 else ""))
    if w.abstract:
        return f"{w.id} ({w.abstract[:40]}...)"
    return w.id


def _shared_coauthors(s: Signature, others: Sequence[Signature]) -> list[str]:
    mine = {normalize(c): c for c in s.coauthors}
    seen = Counter(normalize(c) for o in others for c in set(o.coauthors))
    return [mine[k] for k in sorted(mine) if seen.get(k)]


def _text_sims(sigs: Sequence[Signature]) -> list[float | None]:
    """Each signature's TF-IDF cosine to the centroid of the others (title + abstract + keywords)."""
    docs = [" ".join(filter(None, [s.title, s.abstract, " ".join(s.keywords)])) for s in sigs]
    if len(sigs) < 2 or sum(bool(d.strip()) for d in docs) < 2:
        return [None] * len(sigs)
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        X = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(docs)
    except ValueError:  # empty vocabulary
        return [None] * len(sigs)
    total = np.asarray(X.sum(axis=0)).ravel()
    out: list[float | None] = []
    for k in range(len(sigs)):
        if not docs[k].strip():
            out.append(None)
            continue
        row = X[k].toarray().ravel()
        rest = total - row
        denom = np.linalg.norm(row) * np.linalg.norm(rest)
        out.append(float(row @ rest / denom) if denom else 0.0)
    return out

