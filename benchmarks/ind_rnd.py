"""IND (incorrect assignment detection) and RND (assigning new papers) benchmarks, WhoIsWho style.

IND: for each gold person with >= 5 papers, inject 10-20% papers of other people of the same block
(name-compatible people first), audit the listing with :func:`byline.people.audit_works` -- which, as
``byline audit`` on a disambiguated store, also sees the person each signature was clustered into (the
corpus is clustered from scratch once) -- and report WhoIsWho's weighted AUC and MAP (weights = number
of injected papers per person).

RND: hold out each person's latest 20% papers (by year), disambiguate the rest from scratch, place the
held-out signatures with :func:`byline.people.place_in_block` (new people for the unplaced), and report
WhoIsWho's weighted F1 (per gold person: precision/recall of the held-out papers assigned to the
existing cluster mapped to them, weighted by their held-out count) and the B3 F1 of the final clustering
next to the B3 F1 of clustering everything from scratch.

Data: ``../shared/datasets/*.dev*`` when present; else a SYNTHETIC corpus from :mod:`byline_synth`
(clearly labelled). Usage::

    python benchmarks/ind_rnd.py [--model DIR] [--n 4000] [--seed 11] [--append-docs]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO.parent / "shared" / "datasets"


def _auc(scores: list[float], labels: list[int]) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores))


def _ap(scores: list[float], labels: list[int]) -> float:
    from sklearn.metrics import average_precision_score

    return float(average_precision_score(labels, scores))


def _pseudo_work(sig):
    from byline.records import Author, Work

    authors = [Author(n) for n in sig.coauthors]
    me = Author(sig.name, affiliations=tuple(sig.affiliations), email=sig.email, orcid=sig.orcid)
    pos = min(max(sig.position, 0), len(authors))
    authors.insert(pos, me)
    return Work(
        id=sig.id,
        title=sig.title,
        authors=authors,
        year=sig.year,
        venue=sig.venue,
        abstract=sig.abstract,
        keywords=list(sig.keywords),
    ), pos


def ind(sigs, model, seed: int = 0, use_store_clusters: bool = True) -> dict:
    """IND. ``use_store_clusters``: like ``byline audit`` on a disambiguated store, the audit also sees
    which person disambiguation put each signature in (here: the whole corpus clustered from scratch)."""
    from byline.block import group_blocks
    from byline.names import compatible
    from byline.people import audit_works
    from byline.pipeline import run
    from byline.profiles import display_name

    rng = np.random.default_rng(seed)
    clusters = run(sigs, model).clusters if use_store_clusters else {}
    w_auc = w_map = w_tot = 0.0
    n_people = n_injected = n_compatible = 0
    t0 = time.perf_counter()
    for _block, bsigs in group_blocks(sigs).items():
        by_person: dict[str, list] = defaultdict(list)
        for s in bsigs:
            by_person[s.person].append(s)
        for pid in sorted(by_person):
            own = by_person[pid]
            if len(own) < 5:
                continue
            owner = display_name(s.name for s in own)
            others = [s for s in bsigs if s.person != pid]
            if not others:
                continue
            k = max(1, int(round(len(own) * rng.uniform(0.10, 0.20))))
            compat = [s for s in others if compatible(s.name, owner)]
            pool = compat if len(compat) >= k else others
            pick = [pool[i] for i in rng.choice(len(pool), size=min(k, len(pool)), replace=False)]
            n_compatible += sum(compatible(s.name, owner) for s in pick)
            listing = own + pick
            labels = {s.id: int(s.person != pid) for s in listing}
            works, placed = [], {}
            for s in listing:
                w, pos = _pseudo_work(s)
                works.append(w)
                if s.id in clusters:
                    placed[f"{w.id}#{pos}"] = clusters[s.id]
            report = audit_works(works, owner, model, placed=placed)
            scores = [it.score for it in report.works]
            y = [labels[it.work_id] for it in report.works]
            weight = sum(y)
            w_auc += weight * _auc(scores, y)
            w_map += weight * _ap(scores, y)
            w_tot += weight
            n_people += 1
            n_injected += weight
    return {
        "weighted_auc": w_auc / w_tot if w_tot else float("nan"),
        "weighted_map": w_map / w_tot if w_tot else float("nan"),
        "people": n_people,
        "injected": n_injected,
        "injected_name_compatible": n_compatible,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def rnd(sigs, model) -> dict:
    from byline.block import group_blocks
    from byline.evaluate import b3_precision_recall_fscore, labels_to_clusters
    from byline.features import BlockData, cannot_link_mask
    from byline.people import place_in_block
    from byline.pipeline import run

    t0 = time.perf_counter()
    by_person: dict[str, list] = defaultdict(list)
    for s in sigs:
        by_person[s.person].append(s)
    held: set[str] = set()
    for _pid, own in by_person.items():
        k = int(len(own) * 0.2)
        if k:
            latest = sorted(own, key=lambda s: (s.year or 0, s.id))[-k:]
            held.update(s.id for s in latest)
    kept = [s for s in sigs if s.id not in held]
    base = run(kept, model).clusters
    final = dict(base)
    gold = {s.id: s.person for s in sigs}
    blocks = group_blocks(sigs)
    n_new_clusters = 0
    for bsigs in blocks.values():
        new = [s.id for s in bsigs if s.id in held]
        if not new:
            continue
        data = BlockData(bsigs, getattr(model, "name_counts_", None))
        pos = {s.id: k for k, s in enumerate(bsigs)}
        # name rules as cannot-links (the pipeline applies the same ones)
        cannot = set()
        if getattr(model, "name_constraints", False):
            ii = np.array([pos[n] for n in new for _ in bsigs])
            jj = np.array([k for _ in new for k in range(len(bsigs))])
            bad = cannot_link_mask(data, ii, jj)
            cannot = {frozenset((bsigs[a].id, bsigs[b].id)) for a, b in zip(ii[bad], jj[bad], strict=True)}
        existing = {s.id: base[s.id] for s in bsigs if s.id in base}
        attach, rest = place_in_block(bsigs, existing, new, model, cannot=cannot)
        final.update(attach)
        if rest:
            sub = [s for s in bsigs if s.id in set(rest)]
            fresh = run(sub, model).clusters
            final.update({sid: "new::" + key for sid, key in fresh.items()})
            n_new_clusters += len(set(fresh.values()))
    # WhoIsWho RND weighted F1
    cluster_gold: dict[str, str] = {}
    members: dict[str, list[str]] = defaultdict(list)
    for sid, c in base.items():
        members[c].append(sid)
    for c, mem in members.items():
        cluster_gold[c] = Counter(gold[m] for m in mem).most_common(1)[0][0]
    held_by_person: dict[str, set[str]] = defaultdict(set)
    for sid in held:
        held_by_person[gold[sid]].add(sid)
    assigned_to: dict[str, set[str]] = defaultdict(set)
    for sid in held:
        c = final[sid]
        if c in cluster_gold:
            assigned_to[cluster_gold[c]].add(sid)
    wf = wt = 0.0
    for pid, h in held_by_person.items():
        a = assigned_to.get(pid, set())
        tp = len(a & h)
        p = tp / len(a) if a else 0.0
        r = tp / len(h)
        f = 2 * p * r / (p + r) if p + r else 0.0
        wf += len(h) * f
        wt += len(h)
    true = labels_to_clusters(gold)
    _, _, f_assign = b3_precision_recall_fscore(true, labels_to_clusters(final))
    scratch = run(sigs, model).clusters
    _, _, f_scratch = b3_precision_recall_fscore(true, labels_to_clusters(scratch))
    return {
        "weighted_f1": wf / wt if wt else float("nan"),
        "held_out": len(held),
        "b3_f1_assign": f_assign,
        "b3_f1_scratch": f_scratch,
        "b3_gap": f_scratch - f_assign,
        "new_clusters_for_unplaced": n_new_clusters,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def load_data(n: int, seed: int, presets: list[str] | None = None) -> dict[str, list]:
    dev = sorted(DATASETS.glob("*.dev*")) if DATASETS.is_dir() else []
    if dev:
        from byline.ingest.signatures import load_signatures

        out: dict[str, list] = defaultdict(list)
        for s in load_signatures(dev):
            out[s.dataset or "dev"].append(s)
        return dict(out)
    from byline_synth import generate

    return {
        f"SYNTHETIC {p} (n={n} seed={seed})": generate(n, seed=seed, dataset=p) for p in presets or ["synth"]
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, default=None, help="model folder (default: the shipped model)")
    ap.add_argument("--n", type=int, default=4000, help="synthetic signatures when no dev data is present")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument(
        "--preset",
        action="append",
        default=None,
        help="byline_synth preset(s) for the synthetic corpus (repeatable; default: synth)",
    )
    ap.add_argument("--append-docs", action="store_true", help="append the figures to docs/benchmarks.md")
    args = ap.parse_args(argv)
    from byline._store_access import load_model

    model = load_model(args.model)
    results = {}
    for name, sigs in load_data(args.n, args.seed, args.preset).items():
        results[name] = {
            "signatures": len(sigs),
            "ind": ind(sigs, model, seed=args.seed),
            "rnd": rnd(sigs, model),
        }
        print(name, json.dumps(results[name], indent=2), flush=True)
    if args.append_docs:
        _append_docs(results, argv if argv is not None else sys.argv[1:])
    return 0


def _append_docs(results: dict, argv: list[str]) -> None:
    doc = REPO / "docs" / "benchmarks.md"
    doc.parent.mkdir(exist_ok=True)
    cmd = "python benchmarks/ind_rnd.py " + " ".join(a for a in argv if a != "--append-docs")
    lines = [
        "",
        "## IND / RND",
        "",
        f"Command: `{cmd.strip()}` ({time.strftime('%Y-%m-%d', time.gmtime())})",
        "",
    ]
    lines.append(
        "| data | signatures | IND weighted AUC | IND weighted MAP | IND people / injected | "
        "RND weighted F1 | B3 F1 assign | B3 F1 scratch | gap |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        i, d = r["ind"], r["rnd"]
        lines.append(
            f"| {name} | {r['signatures']} | {i['weighted_auc']:.3f} | {i['weighted_map']:.3f} | "
            f"{i['people']} / {i['injected']} | {d['weighted_f1']:.3f} | {d['b3_f1_assign']:.3f} | "
            f"{d['b3_f1_scratch']:.3f} | {d['b3_gap']:+.3f} |"
        )
    with doc.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
