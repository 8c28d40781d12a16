"""The persistent people layer: stable ids, redirects, curation replay, assign touching only its blocks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from _helpers import TinyModel, people_store, write_bib
from byline import ConstraintError, InputError, StoreError
from byline import people as P
from byline.store import Store


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    yield from people_store(tmp_path)


def snapshot(s: Store, table: str = "person_signatures") -> list[tuple]:
    return [tuple(r) for r in s.connection.execute(f"SELECT rowid, * FROM {table} ORDER BY 2")]


def jl(s: Store) -> list[P.PersonRow]:
    return P.list_people(s, "Jaeseong Lee")


def person_of_work(s: Store, work_title_word: str) -> str:
    for p in jl(s):
        for w in s.works(with_records=False):
            if w.id in p.work_ids and work_title_word in (w.title or ""):
                return p.id
    raise AssertionError(work_title_word)


def test_rerun_without_new_data_keeps_identical_ids(store):
    m = TinyModel()
    P.disambiguate(store, m)
    first = snapshot(store, "people"), [r[1:3] for r in snapshot(store)]
    report = P.disambiguate(store, m)
    assert report.new == 0 and not report.redirected
    assert [r[1:3] for r in snapshot(store)] == first[1]
    assert [r[1:5] for r in snapshot(store, "people")] == [r[1:5] for r in first[0]]
    # the Jaeseong Lee of soil science and of graph networks are different people
    assert person_of_work(store, "Soil") != person_of_work(store, "Message passing")


def test_continuing_person_keeps_id_after_new_data(store, tmp_path):
    m = TinyModel()
    P.disambiguate(store, m)
    bio = person_of_work(store, "Soil")
    store.ingest(
        [
            write_bib(
                tmp_path / "b.bib",
                [
                    (
                        "bio4",
                        "Paddy soil microbiome and methane",
                        ["Jaeseong Lee", "Hana Cho"],
                        "Soil Biology",
                        2019,
                    )
                ],
            )
        ]
    )
    P.disambiguate(store, m)
    assert person_of_work(store, "methane") == bio == person_of_work(store, "Soil")


def test_merge_redirects_and_survives_rebuild(store):
    m = TinyModel()
    P.disambiguate(store, m)
    a, b = person_of_work(store, "Soil"), person_of_work(store, "Message passing")
    survivor = P.merge(store, a, b, who="ann", why="same ORCID")
    assert survivor == a
    prof, retired = P.profile(store, b)  # the retired id is followed
    assert prof.id == a and b in retired
    with pytest.raises(StoreError):
        P.profile(store, "Pnope")
    P.disambiguate(store, m)
    assert person_of_work(store, "Message passing") == a
    # rebuild from scratch: forget every person, keep the events
    con = store.connection
    with store.transaction():
        for t in ("person_signatures", "people", "person_redirects"):
            con.execute(f"DELETE FROM {t}")
    P.disambiguate(store, m)
    assert person_of_work(store, "Message passing") == person_of_work(store, "Soil")
    assert [e.kind for e in P.history(store, person_of_work(store, "Soil"))] == ["merge"]


def test_split_then_merge_back_wins_and_lock_refuses(store):
    m = TinyModel()
    P.disambiguate(store, m)
    bio = person_of_work(store, "Soil")
    work = next(w.id for w in store.works(with_records=False) if w.title.startswith("Nitrogen"))
    new = P.split(store, bio, [work], who="bob", why="different lab")
    assert person_of_work(store, "Nitrogen") == new != bio
    P.disambiguate(store, m)
    assert person_of_work(store, "Nitrogen") == new  # replayed and the new id is stable
    P.lock(store, new, who="bob")
    before = snapshot(store)
    with pytest.raises(ConstraintError, match=rf"^merge refused: person {new} is locked by event #2 "):
        P.merge(store, bio, new)
    with pytest.raises(ConstraintError, match=rf"lift it with `unlock {new}`$"):
        P.claim(store, bio, [work])
    assert snapshot(store) == before  # nothing written
    P.unlock(store, new, who="bob")
    assert P.merge(store, bio, new, who="bob") == bio  # the later merge wins over the split
    P.disambiguate(store, m)
    assert person_of_work(store, "Nitrogen") == bio == person_of_work(store, "Soil")


def test_lock_freezes_membership(store, tmp_path):
    m = TinyModel()
    P.disambiguate(store, m)
    bio = person_of_work(store, "Soil")
    P.lock(store, bio, why="verified")
    members = set(P.members(store.connection, bio))
    store.ingest(
        [
            write_bib(
                tmp_path / "b.bib",
                [
                    (
                        "bio4",
                        "Rice paddy soil microbiome diversity",
                        ["Jaeseong Lee", "Hana Cho", "Tom Baker"],
                        "Soil Biology",
                        2019,
                    )
                ],
            )
        ]
    )
    P.disambiguate(store, m)
    assert set(P.members(store.connection, bio)) == members  # the near-duplicate paper did not join
    assert any(p.locked for p in jl(store))


def test_claim_moves_signature(store):
    m = TinyModel()
    P.disambiguate(store, m)
    bio = person_of_work(store, "Soil")
    work = next(w.id for w in store.works(with_records=False) if w.title.startswith("Equivariant"))
    P.claim(store, bio, [work], who="carol")
    assert person_of_work(store, "Equivariant") == bio
    P.disambiguate(store, m)
    assert person_of_work(store, "Equivariant") == bio
    assert [e.kind for e in P.history(store, bio)] == ["claim"]


def test_assign_touches_only_affected_blocks(store, tmp_path):
    m = TinyModel()
    P.disambiguate(store, m)
    bio = person_of_work(store, "Soil")
    other_blocks = ("m kim", "s park", "t baker", "h cho")
    before = [r for r in snapshot(store) if r[3] in other_blocks]
    before_people = [r for r in snapshot(store, "people") if r[3] in other_blocks]
    new = write_bib(
        tmp_path / "new.bib",
        [
            (
                "n1",
                "Drought effects on the paddy soil microbiome",
                ["Jaeseong Lee", "Zoe Newman"],
                "Soil Biology",
                2023,
            )
        ],
    )
    rep = P.assign(store, [new], m)
    assert sorted(rep.blocks) == ["j lee", "z newman"]
    assert rep.new_signatures == 2 and rep.attached == 1 and rep.new_people == 1
    assert person_of_work(store, "Drought") == bio
    assert [r for r in snapshot(store) if r[3] in other_blocks] == before
    assert [r for r in snapshot(store, "people") if r[3] in other_blocks] == before_people
    assert P.assign(store, [], m).new_signatures == 0  # nothing pending: nothing to do


class FailingModel(TinyModel):
    def predict_proba_features(self, X):
        raise RuntimeError("model crashed mid-command")


def test_assign_and_audit_are_one_transaction_each(store, tmp_path):
    """A crash while scoring leaves the store as it was: the new file's works are not half-stored."""
    P.disambiguate(store, TinyModel())
    works, listings = store.count("works"), store.count("listings")
    new = write_bib(
        tmp_path / "late.bib",
        [
            ("late1", "Paddy soil methane fluxes", ["Jaeseong Lee", "Hana Cho"], "Soil Biology", 2024),
            ("late2", "Rice roots and soil microbes", ["Jaeseong Lee", "Tom Baker"], "Soil Biology", 2024),
        ],
    )
    with pytest.raises(RuntimeError, match="crashed"):
        P.assign(store, [new], FailingModel())
    assert (store.count("works"), store.count("listings")) == (works, listings)
    with pytest.raises(RuntimeError, match="crashed"):
        P.audit(store, new, FailingModel(), owner="Jaeseong Lee")
    assert (store.count("works"), store.count("listings")) == (works, listings)
    # and without the crash both commands finish the job
    assert P.assign(store, [new], TinyModel()).new_signatures == 4
    assert len(P.audit(store, new, TinyModel(), owner="Jaeseong Lee").works) == 2


