"""The pure core: signatures in, clusters and pair scores out (never touches the store).

``run(signatures, model)`` groups signatures into blocks (:mod:`byline.block`) and calls
:func:`disambiguate_block` on each: candidate pairs -> features -> calibrated probabilities ->
constrained average-linkage clustering. Engines (``byline.engines``) ship exactly that per-block
function to their workers; it depends only on its arguments, so every engine gives the same clusters.

Cluster keys are ``"<block>::<smallest signature id in the cluster>"``: deterministic and independent
of the input order. Curator must-links across blocks are applied after the per-block step by merging
the two clusters (unless that would join a cannot-linked pair).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from byline._errors import ConstraintError
from byline._unionfind import UnionFind
from byline.block import candidate_pairs, group_blocks
from byline.cluster import Constraints, cluster_block, unscored_weight
from byline.features import BlockData
from byline.merge import merge_block
from byline.records import Signature
from byline.scorer import ClusterModel, Scorer


@dataclass
class BlockResult:
    """The outcome of one block: cluster key per signature id, and the scored candidate pairs."""

    block: str
    ids: list[str]
    clusters: list[str]
    pair_i: np.ndarray
    pair_j: np.ndarray
    prob: np.ndarray
    seconds: float = 0.0

    @property
    def n_pairs(self) -> int:
        """How many candidate pairs of this block were scored."""
        return int(len(self.pair_i))

    def pairs(self) -> Iterable[tuple[str, str, float]]:
        """(signature id, signature id, probability) for every scored pair."""
        for a, b, p in zip(self.pair_i.tolist(), self.pair_j.tolist(), self.prob.tolist(), strict=True):
            yield self.ids[a], self.ids[b], p


@dataclass
class RunResult:
    """All blocks: ``clusters`` maps every signature id to its cluster key."""

    clusters: dict[str, str]
    blocks: dict[str, BlockResult] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def n_pairs(self) -> int:
        """How many candidate pairs were scored over all blocks."""
        return sum(b.n_pairs for b in self.blocks.values())


def _candidates(
    items: Sequence[tuple[str, Sequence[Signature]]],
    model: ClusterModel,
    vectors: Mapping[bytes, np.ndarray] | None = None,
) -> tuple[BlockData, list[tuple[int, int, np.ndarray, np.ndarray]], np.ndarray, np.ndarray]:
    """The batch's :class:`BlockData`, ``(row offset, n, i, j)`` per block and all pairs as batch rows.

    ``vectors``: text vectors already known, by text hash (:mod:`byline.text_vectors`); the same
    scores as encoding every text here.
    """
    model._check_fitted()
    sigs: list[Signature] = []
    ids = []
    per_block = []
    gi, gj = [], []
    for k, (_, bsigs) in enumerate(items):
        off = len(sigs)
        sigs.extend(bsigs)
        ids.append(np.full(len(bsigs), k, np.int64))
        i, j = candidate_pairs(bsigs, max_full=model.max_block_full, k=model.knn)
        per_block.append((off, len(bsigs), i, j))
        gi.append(i.astype(np.int64) + off)
        gj.append(j.astype(np.int64) + off)
    emb = None
    if vectors is not None:
        from byline.text_vectors import embeddings_for

        emb = embeddings_for(sigs, vectors)
    data = BlockData(sigs, model.name_counts_, np.concatenate(ids) if ids else None, embeddings=emb)
    i_all = np.concatenate(gi) if gi else np.zeros(0, np.int64)
    j_all = np.concatenate(gj) if gj else np.zeros(0, np.int64)
    return data, per_block, i_all, j_all


def _probability(model: ClusterModel, data: BlockData, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    if len(i) == 0:
        return np.zeros(0, np.float64)
    scorer = Scorer(model)
    return scorer.score_matrix(scorer.features(data, i, j), np.zeros(len(i), bool), mask=False).probability


def score_blocks(
    items: Sequence[tuple[str, Sequence[Signature]]],
    model: ClusterModel,
    vectors: Mapping[bytes, np.ndarray] | None = None,
) -> tuple[BlockData, list[tuple[int, int, np.ndarray, np.ndarray]], np.ndarray]:
    """Candidate pairs of several blocks and their calibrated probabilities, in one batch.

    Returns the batch's :class:`BlockData`, one ``(row offset, n, i, j)`` per block (``i, j`` local to
    the block) and the probabilities of all pairs in that order. Every feature depends on the pair's
    own block only, so batching never changes a score.
    """
    data, per_block, i_all, j_all = _candidates(items, model, vectors)
    return data, per_block, _probability(model, data, i_all, j_all)


def score_block(
    sigs: Sequence[Signature], model: ClusterModel
) -> tuple[BlockData, np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs of one block and their calibrated same-person probabilities."""
    data, per_block, p = score_blocks([("", sigs)], model)
    _, _, i, j = per_block[0]
    return data, i, j, p


