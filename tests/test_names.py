"""Name parsing, normalization, compatibility, block keys and name counts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byline.names import NameCounts, block_key, compatible, given_compatible, normalize, parse_name


@pytest.mark.parametrize(
    ("raw", "given", "middle", "surname", "initials"),
    [
        ("Lei Wang", "lei", "", "wang", "l"),
        ("Lee HY", "h", "y", "lee", "hy"),
        ("Hye-Young Lee", "hyeyoung", "", "lee", "hy"),
        ("lee, jaeseong", "jaeseong", "", "lee", "j"),
        ("J. C. Ye", "j", "c", "ye", "jc"),
        ("Wang Lei", "wang", "", "lei", "w"),
        ("Ludwig van Beethoven Jr.", "ludwig", "", "van beethoven", "l"),
        ("Jae Seong Lee", "jae", "seong", "lee", "js"),
        ("José García-Márquez", "jose", "", "garcia marquez", "j"),
        ("WANG LEI", "wang", "", "lei", "w"),
        ("Lee, J.-S.", "j", "s", "lee", "js"),
        ("Smith, John, Jr.", "john", "", "smith", "j"),
    ],
)
def test_parse_examples(raw, given, middle, surname, initials):
    p = parse_name(raw)
    assert (p.given, p.middle, p.surname, p.initials) == (given, middle, surname, initials)


def test_suffix_and_particles():
    p = parse_name("Ludwig van Beethoven Jr.")
    assert p.suffix == "jr"
    assert block_key(p) == "l vanbeethoven"


def test_given_name_spellings_are_one_name():
    forms = ["Jae-Seong Lee", "Jae Seong Lee", "Jaeseong Lee", "lee, jaeseong", "LEE, Jae-Seong"]
    joined = {parse_name(f).given_joined for f in forms}
    assert joined == {"jaeseong"}
    for a in forms:
        for b in forms:
            assert compatible(a, b)


def test_initials_forms():
    assert parse_name("J. C. Ye").given_is_initial
    assert parse_name("Lee HY").given_is_initial
    assert not parse_name("Lei Wang").given_is_initial
    assert compatible("Lee HY", "Hye-Young Lee")
    assert compatible("H. Lee", "Hye-Young Lee")
    assert not compatible("K. Lee", "Hye-Young Lee")


def test_incompatible_full_given_names():
    assert not compatible("Lei Wang", "Li Wang")
    assert compatible("Alex Smith", "Alexander Smith")  # prefix: a short form
    assert not given_compatible(parse_name("Jing Li"), parse_name("Jun Li"))


def test_swapped_order_is_compatible():
    assert compatible("Wang Lei", "Lei Wang")


def test_block_key_and_normalize():
    assert block_key("Lei Wang") == "l wang"
    assert block_key("Wang, L.") == "l wang"
    assert block_key("Lee HY") == "h lee"
    assert block_key("Müller, Jürgen") == "j muller"
    assert normalize("  Ærø  Øster ") == "aero oster"
    assert block_key("") == ""


def test_name_counts_roundtrip():
    nc = NameCounts().fit(["Lei Wang", "Lei Wang", "L. Wang", "Jaeseong Lee"])
    p = parse_name("Lei Wang")
    assert nc.count_full(p) == 2
    assert nc.count_surname(p) == 3
    assert nc.count_first_last(p) == 3
    assert nc.count_full(parse_name("L. Wang")) == -1  # initial-only: unknown full name
    nc2 = NameCounts.from_dict(nc.to_dict())
    assert nc2.count_full(p) == 2 and nc2.total_ == 4


_name_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(_name_text)
def test_parse_never_raises_and_is_normalized(s):
    p = parse_name(s)
    for part in (p.given, p.middle, p.surname, p.initials):
        assert part == part.lower()
        assert part.isascii()
    assert compatible(s, s)
    assert isinstance(block_key(s), str)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["Lei", "Jae-Seong", "Hye Young", "Marie", "José"]),
    st.sampled_from(["Wang", "Lee", "García", "van Dijk"]),
)
def test_comma_and_plain_order_agree(given_name, surname):
    a = parse_name(f"{given_name} {surname}")
    b = parse_name(f"{surname}, {given_name}")
    assert a.given_joined == b.given_joined
    assert a.surname == b.surname
    assert compatible(a, b)
    assert block_key(a) == block_key(b)


@settings(max_examples=200, deadline=None)
@given(_name_text, _name_text)
def test_compatible_is_symmetric(a, b):
    assert compatible(a, b) == compatible(b, a)


def test_middle_initial_never_makes_names_incompatible():
    assert parse_name("John A. Smith").given_joined == "john"
    assert compatible("John A. Smith", "John B. Smith")
    assert compatible("John A. Smith", "John Smith")
    assert parse_name("Jae Seong Lee").given_joined == "jaeseong"


# --- the source's family/given split (names.joined_name) and the one lexicon ------------------------

_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéüñ", min_size=2, max_size=8).map(str.capitalize)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(_WORDS, min_size=1, max_size=2).map(" ".join),
    st.lists(_WORDS, min_size=1, max_size=3).map(" ".join),
)
def test_joined_name_keeps_the_family_as_the_surname(given_name, family):
    from byline.names import SURNAME_JOINER, joined_name

    name = joined_name(given_name, family)
    shown = name.replace(SURNAME_JOINER, " ")
    assert shown in (f"{given_name} {family}", f"{family}, {given_name}")  # shown as printed
    assert parse_name(name).surname == parse_name(f"{family}, {given_name}").surname
    assert block_key(name) == block_key(f"{family}, {given_name}")
    assert compatible(name, f"{family}, {given_name}")


@pytest.mark.parametrize(
    ("given_name", "family", "joined"),
    [("Fatima Zahrae", "Chrifi Alaoui", True), ("J.", "van der Berg", False), ("Ann", "Lee", False)],
    # "Thi Le Nguyen" would read as surname "Le Nguyen": the inverted order is kept instead
)
def test_joiner_only_where_the_plain_string_reads_otherwise(given_name, family, joined):
    from byline.names import SURNAME_JOINER, joined_name

    assert (SURNAME_JOINER in joined_name(given_name, family)) is joined


def test_given_name_that_looks_like_a_particle_stays_given():
    from byline.names import joined_name

    name = joined_name("Thi Le", "Nguyen")
    assert name == "Nguyen, Thi Le" and parse_name(name).surname == "nguyen"


def test_one_lexicon_for_names_and_listings():
    from byline.ingest import listing
    from byline.names import PARTICLES, is_particle, is_suffix

    assert listing.PARTICLES is PARTICLES
    assert is_particle("van") and not is_particle("Van")
    assert all(is_suffix(s) for s in ("Jr", "Jr.", "III", "2nd", "sr."))
    assert not is_suffix("John")
