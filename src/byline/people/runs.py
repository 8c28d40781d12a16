"""Runs over the whole store or its new signatures: :func:`disambiguate` (every signature, stable ids,
curation replayed), :func:`assign` (RND: place new signatures, touching only their blocks) and
:func:`audit` (IND: a listing's works ranked by the probability that they are not the owner's).

Each is one SQLite transaction, ingest included: a crash at any moment leaves the store as it was
before the command, and re-running the command finishes the job.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from byline._errors import ConstraintError, InputError, ModelError, StoreError
from byline._person_ids import match_people
from byline.audit import AuditReport, audit_works
from byline.cluster import Constraints
from byline.curation import ConstraintSet
from byline.encoder import default_encoder
from byline.people import repo, repo_blocks, streamed
from byline.people.corpus import Corpus, load_corpus
from byline.place import people_of, place_in_block
from byline.profiles import display_name
from byline.records import Signature
from byline.scorer import ClusterModel, PairModel, Scorer
from byline.store import Store

__all__ = [
    "RunReport",
    "AssignReport",
    "disambiguate",
    "assign",
    "assign_pending",
    "audit",
    "resolve_listing",
    "person_name",
    "people_write",
]


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
    pairs: int = 0  # candidate pairs scored

    def to_dict(self) -> dict[str, Any]:
        return {
            k: getattr(self, k)
            for k in (
                "run_id",
                "signatures",
                "people",
                "blocks",
                "pairs",
                "new",
                "continued",
                "redirected",
                "dropped",
                "seconds",
            )
        }


@dataclass
class AssignReport:
    run_id: int
    new_signatures: int
    attached: int
    new_people: int
    blocks: list[str]
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "new_signatures": self.new_signatures,
            "attached": self.attached,
            "new_people": self.new_people,
            "blocks": self.blocks,
            "seconds": self.seconds,
        }


# -- helpers ------------------------------------------------------------------------------------------


def _engine(engine: Any) -> Any:
    if isinstance(engine, str):
        from byline.engines import get_engine

        return get_engine(engine)
    return engine


def _engine_name(engine: Any) -> str:
    if engine is None:
        return "inline"
    if isinstance(engine, str):
        return engine
    return str(getattr(engine, "name", None) or type(engine).__name__)


def _model_name(model: object) -> str | None:
    if model is None:
        return None
    for attr in ("path_", "path", "name"):
        v = getattr(model, attr, None)
        if v:
            return str(v)
    return type(model).__name__


def _cluster_keys(
    sigs: Sequence[Signature],
    model: ClusterModel,
    constraints: Constraints,
    engine: Any,
    block: Mapping[str, str],
) -> dict[str, str]:
    """sig id -> a cluster key unique across blocks (the pure pipeline)."""
    from byline.pipeline import run

    try:
        raw = dict(run(list(sigs), model, constraints=constraints, engine=engine).clusters)
    except ConstraintError as exc:
        raise ConstraintError(
            f"stored curation events conflict with the engine's own rules (two authors of one paper, or "
            f"incompatible given names): {exc}; see `byline history` for the events involved"
        ) from exc
    return {sid: f"{block[sid]}\x1f{key}" for sid, key in raw.items()}


def person_name(sig_ids: Iterable[str], corpus: Corpus) -> str:
    """A person's display name: the most common printed name of its explicit signatures."""
    sig_ids = list(sig_ids)
    explicit = [
        corpus.signatures[s].name for s in sig_ids if s not in corpus.implicit and s in corpus.signatures
    ]
    return display_name(explicit) or display_name(
        corpus.signatures[s].name for s in sig_ids if s in corpus.signatures
    )


def people_write(person_of: Mapping[str, str], corpus: Corpus, cs: ConstraintSet) -> repo.PeopleWrite:
    """What :func:`repo.write_people` stores for a signature -> person mapping."""
    block = corpus.blocks
    groups: dict[str, list[str]] = defaultdict(list)
    for sid, pid in person_of.items():
        groups[pid].append(sid)
    comps = cs.locked_components()
    locked_sigs: set[str] = set().union(*comps) if comps else set()
    return repo.PeopleWrite(
        groups=groups,
        names={p: person_name(sorted(m), corpus) for p, m in groups.items()},
        blocks={p: Counter(block[s] for s in m).most_common(1)[0][0] for p, m in groups.items()},
        locked={p: any(s in locked_sigs for s in m) for p, m in groups.items()},
        sig_rows={s: (block[s], corpus.signatures[s].work_id, s in corpus.implicit) for s in person_of},
    )


# -- disambiguate -------------------------------------------------------------------------------------


