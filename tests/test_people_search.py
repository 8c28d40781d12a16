"""Name search (``byline people --name``, ``GET /api/people?name=``): the same answers, and a number of SQL
statements that does not grow with the store."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from _helpers import BIO, ML, TinyModel, write_bib
from byline import people as P
from byline.names import parse_name
from byline.people import views as V
from byline.people.views import name_match, name_matcher
from byline.store import Store

OTHER_SURNAMES = ["Park", "Cho", "Baker", "Wang", "Kim", "Nguyen", "Garcia", "Rossi"]
OTHER_GIVEN = ["Minho", "Sora", "Hana", "Tom", "Lei", "Wei", "Anna", "Luca", "Jin"]


def _filler(n_works: int, seed: int) -> list[tuple]:
    """Papers by other people (no Jaeseong Lee among them)."""
    rng = random.Random(seed)
    out = []
    for k in range(n_works):
        authors = list(
            dict.fromkeys(f"{rng.choice(OTHER_GIVEN)} {rng.choice(OTHER_SURNAMES)}" for _ in range(3))
        )
        out.append(
            (f"f{seed}_{k}", f"Study {k} of things {rng.randint(0, 10**6)}", authors, "J", 2000 + k % 20)
        )
    return out


def _store(tmp: Path, name: str, filler: int) -> Store:
    s = Store(tmp / f"{name}.db")
    s.ingest([write_bib(tmp / f"{name}.bib", ML + BIO + _filler(filler, seed=7))])
    P.disambiguate(s, TinyModel())
    return s


def _statements(s: Store, query: str | None) -> tuple[int, list[P.PersonRow]]:
    seen: list[str] = []
    s.connection.set_trace_callback(seen.append)
    try:
        rows = P.list_people(s, query)
    finally:
        s.connection.set_trace_callback(None)
    return len(seen), rows


def test_search_statements_do_not_grow_with_the_store(tmp_path: Path) -> None:
    small, big = _store(tmp_path, "small", 10), _store(tmp_path, "big", 300)
    try:
        assert big.count("signatures") > 10 * small.count("signatures") / 2
        n_small, rows_small = _statements(small, "Jaeseong Lee")
        n_big, rows_big = _statements(big, "Jaeseong Lee")
        assert n_small == n_big <= 4
        # the same two people (graph networks, soil science) are found in both stores
        assert (
            sorted(len(p.work_ids) for p in rows_small) == sorted(len(p.work_ids) for p in rows_big) == [3, 4]
        )
        assert _statements(small, None)[0] == _statements(big, None)[0] <= 4
    finally:
        small.close()
        big.close()


def _reference_match(printed: str, query: str) -> bool:
    """The search rule without the fast path (no prefilter): any reading of the query, exact."""
    a = parse_name(printed)
    return any(V._exact(a, r, printed) for r in V._readings(query))


def _reference_kind(printed: str, query: str) -> str | None:
    a = parse_name(printed)
    readings = V._readings(query)
    if any(V._exact(a, r, printed) for r in readings):
        return V.EXACT
    return V.SIMILAR if any(V._similar(a, r) for r in readings) else None


PRINTED = [
    "Jaeseong Lee",
    "Lee Jaeseong",
    "LEE Jaeseong",
    "J. Lee",
    "Lee, J.",
    "Jae-Seong Lee",
    "JS Lee",
    "Lee J",
    "Jaeseong",
    "Lee",
    "Lei Wang",
    "Wang Lei",
    "Wang, L.",
    "L. Wang",
    "Lei Wang Jr.",
    "Pierre van der Berg",
    "van der Berg, Pierre",
    "Berg, P. van der",
    "P. van der Berg",
    "Müller, Jörg",
    "Jorg Muller",
    "J. Müller",
    "O'Brien, Sean",
    "Sean O'Brien",
    "S. OBrien",
    "Hyun-Young Lee",
    "Lee HY",
    "H.-Y. Lee",
    "",
    "Ann",
    "Jaesong Lee",
    "Jaeseong Leee",
    "Jaeyeong Lee",
    "Lee Jaesung",
    "이재성",
    "王磊",
    "Lei Wong",
]
QUERIES = [
    "Jaeseong Lee",
    "J. Lee",
    "Lei Wang",
    "Wang Lei",
    "Pierre van der Berg",
    "Jörg Müller",
    "Sean O'Brien",
    "Hyun-Young Lee",
    "HY Lee",
    "Lee",
    "Ann",
    "Lee Jaeseong",
    "Jaeseong",
    "Jaesong Lee",
    "Jaesong",
    "이재성",
    "王磊",
    "Lei Wnag",
]


@pytest.mark.parametrize("query", QUERIES)
def test_fast_matcher_agrees_with_the_reference_rule(query: str) -> None:
    match = name_matcher(query)
    for printed in PRINTED:
        assert match(printed) == _reference_match(printed, query), (printed, query)


@pytest.mark.parametrize("query", QUERIES)
def test_prefilters_never_drop_a_match(query: str) -> None:
    """The fast path (Python) and the SQL LIKE prefilter keep every name the full rule matches, typos
    included."""
    import sqlite3

    match = name_match(query)
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE t (name TEXT)")
    con.executemany("INSERT INTO t VALUES (?)", [(n,) for n in PRINTED])
    from byline.people.repo import _like_filter

    where, args = _like_filter("name", V._needles(query, similar=True))
    kept = {r[0] for r in con.execute("SELECT name FROM t" + where, args)}
    for printed in PRINTED:
        kind = _reference_kind(printed, query)
        assert match(printed) == kind, (printed, query)
        if kind is not None and printed:
            assert printed in kept, (printed, query)


@pytest.mark.parametrize(
    ("query", "printed", "kind"),
    [
        ("Lee Jaeseong", "Jaeseong Lee", V.EXACT),
        ("Jaeseong", "Jaeseong Lee", V.EXACT),
        ("Jaeseong", "Lee, Jaeseong", V.EXACT),
        ("J. Lee", "Jaeseong Lee", V.EXACT),
        ("Lee J", "Jaeseong Lee", V.EXACT),
        ("Jaesong Lee", "Jaeseong Lee", V.SIMILAR),
        ("Jaesong", "Jaeseong Lee", V.SIMILAR),
        ("Lei Wnag", "Lei Wang", V.SIMILAR),
        ("Jaeseogn Lee", "Jaeseong Lee", V.SIMILAR),
        ("Jaeseong Lee", "Jaeyeong Lee", V.SIMILAR),
        ("Jaeseong Lee", "Minho Kim", None),
        ("Jaeseong Lee", "Jaehyun Lee", None),
        ("이재성", "이재성", V.EXACT),
        ("王磊", "Lei Wang", V.EXACT),
    ],
)
def test_printed_forms_of_a_name(query: str, printed: str, kind: str | None) -> None:
    assert name_match(query)(printed) == kind


VARIANTS = [
    ("v1", "Graph transformers for molecular property prediction", ["이재성", "Minho Kim"], "NeurIPS", 2023),
    ("v2", "Contrastive learning of molecular graphs", ["이재성", "Sora Park"], "ICML", 2023),
]


def _variant_store(tmp: Path, filler: int) -> Store:
    s = Store(tmp / f"v{filler}.db")
    s.ingest([write_bib(tmp / f"v{filler}.bib", ML + BIO + VARIANTS + _filler(filler, seed=7))])
    P.disambiguate(s, TinyModel())
    return s


def _search(s: Store, query: str | None, **kw: object) -> tuple[int, V.SearchPage]:
    seen: list[str] = []
    s.connection.set_trace_callback(seen.append)
    try:
        page = V.search_people(s, query, **kw)
    finally:
        s.connection.set_trace_callback(None)
    return len(seen), page


def test_search_finds_people_by_any_printed_form_in_few_statements(tmp_path: Path) -> None:
    small, big = _variant_store(tmp_path, 10), _variant_store(tmp_path, 300)
    try:
        for s in (small, big):
            _, page = _search(s, "Jaeseong Lee")
            assert page.n_exact == 2
            both = {p.id for p in page.people[:2]}
            assert sorted(len(p.work_ids) for p in page.people[:2]) == [3, 4]
            # after them, as similar names: the same author printed in Hangul (이재성 reads "i jae seong")
            assert {(p.name, p.match) for p in page.people[2:]} == {("이재성", V.SIMILAR)}
            for query in ("Lee Jaeseong", "Jaeseong", "J. Lee", "Lee, J.", "JAESEONG LEE"):
                _, page = _search(s, query)
                found = {p.id for p in page.people if p.match == V.EXACT}
                assert both <= found, query
            _, page = _search(s, "Jaesong Lee")  # a typo: found, as a similar name
            assert page.n_exact == 0 and {p.id for p in page.people} == both
            assert {p.match for p in page.people} == {V.SIMILAR}
            _, page = _search(s, "이재성")  # the data prints this author in Hangul
            assert {p.name for p in page.people if p.match == V.EXACT} == {"이재성"}
            assert sum(len(p.work_ids) for p in page.people if p.match == V.EXACT) == 2
        # the same number of statements in both stores, for every kind of query and page
        for query, kw in [
            ("Jaeseong Lee", {}),
            ("Jaesong Lee", {}),
            ("Jaeseong", {"offset": 1, "limit": 1}),
            ("이재성", {}),
            (None, {"offset": 5, "limit": 10}),
        ]:
            n_small, _ = _search(small, query, **kw)
            n_big, _ = _search(big, query, **kw)
            assert n_small == n_big <= 4, (query, n_small, n_big)
    finally:
        small.close()
        big.close()


def test_search_pages_cover_every_match_once(tmp_path: Path) -> None:
    s = _variant_store(tmp_path, 40)
    try:
        full = V.search_people(s, "Kim", limit=None)
        assert full.total == len(full.people) > 3
        pages = [V.search_people(s, "Kim", offset=k, limit=2) for k in range(0, full.total, 2)]
        assert all(p.total == full.total for p in pages)
        assert [r.id for p in pages for r in p.people] == [r.id for r in full.people]
        assert V.search_people(s, "Kim", offset=full.total, limit=2).people == []
        everyone = V.search_people(s, None, limit=3)
        assert len(everyone.people) == 3 and everyone.total == len(P.list_people(s))
    finally:
        s.close()
