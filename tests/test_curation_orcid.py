"""ORCID iDs as identity evidence in the store: the same iD joins what names and text alone keep apart,
different iDs separate what they would join, curation wins over both, the explain card says which decided,
and where no iD exists nothing moves."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from _helpers import TinyModel
from byline import people as P
from byline.curation import ConstraintSet
from byline.explain import explain_in
from byline.people import repo
from byline.people.corpus import load_corpus
from byline.scorer import Scorer
from byline.store import Store

X, Y = "https://orcid.org/0000-0002-1825-0097", "https://orcid.org/0000-0001-5109-3700"

# key: (title, [(name, orcid)], venue, year)
PAPERS = {
    "a1": ("Graph neural networks for molecular property prediction", [("Jaeseong Lee", X), ("Minho Kim", None)], "NeurIPS", 2019),
    "a2": ("Message passing neural networks on molecular graphs", [("Jaeseong Lee", X), ("Minho Kim", None)], "NeurIPS", 2020),
    # a namesake in the same field with the same coauthor: names and text say "same person", the iDs do not
    "b1": ("Graph neural networks for molecular graphs", [("Jaeseong Lee", Y), ("Minho Kim", None)], "NeurIPS", 2021),
    # the first researcher after a change of field: names and text say "another person", the iD does not
    "c1": ("Glacier melt runoff in alpine catchments", [("Jaeseong Lee", X), ("Tom Baker", None)], "Hydrology", 2023),
    # no iDs at all: the model's to decide
    "d1": ("Soil microbiome diversity in rice paddies", [("Jaeseong Lee", None), ("Hana Cho", None)], "Soil Biology", 2015),
    "d2": ("Rice paddy soil microbiome under drought", [("Hana Cho", None), ("Jaeseong Lee", None)], "Soil Biology", 2016),
}  # fmt: skip


def openalex(path: Path, with_ids: bool = True) -> Path:
    works = [
        {
            "id": f"https://openalex.org/W{1000 + k}",
            "title": title,
            "publication_year": year,
            "primary_location": {"source": {"display_name": venue}},
            "authorships": [
                {"author": {"display_name": name, "orcid": orcid if with_ids else None}}
                for name, orcid in authors
            ],
        }
        for k, (title, authors, venue, year) in enumerate(PAPERS.values())
    ]
    path.write_text(json.dumps({"results": works}), encoding="utf-8")
    return path


def make(tmp_path: Path, name: str, with_ids: bool) -> Store:
    s = Store(tmp_path / f"{name}.db")
    s.ingest([openalex(tmp_path / f"{name}.json", with_ids)], format="openalex")
    P.disambiguate(s, TinyModel())
    return s


@pytest.fixture()
def stores(tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    with_ids, without = make(tmp_path, "ids", True), make(tmp_path, "plain", False)
    yield with_ids, without
    with_ids.close()
    without.close()


def groups(s: Store, name: str = "Jaeseong Lee") -> set[frozenset[str]]:
    key = {w.id: k for w in s.works(with_records=False) for k, p in PAPERS.items() if p[0] == w.title}
    return {frozenset(key[w] for w in p.work_ids) for p in P.list_people(s, name)}


def test_ids_join_and_separate_what_names_and_text_get_wrong(stores: tuple[Store, Store]) -> None:
    with_ids, without = stores
    assert frozenset({"a1", "a2", "b1"}) <= next(g for g in groups(without) if "a1" in g)  # the model alone
    assert not any({"a1", "c1"} <= g for g in groups(without))
    got = groups(with_ids)
    assert frozenset({"a1", "a2", "c1"}) in got and frozenset({"b1"}) in got
    assert frozenset({"d1", "d2"}) in got  # no iDs: as the model placed them
    for name in ("Minho Kim", "Hana Cho", "Tom Baker"):  # nobody else has an iD: nothing moves
        assert groups(with_ids, name) == groups(without, name)


def test_curation_wins_over_ids_and_the_card_says_which_decided(stores: tuple[Store, Store]) -> None:
    s, _ = stores
    ids = {k: w.id for w in s.works(with_records=False) for k, p in PAPERS.items() if p[0] == w.title}
    me = next(p.id for p in P.list_people(s, "Jaeseong Lee") if ids["a1"] in p.work_ids)
    other = next(p.id for p in P.list_people(s, "Jaeseong Lee") if ids["b1"] in p.work_ids)
    P.split(s, me, [ids["c1"]], who="ann", why="not the glacier one")  # same iD, but the curator says no
    P.merge(s, me, other, who="ann")  # different iDs, but the curator says yes
    P.disambiguate(s, TinyModel())
    assert frozenset({"a1", "a2", "b1"}) in groups(s) and frozenset({"c1"}) in groups(s)

    corpus = load_corpus(s)
    cs = ConstraintSet.replay(corpus.events)
    scorer = Scorer.for_corpus(TinyModel(), corpus.signatures.values())
    placed = repo.assignments(s.connection)
    a1, a2, b1, c1 = (f"{ids[k]}#0" for k in ("a1", "a2", "b1", "c1"))
    card = explain_in(corpus, scorer, cs, placed, a1, b1)
    assert card.constraint.startswith("must-link by curation")
    assert any("curation wins over ORCID" in n and "different ORCID iDs" in n for n in card.notes)
    card = explain_in(corpus, scorer, cs, placed, a1, c1)
    assert card.constraint.startswith("cannot-link by curation")
    assert any("curation wins over ORCID" in n and "0000-0002-1825-0097" in n for n in card.notes)
    card = explain_in(corpus, scorer, ConstraintSet(), placed, a1, a2)
    assert card.constraint == "must-link by ORCID: both signatures carry ORCID iD 0000-0002-1825-0097"
