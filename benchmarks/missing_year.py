"""What a missing year (and venue) does to a model's pair scores, measured on dev.

The labeled sets print a year on (almost) every record; pages of bare abstracts print none. This derives,
in memory, a copy of each ``*.dev.jsonl.gz`` whose signatures lose year and venue on half of them (chosen by
a hash of the id, independent of the person), scores every candidate pair of every block, and prints per
dataset: the mean SHAP contribution (log-odds) of ``year_gap`` and of the venue columns on pairs with a
missing year versus pairs with both years, split by same-person / different-person pairs, and the pair AUC.
A model that reads "missing" as "no evidence" gives a missing year a contribution near 0 for both classes.

    python3 benchmarks/missing_year.py [--model DIR] [--datasets DIR]

Figures: docs/benchmarks.md, "Accuracy on real data (dev)", the missing-year paragraph.
"""

from __future__ import annotations

import argparse
import hashlib
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent


def _half(sid: str) -> bool:
    return hashlib.sha1(sid.encode("utf-8")).digest()[0] < 128


def measure(model, sigs) -> dict[str, float]:
    from sklearn.metrics import roc_auc_score

    from byline.block import candidate_pairs, group_blocks
    from byline.features import BlockData, featurize

    sigs = [replace(s, year=None, venue=None) if _half(s.id) else s for s in sigs]
    m = model.for_data(sigs)
    names = list(m.feature_names_)
    Xs, ys = [], []
    for _key, block in sorted(group_blocks(sigs).items()):
        block = sorted(block, key=lambda s: s.id)
        if len(block) < 2:
            continue
        i, j = candidate_pairs(block)
        Xs.append(featurize(BlockData(block, m.name_counts_), i, j))
        person = np.array([s.person or "" for s in block], dtype=object)
        ys.append(person[i] == person[j])
    X, y = np.vstack(Xs), np.concatenate(ys).astype(bool)
    _, Xm, contrib, _bias = m.contributions(X)
    yg = names.index("year_gap")
    venue = contrib[:, names.index("venue_cosine")] + contrib[:, names.index("venue_equal")]
    miss = np.isnan(Xm[:, yg])
    p = m.predict_proba_features(X)
    return {
        "pairs": float(len(y)),
        "missing_share": float(miss.mean()),
        "year_missing": float(contrib[miss, yg].mean()),
        "year_missing_same": float(contrib[miss & y, yg].mean()),
        "year_missing_diff": float(contrib[miss & ~y, yg].mean()),
        "year_present": float(contrib[~miss, yg].mean()),
        "venue_missing_year_pairs": float(venue[miss].mean()),
        "auc": float(roc_auc_score(y, p)),
    }


def main(argv: list[str] | None = None) -> int:
    from byline.ingest.signatures import load_signatures
    from byline.model import Disambiguator

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, default=None, help="model folder (default: the shipped model)")
    ap.add_argument("--datasets", type=Path, default=REPO.parent / "shared" / "datasets")
    args = ap.parse_args(argv)
    model = Disambiguator.load(args.model) if args.model else Disambiguator.load_default()
    for f in sorted(args.datasets.glob("*.dev.jsonl.gz")):
        r = measure(model, load_signatures([f]))
        print(
            f"{f.name.split('.')[0]:7s} pairs {int(r['pairs'])} missing-year share {r['missing_share']:.2f} | "
            f"year_gap, year missing {r['year_missing']:+.3f} (same person {r['year_missing_same']:+.3f}, "
            f"different {r['year_missing_diff']:+.3f}), both years {r['year_present']:+.3f} | "
            f"venue columns on those pairs {r['venue_missing_year_pairs']:+.3f} | pair AUC {r['auc']:.4f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
