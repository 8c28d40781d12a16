"""Training augmentation: derived copies keep labels apart from the originals and lose what they say."""

from __future__ import annotations

import pytest

from byline.augment import KINDS, augmented, derive, initials_name, some_abstract_only
from byline.records import Signature


def sig(k: int, **kw) -> Signature:
    base = dict(
        id=f"s{k}",
        name="Jae-Seong Lee",
        work_id=f"w{k}",
        coauthors=("Jaegul Choo", "Lee HY"),
        title="Face swapping",
        abstract="We swap faces.",
        venue="CVPR",
        year=2023,
        keywords=("faces",),
        affiliations=("KAIST",),
        email="j@kaist.ac.kr",
        person="p1",
        dataset="aminer",
        block="Jaeseong Lee",
    )
    base.update(kw)
    return Signature(**base)


@pytest.mark.parametrize(
    "printed, initials",
    [
        ("Jae-Seong Lee", "J. S. Lee"),
        ("Lee HY", "H. Y. Lee"),
        ("Ludwig van Beethoven", "L. Van Beethoven"),
        ("Lee", "Lee"),
    ],
)
def test_initials_name(printed, initials):
    assert initials_name(printed) == initials


def test_copies_are_their_own_dataset_people_and_ids():
    sigs = [sig(0), sig(1, person="p2")]
    out = augmented(sigs, KINDS)
    assert out[:2] == sigs  # originals untouched
    assert len(out) == 2 * (1 + len(KINDS))
    assert len({s.id for s in out}) == len(out)
    for kind in KINDS:
        copies = [s for s in out if s.dataset == f"aminer~{kind}"]
        assert [s.person for s in copies] == [f"p1~{kind}", f"p2~{kind}"]
        assert all(s.work_id.endswith(f"~{kind}") for s in copies)


def test_what_each_copy_loses():
    s = sig(0)
    ini, sparse, bare = (derive([s], k)[0] for k in ("initials", "sparse", "abstract-only"))
    assert ini.name == "J. S. Lee" and ini.coauthors == ("J. Choo", "H. Y. Lee") and ini.title == s.title
    assert (sparse.abstract, sparse.keywords, sparse.affiliations, sparse.email) == (None, (), (), None)
    assert sparse.title == s.title and sparse.coauthors == s.coauthors
    assert bare.abstract == s.abstract and bare.name == s.name
    assert (bare.title, bare.coauthors, bare.venue, bare.year) == (None, (), None, None)
    # no abstract: nothing to reduce to
    assert derive([sig(1, abstract=None)], "abstract-only")[0].title == "Face swapping"


def test_some_abstract_only_is_deterministic_and_takes_about_half():
    sigs = [sig(k) for k in range(400)]
    bare = [some_abstract_only(s).title is None for s in sigs]
    assert bare == [some_abstract_only(s).title is None for s in sigs]
    assert 150 < sum(bare) < 250


def test_unknown_kind_is_a_value_error():
    with pytest.raises(ValueError, match="unknown augmentation"):
        derive([sig(0)], "stemmed")


def test_hard_copy_stems_titles_and_drops_rich_fields():
    from byline.augment import derive, stem_word, stemmed_title
    from byline.records import Signature

    s = Signature(
        id="a", name="Jaeseong Lee", title="Learning Graph Networks!", abstract="x", email="e@x", person="p"
    )
    (h,) = derive([s], "hard")
    assert (h.name, h.title, h.abstract, h.email) == ("J. Lee", "learn graph network", None, None)
    assert (h.person, h.dataset) == ("p~hard", "data~hard")
    assert stem_word("class") == "class" and stemmed_title(None) is None


@pytest.mark.parametrize("kind", ["initials-undated", "sparse-undated"])
def test_undated_copies_drop_the_year_from_half_of_either_class(kind):
    """A missing year must say nothing about the pair: the copies drop it from about half the signatures,
    chosen by id alone, so same-person and different-person pairs lose it alike."""
    sigs = [sig(k, person=f"p{k % 2}") for k in range(400)]
    out = derive(sigs, kind)
    assert out == derive(sigs, kind)  # deterministic
    undated = [c.year is None for c in out]
    assert all(c.venue == "CVPR" for c in out)
    assert 150 < sum(undated) < 250
    for person in ("p0", "p1"):  # both people lose them
        mine = [u for u, s in zip(undated, sigs, strict=True) if s.person == person]
        assert 60 < sum(mine) < 140
    dated = out[undated.index(False)]
    assert (dated.year, dated.venue) == (2023, "CVPR")
    base = derive(sigs[:1], kind.split("-")[0])[0]
    assert (out[0].name, out[0].abstract) == (base.name, base.abstract)
