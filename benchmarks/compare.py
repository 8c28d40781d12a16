"""byline vs S2AND, side by side, on the same data, on this machine, in one run.

    python benchmarks/compare.py [--datasets DIR] [--synthetic] [--smoke]

1. builds the isolated S2AND venv (benchmarks/.venv-s2and) if missing (benchmarks/s2and/setup_env.sh);
2. finds ``<name>.train.jsonl[.gz]`` / ``<name>.dev.jsonl[.gz]`` in DIR (default ../shared/datasets);
   when that folder is absent it says so and stops, unless ``--synthetic`` is given: then it generates a
   synthetic train/dev pair per preset with ``byline_synth`` (split by block) and every figure it writes
   is labelled SYNTHETIC;
3. converts the data to S2AND's format (benchmarks/s2and/convert.py);
4. S2AND: per dataset, trains (pairwise model + nameless model + clusterer, eps tuned on dev), then
   disambiguates the dev file from scratch; byline: ``byline train`` on all train files with ``--dev``,
   then ``byline evaluate`` on each dev file. Every step is its own subprocess: wall time and peak RSS
   (process tree, sampled, and the kernel's max RSS) are measured from outside;
5. a speed micro-benchmark: pair featurize + score throughput on the largest dev blocks (the same blocks
   for both), one thread, pairs per CPU-second;
6. writes docs/benchmarks.json, the "S2AND comparison" section of docs/benchmarks.md and docs/b3_f1.png.

Both systems are scored with the same metric code (byline.evaluate, which follows S2AND's eval.py); S2AND's
own B3 numbers are kept next to them as a cross-check. ``--smoke`` runs a tiny version (few blocks, 3
hyperopt rounds) and writes to benchmarks/.work/smoke/ instead of docs/.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import gzip
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"
S2AND_DIR = BENCH / "s2and"
DEFAULT_DATASETS = REPO.parent / "shared" / "datasets"
DEFAULT_VENV = BENCH / ".venv-s2and"
DEFAULT_WORK = BENCH / ".work" / "compare"
SYNTH_PRESETS = ("synth-aminer", "synth-pubmed", "synth-s2")
SECTION_BEGIN = "<!-- s2and-comparison:begin -->"
SECTION_END = "<!-- s2and-comparison:end -->"
SINGLE_THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "RAYON_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
}

sys.path.insert(0, str(S2AND_DIR))
import convert  # noqa: E402


def log(msg: str) -> None:
    print(f"[compare {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------------
# measuring a subprocess


@dataclass
class Measured:
    cmd: list[str]
    returncode: int
    wall_seconds: float
    peak_rss_mb: float
    stdout: str
    stderr: str

    def json(self) -> Any:
        """The last stdout line that parses as JSON (our tools print one object)."""
        for line in reversed(self.stdout.strip().splitlines()):
            line = line.strip()
            if line.startswith("{"):
                try:
                    return json.loads(line)
                except ValueError:
                    continue
        try:
            return json.loads(self.stdout)
        except ValueError:
            raise RuntimeError(f"no JSON on stdout of {' '.join(self.cmd)}\n{self.stderr[-3000:]}") from None

    def check(self) -> Measured:
        if self.returncode != 0:
            raise RuntimeError(
                f"command failed ({self.returncode}): {' '.join(self.cmd)}\n--- stderr tail ---\n{self.stderr[-4000:]}"
            )
        return self


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        p = psutil.Process(pid)
        procs = [p, *p.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for q in procs:
        with contextlib.suppress(psutil.Error):
            total += q.memory_info().rss
    return total


def measure(
    cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None, log_to: Path | None = None
) -> Measured:
    """Run ``cmd``; wall time, and peak RSS = max(sampled process-tree RSS sum, kernel ru_maxrss)."""
    full_env = {**os.environ, **(env or {})}
    out_path = (log_to or DEFAULT_WORK / "logs" / "last").with_suffix(".out")
    err_path = out_path.with_suffix(".err")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "wb") as out_f, open(err_path, "wb") as err_f:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, env=full_env, cwd=cwd)
        peak = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _tree_rss(proc.pid))
                stop.wait(0.05)

        th = threading.Thread(target=sample, daemon=True)
        th.start()
        _, status, rusage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        stop.set()
        th.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = max(peak / 2**20, rusage.ru_maxrss / 1024.0)
    return Measured(
        cmd=[str(c) for c in cmd],
        returncode=proc.returncode,
        wall_seconds=wall,
        peak_rss_mb=peak_mb,
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"),
    )


# ----------------------------------------------------------------------------------------------
# environment


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_venv(venv: Path) -> None:
    if (venv / ".complete").exists() and venv_python(venv).exists():
        return
    log(f"building the S2AND venv in {venv} (takes a few minutes)")
    subprocess.run(["bash", str(S2AND_DIR / "setup_env.sh"), str(venv)], check=True)


def s2and_env(work: Path) -> dict[str, str]:
    cfg_dir = work / "_s2and_config"
    (cfg_dir / "data").mkdir(parents=True, exist_ok=True)
    cfg = cfg_dir / "path_config.json"
    cfg.write_text(json.dumps({"main_data_dir": str(cfg_dir / "data"), "internal_data_dir": ""}))
    return {
        "S2AND_SKIP_FASTTEXT": "1",
        "S2AND_PATH_CONFIG": str(cfg),
        "S2AND_CACHE": str(cfg_dir / "cache"),
        "TQDM_DISABLE": "1",
        "PYTHONWARNINGS": "ignore",
    }


def byline_cmd() -> list[str]:
    exe = shutil.which("byline")
    return [exe] if exe else [sys.executable, "-m", "byline.cli"]


def machine_string() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        import psutil

        mem = f", {psutil.virtual_memory().total / 2**30:.0f} GiB RAM"
    except Exception:  # pragma: no cover - psutil is a byline dependency
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def versions(venv: Path) -> dict[str, Any]:
    from importlib import metadata

    out: dict[str, Any] = {}
    for name in ("byline", "lightgbm", "numpy", "scikit-learn"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name if name == "byline" else f"byline:{name}"] = metadata.version(name)
    vfile = venv / "versions.json"
    if vfile.exists():
        for k, v in json.loads(vfile.read_text()).items():
            if k in ("s2and", "s2and_rust", "torch", "lightgbm", "scikit-learn", "numpy", "python"):
                out[k if k in ("s2and", "s2and_rust", "torch") else f"s2and:{k}"] = v
    return out


# ----------------------------------------------------------------------------------------------
# data


def _stable_frac(key: str) -> float:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF


def split_by_block(src: Path, out_dir: Path, name: str, dev_fraction: float = 0.3) -> dict[str, Path]:
    """Split one labeled JSONL(.gz) into ``<name>.train`` / ``<name>.dev`` files by block (stable hash)."""
    paths = {s: out_dir / f"{name}.{s}.jsonl.gz" for s in ("train", "dev")}
    with (
        gzip.open(paths["train"], "wt", encoding="utf-8") as tr,
        gzip.open(paths["dev"], "wt", encoding="utf-8") as dv,
    ):
        for _, obj in convert.iter_lines(src):
            block = str(obj.get("block"))
            (dv if _stable_frac(f"{name}|{block}") < dev_fraction else tr).write(json.dumps(obj) + "\n")
    return paths


def make_synthetic(
    out_dir: Path, signatures: int, seed: int, presets: tuple[str, ...] = SYNTH_PRESETS
) -> Path:
    """Generate one synthetic labeled corpus per preset with byline_synth (benchmarks/byline_synth), split by block into train/dev."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for k, preset in enumerate(presets):
        if (out_dir / f"{preset}.train.jsonl.gz").exists() and (out_dir / f"{preset}.dev.jsonl.gz").exists():
            continue
        raw = out_dir / f"_{preset}.all.jsonl.gz"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "byline_synth",
                "--signatures",
                str(signatures),
                "--seed",
                str(seed + k),
                "--dataset",
                preset,
                "--out",
                str(raw),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join(
                    filter(None, [str(Path(__file__).resolve().parent), os.environ.get("PYTHONPATH", "")])
                ),
            },
        )
        split_by_block(raw, out_dir, preset)
        raw.unlink()
    return out_dir


