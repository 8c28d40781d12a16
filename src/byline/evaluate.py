"""Metrics (B-cubed as S2AND computes it, per-block pairwise F1) and the evaluate driver.

:func:`b3_precision_recall_fscore` follows ``s2and.eval.b3_precision_recall_fscore``: for every
signature, precision = |pred cluster & true cluster| / |pred cluster| and recall = |...| / |true cluster|;
both are averaged over all signatures and F1 is their harmonic mean. (S2AND rounds the three numbers to 3
decimals when reporting; pass ``round_to=3`` to get exactly its output.)

:func:`pairwise_f1_per_block` follows S2AND's ``pairwise_precision_recall_fscore(..., "cmacro")``: per
block, pairwise P/R/F1 over same-cluster pairs (a singleton cluster counts as the pair of itself, the
fix of Levin et al. 2012), then the plain mean of the per-block values.

:func:`b3_by_block_size` splits the B3 averages by the size of the block each signature was clustered in
(buckets 1-9, 10-49, 50-199, 200-999, >=1000 signatures), to show whether recall holds in large blocks.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from byline._errors import InputError
from byline.records import Signature


def f1_score(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall (0 when either is 0)."""
    if precision == 0 or recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def _invert(clusters: Mapping[str, Iterable[str]]) -> dict[str, str]:
    rev = {}
    for k, members in clusters.items():
        for m in members:
            rev[m] = k
    return rev


