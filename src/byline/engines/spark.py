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

ITEM_COL = "_item"
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
    ):
        self.master = master
        self.app_name = app_name
        self.conf = dict(conf or {})
        self.partitions = partitions
        self.tmp_dir = tmp_dir
        self._session = session
        self._owns_session = session is None
        if partitions is not None and partitions < 1:
            raise EngineError(f"spark engine: partitions must be >= 1, not {partitions!r}")

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
        return int(min(400, max(2 * cores, n_signatures // 5000)))

    # -- the primitive ----------------------------------------------------------------------------------
    def map_blocks(self, fn: BlockFn, items: Sequence[BlockItem], *args: Any) -> Iterator[Any]:
        items = list(items)
        if not items:
            return
        spark = self.session()
        sigs = [s for _, ss in items for s in ss]
        table = frames.to_table(sigs)
        item_of = [k for k, (_, ss) in enumerate(items) for _ in ss]
        pos_in_item = [p for _, ss in items for p in range(len(ss))]
        table = table.set_column(table.schema.get_field_index(frames.BLOCK_COL), frames.BLOCK_COL,
                                 pa.array([items[k][0] for k in item_of], pa.string()))
        table = table.set_column(table.schema.get_field_index(frames.ORD_COL), frames.ORD_COL,
                                 pa.array(pos_in_item, pa.int64()))
        table = table.append_column(ITEM_COL, pa.array(item_of, pa.int64()))
        payload = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        key = hashlib.sha1(payload).hexdigest()

        def run_group(pdf: Any) -> Any:
            import pickle as _p

            import pandas as pd

            from byline.engines import frames as _f
            from byline.engines.spark import _payload

            f, a = _payload(payload, key)
            pdf = pdf.sort_values(_f.ORD_COL, kind="stable")
            res = f(str(pdf[_f.BLOCK_COL].iloc[0]), _f.from_pandas(pdf), *a)
            return pd.DataFrame({ITEM_COL: [int(pdf[ITEM_COL].iloc[0])],
                                 "result": [_p.dumps(res, protocol=_p.HIGHEST_PROTOCOL)]})

        with tempfile.TemporaryDirectory(prefix="byline-spark-", dir=self.tmp_dir) as tmp:
            src, dst = Path(tmp) / "signatures.parquet", Path(tmp) / "results.parquet"
            pq.write_table(table, src)
            try:
                spark.conf.set("spark.sql.shuffle.partitions", str(self._partitions(len(sigs))))
                df = spark.read.parquet(str(src))
                df.groupBy(ITEM_COL).applyInPandas(run_group, schema=RESULT_SCHEMA).write.parquet(str(dst))
            except Exception as exc:
                raise EngineError(f"spark engine: job failed: {_short(exc)}") from exc
            res = pq.read_table(dst).sort_by(ITEM_COL)
            if res.num_rows != len(items):
                raise EngineError(f"spark engine: {res.num_rows} block results for {len(items)} blocks")
            for blob in res.column("result").to_pylist():
                yield pickle.loads(blob)

    # -- Parquet in, Parquet out ---------------------------------------------------------------------------
    def disambiguate_parquet(
        self, signatures_path: str | os.PathLike[str], out_path: str | os.PathLike[str], model: Any,
        constraints: Any = None,
    ) -> int:
        """Read signatures Parquet (:func:`byline.engines.frames.write_parquet`), write clusters Parquet.

        Output columns: ``signature_id, block, cluster``; one Parquet folder, replaced atomically.
        Returns the number of signatures written. Must-links across blocks are not applied here.
        """
        from byline.pipeline import disambiguate_block

        spark = self.session()
        payload = pickle.dumps((model, constraints), protocol=pickle.HIGHEST_PROTOCOL)
        key = hashlib.sha1(payload).hexdigest()

        def run_group(pdf: Any) -> Any:
            import pandas as pd

            from byline.engines import frames as _f
            from byline.engines.spark import _payload

            m, c = _payload(payload, key)
            pdf = pdf.sort_values(_f.ORD_COL, kind="stable")
            block = str(pdf[_f.BLOCK_COL].iloc[0])
            r = disambiguate_block(block, _f.from_pandas(pdf), m, c)
            return pd.DataFrame({"signature_id": r.ids, "block": block, "cluster": r.clusters})

        out = Path(out_path)
        tmp = out.with_name(f".{out.name}.tmp{os.getpid()}")
        try:
            df = spark.read.parquet(str(signatures_path))
            n = df.count()
            spark.conf.set("spark.sql.shuffle.partitions", str(self._partitions(n)))
            df.groupBy(frames.BLOCK_COL).applyInPandas(run_group, schema=CLUSTER_SCHEMA).write.mode(
                "overwrite").parquet(str(tmp))
        except Exception as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise EngineError(f"spark engine: job on {signatures_path} failed: {_short(exc)}") from exc
        if out.exists():
            shutil.rmtree(out) if out.is_dir() else out.unlink()
        os.replace(tmp, out)
        return int(n)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    # Py4J/Python worker errors carry the Python traceback; keep its last meaningful line
    lines = [ln for ln in text if ln.strip() and not ln.startswith("\tat ")]
    return (lines[-1] if lines else type(exc).__name__)[:500]
