"""Pure tests of stable person-id matching (no store, no model)."""

from __future__ import annotations

from byline._person_ids import follow, match_people, new_person_id


def test_same_clustering_keeps_ids():
    old = {"a": "P1", "b": "P1", "c": "P2"}
    m = match_people(old, {"a": "x", "b": "x", "c": "y"})
    assert m.person_of({"a": "x", "b": "x", "c": "y"}) == old
    assert not m.redirects and not m.new and not m.dropped


def test_new_signature_joins_continuing_person():
    old = {"a": "P1", "b": "P1", "c": "P2"}
    m = match_people(old, {"a": "k1", "b": "k1", "d": "k1", "c": "k2"})
    assert m.ids == {"k1": "P1", "k2": "P2"}


def test_merge_redirects_smaller_person():
    old = {"a": "P1", "b": "P1", "c": "P2"}
    m = match_people(old, {"a": "k", "b": "k", "c": "k"})
    assert m.ids == {"k": "P1"}
    assert m.redirects == {"P2": "P1"}


def test_split_keeps_id_for_larger_part_and_new_id_is_deterministic():
    old = {"a": "P1", "b": "P1", "c": "P1"}
    clusters = {"a": "k1", "b": "k1", "c": "k2"}
    m1 = match_people(old, clusters)
    m2 = match_people(old, dict(reversed(list(clusters.items()))))
    assert m1.ids["k1"] == "P1"
    assert m1.ids["k2"] == new_person_id("c") == m2.ids["k2"]


def test_tie_break_is_deterministic():
    old = {"a": "P2", "b": "P1"}
    m = match_people(old, {"a": "k", "b": "k"})
    assert m.ids == {"k": "P1"} and m.redirects == {"P2": "P1"}


def test_retired_ids_are_never_reused():
    pid = new_person_id("a")
    m = match_people({}, {"a": "k"}, taken={pid})
    assert m.ids["k"] != pid and m.ids["k"].startswith("P")


def test_dropped_and_follow():
    m = match_people({"gone": "P9"}, {"a": "k"})
    assert m.dropped == ["P9"]
    assert follow({"A": "B", "B": "C"}, "A") == "C"
    assert follow({"A": "B", "B": "A"}, "A") in {"A", "B"}  # a cycle does not hang
