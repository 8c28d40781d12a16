"""The three curator sequences that did not stick before, through the library and the CLI, each followed
by ``disambiguate`` runs: a lock bypassed by a claim or a move, two splits merged back by the model, and a
split after a merge refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from _helpers import BIO, ML, TinyModel, people_store, run_cli
from byline import ConstraintError
from byline import people as P
from byline.store import Store


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    for s in people_store(tmp_path):
        P.disambiguate(s, TinyModel())
        yield s


def wid(s: Store, key: str) -> str:
    title = next(e[1] for e in ML + BIO if e[0] == key)
    return next(w.id for w in s.works(with_records=False) if w.title == title)


def person_with(s: Store, key: str) -> P.PersonRow:
    w = wid(s, key)
    return next(p for p in P.list_people(s, "Jaeseong Lee") if w in p.work_ids)


def people(s: Store) -> dict[str, frozenset[str]]:
    """Person id -> its works, for every Jaeseong Lee."""
    return {p.id: frozenset(p.work_ids) for p in P.list_people(s, "Jaeseong Lee")}


def test_the_two_jaeseong_lees_to_start_with(store: Store) -> None:
    assert person_with(store, "ml1").id != person_with(store, "bio1").id
    assert len(people(store)) == 2


def test_lock_is_not_bypassed_by_a_claim_or_a_move(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    bio, ml = person_with(store, "bio1").id, person_with(store, "ml1").id
    P.lock(store, bio, who="ann")
    before = people(store)
    attempts = [
        lambda: P.claim(store, ml, [wid(store, "bio2")], who="bob"),  # a work out of the locked person
        lambda: P.move(store, wid(store, "bio2"), bio, ml, who="bob"),
        lambda: P.move(store, wid(store, "ml2"), ml, bio, who="bob"),  # a work into it
        lambda: P.claim(store, bio, [wid(store, "ml2")], who="bob"),
    ]
    for attempt in attempts:
        with pytest.raises(ConstraintError, match=rf"person {bio} is locked by event #1 .*`unlock {bio}`$"):
            attempt()
    code, _, err = run_cli(capsys, "claim", ml, "--works", wid(store, "bio2"), "--db", store.path)
    assert code != 0 and "locked by event #1" in err and f"unlock {bio}" in err and len(err.splitlines()) == 1
    assert [e.kind for e in P.history(store, bio)] == ["lock"]  # nothing recorded
    for _ in range(2):
        report = P.disambiguate(store, TinyModel())
        assert people(store) == before and not report.redirected  # nothing merged away, nothing pulled in


def test_claim_then_lock_keeps_the_claim_and_pulls_nothing_in(store: Store) -> None:
    bio, ml = person_with(store, "bio1").id, person_with(store, "ml1").id
    P.claim(store, ml, [wid(store, "bio3")], who="ann")
    P.lock(store, bio, who="ann")
    shown = people(store)
    assert wid(store, "bio3") in shown[ml] and len(shown[bio]) == 2
    P.disambiguate(store, TinyModel())
    assert people(store) == shown


def test_two_splits_stay_apart(store: Store) -> None:
    ml = person_with(store, "ml1").id
    a = P.split(store, ml, [wid(store, "ml2")], who="ann")
    b = P.split(store, ml, [wid(store, "ml3")], who="ann")
    shown = people(store)
    assert shown[a] == {wid(store, "ml2")} and shown[b] == {wid(store, "ml3")}
    for _ in range(2):
        report = P.disambiguate(store, TinyModel())
        assert people(store) == shown and not report.redirected
    # only a curator joins them
    assert P.merge(store, a, b, who="ann") == a
    P.disambiguate(store, TinyModel())
    assert people(store)[a] == {wid(store, "ml2"), wid(store, "ml3")}


def test_split_after_merge_separates_those_works_and_the_rest_stays_merged(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    bio, ml = person_with(store, "bio1").id, person_with(store, "ml1").id
    P.merge(store, ml, bio, who="ann")
    code, out, err = run_cli(
        capsys, "split", ml, "--works", wid(store, "bio2"), "--db", store.path, "--by", "ann"
    )
    assert code == 0, err
    new = out.split()[-1]
    shown = people(store)
    assert shown[new] == {wid(store, "bio2")}
    assert shown[ml] == {wid(store, k) for k in ("ml1", "ml2", "ml3", "ml4", "bio1", "bio3")}
    for _ in range(2):
        P.disambiguate(store, TinyModel())
        assert people(store) == shown
    # undo the split: the work goes back to the merged person
    P.undo(store, 2, who="ann")
    assert people(store) == {ml: shown[ml] | shown[new]}


def test_audit_of_a_file_is_a_read(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from _helpers import write_bib

    listing = write_bib(
        tmp_path / "page.bib", ML[:2] + [BIO[0]] + [("x1", "A new paper", ["Jaeseong Lee"], "X", 2024)]
    )
    counts = {t: store.count(t) for t in ("works", "listings")}
    report = P.audit(store, listing, TinyModel(), owner="Jaeseong Lee")
    assert len(report.works) == 4
    assert {t: store.count(t) for t in counts} == counts  # nothing stored
    code, out, err = run_cli(capsys, "audit", listing, "--owner", "Jaeseong Lee", "--db", store.path)
    assert code == 0, err
    assert "the file was not stored" in out and {t: store.count(t) for t in counts} == counts
