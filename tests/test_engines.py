"""Every engine gives exactly the clusters of the in-process pipeline (same test, parametrized)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import byline_synth as synth
from byline._errors import EngineError
from byline.block import group_blocks
from byline.engines import Engine, LocalEngine, frames, get_engine
from byline.engines.spark import spark_available
from byline.model import Disambiguator
from byline.pipeline import run

SPARK_MISSING = spark_available()


@pytest.fixture(scope="module")
def model() -> Disambiguator:
    train = synth.generate(3000, seed=101) + synth.generate(1500, seed=102, dataset="synth-pubmed")
    # a small max_block_full so that the bounded candidate-pair path runs on a small corpus
    return Disambiguator(n_estimators=30, random_state=0, n_jobs=1, max_block_full=500).fit(train)


@pytest.fixture(scope="module")
def corpus() -> list:
    # mixed flavours, one big ambiguous block (bounded candidate pairs) and many small ones
    return (
        synth.generate(1200, seed=7)
        + synth.generate(400, seed=8, dataset="synth-aminer")
        + synth.generate(700, seed=9, dataset="synth-big", focus_block="Lee, J")
    )


@pytest.fixture(scope="module")
def spark_engine() -> Iterator[Engine]:
    if SPARK_MISSING:
        pytest.skip(f"Spark engine unavailable: {SPARK_MISSING}")
    engine = get_engine("spark", master="local[2]")
    yield engine
    engine.close()


ENGINES = [
    pytest.param("local-inprocess", id="local"),
    pytest.param("local-pool", id="local-pool"),
    pytest.param("spark", id="spark", marks=pytest.mark.spark),
]


def _engine(name: str, request: pytest.FixtureRequest) -> Engine:
    if name == "local-inprocess":
        return get_engine("local")
    if name == "local-pool":
        return get_engine("local", workers=2, min_parallel=0, batch_signatures=700)
    return request.getfixturevalue("spark_engine")


@pytest.mark.parametrize("name", ENGINES)
def test_same_clusters_as_in_process(name: str, request: pytest.FixtureRequest, model, corpus) -> None:
    expected = run(corpus, model)
    assert max(len(b.ids) for b in expected.blocks.values()) > model.max_block_full  # bounded pairs too
    got = run(corpus, model, engine=_engine(name, request))
    assert got.clusters == expected.clusters
    assert got.n_pairs == expected.n_pairs


@pytest.mark.shared
@pytest.mark.parametrize("name", ENGINES)
def test_same_clusters_on_every_dev_file(
    name: str, request: pytest.FixtureRequest, datasets_dir: Path
) -> None:
    from byline.ingest.signatures import load_signatures

    dev = sorted(datasets_dir.glob("*.dev.jsonl*"))
    if not dev:
        pytest.skip(f"no *.dev.jsonl(.gz) in {datasets_dir}")
    try:
        model = Disambiguator.load(Path(sys.modules["byline"].__file__).parent / "models" / "default")
    except Exception as exc:  # pragma: no cover - depends on the shipped model
        pytest.skip(f"shipped default model unavailable: {exc}")
    engine = _engine(name, request)
    for path in dev:
        sigs = load_signatures([path])
        assert run(sigs, model, engine=engine).clusters == run(sigs, model).clusters, path.name


@pytest.mark.parametrize("name", ENGINES)
def test_batched_block_function(name: str, request: pytest.FixtureRequest, model, corpus) -> None:
    from byline.pipeline import disambiguate_blocks

    items = list(group_blocks(corpus).items())
    expected = disambiguate_blocks(items, model, None)  # one batch, in this process
    got = list(_engine(name, request).map_blocks(disambiguate_blocks, items, model, None, batched=True))
    assert [r.block for r in got] == [b for b, _ in items]
    assert [r.clusters for r in got] == [r.clusters for r in expected]


def _echo(block: str, sigs, tag: str) -> tuple[str, int, str, str]:
    return block, len(sigs), sigs[0].id, tag


if not SPARK_MISSING:  # Spark's Python workers cannot import this test module: ship it by value
    from pyspark import cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.mark.parametrize("name", ENGINES)
def test_map_blocks_keeps_input_order(name: str, request: pytest.FixtureRequest, corpus) -> None:
    items = list(group_blocks(corpus).items())[::-1]  # not sorted: order must still be kept
    out = list(_engine(name, request).map_blocks(_echo, items, "x"))
    assert out == [(b, len(s), s[0].id, "x") for b, s in items]


def test_parquet_roundtrip(tmp_path: Path, corpus) -> None:
    sigs = corpus[:500]
    path = tmp_path / "s.parquet"
    assert frames.write_parquet(sigs, path) == 500
    assert frames.read_parquet(path) == sigs


@pytest.mark.spark
def test_spark_parquet_in_parquet_out(tmp_path: Path, spark_engine, model, corpus) -> None:
    import pyarrow.parquet as pq

    src, dst = tmp_path / "sigs.parquet", tmp_path / "clusters.parquet"
    frames.write_parquet(corpus, src)
    assert spark_engine.disambiguate_parquet(src, dst, model) == len(corpus)
    rows = pq.read_table(dst).to_pylist()
    assert {r["signature_id"]: r["cluster"] for r in rows} == run(corpus, model).clusters


def test_get_engine_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(get_engine(), LocalEngine)
    eng = LocalEngine(workers=1)
    assert get_engine(eng) is eng
    with pytest.raises(EngineError, match="unknown engine"):
        get_engine("dask")
    with pytest.raises(EngineError, match="workers"):
        get_engine("local", workers=0)
    with pytest.raises(EngineError, match="local engine"):
        get_engine("local", bogus=1)
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if pyspark were not installed
    with pytest.raises(EngineError, match=r"pip install 'byline\[spark\]'"):
        get_engine("spark")
