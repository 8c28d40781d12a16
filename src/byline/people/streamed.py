"""``disambiguate`` over a store of any size: blocks streamed from the store a batch at a time.

The parent process never holds every signature. It plans *units* (blocks that must be clustered together:
the blocks of one curated must-link component, of one stored person that spans blocks, or of the signatures
that carry one ORCID iD), packs them into
batches of about ``batch_signatures`` signatures, and hands each batch -- a list of block keys -- to the
workers, which read those blocks' signatures from the store themselves (:meth:`byline.store.Store.
signatures_in_blocks`, a read-only connection) and return one small row per signature. The parent matches
each batch's clusters to the people stored in the same blocks and writes them before the next batch.

Everything happens in one write transaction, so ``kill -9`` at any moment leaves the previous people as
they were, and a re-run does the whole job again. The result is the one :func:`byline.pipeline.run`
gives on the whole corpus: every score and clustering step depends on its own block only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from byline import text_vectors
from byline._errors import ConstraintError
from byline._person_ids import match_people
from byline.block import block_of, group_blocks
from byline.cluster import Constraints
from byline.curation import ConstraintSet, Event
from byline.encoder import default_encoder
from byline.names import normalize
from byline.owners import implicit_signature, is_implicit, owner_position
from byline.people import repo, repo_blocks
from byline.people.corpus import claimed_implicit
from byline.profiles import display_name
from byline.records import Signature
from byline.store import Store

__all__ = ["SigRow", "Task", "cluster_task", "implicit_signatures", "plan_tasks", "stream_disambiguate"]

BATCH_SIGNATURES = 10_000
BATCH_PAIRS = 250_000  # about 0.3 GB of features and intermediates per worker at the peak
PAIRS_PER_SIGNATURE_BOUNDED = 60


class SigRow(NamedTuple):
    """What the parent needs of one clustered signature."""

    id: str
    cluster: str  # unique across blocks
    block: str
    work_id: str
    implicit: bool
    name: str


@dataclass(frozen=True)
class Task:
    """One batch: whole blocks, read from the store by the worker (``ids``: signatures without a block
    key, by id; ``implicit``: owner signatures of listings and claims, which are not stored rows)."""

    blocks: tuple[str, ...]
    ids: tuple[str, ...]
    implicit: tuple[Signature, ...]
    size: int


# -- planning ---------------------------------------------------------------------------------------------


def implicit_signatures(store: Store, events: Sequence[Event]) -> list[Signature]:
    """The implicit owner signatures of listings and of curators' claims (as :func:`load_corpus` makes
    them), reading only the works concerned."""
    listings = repo.listings(store.connection)
    extra = claimed_implicit(events)
    pairs = [(wid, lst.owner) for lst in listings if lst.owner for wid in lst.work_ids] + extra
    claimed = {(wid, normalize(n)) for wid, n in extra}
    works = store.works_by_id(w for w, _ in pairs)
    out: dict[str, Signature] = {}
    for wid, owner in pairs:
        w = works.get(wid)
        if w is None:
            continue
        cut_off = w.authors_truncated and owner_position(w, owner) is None
        if w.authors and not cut_off and (wid, normalize(owner)) not in claimed:
            continue
        s = implicit_signature(w, owner)
        out[s.id] = s
    return list(out.values())


def _unblocked_key(name: str) -> str:
    return block_of(Signature(id="", name=name))


def estimated_pairs(n: int, max_full: int = 1_000) -> int:
    """About how many candidate pairs a block of ``n`` signatures gives: all pairs up to ``max_full``
    (the model's ``max_block_full``), a bounded number per signature above it (:mod:`byline.block`)."""
    return n * (n - 1) // 2 if n <= max_full else PAIRS_PER_SIGNATURE_BOUNDED * n


def orcid_units(store: Store) -> list[list[str]]:
    """The block keys of each ORCID iD that the store's signatures carry under more than one key."""
    by_id: dict[str, set[str]] = defaultdict(set)
    for orcid, block, name in store.orcid_spans():
        by_id[orcid].add(block if block is not None else _unblocked_key(name or ""))
    return [sorted(b) for _, b in sorted(by_id.items()) if len(b) > 1]


def plan_tasks(
    store: Store,
    cs: ConstraintSet,
    implicit: Sequence[Signature],
    batch_signatures: int = BATCH_SIGNATURES,
    batch_pairs: int = BATCH_PAIRS,
    max_full: int = 1_000,
) -> list[Task]:
    """Every block of the store, in key order, in batches of at most ``batch_signatures`` signatures and
    about ``batch_pairs`` candidate pairs (:func:`estimated_pairs`: a worker's memory follows the pairs it
    featurizes); the blocks of one unit (see the module docstring) always share a batch."""
    stored = store.block_sizes()
    sizes: Counter[str] = Counter(stored)
    unblocked: dict[str, list[str]] = defaultdict(list)
    for sid, name in store.unblocked_signatures():
        key = _unblocked_key(name)
        unblocked[key].append(sid)
        sizes[key] += 1
    by_block: dict[str, list[Signature]] = defaultdict(list)
    for s in implicit:
        by_block[block_of(s)].append(s)
        sizes[block_of(s)] += 1
    parent = {b: b for b in sizes}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(blocks: Iterable[str]) -> None:
        roots = sorted({find(b) for b in blocks if b in parent})
        for r in roots[1:]:
            parent[r] = roots[0]

    for blocks in repo_blocks.multi_block_people(store.connection):
        join(blocks)
    # one ORCID iD on signatures of several blocks ("J. Lee" / "Lee Jaeseong"): the identity must-links
    # between them are decided on all of that iD's signatures at once, as on the whole store
    for blocks in orcid_units(store):
        join(blocks)
    # a curated group (locked ones included) may span blocks: its blocks share a batch
    groups = cs.groups()
    constrained = sorted({s for g in groups for s in g})
    if constrained:
        where = store.signature_blocks(constrained)
        where.update({s.id: block_of(s) for s in implicit})
        for g in groups:
            join(where[s] for s in g if s in where)
    units: dict[str, list[str]] = defaultdict(list)
    for b in sorted(sizes):
        units[find(b)].append(b)
    tasks: list[Task] = []
    cur: list[str] = []
    n = pairs = 0
    for root in sorted(units, key=lambda r: units[r][0]):
        size = sum(sizes[b] for b in units[root])
        cost = sum(estimated_pairs(sizes[b], max_full) for b in units[root])
        if cur and (n + size > batch_signatures or pairs + cost > batch_pairs):
            tasks.append(_task(cur, n, stored, unblocked, by_block))
            cur, n, pairs = [], 0, 0
        cur.extend(units[root])
        n += size
        pairs += cost
    if cur:
        tasks.append(_task(cur, n, stored, unblocked, by_block))
    return tasks


def _task(
    blocks: list[str],
    n: int,
    stored: Mapping[str, int],
    unblocked: Mapping[str, list[str]],
    implicit: Mapping[str, list[Signature]],
) -> Task:
    return Task(
        tuple(b for b in blocks if b in stored),
        tuple(s for b in blocks for s in unblocked.get(b, ())),
        tuple(s for b in blocks for s in implicit.get(b, ())),
        n,
    )


# -- the per-batch step (runs in a worker process, or in this one) ---------------------------------------

_READERS: dict[str, Store] = {}


def _reader(source: Store | str) -> Store:
    if isinstance(source, Store):
        return source
    if source not in _READERS:
        _READERS[source] = Store(source, readonly=True)
    return _READERS[source]


class Batch(NamedTuple):
    """A clustered batch: one :class:`SigRow` per signature, the number of candidate pairs scored, and the
    text vectors the batch had to compute (rows for the store: :mod:`byline.text_vectors`)."""

    rows: list[SigRow]
    pairs: int
    vectors: list[text_vectors.Row] = []


def cluster_signatures(
    sigs: Sequence[Signature],
    model: Any,
    cs: ConstraintSet,
    engine: Any = None,
    vectors: text_vectors.Vectors | None = None,
) -> Batch:
    """Cluster the signatures of whole blocks (pure, given its arguments); one :class:`SigRow` each.
    ``vectors``: their text vectors already known (the same clusters as without)."""
    from byline.pipeline import _apply_cross_block, disambiguate_blocks

    bmap = {s.id: block_of(s) for s in sigs}
    # curation events, then ORCID iDs (identity evidence below curation, above the model)
    with_ids = any(s.orcid for s in sigs)
    constraints = (
        cs.for_signatures(bmap, block_of=bmap, signatures={s.id: s for s in sigs})
        if cs.events or with_ids
        else Constraints()
    )
    items = [(k, sorted(v, key=lambda s: s.id)) for k, v in group_blocks(sigs).items()]
    try:
        if engine is None:
            results = disambiguate_blocks(items, model, constraints, vectors=vectors)
        else:
            results = list(
                engine.map_blocks(disambiguate_blocks, items, model, constraints, None, vectors, batched=True)
            )
    except ConstraintError as exc:
        raise ConstraintError(
            f"stored curation events conflict with the engine's own rules (two authors of one paper, or "
            f"incompatible given names): {exc}; see `byline history` for the events involved"
        ) from exc
    clusters: dict[str, str] = {}
    for r in results:
        clusters.update(zip(r.ids, r.clusters, strict=True))
    if constraints.must_link:
        _apply_cross_block(clusters, constraints)
    rows = [
        SigRow(s.id, f"{bmap[s.id]}\x1f{clusters[s.id]}", bmap[s.id], s.work_id, is_implicit(s.id), s.name)
        for s in sigs
    ]
    return Batch(rows, sum(r.n_pairs for r in results))


def load_task(task: Task, source: Store | str) -> list[Signature]:
    """The signatures of one batch, read from the store."""
    return [*_reader(source).signatures_in_blocks(task.blocks, task.ids), *task.implicit]


def stored_vectors(
    store: Store, sigs: Sequence[Signature]
) -> tuple[text_vectors.Vectors, list[text_vectors.Row]]:
    """The text vectors of ``sigs``: read from the store (one query), those of the works lacking one (or
    whose text changed since) encoded, and returned as rows to store."""
    enc = default_encoder()
    stored = store.text_vectors({s.work_id for s in sigs if s.work_id}, enc.sha256)
    return text_vectors.resolve(sigs, stored, enc)


def cluster_task(task: Task, model: Any, cs: ConstraintSet, source: Store | str) -> Batch:
    """The worker's job: read one batch of blocks from the store (``source``: the store, or its path for a
    read-only connection of this process), with their stored text vectors, and cluster it."""
    sigs = load_task(task, source)
    vectors, new = stored_vectors(_reader(source), sigs)
    return cluster_signatures(sigs, model, cs, vectors=vectors)._replace(vectors=new)


# -- the run ------------------------------------------------------------------------------------------


class _Names(Sequence[Any]):
    """The store's printed names (and the implicit signatures'), streamed for the model's name counts."""

    def __init__(self, store: Store, implicit: Sequence[Signature]):
        self.store, self.implicit = store, implicit

    def __len__(self) -> int:
        return self.store.count("signatures") + len(self.implicit)

    def __getitem__(self, k: Any) -> Any:  # pragma: no cover - only iterated
        raise TypeError("streamed names are only iterated")

    def __iter__(self) -> Iterator[Any]:
        for name in self.store.signature_names():
            yield Signature(id="", name=name)
        yield from self.implicit


def with_store_counts(model: Any, store: Store, implicit: Sequence[Signature]) -> Any:
    """The model with name counts combined with the store's (as ``Scorer.for_corpus`` on every signature)."""
    for_data = getattr(model, "for_data", None)
    return model if for_data is None else for_data(_Names(store, implicit))


def _results(tasks: list[Task], store: Store, model: Any, cs: ConstraintSet, engine: Any) -> Iterator[Batch]:
    from byline.engines.local import LocalEngine

    if engine is None or isinstance(engine, LocalEngine):
        local = engine or LocalEngine()
        total = sum(t.size for t in tasks)
        if local.n_workers() <= 1 or total < local.min_parallel:
            for t in tasks:
                yield cluster_task(t, model, cs, store)
        else:
            yield from local.imap(cluster_task, tasks, model, cs, str(store.path))
        return
    for t in tasks:  # another engine (Spark): this process reads the batch, the engine clusters it
        sigs = load_task(t, store)
        vectors, new = stored_vectors(store, sigs)  # shipped with the job, once per batch
        yield cluster_signatures(sigs, model, cs, engine, vectors)._replace(vectors=new)


def people_rows(
    person_of: Mapping[str, str], rows: Mapping[str, SigRow], locked_sigs: set[str]
) -> repo.PeopleWrite:
    """What :func:`repo_blocks.write_people_in_blocks` stores for a batch's signature -> person mapping."""
    groups: dict[str, list[str]] = defaultdict(list)
    for sid, pid in person_of.items():
        groups[pid].append(sid)

    def name(m: list[str]) -> str:
        return display_name(rows[s].name for s in m if not rows[s].implicit) or display_name(
            rows[s].name for s in m
        )

    return repo.PeopleWrite(
        groups=groups,
        names={p: name(sorted(m)) for p, m in groups.items()},
        blocks={p: Counter(rows[s].block for s in m).most_common(1)[0][0] for p, m in groups.items()},
        locked={p: any(s in locked_sigs for s in m) for p, m in groups.items()},
        sig_rows={s: (rows[s].block, rows[s].work_id, rows[s].implicit) for s in person_of},
    )


@dataclass
class StreamStats:
    signatures: int = 0
    people: int = 0
    blocks: int = 0
    new: int = 0
    pairs: int = 0
    redirected: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)


