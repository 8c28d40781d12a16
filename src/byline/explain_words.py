"""Pair features in a curator's words: the one mapping from a feature's name and value to a phrase ("no
coauthor in common", "different middle initial", "papers from 2003 and 2019"), with the direction and size
of its part in the score. Used by the explain page and ``byline explain`` alike.

A feature whose value is missing (the field is absent on one side) is never shown as evidence: it is said
to be missing (:func:`phrase`), and when the model still gives it a sizeable part of the score, that part is
listed apart under "the model also weighs..." (:func:`reasons`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Side = Mapping[str, Any]

# log-odds: below this a contribution is "a little", from STRONG on "strongly"
SLIGHT, STRONG = 0.25, 1.0


def _years(a: Side, b: Side) -> str:
    ya, yb = a.get("year"), b.get("year")
    if ya and yb:
        return (
            f"papers from the same year ({ya})"
            if ya == yb
            else f"papers from {min(ya, yb)} and {max(ya, yb)}"
        )
    return "year unknown"


def _given(v: float, a: Side, b: Side) -> str:
    if v >= 3:
        return "same given name"
    if v >= 2:
        return "one given name is the start of the other"
    if v >= 1:
        return "given name known only by its initial"
    if v >= 0:
        return "different given initials"
    return "given names that cannot be the same person"


def _middle(v: float, a: Side, b: Side) -> str:
    return (
        "same middle initial"
        if v >= 1
        else ("middle initials partly agree" if v > 0 else "different middle initial")
    )


def _count(n: float, one: str, many: str, none: str) -> str:
    k = int(round(n))
    return none if k == 0 else (one if k == 1 else many.format(k))


def _cosine(what: str) -> Callable[[float, Side, Side], str]:
    def say(v: float, a: Side, b: Side) -> str:
        level = (
            "very similar"
            if v >= 0.6
            else "somewhat similar"
            if v >= 0.3
            else "slightly similar"
            if v > 0.05
            else "unrelated"
        )
        return f"{what} {level}"

    return say


def _flag(yes: str, no: str) -> Callable[[float, Side, Side], str]:
    return lambda v, a, b: yes if v >= 0.5 else no


def _rarity(what: str) -> Callable[[float, Side, Side], str]:
    def say(v: float, a: Side, b: Side) -> str:
        import math

        n = max(0, int(round(math.expm1(v))))
        return f"{what} is {'rare' if n <= 3 else 'common' if n >= 30 else 'fairly common'} here ({n} seen)"

    return say


# feature name -> (what the field is called when missing, how a value reads)
WORDS: dict[str, tuple[str, Callable[[float, Side, Side], str]]] = {
    "given_level": ("given name", _given),
    "middle_level": ("middle initial", _middle),
    "surname_equal": ("surname", _flag("same surname", "different surname")),
    "full_name_equal": ("name", _flag("the name printed the same way", "the name printed differently")),
    "name_tokens_equal": (
        "name",
        _flag("same name, words in either order", "not the same words in the name"),
    ),
    "name_count_full_min": ("name counts", _rarity("the full name")),
    "name_count_full_max": ("name counts", _rarity("the commoner full name")),
    "name_count_given_min": ("name counts", _rarity("the given name")),
    "name_count_surname": ("name counts", _rarity("the surname")),
    "name_count_first_last": ("name counts", _rarity("initial and surname")),
    "block_size_log": ("group size", _rarity("this name group")),
    "local_full_count_max": ("name counts", _rarity("the full name in this group")),
    "coauthor_overlap": (
        "coauthors",
        lambda v, a, b: _count(
            v, "one coauthor in common", "{} coauthors in common", "no coauthor in common"
        ),
    ),
    "coauthor_jaccard": ("coauthors", _cosine("coauthor lists")),
    "coauthor_overlap_initials": (
        "coauthors",
        lambda v, a, b: _count(
            v,
            "one coauthor in common by initials",
            "{} coauthors in common by initials",
            "no coauthor in common by initials",
        ),
    ),  # fmt: skip
    "coauthor_overlap_full": (
        "coauthors",
        lambda v, a, b: _count(
            v,
            "one coauthor in common by full name",
            "{} coauthors in common by full name",
            "no coauthor in common by full name",
        ),
    ),  # fmt: skip
    "title_char_cosine": ("title", _cosine("titles spelled")),
    "text_cosine": ("title and abstract", _cosine("titles and abstracts")),
    "embedding_cosine": ("text", _cosine("subjects")),
    "n_authors_max": (
        "author list",
        lambda v, a, b: (
            f"{'a large author list' if v >= 20 else 'author lists'} of up to {int(round(v))} people"
        ),
    ),
    "venue_equal": ("venue", _flag("same venue", "different venues")),
    "venue_cosine": ("venue", _cosine("venues")),
    "year_gap": ("year", lambda v, a, b: _years(a, b)),
    "affiliation_cosine": ("affiliation", _cosine("affiliations")),
    "email_equal": ("email", _flag("same email", "different emails")),
    "orcid_equal": ("ORCID", _flag("same ORCID", "different ORCIDs")),
    "title_cosine": ("title", _cosine("titles")),
    "abstract_cosine": ("abstract", _cosine("abstracts")),
    "keyword_cosine": ("keywords", _cosine("keywords")),
    "same_work": ("paper", _flag("both on one paper", "on different papers")),
}


def _fallback(name: str) -> str:
    return name.replace("_", " ")


def phrase(name: str, value: float | None, a: Side, b: Side) -> str:
    """What feature ``name`` with ``value`` says about the pair (``a``, ``b``: the two signatures as the
    card shows them), in words; a missing value is said to be missing."""
    field, say = WORDS.get(name, (_fallback(name), lambda v, a, b: f"{_fallback(name)} {v:g}"))
    if value is None:
        return f"{field} missing on one side or both"
    return say(float(value), a, b)


def weight(contribution: float | None) -> str:
    """The direction and size of a part of the score, in words ("strongly for the same person")."""
    if contribution is None:
        return ""
    size = abs(contribution)
    how = "strongly " if size >= STRONG else ("a little " if size < SLIGHT else "")
    return f"{how}{'for the same person' if contribution > 0 else 'against the same person'}"


@dataclass(frozen=True)
class Reason:
    """One line of evidence: the phrase, its weight in words, and the signed contribution (log-odds)."""

    text: str
    weight: str
    contribution: float | None
    missing: bool


def reasons(features: Sequence[Mapping[str, Any]], a: Side, b: Side) -> tuple[list[Reason], list[Reason]]:
    """The evidence (present fields, largest part first, one line per distinct phrase) and, apart, what
    the model weighs on missing fields with a part of at least :data:`SLIGHT` (these are not evidence)."""
    rows = sorted(features, key=lambda f: -abs(f.get("contribution") or 0.0))
    has_contrib = any(f.get("contribution") is not None for f in rows)
    shown: dict[str, Reason] = {}
    weighed: dict[str, Reason] = {}
    for f in rows:
        c = f.get("contribution")
        missing = f.get("value") is None
        text = phrase(str(f["name"]), f.get("value"), a, b)
        r = Reason(text, weight(c), c, missing)
        if missing:
            if c is not None and abs(c) >= SLIGHT:
                weighed.setdefault(text, r)
        elif not has_contrib or (c is not None and abs(c) >= 0.01):
            shown.setdefault(text, r)
    return list(shown.values()), list(weighed.values())