def subset_blocks(
    files: dict[str, dict[str, list[Path]]], out_dir: Path, max_blocks: int
) -> dict[str, dict[str, list[Path]]]:
    """Keep the first ``max_blocks`` blocks of every file (smoke runs)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    result: dict[str, dict[str, list[Path]]] = {}
    for name, by_split in files.items():
        result[name] = {}
        for split, paths in by_split.items():
            dst = out_dir / f"{name}.{split}.jsonl.gz"
            keep: list[str] = []
            with gzip.open(dst, "wt", encoding="utf-8") as fh:
                for p in paths:
                    for _, obj in convert.iter_lines(p):
                        b = str(obj.get("block"))
                        if b not in keep:
                            if len(keep) >= max_blocks:
                                continue
                            keep.append(b)
                        fh.write(json.dumps(obj) + "\n")
            result[name][split] = [dst]
    return result


def gold_and_blocks(dev_paths: list[Path]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Gold person and dataset block per original signature id of the dev files."""
    true: dict[str, str] = {}
    blocks: dict[str, list[str]] = defaultdict(list)
    for p in dev_paths:
        for _, obj in convert.iter_lines(p):
            sid = str(convert._first(obj, convert._SIG_ID_KEYS))
            person = convert._first(obj, convert._PERSON_KEYS)
            true[sid] = f"p:{person}" if person is not None else f"unlabeled:{sid}"
            blocks[str(convert._first(obj, convert._BLOCK_KEYS))].append(sid)
    return true, dict(blocks)


