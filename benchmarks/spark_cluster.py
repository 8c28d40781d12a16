"""A Spark standalone cluster on this machine, loopback only: one master and two workers, started from the
pyspark install's ``bin/spark-class`` (no separate Spark download), and the Parquet -> Parquet job on it.

    python benchmarks/spark_cluster.py job --signatures 20000     # start, run, compare with local, stop
    python benchmarks/spark_cluster.py start                     # prints the master URL; Ctrl-C stops

The job: synthetic signatures written to Parquet (:func:`byline.engines.frames.write_parquet`),
``SparkEngine(master="spark://127.0.0.1:PORT").disambiguate_parquet(in, out, model)`` on the cluster, and
the clusters compared with the in-process pipeline's (they must be identical). Executors run this
machine's Python (``PYSPARK_PYTHON``) with byline importable (``spark.executorEnv.PYTHONPATH``); the model
(and the static encoder it holds) travels pickled inside the job's closure, so executors need no model files.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SPARK_HOME=str(_spark_home()),
        SPARK_LOCAL_IP="127.0.0.1",
        SPARK_MASTER_HOST="127.0.0.1",
        PYSPARK_PYTHON=sys.executable,
        PYTHONPATH=os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    )
    return env


def _alive_workers(ui_port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/json/", timeout=2) as r:  # loopback only
        return int(json.loads(r.read()).get("aliveworkers", 0))


@contextlib.contextmanager
def cluster(workers: int = 2, cores: int = 1, memory: str = "1g", timeout: float = 120.0) -> Iterator[str]:
    """Start a master and ``workers`` workers on 127.0.0.1; yields the master URL; stops them on exit."""
    spark_class = _spark_home() / "bin" / "spark-class"
    if not spark_class.exists():
        raise RuntimeError(f"no {spark_class}: pyspark without its launcher scripts")
    env = _env()
    port, ui = _free_port(), _free_port()
    work = Path(tempfile.mkdtemp(prefix="byline-spark-"))
    logs = []
    procs: list[subprocess.Popen[bytes]] = []

    def launch(name: str, *args: str) -> None:
        log = open(work / f"{name}.log", "wb")  # noqa: SIM115 - closed below
        logs.append(log)
        procs.append(
            subprocess.Popen([str(spark_class), *args], env=env, stdout=log, stderr=subprocess.STDOUT)
        )

    url = f"spark://127.0.0.1:{port}"
    try:
        launch("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
               "--webui-port", str(ui))  # fmt: skip
        for k in range(workers):
            launch(f"worker{k}", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                   "--cores", str(cores), "--memory", memory, "--webui-port", str(_free_port()),
                   "--work-dir", str(work / f"w{k}"), url)  # fmt: skip
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError, ValueError):
                if _alive_workers(ui) >= workers:
                    break
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                tail = "\n".join((work / f).read_text(errors="replace")[-2000:] for f in ("master.log",))
                raise RuntimeError(f"the Spark cluster did not come up ({workers} workers):\n{tail}")
            time.sleep(1)
        yield url
    finally:
        for p in reversed(procs):  # only the processes started here, by pid
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for log in logs:
            log.close()
        shutil.rmtree(work, ignore_errors=True)


def cluster_engine(url: str) -> Any:
    """A :class:`byline.engines.spark.SparkEngine` pointed at the cluster (driver on loopback too)."""
    from byline.engines import get_engine

    env = _env()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # the driver's JVM: loopback only as well
    conf = {
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.executor.memory": "1g",
        "spark.executorEnv.PYTHONPATH": env["PYTHONPATH"],
        "spark.executorEnv.PYSPARK_PYTHON": sys.executable,
    }
    return get_engine("spark", master=url, conf=conf)


def run_job(url: str, signatures: int, model: Any = None, workdir: Path | None = None) -> dict[str, Any]:
    """Parquet -> Parquet on the cluster; the clusters compared with the in-process pipeline's."""
    import pyarrow.parquet as pq

    import byline_synth as synth
    from byline.engines import frames
    from byline.pipeline import run
    from byline.train_default import load_default_model

    model = model or load_default_model()
    sigs = synth.generate(signatures, seed=0)
    work = Path(workdir or tempfile.mkdtemp(prefix="byline-spark-job-"))
    src, dst = work / "sigs.parquet", work / "clusters.parquet"
    frames.write_parquet(sigs, src)
    engine = cluster_engine(url)
    try:
        t0 = time.perf_counter()
        n = engine.disambiguate_parquet(src, dst, model)
        spark_s = time.perf_counter() - t0
    finally:
        engine.close()
    got = {r["signature_id"]: r["cluster"] for r in pq.read_table(dst).to_pylist()}
    t0 = time.perf_counter()
    want = run(sigs, model).clusters
    local_s = time.perf_counter() - t0
    return {
        "signatures": n,
        "cluster_seconds": round(spark_s, 1),
        "local_seconds": round(local_s, 1),
        "identical_to_local": got == want,
        "master": url,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    j = sub.add_parser("job")
    j.add_argument("--signatures", type=int, default=20_000)
    sub.add_parser("start")
    args = ap.parse_args(argv)
    with cluster() as url:
        if args.cmd == "start":
            print(url, flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
            return
        print(json.dumps(run_job(url, args.signatures)), flush=True)


if __name__ == "__main__":
    main()
