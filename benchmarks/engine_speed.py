"""Engine throughput on synthetic data: featurize + score pairs/s/core, and end-to-end evaluate time.

    python benchmarks/engine_speed.py [--signatures 20000] [--model DIR] [--threads 1]

Prints one JSON object. Uses the shipped default model unless --model is given.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--signatures", type=int, default=20000)
    ap.add_argument("--dataset", default="synth-aminer")
    ap.add_argument("--seed", type=int, default=123)
    ap.add_argument("--model", default=None)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    from byline.block import group_blocks
    from byline.evaluate import evaluate
    from byline.features import featurize
    from byline.model import Disambiguator
    from byline.pipeline import batches, score_blocks
    from byline.train_default import load_default_model
    from byline_synth import generate

    sigs = generate(args.signatures, seed=args.seed, dataset=args.dataset)
    model = Disambiguator.load(args.model) if args.model else load_default_model()
    model.n_jobs = args.threads
    blocks = group_blocks(sigs)
    # featurize + score, timed separately
    t_feat = t_score = c_feat = c_score = 0.0
    n_pairs = 0
    from byline.block import candidate_pairs
    from byline.features import BlockData

    for batch in batches(blocks):
        t0 = time.perf_counter()
        c0 = time.process_time()
        rows, bids, gi, gj = [], [], [], []
        for k, (_, bs) in enumerate(batch):
            i, j = candidate_pairs(bs, max_full=model.max_block_full, k=model.knn)
            off = len(rows)
            rows.extend(bs)
            bids.append(np.full(len(bs), k))
            gi.append(i + off)
            gj.append(j + off)
        data = BlockData(rows, model.name_counts_, np.concatenate(bids))
        X = featurize(data, np.concatenate(gi), np.concatenate(gj))
        t1 = time.perf_counter()
        c1 = time.process_time()
        model.predict_proba_features(X)
        t2 = time.perf_counter()
        c2 = time.process_time()
        c_feat += c1 - c0
        c_score += c2 - c1
        t_feat += t1 - t0
        t_score += t2 - t1
        n_pairs += len(X)
    t0 = time.perf_counter()
    c0 = time.process_time()
    res = evaluate(sigs, model)
    t_eval = time.perf_counter() - t0
    c_eval = time.process_time() - c0
    _ = score_blocks
    out = {
        "signatures": len(sigs),
        "blocks": len(blocks),
        "largest_block": max(len(v) for v in blocks.values()),
        "pairs": n_pairs,
        "threads": args.threads,
        "featurize_seconds": round(t_feat, 3),
        "score_seconds": round(t_score, 3),
        "pairs_per_second_per_core_featurize_score": round(n_pairs / (t_feat + t_score) / args.threads),
        "featurize_cpu_seconds": round(c_feat, 3),
        "score_cpu_seconds": round(c_score, 3),
        "pairs_per_cpu_second_featurize_score": round(n_pairs / (c_feat + c_score)),
        "pairs_per_second_featurize": round(n_pairs / t_feat),
        "pairs_per_second_score": round(n_pairs / t_score),
        "evaluate_seconds": round(t_eval, 2),
        "evaluate_cpu_seconds": round(c_eval, 2),
        "metrics": res,
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