def b3_precision_recall_fscore(
    true_clusters: Mapping[str, Sequence[str]],
    pred_clusters: Mapping[str, Sequence[str]],
    round_to: int | None = None,
) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of ``pred_clusters`` against ``true_clusters`` (id lists)."""
    tset = {x for v in true_clusters.values() for x in v}
    pset = {x for v in pred_clusters.values() for x in v}
    if tset != pset:
        raise ValueError("predictions do not cover all the signatures")
    if not tset:
        return 0.0, 0.0, 0.0
    tc = {k: frozenset(v) for k, v in true_clusters.items()}
    pc = {k: frozenset(v) for k, v in pred_clusters.items()}
    rev_t, rev_p = _invert(tc), _invert(pc)
    inter: dict[tuple[str, str], int] = {}
    precision = recall = 0.0
    for item in sorted(tset, key=str):
        kp, kt = rev_p[item], rev_t[item]
        key = (kp, kt)
        if key not in inter:
            inter[key] = len(pc[kp] & tc[kt])
        precision += inter[key] / len(pc[kp])
        recall += inter[key] / len(tc[kt])
    n = len(tset)
    precision /= n
    recall /= n
    f = f1_score(precision, recall)
    if round_to is not None:
        return round(precision, round_to), round(recall, round_to), round(f, round_to)
    return precision, recall, f


def _pairs(clusters: Mapping[str, Sequence[str]]) -> set[tuple[str, str]]:
    out = set()
    for members in clusters.values():
        ms = sorted(members)
        if len(ms) == 1:
            out.add((ms[0], ms[0]))
            continue
        for a in range(len(ms) - 1):
            for b in range(a + 1, len(ms)):
                out.add((ms[a], ms[b]))
    return out


def cluster_precision_recall_fscore(
    true_clusters: Mapping[str, Sequence[str]], pred_clusters: Mapping[str, Sequence[str]]
) -> tuple[float, float, float]:
    """Pairwise P/R/F1 over same-cluster pairs, singletons counted as self-pairs."""
    gold, sys_ = _pairs(true_clusters), _pairs(pred_clusters)
    overlap = len(gold & sys_)
    p = overlap / len(sys_) if sys_ else 0.0
    r = overlap / len(gold) if gold else 0.0
    return p, r, f1_score(p, r)


def pairwise_f1_per_block(
    true_label: Mapping[str, str], pred_label: Mapping[str, str], blocks: Mapping[str, Sequence[str]]
) -> tuple[float, float, float]:
    """Mean over blocks of pairwise precision, recall and F1 (S2AND's "cmacro")."""
    if not blocks:
        return 0.0, 0.0, 0.0
    mp = mr = mf = 0.0
    for sigs in blocks.values():
        gt: dict[str, list[str]] = defaultdict(list)
        pr: dict[str, list[str]] = defaultdict(list)
        for s in sigs:
            gt[true_label[s]].append(s)
            pr[pred_label[s]].append(s)
        p, r, f = cluster_precision_recall_fscore(gt, pr)
        mp += p
        mr += r
        mf += f
    n = len(blocks)
    return mp / n, mr / n, mf / n


def labels_to_clusters(labels: Mapping[str, str]) -> dict[str, list[str]]:
    """Invert signature id -> label into label -> its signature ids (in the input's order)."""
    out: dict[str, list[str]] = defaultdict(list)
    for sid, lab in labels.items():
        out[lab].append(sid)
    return dict(out)


BLOCK_SIZE_EDGES = (10, 50, 200, 1000)


def block_size_buckets(edges: Sequence[int] = BLOCK_SIZE_EDGES) -> list[str]:
    """Bucket labels for ``edges`` (lower bounds after the first bucket): ``["1-9", ..., ">=1000"]``."""
    out, lo = [], 1
    for e in edges:
        out.append(f"{lo}-{e - 1}")
        lo = e
    out.append(f">={lo}")
    return out


def block_size_bucket(n: int, edges: Sequence[int] = BLOCK_SIZE_EDGES) -> str:
    """The bucket label of a block of ``n`` signatures."""
    labels = block_size_buckets(edges)
    for k, e in enumerate(edges):
        if n < e:
            return labels[k]
    return labels[-1]


def b3_by_block_size(
    true_label: Mapping[str, str],
    pred_label: Mapping[str, str],
    blocks: Mapping[str, Sequence[str]],
    edges: Sequence[int] = BLOCK_SIZE_EDGES,
) -> dict[str, dict[str, Any]]:
    """B3 precision/recall/F1 averaged over the signatures of the blocks of each size bucket.

    Per-signature B3 values are those of :func:`b3_precision_recall_fscore` over all of ``blocks`` (so the
    signature-weighted mean of a bucket's values gives back the overall figures); every bucket is listed,
    in size order, empty ones with ``None`` metrics.
    """
    ids = [s for sigs in blocks.values() for s in sigs]
    pred_size = Counter(pred_label[s] for s in ids)
    true_size = Counter(true_label[s] for s in ids)
    both = Counter((pred_label[s], true_label[s]) for s in ids)
    acc = {b: {"blocks": 0, "signatures": 0, "p": 0.0, "r": 0.0} for b in block_size_buckets(edges)}
    for sigs in blocks.values():
        a = acc[block_size_bucket(len(sigs), edges)]
        a["blocks"] += 1
        for s in sigs:
            kp, kt = pred_label[s], true_label[s]
            a["signatures"] += 1
            a["p"] += both[(kp, kt)] / pred_size[kp]
            a["r"] += both[(kp, kt)] / true_size[kt]
    out: dict[str, dict[str, Any]] = {}
    for b, a in acc.items():
        n = a["signatures"]
        p = a["p"] / n if n else None
        r = a["r"] / n if n else None
        out[b] = {
            "blocks": a["blocks"],
            "signatures": n,
            "b3_precision": p,
            "b3_recall": r,
            "b3_f1": f1_score(p, r) if p is not None and r is not None else None,
        }
    return out


def score_clustering(
    signatures: Sequence[Signature], pred: Mapping[str, str], blocks: Mapping[str, Sequence[str]]
) -> dict[str, float]:
    """B3 P/R/F1 and per-block pairwise F1 of predicted labels for labeled signatures."""
    true = {}
    for s in signatures:
        if s.person is None:
            raise InputError(f"signature {s.id} has no person_id label; cannot evaluate")
        true[s.id] = s.person
    sub_pred = {s.id: pred[s.id] for s in signatures}
    p, r, f = b3_precision_recall_fscore(labels_to_clusters(true), labels_to_clusters(sub_pred))
    _, _, pf = pairwise_f1_per_block(true, sub_pred, blocks)
    return {"b3_precision": p, "b3_recall": r, "b3_f1": f, "pairwise_f1": pf}


def evaluate(signatures: Sequence[Signature], model: Any, engine: Any = None) -> dict[str, dict[str, Any]]:
    """Disambiguate every block from scratch and score it, per dataset (the signatures' ``dataset``)."""
    from byline.block import group_blocks
    from byline.pipeline import run

    by_ds: dict[str, list[Signature]] = defaultdict(list)
    for s in signatures:
        by_ds[s.dataset or "data"].append(s)
    out: dict[str, dict[str, Any]] = {}
    for ds in sorted(by_ds):
        sigs = by_ds[ds]
        t0 = time.perf_counter()
        result = run(sigs, model, engine=engine)
        seconds = time.perf_counter() - t0
        blocks = {k: [s.id for s in v] for k, v in group_blocks(sigs).items()}
        m = score_clustering(sigs, result.clusters, blocks)
        true = {s.id: str(s.person) for s in sigs}
        out[ds] = {
            **m,
            "b3_by_block_size": b3_by_block_size(true, result.clusters, blocks),
            "blocks": len(blocks),
            "largest_block": max((len(v) for v in blocks.values()), default=0),
            "signatures": len(sigs),
            "seconds": round(seconds, 3),
            "pairs": result.n_pairs,
        }
    return out
