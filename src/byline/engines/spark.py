"""The Spark engine (``pip install 'byline[spark]'``, Java 17): the same per-block function, on Spark.

Signatures go to Spark as Parquet; ``groupBy(block).applyInPandas`` runs the pure per-block function
(:func:`byline.pipeline.disambiguate_block`) once per block on the executors; results come back as
Parquet. Inside a block, signatures are sorted back into input order, so the clusters are exactly those
of the local engine. pyspark is imported only when a Spark engine is used.

    engine = SparkEngine(master="local[2]")
    result = byline.pipeline.run(signatures, model, engine=engine)      # same as engine=None
    engine.disambiguate_parquet("sigs.parquet", "clusters.parquet", model)   # Parquet in, Parquet out
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from byline._errors import EngineError
from byline.engines import frames
from byline.engines.base import BlockFn, BlockItem, Engine
from byline.engines.local import _call

ITEM_COL = "_item"
BUCKET_COL = "_bucket"
RESULT_SCHEMA = "_item long, result binary"
CLUSTER_SCHEMA = "signature_id string, block string, cluster string"


# Per Python-worker cache of unpickled payloads (model, args): Spark reuses its Python workers, so
# each worker unpickles the model once per job instead of once per block.
_PAYLOADS: dict[str, Any] = {}


def _payload(blob: bytes, key: str) -> Any:
    obj = _PAYLOADS.get(key)
    if obj is None:
        _PAYLOADS.clear()
        obj = _PAYLOADS[key] = pickle.loads(blob)
        flat = [*obj[:1], *obj[1]] if isinstance(obj[1], tuple) else list(obj)
        for a in flat:  # one Spark task = one core: keep the model single-threaded there
            if hasattr(a, "n_jobs"):
                with contextlib.suppress(AttributeError):
                    a.n_jobs = 1
    return obj


def _require_pyspark() -> Any:
    try:
        import pyspark  # noqa: F401
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineError(
            "the Spark engine needs pyspark and pandas: pip install 'byline[spark]' (Java 17 must be installed)"
        ) from exc
    if not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise EngineError("the Spark engine needs Java 17: set JAVA_HOME or put `java` on PATH")
    return SparkSession


def spark_available() -> str | None:
    """None when the Spark engine can run here, else the reason it cannot."""
    try:
        _require_pyspark()
    except EngineError as exc:
        return str(exc)
    return None


class SparkEngine(Engine):
    """Run blocks on Spark. ``master`` e.g. ``local[2]`` or ``spark://host:7077``; ``session`` reuses one."""

    name = "spark"

    def __init__(
        self,
        master: str | None = "local[2]",
        app_name: str = "byline",
        conf: dict[str, str] | None = None,
        session: Any = None,
        partitions: int | None = None,
        tmp_dir: str | None = None,
        bucket_signatures: int = 5_000,
    ):
        self.master = master
        self.app_name = app_name
        self.conf = dict(conf or {})
        self.partitions = partitions
        self.tmp_dir = tmp_dir
        self.bucket_signatures = bucket_signatures
        self._session = session
        self._owns_session = session is None
        if partitions is not None and partitions < 1:
            raise EngineError(f"spark engine: partitions must be >= 1, not {partitions!r}")
        if bucket_signatures < 1:
            raise EngineError(f"spark engine: bucket_signatures must be >= 1, not {bucket_signatures!r}")

    def __repr__(self) -> str:
        return f"SparkEngine(master={self.master!r})"

    # -- session --------------------------------------------------------------------------------------
    def session(self) -> Any:
        """The SparkSession (created on first use)."""
        if self._session is None:
            SparkSession = _require_pyspark()
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
            b = SparkSession.builder.appName(self.app_name)
            if self.master:
                b = b.master(self.master)
            defaults = {
                "spark.ui.enabled": "false",
                "spark.ui.showConsoleProgress": "false",
                "spark.sql.execution.arrow.pyspark.enabled": "true",
                "spark.sql.adaptive.enabled": "false",  # fixed partitioning: reproducible task layout
                "spark.driver.memory": "2g",
                "spark.python.worker.reuse": "true",
                "spark.sql.session.timeZone": "UTC",
                "spark.python.daemon.module": "byline.engines._spark_daemon",
            }
            for k, v in {**defaults, **self.conf}.items():
                b = b.config(k, v)
            try:
                self._session = b.getOrCreate()
            except Exception as exc:  # Java missing or broken, port clash, ...
                raise EngineError(f"spark engine: cannot start Spark ({self.master}): {exc}") from exc
            self._session.sparkContext.setLogLevel("ERROR")
        return self._session

    def close(self) -> None:
        if self._session is not None and self._owns_session:
            self._session.stop()
        self._session = None

    def _partitions(self, n_signatures: int) -> int:
        if self.partitions:
            return self.partitions
        cores = self.session().sparkContext.defaultParallelism
        return int(min(400, max(2 * cores, n_signatures // 20_000)))

    # -- the primitive ----------------------------------------------------------------------------------
    def map_blocks(
        self, fn: BlockFn, items: Sequence[BlockItem], *args: Any, batched: bool = False
    ) -> Iterator[Any]:
        """Signatures -> Parquet -> ``groupBy(bucket).applyInPandas`` -> Parquet -> results in input order.

        A bucket is a run of consecutive blocks of about ``bucket_signatures`` signatures (a big block
        is a bucket of its own): one pandas call per bucket instead of per block, same per-block calls.
        """
        items = list(items)
        if not items:
            return
        spark = self.session()
        sigs = [s for _, ss in items for s in ss]
        bucket_of_item = _buckets([len(ss) for _, ss in items], self.bucket_signatures)
        item_of = [k for k, (_, ss) in enumerate(items) for _ in ss]
        table = frames.to_table(sigs)
        table = table.set_column(
            table.schema.get_field_index(frames.BLOCK_COL),
            frames.BLOCK_COL,
            pa.array([items[k][0] for k in item_of], pa.string()),
        )
        table = table.set_column(
            table.schema.get_field_index(frames.ORD_COL),
            frames.ORD_COL,
            pa.array([p for _, ss in items for p in range(len(ss))], pa.int64()),
        )
        table = table.append_column(ITEM_COL, pa.array(item_of, pa.int64()))
        table = table.append_column(BUCKET_COL, pa.array([bucket_of_item[k] for k in item_of], pa.int64()))
        payload = _dumps((fn, args))
        key = hashlib.sha1(payload).hexdigest()

        def run_bucket(pdf: Any) -> Any:
            import pickle as _p

            import pandas as pd

            from byline.engines import frames as _f
            from byline.engines.spark import _payload

            f, a = _payload(payload, key)
            pdf = pdf.sort_values([ITEM_COL, _f.ORD_COL], kind="stable")
            out_items: list[int] = []
            batch: list[BlockItem] = []
            for item, g in pdf.groupby(ITEM_COL, sort=True):
                out_items.append(int(item))
                batch.append((str(g[_f.BLOCK_COL].iloc[0]), _f.from_pandas(g)))
            results = _call(f, batch, a, batched)
            return pd.DataFrame(
                {ITEM_COL: out_items, "result": [_p.dumps(r, protocol=_p.HIGHEST_PROTOCOL) for r in results]}
            )

        with tempfile.TemporaryDirectory(prefix="byline-spark-", dir=self.tmp_dir) as tmp:
            src, dst = Path(tmp) / "signatures.parquet", Path(tmp) / "results.parquet"
            pq.write_table(table, src)
            try:
                spark.conf.set("spark.sql.shuffle.partitions", str(self._partitions(len(sigs))))
                df = spark.read.parquet(str(src))
                df.groupBy(BUCKET_COL).applyInPandas(run_bucket, schema=RESULT_SCHEMA).write.parquet(str(dst))
            except Exception as exc:
                raise EngineError(f"spark engine: job failed: {_short(exc)}") from exc
            res = pq.read_table(dst).sort_by(ITEM_COL)
            if res.num_rows != len(items):
                raise EngineError(f"spark engine: {res.num_rows} block results for {len(items)} blocks")
            for blob in res.column("result").to_pylist():
                yield pickle.loads(blob)

    # -- Parquet in, Parquet out ---------------------------------------------------------------------------
    def disambiguate_parquet(
        self,
        signatures_path: str | os.PathLike[str],
        out_path: str | os.PathLike[str],
        model: Any,
        constraints: Any = None,
    ) -> int:
        """Read signatures Parquet (:func:`byline.engines.frames.write_parquet`), write clusters Parquet.

        Everything stays in Spark: blocks are hashed into buckets (``xxhash64(_block)``), each bucket is
        one ``applyInPandas`` call that runs :func:`byline.pipeline.disambiguate_blocks` on its blocks.
        Output columns: ``signature_id, block, cluster``; one Parquet folder, replaced atomically.
        As :func:`byline.pipeline.run`, the model's name counts are first combined with the names at hand
        (one pass over the ``name`` column) and each block is taken in signature-id order, so the
        clusters equal the local engine's. Returns the number of signatures. Must-links across blocks
        are not applied here.
        """
        from pyspark.sql import functions as F

        spark = self.session()
        try:
            df = spark.read.parquet(str(signatures_path))
            names = df.select("name").toPandas()["name"].tolist()
        except Exception as exc:
            raise EngineError(f"spark engine: cannot read {signatures_path}: {_short(exc)}") from exc
        if hasattr(model, "for_data"):  # as pipeline.run: name counts of the data at hand, once per run
            model = model.for_data([_Named(n) for n in names])
        n = len(names)
        del names
        payload = _dumps((model, constraints))
        key = hashlib.sha1(payload).hexdigest()

        def run_bucket(pdf: Any) -> Any:
            import pandas as pd

            from byline.engines import frames as _f
            from byline.engines.spark import _payload
            from byline.pipeline import disambiguate_blocks

            m, c = _payload(payload, key)
            pdf = pdf.sort_values([_f.BLOCK_COL, "id"], kind="stable")  # as pipeline.run: blocks in id order
            ids: list[str] = []
            blocks: list[str] = []
            clusters: list[str] = []
            items = [(str(b), _f.from_pandas(g)) for b, g in pdf.groupby(_f.BLOCK_COL, sort=True)]
            for r in disambiguate_blocks(items, m, c):
                ids += r.ids
                blocks += [r.block] * len(r.ids)
                clusters += r.clusters
            return pd.DataFrame({"signature_id": ids, "block": blocks, "cluster": clusters})

        out = Path(out_path)
        tmp = out.with_name(f".{out.name}.tmp{os.getpid()}")
        try:
            parts = self._partitions(n)
            n_buckets = max(parts, n // max(1, self.bucket_signatures))
            spark.conf.set("spark.sql.shuffle.partitions", str(parts))
            df = df.withColumn(BUCKET_COL, F.pmod(F.xxhash64(F.col(frames.BLOCK_COL)), F.lit(n_buckets)))
            df.groupBy(BUCKET_COL).applyInPandas(run_bucket, schema=CLUSTER_SCHEMA).write.mode(
                "overwrite"
            ).parquet(str(tmp))
        except Exception as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise EngineError(f"spark engine: job on {signatures_path} failed: {_short(exc)}") from exc
        if out.exists():
            shutil.rmtree(out) if out.is_dir() else out.unlink()
        os.replace(tmp, out)
        return int(n)


class _Named:
    """Just a name: what :meth:`Disambiguator.for_data` reads of a signature."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


def _dumps(obj: Any) -> bytes:
    """Pickle with pyspark's cloudpickle (functions defined in ``__main__`` travel by value)."""
    from pyspark import cloudpickle

    return cloudpickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)


def _buckets(sizes: Sequence[int], target: int) -> list[int]:
    """Bucket number of each item: consecutive items grouped to about ``target`` signatures."""
    out, b, cur = [], 0, 0
    for n in sizes:
        if cur and cur + n > target:
            b, cur = b + 1, 0
        out.append(b)
        cur += n
    return out


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    # Py4J/Python worker errors carry the Python traceback; keep its last meaningful line
    lines = [ln for ln in text if ln.strip() and not ln.startswith("\tat ")]
    return (lines[-1] if lines else type(exc).__name__)[:500]
