"""A second stage over clusters: join first-stage clusters of one block that are one person.

Average linkage stops where the *average* same-person probability between two clusters falls below the
threshold. With thin records (initials, no abstract) a person's pairs each carry little evidence and the
person ends in several clusters, although the clusters together share coauthors, venues, years and a
few confident pairs. This stage scores every pair of clusters of a block that has at least one cross
pair with ``p >= 0.1`` by a small LightGBM classifier over cluster-level features
(:data:`MERGE_FEATURES`) and joins them, most probable first, while the probability is at least the
model's ``merge_threshold_`` and no cannot-link (incompatible names, same paper, curator split) would end
up inside one cluster. The pipeline applies it to blocks scored in full only (up to
``byline.block.MAX_FULL`` signatures): it learned from such blocks, and on dev blocks scored sparsely (the
candidate-pair bounds lowered, ``benchmarks/sparse_blocks.py``) it joined too much.

The classifier is trained in :meth:`byline.model.Disambiguator.fit` on first-stage clusters of the
training blocks (and their hard copies, :func:`byline.augment.hard`), every block scored by the
calibration fold model that did not see it, clustered at :data:`TRAIN_CUTS`; the label of a cluster pair
is whether the two clusters' majority persons are the same. The merge threshold is chosen on dev with the
clustering threshold (:func:`byline.model.choose_threshold`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from byline.names import block_key
from byline.records import Signature

MERGE_FEATURES = (
    "p_max",
    "p_top3",
    "p_mean",
    "frac_above_05",
    "frac_above_03",
    "log_pairs",
    "log_smaller",
    "log_larger",
    "shared_coauthors",
    "shared_coauthors_rel",
    "shared_venues",
    "shared_venues_rel",
    "year_gap",
    "log_block",
    "block_mean_p",
)
TRAIN_CUTS = (0.35, 0.4, 0.45)  # first-stage thresholds the training clusters are cut at
MIN_P_MAX = 0.1  # cluster pairs whose best cross pair is below this are never candidates
MERGE_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 1.01)  # 1.01: no merge
_PARAMS = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 30,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "deterministic": True,
    "force_col_wise": True,
    "verbose": -1,
}
N_TREES = 200


def _sig_info(s: Signature) -> tuple[frozenset[str], str, int | None]:
    me = block_key(s.name)
    co = frozenset(block_key(c) for c in s.coauthors) - {me, ""}
    return co, (s.venue or "").strip().lower(), s.year


def cluster_pair_features(
    sigs: Sequence[Signature],
    i: np.ndarray,
    j: np.ndarray,
    p: np.ndarray,
    labels: np.ndarray,
    cannot: Iterable[tuple[int, int]] = (),
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Features (rows in :data:`MERGE_FEATURES` order) of the candidate cluster pairs ``(a, c)``, ``a < c``."""
    n = len(sigs)
    labels = np.asarray(labels, np.int64)
    empty: tuple[np.ndarray, list[tuple[int, int]]] = (np.zeros((0, len(MERGE_FEATURES))), [])
    if n < 2 or len(i) == 0 or labels.max() == 0:
        return empty
    li, lj = labels[i], labels[j]
    cross = li != lj
    k = int(labels.max()) + 1
    key = np.minimum(li, lj)[cross] * k + np.maximum(li, lj)[cross]
    pp = np.asarray(p, np.float64)[cross]
    banned = {min(labels[a], labels[b]) * k + max(labels[a], labels[b]) for a, b in cannot}
    order = np.argsort(key, kind="stable")
    key, pp = key[order], pp[order]
    if len(key) == 0:
        return empty
    starts = np.r_[0, np.flatnonzero(np.diff(key)) + 1]
    ends = np.r_[starts[1:], len(key)]
    info = [_sig_info(s) for s in sigs]
    co: list[Counter[str]] = [Counter() for _ in range(k)]
    ven: list[set[str]] = [set() for _ in range(k)]
    years: list[list[int]] = [[] for _ in range(k)]
    size = np.bincount(labels, minlength=k)
    for x, lab in enumerate(labels.tolist()):
        sig_co, sig_venue, sig_year = info[x]
        co[lab].update(sig_co)
        if sig_venue:
            ven[lab].add(sig_venue)
        if sig_year is not None:
            years[lab].append(int(sig_year))
    block_mean = float(np.mean(p)) if len(p) else 0.0
    rows, pairs = [], []
    for s0, e0 in zip(starts.tolist(), ends.tolist(), strict=True):
        kk = int(key[s0])
        if kk in banned:
            continue
        q = np.sort(pp[s0:e0])[::-1]
        if q[0] < MIN_P_MAX:
            continue
        a, c = divmod(kk, k)
        tot = float(size[a] * size[c])
        shared_co = len(co[a].keys() & co[c].keys())
        shared_v = len(ven[a] & ven[c])
        ya, yc = years[a], years[c]
        gap = 0 if not ya or not yc else max(0, max(min(ya), min(yc)) - min(max(ya), max(yc)))
        rows.append(
            [
                q[0],
                q[:3].mean(),
                q.sum() / tot,
                (q > 0.5).sum() / tot,
                (q > 0.3).sum() / tot,
                np.log(tot),
                np.log(min(size[a], size[c])),
                np.log(max(size[a], size[c])),
                shared_co,
                shared_co / (1 + min(len(co[a]), len(co[c]))),
                shared_v,
                shared_v / (1 + min(len(ven[a]), len(ven[c]))),
                gap,
                np.log(n),
                block_mean,
            ]
        )
        pairs.append((a, c))
    if not rows:
        return empty
    return np.asarray(rows, np.float64), pairs


