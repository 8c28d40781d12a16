"""Curation events -> constraints, and refusal of contradictions (pure)."""

from __future__ import annotations

import pytest

from byline import ConstraintError
from byline.curation import ConstraintSet, Event


def ev(i, kind, person, **payload):
    return Event(i, kind, person, payload, who="tester", why="test")


def test_split_then_merge_back_is_refused():
    cs = ConstraintSet()
    cs.add(ev(1, "split", "P1", moved=["a", "b"], kept=["c"], works=["W1"], new_person="P2"))
    with pytest.raises(ConstraintError, match="split"):
        cs.add(ev(2, "merge", "P1", into="P1", **{"from": "P2"}, a=["c"], b=["a", "b"]))
    # nothing changed by the refused event
    assert not cs.linked("a", "c") and len(cs.events) == 1


def test_claim_conflicting_with_split_is_refused():
    cs = ConstraintSet().extend(
        [ev(1, "split", "P1", moved=["a"], kept=["c", "d"], works=["W"], new_person="P2")]
    )
    with pytest.raises(ConstraintError):
        cs.add(ev(2, "claim", "P1", works=["W"], signatures=["a"], anchor=["c"]))


def test_split_of_locked_person_is_refused():
    cs = ConstraintSet().extend([ev(1, "lock", "P1", members=["a", "b", "c"])])
    with pytest.raises(ConstraintError, match="lock"):
        cs.add(ev(2, "split", "P1", moved=["a"], kept=["b", "c"], works=["W"], new_person="P2"))


def test_pairs_and_lock_expansion_within_block():
    cs = ConstraintSet().extend(
        [
            ev(1, "merge", "P1", into="P1", **{"from": "P2"}, a=["a"], b=["b"]),
            ev(2, "lock", "P1", members=["a", "b"]),
            ev(3, "split", "P3", moved=["x"], kept=["y"], works=["W"], new_person="P4"),
        ]
    )
    block = {"a": "k", "b": "k", "c": "k", "x": "j", "y": "j", "z": "other"}
    c = cs.for_signatures(block, block_of=block)
    assert c.must_link == (("a", "b"),)
    assert ("a", "c") in c.cannot_link and ("b", "c") in c.cannot_link
    assert ("x", "y") in c.cannot_link
    assert not any("z" in pair for pair in c.cannot_link)
    assert cs.decided_by("a", "b")[0] == "must-link"
    assert cs.decided_by("a", "c")[0] == "cannot-link"
    assert cs.decided_by("x", "y")[1].id == 3
    assert cs.decided_by("c", "z") is None


def test_claim_after_lock_extends_locked_person():
    cs = ConstraintSet().extend(
        [
            ev(1, "lock", "P1", members=["a", "b"]),
            ev(2, "claim", "P1", works=["W"], signatures=["n"], anchor=["a"]),
        ]
    )
    assert cs.linked("n", "b")
    assert any("n" in comp for comp in cs.locked_components())
