"""Featurization cost of one store-path batch, and a golden check that the feature values do not change.

    python benchmarks/featurize_speed.py run [--signatures 100000] [--batch 0] [--profile OUT.txt]
    python benchmarks/featurize_speed.py golden --save FILE.npz     # feature matrix of the batch
    python benchmarks/featurize_speed.py golden --check FILE.npz    # equal to 1e-12 (NaN where NaN)

The batch is what ``byline disambiguate`` hands a worker: the synthetic corpus (``byline_synth`` seed 0)
grouped into blocks, blocks in key order, packed by :func:`byline.people.streamed.plan_tasks`' limits
(10,000 signatures, 250,000 estimated pairs); ``--batch K`` takes the K-th. Timed: building the
:class:`~byline.features.BlockData` and every registered feature column for the batch's candidate pairs
(``featurize``), then scoring and clustering (``disambiguate_blocks``) -- CPU seconds of this process.
``--profile`` writes a cProfile of one ``disambiguate_blocks`` call on the batch (top 40 by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np


def _batch(n: int, k: int) -> tuple[list[tuple[str, list[Any]]], Any]:
    from byline.block import group_blocks
    from byline.model import Disambiguator
    from byline.people.streamed import BATCH_PAIRS, BATCH_SIGNATURES, estimated_pairs
    from byline.scorer import Scorer
    from byline_synth import generate

    sigs = generate(n, seed=0)
    model = Scorer.for_corpus(Disambiguator.load_default(), sigs).model
    blocks = group_blocks(sigs)
    out: list[list[tuple[str, list[Any]]]] = [[]]
    size = pairs = 0
    for key in sorted(blocks):
        bs = sorted(blocks[key], key=lambda s: s.id)
        p = estimated_pairs(len(bs), model.max_block_full)
        if out[-1] and (size + len(bs) > BATCH_SIGNATURES or pairs + p > BATCH_PAIRS):
            out.append([])
            size = pairs = 0
        out[-1].append((key, bs))
        size += len(bs)
        pairs += p
    return out[k], model


def _pairs(items: list[tuple[str, list[Any]]], model: Any) -> tuple[Any, np.ndarray, np.ndarray]:
    from byline.block import candidate_pairs

    sigs: list[Any] = []
    ids, gi, gj = [], [], []
    for k, (_, bs) in enumerate(items):
        i, j = candidate_pairs(bs, max_full=model.max_block_full, k=model.knn)
        gi.append(i.astype(np.int64) + len(sigs))
        gj.append(j.astype(np.int64) + len(sigs))
        ids.append(np.full(len(bs), k, np.int64))
        sigs.extend(bs)
    return (sigs, np.concatenate(ids)), np.concatenate(gi), np.concatenate(gj)


def featurize_batch(items: list[tuple[str, list[Any]]], model: Any) -> tuple[np.ndarray, dict[str, float]]:
    from byline.features import BlockData, featurize

    (sigs, bids), i, j = _pairs(items, model)
    c0 = time.process_time()
    data = BlockData(sigs, model.name_counts_, bids)
    X = featurize(data, i, j)
    c1 = time.process_time()
    return X, {"signatures": len(sigs), "pairs": len(i), "featurize_cpu_s": c1 - c0}


def cmd_run(args: argparse.Namespace) -> None:
    from byline.pipeline import disambiguate_blocks

    items, model = _batch(args.signatures, args.batch)
    X, info = featurize_batch(items, model)
    c0 = time.process_time()
    disambiguate_blocks(items, model)
    info["disambiguate_blocks_cpu_s"] = time.process_time() - c0
    info["pairs_per_cpu_second_featurize"] = info["pairs"] / info["featurize_cpu_s"]
    info["pairs_per_cpu_second_disambiguate"] = info["pairs"] / info["disambiguate_blocks_cpu_s"]
    if args.profile:
        prof = cProfile.Profile(time.process_time)
        prof.enable()
        disambiguate_blocks(items, model)
        prof.disable()
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(40)
        Path(args.profile).write_text(buf.getvalue(), encoding="utf-8")
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in info.items()}))


def cmd_golden(args: argparse.Namespace) -> None:
    items, model = _batch(args.signatures, args.batch)
    X, info = featurize_batch(items, model)
    if args.save:
        np.savez_compressed(args.save, X=X)
        print(json.dumps({**info, "saved": args.save}))
        return
    with np.load(args.check) as z:
        G = z["X"]
    same_nan = np.array_equal(np.isnan(G), np.isnan(X))
    diff = float(np.nanmax(np.abs(G.astype(np.float64) - X.astype(np.float64)))) if X.size else 0.0
    ok = G.shape == X.shape and same_nan and diff <= 1e-12
    print(
        json.dumps({**info, "shape_equal": G.shape == X.shape, "nan_equal": same_nan, "max_abs_diff": diff})
    )
    sys.exit(0 if ok else 1)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("run", "golden"):
        p = sub.add_parser(name)
        p.add_argument("--signatures", type=int, default=100_000)
        p.add_argument("--batch", type=int, default=0)
        if name == "run":
            p.add_argument("--profile", default=None)
        else:
            g = p.add_mutually_exclusive_group(required=True)
            g.add_argument("--save")
            g.add_argument("--check")
    args = ap.parse_args(argv)
    cmd_run(args) if args.cmd == "run" else cmd_golden(args)


if __name__ == "__main__":
    main()
