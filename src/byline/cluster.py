"""Per-block agglomerative clustering (average linkage) with must-link / cannot-link constraints.

Input: a block of ``n`` signatures, scored candidate pairs ``(i, j, p)`` (``p`` = probability of same
person; pairs not scored count as ``p = 0``), and a probability threshold. Two clusters merge while the
average of ``1 - p`` over all their cross pairs is ``<= 1 - threshold``.

* must-link pairs are merged first (distance 0, transitively);
* cannot-link pairs (incompatible names, two positions on one paper, curator splits) get an
  effectively infinite distance, so no cluster ever contains both ends;
* blocks where not every pair was scored (above ``byline.block.MAX_FULL`` only candidate pairs are):
  an unscored pair counts as ``p = 0`` with the weight ``unscored_weight`` instead of 1 (see
  :func:`unscored_weight`), so that a cluster's average is not drowned by the pairs nobody looked at;
* the graph is first split into connected components of pairs with ``1 - p <= 1 - threshold`` (and
  must-links): average linkage never merges across them (every cross distance is above the cut), so
  each component is clustered on its own -- exact, and fast for big sparse blocks.

Deterministic: the same input gives the same labels (labels are numbered by smallest member index).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from byline._errors import ConstraintError
from byline._unionfind import UnionFind

DENSE_MAX = 3000
_BIG = 1e9


@dataclass(frozen=True)
class Constraints:
    """Curator constraints on signature ids: pairs that must / must not be one person."""

    must_link: tuple[tuple[str, str], ...] = field(default=())
    cannot_link: tuple[tuple[str, str], ...] = field(default=())

    @classmethod
    def coerce(cls, c: Constraints | dict[str, Any] | None) -> Constraints:
        if c is None:
            return cls()
        if isinstance(c, Constraints):
            return c
        if isinstance(c, dict):
            return cls(
                must_link=tuple((str(a), str(b)) for a, b in c.get("must_link", ())),
                cannot_link=tuple((str(a), str(b)) for a, b in c.get("cannot_link", ())),
            )
        raise TypeError(f"constraints must be Constraints, a dict or None, not {type(c).__name__}")


def unscored_weight(n: int, n_scored: int) -> float:
    """The weight of an unscored pair in the average of a block of ``n`` with ``n_scored`` scored pairs.

    ``rho ** 1.5`` with ``rho`` the fraction of the block's pairs that were scored: 1 (plain average
    linkage, unscored pairs as ``p = 0``) when all were. In big blocks only each signature's nearest
    neighbours are scored (a 1,419-signature block: ~3% of its pairs), and counting the other 97% as
    certain non-matches split every person into many clusters. The exponent was measured on dev with the
    candidate-pair bounds lowered so that dev's blocks are scored sparsely (docs/model.md, "Clustering").
    """
    total = n * (n - 1) / 2
    if total <= 0 or n_scored >= total:
        return 1.0
    return float((n_scored / total) ** 1.5)


def _UnionFind(n: int) -> UnionFind[int]:  # the one union-find (byline._unionfind), over 0..n-1
    return UnionFind(range(n))


def _components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    if len(i) == 0:
        return np.arange(n)
    if len(i) < 2000:  # small graphs: plain union-find beats scipy's validation overhead
        uf = _UnionFind(n)
        for a, b in zip(i.tolist(), j.tolist(), strict=True):
            uf.union(a, b)
        return np.array([uf.find(k) for k in range(n)])
    g = coo_matrix((np.ones(len(i), np.int8), (i, j)), shape=(n, n))
    _, lab = connected_components(g, directed=False)
    return np.asarray(lab)


def cluster_block(
    n: int,
    i: np.ndarray,
    j: np.ndarray,
    p: np.ndarray,
    threshold: float,
    must_link: Iterable[tuple[int, int]] = (),
    cannot_link: Iterable[tuple[int, int]] = (),
    unscored_weight: float = 1.0,
) -> np.ndarray:
    """Cluster labels ``0..k-1`` for ``n`` items of one block (see the module docstring).

    ``unscored_weight`` (in ``(0, 1]``) is the weight of a pair absent from ``i, j`` in a cluster's
    average; 1 is plain average linkage with unscored pairs as ``p = 0``. Below 1 every component is
    clustered by the sparse path (the dense one has no weights).
    """
    if not 0.0 < unscored_weight <= 1.0:
        raise ValueError(f"unscored_weight must be in (0, 1], got {unscored_weight!r}")
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    d = 1.0 - np.asarray(p, dtype=np.float64)
    cut = 1.0 - float(threshold)
    ml = [(int(a), int(b)) for a, b in must_link if a != b]
    if n == 0:
        return np.zeros(0, np.int64)
    cl_arr = np.asarray(list(cannot_link), dtype=np.int64).reshape(-1, 2)
    cl_arr = cl_arr[cl_arr[:, 0] != cl_arr[:, 1]]
    cla, clb = np.minimum(cl_arr[:, 0], cl_arr[:, 1]), np.maximum(cl_arr[:, 0], cl_arr[:, 1])
    # must-link groups
    uf = _UnionFind(n)
    for a, b in ml:
        uf.union(a, b)
    group = np.array([uf.find(k) for k in range(n)]) if ml else np.arange(n)
    clash = np.flatnonzero(group[cla] == group[clb])
    if clash.size:
        a, b = int(cla[clash[0]]), int(clb[clash[0]])
        raise ConstraintError(f"items {a} and {b} are both must-linked and cannot-linked")
    # drop scored pairs that are cannot-linked
    if cla.size:
        bad = np.isin(np.minimum(i, j) * n + np.maximum(i, j), cla * n + clb)
        i, j, d = i[~bad], j[~bad], d[~bad]
    close = d <= cut
    ci = np.concatenate([i[close], np.array([a for a, _ in ml], np.int64)])
    cj = np.concatenate([j[close], np.array([b for _, b in ml], np.int64)])
    comp = _components(n, ci, cj)
    labels = np.full(n, -1, np.int64)
    order = np.argsort(comp, kind="stable")
    comp_sorted = comp[order]
    bounds = np.flatnonzero(np.diff(comp_sorted)) + 1
    members_list = np.split(order, bounds)
    # pairs and constraints per component (those between components never matter: above the cut)
    inside = comp[i] == comp[j]
    i, j, d = i[inside], j[inside], d[inside]
    pair_order = np.argsort(comp[i], kind="stable")
    pc_sorted = comp[i][pair_order]
    cl_in = comp[cla] == comp[clb]
    cla, clb = cla[cl_in], clb[cl_in]
    cl_order = np.argsort(comp[cla], kind="stable")
    cc_sorted = comp[cla][cl_order]
    ml_arr = np.asarray(ml, dtype=np.int64).reshape(-1, 2)
    local = np.full(n, -1, np.int64)
    result_parts: list[tuple[np.ndarray, np.ndarray]] = []
    for members in members_list:
        members = np.sort(members)
        if len(members) == 1:
            result_parts.append((members, np.zeros(1, np.int64)))
            continue
        if len(members) == 2:  # joined by one close edge (cannot-links were removed above)
            result_parts.append((members, np.zeros(2, np.int64)))
            continue
        c = comp[members[0]]
        lo, hi = np.searchsorted(pc_sorted, [c, c + 1])
        sel = pair_order[lo:hi]
        local[members] = np.arange(len(members))
        li, lj, ld = local[i[sel]], local[j[sel]], d[sel]
        lo, hi = np.searchsorted(cc_sorted, [c, c + 1])
        csel = cl_order[lo:hi]
        lcl = list(zip(local[cla[csel]].tolist(), local[clb[csel]].tolist(), strict=True))
        if len(members) <= DENSE_MAX and unscored_weight == 1.0:
            sub = _average_dense(len(members), li, lj, ld, cut, group[members], lcl)
        else:
            mine = ml_arr[comp[ml_arr[:, 0]] == c] if len(ml_arr) else ml_arr
            lml = list(zip(local[mine[:, 0]].tolist(), local[mine[:, 1]].tolist(), strict=True))
            sub = _average_sparse(len(members), li, lj, ld, cut, lml, lcl, unscored_weight)
        local[members] = -1
        result_parts.append((members, sub))
    # number labels by smallest member
    firsts = []
    for members, sub in result_parts:
        for lab in np.unique(sub):
            firsts.append((int(members[sub == lab].min()), members[sub == lab]))
    firsts.sort(key=lambda t: t[0])
    for lab, (_, mem) in enumerate(firsts):
        labels[mem] = lab
    return labels


def _average_dense(
    m: int,
    i: np.ndarray,
    j: np.ndarray,
    d: np.ndarray,
    cut: float,
    group: np.ndarray,
    cl: Iterable[tuple[int, int]],
) -> np.ndarray:
    return _flat(_linkage_dense(m, i, j, d, group, cl), m, cut)


def _linkage_dense(
    m: int, i: np.ndarray, j: np.ndarray, d: np.ndarray, group: np.ndarray, cl: Iterable[tuple[int, int]]
) -> np.ndarray:
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    D = np.ones((m, m), dtype=np.float64)
    D[i, j] = np.clip(d, 1e-6, 1.0)
    D[j, i] = D[i, j]
    same = group[:, None] == group[None, :]
    D[same] = 0.0
    for a, b in cl:
        D[a, b] = D[b, a] = _BIG
    np.fill_diagonal(D, 0.0)
    return np.asarray(linkage(squareform(D, checks=False), method="average"))


def block_linkage(
    n: int, i: np.ndarray, j: np.ndarray, p: np.ndarray, cannot_link: Iterable[tuple[int, int]] = ()
) -> np.ndarray | None:
    """The full average-linkage dendrogram of a block (``None`` when too big for a dense matrix).

    Cut it at several thresholds with :func:`cut_linkage` -- used to choose the threshold, where
    re-clustering per candidate threshold would repeat the same merges.
    """
    if n < 2 or n > DENSE_MAX:
        return None
    d = 1.0 - np.asarray(p, dtype=np.float64)
    return _linkage_dense(
        n, np.asarray(i, np.int64), np.asarray(j, np.int64), d, np.arange(n), list(cannot_link)
    )


def cut_linkage(Z: np.ndarray | None, n: int, threshold: float) -> np.ndarray:
    """Flat labels of :func:`block_linkage` at a probability threshold (same as :func:`cluster_block`)."""
    if Z is None:
        return np.zeros(n, np.int64)
    lab = _flat(Z, n, 1.0 - float(threshold))
    # number by smallest member, like cluster_block
    order: dict[int, int] = {}
    for v in lab.tolist():
        order.setdefault(v, len(order))
    return np.array([order[v] for v in lab.tolist()], np.int64)


def labels_at(
    Z: np.ndarray | None,
    n: int,
    i: np.ndarray,
    j: np.ndarray,
    p: np.ndarray,
    threshold: float,
    cannot_link: Sequence[tuple[int, int]] = (),
    unscored_weight: float = 1.0,
) -> np.ndarray:
    """A block's labels at ``threshold``: a cut of its dendrogram ``Z`` (:func:`block_linkage`) when it
    has one, else :func:`cluster_block` -- how threshold choices try many thresholds on one scoring."""
    if n == 1:
        return np.zeros(1, np.int64)
    if Z is not None:
        return cut_linkage(Z, n, threshold)
    return cluster_block(n, i, j, p, threshold, cannot_link=cannot_link, unscored_weight=unscored_weight)


def _flat(Z: np.ndarray, m: int, cut: float) -> np.ndarray:
    """Flat clusters of a monotone linkage cut at ``cut`` (same as ``fcluster(..., "distance")``)."""
    uf = _UnionFind(2 * m - 1)
    for k, (a, b, h) in enumerate(Z[:, :3].tolist()):
        if h > cut:
            break
        uf.union(int(a), m + k)
        uf.union(int(b), m + k)
    return _renumber(np.array([uf.find(x) for x in range(m)]))


def _renumber(lab: np.ndarray) -> np.ndarray:
    out = np.empty(len(lab), np.int64)
    seen: dict[int, int] = {}
    for k, v in enumerate(lab):
        out[k] = seen.setdefault(int(v), len(seen))
    return out


def _average_sparse(
    m: int,
    i: np.ndarray,
    j: np.ndarray,
    d: np.ndarray,
    cut: float,
    ml: Iterable[tuple[int, int]],
    cl: Iterable[tuple[int, int]],
    unscored_weight: float = 1.0,
) -> np.ndarray:
    """Average linkage on a sparse graph (missing pairs have distance 1) with a heap; O(E log E).

    The distance of two clusters is ``1 - S / (c + w * (|A| |B| - c))``: ``S`` the summed similarity
    ``1 - d`` of their ``c`` scored cross pairs, ``w`` (``unscored_weight``) the weight of each unscored
    one (similarity 0); ``w = 1`` is plain average linkage. Cannot-links enter as a similarity of
    ``-1e9``: any cluster pair containing one has an average distance far above the cut, so it is never
    merged (the same device as the dense path).
    """
    w = float(unscored_weight)
    uf = _UnionFind(m)
    size = {k: 1 for k in range(m)}
    # sum of similarities s = 1 - d between clusters and how many scored pairs it sums
    nbr: dict[int, dict[int, float]] = {k: {} for k in range(m)}
    cnt: dict[int, dict[int, int]] = {k: {} for k in range(m)}
    for a, b, dist in zip(i.tolist(), j.tolist(), d.tolist(), strict=True):
        nbr[a][b] = nbr[a].get(b, 0.0) + (1.0 - dist)
        nbr[b][a] = nbr[a][b]
        cnt[a][b] = cnt[b][a] = cnt[a].get(b, 0) + 1
    for a, b in cl:
        nbr[a][b] = nbr[a].get(b, 0.0) - _BIG
        nbr[b][a] = nbr[a][b]
        cnt[a][b] = cnt[b][a] = max(cnt[a].get(b, 0), 1)

    def distance(a: int, b: int, s: float) -> float:
        tot = size[a] * size[b]
        if w == 1.0:
            return 1.0 - s / tot
        c = cnt[a].get(b, 0)
        return 1.0 - s / (c + w * (tot - c))

    for a, b in ml:
        ra, rb = uf.find(a), uf.find(b)
        if ra != rb:
            _merge(ra, rb, uf, size, nbr, cnt)
    heap: list[tuple[float, int, int]] = []
    for a in nbr:
        if uf.find(a) != a:
            continue
        for b, s in nbr[a].items():
            if a < b:
                dist = distance(a, b, s)
                if dist <= cut:
                    heap.append((dist, a, b))
    heapq.heapify(heap)
    alive = size  # roots are exactly the keys of ``size``
    while heap:
        dist, a, b = heapq.heappop(heap)
        if dist > cut:
            break
        if a not in alive or b not in alive or b not in nbr[a]:
            continue
        cur = distance(a, b, nbr[a][b])
        if abs(cur - dist) > 1e-12:
            continue  # stale entry
        root = _merge(a, b, uf, size, nbr, cnt)
        for c, s in nbr[root].items():
            nd = distance(root, c, s)
            if nd <= cut:
                heapq.heappush(heap, (nd, min(root, c), max(root, c)))
    return _renumber(np.array([uf.find(k) for k in range(m)]))


def _merge(
    a: int,
    b: int,
    uf: UnionFind[int],
    size: dict[int, int],
    nbr: dict[int, dict[int, float]],
    cnt: dict[int, dict[int, int]],
) -> int:
    root, other = (a, b) if a < b else (b, a)
    uf.parent[other] = root
    size[root] += size.pop(other)
    nr, kr = nbr[root], cnt[root]
    ko = cnt.pop(other)
    for c, s in nbr.pop(other).items():
        if c == root:
            continue
        v = nr.get(c, 0.0) + s
        nr[c] = v
        nc = nbr[c]
        del nc[other]
        nc[root] = v
        k = kr.get(c, 0) + ko.get(c, 0)
        kr[c] = k
        kc = cnt[c]
        kc.pop(other, None)
        kc[root] = k
    nr.pop(other, None)
    kr.pop(other, None)
    return int(root)
