"""The text-only decision on bare-abstract copies of dev: B3 F1 without and with a text-only head.

For every ``*.dev.jsonl.gz`` this derives (in memory) the copies of ``benchmarks/robustness.py`` --
``intact``, ``hard``, ``abstract-only`` (every record a bare abstract) and ``some-abstract-only`` (half of
them) -- scores every candidate pair once with the model, and clusters each block at the model's threshold
with the main classifier's probabilities for every pair (``main``), then with the text-only pairs (no
coauthors, venue, year, affiliation, e-mail or ORCID on both sides: :func:`byline.textonly.text_only_mask`)
scored by a text-only head at each ``--shifts`` value (log-odds added to the head). The head is the model's
own (``Disambiguator(text_only=True)``) or, with ``--fit-head``, one fitted here on the model's training
files (train split only). Dev (its bare-abstract copies) is where the shift is chosen; nothing is trained on it.

    python3 benchmarks/text_only.py --model DIR [--fit-head] [--shifts=-1,0,1] [--save-head-into DIR]

Figures: docs/model.md, "Pairs with text alone".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
VARIANTS = ("intact", "hard", "abstract-only", "some-abstract-only")


def scored_blocks(model, sigs):
    """Per block: ids, persons, pairs, main probabilities, text-only mask, the feature rows, cannot-links."""
    from byline.block import candidate_pairs, group_blocks
    from byline.features import FEATURE_NAMES, BlockData, cannot_link_mask, featurize
    from byline.textonly import text_only_mask

    out = []
    m = model.for_data(sigs)
    for _key, block in sorted(group_blocks(sigs).items()):
        block = sorted(block, key=lambda s: s.id)
        i, j = candidate_pairs(block, max_full=model.max_block_full, k=model.knn)
        if len(block) < 2 or len(i) == 0:
            out.append((block, i, j, np.zeros(0), np.zeros(0, bool), np.zeros((0, 0)), np.zeros(0, bool)))
            continue
        data = BlockData(block, m.name_counts_)
        X = featurize(data, i, j)
        head, m.text_only_head_ = getattr(m, "text_only_head_", None), None
        p = m.predict_proba_features(X)
        m.text_only_head_ = head
        mask = text_only_mask(X, FEATURE_NAMES)
        cl = cannot_link_mask(data, i, j) if model.name_constraints else np.zeros(len(i), bool)
        out.append((block, i, j, p, mask, X[mask], cl))
    return out


def b3(blocks, threshold, head=None, names=(), rule=False):
    from byline.cluster import cluster_block
    from byline.evaluate import b3_precision_recall_fscore, labels_to_clusters
    from byline.textonly import evidence_cannot_links, is_bare

    pred, true = {}, {}
    n_text = 0
    for block, i, j, p, mask, Xt, cl in blocks:
        for s in block:
            true.setdefault(s.person or "", []).append(s.id)
        if len(i) == 0:
            pred.update({s.id: s.id for s in block})
            continue
        q = np.array(p, dtype=np.float64)
        if head is not None and mask.any():
            q[mask] = head.predict(Xt, names)
            n_text += int(mask.sum())
        q[cl] = 0.0
        cannot = list(zip(i[cl].tolist(), j[cl].tolist(), strict=True))
        if rule:
            bare = np.array([is_bare(s) for s in block])
            must, apart = evidence_cannot_links(len(block), i, j, q, threshold, bare, (), cannot)
            cannot += apart
        else:
            must = []
        labels = cluster_block(len(block), i, j, q, threshold, must_link=must, cannot_link=cannot)
        pred.update({s.id: f"{block[0].id}:{lab}" for s, lab in zip(block, labels.tolist(), strict=True)})
    return b3_precision_recall_fscore(true, labels_to_clusters(pred))[2], n_text


def fit_head(model, seed: int):
    """A text-only head for ``model`` fitted on the labeled train files (as ``fit(text_only=True)`` does)."""
    from byline.ingest.signatures import load_signatures
    from byline.train_default import _split_files, shared_datasets_dir

    d = shared_datasets_dir()
    if d is None:
        raise SystemExit("no labeled datasets")
    train = load_signatures(_split_files(d)[0])
    rng = np.random.default_rng(seed + 1_000_003)
    return model._fit_text_only(train, rng)


def main(argv: list[str] | None = None) -> int:
    from byline.features import FEATURE_NAMES
    from byline.ingest.signatures import load_signatures
    from byline.model import Disambiguator
    from robustness import default_datasets_dir, derive

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--fit-head", action="store_true", help="fit a text-only head on the train files here")
    ap.add_argument("--shifts", default="-1,0,1")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--rule", action="store_true", help="also: bare records never join two evidence clusters")
    ap.add_argument("--save-head-into", type=Path, default=None, help="save the model with the fitted head")
    args = ap.parse_args(argv)
    model = Disambiguator.load(args.model) if args.model else Disambiguator.load_default()
    if args.fit_head:
        model.text_only_head_ = fit_head(model, model.random_state)
        if args.save_head_into:
            model.save(args.save_head_into)
    head = getattr(model, "text_only_head_", None)
    shifts = [float(x) for x in args.shifts.split(",")] if head is not None else []
    base_shift = head.shift if head is not None else 0.0
    if head is not None:
        print("head:", head.to_dict(), flush=True)
    files = sorted(default_datasets_dir().glob("*.dev.jsonl.gz"))
    rows: dict[str, dict[str, float]] = {}
    for f in files:
        sigs = load_signatures([f])
        ds = f.name.split(".")[0]
        for v in args.variants.split(","):
            blocks = scored_blocks(model, derive(v, sigs))
            f1, _ = b3(blocks, model.threshold_)
            res = {"main": f1}
            line = f"{ds:7s} {v:19s} main {f1:.4f}"
            for sh in shifts:
                head.shift = sh
                f1h, nt = b3(blocks, model.threshold_, head, FEATURE_NAMES)
                res[f"shift {sh:+g}"] = f1h
                line += f" | head {sh:+g} {f1h:.4f}"
                if args.rule:
                    f1r, _ = b3(blocks, model.threshold_, head, FEATURE_NAMES, rule=True)
                    res[f"rule {sh:+g}"] = f1r
                    line += f" rule {f1r:.4f}"
            head_pairs = int(sum(b[4].sum() for b in blocks))
            print(line + f" (text-only pairs {head_pairs})", flush=True)
            rows[f"{ds}/{v}"] = res
    if head is not None:
        head.shift = base_shift
    keys = sorted({k for r in rows.values() for k in r})
    for v in args.variants.split(","):
        means = {k: np.mean([r[k] for name, r in rows.items() if name.endswith("/" + v)]) for k in keys}
        print(f"mean {v:19s} " + " | ".join(f"{k} {x:.4f}" for k, x in means.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
