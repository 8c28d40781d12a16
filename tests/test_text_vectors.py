"""Per-work text vectors kept in the store: computed once (at ingest, or by the first disambiguate for the works
lacking one), used only for the encoder and the text they were computed from, and the scores and people are
exactly those of encoding every signature's text each run."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from _helpers import model_dir, synth_bib
from byline._store_access import load_model
from byline.block import group_blocks
from byline.encoder import default_encoder, signature_text, text_hash
from byline.features import BlockData, featurize
from byline.people import disambiguate
from byline.people.corpus import load_corpus
from byline.people.streamed import stored_vectors
from byline.pipeline import run, score_blocks
from byline.store import Store

_DIR = Path(tempfile.mkdtemp(prefix="byline-text-vectors-"))
_PARTS = [synth_bib(_DIR / f"part{k}.bib", n_signatures=250, seed=40 + k) for k in range(2)]
_MODEL = load_model(model_dir(_DIR))

_PAPER = """@article{{p1,
  title = {{Soil moisture retrieval from passive microwave observations}},
  author = {{Lee, Jaeseong and Kim, Beomsu}},
  doi = {{10.1000/soil.1}},
  journal = {{Remote Sensing}},
  year = {{2020}},{extra}
}}
"""


def _placements(store: Store) -> dict[str, str]:
    return dict(store.connection.execute("SELECT signature_id, person_id FROM person_signatures").fetchall())


def _vectors(store: Store) -> dict[str, tuple[str, bytes, bytes]]:
    rows = store.connection.execute("SELECT work_id, encoder, text_hash, vector FROM work_vectors")
    return {r[0]: (r[1], bytes(r[2]), bytes(r[3])) for r in rows}


def _ingest(db: Path, paths: list[Path], encode: bool = True) -> Store:
    s = Store(db)
    s.encode_at_ingest = encode
    s.ingest(paths)
    return s


def test_ingest_stores_each_works_vector_as_encoding_its_text_gives_it(tmp_path: Path) -> None:
    with _ingest(tmp_path / "s.db", [_PARTS[0]]) as s:
        stored = _vectors(s)
        sigs = s.signatures()
        enc = default_encoder()
        assert set(stored) == {w.id for w in s.works(with_records=False)}
        assert {e for e, _, _ in stored.values()} == {enc.sha256}
        first = {}
        for sig in sigs:
            first.setdefault(sig.work_id, sig)
        want = enc.encode_signatures(list(first.values()))
        got = np.stack([np.frombuffer(stored[w][2], "<f4") for w in first])
        assert np.array_equal(got, want)  # bit for bit: the stored vector is the one encoding gives


def test_scores_are_identical_with_and_without_stored_vectors(tmp_path: Path) -> None:
    with _ingest(tmp_path / "s.db", _PARTS) as s:
        sigs = s.signatures()
        vectors, new = stored_vectors(s, sigs)
    assert new == []  # ingest stored every work's vector
    items = sorted(group_blocks(sigs).items())
    data_a, blocks_a, p_a = score_blocks(items, _MODEL)
    data_b, blocks_b, p_b = score_blocks(items, _MODEL, vectors)
    assert np.array_equal(data_a.embeddings, data_b.embeddings)
    assert np.array_equal(p_a, p_b) and len(p_a) > 100
    i = np.concatenate([ii + off for off, _, ii, _ in blocks_a])
    j = np.concatenate([jj + off for off, _, _, jj in blocks_a])
    assert np.array_equal(featurize(data_a, i, j), featurize(data_b, i, j), equal_nan=True)


def test_block_data_takes_one_embedding_row_per_signature(tmp_path: Path) -> None:
    with _ingest(tmp_path / "s.db", [_PARTS[0]], encode=False) as s:
        sigs = s.signatures()[:5]
    with pytest.raises(ValueError, match="one row per signature"):
        BlockData(sigs, embeddings=np.zeros((4, default_encoder().dims), np.float32))


def test_the_first_disambiguate_stores_the_missing_vectors_and_gives_the_same_people(tmp_path: Path) -> None:
    without = _ingest(tmp_path / "a.db", _PARTS, encode=False)
    with_vectors = _ingest(tmp_path / "b.db", _PARTS)
    assert _vectors(without) == {}
    disambiguate(without, _MODEL, batch_signatures=60)
    disambiguate(with_vectors, _MODEL, batch_signatures=60)
    assert _vectors(without) == _vectors(with_vectors)  # the same rows, computed at disambiguate
    assert _placements(without) == _placements(with_vectors)
    corpus = load_corpus(with_vectors)
    clusters = run(corpus.signatures.values(), _MODEL).clusters  # every text encoded afresh
    groups: dict[str, set[str]] = {}
    for sid, pid in _placements(with_vectors).items():
        groups.setdefault(pid, set()).add(sid)
    pure: dict[str, set[str]] = {}
    for sid, key in clusters.items():
        pure.setdefault(key, set()).add(sid)
    assert {frozenset(g) for g in groups.values()} == {frozenset(g) for g in pure.values()}
    without.close()
    with_vectors.close()


def test_vectors_of_another_encoder_or_another_text_are_computed_again(tmp_path: Path) -> None:
    clean = _ingest(tmp_path / "clean.db", [_PARTS[0]])
    stale = _ingest(tmp_path / "stale.db", [_PARTS[0]])
    want = _vectors(clean)
    wids = sorted(want)
    con = stale.connection
    zero = bytes(len(want[wids[0]][2]))
    con.execute("UPDATE work_vectors SET encoder = 'another encoder' WHERE work_id IN (?, ?)", wids[:2])
    con.execute("UPDATE work_vectors SET vector = ?, text_hash = X'00' WHERE work_id = ?", (zero, wids[2]))
    con.execute("DELETE FROM work_vectors WHERE work_id = ?", (wids[3],))
    disambiguate(stale, _MODEL, batch_signatures=50)
    disambiguate(clean, _MODEL, batch_signatures=50)
    assert _vectors(stale) == want
    assert _placements(stale) == _placements(clean)
    clean.close()
    stale.close()


def test_a_work_whose_text_changes_gets_a_new_vector(tmp_path: Path) -> None:
    first = tmp_path / "a.bib"
    first.write_text(_PAPER.format(extra=""), encoding="utf-8")
    second = tmp_path / "b.bib"
    second.write_text(
        _PAPER.format(
            extra="\n  abstract = {Brightness temperatures at L band are inverted for soil moisture.},"
        ),
        encoding="utf-8",
    )
    with _ingest(tmp_path / "s.db", [first]) as s:
        (wid,) = _vectors(s)
        before = _vectors(s)[wid]
        s.ingest([second])  # the same DOI: merged into the stored work, which now has an abstract
        after = _vectors(s)[wid]
        (sig, _) = s.signatures()
        assert "Brightness" in signature_text(sig) and after != before
        assert np.array_equal(np.frombuffer(after[2], "<f4"), default_encoder().encode_signatures([sig])[0])


def test_a_version_3_store_gets_the_vectors_table(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Store(db) as s:
        s.ingest([_PARTS[0]])
    con = sqlite3.connect(db)
    con.execute("DROP TABLE work_vectors")
    con.execute("UPDATE schema_version SET version = 3")
    con.commit()
    con.close()
    with Store(db) as s:
        assert s.count("work_vectors") == 0
        disambiguate(s, _MODEL)
        assert s.count("work_vectors") == s.count("works")


# -- over any sequence of ingests (vectors on or off), edits and runs -----------------------------------------


class StoredVectorsChangeNoPerson(RuleBasedStateMachine):
    """A store that keeps text vectors and one whose vectors are all dropped before every run (so each run
    encodes every text afresh) always hold the same people, and every stored vector of the current encoder
    is the one encoding its work's present text gives."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(dir=_DIR))
        self.kept = Store(self.dir / "kept.db")
        self.fresh = Store(self.dir / "fresh.db")
        self.ingested = False

    def teardown(self) -> None:
        self.kept.close()
        self.fresh.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    @rule(part=st.integers(0, len(_PARTS) - 1), encode=st.booleans())
    def ingest(self, part: int, encode: bool) -> None:
        for s in (self.kept, self.fresh):
            s.encode_at_ingest = encode
            s.ingest([_PARTS[part]])
        self.ingested = True

    @precondition(lambda self: self.ingested)
    @rule(pick=st.integers(0, 10**6), title=st.sampled_from(["Graph neural networks", "Soil moisture", ""]))
    def retitle_a_work(self, pick: int, title: str) -> None:
        ids = [r[0] for r in self.kept.connection.execute("SELECT id FROM works ORDER BY id")]
        wid = ids[pick % len(ids)]
        for s in (self.kept, self.fresh):
            with s.transaction() as con:
                con.execute("UPDATE works SET title = ? WHERE id = ?", (title or None, wid))

    @precondition(lambda self: self.ingested)
    @rule(what=st.sampled_from(["encoder", "delete"]))
    def spoil_stored_vectors(self, what: str) -> None:
        with self.kept.transaction() as con:
            if what == "encoder":
                con.execute(
                    "UPDATE work_vectors SET encoder = 'old' WHERE unicode(substr(work_id, -1)) % 3 = 0"
                )
            else:
                con.execute("DELETE FROM work_vectors WHERE unicode(substr(work_id, -1)) % 2 = 0")

    @precondition(lambda self: self.ingested)
    @rule(batch=st.sampled_from([40, 10**9]))
    def disambiguate(self, batch: int) -> None:
        with self.fresh.transaction() as con:
            con.execute("DELETE FROM work_vectors")
        a = disambiguate(self.kept, _MODEL, batch_signatures=batch)
        b = disambiguate(self.fresh, _MODEL, batch_signatures=batch)
        assert (a.signatures, a.people, a.pairs) == (b.signatures, b.people, b.pairs)
        assert _placements(self.kept) == _placements(self.fresh)

    @invariant()
    def stored_vectors_match_the_present_text(self) -> None:
        enc = default_encoder()
        text = {sig.work_id: signature_text(sig) for sig in self.kept.signatures()}
        for wid, (sha, h, blob) in _vectors(self.kept).items():
            if sha == enc.sha256 and h == text_hash(text[wid]):
                assert np.array_equal(np.frombuffer(blob, "<f4"), enc.encode([text[wid]])[0])


