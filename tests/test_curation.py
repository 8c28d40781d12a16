"""Curation events -> curated groups -> constraints (pure): a later event wins for what it names, a locked
person is frozen, and ORCID iDs decide only what curation left open."""

from __future__ import annotations

import pytest

from byline import ConstraintError
from byline._unionfind import UnionFind
from byline.curation import ConstraintSet, Event, identity_decision
from byline.records import Signature


def ev(i, kind, person, **payload):
    return Event(i, kind, person, payload, who="tester", why="test")


def merge(i, a, b):
    return ev(i, "merge", "P1", into="P1", **{"from": "P2"}, a=a, b=b)


def test_merge_after_split_joins_what_it_names():
    cs = ConstraintSet()
    cs.add(ev(1, "split", "P1", moved=["a", "b"], kept=["c"], works=["W1"], new_person="P2"))
    assert cs.decided_by("a", "c") == ("cannot-link", cs.events[0])
    cs.add(merge(2, ["c"], ["a", "b"]))  # the curator's later word: one person again
    assert cs.linked("a", "c") and cs.decided_by("a", "c")[1].id == 2


def test_split_after_merge_separates_only_the_works_it_names():
    cs = ConstraintSet().extend([merge(1, ["a", "b"], ["c", "d"])])
    cs.add(ev(2, "split", "P1", moved=["c"], kept=["a", "b", "d"], works=["Wc"], new_person="P3"))
    assert cs.linked("a", "d") and cs.linked("b", "d")  # the rest stays merged
    assert not cs.linked("a", "c") and cs.decided_by("c", "d")[1].id == 2


def test_two_groups_split_out_of_one_person_stay_apart():
    cs = ConstraintSet().extend(
        [
            ev(1, "split", "P", moved=["x"], kept=["k1", "k2", "y"], works=["Wx"], new_person="P2"),
            ev(2, "split", "P", moved=["y"], kept=["k1", "k2"], works=["Wy"], new_person="P3"),
        ]
    )
    c = cs.for_signatures(["x", "y", "k1", "k2", "u"])
    cannot = set(c.cannot_link)
    assert ("x", "y") in cannot and ("k1", "x") in cannot and ("k1", "y") in cannot
    assert c.must_link == (("k1", "k2"),)
    assert not any("u" in pair for pair in cannot)  # an uncurated signature is the model's to place


def test_lock_refuses_claim_split_and_merge_naming_the_lock_and_the_unlock():
    cs = ConstraintSet().extend([ev(1, "lock", "P1", members=["a", "b"])])
    attempts = [
        ev(2, "claim", "P9", works=["Wa"], signatures=["a"], anchor=["z"]),  # a work out of the locked person
        ev(2, "claim", "P1", works=["Wn"], signatures=["n"], anchor=["a", "b"]),  # a work into it
        ev(2, "split", "P1", moved=["a"], kept=["b"], works=["Wa"], new_person="P2"),
        merge(2, ["a", "b"], ["z"]),
    ]
    for attempt in attempts:
        with pytest.raises(ConstraintError) as err:
            cs.add(attempt)
        msg = str(err.value)
        assert msg.startswith(f"{attempt.kind} refused: person P1 is locked by event #1 (lock of P1")
        assert msg.endswith("lift it with `unlock P1`") and "\n" not in msg
    assert [e.id for e in cs.events] == [1] and cs.component("a") == {"a", "b"}
    cs.add(ev(3, "unlock", "P1", reverts=[1]))
    cs.add(attempts[0])  # unlocked: the claim now goes through
    assert cs.linked("a", "z") and not cs.linked("a", "b")


def test_undo_is_a_replay_without_the_event():
    log = [
        merge(1, ["a", "b"], ["c", "d"]),
        ev(2, "split", "P1", moved=["c"], kept=["a", "b", "d"], works=["Wc"], new_person="P3"),
        ev(3, "lock", "P3", members=["c"]),
    ]
    cs = ConstraintSet().extend(log)
    cs.add(ev(4, "undo", "P1", reverts=[1]))
    assert cs.groups() == ConstraintSet().extend(log[1:]).groups()  # the split's word on a, b, d still holds
    with pytest.raises(ConstraintError, match="already undone"):
        cs.add(ev(5, "undo", "P1", reverts=[1]))
    with pytest.raises(ConstraintError, match="itself an undo"):
        cs.add(ev(5, "undo", "P1", reverts=[4]))


def test_lenient_replay_skips_an_event_the_rules_now_refuse():
    log = [
        ev(1, "lock", "P1", members=["a", "b"]),
        ev(2, "claim", "P9", works=["Wa"], signatures=["a"], anchor=["z"]),  # accepted by an older version
    ]
    cs = ConstraintSet.replay(log)
    assert cs.component("a") == {"a", "b"} and [e.id for e, _ in cs.ignored] == [2]
    with pytest.raises(ConstraintError):
        ConstraintSet.replay(log, strict=True)