def disambiguate(
    store: Store, model: ClusterModel, engine: Any = None, batch_signatures: int | None = None
) -> RunReport:
    """Cluster every signature of the store and persist people with stable ids (one transaction).

    ``engine``: None (this machine: this process for small stores, else a pool of worker processes), an
    engine name (``"local"``, ``"spark"``) or an engine object from :func:`byline.engines.get_engine`;
    every engine gives the same clusters. Blocks stream from the store ``batch_signatures`` signatures
    at a time and people are written per batch (:mod:`byline.people.streamed`), so memory is bounded by a
    batch, not by the store.
    """
    from byline.people import streamed

    t0 = time.perf_counter()
    eng = _engine(engine)
    progress = getattr(eng, "progress", None) if hasattr(eng, "inner") else None
    inner = eng.inner if hasattr(eng, "inner") else eng  # a progress display wraps the engine
    batch = batch_signatures or (streamed.BATCH_SIGNATURES if _is_local(inner) else 200_000)
    with store.transaction() as conn:
        run_id = repo.start_run(conn, "disambiguate", _model_name(model), _engine_name(engine))
        try:
            st = streamed.stream_disambiguate(store, model, inner, run_id, batch, progress)
        finally:
            close = getattr(progress, "close", None)
            if close is not None:
                close()
        report = RunReport(
            run_id,
            st.signatures,
            st.people,
            st.blocks,
            new=st.new,
            continued=st.people - st.new,
            redirected=dict(st.redirected),
            dropped=list(st.dropped),
            pairs=st.pairs,
        )
        report.seconds = round(time.perf_counter() - t0, 3)
        repo.finish_run(conn, run_id, report.to_dict())
    return report


def _is_local(engine: Any) -> bool:
    from byline.engines.local import LocalEngine

    return engine is None or isinstance(engine, LocalEngine)


# -- assign (RND) -------------------------------------------------------------------------------------


def _ingest(store: Store, items: Sequence[Any], owner: str | None) -> list[str]:
    paths = []
    for x in items:
        if not isinstance(x, str | Path):
            raise InputError(f"cannot ingest {type(x).__name__}: pass file paths")
        paths.append(Path(x))
    return list(store.ingest(paths, owner=owner).listings)


def assign(
    store: Store,
    paths: Iterable[str | Path] = (),
    model: ClusterModel | None = None,
    *,
    owner: str | None = None,
    max_members: int = 50,
) -> AssignReport:
    """Ingest ``paths`` (if any), then place every signature that has no person yet -- one transaction.

    Per affected block: each new signature is scored against the members of each existing person of its
    block (mean pairwise probability over at most ``max_members`` members); it joins the best person
    when that is at least the model's threshold and no curation forbids it; the rest are clustered
    among themselves and become new people. Other blocks are not read, scored or written.
    """
    items = list(paths)
    with store.transaction():
        if items:
            _ingest(store, items, owner)
        return assign_pending(store, model, max_members=max_members)


@dataclass
class _BlocksCorpus(Corpus):
    implicit_signatures: list[Signature] = field(default_factory=list)


def _pending_corpus(store: Store, events: list[Any]) -> tuple[_BlocksCorpus, dict[str, str]]:
    """The blocks that hold a signature with no person yet -- every signature of those blocks, and
    nothing else of the store -- with the placements in them."""
    from byline.block import block_of

    conn = store.connection
    implicit = streamed.implicit_signatures(store, events)
    placed_implicit = repo.placements(conn, [s.id for s in implicit])
    blocks = set(repo_blocks.unplaced_signature_blocks(conn)) | {
        block_of(s) for s in implicit if s.id not in placed_implicit
    }
    unblocked = [sid for sid, name in store.unblocked_signatures() if streamed._unblocked_key(name) in blocks]
    sigs = store.signatures_in_blocks(sorted(blocks), unblocked)
    sigs += [s for s in implicit if block_of(s) in blocks]
    corpus = _BlocksCorpus(
        works={},
        signatures={s.id: s for s in sigs},
        implicit={s.id for s in implicit},
        listings=[],
        events=list(events),
        implicit_signatures=implicit,
    )
    return corpus, repo_blocks.assignments_in_blocks(conn, blocks)


