"""ORCID must-links across blocks in the streamed path: signatures that carry one iD under different block keys
("Jaeseong Lee" and "Lee Jaeseong") are planned into one batch, so disambiguating in batches of any size gives the
people of the whole store at once -- the pure pipeline with every signature and every iD."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _helpers import TinyModel
from byline.block import block_of
from byline.curation import ConstraintSet
from byline.people import disambiguate
from byline.people.corpus import load_corpus
from byline.people.streamed import implicit_signatures, orcid_units, plan_tasks
from byline.pipeline import run
from byline.store import Store

X, Y = "https://orcid.org/0000-0002-1825-0097", "0000-0001-5109-3700"
FILLERS = ["Kyle Baker", "Karen Cho", "Kevin Diaz", "Kate Evans", "Kurt Fox", "Kim Gray"]


def openalex(path: Path, papers: list[tuple[str, list[tuple[str, str | None]]]]) -> Path:
    works = [
        {
            "id": f"https://openalex.org/W{1000 + k}",
            "title": title,
            "publication_year": 2000 + k % 20,
            "primary_location": {"source": {"display_name": "Journal"}},
            "authorships": [{"author": {"display_name": n, "orcid": o}} for n, o in authors],
        }
        for k, (title, authors) in enumerate(papers)
    ]
    path.write_text(json.dumps({"results": works}), encoding="utf-8")
    return path


def _placements(store: Store) -> dict[str, str]:
    return dict(store.connection.execute("SELECT signature_id, person_id FROM person_signatures").fetchall())


def _partition(mapping: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for sid, key in mapping.items():
        groups.setdefault(key, set()).add(sid)
    return {frozenset(g) for g in groups.values()}


def _whole_store_pipeline(store: Store) -> dict[str, str]:
    """The pure pipeline on every signature at once, with every iD's must-links and cannot-links; a person
    of the store is a cluster within one block (as ``disambiguate`` has always stored them)."""
    corpus = load_corpus(store)
    sigs = corpus.signatures
    blocks = {s.id: block_of(s) for s in sigs.values()}
    constraints = ConstraintSet().for_signatures(sigs, block_of=blocks, signatures=sigs)
    clusters = run(sigs.values(), TinyModel(), constraints).clusters
    return {sid: f"{blocks[sid]}\x1f{key}" for sid, key in clusters.items()}


def _named_store(tmp_path: Path, name: str, with_ids: bool) -> Store:
    x = X if with_ids else None
    papers = [
        ("Graph neural networks for molecules", [("Jaeseong Lee", x)]),
        ("Message passing on molecular graphs", [("Jaeseong Lee", x)]),
        # the same researcher printed surname first: another block key ("l jaeseong")
        ("Glacier melt runoff in alpine catchments", [("Lee Jaeseong", x)]),
        ("Snow cover and alpine hydrology", [("Lee Jaeseong", x)]),
    ]
    # blocks whose keys sort between "j lee" and "l jaeseong", so that small batches split the two
    papers += [(f"Filler study {k}", [(n, None)]) for k, n in enumerate(FILLERS * 2)]
    s = Store(tmp_path / f"{name}.db")
    s.ingest([openalex(tmp_path / f"{name}.json", papers)], format="openalex")
    return s


def _task_of(store: Store, batch: int) -> dict[str, int]:
    tasks = plan_tasks(store, ConstraintSet(), implicit_signatures(store, []), batch_signatures=batch)
    return {b: k for k, t in enumerate(tasks) for b in t.blocks}


def test_blocks_tied_by_one_orcid_share_a_batch(tmp_path: Path) -> None:
    plain = _named_store(tmp_path, "plain", with_ids=False)
    ids = _named_store(tmp_path, "ids", with_ids=True)
    assert orcid_units(plain) == [] and orcid_units(ids) == [["j lee", "l jaeseong"]]
    apart, together = _task_of(plain, 2), _task_of(ids, 2)
    assert apart["j lee"] != apart["l jaeseong"]  # without the iD they would be clustered apart
    assert together["j lee"] == together["l jaeseong"]
    disambiguate(ids, TinyModel(), batch_signatures=2)
    batched = _placements(ids)
    by_block: dict[str, set[str]] = {}
    for sid, block in ids.connection.execute("SELECT id, block FROM signatures WHERE orcid IS NOT NULL"):
        by_block.setdefault(block, set()).add(batched[sid])
    assert {b: len(p) for b, p in by_block.items()} == {"j lee": 1, "l jaeseong": 1}  # one person per block
    assert _partition(batched) == _partition(_whole_store_pipeline(ids))
    disambiguate(ids, TinyModel(), batch_signatures=10**9)
    assert _placements(ids) == batched  # same people, same ids as one batch
    plain.close()
    ids.close()


def test_orcid_spans_normalize_the_id_and_group_in_one_query(tmp_path: Path) -> None:
    papers = [
        ("A", [("Jaeseong Lee", "https://orcid.org/0000-0002-1825-0097")]),
        ("B", [("Lee Jaeseong", "0000-0002-1825-0097")]),  # the same iD, written without the URL
        ("C", [("Minho Kim", Y)]),
        ("D", [("Kim Minho", None)]),  # no iD: not tied
    ]
    with Store(tmp_path / "s.db") as s:
        s.ingest([openalex(tmp_path / "s.json", papers)], format="openalex")
        assert s.orcid_spans() == [
            ("0000000218250097", "j lee", None),
            ("0000000218250097", "l jaeseong", None),
        ]


def test_one_id_printed_twice_on_one_paper_in_batches_of_one_block(tmp_path: Path) -> None:
    """A named sequence (the smallest case hypothesis found before the iD tied the blocks' batches): the iD's
    union-find on its three signatures is not the one on either block's two."""
    papers = [
        ("Graph neural networks 0", [("Jaeseong Lee", None)]),
        ("Graph neural networks 1", [("Lee Jaeseong", X)]),
        ("Alpine hydrology 2", [("Jaeseong Lee", X), ("Lee Jaeseong", X)]),  # one iD twice on one paper
    ]
    with Store(tmp_path / "s.db") as s:
        s.ingest([openalex(tmp_path / "s.json", papers)])
        assert [t.blocks for t in plan_tasks(s, ConstraintSet(), [], batch_signatures=1)] == [
            ("j lee", "l jaeseong")
        ]
        disambiguate(s, TinyModel(), batch_signatures=1)
        assert _partition(_placements(s)) == _partition(_whole_store_pipeline(s))


NAMES = ["Jaeseong Lee", "Lee Jaeseong", "J. Lee", "Minho Kim", "Kim Minho", *FILLERS[:3]]
TITLES = ["Graph neural networks", "Molecular graphs", "Alpine hydrology", "Glacier runoff", "Filler study"]
author = st.tuples(st.sampled_from(NAMES), st.sampled_from([None, None, X, Y]))
paper = st.tuples(st.sampled_from(TITLES), st.lists(author, min_size=1, max_size=2))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(papers=st.lists(paper, min_size=2, max_size=12), batch=st.sampled_from([1, 2, 3, 5]))
def test_any_batch_size_gives_the_people_of_the_whole_store(papers: list, batch: int) -> None:
    d = Path(tempfile.mkdtemp(prefix="byline-orcid-"))
    try:
        with Store(d / "s.db") as s:
            s.ingest([openalex(d / "s.json", [(f"{t} {k}", a) for k, (t, a) in enumerate(papers)])])
            disambiguate(s, TinyModel(), batch_signatures=batch)
            batched = _placements(s)
            assert _partition(batched) == _partition(_whole_store_pipeline(s))
            disambiguate(s, TinyModel(), batch_signatures=10**9)
            assert _placements(s) == batched
    finally:
        shutil.rmtree(d, ignore_errors=True)
