"""Scale benchmark: the whole per-block pipeline on growing synthetic corpora, local and Spark engines.

    python benchmarks/scale.py run --sizes 10000 100000 1000000 --engines local spark
    python benchmarks/scale.py bigblock --signatures 50000          # one 50k-signature "Wang, L" block
    python benchmarks/scale.py pruning                              # B3 cost of bounding large blocks
    python benchmarks/scale.py report                               # docs/scale.png + docs/benchmarks.md
    python benchmarks/scale.py store --sizes 100000 300000 1000000  # the store path: benchmarks/scale_store.py

Each measurement runs in a fresh child process (so peak RSS is its own): it reads a synthetic labeled
JSONL.gz (``byline_synth``, generated once into ``benchmarks/.work/scale/``), runs
``byline.pipeline.run`` with the shipped default model on the chosen engine, and reports wall time,
scored candidate pairs, pairs/s/core (pairs / (wall seconds x cores)) and peak RSS of the whole process
tree (sampled every 0.2 s with psutil: driver + worker processes + Spark JVM), plus ``ru_maxrss``.
Results accumulate in ``docs/scale.json``; ``report`` draws ``docs/scale.png`` and rewrites only the
"Scale" section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / ".work" / "scale"
OUT_JSON = REPO / "docs" / "scale.json"
OUT_PNG = REPO / "docs" / "scale.png"
BENCH_MD = REPO / "docs" / "benchmarks.md"
CORES = 2


# -- measurement helpers ------------------------------------------------------------------------------
class TreeSampler:
    """Peak total RSS (and CPU seconds) of this process and all its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.2):
        import psutil

        self._ps = psutil
        self.interval = interval
        self.peak_rss = 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        me = self._ps.Process()
        while not self._stop.is_set():
            total = 0
            try:
                procs = [me, *me.children(recursive=True)]
            except self._ps.Error:
                procs = [me]
            for p in procs:
                try:
                    total += p.memory_info().rss
                    t = p.cpu_times()
                    self.cpu[p.pid] = t.user + t.system + getattr(t, "children_user", 0) * 0
                except self._ps.Error:
                    pass
            self.peak_rss = max(self.peak_rss, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def _data(n: int, seed: int = 0, dataset: str = "synth", **knobs: Any) -> Path:
    """The cached synthetic corpus of ``n`` signatures (generated on first use)."""
    import byline_synth as synth

    WORK.mkdir(parents=True, exist_ok=True)
    tag = "".join(f"-{k}={v}" for k, v in sorted(knobs.items())).replace(" ", "").replace(",", "")
    path = WORK / f"{dataset}-{n}{'' if seed == 0 else f'-s{seed}'}{tag}.jsonl.gz"
    if dataset == "synth" and seed == 0 and not knobs:
        path = WORK / f"synth-{n}.jsonl.gz"
    if not path.exists():
        synth.write_jsonl(synth.iter_signatures(n, seed=seed, dataset=dataset, **knobs), path)
    return path


def _rusage_cpu() -> float:
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def _load_avg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# -- child: one measured run -------------------------------------------------------------------------
def clusters_only(items: list, model: Any, constraints: Any) -> list:
    """:func:`byline.pipeline.disambiguate_blocks` without the per-pair arrays (counts kept)."""
    import numpy as np

    from byline.pipeline import disambiguate_blocks

    out = disambiguate_blocks(items, model, constraints)
    for r in out:
        r.scored_pairs = r.n_pairs
        r.pair_i = r.pair_j = r.prob = np.empty(0)
    return out


def child_run(engine_name: str, data: str, max_block_full: int | None = None) -> dict[str, Any]:
    from byline.block import group_blocks
    from byline.engines import get_engine
    from byline.ingest.signatures import load_signatures
    from byline.train_default import load_default_model

    load0 = _load_avg()
    t_all = time.perf_counter()
    with TreeSampler() as sampler:
        t0 = time.perf_counter()
        sigs = load_signatures([data])
        t_load = time.perf_counter() - t0
        model = load_default_model()
        model.n_jobs = 1
        if max_block_full:
            model.max_block_full = max_block_full
        engine = get_engine(engine_name, **({"master": f"local[{CORES}]"} if engine_name == "spark" else {}))
        t0 = time.perf_counter()
        try:
            # pipeline.run's engine path, keeping clusters and pair counts but not every pair's score
            # (RunResult keeps them all: 16 bytes x ~2.5e8 pairs at 1M signatures)
            # (as pipeline.run: name counts of the data at hand, each block in signature-id order)
            if hasattr(model, "for_data"):
                model = model.for_data(sigs)
            items = [(k, sorted(v, key=lambda s: s.id)) for k, v in group_blocks(sigs).items()]
            results = list(engine.map_blocks(clusters_only, items, model, None, batched=True))
        finally:
            engine.close()
        t_run = time.perf_counter() - t0
    total = time.perf_counter() - t_all
    pairs = sum(r.scored_pairs for r in results)
    sizes = sorted((len(r.ids) for r in results), reverse=True)
    del sigs
    return {
        "engine": engine_name if not max_block_full else f"{engine_name} mbf={max_block_full}",
        "max_block_full": model.max_block_full,
        "signatures": sum(len(r.ids) for r in results),
        "blocks": len(results),
        "largest_block": sizes[0] if sizes else 0,
        "pairs": pairs,
        "load_seconds": round(t_load, 2),
        "run_seconds": round(t_run, 2),
        "end_to_end_seconds": round(total, 2),
        "pairs_per_s_per_core": round(pairs / (t_run * CORES)) if t_run else None,
        "cpu_seconds_tree": round(max(sum(sampler.cpu.values()), _rusage_cpu()), 1),
        "pairs_per_cpu_second": round(pairs / max(1e-9, max(sum(sampler.cpu.values()), _rusage_cpu()))),
        "peak_rss_mb_tree": round(sampler.peak_rss / 2**20),
        "ru_maxrss_mb_self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "ru_maxrss_mb_children": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "load_avg_start": load0,
        "load_avg_end": _load_avg(),
    }


def child_spark_parquet(data: str) -> dict[str, Any]:
    """The Spark engine's Parquet-in, Parquet-out path: the driver never holds the signatures."""
    import tempfile

    import pyarrow.parquet as pq

    from byline.engines import frames, get_engine
    from byline.ingest.signatures import iter_signatures
    from byline.train_default import load_default_model

    load0 = _load_avg()
    with tempfile.TemporaryDirectory(prefix="byline-scale-") as tmp:
        src, dst = Path(tmp) / "sigs.parquet", Path(tmp) / "clusters.parquet"
        t0 = time.perf_counter()
        n = frames.write_parquet_stream(iter_signatures(data), src)
        t_convert = time.perf_counter() - t0
        model = load_default_model()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        with TreeSampler() as sampler:
            t0 = time.perf_counter()
            engine = get_engine("spark", master=f"local[{CORES}]")
            try:
                engine.disambiguate_parquet(src, dst, model)
            finally:
                engine.close()
            t_run = time.perf_counter() - t0
        clusters = pq.read_table(dst, columns=["cluster"]).column("cluster")
        n_clusters = len(set(clusters.to_pylist()))
    return {
        "engine": "spark-parquet",
        "signatures": n,
        "clusters": n_clusters,
        "convert_jsonl_to_parquet_seconds": round(t_convert, 2),
        "run_seconds": round(t_run, 2),
        "end_to_end_seconds": round(t_run, 2),
        "cpu_seconds_tree": round(sum(sampler.cpu.values()), 1),
        "peak_rss_mb_tree": round(sampler.peak_rss / 2**20),
        "ru_maxrss_mb_self_before_run": round(rss_before / 1024),
        "load_avg_start": load0,
        "load_avg_end": _load_avg(),
    }


def child_bigblock(n: int, surname_initial: str) -> dict[str, Any]:
    import byline_synth as synth
    from byline.block import candidate_pairs
    from byline.pipeline import disambiguate_block
    from byline.train_default import load_default_model

    sigs = synth.generate(n, seed=5, dataset="synth-bigblock", focus_block=surname_initial)
    model = load_default_model()
    model.n_jobs = 1
    out: dict[str, Any] = {
        "block": sigs[0].block,
        "signatures": len(sigs),
        "all_pairs": len(sigs) * (len(sigs) - 1) // 2,
        "people": len({s.person for s in sigs}),
        "max_block_full": model.max_block_full,
        "knn": model.knn,
        "load_avg_start": _load_avg(),
    }
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with TreeSampler() as sampler:
        t0 = time.perf_counter()
        i, _ = candidate_pairs(sigs, max_full=model.max_block_full, k=model.knn)
        out["candidate_seconds"] = round(time.perf_counter() - t0, 2)
        out["candidate_pairs"] = len(i)
        out["pairs_per_signature"] = round(len(i) / len(sigs), 1)
        del i
        t0 = time.perf_counter()
        res = disambiguate_block(sigs[0].block, sigs, model)
        out["block_seconds"] = round(time.perf_counter() - t0, 2)
    from byline.evaluate import score_clustering

    pred = dict(zip(res.ids, res.clusters, strict=True))
    out.update({k: round(v, 4) for k, v in score_clustering(sigs, pred, {"b": res.ids}).items()})
    out["peak_rss_mb_tree"] = round(sampler.peak_rss / 2**20)
    out["ru_maxrss_mb_before_block"] = round(rss0 / 1024)
    out["ru_maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    out["load_avg_end"] = _load_avg()
    return out


def child_pruning(n_per_block: int, settings: list[int]) -> dict[str, Any]:
    """B3 F1 of the same big synthetic blocks with all pairs vs bounded candidate pairs."""
    import byline_synth as synth
    from byline.evaluate import evaluate
    from byline.train_default import load_default_model

    sigs = []
    names = ("Wang, L", "Lee, J", "Kim, J", "Smith, J", "Li, Y", "Garcia, J")
    for k, name in enumerate(names):
        sigs += synth.generate(n_per_block, seed=40 + k, dataset=f"synth-prune-{k}", focus_block=name)
    sigs += synth.generate(20_000, seed=50, dataset="synth-prune-mixed")
    model = load_default_model()
    model.n_jobs = 2
    rows = []
    for max_full in settings:
        model.max_block_full = max_full
        res = evaluate(sigs, model)
        # the six big blocks as one row: B3 is a per-signature mean and clusters never span datasets,
        # so the signature-weighted mean over the blocks is B3 over their union
        big = [m for ds, m in res.items() if ds != "synth-prune-mixed"]
        n = sum(m["signatures"] for m in big)
        agg = {
            k: sum(m[k] * m["signatures"] for m in big) / n for k in ("b3_precision", "b3_recall", "b3_f1")
        }
        agg["pairwise_f1"] = sum(m["pairwise_f1"] for m in big) / len(big)
        agg.update(
            blocks=len(big),
            signatures=n,
            seconds=sum(m["seconds"] for m in big),
            pairs=sum(m.get("pairs", 0) for m in big),
        )
        for ds, m in (("six big blocks", agg), ("synth-prune-mixed", res["synth-prune-mixed"])):
            rows.append(
                {
                    "dataset": ds,
                    "max_block_full": max_full,
                    **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in m.items()},
                }
            )
    return {"n_per_block": n_per_block, "blocks": list(names), "rows": rows, "load_avg": _load_avg()}


# -- parent: orchestration ---------------------------------------------------------------------------
def _spawn(args: list[str], timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        return {
            "error": (p.stderr.strip().splitlines() or ["?"])[-1][:500],
            "cmd": args,
            "seconds": round(time.perf_counter() - t0, 1),
        }
    return json.loads(p.stdout.strip().splitlines()[-1])


def _results() -> dict[str, Any]:
    if OUT_JSON.exists():
        return json.loads(OUT_JSON.read_text(encoding="utf-8"))
    return {"runs": [], "bigblock": None, "pruning": None}


def _save(res: dict[str, Any]) -> None:
    res["machine"] = {
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "note": "shared 2-core machine; other helpers' jobs ran concurrently (see load_avg)",
    }
    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT_JSON.with_suffix(".tmp")
    tmp.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, OUT_JSON)


def _update(fn: Any) -> None:
    """Read-modify-write docs/scale.json under a lock (several benchmark commands may run at once)."""
    import fcntl

    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT_JSON.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        res = _results()
        fn(res)
        _save(res)
    OUT_JSON.with_suffix(".lock").unlink(missing_ok=True)


def cmd_run(sizes: list[int], engines: list[str], timeout: float, max_block_full: int | None = None) -> None:
    for n in sizes:
        data = _data(n)
        for eng in engines:
            print(f"scale: {eng} {n} ...", file=sys.stderr, flush=True)
            child = (
                ["_child_spark_parquet", str(data)]
                if eng == "spark-parquet"
                else ["_child_run", eng, str(data)]
            )
            if max_block_full and eng != "spark-parquet":
                child.append(str(max_block_full))
                eng = f"{eng} mbf={max_block_full}"
            r = _spawn(child, timeout)
            r.setdefault("engine", eng)
            r.setdefault("signatures", n)
            r["measured_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

            def put(res: dict[str, Any], r: dict[str, Any] = r, eng: str = eng, n: int = n) -> None:
                res["runs"] = [
                    x for x in res["runs"] if not (x.get("engine") == eng and x.get("signatures") == n)
                ]
                res["runs"].append(r)
                res["runs"].sort(key=lambda x: (x["engine"], x["signatures"]))

            _update(put)
            print(json.dumps(r), flush=True)


def cmd_bigblock(n: int, name: str, timeout: float) -> None:
    r = _spawn(["_child_bigblock", str(n), name], timeout)
    _update(lambda res: res.__setitem__("bigblock", r))
    print(json.dumps(r))


def cmd_pruning(n_per_block: int, settings: list[int], timeout: float) -> None:
    r = _spawn(["_child_pruning", str(n_per_block), *map(str, settings)], timeout)
    _update(lambda res: res.__setitem__("pruning", r))
    print(json.dumps(r))


def cmd_report() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    res = _results()
    runs = [r for r in res["runs"] if "error" not in r]
    fig, (ax1, ax3, ax2) = plt.subplots(1, 3, figsize=(14, 4))
    for eng, marker in (("local", "o"), ("spark", "s"), ("spark-parquet", "^"), ("local mbf=1000", "D")):
        rs = sorted((r for r in runs if r["engine"] == eng), key=lambda r: r["signatures"])
        if not rs:
            continue
        x = [r["signatures"] for r in rs]
        ax1.plot(x, [r["end_to_end_seconds"] for r in rs], marker=marker, label=eng)
        ax3.plot(x, [r["cpu_seconds_tree"] for r in rs], marker=marker, label=eng)
        ax2.plot(x, [r["peak_rss_mb_tree"] / 1024 for r in rs], marker=marker, label=eng)
    if runs:
        xs = sorted({r["signatures"] for r in runs})
        base = min((r for r in runs if r["engine"] == "local"), key=lambda r: r["signatures"], default=None)
        if base:
            for ax, key in ((ax1, "end_to_end_seconds"), (ax3, "cpu_seconds_tree")):
                k = base[key] / base["signatures"]
                ax.plot(xs, [k * x for x in xs], ":", color="grey", label="linear from smallest local")
    ax1.axhline(15 * 60, color="red", lw=0.8, ls="--", label="target 1M: 15 min")
    ax2.axhline(4, color="red", lw=0.8, ls="--", label="target: 4 GB")
    for ax, title, unit in (
        (ax1, "wall time, end to end", "seconds"),
        (ax3, "CPU time (process tree)", "seconds"),
        (ax2, "peak RSS (process tree)", "GB"),
    ):
        ax.set_xscale("log")
        ax.set_yscale("linear" if ax is ax2 else "log")
        ax.set_xlabel("signatures")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("byline scale (synthetic corpus, 2 cores shared with other jobs)", fontsize=10)
    fig.tight_layout()
    fig.savefig(OUT_PNG, dpi=110)
    _write_md(res)
    print(f"wrote {OUT_PNG} and the Scale section of {BENCH_MD}", file=sys.stderr)


def _write_md(res: dict[str, Any]) -> None:
    lines = [
        "## Scale",
        "",
        "Synthetic labeled corpora (`byline_synth`, seed 0, dataset `synth`), shipped default model, whole",
        "per-block pipeline (blocking, candidate pairs, features, scoring, clustering). Commands:",
        "",
        "```",
        "PYTHONPATH=benchmarks python -m byline_synth --signatures 1000000 --seed 0 --out benchmarks/.work/scale/synth-1000000.jsonl.gz",
        "python benchmarks/scale.py run --sizes 10000 100000 1000000 --engines local",
        "python benchmarks/scale.py run --sizes 10000 100000 --engines spark spark-parquet",
        "python benchmarks/scale.py run --sizes 100000 1000000 --engines local --max-block-full 1000",
        "python benchmarks/scale.py bigblock --signatures 50000",
        "python benchmarks/scale.py pruning --per-block 1500 --settings 100000 1000 400",
        "python benchmarks/scale.py report",
        "```",
        "",
        "(`run` generates the corpus itself when the file is missing; 1M signatures take ~1.5 min and 160 MB.)",
        "",
        "Raw figures: `docs/scale.json`; plot: `docs/scale.png`. The machine (2 cores) was shared with other",
        "jobs during these runs: the load average at start/end of each run is recorded, and wall times are",
        "inflated accordingly. pairs/s/core (wall) = scored candidate pairs / (run wall seconds x 2 cores);",
        "pairs per CPU-s = pairs / CPU seconds of the whole process tree: what one dedicated core would do.",
        "`spark-parquet` = `SparkEngine.disambiguate_parquet` (Parquet in, clusters Parquet out; the driver",
        "never holds the signatures; JSONL->Parquet conversion not included).",
        "",
        "| engine | signatures | blocks | largest block | pairs | run s | end-to-end s | pairs/s/core (wall) | "
        "pairs per CPU-s | CPU s | peak RSS (tree) | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in res["runs"]:
        if "error" in r:
            lines.append(
                f"| {r['engine']} | {r['signatures']:,} | failed: {r['error'][:80]} | | | | | | | | | |"
            )
            continue
        if r.get("pairs_per_cpu_second") is None and r.get("pairs") and r.get("cpu_seconds_tree"):
            r["pairs_per_cpu_second"] = round(r["pairs"] / r["cpu_seconds_tree"])

        def f(key: str, r: dict[str, Any] = r) -> str:
            v = r.get(key)
            return "–" if v is None else (f"{v:,}" if isinstance(v, int) else str(v))

        lines.append(
            f"| {r['engine']} | {f('signatures')} | {f('blocks')} | {f('largest_block')} | {f('pairs')} | "
            f"{f('run_seconds')} | {f('end_to_end_seconds')} | {f('pairs_per_s_per_core')} | "
            f"{f('pairs_per_cpu_second')} | {f('cpu_seconds_tree')} | {f('peak_rss_mb_tree')} MB | "
            f"{r['load_avg_start'][0]}→{r['load_avg_end'][0]} |"
        )
    bb = res.get("bigblock")
    if bb and "error" not in bb:
        lines += [
            "",
            f"**One {bb['signatures']:,}-signature block** (`{bb['block']}`, {bb['people']:,} people, "
            f"`synth.generate(..., focus_block=...)`): {bb['candidate_pairs']:,} candidate pairs "
            f"({bb['pairs_per_signature']} per signature) instead of {bb['all_pairs']:,}; candidates in "
            f"{bb['candidate_seconds']} s, whole block in {bb['block_seconds']} s, peak RSS "
            f"{bb['peak_rss_mb_tree']:,} MB; B3 F1 {bb.get('b3_f1')}.",
        ]
    pr = res.get("pruning")
    if pr and "error" not in pr:
        lines += [
            "",
            f"**B3 cost of bounding** (six synthetic {pr['n_per_block']:,}-signature ambiguous blocks, "
            "`synth-prune`, plus a 20,000-signature mixed corpus): the same data evaluated with every pair "
            "a candidate (large `max_block_full`) and with bounded candidates (sub-blocks + k-NN).",
            "",
            "| data | max_block_full | B3 F1 | B3 P | B3 R | pairs | seconds |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for r in pr["rows"]:
            lines.append(
                f"| {r['dataset']} | {r['max_block_full']:,} | {r['b3_f1']} | {r['b3_precision']} | "
                f"{r['b3_recall']} | {r.get('pairs', 0):,} | {r['seconds']} |"
            )
    notes = res.get("notes")
    if notes:
        lines += ["", *notes]
    section = "\n".join(lines) + "\n"
    text = BENCH_MD.read_text(encoding="utf-8") if BENCH_MD.exists() else "# Benchmarks\n"
    start = text.find("\n## Scale\n")
    if start >= 0:
        # the section ends at the next heading or at another script's marked section, whichever comes first
        ends = [i for i in (text.find("\n## ", start + 1), text.find("\n<!-- ", start + 1)) if i >= 0]
        nxt = min(ends) if ends else -1
        text = text[: start + 1] + section + (text[nxt:] if nxt >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    BENCH_MD.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_child_run":
        print(json.dumps(child_run(argv[1], argv[2], int(argv[3]) if len(argv) > 3 else None)))
        return
    if argv and argv[0] == "_child_spark_parquet":
        print(json.dumps(child_spark_parquet(argv[1])))
        return
    if argv and argv[0] == "_child_bigblock":
        print(json.dumps(child_bigblock(int(argv[1]), argv[2])))
        return
    if argv and argv[0] == "store":  # the store path (ingest + disambiguate as a user runs them)
        import scale_store

        scale_store.main(["run", *argv[1:]] if argv[1:2] != ["report"] else ["report"])
        return
    if argv and argv[0] == "_child_pruning":
        print(json.dumps(child_pruning(int(argv[1]), [int(x) for x in argv[2:]])))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    r.add_argument(
        "--engines", nargs="+", default=["local", "spark"], choices=["local", "spark", "spark-parquet"]
    )
    r.add_argument("--timeout", type=float, default=3600)
    r.add_argument("--max-block-full", type=int, default=None, help="override the model's max_block_full")
    b = sub.add_parser("bigblock")
    b.add_argument("--signatures", type=int, default=50_000)
    b.add_argument("--name", default="Wang, L")
    b.add_argument("--timeout", type=float, default=3600)
    p = sub.add_parser("pruning")
    p.add_argument("--per-block", type=int, default=2_000)
    p.add_argument("--settings", type=int, nargs="+", default=[100_000, 1_000, 400])
    p.add_argument("--timeout", type=float, default=3600)
    sub.add_parser("report")
    nt = sub.add_parser("notes", help="store the reading of the figures (markdown lines) in docs/scale.json")
    nt.add_argument("file")
    a = ap.parse_args(argv)
    if a.cmd == "run":
        cmd_run(a.sizes, a.engines, a.timeout, a.max_block_full)
    elif a.cmd == "bigblock":
        cmd_bigblock(a.signatures, a.name, a.timeout)
    elif a.cmd == "pruning":
        cmd_pruning(a.per_block, a.settings, a.timeout)
    elif a.cmd == "notes":
        lines = Path(a.file).read_text(encoding="utf-8").splitlines()
        _update(lambda res: res.__setitem__("notes", lines))
    else:
        cmd_report()


if __name__ == "__main__":
    main()