def assign_pending(store: Store, model: ClusterModel | None, max_members: int = 50) -> AssignReport:
    """Place the signatures that have no person yet (see :func:`assign`)."""
    if model is None:
        raise ModelError("assign needs a model (the shipped one: byline._store_access.load_model())")
    t0 = time.perf_counter()
    with store.transaction() as conn:
        events = repo.events(conn)
        cs = ConstraintSet.replay(events)
        corpus, old = _pending_corpus(store, events)
        vectors, new_vectors = streamed.stored_vectors(store, list(corpus.signatures.values()))
        if new_vectors:
            store.put_text_vectors(default_encoder().sha256, new_vectors)
        scorer = Scorer(streamed.with_store_counts(model, store, corpus.implicit_signatures), vectors)
        block = corpus.blocks
        pending = sorted(s for s in corpus.signatures if s not in old)
        run_id = repo.start_run(conn, "assign", _model_name(model))
        if not pending:
            repo.finish_run(conn, run_id, {"new_signatures": 0})
            return AssignReport(run_id, 0, 0, 0, [], round(time.perf_counter() - t0, 3))
        affected = sorted({block[s] for s in pending})
        taken = repo.taken_ids(conn)
        attached = new_people = 0
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
            constraints = cs.for_signatures(in_block, block_of=block, signatures=corpus.signatures)
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
            attach, rest = place_in_block(
                [corpus.signatures[x] for x in in_block],
                dict(people_of(people)),
                new_sigs,
                scorer,
                cannot=cannot,
                forced=forced,
                max_members=max_members,
            )
            person_of.update(attach)
            attached += len(attach)
            if rest:
                sub = [corpus.signatures[s] for s in rest]
                clusters = _cluster_keys(
                    sub,
                    cast(ClusterModel, scorer.model),
                    cs.for_signatures(rest, block_of=block, signatures=corpus.signatures),
                    None,
                    block,
                )
                m = match_people({}, clusters, taken)
                taken.update(m.ids.values())
                new_people += len(set(m.ids.values()))
                person_of.update(m.person_of(clusters))
        touched = set(affected)
        full = {s: p for s, p in old.items() if block.get(s) in touched}
        full.update(person_of)
        repo_blocks.write_people_in_blocks(
            conn, run_id, people_write(full, corpus, cs), {s: p for s, p in old.items() if s in full}, touched
        )
        report = AssignReport(run_id, len(pending), attached, new_people, affected)
        report.seconds = round(time.perf_counter() - t0, 3)
        repo.finish_run(conn, run_id, report.to_dict())
    return report


# -- audit (IND) --------------------------------------------------------------------------------------


def resolve_listing(
    store: Store, ref: str | Path | repo.ListingRow, owner: str | None = None
) -> repo.ListingRow:
    """A listing given as a stored listing id, a person id, or a file (ingested first; idempotent)."""
    if isinstance(ref, repo.ListingRow):
        return ref
    conn = store.connection
    ref_s = str(ref)
    stored = repo.listings(conn)
    for row in stored:
        if row.id == ref_s:
            return row if owner is None else repo.ListingRow(row.id, owner, row.source, row.work_ids)
    try:
        pid: str | None = repo.resolve(conn, ref_s)
    except StoreError:
        pid = None
    if pid is not None:
        rec = repo.person(conn, pid)
        wids = sorted({s.split("#", 1)[0] for s in repo.members(conn, pid)})
        return repo.ListingRow(pid, owner or (rec.name if rec else None), f"person {pid}", tuple(wids))
    path = Path(ref_s)
    if path.is_file():
        ids = _ingest(store, [path], owner)
        if not ids:
            raise InputError("not a listing (no owner known): pass --owner NAME", file=path)
        by_id = {r.id: r for r in repo.listings(conn)}
        return by_id[ids[0]]
    raise InputError(
        f"{ref_s!r} is neither a file, a stored listing id (see `byline listings`) "
        "nor a person id (see `byline people`)"
    )


def audit(
    store: Store, listing: str | Path | repo.ListingRow, model: PairModel, owner: str | None = None
) -> AuditReport:
    """Rank a listing's works by the probability that they are NOT the owner's (see :func:`byline.audit.audit_works`).

    ``listing``: a stored listing id, a person id, or a listing file. An audit is a read: a file that is not
    stored yet is parsed and audited beside the stored works, then rolled back -- the store is left exactly
    as it was (``byline ingest`` stores a file).
    """
    with store.transaction() as conn:
        conn.execute("SAVEPOINT byline_audit")
        try:
            target = resolve_listing(store, listing, owner=owner)
            if not target.owner:
                raise InputError(f"listing {target.id} has no owner; pass --owner NAME")
            corpus = load_corpus(store)
            works = [corpus.works[w] for w in target.work_ids if w in corpus.works]
            placed = repo.assignments(conn)
            names = repo.person_names(conn)
            scorer = Scorer.for_corpus(model, corpus.signatures.values())
            return audit_works(
                works, target.owner, scorer, placed=placed, person_names=names, source=target.id
            )
        finally:  # nothing the audit read a file into stays
            conn.execute("ROLLBACK TO byline_audit")
            conn.execute("RELEASE byline_audit")
