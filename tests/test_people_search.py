"""Name search (``byline people --name``, ``GET /api/people?name=``): the same answers, and a number of SQL
statements that does not grow with the store."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from _helpers import BIO, ML, TinyModel, write_bib
from byline import people as P
from byline.names import compatible, normalize, parse_name
from byline.people.views import name_matcher
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
    """The search rule as it was before the fast path (no prefilter)."""
    target, key = parse_name(query), normalize(query)
    if not compatible(printed, target):
        return False
    a = parse_name(printed)
    if target.given_is_initial or a.given_is_initial:
        return True
    return a.given_joined == target.given_joined or normalize(printed) == key


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
]


@pytest.mark.parametrize("query", QUERIES)
def test_fast_matcher_agrees_with_the_reference_rule(query: str) -> None:
    match = name_matcher(query)
    for printed in PRINTED:
        assert match(printed) == _reference_match(printed, query), (printed, query)
