"""Choices made on labeled data at training time: scoring labeled blocks as evaluation does
(:func:`score_labeled`, used by :func:`byline.model.choose_threshold`), training the cluster-merge second
stage on out-of-fold clusters (:func:`fit_merge`) and choosing its threshold with the clustering threshold
on dev (:func:`choose_merge`). See :mod:`byline.merge` for the stage itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from byline.merge import (
    MERGE_FEATURES,
    MERGE_GRID,
    cluster_pair_features,
    merge_labels,
    train_booster,
    training_rows,
)
from byline.records import Signature


def score_labeled(
    model: Any, signatures: Sequence[Signature]
) -> tuple[list[tuple[Any, list[tuple[int, int]], list[Signature]]], dict[str, dict[str, list[str]]]]:
    """Every block of the labeled ``signatures`` scored as :func:`byline.evaluate.evaluate` scores it:
    ``(BlockResult without keys, cannot-links, signatures)`` per block, and the true clusters per dataset."""
    from byline.block import group_blocks
    from byline.features import cannot_link_mask
    from byline.pipeline import BlockResult, batches, score_blocks

    labeled = [s for s in signatures if s.person is not None]
    scored = []
    by_dataset: dict[str, list[Signature]] = {}
    for s in labeled:
        by_dataset.setdefault(s.dataset or "data", []).append(s)
    # as evaluate does: one run per dataset, name counts combined with that dataset's
    # each block in signature-id order, as the pipeline takes it: tied scores cluster the same way here
    runs = [
        (model.for_data(sigs), {k: sorted(v, key=lambda s: s.id) for k, v in group_blocks(sigs).items()})
        for _, sigs in sorted(by_dataset.items())
    ]
    for m, blocks in runs:
        for batch in batches(blocks):
            data, per_block, p = score_blocks(batch, m)
            start = 0
            for (key, sigs), (off, _n, i, j) in zip(batch, per_block, strict=True):
                stop = start + len(i)
                cl = []
                if model.name_constraints and len(i):
                    bad = cannot_link_mask(data, i.astype(np.int64) + off, j.astype(np.int64) + off)
                    cl = list(zip(i[bad].tolist(), j[bad].tolist(), strict=True))
                scored.append((BlockResult(key, [s.id for s in sigs], [], i, j, p[start:stop]), cl, sigs))
                start = stop
    by_ds: dict[str, dict[str, list[str]]] = {}
    for s in labeled:
        by_ds.setdefault(s.dataset or "data", {}).setdefault(s.person or "", []).append(s.id)
    return scored, by_ds


def fit_merge(model: Any, signatures: Sequence[Signature], fold_boosters: Sequence[Any], fold_of: Any) -> Any:
    """Train the merge classifier on out-of-fold first-stage clusters of the labeled training blocks and
    their hard copies (see the module docstring); ``fold_of(block key)`` gives a block's fold, whose
    booster (``fold_boosters``) did not see it. Returns the booster (``None`` without any cluster pair)."""
    from byline.augment import derive
    from byline.block import candidate_pairs, group_blocks
    from byline.features import BlockData, cannot_link_mask, featurize
    from byline.pipeline import batches

    labeled = [s for s in signatures if s.person is not None]
    data_sets = labeled + derive(labeled, "hard")
    by_ds: dict[str, dict[str, list[Signature]]] = {}
    for key, sigs in group_blocks(data_sets).items():
        if len(sigs) >= 2:
            by_ds.setdefault(sigs[0].dataset or "data", {})[key] = sorted(sigs, key=lambda s: s.id)
    Xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    cols = model._columns()
    for _ds, part in sorted(by_ds.items()):
        counts = model._counts_for(sorted(s.name for v in part.values() for s in v))
        for batch in batches(part):
            rows: list[Signature] = []
            bids, gi, gj, spans, folds = [], [], [], [], []
            for k, (key, sigs) in enumerate(batch):
                i, j = candidate_pairs(sigs, max_full=model.max_block_full, k=model.knn)
                off = len(rows)
                rows.extend(sigs)
                bids.append(np.full(len(sigs), k, np.int64))
                gi.append(i.astype(np.int64) + off)
                gj.append(j.astype(np.int64) + off)
                spans.append((off, len(i)))
                folds.append(np.full(len(i), fold_of(key), np.int64))
            data = BlockData(rows, counts, np.concatenate(bids))
            ai, aj = np.concatenate(gi), np.concatenate(gj)
            if len(ai) == 0:
                continue
            X = featurize(data, ai, aj)[:, cols]
            fold = np.concatenate(folds)
            raw = np.empty(len(ai), np.float64)
            for f in np.unique(fold).tolist():
                sel = fold == f
                raw[sel] = model._raw(X[sel], fold_boosters[f])
            prob = model.calibrate(raw)
            bad = cannot_link_mask(data, ai, aj) if model.name_constraints else np.zeros(len(ai), bool)
            start = 0
            for (_key, sigs), (off, m) in zip(batch, spans, strict=True):
                i, j = ai[start : start + m] - off, aj[start : start + m] - off
                p, b = prob[start : start + m], bad[start : start + m]
                start += m
                cannot = list(zip(i[b].tolist(), j[b].tolist(), strict=True))
                bx, by = training_rows(sigs, i, j, p, cannot)
                Xs += bx
                ys += by
    if not ys or sum(len(y) for y in ys) == 0:
        return None
    X_all, y_all = np.vstack(Xs), np.concatenate(ys)
    if y_all.min() == y_all.max():
        return None
    return train_booster(X_all, y_all, model.random_state)


MERGE_TOLERANCE = 0.005  # how far below the one-stage choice a dataset may fall for a choice to be eligible
MERGE_T_GRID = tuple(
    round(0.3 + 0.025 * k, 3) for k in range(11)
)  # first-stage thresholds tried with a merge


def choose_merge(model: Any, signatures: Sequence[Signature]) -> tuple[float, float | None, dict[str, float]]:
    """The clustering threshold and merge threshold with the best mean (over datasets) B3 F1 on labeled
    ``signatures``: every first-stage threshold of :data:`MERGE_T_GRID` with every :data:`MERGE_GRID`
    value (1.01 = no merge), and the first-stage threshold already chosen without a merge (kept when no
    merge beats it). Only choices that keep every dataset's B3 F1 within :data:`MERGE_TOLERANCE` of that
    one-stage choice are eligible: the mean alone once traded qian's intact dev (0.928 -> 0.876) for the
    hard copies (seed 2). Returns ``(threshold, merge threshold or None, scores by "t/merge")``."""
    from byline.cluster import block_linkage, labels_at, unscored_weight
    from byline.evaluate import b3_precision_recall_fscore, labels_to_clusters
    from byline.pipeline import _cluster_keys

    scored, by_ds = score_labeled(model, signatures)
    weights = [unscored_weight(len(res.ids), len(res.pair_i)) for res, _, _ in scored]
    trees = [
        block_linkage(len(res.ids), res.pair_i, res.pair_j, res.prob, cl) if w == 1.0 else None
        for (res, cl, _), w in zip(scored, weights, strict=True)
    ]
    scores: dict[tuple[float, float], float] = {}
    per_set: dict[tuple[float, float], list[float]] = {}
    for t in sorted({*MERGE_T_GRID, float(model.threshold_)}):
        first, cand = [], []
        for (res, cl, sigs), Z, w in zip(scored, trees, weights, strict=True):
            labels = labels_at(Z, len(res.ids), res.pair_i, res.pair_j, res.prob, t, cl, w)
            X, pairs = (
                cluster_pair_features(sigs, res.pair_i, res.pair_j, res.prob, labels, cl)
                if w == 1.0  # as the pipeline: no second stage in a block not scored in full
                else (np.zeros((0, len(MERGE_FEATURES))), [])
            )
            prob = model.merge_booster_.predict(X, num_threads=1) if pairs else np.zeros(0)
            first.append(labels)
            cand.append((pairs, np.asarray(prob, np.float64)))
        for tau in MERGE_GRID:
            if tau > 1.0 and t != float(model.threshold_):
                continue  # "no merge" only at the threshold chosen without one
            pred: dict[str, str] = {}
            for (res, cl, _), labels, (pairs, prob) in zip(scored, first, cand, strict=True):
                lab = merge_labels(labels, pairs, prob, tau, cl) if pairs and tau <= 1.0 else labels
                pred.update(zip(res.ids, _cluster_keys(res.block, res.ids, lab), strict=True))
            f1s = []
            for true in by_ds.values():
                ids = {x for v in true.values() for x in v}
                f1s.append(
                    b3_precision_recall_fscore(
                        true, labels_to_clusters({k: v for k, v in pred.items() if k in ids})
                    )[2]
                )
            scores[(t, tau)] = round(float(np.mean(f1s)), 9)
            per_set[(t, tau)] = f1s
    # only choices that lower no dataset (beyond MERGE_TOLERANCE) against the one-stage choice are eligible
    ref = per_set[(float(model.threshold_), MERGE_GRID[-1])]
    eligible = {
        k: v
        for k, v in scores.items()
        if all(f >= r - MERGE_TOLERANCE for f, r in zip(per_set[k], ref, strict=True))
    }
    best = max(eligible.values())
    best_keys = sorted(k for k, v in eligible.items() if v >= best - 1e-9)
    t, tau = best_keys[len(best_keys) // 2]
    return t, (None if tau > 1.0 else tau), {f"{a}/{b}": v for (a, b), v in sorted(scores.items())}