def test_store_stays_consistent_when_a_command_fails(store):
    m = TinyModel()
    P.disambiguate(store, m)
    before = snapshot(store)
    with pytest.raises(StoreError):
        P.merge(store, "Pmissing", "Palsomissing")
    with pytest.raises(InputError):
        P.split(store, person_of_work(store, "Soil"), [])
    assert snapshot(store) == before


def test_merge_of_incompatible_names_is_refused(store):
    P.disambiguate(store, TinyModel())
    jl_id = person_of_work(store, "Soil")
    kim = P.list_people(store, "Minho Kim")[0].id
    before = snapshot(store)
    with pytest.raises(ConstraintError, match="incompatible"):
        P.merge(store, jl_id, kim)
    assert snapshot(store) == before
    assert P.history(store, jl_id) == []


def test_people_json_and_profile(store):
    P.disambiguate(store, TinyModel())
    prof, retired = P.profile(store, person_of_work(store, "Soil"))
    d = prof.to_dict()
    assert d["name"] == "Jaeseong Lee" and len(d["work_ids"]) == 3 and retired == []
    assert {c["name"] for c in d["coauthors"]} == {"Hana Cho", "Tom Baker"}
    assert [y["year"] for y in d["years"]] == [2015, 2016, 2018]
    assert any(w in t["name"] for t in d["topics"] for w in ("soil", "paddy", "microbiome"))


def test_redirect_chains_are_followed(store, tmp_path):
    store.ingest(
        [
            write_bib(
                tmp_path / "astro.bib",
                [
                    (
                        "as1",
                        "Dark matter halos of dwarf galaxies",
                        ["Jaeseong Lee", "Vera Rubin"],
                        "ApJ",
                        2010,
                    ),
                    ("as2", "Rotation curves of dwarf galaxies", ["Jaeseong Lee", "Vera Rubin"], "ApJ", 2011),
                ],
            )
        ]
    )
    P.disambiguate(store, TinyModel())
    ids = [p.id for p in jl(store)]
    assert len(ids) >= 3
    a, b, c = ids[:3]
    P.merge(store, b, c)  # c -> b
    P.merge(store, a, b)  # b -> a, so c -> b -> a
    assert P.profile(store, c)[0].id == a
    assert set(P.profile(store, a)[1]) >= {b, c}
    P.disambiguate(store, TinyModel())  # replayed: still one person under the survivor's id
    assert len(jl(store)) == 1 and jl(store)[0].id == a


def test_locked_person_does_not_take_new_signatures_on_assign(store, tmp_path):
    m = TinyModel()
    P.disambiguate(store, m)
    bio = person_of_work(store, "Soil")
    P.lock(store, bio)
    before = set(P.members(store.connection, bio))
    new = write_bib(
        tmp_path / "dup.bib",
        [
            (
                "d1",
                "Rice paddy soil microbiome diversity",
                ["Jaeseong Lee", "Hana Cho", "Tom Baker"],
                "Soil Biology",
                2024,
            )
        ],
    )
    P.assign(store, [new], m)
    assert set(P.members(store.connection, bio)) == before
    assert person_of_work(store, "diversity") != bio or "Rice paddy soil microbiome diversity" not in str(
        before
    )