def test_lock_expands_within_its_block_only():
    cs = ConstraintSet().extend([merge(1, ["a"], ["b"]), ev(2, "lock", "P1", members=["a", "b"])])
    block = {"a": "k", "b": "k", "c": "k", "z": "other"}
    c = cs.for_signatures(block, block_of=block)
    assert c.must_link == (("a", "b"),)
    assert ("a", "c") in c.cannot_link and not any("z" in pair for pair in c.cannot_link)
    assert cs.decided_by("a", "c") == ("cannot-link", cs.events[1])
    assert cs.decided_by("c", "z") is None


def sig(sid, name="Jaeseong Lee", orcid=None):
    return Signature(id=sid, work_id=sid.split("#")[0], position=0, name=name, orcid=orcid)


ORCID_A, ORCID_B = "0000-0002-1825-0097", "https://orcid.org/0000-0001-5109-3700"


def test_orcid_ids_join_and_separate_below_curation():
    sigs = {
        s.id: s
        for s in [
            sig("W1#0", orcid=ORCID_A),
            sig("W2#0", orcid=ORCID_A.replace("-", "")),  # the same iD printed another way
            sig("W3#0", orcid=ORCID_B),
            sig("W4#0"),  # no iD: the model's to place
        ]
    }
    c = ConstraintSet().for_signatures(sigs, signatures=sigs)
    assert c.must_link == (("W1#0", "W2#0"),)
    assert set(c.cannot_link) == {("W1#0", "W3#0")}  # one pair between the two iD groups is enough
    # a curator's merge wins over different iDs, a curator's split over the same iD
    cs = ConstraintSet().extend(
        [
            merge(1, ["W1#0"], ["W3#0"]),
            ev(2, "split", "P", moved=["W2#0"], kept=["W1#0", "W3#0"], works=["W2"], new_person="P2"),
        ]
    )
    c = cs.for_signatures(sigs, signatures=sigs)
    assert ("W1#0", "W3#0") in c.must_link and ("W1#0", "W2#0") not in c.must_link
    assert ("W1#0", "W2#0") in c.cannot_link
    assert identity_decision(sigs["W1#0"], sigs["W2#0"])[0] == "must-link"
    assert identity_decision(sigs["W1#0"], sigs["W3#0"])[0] == "cannot-link"
    assert identity_decision(sigs["W1#0"], sigs["W4#0"]) is None


def test_orcid_never_forces_what_the_engine_forbids():
    sigs = {
        s.id: s
        for s in [
            sig("W1#0", orcid=ORCID_A),
            sig("W1#1", orcid=ORCID_A),  # two authors of one paper with one iD: a data error
            sig("W2#0", name="Jinho Lee", orcid=ORCID_A),  # incompatible given names
        ]
    }
    c = ConstraintSet().for_signatures(sigs, signatures=sigs)
    assert c.must_link == () and c.cannot_link == ()


def test_orcid_respects_a_curated_person_with_two_ids():
    sigs = {
        s.id: s
        for s in [
            sig("W1#0", orcid=ORCID_A),
            sig("W2#0", orcid=ORCID_B),
            sig("W0#0", orcid=ORCID_A),  # uncurated, smallest id: joins the curated person by its iD
            sig("W3#0", orcid=ORCID_B),
        ]
    }
    cs = ConstraintSet().extend([merge(1, ["W1#0"], ["W2#0"])])  # the curator: one person, two iDs
    c = cs.for_signatures(sigs, signatures=sigs)
    uf = UnionFind(sigs)  # the clusterer's own rule: no pair may be both must- and cannot-linked
    for a, b in c.must_link:
        uf.union(a, b)
    assert not any(uf.connected(a, b) for a, b in c.cannot_link)
    assert uf.connected("W0#0", "W1#0") and uf.connected("W3#0", "W2#0") and uf.connected("W0#0", "W3#0")


def test_undo_refused_when_earlier_words_would_contradict_a_later_event():
    def claim(i, person, anchor, sigs, rest):
        return ev(i, "claim", person, works=["W"], anchor=anchor, signatures=sigs, rest=rest)

    cs = ConstraintSet().extend(
        [
            claim(1, "P1", ["f", "a", "d"], ["b"], [["e", "m", "c"]]),  # b moved in; e, m, c left behind
            claim(2, "P2", ["o", "l"], ["f"], [["a", "b", "d"]]),  # f moved on
            claim(3, "P1", ["a", "b", "d"], ["e"], [["m", "c"]]),  # e moved in, beside a, b, d (not f)
        ]
    )
    # without #2, f would be with a, b, d (#1) and so with e (#3), which #1 keeps apart from f
    with pytest.raises(ConstraintError, match=r"^undo refused: event #3 \(claim .*undo event #3 first$"):
        cs.add(ev(4, "undo", "P2", reverts=[2]))
    assert cs.component("e") == {"a", "b", "d", "e"} and cs.component("f") == {"f", "o", "l"}