def stream_disambiguate(
    store: Store,
    model: Any,
    engine: Any,
    run_id: int,
    batch_signatures: int = BATCH_SIGNATURES,
    progress: Any = None,
) -> StreamStats:
    """Cluster and write every block of the store, a batch at a time (inside the caller's transaction)."""
    conn = store.connection
    events = repo.events(conn)
    cs = ConstraintSet.replay(events)
    implicit = implicit_signatures(store, events)
    model = with_store_counts(model, store, implicit)
    max_full = int(getattr(model, "max_block_full", None) or 1_000)
    tasks = plan_tasks(store, cs, implicit, batch_signatures, max_full=max_full)
    comps = cs.locked_components()
    locked_sigs: set[str] = set().union(*comps) if comps else set()
    taken = repo.taken_ids(conn)
    out = StreamStats()
    seen: set[str] = set()
    total = sum(t.size for t in tasks)
    for task, (rows, pairs, vectors) in zip(tasks, _results(tasks, store, model, cs, engine), strict=True):
        out.pairs += pairs
        if vectors:  # works that had none stored (ingested with vectors off, another encoder, edited text)
            store.put_text_vectors(default_encoder().sha256, vectors)
        blocks = set(task.blocks) | {r.block for r in rows}
        seen |= blocks
        by_id = {r.id: r for r in rows}
        clusters = {r.id: r.cluster for r in rows}
        old = repo_blocks.assignments_in_blocks(conn, blocks)
        m = match_people(old, clusters, taken)
        taken.update(m.new)
        person_of = m.person_of(clusters)
        repo_blocks.write_people_in_blocks(
            conn, run_id, people_rows(person_of, by_id, locked_sigs), old, blocks
        )
        repo.add_redirects(conn, sorted(m.redirects.items()), run_id, "merged by disambiguate")
        out.signatures += len(rows)
        out.people += len(m.ids)
        out.blocks += len(blocks)
        out.new += len(m.new)
        out.redirected.update(m.redirects)
        out.dropped.extend(m.dropped)
        if progress is not None:
            progress(out.signatures, total)
    stale = repo_blocks.placed_blocks(conn) - seen
    if stale:  # blocks whose signatures are all gone
        out.dropped.extend(repo_blocks.drop_blocks(conn, stale))
    return out