def score(true: dict[str, str], pred: dict[str, str], blocks: dict[str, list[str]]) -> dict[str, float]:
    """The metrics byline reports, computed with byline's own metric code (S2AND's definitions)."""
    from byline.evaluate import b3_precision_recall_fscore, labels_to_clusters, pairwise_f1_per_block

    p, r, f = b3_precision_recall_fscore(labels_to_clusters(true), labels_to_clusters(pred))
    _, _, pf = pairwise_f1_per_block(true, pred, blocks)
    return {"b3_precision": p, "b3_recall": r, "b3_f1": f, "pairwise_f1": pf}


def speed_blocks(blocks_json: Path, max_pairs: int, max_blocks: int) -> list[str]:
    """The largest dev blocks, up to ``max_pairs`` pairs in total (always at least one block)."""
    blocks = json.loads(blocks_json.read_text())
    chosen, pairs = [], 0
    for key, sids in sorted(blocks.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        n = len(sids) * (len(sids) - 1) // 2
        if n == 0 or (chosen and pairs + n > max_pairs):
            continue
        chosen.append(key)
        pairs += n
        if pairs >= max_pairs or len(chosen) >= max_blocks:
            break
    return chosen


# ----------------------------------------------------------------------------------------------
# the byline speed probe (runs as: python compare.py _byline-speed ...)


def byline_speed(model_dir: Path, dev_paths: list[Path], blocks: list[str]) -> dict[str, Any]:
    """Featurize + score every pair of the given dev blocks with byline's model, one thread."""
    import numpy as np

    from byline.ingest.signatures import load_signatures
    from byline.model import Disambiguator

    model = Disambiguator.load(model_dir)
    if hasattr(model, "n_jobs"):
        model.n_jobs = 1
    sigs = load_signatures(dev_paths)
    by_block: dict[str, list[Any]] = defaultdict(list)
    for s in sigs:
        by_block[str(s.block)].append(s)
    work = []
    for b in blocks:
        members = by_block[b]
        i, j = np.triu_indices(len(members), k=1)
        work.append((members, np.stack([i, j], axis=1)))
    small = min(work, key=lambda w: len(w[0]))
    model.score_pairs(small[0], small[1])  # warm-up
    c0, t0 = time.process_time(), time.perf_counter()
    pairs = 0
    for members, pr in work:
        model.score_pairs(members, pr)
        pairs += len(pr)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {
        "blocks": len(work),
        "block_sizes": [len(w[0]) for w in work],
        "pairs": pairs,
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "pairs_per_second": pairs / wall if wall else None,
        "pairs_per_cpu_second": pairs / cpu if cpu else None,
    }


# ----------------------------------------------------------------------------------------------
# the run


@dataclass
class Config:
    datasets: Path | None
    synthetic: bool
    smoke: bool
    signatures: int
    seed: int
    venv: Path
    work: Path
    docs: Path
    n_jobs: int
    speed_max_pairs: int
    s2and_n_iter: int = 0
    s2and_train_pairs: int = 100_000
    skip_s2and: bool = False
    skip_byline: bool = False
    notes: list[str] = field(default_factory=list)


def find_data(cfg: Config) -> tuple[dict[str, dict[str, list[Path]]], str]:
    """Dataset files and the data kind ("real" or "SYNTHETIC")."""
    if cfg.datasets is not None and cfg.datasets.is_dir() and not cfg.synthetic:
        files = convert.discover(cfg.datasets)
        files = {k: v for k, v in files.items() if "train" in v and "dev" in v}
        if not files:
            raise SystemExit(f"{cfg.datasets} has no <name>.train/.dev.jsonl[.gz] pairs")
        kind = "real"
    else:
        if not cfg.synthetic:
            raise SystemExit(
                f"{cfg.datasets} is absent: the labeled benchmark data is not here. "
                "Run with --synthetic to run the comparison on a generated SYNTHETIC corpus instead."
            )
        if cfg.datasets is not None and not cfg.datasets.is_dir():
            log(
                f"{cfg.datasets} is absent: running on a SYNTHETIC corpus (figures are not the real benchmark)"
            )
        n = 1500 if cfg.smoke and cfg.signatures == 30000 else cfg.signatures
        out = cfg.work / "synthetic" / f"n{n}_seed{cfg.seed}"
        make_synthetic(out, n, cfg.seed)
        files = convert.discover(out)
        kind = "SYNTHETIC"
    if cfg.smoke:
        files = subset_blocks(files, cfg.work / "smoke_data", max_blocks=8)
    return files, kind


def run_s2and(cfg: Config, files: dict[str, dict[str, list[Path]]], data_root: Path) -> dict[str, Any]:
    py = str(venv_python(cfg.venv))
    env = s2and_env(cfg.work)
    results: dict[str, Any] = {}
    for name, by_split in files.items():
        d = data_root / name
        model = cfg.work / "s2and_models" / name
        logs = cfg.work / "logs" / f"s2and_{name}"
        log(f"S2AND train {name}")
        tr = measure(
            [
                py,
                str(S2AND_DIR / "run_s2and.py"),
                "train",
                "--data",
                str(d),
                "--model",
                str(model),
                "--n-jobs",
                str(cfg.n_jobs),
                "--n-iter",
                str(cfg.s2and_n_iter),
                "--train-pairs",
                str(cfg.s2and_train_pairs),
                *(["--smoke"] if cfg.smoke else []),
            ],
            env=env,
            log_to=logs.with_name(logs.name + "_train"),
        ).check()
        log(f"S2AND train {name}: {tr.wall_seconds:.1f}s, {tr.peak_rss_mb:.0f} MB")
        pred_path = cfg.work / "s2and_pred" / f"{name}.json"
        pred_path.parent.mkdir(parents=True, exist_ok=True)
        log(f"S2AND disambiguate {name}")
        dz = measure(
            [
                py,
                str(S2AND_DIR / "run_s2and.py"),
                "disambiguate",
                "--data",
                str(d),
                "--model",
                str(model),
                "--n-jobs",
                str(cfg.n_jobs),
                "--out",
                str(pred_path),
            ],
            env=env,
            log_to=logs.with_name(logs.name + "_disambiguate"),
        ).check()
        log(f"S2AND disambiguate {name}: {dz.wall_seconds:.1f}s, {dz.peak_rss_mb:.0f} MB")
        true, blocks = gold_and_blocks(by_split["dev"])
        pred = json.loads(pred_path.read_text())
        metrics = score(true, pred, blocks)
        dj, tj = dz.json(), tr.json()
        results[name] = {
            **metrics,
            "disambiguate_seconds": dz.wall_seconds,
            "peak_rss_mb": dz.peak_rss_mb,
            "train_seconds": tr.wall_seconds,
            "train_peak_rss_mb": tr.peak_rss_mb,
            "signatures": dj["signatures"],
            "blocks": dj["blocks"],
            "s2and_own_eval": dj["s2and_eval"],
            "stage_seconds": {"train": tj["seconds"], "disambiguate": dj["seconds"]},
            "train_pairs": tj["train_pairs"],
            "val_pairs": tj["val_pairs"],
            "hyperopt_rounds": tj["n_iter"],
            "pairwise_params": tj.get("pairwise_params"),
            "eps": tj["best_params"].get("eps"),
            "pairwise_best_params": tj.get("pairwise_best_params"),
        }
    return results


def run_byline(cfg: Config, files: dict[str, dict[str, list[Path]]]) -> tuple[dict[str, Any], dict[str, Any]]:
    bl = byline_cmd()
    model = cfg.work / "byline_model"
    train_files = [str(p) for v in files.values() for p in v["train"]]
    dev_files = [str(p) for v in files.values() for p in v["dev"]]
    log("byline train (all train files, --dev all dev files)")
    dev_opts = [x for f in dev_files for x in ("--dev", f)]  # typer: --dev is repeated per file
    tr = measure(
        [*bl, "train", *train_files, *dev_opts, "--out", str(model)],
        log_to=cfg.work / "logs" / "byline_train",
    ).check()
    log(f"byline train: {tr.wall_seconds:.1f}s, {tr.peak_rss_mb:.0f} MB")
    results: dict[str, Any] = {}
    for name, by_split in files.items():
        log(f"byline evaluate {name}")
        ev = measure(
            [*bl, "evaluate", *map(str, by_split["dev"]), "--model", str(model), "--json"],
            log_to=cfg.work / "logs" / f"byline_{name}_evaluate",
        ).check()
        log(f"byline evaluate {name}: {ev.wall_seconds:.1f}s, {ev.peak_rss_mb:.0f} MB")
        per_ds = ev.json()["datasets"]
        m = per_ds.get(name) or (next(iter(per_ds.values())) if len(per_ds) == 1 else None)
        if m is None:
            raise RuntimeError(f"byline evaluate printed no figures for {name}: {sorted(per_ds)}")
        results[name] = {
            "b3_precision": m.get("b3_precision"),
            "b3_recall": m.get("b3_recall"),
            "b3_f1": m["b3_f1"],
            "pairwise_f1": m["pairwise_f1"],
            "disambiguate_seconds": ev.wall_seconds,
            "peak_rss_mb": ev.peak_rss_mb,
            "train_seconds": tr.wall_seconds,  # one model for all datasets
            "train_peak_rss_mb": tr.peak_rss_mb,
            "signatures": m.get("signatures"),
            "blocks": m.get("blocks"),
            "engine_seconds": m.get("seconds"),
        }
    return results, {
        "train_seconds": tr.wall_seconds,
        "train_peak_rss_mb": tr.peak_rss_mb,
        "train_files": len(train_files),
    }


def speed_block_files(
    cfg: Config, files: dict[str, dict[str, list[Path]]], data_root: Path
) -> dict[str, Path]:
    """Per dataset, a JSON list of the largest dev blocks (the same blocks for both systems)."""
    out = {}
    for name in files:
        blocks = speed_blocks(data_root / name / "dev" / "blocks.json", cfg.speed_max_pairs, 5)
        if blocks:
            bfile = cfg.work / "speed" / f"{name}.blocks.json"
            bfile.parent.mkdir(parents=True, exist_ok=True)
            bfile.write_text(json.dumps(blocks))
            out[name] = bfile
    return out


def run_speed(
    cfg: Config, files: dict[str, dict[str, list[Path]]], data_root: Path, system: str, speed: dict[str, Any]
) -> None:
    """Fill ``speed[dataset][system]`` (a failure is recorded, not raised: the accuracy figures still count)."""
    for name, bfile in speed_block_files(cfg, files, data_root).items():
        entry = speed.setdefault(name, {"blocks": json.loads(bfile.read_text())})
        if system == "s2and":
            cmd = [
                str(venv_python(cfg.venv)),
                str(S2AND_DIR / "run_s2and.py"),
                "speed",
                "--data",
                str(data_root / name),
                "--model",
                str(cfg.work / "s2and_models" / name),
                "--blocks-file",
                str(bfile),
            ]
            env = {**s2and_env(cfg.work), **SINGLE_THREAD_ENV}
        else:
            cmd = [
                sys.executable,
                str(Path(__file__).resolve()),
                "_byline-speed",
                "--model",
                str(cfg.work / "byline_model"),
                "--blocks-file",
                str(bfile),
                *map(str, files[name]["dev"]),
            ]
            env = SINGLE_THREAD_ENV
        log(f"{system} speed {name}")
        m = measure(cmd, env=env, log_to=cfg.work / "logs" / f"{system}_{name}_speed")
        try:
            entry[system] = m.check().json()
        except RuntimeError as exc:
            log(f"{system} speed {name} FAILED: {exc}")
            entry[system] = {"error": str(exc)[-2000:]}


# ----------------------------------------------------------------------------------------------
# reports


def _fmt(x: Any, nd: int = 3) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.{nd}f}"
    return str(x)


