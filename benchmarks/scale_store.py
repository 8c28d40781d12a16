"""Scale on the store path, as a user runs it: ``byline ingest FILE --format signatures`` then
``byline disambiguate`` (and ``byline assign`` of 1% more), on synthetic corpora of growing size.

    python benchmarks/scale_store.py run --sizes 100000 300000 1000000     # (or: scale.py store ...)
    python benchmarks/scale_store.py assign --size 300000                  # 1% new signatures into it
    python benchmarks/scale_store.py report                                # docs/scale_store.png

Each command runs as a child process of this script; the peak RSS is of the whole process tree (sampled
every 0.2 s with psutil: the command and its worker processes), CPU seconds from ``getrusage`` of the
children. The corpus is ``byline_synth`` seed 0 (``benchmarks/.work/scale/synth-N.jsonl.gz``); B3 F1 is
scored against its labels after the timed runs. Results accumulate in ``docs/scale_store.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
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
OUT_JSON = REPO / "docs" / "scale_store.json"
OUT_PNG = REPO / "docs" / "scale_store.png"


def _data(n: int, seed: int = 0) -> Path:
    import byline_synth as synth

    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / (f"synth-{n}.jsonl.gz" if seed == 0 else f"synth-{n}-s{seed}.jsonl.gz")
    if not path.exists():
        synth.write_jsonl(synth.iter_signatures(n, seed=seed), path)
    return path


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measure(cmd: list[str]) -> dict[str, Any]:
    """Run ``cmd``; wall seconds, CPU seconds and peak RSS of its process tree."""
    import psutil

    cpu0 = _children_cpu()
    load0 = [round(x, 2) for x in os.getloadavg()]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not stop.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                procs = []
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
            peak = max(peak, total)
            stop.wait(0.2)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    stop.set()
    t.join()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err[-3000:]}")
    return {
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(_children_cpu() - cpu0, 1),
        "peak_rss_mb_tree": round(peak / 2**20),
        "load_avg_start": load0,
        "load_avg_end": [round(x, 2) for x in os.getloadavg()],
        "stdout": out,
    }


def _byline(*args: str) -> list[str]:
    return [sys.executable, "-c", "from byline.cli import main; main()", *args]


def labels_of(data: Path) -> dict[tuple[str, int], str]:
    """(paper id, author position) -> synthetic person label."""
    out = {}
    with open(data, "rb") as raw:
        gz = raw.read(2) == b"\x1f\x8b"  # a corpus written under another name may be plain JSONL
    with gzip.open(data, "rt", encoding="utf-8") if gz else open(data, encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            out[(o["paper"]["paper_id"], int(o["author"]["position"]))] = o["person_id"]
    return out


def quality(db: Path, data: Path) -> dict[str, Any]:
    """B3 F1 of the stored people against the synthetic labels; pairs per signature; the largest block."""
    import sqlite3

    from byline.evaluate import b3_precision_recall_fscore

    con = sqlite3.connect(db)
    paper_of = dict(con.execute("SELECT id, json_extract(ids, '$.s2') FROM works").fetchall())
    labels = labels_of(data)
    gold: dict[str, list[str]] = {}
    pred: dict[str, list[str]] = {}
    for sid, pid in con.execute("SELECT signature_id, person_id FROM person_signatures"):
        wid, pos = sid.split("#", 1)
        if not pos.isdigit():
            continue
        lab = labels.get((paper_of.get(wid), int(pos)))
        if lab is None:
            continue
        gold.setdefault(lab, []).append(sid)
        pred.setdefault(pid, []).append(sid)
    p, r, f = b3_precision_recall_fscore(gold, pred)
    largest = con.execute("SELECT MAX(c) FROM (SELECT COUNT(*) c FROM signatures GROUP BY block)").fetchone()[
        0
    ]
    blocks = con.execute("SELECT COUNT(DISTINCT block) FROM signatures").fetchone()[0]
    con.close()
    return {
        "b3_precision": round(p, 4),
        "b3_recall": round(r, 4),
        "b3_f1": round(f, 4),
        "largest_block": largest,
        "blocks": blocks,
    }


def _load() -> dict[str, Any]:
    return json.loads(OUT_JSON.read_text()) if OUT_JSON.exists() else {"runs": [], "assign": []}


def _save(res: dict[str, Any]) -> None:
    res["machine"] = {
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "note": "shared 2-core machine: other developers' jobs ran at the same time (see load_avg); "
        "commands run under nice -n 10",
    }
    OUT_JSON.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")


def cmd_run(sizes: list[int], keep: bool, ingest_only: bool = False, reuse_store: bool = False) -> None:
    for n in sizes:
        data = _data(n)
        db = WORK / f"store-{n}.db"
        row: dict[str, Any] = {
            "signatures": n,
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        if reuse_store and db.exists():  # disambiguate an already ingested store again (ingest row kept)
            print(n, "reusing", db, flush=True)
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            row["ingest"] = measure(_byline("ingest", str(data), "--format", "signatures", "--db", str(db)))
            row["ingest"].pop("stdout")
            print(n, "ingest", row["ingest"], flush=True)
        if ingest_only:
            _put(row)
            continue
        row["disambiguate"] = measure(_byline("disambiguate", "--db", str(db), "--json"))
        rep = json.loads(row["disambiguate"].pop("stdout") or "{}")
        row["disambiguate"]["people"] = rep.get("people")
        row["disambiguate"]["pairs"] = rep.get("pairs")
        if rep.get("pairs"):
            row["pairs_per_signature"] = round(rep["pairs"] / n, 1)
        print(n, "disambiguate", row["disambiguate"], flush=True)
        row.update(quality(db, data))
        _put(row)
        if not keep and n < max(sizes):
            db.unlink(missing_ok=True)


def _put(row: dict[str, Any]) -> None:
    res = _load()
    old = {r["signatures"]: r for r in res["runs"]}.get(row["signatures"], {})
    res["runs"] = [r for r in res["runs"] if r["signatures"] != row["signatures"]] + [{**old, **row}]
    res["runs"].sort(key=lambda r: r["signatures"])
    _save(res)
    print(json.dumps(row), flush=True)


def cmd_assign(size: int) -> None:
    """1% new signatures (another seed) into the disambiguated store of ``size``: ingest, then assign."""
    db = WORK / f"store-{size}.db"
    if not db.exists():
        raise SystemExit(f"no {db}: run `run --sizes {size} --keep` first")
    new = _data(size // 100, seed=1)
    row: dict[str, Any] = {"store_signatures": size, "new_signatures": size // 100}
    row["ingest"] = measure(_byline("ingest", str(new), "--format", "signatures", "--db", str(db)))
    row["ingest"].pop("stdout")
    row["assign"] = measure(_byline("assign", str(new), "--db", str(db), "--json"))
    rep = json.loads(row["assign"].pop("stdout") or "{}")
    row["assign"].update({k: rep.get(k) for k in ("new_signatures", "attached", "new_people")})
    row["assign"]["blocks_touched"] = len(rep.get("blocks") or [])
    res = _load()
    res["assign"] = [r for r in res.get("assign", []) if r["store_signatures"] != size] + [row]
    _save(res)
    print(json.dumps(row), flush=True)


def cmd_report() -> None:
    """docs/scale_store.png: seconds (wall and CPU) and peak RSS per command against signatures."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = _load()["runs"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for cmd, colour in (("ingest", "tab:blue"), ("disambiguate", "tab:orange")):
        pts = [(r["signatures"], r[cmd]) for r in runs if cmd in r]
        if not pts:
            continue
        xs = [n for n, _ in pts]
        ax1.plot(
            xs, [m["wall_seconds"] for _, m in pts], "o-", color=colour, label=f"{cmd} wall (shared machine)"
        )
        ax1.plot(xs, [m["cpu_seconds"] for _, m in pts], "s--", color=colour, label=f"{cmd} CPU seconds")
        ax2.plot(xs, [m["peak_rss_mb_tree"] for _, m in pts], "o-", color=colour, label=cmd)
    ax1.axhline(900, color="grey", lw=0.8, ls=":", label="15 min")
    ax2.axhline(2048, color="grey", lw=0.8, ls=":", label="2 GB")
    for ax, title in ((ax1, "seconds"), (ax2, "peak RSS of the process tree, MB")):
        ax.set_xscale("log")
        ax.set_xlabel("signatures")
        ax.set_title(title)
        ax.legend(fontsize=7)
    ax1.set_yscale("log")
    fig.suptitle("byline ingest + disambiguate on the store (synthetic corpus, 2 shared cores, nice 10)")
    fig.tight_layout()
    fig.savefig(OUT_PNG, dpi=110)
    print(f"wrote {OUT_PNG}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    r.add_argument("--keep", action="store_true", help="keep every size's store (default: the largest only)")
    r.add_argument("--ingest-only", action="store_true")
    r.add_argument("--reuse-store", action="store_true", help="skip ingest when the size's store exists")
    a = sub.add_parser("assign")
    a.add_argument("--size", type=int, default=1_000_000)
    sub.add_parser("report")
    args = ap.parse_args(argv)
    if args.cmd == "run":
        cmd_run(args.sizes, args.keep, args.ingest_only, args.reuse_store)
    elif args.cmd == "assign":
        cmd_assign(args.size)
    elif args.cmd == "report":
        cmd_report()


if __name__ == "__main__":
    main()
