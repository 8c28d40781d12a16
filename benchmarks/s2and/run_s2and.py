"""Train, run and time S2AND on converted data. Runs INSIDE the S2AND venv (benchmarks/.venv-s2and).

    python run_s2and.py train        --data WORK/<dataset> --model DIR [--smoke]
    python run_s2and.py disambiguate --data WORK/<dataset> --model DIR --out PRED.json
    python run_s2and.py speed        --data WORK/<dataset> --model DIR [--max-pairs N]

``WORK/<dataset>`` is what ``convert.py`` wrote (``train/`` and ``dev/`` with signatures.json,
papers.json, clusters.json). Each subcommand prints one JSON object on stdout (logs go to stderr).
benchmarks/compare.py runs each as its own process and measures wall time and peak RSS from outside.

Settings follow S2AND's own training script (scripts/transfer_experiment_seed_paper.py): the full
feature list minus what needs data we do not have (SPECTER ``embedding_similarity``; ``reference_features``
are off in S2AND's current models too), a second "nameless" model averaged in, LightGBM with monotone
constraints and 25 hyperopt rounds, 100k training pairs, 10k validation pairs, average-linkage
FastCluster whose ``eps`` is tuned with 25 hyperopt rounds on the dev blocks (B3 F1).

Offline: S2AND_SKIP_FASTTEXT=1 (no language-id model), S2AND_PATH_CONFIG points to a config whose
``main_data_dir`` is a local folder, and name counts are built here from ``train/papers.json`` only,
with S2AND's own name normalisation, and passed in as a dict (nothing is fetched).
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("S2AND_SKIP_FASTTEXT", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import pickle  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from convert import split_name  # noqa: E402

FEATURES_TO_USE = [
    "name_similarity",
    "affiliation_similarity",
    "email_similarity",
    "coauthor_similarity",
    "venue_similarity",
    "year_diff",
    "title_similarity",
    "misc_features",
    "name_counts",
    "embedding_similarity",
    "journal_similarity",
    "advanced_name_similarity",
]
NAME_FEATURES = {"name_similarity", "advanced_name_similarity", "name_counts"}
SEED = 42
log = logging.getLogger("run_s2and")


def _ensure_offline_config(work: Path) -> None:
    """Point S2AND_PATH_CONFIG at a local config (written next to the data) unless already set."""
    if os.environ.get("S2AND_PATH_CONFIG"):
        return
    cfg_dir = work / "_s2and_config"
    data_dir = cfg_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    cfg = cfg_dir / "path_config.json"
    cfg.write_text(json.dumps({"main_data_dir": str(data_dir), "internal_data_dir": ""}))
    os.environ["S2AND_PATH_CONFIG"] = str(cfg)
    os.environ.setdefault("S2AND_CACHE", str(cfg_dir / "cache"))


def _load(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _jsonable(d: dict[str, Any] | None) -> dict[str, Any]:
    return {k: (v if isinstance(v, int | float | str) else str(v)) for k, v in (d or {}).items()}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ----------------------------------------------------------------------------------------------
# name counts from the training papers only


def build_name_counts(papers: dict[str, Any]) -> dict[str, dict[str, int]]:
    """S2AND's four name-count tables, counted over every author of every TRAIN paper.

    Keys are built exactly as ``ANDData._compute_signature_name_counts`` looks them up
    (S2AND's normalize_text / hyphen-aware first name / joined compound surnames / last + first initial).
    """
    from s2and.data import _canonicalize_last_for_counts
    from s2and.text import has_name_dash, normalize_text, split_first_middle_hyphen_aware

    first_c: Counter[str] = Counter()
    last_c: Counter[str] = Counter()
    first_last_c: Counter[str] = Counter()
    last_fi_c: Counter[str] = Counter()
    for paper in papers.values():
        for a in paper.get("authors") or []:
            name = a.get("author_name") or ""
            if not name.strip():
                continue
            first, middle, last, _ = split_name(name)
            first_wo, _ = split_first_middle_hyphen_aware(first, middle)
            last_norm = normalize_text(last)
            f = first_wo.split(" ")[0] if first_wo else ""
            if has_name_dash(first):
                joined = (first_wo or "").replace(" ", "")
                if joined:
                    f = joined
            lst = _canonicalize_last_for_counts(last, last_norm)
            if f:
                first_c[f] += 1
            if lst:
                last_c[lst] += 1
            first_last_c[(f + " " + lst).strip()] += 1
            last_fi_c[(lst + " " + (f[0] if f else "")).strip()] += 1
    return {
        "first_dict": dict(first_c),
        "last_dict": dict(last_c),
        "first_last_dict": dict(first_last_c),
        "last_first_initial_dict": dict(last_fi_c),
    }


PRODUCTION_TUNED_KEYS = (
    "colsample_bytree",
    "learning_rate",
    "max_depth",
    "min_child_samples",
    "min_child_weight",
    "min_split_gain",
    "n_estimators",
    "num_leaves",
    "reg_alpha",
    "reg_lambda",
    "subsample",
    "monotone_penalty",
)


def production_lightgbm_params() -> tuple[dict[str, Any], dict[str, Any]]:
    """The tuned LightGBM hyperparameters of S2AND's shipped production model (main, nameless)."""
    from s2and.serialization import load_pickle_with_verified_label_encoder_compat

    import s2and

    path = Path(s2and.__file__).parent / "data" / "production_model_v1.2.pickle"
    clusterer = load_pickle_with_verified_label_encoder_compat(str(path))["clusterer"]
    out = []
    for clf in (clusterer.classifier, clusterer.nameless_classifier):
        params = clf.get_params()
        out.append({k: params[k] for k in PRODUCTION_TUNED_KEYS if k in params})
    return out[0], out[1]


# ----------------------------------------------------------------------------------------------
# datasets


def _prefixed(signatures: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Namespace blocks so a train block and a dev block with the same name stay apart."""
    out = {}
    for sid, sig in signatures.items():
        info = dict(sig["author_info"])
        info["block"] = prefix + str(info["block"])
        info["given_block"] = prefix + str(info.get("given_block") or info["block"])
        out[sid] = {**sig, "author_info": info}
    return out


def _fixed_split_anddata(**kwargs: Any):
    """An ANDData whose train/val/test split is given (train blocks / dev blocks / dev blocks).

    S2AND's featurize() and Clusterer.fit() call ``split_cluster_signatures``; overriding it is how the
    predefined *.train / *.dev split is honoured (its own ``train_blocks`` path is not used by
    Clusterer.fit in this version).
    """
    from s2and.data import ANDData

    class FixedSplitANDData(ANDData):
        def split_cluster_signatures(self):  # type: ignore[override]
            blocks = self.get_blocks()
            train = {k: v for k, v in blocks.items() if k.startswith("train/")}
            dev = {k: v for k, v in blocks.items() if k.startswith("dev/")}
            return train, dev, dev

    return FixedSplitANDData(**kwargs)


# ----------------------------------------------------------------------------------------------
# commands


def cmd_train(args: argparse.Namespace) -> dict[str, Any]:
    import numpy as np
    from hyperopt import hp
    from s2and.consts import FEATURIZER_VERSION
    from s2and.featurizer import FeaturizationInfo, featurize
    from s2and.model import Clusterer, FastCluster, PairwiseModeler

    t0 = time.perf_counter()
    data = Path(args.data)
    train_sigs = _load(data / "train" / "signatures.json")
    train_papers = _load(data / "train" / "papers.json")
    train_clusters = _load(data / "train" / "clusters.json")
    dev_sigs = _load(data / "dev" / "signatures.json")
    dev_papers = _load(data / "dev" / "papers.json")
    dev_clusters = _load(data / "dev" / "clusters.json")
    name_counts = build_name_counts(train_papers)
    t_counts = time.perf_counter()

    signatures = {**_prefixed(train_sigs, "train/"), **_prefixed(dev_sigs, "dev/")}
    papers = {**train_papers, **dev_papers}
    clusters = {
        **{f"train/{k}": v for k, v in train_clusters.items()},
        **{f"dev/{k}": v for k, v in dev_clusters.items()},
    }

    n_iter = 2 if args.smoke else args.n_iter
    train_pairs = 3000 if args.smoke else args.train_pairs
    val_pairs = 1000 if args.smoke else args.val_pairs
    pairwise_space = None
    fixed: tuple[dict[str, Any], dict[str, Any]] | None = None
    if not args.smoke and args.n_iter == 0:
        # no search: S2AND's own tuned LightGBM hyperparameters (those of its released production model)
        fixed = production_lightgbm_params()
    if args.smoke:  # S2AND's default space grows 1000-2500 trees per trial: far too slow for a smoke run
        from hyperopt.pyll import scope

        pairwise_space = {
            "learning_rate": hp.loguniform("learning_rate", -3, -1),
            "num_leaves": scope.int(hp.quniform("num_leaves", 8, 32, 1)),
            "n_estimators": scope.int(hp.quniform("n_estimators", 50, 100, 1)),
        }
    features = [f for f in FEATURES_TO_USE if f != "embedding_similarity"]  # no SPECTER offline
    nameless = [f for f in features if f not in NAME_FEATURES]
    featurizer_info = FeaturizationInfo(features_to_use=features, featurizer_version=FEATURIZER_VERSION)
    nameless_info = FeaturizationInfo(features_to_use=nameless, featurizer_version=FEATURIZER_VERSION)

    dataset = _fixed_split_anddata(
        signatures=signatures,
        papers=papers,
        clusters=clusters,
        name=f"{data.name}_bench",
        mode="train",
        block_type="original",
        train_pairs_size=train_pairs,
        val_pairs_size=val_pairs,
        test_pairs_size=1000,
        n_jobs=args.n_jobs,
        load_name_counts=name_counts,
        preprocess=True,
        random_seed=SEED,
    )
    t_data = time.perf_counter()
    train, val, _test = featurize(
        dataset,
        featurizer_info,
        n_jobs=args.n_jobs,
        use_cache=False,
        nameless_featurizer_info=nameless_info,
        nan_value=np.nan,
    )
    X_train, y_train, nameless_X_train = train
    X_val, y_val, nameless_X_val = val
    for what, y in (("training", y_train), ("dev", y_val)):
        if len(set(np.asarray(y).tolist())) < 2:
            raise SystemExit(
                f"S2AND needs same-person and different-person {what} pairs; {data} has one class only"
            )
    t_feat = time.perf_counter()

    def modeler(info: Any, params: dict[str, Any] | None) -> Any:
        m = PairwiseModeler(
            search_space=dict(pairwise_space) if pairwise_space else None,
            n_iter=max(1, n_iter),
            monotone_constraints=info.lightgbm_monotone_constraints,
            random_state=SEED,
            n_jobs=args.n_jobs,
        )
        if params is not None:
            m.estimator.set_params(**params)
            m.search_space = {}  # PairwiseModeler.fit then fits once with these parameters
        return m

    pairwise = modeler(featurizer_info, fixed[0] if fixed else None)
    pairwise.fit(X_train, y_train, X_val, y_val)
    nameless_pairwise = modeler(nameless_info, fixed[1] if fixed else None)
    nameless_pairwise.fit(nameless_X_train, y_train, nameless_X_val, y_val)
    if fixed:
        pairwise.best_params, nameless_pairwise.best_params = fixed
    t_pair = time.perf_counter()

    clusterer = Clusterer(
        featurizer_info,
        pairwise.classifier,
        cluster_model=FastCluster(linkage="average"),
        search_space={"eps": hp.uniform("choice", 0, 1)},
        n_iter=2 if args.smoke else 25,  # clustering on precomputed distances is cheap: always S2AND's 25
        n_jobs=args.n_jobs,
        use_cache=False,
        nameless_classifier=nameless_pairwise.classifier,
        nameless_featurizer_info=nameless_info,
        random_state=SEED,
    )
    clusterer.fit(dataset)
    t_clus = time.perf_counter()

    model_dir = Path(args.model)
    model_dir.mkdir(parents=True, exist_ok=True)
    # S2AND's own model format is a pickle of the Clusterer; it stays inside the benchmark work folder.
    with open(model_dir / "clusterer.pickle", "wb") as fh:
        pickle.dump(clusterer, fh, protocol=pickle.HIGHEST_PROTOCOL)
    with open(model_dir / "name_counts.json", "w", encoding="utf-8") as fh:
        json.dump(name_counts, fh)
    return {
        "dataset": data.name,
        "train_signatures": len(train_sigs),
        "dev_signatures": len(dev_sigs),
        "train_pairs": int(len(y_train)),
        "val_pairs": int(len(y_val)),
        "features": features,
        "nameless_features": nameless,
        "n_iter": n_iter,
        "pairwise_params": "s2and production v1.2 (fixed)" if fixed else f"hyperopt, {n_iter} rounds",
        "cluster_n_iter": 2 if args.smoke else 25,
        "train_pairs_requested": train_pairs,
        "val_pairs_requested": val_pairs,
        "pairwise_best_params": _jsonable(pairwise.best_params),
        "nameless_best_params": _jsonable(nameless_pairwise.best_params),
        "best_params": {k: float(v) for k, v in (clusterer.best_params or {}).items()},
        "seconds": {
            "name_counts": t_counts - t0,
            "load_preprocess": t_data - t_counts,
            "featurize": t_feat - t_data,
            "pairwise_fit": t_pair - t_feat,
            "clusterer_fit": t_clus - t_pair,
            "total": time.perf_counter() - t0,
        },
        "peak_rss_mb_self": _peak_rss_mb(),
    }


def _inference_dataset(data: Path, name_counts: dict[str, Any], n_jobs: int):
    from s2and.data import ANDData

    return ANDData(
        signatures=str(data / "dev" / "signatures.json"),
        papers=str(data / "dev" / "papers.json"),
        name=f"{data.name}_dev",
        mode="inference",
        block_type="s2",
        n_jobs=n_jobs,
        load_name_counts=name_counts,
        preprocess=True,
        random_seed=SEED,
    )


def _load_model(model_dir: Path):
    with open(model_dir / "clusterer.pickle", "rb") as fh:
        clusterer = pickle.load(fh)
    name_counts = _load(model_dir / "name_counts.json")
    return clusterer, name_counts


def cmd_disambiguate(args: argparse.Namespace) -> dict[str, Any]:
    from s2and.eval import b3_precision_recall_fscore, pairwise_precision_recall_fscore

    t0 = time.perf_counter()
    data = Path(args.data)
    clusterer, name_counts = _load_model(Path(args.model))
    clusterer.n_jobs = args.n_jobs
    t_model = time.perf_counter()
    dataset = _inference_dataset(data, name_counts, args.n_jobs)
    t_data = time.perf_counter()
    blocks = dataset.get_blocks()
    # S2AND's all-Rust predict() path needs Arrow bundles (plus a name_counts_index) that only the repo's
    # conversion scripts build; the wheel's documented alternative is to build the distance matrices
    # (Rust featurizer when available, both models, default constraints) and cluster them, as
    # Clusterer.fit does.
    dists = clusterer.make_distance_matrices(blocks, dataset, disable_tqdm=True)
    t_dist = time.perf_counter()
    pred_clusters, _ = clusterer.predict(blocks, dataset, dists=dists)
    t_pred = time.perf_counter()

    # S2AND's own metrics, on the dev gold clusters
    gold = {k: v["signature_ids"] for k, v in _load(data / "dev" / "clusters.json").items()}
    b3_p, b3_r, b3_f1, *_ = b3_precision_recall_fscore(gold, pred_clusters)
    pw_p, pw_r, pw_f1 = pairwise_precision_recall_fscore(gold, pred_clusters, blocks, "cmacro")
    id_map = _load(data / "dev" / "id_map.json")
    assignment = {id_map[sid]: f"s2and:{cid}" for cid, sids in pred_clusters.items() for sid in sids}
    if args.out:
        Path(args.out).write_text(json.dumps(assignment))
    return {
        "dataset": data.name,
        "signatures": len(dataset.signatures),
        "blocks": len(blocks),
        "clusters": len(pred_clusters),
        "s2and_eval": {
            "b3_precision": float(b3_p),
            "b3_recall": float(b3_r),
            "b3_f1": float(b3_f1),
            "pairwise_precision": float(pw_p),
            "pairwise_recall": float(pw_r),
            "pairwise_f1": float(pw_f1),
        },
        "seconds": {
            "load_model": t_model - t0,
            "load_preprocess": t_data - t_model,
            "distances": t_dist - t_data,
            "cluster": t_pred - t_dist,
            "total": t_pred - t0,
        },
        "peak_rss_mb_self": _peak_rss_mb(),
    }


def cmd_speed(args: argparse.Namespace) -> dict[str, Any]:
    """Pairwise featurize + score throughput (both models) on the largest dev blocks, one process."""
    data = Path(args.data)
    clusterer, name_counts = _load_model(Path(args.model))
    clusterer.n_jobs = 1
    dataset = _inference_dataset(data, name_counts, 1)
    all_blocks = dataset.get_blocks()
    if args.blocks_file:
        wanted = json.loads(Path(args.blocks_file).read_text())
        chosen = {k: all_blocks[k] for k in wanted}
    else:
        chosen = {}
        for key, sids in sorted(all_blocks.items(), key=lambda kv: -len(kv[1])):
            if len(chosen) >= args.max_blocks:
                break
            if len(sids) > 1:
                chosen[key] = sids
    pairs = sum(len(v) * (len(v) - 1) // 2 for v in chosen.values())
    # warm-up on the smallest chosen block (lazy imports, Rust featurizer build)
    smallest = min(chosen, key=lambda k: len(chosen[k]))
    clusterer.make_distance_matrices({smallest: chosen[smallest]}, dataset, disable_tqdm=True)
    c0, t0 = time.process_time(), time.perf_counter()
    clusterer.make_distance_matrices(chosen, dataset, disable_tqdm=True)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "dataset": data.name,
        "blocks": len(chosen),
        "block_sizes": sorted((len(v) for v in chosen.values()), reverse=True),
        "pairs": pairs,
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "pairs_per_second": pairs / wall if wall else None,
        "pairs_per_cpu_second": pairs / cpu if cpu else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="S2AND side of the byline benchmark")
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("train", "disambiguate", "speed"):
        p = sub.add_parser(name)
        p.add_argument("--data", required=True, help="converted dataset folder (train/, dev/)")
        p.add_argument("--model", required=True, help="model folder")
        p.add_argument("--n-jobs", type=int, default=2)
        if name == "train":
            p.add_argument(
                "--smoke", action="store_true", help="tiny settings (2 rounds, 3k pairs, small trees)"
            )
            p.add_argument(
                "--n-iter",
                type=int,
                default=25,
                help="pairwise hyperopt rounds (S2AND's default: 25); 0 = no search, S2AND's production "
                "model's tuned LightGBM hyperparameters",
            )
            p.add_argument("--train-pairs", type=int, default=100_000, help="S2AND's script: 100k")
            p.add_argument("--val-pairs", type=int, default=10_000, help="S2AND's script: 10k")
        if name == "disambiguate":
            p.add_argument("--out", default=None, help="write {original signature id: cluster} here")
        if name == "speed":
            p.add_argument("--blocks-file", default=None, help="JSON list of dev block keys to score")
            p.add_argument("--max-blocks", type=int, default=5, help="without --blocks-file: the N largest")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    _ensure_offline_config(Path(args.data).resolve().parent)
    result = {"train": cmd_train, "disambiguate": cmd_disambiguate, "speed": cmd_speed}[args.cmd](args)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