def write_plot(path: Path, systems: dict[str, dict[str, Any]], kind: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = sorted({d for s in systems.values() for d in s})
    present = [k for k in ("byline", "s2and") if systems.get(k)]
    fig, ax = plt.subplots(figsize=(max(5, 1.8 * len(names) + 2), 4.2))
    width = 0.8 / max(1, len(present))
    colors = {"byline": "#1f6feb", "s2and": "#d9822b"}
    for k, system in enumerate(present):
        vals = [systems[system].get(n, {}).get("b3_f1") for n in names]
        xs = [i + (k - (len(present) - 1) / 2) * width for i in range(len(names))]
        keep = [(x, v) for x, v in zip(xs, vals, strict=True) if v is not None]
        bars = ax.bar(
            [x for x, _ in keep],
            [v for _, v in keep],
            width,
            label="byline" if system == "byline" else "S2AND",
            color=colors[system],
        )
        for b, (_, v) in zip(bars, keep, strict=True):
            ax.text(
                b.get_x() + b.get_width() / 2, v + 0.003, f"{v:.3f}", ha="center", va="bottom", fontsize=8
            )
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names)
    ax.set_ylabel("dev B3 F1")
    lo = min([v.get("b3_f1") or 1.0 for s in systems.values() for v in s.values()] + [1.0])
    ax.set_ylim(max(0.0, lo - 0.1), 1.02)
    title = "B3 F1 per dataset, byline vs S2AND (dev)"
    if kind != "real":
        title = "SYNTHETIC DATA — " + title
        fig.text(
            0.5,
            0.5,
            "SYNTHETIC",
            fontsize=48,
            color="grey",
            alpha=0.15,
            ha="center",
            va="center",
            rotation=20,
        )
    ax.set_title(title, fontsize=10)
    ax.legend(loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def render_section(report: dict[str, Any], command: str) -> str:
    kind = report["data"]["kind"]
    systems = report["systems"]
    names = sorted(set(systems.get("byline", {})) | set(systems.get("s2and", {})))
    lines = [SECTION_BEGIN, "## S2AND comparison", ""]
    if kind != "real":
        lines += [
            f"> **SYNTHETIC DATA.** `{report['data']['source']}` was absent when this ran, so these figures come "
            "from a corpus generated by `byline_synth` (presets "
            + ", ".join(f"`{n}`" for n in names)
            + ", split "
            "by block into train/dev). They test the harness and compare the two systems on the same synthetic "
            "data; they are **not** the real benchmark. Re-run the command below when `../shared/datasets/` "
            "exists to get the real figures.",
            "",
        ]
    lines += [
        f"Command: `{command}` — took {report['run']['total_seconds'] / 60:.1f} min on {report['machine']} "
        f"({report['run']['started']}), plus about 2 min on the first run to build the S2AND venv "
        "(`benchmarks/s2and/setup_env.sh`, from the local wheel mirror).",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in sorted(report["versions"].items())) + ".",
        "",
        "| dataset | system | B3 P | B3 R | B3 F1 | pairwise F1 | train s | train peak MB | disambiguate s | disamb. peak MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in names:
        for sysname, label in (("byline", "byline"), ("s2and", "S2AND")):
            r = systems.get(sysname, {}).get(n)
            if not r:
                continue
            lines.append(
                f"| {n} | {label} | {_fmt(r.get('b3_precision'))} | {_fmt(r.get('b3_recall'))} | {_fmt(r.get('b3_f1'))} | "
                f"{_fmt(r.get('pairwise_f1'))} | {_fmt(r.get('train_seconds'), 1)} | {_fmt(r.get('train_peak_rss_mb'), 0)} | "
                f"{_fmt(r.get('disambiguate_seconds'), 1)} | {_fmt(r.get('peak_rss_mb'), 0)} |"
            )
    lines.append("")
    t = report.get("totals", {})
    if t:
        lines += [
            f"All dev files, end to end (sum of the per-dataset disambiguation runs, each a fresh process that loads "
            f"the model and the data): byline {_fmt(t.get('byline_disambiguate_seconds'), 1)} s, S2AND "
            f"{_fmt(t.get('s2and_disambiguate_seconds'), 1)} s — byline is "
            f"**{_fmt(t.get('speedup_disambiguate'), 1)}×** faster. Training: byline "
            f"{_fmt(t.get('byline_train_seconds'), 1)} s (one model for all datasets), S2AND "
            f"{_fmt(t.get('s2and_train_seconds'), 1)} s (one model per dataset, the S2AND paper's in-domain setting).",
            "",
        ]
    speed = report.get("speed") or {}
    if speed:
        lines += [
            "Speed micro-benchmark: featurize + score every pair of the largest dev blocks (the same blocks for both "
            "systems), one thread (`OMP_NUM_THREADS=RAYON_NUM_THREADS=1`), after a warm-up; pairs per CPU-second = "
            "pairs per second per core.",
            "",
            "| dataset | blocks (sizes) | pairs | byline pairs/s/core | S2AND pairs/s/core | ratio |",
            "|---|---|---|---|---|---|",
        ]
        for n, e in sorted(speed.items()):
            b, s = e.get("byline", {}), e.get("s2and", {})
            sizes = b.get("block_sizes") or s.get("block_sizes") or []
            lines.append(
                f"| {n} | {len(sizes)} ({', '.join(map(str, sizes))}) | {b.get('pairs') or s.get('pairs')} | "
                f"{_fmt(b.get('pairs_per_cpu_second'), 0)} | {_fmt(s.get('pairs_per_cpu_second'), 0)} | "
                f"{_fmt(_ratio(b.get('pairs_per_cpu_second'), s.get('pairs_per_cpu_second')), 1)}× |"
            )
        lines.append("")
    verdict = report.get("acceptance")
    if verdict:
        lines += [
            "Acceptance (byline B3 F1 ≥ S2AND on every dataset; all-dev disambiguation ≥ 5× faster):",
            "",
        ]
        lines += [f"- {v}" for v in verdict]
        lines.append("")
    lines += [
        "![B3 F1 per dataset](b3_f1.png)",
        "",
        "### Fairness rules",
        "",
        "- Same data, same machine, same run: both systems train on the `*.train` files, choose their "
        "clustering threshold on the `*.dev` files and are scored on those `*.dev` files (there is no test "
        "split here, so dev figures are optimistic for **both** systems).",
        "- Same offline information. S2AND's production features include SPECTER2 paper embeddings and "
        "corpus-wide name counts from Semantic Scholar, which cannot be fetched here. S2AND therefore runs "
        "without SPECTER (`embedding_similarity` dropped from its feature list), with name counts built from "
        "the same training files (every author of every training paper, keyed with S2AND's own "
        "normalisation), with fastText language id disabled (`S2AND_SKIP_FASTTEXT=1`) and its config "
        "pointed at a local folder (`S2AND_PATH_CONFIG`). Nothing is downloaded at run time.",
        "- Otherwise S2AND's recommended settings (its `transfer_experiment_seed_paper.py`): all other feature "
        'groups, a second "nameless" model averaged in, LightGBM with monotone constraints and 25 hyperopt '
        "rounds, 100k training pairs, 10k validation pairs, average-linkage FastCluster with `eps` tuned by 25 "
        "hyperopt rounds for B3 F1 on dev, default constraints on; one model per dataset. "
        + s2and_settings_note(report)
        + " The Rust featurizer "
        "(`s2and-rust`) builds the distance matrices; S2AND's all-Rust Arrow `predict` path needs Arrow "
        "bundles made by repository scripts that the wheel does not ship, so clustering runs on precomputed "
        "distances (the path `Clusterer.fit` uses).",
        "- S2AND's JSON/ANDData + Rust path re-fingerprints the whole dataset for every block it featurizes "
        "(`s2and.feature_port._rust_featurizer_cache_key`); that is part of its measured disambiguation time. "
        + "; ".join(report.get("notes", []))
        + ("." if report.get("notes") else "")
        + " Model loading and data preprocessing are included for both systems (each run is a fresh process).",
        "- Both systems get the same dataset blocks and the same fields; S2AND's input format has no keyword "
        "field, so keywords reach byline only. Names are split into first/middle/last for S2AND by "
        "`benchmarks/s2and/convert.py` (case, hyphens and periods kept; S2AND normalises them itself).",
        "- Both are scored with the same metric code (`byline.evaluate`, which follows S2AND's `eval.py`: "
        "B3 over all signatures, pairwise F1 per block averaged over blocks); S2AND's own `eval.py` numbers "
        "are kept in `benchmarks.json` (`s2and_own_eval`) as a cross-check.",
        f"- Each step is its own process; wall time and peak RSS (max of the sampled process-tree RSS and the "
        f"kernel's max RSS) are measured from outside. Both systems may use {report['run']['n_jobs']} cores "
        "for training and disambiguation.",
        "",
        SECTION_END,
    ]
    return "\n".join(lines) + "\n"


def s2and_settings_note(report: dict[str, Any]) -> str:
    """What this run actually used (it can deviate from the defaults, e.g. on a loaded machine)."""
    rows = report["systems"].get("s2and", {})
    if not rows:
        return ""
    rounds = sorted({r.get("hyperopt_rounds") for r in rows.values()})
    how = sorted({str(r.get("pairwise_params")) for r in rows.values()})
    pairs = ", ".join(f"{n}: {r.get('train_pairs')}" for n, r in sorted(rows.items()))
    note = f"**This run:** pairwise models: {'; '.join(how)}; clusterer eps: 25 hyperopt rounds; training pairs ({pairs})."
    if report["data"].get("smoke"):
        note += " SMOKE settings: 2 rounds over a small tree space, 3k pairs — not S2AND's real accuracy."
    elif any("production" in h for h in how):
        note += (
            " Instead of 2×25 LightGBM hyperopt fits per dataset (≈ 50 fits of 1000–2500 trees: hours on this "
            "shared 2-core box), each pairwise model is fitted once with the hyperparameters AllenAI tuned for "
            "S2AND's released production model (`production_model_v1.2`, main and nameless), refit on our "
            "training pairs."
        )
    elif rounds != [25]:
        note += " Fewer rounds than S2AND's default, to fit the session's time budget: S2AND may lose a little accuracy."
    return note


def replace_section(md_path: Path, section: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _sections import replace_section as replace

    replace(md_path, section, SECTION_BEGIN, SECTION_END)


def acceptance(systems: dict[str, Any], totals: dict[str, Any]) -> list[str]:
    out = []
    for n in sorted(systems.get("byline", {})):
        b, s = systems["byline"][n].get("b3_f1"), systems.get("s2and", {}).get(n, {}).get("b3_f1")
        if b is None or s is None:
            continue
        verdict = "met" if b >= s else f"NOT met: byline is {s - b:.3f} below S2AND"
        if b < s:
            bp, br = systems["byline"][n].get("b3_precision"), systems["byline"][n].get("b3_recall")
            sp_, sr = systems["s2and"][n].get("b3_precision"), systems["s2and"][n].get("b3_recall")
            if None not in (bp, br, sp_, sr):
                verdict += (
                    f" (B3 precision {bp - sp_:+.3f}, recall {br - sr:+.3f} vs S2AND: byline "
                    + ("merges too much" if bp < sp_ else "splits too much")
                    + "; byline has one model and one threshold for all datasets, S2AND a model and eps per dataset)"
                )
        out.append(f"{n}: byline B3 F1 {b:.3f} vs S2AND {s:.3f} — {verdict}")
    sp = totals.get("speedup_disambiguate")
    if sp is not None:
        out.append(
            f"speed: byline {sp:.1f}× faster end to end — "
            + ("met" if sp >= 5 else f"NOT met (needs 5×, short by {5 / sp:.1f}×)")
        )
    return out


def write_reports(cfg: Config, report: dict[str, Any], command: str) -> None:
    cfg.docs.mkdir(parents=True, exist_ok=True)
    jpath = cfg.docs / "benchmarks.json"
    existing: dict[str, Any] = {}
    if jpath.exists():
        try:
            existing = json.loads(jpath.read_text())
        except ValueError:
            existing = {}
    existing.update(report)
    tmp = jpath.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(existing, indent=1, sort_keys=False) + "\n")
    tmp.replace(jpath)
    write_plot(cfg.docs / "b3_f1.png", report["systems"], report["data"]["kind"])
    replace_section(cfg.docs / "benchmarks.md", render_section(report, command))


def run(cfg: Config, command: str) -> dict[str, Any]:
    t_start = time.perf_counter()
    started = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    cfg.work.mkdir(parents=True, exist_ok=True)
    if not cfg.skip_s2and:
        ensure_venv(cfg.venv)
    files, kind = find_data(cfg)
    log(
        f"data ({kind}): "
        + ", ".join(f"{k}: {[p.name for ps in v.values() for p in ps]}" for k, v in files.items())
    )
    data_root = cfg.work / "s2and_data"
    if data_root.exists():
        shutil.rmtree(data_root)
    manifest = convert.convert_all(files=files, out=data_root)
    systems: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    speed: dict[str, Any] = {}
    # each system's speed probe runs right after its own evaluation, with the model it just trained
    if not cfg.skip_byline:
        systems["byline"], extra["byline_train"] = run_byline(cfg, files)
        run_speed(cfg, files, data_root, "byline", speed)
    if not cfg.skip_s2and:
        systems["s2and"] = run_s2and(cfg, files, data_root)
        run_speed(cfg, files, data_root, "s2and", speed)
    totals: dict[str, Any] = {}
    for sysname in systems:
        totals[f"{sysname}_disambiguate_seconds"] = sum(
            r["disambiguate_seconds"] for r in systems[sysname].values()
        )
    if "s2and" in systems:
        totals["s2and_train_seconds"] = sum(r["train_seconds"] for r in systems["s2and"].values())
    if "byline_train" in extra:
        totals["byline_train_seconds"] = extra["byline_train"]["train_seconds"]
    totals["speedup_disambiguate"] = _ratio(
        totals.get("s2and_disambiguate_seconds"), totals.get("byline_disambiguate_seconds")
    )
    report = {
        "machine": machine_string(),
        "versions": versions(cfg.venv),
        "systems": {k: systems[k] for k in ("byline", "s2and") if k in systems},
        "data": {
            "kind": kind,
            "source": str(cfg.datasets)
            if kind == "real"
            else str(DEFAULT_DATASETS if cfg.datasets is None else cfg.datasets),
            "synthetic": kind != "real",
            "generator": None
            if kind == "real"
            else f"byline_synth presets {list(files)}, split by block (30% dev)",
            "smoke": cfg.smoke,
            "converted": manifest,
        },
        "totals": totals,
        "speed": speed,
        "run": {"started": started, "n_jobs": cfg.n_jobs, "command": command},
    }
    report["acceptance"] = acceptance(report["systems"], totals)
    report["run"]["total_seconds"] = time.perf_counter() - t_start
    write_reports(cfg, report, command)
    log(
        f"done in {report['run']['total_seconds'] / 60:.1f} min; wrote {cfg.docs}/benchmarks.json, benchmarks.md, b3_f1.png"
    )
    return report


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "_byline-speed":
        ap = argparse.ArgumentParser()
        ap.add_argument("--model", type=Path, required=True)
        ap.add_argument("--blocks-file", type=Path, required=True)
        ap.add_argument("dev", nargs="+", type=Path)
        a = ap.parse_args(argv[1:])
        print(json.dumps(byline_speed(a.model, a.dev, json.loads(a.blocks_file.read_text()))))
        return 0
    ap = argparse.ArgumentParser(
        description="byline vs S2AND on the same train/dev data (see module docstring)"
    )
    ap.add_argument(
        "--datasets", type=Path, default=DEFAULT_DATASETS, help="folder of <name>.train/.dev.jsonl[.gz]"
    )
    ap.add_argument("--synthetic", action="store_true", help="use a byline_synth corpus (SYNTHETIC figures)")
    ap.add_argument("--smoke", action="store_true", help="tiny run (8 blocks per file, 3 hyperopt rounds)")
    ap.add_argument("--signatures", type=int, default=30000, help="synthetic signatures per preset")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--venv", type=Path, default=DEFAULT_VENV)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--docs", type=Path, default=None, help="where to write the reports (default docs/)")
    ap.add_argument("--n-jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--speed-max-pairs", type=int, default=300_000)
    ap.add_argument(
        "--s2and-n-iter",
        type=int,
        default=0,
        help="S2AND pairwise hyperopt rounds; 0 (default) = fit once with the LightGBM hyperparameters of "
        "S2AND's production model; 25 = its training script's search (hours on 2 cores)",
    )
    ap.add_argument(
        "--s2and-train-pairs", type=int, default=100_000, help="S2AND training pairs (its script: 100k)"
    )
    ap.add_argument(
        "--render-only", action="store_true", help="re-write benchmarks.md and b3_f1.png from benchmarks.json"
    )
    ap.add_argument("--skip-s2and", action="store_true")
    ap.add_argument("--skip-byline", action="store_true")
    a = ap.parse_args(argv)
    work = a.work or (BENCH / ".work" / ("smoke" if a.smoke else "compare"))
    docs = a.docs or (work / "docs" if a.smoke else REPO / "docs")
    cfg = Config(
        datasets=a.datasets,
        synthetic=a.synthetic,
        smoke=a.smoke,
        signatures=a.signatures,
        seed=a.seed,
        venv=a.venv,
        work=work,
        docs=docs,
        n_jobs=a.n_jobs,
        speed_max_pairs=a.speed_max_pairs,
        skip_s2and=a.skip_s2and,
        skip_byline=a.skip_byline,
        s2and_n_iter=a.s2and_n_iter,
        s2and_train_pairs=a.s2and_train_pairs,
    )
    if a.render_only:
        report = json.loads((docs / "benchmarks.json").read_text())
        write_plot(docs / "b3_f1.png", report["systems"], report["data"]["kind"])
        replace_section(docs / "benchmarks.md", render_section(report, report["run"]["command"]))
        return 0
    command = "python benchmarks/compare.py " + " ".join(argv)
    run(cfg, command.strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