TestStoredVectorsChangeNoPerson = StoredVectorsChangeNoPerson.TestCase
TestStoredVectorsChangeNoPerson.settings = settings(
    max_examples=4,
    stateful_step_count=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_assign_reads_the_stored_vectors_and_places_as_without_them(tmp_path: Path) -> None:
    from byline.people import assign

    stores = []
    for name in ("kept", "dropped"):
        s = _ingest(tmp_path / f"{name}.db", [_PARTS[0]])
        disambiguate(s, _MODEL)
        stores.append(s)
    kept, dropped = stores
    for s in stores:
        s.ingest([_PARTS[1]])
    with dropped.transaction() as con:
        con.execute("DELETE FROM work_vectors")
    a = assign(kept, model=_MODEL)
    b = assign(dropped, model=_MODEL)
    assert (a.new_signatures, a.attached, a.new_people) == (b.new_signatures, b.attached, b.new_people)
    assert a.new_signatures > 0 and _placements(kept) == _placements(dropped)
    assert set(_vectors(dropped)) <= set(_vectors(kept))  # assign stored the vectors of the blocks it read
    assert len(_vectors(dropped)) > 0
    for s in stores:
        s.close()


@pytest.mark.spark
def test_the_spark_engine_gets_the_stored_vectors_with_each_batch(tmp_path: Path) -> None:
    from byline.engines import get_engine
    from byline.engines.spark import spark_available

    missing = spark_available()
    if missing:
        pytest.skip(f"Spark engine unavailable: {missing}")
    local = _ingest(tmp_path / "local.db", [_PARTS[0]])
    spark = _ingest(tmp_path / "spark.db", [_PARTS[0]])
    with spark.transaction() as con:  # half of them missing: the batch encodes those and stores them
        con.execute("DELETE FROM work_vectors WHERE unicode(substr(work_id, -1)) % 2 = 0")
    disambiguate(local, _MODEL)
    engine = get_engine("spark", master="local[1]")
    try:
        disambiguate(spark, _MODEL, engine=engine)
    finally:
        engine.close()
    assert _placements(spark) == _placements(local) and _vectors(spark) == _vectors(local)
    local.close()
    spark.close()
