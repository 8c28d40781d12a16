"""Derived copies of labeled signatures, for training a model that holds up on poorer data.

Real corpora print names as initials ("J. Lee", MEDLINE's "Lee J"); many records carry no abstract, keywords
or affiliation; some pages give bare abstracts. A model trained only on rich, full-name records learns to
lean on what such records lack. :func:`augmented` adds copies of the labeled signatures with given names cut
to initials, with the author-level and long-text fields removed, or (some of them) reduced to a bare
abstract, or with the year dropped from half the signatures (``*-undated``: the labeled sets
always print a year, so without them a missing year is never seen in training), or all of it at once with stemmed titles (``hard``, the shape of DBLP-style dumps; also how
``make model`` derives the hard copy of dev its threshold is chosen on): same labels, their own dataset name
(``aminer~initials``), ids and person ids, so copies never mix with the originals or with each other. Only training data is ever augmented.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from byline.names import parse_name
from byline.records import Signature

KINDS = (
    "initials",
    "sparse",
    "abstract-only",
    "some-abstract-only",
    "hard",
    "initials-undated",
    "sparse-undated",
)


def initials_name(name: str) -> str:
    """A printed name with every given name cut to its initials: "Jae-Seong Lee" -> "J. S. Lee"."""
    p = parse_name(name)
    if not p.surname or not p.initials:
        return name
    letters = " ".join(f"{c.upper()}." for c in p.initials)
    surname = " ".join(w.capitalize() for w in p.surname.split())
    return f"{letters} {surname}"


def _initials(s: Signature) -> Signature:
    return replace(s, name=initials_name(s.name), coauthors=tuple(initials_name(c) for c in s.coauthors))


def _sparse(s: Signature) -> Signature:
    return replace(s, abstract=None, keywords=(), affiliations=(), email=None)


_TITLE_WORD_RE = re.compile(r"[a-z0-9]+")
# suffix rewrites of a Porter-style stemmer (longest first); a stem keeps at least 3 letters
_SUFFIXES = (
    ("izations", "iz"),
    ("ization", "iz"),
    ("ational", "at"),
    ("fulness", "ful"),
    ("iveness", "iv"),
    ("ousness", "ous"),
    ("ations", "at"),
    ("ation", "at"),
    ("ments", ""),
    ("ment", ""),
    ("ness", ""),
    ("ings", ""),
    ("ing", ""),
    ("ies", "i"),
    ("ied", "i"),
    ("ers", ""),
    ("er", ""),
    ("ed", ""),
    ("es", ""),
    ("ly", ""),
    ("al", ""),
    ("s", ""),
)


def stem_word(w: str) -> str:
    """A Porter-style stem: "networks" -> "network", "learning" -> "learn", "optimization" -> "optimiz"."""
    for suf, rep in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) + len(rep) >= 3 and not w.endswith("ss"):
            return w[: len(w) - len(suf)] + rep
    return w


def stemmed_title(title: str | None) -> str | None:
    """A title as some bibliographic dumps give it: lower case, punctuation gone, every word stemmed."""
    if not title:
        return title
    from unidecode import unidecode

    return " ".join(stem_word(w) for w in _TITLE_WORD_RE.findall(unidecode(title).lower())) or None


def hard(s: Signature) -> Signature:
    """Every degradation at once: initials-only names, stemmed title, no abstract / keywords /
    affiliation / e-mail (the shape of DBLP-style dumps)."""
    return replace(_sparse(_initials(s)), title=stemmed_title(s.title))


def abstract_only(s: Signature) -> Signature:
    """What a page of bare abstracts gives: the owner's name and the abstract, nothing else."""
    if not s.abstract:
        return s
    return replace(
        s, title=None, coauthors=(), venue=None, year=None, keywords=(), affiliations=(), email=None
    )


def some_abstract_only(s: Signature) -> Signature:
    """Half the signatures (by a hash of the id) as bare abstracts, the rest intact: a person's works
    listed partly with titles and coauthors, partly as abstracts only (pages of abstracts)."""
    import hashlib

    if hashlib.sha1(s.id.encode("utf-8")).digest()[0] < 128:
        return abstract_only(s)
    return s


# what an undated copy drops: the year only (dropping the venue too was measured: pubmed dev 0.916 -> 0.908)
UNDATED_DROPS_VENUE = False


def _undated(s: Signature) -> Signature:
    """Half the signatures (by a hash of the id, independent of the person) without a year.

    The labeled sets almost always print a year, so a model trained on them alone never sees a missing year
    and routes it arbitrarily (the model of 2026-12-07 read a missing year as -2.1 log-odds against the
    same person, for same-person and different-person pairs alike). Dropping it from either class alike
    teaches that a missing year says nothing."""
    import hashlib

    if hashlib.sha1(s.id.encode("utf-8")).digest()[1] < 128:
        return replace(s, year=None, venue=None) if UNDATED_DROPS_VENUE else replace(s, year=None)
    return s


def initials_undated(s: Signature) -> Signature:
    """The ``initials`` copy, with the year also gone from half the signatures (:func:`_undated`)."""
    return _undated(_initials(s))


def sparse_undated(s: Signature) -> Signature:
    """The ``sparse`` copy, with the year also gone from half the signatures (:func:`_undated`)."""
    return _undated(_sparse(s))


_MAKERS: dict[str, Callable[[Signature], Signature]] = {
    "initials": _initials,
    "sparse": _sparse,
    "abstract-only": abstract_only,
    "some-abstract-only": some_abstract_only,
    "hard": hard,
    "initials-undated": initials_undated,
    "sparse-undated": sparse_undated,
}


def derive(signatures: Iterable[Signature], kind: str) -> list[Signature]:
    """Copies of ``signatures`` of one ``kind`` (see :data:`KINDS`), relabelled apart from the originals."""
    if kind not in _MAKERS:
        raise ValueError(f"unknown augmentation {kind!r}; expected one of {', '.join(KINDS)}")
    make = _MAKERS[kind]
    out = []
    for s in signatures:
        c = make(s)
        out.append(
            replace(
                c,
                id=f"{s.id}~{kind}",
                work_id=f"{s.work_id}~{kind}" if s.work_id else "",
                person=None if s.person is None else f"{s.person}~{kind}",
                dataset=f"{s.dataset or 'data'}~{kind}",
            )
        )
    return out


def augmented(signatures: Sequence[Signature], kinds: Sequence[str] = KINDS) -> list[Signature]:
    """The signatures followed by one derived copy of each per kind."""
    out = list(signatures)
    for kind in kinds:
        out += derive(signatures, kind)
    return out
