"""A real Spark standalone cluster (a master and two workers on loopback, started from the pyspark install)
runs the Parquet -> Parquet job with exactly the local engine's clusters."""

from __future__ import annotations

from pathlib import Path

import pytest

from byline.engines.spark import spark_available


@pytest.mark.slow
@pytest.mark.spark
def test_standalone_cluster_gives_the_local_clusters(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    missing = spark_available()
    if missing:
        pytest.skip(f"Spark engine unavailable: {missing}")
    import spark_cluster

    with spark_cluster.cluster(workers=2, cores=1, memory="1g") as url:
        assert url.startswith("spark://127.0.0.1:")
        out = spark_cluster.run_job(url, signatures=1500, workdir=tmp_path)
    assert out["signatures"] == 1500
    assert out["identical_to_local"]
