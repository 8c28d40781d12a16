"""Name rules as a user meets them: middle initials that conflict keep two people apart whatever else
they share; the printed forms of one name (initials, joined, hyphenated, comma-reordered) stay one person
when the rest of the evidence agrees. Checked on the shipped model, end to end (block, score, cluster)."""

from __future__ import annotations

import numpy as np
import pytest

from byline.features import BlockData, cannot_link_mask
from byline.model import Disambiguator
from byline.names import block_key, compatible
from byline.records import Signature

VENUE = "Journal of Programming Languages"
TOPICS = (
    "Type inference for lazy functional programs",
    "Type classes and inference in functional programming languages",
    "A semantics of lazy evaluation for functional programs",
    "Typed functional programming with type classes",
)


@pytest.fixture(scope="module")
def model() -> Disambiguator:
    return Disambiguator.load_default()


def _sig(k: int, name: str, title: str, coauthors: tuple[str, ...], venue: str = VENUE) -> Signature:
    return Signature(
        id=f"s{k}", name=name, work_id=f"w{k}", coauthors=coauthors, title=title, venue=venue, year=2000 + k
    )


def test_conflicting_middle_initials_stay_apart_on_shared_venue_and_topic(model):
    sigs = [
        _sig(0, "Mark P. Jones", TOPICS[0], ("Simon Peyton Jones",)),
        _sig(1, "Mark P. Jones", TOPICS[1], ("Philip Wadler",)),
        _sig(2, "Mark T. Jones", TOPICS[2], ("Simon Peyton Jones",)),
        _sig(3, "Mark T. Jones", TOPICS[3], ("Philip Wadler",)),
    ]
    clusters = model.predict(sigs)
    assert clusters["s0"] != clusters["s2"] and clusters["s0"] != clusters["s3"]
    assert clusters["s1"] != clusters["s2"] and clusters["s1"] != clusters["s3"]


def test_a_middle_initial_against_none_or_initials_only_names_are_no_conflict():
    sigs = [
        _sig(0, "Mark P. Jones", TOPICS[0], ()),
        _sig(1, "Mark Jones", TOPICS[1], ()),
        _sig(2, "M. P. Jones", TOPICS[2], ()),
        _sig(3, "Mark T. Jones", TOPICS[3], ()),
        _sig(4, "Jones MT", TOPICS[3], ()),
        _sig(5, "Jones MP", TOPICS[3], ()),
    ]
    data = BlockData(sigs)
    i, j = np.array([0, 0, 1, 0, 3, 4]), np.array([1, 2, 3, 3, 4, 5])
    # only two printed full given names with different middle initials are two people; initials-only
    # names (MEDLINE's "Jones MT" / "Jones MP") vary with data entry and are left to the evidence
    assert cannot_link_mask(data, i, j).tolist() == [False, False, False, True, False, False]


FORMS = ("J. Lee", "Jaeseong Lee", "Jae-Seong Lee", "Lee, Jaeseong")


def test_printed_forms_of_one_name_are_compatible_and_share_a_block():
    assert len({block_key(f) for f in FORMS}) == 1
    for a in FORMS:
        for b in FORMS:
            assert compatible(a, b), (a, b)


def test_printed_forms_of_one_name_join_when_coauthors_agree(model):
    co = ("Jaegul Choo", "Sunghyun Park")
    titles = (
        "Robust face swapping with identity preservation",
        "Face swapping for high resolution portraits",
        "Head avatar reconstruction from monocular video",
        "Identity preserving head reenactment of faces",
    )
    sigs = [_sig(k, f, titles[k], co, venue="CVPR") for k, f in enumerate(FORMS)]
    # another J. Lee in the same block, with other coauthors and field, stays apart
    sigs.append(
        _sig(9, "Jaehyun Lee", "Catalyst design for hydrogen fuel cells", ("Maria Gomez",), "J. Catal.")
    )
    clusters = model.predict(sigs)
    assert len({clusters[f"s{k}"] for k in range(len(FORMS))}) == 1, clusters
    assert clusters["s9"] != clusters["s0"]
