"""The deterministic derivations of benchmarks/robustness.py, on a tiny in-test dataset (no shared data)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from byline.block import group_blocks
from byline.names import parse_name
from byline.records import Signature

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "robustness.py"


@pytest.fixture(scope="module")
def rb():
    spec = importlib.util.spec_from_file_location("byline_bench_robustness", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def _sig(i, name, block, person, dataset="toy", **kw):
    return Signature(id=f"s{i}", name=name, block=block, person=person, dataset=dataset, **kw)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jaeseong Lee", "J. Lee"),
        ("Jae-Seong Lee", "J. S. Lee"),
        ("Lee, Jae-Seong", "Lee, J. S."),
        ("JaeSeong Lee", "J. S. Lee"),
        ("michael s. bernstein", "m. s. bernstein"),
        ("Ludwig van Beethoven Jr.", "L. van Beethoven Jr."),
        ("Jose M. Garcia", "J. M. Garcia"),
        ("&Aacute;lvaro Garc&iacute;a", "Á. Garc&iacute;a"),
        # already initials only, or no given name: unchanged
        ("Lee HY", "Lee HY"),
        ("Anderson C", "Anderson C"),
        ("J. C. Ye", "J. C. Ye"),
        ("Lee", "Lee"),
    ],
)
def test_initials_rule(rb, name, expected):
    assert rb.initials_name(name) == expected


@pytest.mark.parametrize(
    "name", ["Jaeseong Lee", "Lee, Jae-Seong", "Hye-Young Lee", "Ludwig van Beethoven Jr.", "wei wang"]
)
def test_initials_keep_surname_and_initials_as_byline_parses_them(rb, name):
    a, b = parse_name(name), parse_name(rb.initials_name(name))
    assert (b.surname, b.initials) == (a.surname, a.initials)
    assert all(len(p) == 1 for p in b.given_parts)


def test_to_initials_and_sparse_copy_without_touching_the_input(rb):
    s = _sig(
        1,
        "Jaeseong Lee",
        "Jaeseong Lee",
        "p1",
        coauthors=("Nojun Kwak", "y. yoo"),
        title="T",
        venue="V",
        year=2020,
        abstract="A",
        keywords=("k",),
        affiliations=("SNU",),
        email="j@snu.ac.kr",
    )
    (ini,) = rb.to_initials([s])
    assert (ini.name, ini.coauthors, ini.block) == ("J. Lee", ("N. Kwak", "y. yoo"), "Jaeseong Lee")
    assert (ini.title, ini.abstract, ini.person) == ("T", "A", "p1")
    (sp,) = rb.to_sparse([s])
    assert (sp.abstract, sp.keywords, sp.affiliations, sp.email) == (None, (), (), None)
    assert (sp.title, sp.venue, sp.year, sp.coauthors, sp.name) == ("T", "V", 2020, s.coauthors, s.name)
    assert s.name == "Jaeseong Lee" and s.abstract == "A"  # the input is left as it was


def test_widen_blocks_joins_blocks_by_first_initial_and_surname(rb):
    sigs = [
        _sig(1, "Lei Wang", "Lei Wang", "a"),
        _sig(2, "Lei Wang", "Lei Wang", "a"),
        _sig(3, "Li Wang", "Li Wang", "b"),
        _sig(4, "Hao Wang", "Hao Wang", "c"),
        _sig(5, "Lei Wang", "Lei Wang", "d", dataset="other"),  # another dataset is never joined
        _sig(6, "Bing Liu", "Bing Liu", "e"),
        _sig(7, "B. Liu", "Bing Liu", "e"),  # same block, same key
    ]
    wide = rb.widen_blocks(sigs)
    assert [s.block for s in wide] == ["l wang", "l wang", "l wang", "h wang", "l wang", "b liu", "b liu"]
    assert [s.id for s in wide] == [s.id for s in sigs] and sigs[2].block == "Li Wang"
    sizes = {k: len(v) for k, v in group_blocks(wide).items()}
    assert sizes == {"other/l wang": 1, "toy/b liu": 2, "toy/h wang": 1, "toy/l wang": 3}
    # surname-only widening joins the Wangs
    by_surname = rb.widen_blocks(sigs, key=rb.surname_block_key)
    assert {s.block for s in by_surname if s.dataset == "toy"} == {"wang", "liu"}
    # deterministic, and a block is never split: every original block lies in one widened block
    assert [s.block for s in rb.widen_blocks(list(reversed(sigs)))] == [s.block for s in reversed(wide)]


def test_widen_blocks_never_splits_a_block(rb):
    # one dataset block whose names yield two keys ("Wang Lei" read as surname Lei) joins both key groups
    sigs = [
        _sig(1, "Lei Wang", "Lei Wang", "a"),
        _sig(2, "Wang Lei", "Lei Wang", "a"),
        _sig(3, "W. Lei", "W Lei", "z"),
    ]
    assert len({s.block for s in rb.widen_blocks(sigs)}) == 1


def test_stats_and_acceptance(rb):
    sigs = [
        _sig(1, "Jaeseong Lee", "B", "p", coauthors=("Nojun Kwak",), abstract="A"),
        _sig(2, "Lee J", "B", "p"),
    ]
    st = rb.derivation_stats("initials", sigs, rb.to_initials(sigs))
    assert (st["names_changed"], st["coauthor_names_changed"], st["coauthor_names"]) == (1, 1, 1)
    assert rb.derivation_stats("sparse", sigs, rb.to_sparse(sigs))["signatures_losing_a_field"] == 1
    buckets = {
        b: {"signatures": 0, "blocks": 0, "b3_recall": None}
        for b in ["1-9", "10-49", "50-199", "200-999", ">=1000"]
    }
    wide_b = dict(buckets, **{"200-999": {"signatures": 300, "blocks": 1, "b3_recall": 0.5}})
    res = {
        "toy": {
            "intact": {"b3_f1": 0.90, "b3_recall": 0.90, "largest_block": 100, "b3_by_block_size": buckets},
            "initials": {"b3_f1": 0.84},
            "sparse": {"b3_f1": 0.88},
            "wide": {"b3_f1": 0.70, "b3_recall": 0.6, "largest_block": 300, "b3_by_block_size": wide_b},
        }
    }
    acc = rb.acceptance(res)["toy"]
    assert acc["initials"]["holds"] is False and acc["sparse"]["holds"] is True
    assert acc["wide"]["holds"] is False and acc["wide"]["collapsed_buckets"] == ["200-999"]


def test_absent_datasets_exit_zero(rb, tmp_path, capsys):
    assert rb.main(["--datasets", str(tmp_path / "nope"), "--no-write"]) == 0
    assert "no labeled dev files" in capsys.readouterr().out
    assert not (tmp_path / "robustness.json").exists()


def test_the_hard_copy_applies_every_degradation(rb):
    sigs = [
        _sig(
            0,
            "Jaeseong Lee",
            "b1",
            "p1",
            title="Learning Graph Networks",
            abstract="x",
            keywords=("k",),
            affiliations=("KAIST",),
            email="a@b",
            coauthors=("Jaegul Choo",),
            venue="CVPR",
        ),
        _sig(1, "Jae-Seong Lee", "b2", "p2", title="Faces"),
    ]
    hard = rb.derive("hard", sigs)
    a = hard[0]
    assert (a.name, a.coauthors, a.title) == ("J. Lee", ("J. Choo",), "learn graph network")
    assert (a.abstract, a.keywords, a.affiliations, a.email, a.venue) == (None, (), (), None, "CVPR")
    assert hard[0].block == hard[1].block == "j lee"  # widened: both blocks share first initial + surname
    assert [s.person for s in hard] == ["p1", "p2"]