def _index_constraints(
    ids: Sequence[str], constraints: Constraints
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    pos = {s: k for k, s in enumerate(ids)}
    ml = [(pos[a], pos[b]) for a, b in constraints.must_link if a in pos and b in pos]
    cl = [(pos[a], pos[b]) for a, b in constraints.cannot_link if a in pos and b in pos]
    return ml, cl


def disambiguate_blocks(
    items: Sequence[tuple[str, Sequence[Signature]]],
    model: ClusterModel,
    constraints: Constraints | dict[str, Any] | None = None,
    threshold: float | None = None,
    vectors: Mapping[bytes, np.ndarray] | None = None,
) -> list[BlockResult]:
    """Cluster several blocks (scored in one batch: faster for many small blocks). Pure. ``vectors``:
    text vectors already known (see :func:`score_blocks`)."""
    t0 = time.perf_counter()
    constraints = Constraints.coerce(constraints)
    items = list(items)
    if not items:
        return []
    data, per_block, gi, gj = _candidates(items, model, vectors)
    t = Scorer(model).threshold if threshold is None else threshold
    out = []
    start = 0
    # every candidate pair is featurized, the pairs name rules forbid too: given_level takes one pair per
    # combination of given-name codes as its representative, so a feature column depends on the pairs asked
    p = _probability(model, data, gi, gj)
    # name rules (the scorer's cannot-link mask) become cannot-links of the clusterer
    bad_all = Scorer(model).cannot(data, gi, gj)
    text_only = getattr(model, "text_only_head_", None) is not None
    if text_only:
        from byline.textonly import evidence_cannot_links, is_bare
    for (block, sigs), (_, n, i, j) in zip(items, per_block, strict=True):
        stop = start + len(i)
        pb, bad = p[start:stop], bad_all[start:stop]
        start = stop
        ids = [s.id for s in sigs]
        ml, cl = _index_constraints(ids, constraints)
        cl = cl + list(zip(i[bad].tolist(), j[bad].tolist(), strict=True))
        w = unscored_weight(n, len(i))
        labels = None
        if text_only:  # bare records never join two people the other records keep apart (byline.textonly)
            bare = np.array([is_bare(s) for s in sigs], dtype=bool)
            whole, apart = evidence_cannot_links(n, i, j, pb, t, bare, ml, cl)
            if whole or apart:
                try:
                    labels = cluster_block(
                        n, i, j, pb, t, must_link=ml + whole, cannot_link=cl + apart, unscored_weight=w
                    )
                    cl = cl + apart  # the second stage keeps them apart too
                except ConstraintError:  # the rule yields to curation: the curated constraints alone
                    labels = None
        if labels is None:
            labels = cluster_block(n, i, j, pb, t, must_link=ml, cannot_link=cl, unscored_weight=w)
        if w == 1.0:  # the second stage (byline.merge), learned on blocks scored in full
            labels = merge_block(model, sigs, i, j, pb, labels, cl)
        out.append(BlockResult(block, ids, _cluster_keys(block, ids, labels), i, j, pb))
    elapsed = time.perf_counter() - t0
    total = sum(len(s) for _, s in items) or 1
    for r in out:
        r.seconds = elapsed * len(r.ids) / total
    return out


def disambiguate_block(
    block: str,
    sigs: Sequence[Signature],
    model: ClusterModel,
    constraints: Constraints | dict[str, Any] | None = None,
    threshold: float | None = None,
) -> BlockResult:
    """Cluster one block. Pure: the result depends only on the arguments."""
    return disambiguate_blocks([(block, sigs)], model, constraints, threshold)[0]


def batches(
    blocks: Mapping[str, Sequence[Signature]] | Sequence[tuple[str, Sequence[Signature]]],
    max_signatures: int = 20_000,
) -> list[list[tuple[str, list[Signature]]]]:
    """Blocks (a mapping or ``(key, signatures)`` items) packed, in order, into batches of at most
    ``max_signatures`` signatures (a big block goes alone). The one batching of the engines and the pipeline."""
    items = list(blocks.items()) if isinstance(blocks, Mapping) else list(blocks)
    out: list[list[tuple[str, list[Signature]]]] = []
    cur: list[tuple[str, list[Signature]]] = []
    size = 0
    for key, sigs in items:
        if cur and size + len(sigs) > max_signatures:
            out.append(cur)
            cur, size = [], 0
        cur.append((key, list(sigs)))
        size += len(sigs)
    if cur:
        out.append(cur)
    return out


def _cluster_keys(block: str, ids: Sequence[str], labels: np.ndarray) -> list[str]:
    first: dict[int, str] = {}
    for sid, lab in zip(ids, labels.tolist(), strict=True):
        if lab not in first or sid < first[lab]:
            first[lab] = sid
    return [f"{block}::{first[lab]}" for lab in labels.tolist()]


def run(
    signatures: Iterable[Signature],
    model: ClusterModel,
    constraints: Constraints | dict[str, Any] | None = None,
    engine: Any = None,
) -> RunResult:
    """Disambiguate all signatures, block by block.

    ``engine`` (``byline.engines``) must offer ``map_blocks(fn, items, *args, batched=True)`` that applies
    ``fn(list_of_items, model, constraints)`` (:func:`disambiguate_blocks`) to consecutive batches of
    ``(block, sigs)`` items and yields the :class:`BlockResult` s in order; ``None`` runs in this process.
    The model's name counts are first combined with those of ``signatures`` (``model.for_data``), once
    per run, and each block is taken in signature-id order, so neither batching nor input order matter.
    """
    t0 = time.perf_counter()
    model._check_fitted()
    constraints = Constraints.coerce(constraints)
    signatures = list(signatures)
    model = Scorer.for_corpus(model, signatures).model  # type: ignore[assignment]  # name counts of the data at hand
    # each block in signature-id order: ties in scores or clustering can never depend on the input order
    blocks = {k: sorted(v, key=lambda s: s.id) for k, v in group_blocks(signatures).items()}
    if engine is None:
        results = [r for batch in batches(blocks) for r in disambiguate_blocks(batch, model, constraints)]
    else:
        results = list(
            engine.map_blocks(disambiguate_blocks, list(blocks.items()), model, constraints, batched=True)
        )
    out = RunResult(clusters={}, seconds=0.0)
    for r in results:
        out.blocks[r.block] = r
        out.clusters.update(zip(r.ids, r.clusters, strict=True))
    if constraints.must_link:
        _apply_cross_block(out.clusters, constraints)
    out.seconds = time.perf_counter() - t0
    return out


def _apply_cross_block(clusters: dict[str, str], constraints: Constraints) -> None:
    """Join the clusters of curator must-links that span blocks, unless that would put a cannot-linked pair in
    one cluster. Each join checks the cannot-links of the smaller side only (no quadratic scan)."""
    uf: UnionFind[str] = UnionFind()
    members: dict[str, set[str]] = {}
    for sid, key in clusters.items():
        members.setdefault(key, set()).add(sid)
    cannot: dict[str, set[str]] = {}
    for a, b in constraints.cannot_link:
        cannot.setdefault(a, set()).add(b)
        cannot.setdefault(b, set()).add(a)
    for a, b in constraints.must_link:
        if a not in clusters or b not in clusters:
            continue
        ra, rb = uf.find(clusters[a]), uf.find(clusters[b])
        if ra == rb:
            continue
        small, big = (ra, rb) if len(members[ra]) <= len(members[rb]) else (rb, ra)
        if any(
            uf.find(clusters[y]) == big for x in members[small] for y in cannot.get(x, ()) if y in clusters
        ):
            continue
        root = uf.union(ra, rb)
        members[root] = members.pop(small if root == big else big) | members.pop(root)
    for sid, key in list(clusters.items()):
        clusters[sid] = uf.find(key)
