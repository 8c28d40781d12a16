"""B3 F1 cost of bounding candidate pairs in one big ambiguous block (synthetic "Wang, L").

    python benchmarks/engine_pruning.py [--signatures 3000] [--model DIR] [--bounded-only]

Clusters the same block twice with the shipped (or given) model: with every pair scored, and with the
bounded candidate pairs of byline.block (sub-blocks by given name + 20 nearest neighbours). Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--signatures", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--model", default=None)
    ap.add_argument("--bounded-only", action="store_true", help="skip the all-pairs run (for big blocks)")
    args = ap.parse_args()

    from byline.evaluate import evaluate
    from byline.model import Disambiguator
    from byline.train_default import load_default_model
    from byline_synth import generate

    sigs = generate(args.signatures, seed=args.seed, dataset="synth-aminer", focus_block="Wang, L")
    for s in sigs:
        s.block = None  # byline's own key: all of them fall in "l wang"
    model = Disambiguator.load(args.model) if args.model else load_default_model()
    out = {"signatures": len(sigs), "people": len({s.person for s in sigs}), "runs": {}}
    settings = [("all pairs", len(sigs) + 1), ("bounded", min(1000, len(sigs) - 1))]
    for label, max_full in settings[1:] if args.bounded_only else settings:
        model.max_block_full = max_full
        t0, c0 = time.perf_counter(), time.process_time()
        m = evaluate(sigs, model)["synth-aminer"]
        out["runs"][label] = {
            "pairs": m["pairs"],
            "b3_f1": round(m["b3_f1"], 4),
            "pairwise_f1": round(m["pairwise_f1"], 4),
            "wall_seconds": round(time.perf_counter() - t0, 1),
            "cpu_seconds": round(time.process_time() - c0, 1),
        }
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