def merge_labels(
    labels: np.ndarray,
    pairs: Sequence[tuple[int, int]],
    prob: np.ndarray,
    threshold: float,
    cannot: Iterable[tuple[int, int]] = (),
) -> np.ndarray:
    """Join cluster pairs with ``prob >= threshold``, most probable first, never across a cannot-link;
    labels renumbered by smallest member (as :func:`byline.cluster.cluster_block` numbers them)."""
    labels = np.asarray(labels, np.int64)
    k = int(labels.max()) + 1 if len(labels) else 0
    parent = list(range(k))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    apart: dict[int, set[int]] = {}
    for a, b in cannot:
        la, lb = int(labels[a]), int(labels[b])
        if la != lb:
            apart.setdefault(la, set()).add(lb)
            apart.setdefault(lb, set()).add(la)
    for o in np.argsort(-np.asarray(prob), kind="stable").tolist():
        if prob[o] < threshold:
            break
        ra, rc = find(pairs[o][0]), find(pairs[o][1])
        if ra == rc or rc in apart.get(ra, ()):
            continue
        root, other = min(ra, rc), max(ra, rc)
        parent[other] = root
        moved = apart.pop(other, set())
        for x in moved:
            apart[x].discard(other)
            apart[x].add(root)
        apart.setdefault(root, set()).update(moved)
    roots = [find(int(x)) for x in labels.tolist()]
    seen: dict[int, int] = {}
    return np.array([seen.setdefault(r, len(seen)) for r in roots], np.int64)


def merge_block(
    model: Any,
    sigs: Sequence[Signature],
    i: np.ndarray,
    j: np.ndarray,
    p: np.ndarray,
    labels: np.ndarray,
    cannot: Iterable[tuple[int, int]] = (),
    threshold: float | None = None,
) -> np.ndarray:
    """The second stage on one block's first-stage ``labels`` (unchanged when the model has none)."""
    booster = getattr(model, "merge_booster_", None)
    t = getattr(model, "merge_threshold_", None) if threshold is None else threshold
    if booster is None or t is None or t > 1.0:
        return np.asarray(labels, np.int64)
    cannot = list(cannot)
    X, pairs = cluster_pair_features(sigs, i, j, p, labels, cannot)
    if not pairs:
        return np.asarray(labels, np.int64)
    prob = np.asarray(booster.predict(X, num_threads=1), np.float64)
    return merge_labels(labels, pairs, prob, t, cannot)


def training_rows(
    sigs: Sequence[Signature],
    i: np.ndarray,
    j: np.ndarray,
    p: np.ndarray,
    cannot: Sequence[tuple[int, int]],
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Cluster-pair features and labels of one labeled, scored block, cut at every :data:`TRAIN_CUTS`."""
    from byline.cluster import cluster_block

    person = [s.person or "" for s in sigs]
    Xs, ys = [], []
    for t in TRAIN_CUTS:
        labels = cluster_block(len(sigs), i, j, p, t, cannot_link=cannot)
        X, pairs = cluster_pair_features(sigs, i, j, p, labels, cannot)
        if not pairs:
            continue
        majority = {}
        for lab in np.unique(labels).tolist():
            members = np.flatnonzero(labels == lab)
            majority[lab] = Counter(person[m] for m in members.tolist()).most_common(1)[0][0]
        Xs.append(X)
        ys.append(np.array([majority[a] == majority[c] for a, c in pairs], np.int8))
    return Xs, ys


def train_booster(X: np.ndarray, y: np.ndarray, seed: int) -> Any:
    """The merge classifier (LightGBM, deterministic, one thread)."""
    from byline.model_io import _lightgbm

    lgb = _lightgbm()
    ds = lgb.Dataset(X, label=y, feature_name=list(MERGE_FEATURES), free_raw_data=True)
    return lgb.train({**_PARAMS, "seed": int(seed), "num_threads": 1}, ds, num_boost_round=N_TREES)


def original_block_key(key: str) -> str:
    """A training block's key without the augmentation suffix of its dataset (``aminer~hard/x`` ->
    ``aminer/x``): a block and its derived copies share calibration folds, so a fold model never saw a
    copy of a block it scores."""
    ds, sep, rest = key.partition("/")
    return ds.split("~", 1)[0] + sep + rest if sep else key.split("~", 1)[0]
