"""Big blocks scored sparsely: how clustering holds up when only candidate pairs are scored.

Above ``byline.block.MAX_FULL`` (1,000 signatures) a block is not scored in full: only pairs inside
sub-blocks of one given name (<= ``SUB_FULL``) and each signature's ``KNN`` nearest neighbours are. In a
1,419-signature block of initials-only names that is ~3% of the pairs. Dev has no block that big, so this
benchmark lowers the bounds (``--bounds MAX_FULL,SUB_FULL,KNN``) to put dev's blocks of 30-182 signatures
in the same regime, then clusters them two ways:

``plain``     average linkage with every unscored pair counted as ``p = 0`` at full weight, no second stage
              (the pipeline before this benchmark);
``weighted``  an unscored pair weighs ``rho ** 1.5`` (``rho`` the scored fraction of the block's pairs:
              :func:`byline.cluster.unscored_weight`), and no second stage in such blocks (what the pipeline
              does now: :mod:`byline.merge` runs on blocks scored in full only).

and, for reference, the shipped bounds (every dev block scored in full, where both ways are identical).
Each on intact dev and its hard copy (``benchmarks/robustness.py``'s ``hard``). The model is only evaluated.

Usage::

    python3 benchmarks/sparse_blocks.py [--model DIR] [--datasets DIR] [--bounds 40,16,5 --bounds 30,10,3]
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

DEFAULT_BOUNDS = ("40,16,5", "30,10,3")


def _evaluate(sigs: list[Any], model: Any, bounds: tuple[int, int, int] | None, weighted: bool) -> dict:
    import byline.pipeline as pipeline
    from byline.block import candidate_pairs
    from byline.evaluate import evaluate

    saved = (
        pipeline.candidate_pairs,
        pipeline.unscored_weight,
        pipeline.merge_block,
        model.max_block_full,
        model.knn,
    )
    try:
        if bounds is not None:
            max_full, sub_full, k = bounds
            pipeline.candidate_pairs = functools.partial(candidate_pairs, sub_full=sub_full)  # type: ignore[assignment]
            model.max_block_full, model.knn = max_full, k
        if not weighted:  # as before: unscored pairs at full weight, no second stage
            pipeline.unscored_weight = lambda n, n_scored: 1.0  # type: ignore[assignment]
            pipeline.merge_block = lambda model, sigs, i, j, p, labels, cannot: labels  # type: ignore[assignment]
        ((_, m),) = evaluate(sigs, model).items()
        return m
    finally:
        (
            pipeline.candidate_pairs,
            pipeline.unscored_weight,
            pipeline.merge_block,
            model.max_block_full,
            model.knn,
        ) = saved


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--datasets", type=Path, default=None)
    ap.add_argument("--bounds", action="append", default=None, help="MAX_FULL,SUB_FULL,KNN (repeatable)")
    args = ap.parse_args(argv)
    from byline.ingest.signatures import load_signatures
    from robustness import default_datasets_dir, derive, load_model

    data_dir = args.datasets or default_datasets_dir()
    files = sorted(data_dir.glob("*.dev.jsonl.gz")) if data_dir.is_dir() else []
    if not files:
        print(f"sparse_blocks: no labeled dev files (*.dev.jsonl.gz) in {data_dir}; nothing to measure.")
        return 0
    model, _ = load_model(args.model)
    settings: list[tuple[str, tuple[int, int, int] | None, bool]] = [("shipped bounds", None, True)]
    for b in args.bounds or DEFAULT_BOUNDS:
        mf, sf, k = (int(x) for x in b.split(","))
        settings += [(f"{b} plain", (mf, sf, k), False), (f"{b} weighted", (mf, sf, k), True)]
    data = {}
    for path in files:
        sigs = load_signatures([path])
        ds = sigs[0].dataset or path.name.split(".", 1)[0]
        for v in ("intact", "hard"):
            data[(ds, v)] = derive(v, sigs)
    names = sorted({ds for ds, _ in data})
    lines = [
        "| scoring, clustering | "
        + " | ".join(f"{ds} {v} B3 F1 (R)" for v in ("intact", "hard") for ds in names)
        + " | mean F1 |",
        "|---|" + "---|" * (2 * len(names) + 1),
    ]
    for label, bounds, weighted in settings:
        t0 = time.perf_counter()
        cells, f1s = [], []
        for v in ("intact", "hard"):
            for ds in names:
                m = _evaluate(data[(ds, v)], model, bounds, weighted)
                cells.append(f"{m['b3_f1']:.3f} ({m['b3_recall']:.3f})")
                f1s.append(m["b3_f1"])
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {sum(f1s) / len(f1s):.4f} |")
        print(lines[-1], f"({time.perf_counter() - t0:.0f} s)", flush=True)
    print()
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
