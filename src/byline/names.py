"""Printed author names: parsing, normalization, compatibility, blocking keys and rarity.

Every name is reduced to a :class:`ParsedName` of lower-case ASCII parts (diacritics folded with
``unidecode``)::

    "Hye-Young Lee"   given="hyeyoung" middle=""   surname="lee"  initials="hy"
    "Lee HY"          given="h"        middle="y"  surname="lee"  initials="hy"  (PubMed style)
    "lee, jaeseong"   given="jaeseong" middle=""   surname="lee"  initials="j"
    "J. C. Ye"        given="j"        middle="c"  surname="ye"   initials="jc"
    "Ludwig van Beethoven Jr."  given="ludwig" surname="van beethoven" suffix="jr"

Hyphens and spaces inside a given name are dropped ("Jae-Seong" == "Jaeseong"), but a hyphenated or
camel-cased given name still yields one initial per part ("Hye-Young" -> "hy"), so it matches "H. Y.".
A space-separated given ("Jae Seong Lee") is read as given "jae" + middle "seong"; its ``given_joined``
("jaeseong") is what :func:`compatible` and the features compare, so all three spellings agree.

Ordering of East-Asian names ("Wang Lei") cannot be known from the string alone; it is parsed in
Western order and :func:`compatible` also accepts the swapped reading.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from unidecode import unidecode

# --- the one name lexicon (ingest/listing.py reads it too) ---------------------------------------
# Lower-case particles that belong to the surname ("van der Berg", "de la Cruz", "ibn Sina").
PARTICLES = frozenset(
    [
        "van",
        "von",
        "de",
        "der",
        "den",
        "del",
        "della",
        "da",
        "di",
        "du",
        "dos",
        "das",
        "do",
        "la",
        "le",
        "ter",
        "ten",
        "bin",
        "ibn",
        "al",
        "el",
        "st",
        "saint",
        "mac",
    ]
)
# Generational suffixes, lower-case without their dot ("Jr." -> "jr").
SUFFIXES = frozenset(["jr", "sr", "ii", "iii", "iv", "v", "2nd", "3rd"])
# Joins the words of a multi-word surname the source gave as one part ("Chrifi\u00a0Alaoui"): a no-break
# space, shown as a space, that :func:`parse_name` keeps inside the surname.
SURNAME_JOINER = "\u00a0"


def is_particle(token: str) -> bool:
    """A lower-case surname particle as printed ("van", "de"; not "Van" at the start of a name)."""
    return token in PARTICLES


def is_suffix(token: str) -> bool:
    """A generational suffix as printed: "Jr", "Jr.", "III", "2nd" (case and a final dot ignored)."""
    return token.strip().lower().rstrip(".") in SUFFIXES


def joined_name(given: str, family: str, suffix: str = "") -> str:
    """``"Given Family [Suffix]"``, the one order byline stores, keeping the source's family/given split.

    When the plain string would be read with another surname ("Fatima Zahrae Chrifi Alaoui" reads as
    surname "Alaoui"), the family's words are joined by :data:`SURNAME_JOINER`, so parsing, blocking,
    display and export all see the surname "Chrifi Alaoui". Otherwise (one word, or particles
    :func:`parse_name` already reads as part of the surname: "J. van der Berg") the plain string is returned;
    in the rare case where the given name would be read into the surname ("Thi Le Nguyen": "le" is a
    particle), the inverted "Family, Given" is the one unambiguous printing.
    """
    given, family, suffix = given.strip(), family.strip(), suffix.strip()
    plain = " ".join(p for p in (given, family, suffix) if p)
    if not given or not family:
        return plain
    want = parse_name(f"{family}, {given}").surname
    if parse_name(plain).surname == want:
        return plain
    words = family.split()
    joined = " ".join(p for p in (given, SURNAME_JOINER.join(words), suffix) if p)
    if len(words) > 1 and parse_name(joined).surname == want:
        return joined
    # the given name itself would be read into the surname ("Thi Le" + "Nguyen": "le" is a particle):
    # only the inverted order says it
    return ", ".join(p for p in (family, given, suffix) if p)


_INITIALS_RE = re.compile(r"^(?:[A-Z]{1,3}|(?:[A-Z]\.){1,3}|(?:[A-Z]\.?-){1,2}[A-Z]\.?)$")


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A printed name split into normalized parts (all lower-case ASCII, no punctuation)."""

    raw: str
    given: str = ""  # first given name, hyphens removed; a single letter when only an initial is printed
    middle: str = ""  # further given names or initials, space separated
    surname: str = ""  # particles kept ("van beethoven")
    initials: str = ""  # one letter per given-name part, e.g. "hy" for "Hye-Young", "jc" for "J. C."
    suffix: str = ""
    given_parts: tuple[str, ...] = field(default=())  # given + middle parts in order

    @property
    def given_is_initial(self) -> bool:
        return len(self.given) <= 1

    @property
    def given_joined(self) -> str:
        """Leading full given parts joined: "Jae Seong" / "Jae-Seong" / "Jaeseong" -> "jaeseong".

        Parts after the first single initial are left out ("John A." -> "john"), so a middle initial never
        makes two given names incompatible.
        """
        if self.given_is_initial:
            return self.given
        out = []
        for part in self.given_parts:
            if len(part) <= 1:
                break
            out.append(part)
        return "".join(out)

    @property
    def first_initial(self) -> str:
        return self.given[:1]

    @property
    def full(self) -> str:
        """Normalized "given surname" (joined given name) used for name counts."""
        return f"{self.given_joined} {self.surname}".strip()

    @property
    def middle_initials(self) -> str:
        return self.initials[1:]


def normalize(s: str | None) -> str:
    """Fold diacritics and case, keep letters, digits, spaces, hyphens and apostrophes."""
    if not s:
        return ""
    s = unidecode(s).lower()
    s = re.sub(r"[^a-z0-9\s'-]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _split_given(raw_given: list[str], all_caps: bool = False) -> tuple[list[str], str]:
    """Given-name tokens (original case) -> (normalized parts, initials)."""
    parts: list[str] = []
    initials = ""
    for tok in raw_given:
        # "HY" / "H.Y." / "H.-Y." / "J.C." are runs of initials
        if _is_initials_token(tok, all_caps):
            letters = re.sub(r"[^A-Za-z]", "", unidecode(tok)).lower()
            for ch in letters:
                parts.append(ch)
                initials += ch
            continue
        norm = normalize(tok)
        if not norm:
            continue
        # hyphenated or camel-case given names: one initial per piece
        pieces = [p for p in re.split(r"[-']", norm) if p]
        camel = re.findall(r"[A-Z][a-z]+", unidecode(tok))
        if len(pieces) == 1 and len(camel) >= 2 and "".join(camel).lower() == pieces[0]:
            pieces = [c.lower() for c in camel]
        joined = "".join(pieces)
        if not joined:
            continue
        parts.append(joined)
        initials += "".join(p[0] for p in pieces)
    return parts, initials


def _is_initials_token(tok: str, all_caps: bool = False) -> bool:
    """ "HY", "H.Y.", "J.-C." are initials; in an all-capitals name only dotted or 1-letter tokens are."""
    tok = tok.strip()
    if all_caps and "." not in tok and len(tok) > 1:
        return False
    return bool(_INITIALS_RE.match(tok))


@lru_cache(maxsize=200_000)
def parse_name(s: str | None) -> ParsedName:
    """Parse a printed name; never raises (an empty or unreadable name gives empty parts)."""
    raw = s or ""
    # a no-break space joins the words of a surname the source gave as one part: keep them one token
    text = unidecode(raw.replace(SURNAME_JOINER, "_")).strip()
    text = re.sub(r"\s+", " ", text)
    if not text:
        return ParsedName(raw=raw)
    suffix = ""
    letters = re.sub(r"[^A-Za-z]", "", text)
    all_caps = len(letters) > 3 and letters.isupper()
    if "," in text:
        head, _, rest = text.partition(",")
        rest_parts = [p.strip() for p in rest.split(",")]
        given_str = rest_parts[0] if rest_parts else ""
        # "Lee, Jr., John" or "Lee, John, Jr."
        extra = [p for p in rest_parts[1:] if p]
        if normalize(given_str).replace(" ", "") in SUFFIXES and extra:
            suffix, given_str = normalize(given_str), extra[0]
        elif extra and normalize(extra[0]).replace(" ", "") in SUFFIXES:
            suffix = normalize(extra[0])
        surname_tokens = head.split()
        given_tokens = given_str.split()
        if not given_tokens:  # "Lee," -> treat as plain name
            given_tokens, surname_tokens = surname_tokens[:-1], surname_tokens[-1:]
    else:
        tokens = text.split()
        while len(tokens) > 1 and normalize(tokens[-1]).replace(" ", "") in SUFFIXES:
            suffix = normalize(tokens.pop())
        if len(tokens) == 1:
            surname_tokens, given_tokens = tokens, []
        elif (
            _is_initials_token(tokens[-1], all_caps)
            and not _is_initials_token(tokens[0], all_caps)
            and len(re.sub(r"[^A-Za-z]", "", tokens[0])) > 1
        ):
            # PubMed/MEDLINE style "Lee HY", "van der Berg JC"
            given_tokens, surname_tokens = [tokens[-1]], tokens[:-1]
        else:
            # Western order; particles before the last token belong to the surname
            k = len(tokens) - 1
            while k > 1 and normalize(tokens[k - 1]) in PARTICLES:
                k -= 1
            given_tokens, surname_tokens = tokens[:k], tokens[k:]
    parts, initials = _split_given(given_tokens, all_caps)
    surname = " ".join(p for p in (normalize(t) for t in surname_tokens) if p)
    surname = surname.replace("-", " ").replace("'", "")
    surname = re.sub(r"\s+", " ", surname).strip()
    given = parts[0] if parts else ""
    middle = " ".join(parts[1:])
    return ParsedName(
        raw=raw,
        given=given,
        middle=middle,
        surname=surname,
        initials=initials,
        suffix=suffix,
        given_parts=tuple(parts),
    )


def surname_key(name: ParsedName) -> str:
    """Surname without spaces or particles' spacing: "van der Berg" -> "vanderberg"."""
    return name.surname.replace(" ", "")


@lru_cache(maxsize=200_000)
def block_key(name: str | ParsedName) -> str:
    """Default blocking key: first initial + surname, normalized ("Lei Wang" -> "l wang")."""
    p = parse_name(name) if isinstance(name, str) else name
    sur = surname_key(p)
    if not sur:
        return ""
    return f"{p.first_initial} {sur}".strip()


def given_compatible(a: ParsedName, b: ParsedName) -> bool:
    """Can the given names belong to one person?

    Two full given names must agree once spaces/hyphens are dropped, or one must be a prefix of the
    other ("Alex" / "Alexander"); an initial-only form must agree with the other's initials
    ("H. Y." vs "Hye-Young"). Missing given names are compatible with anything.
    """
    if not a.given or not b.given:
        return True
    if a.given_is_initial or b.given_is_initial:
        ia, ib = a.initials, b.initials
        if not ia or not ib:
            return True
        if ia[0] != ib[0]:
            return False
        # an initials run must agree with the other's initials, or with the letters of its joined given
        short, long_ = (ia, ib) if len(ia) <= len(ib) else (ib, ia)
        if long_.startswith(short) or short.startswith(long_):
            return True
        # "J. S. Lee" vs "Jaeseong Lee": initials "js" vs "j"; accept when the full joined name starts with
        # the first initial (already known) -- middle initials are evidence, not a cannot-link
        return True
    ga, gb = a.given_joined, b.given_joined
    if ga == gb:
        return True
    if a.given == b.given:
        return True
    short, long_ = (ga, gb) if len(ga) <= len(gb) else (gb, ga)
    return len(short) >= 2 and long_.startswith(short)


def compatible(a: str | ParsedName, b: str | ParsedName) -> bool:
    """Could two printed names be the same person? ``False`` is a cannot-link.

    Surnames must agree (spacing/particles ignored), else the swapped reading of a two-part name is
    tried ("Wang Lei" vs "Lei Wang"); then the given names must be :func:`given_compatible`.
    """
    pa = parse_name(a) if isinstance(a, str) else a
    pb = parse_name(b) if isinstance(b, str) else b
    sa, sb = surname_key(pa), surname_key(pb)
    if sa == sb or not sa or not sb:
        return given_compatible(pa, pb)
    # swapped order for two-token names
    if len(pa.given_parts) == 1 and not pa.given_is_initial and pa.given == sb and sa == pb.given_joined:
        return True
    return len(pb.given_parts) == 1 and not pb.given_is_initial and pb.given == sa and sb == pa.given_joined


# pseudo-count of signatures added to the data at hand before its name frequencies are trusted
LOCAL_PRIOR_TOTAL = 1000


class NameCounts:
    """Name frequencies estimated from the data at hand (given names, surnames, full names, block keys).

    ``fit`` counts every signature's name; ``count_*`` return raw counts (0 when unseen, -1 for no full
    given name); :meth:`estimate` gives the rarity-feature values, where an unseen name is unknown, not rare.
    Stored in model metadata as plain dicts (see :meth:`to_dict` / :meth:`from_dict`).
    """

    def __init__(self) -> None:
        self.given_: Counter[str] = Counter()
        self.surname_: Counter[str] = Counter()
        self.full_: Counter[str] = Counter()
        self.first_last_: Counter[str] = Counter()
        self.total_: int = 0
        self._priors_cache: tuple[int, dict[str, dict[str, float]]] | None = None

    def fit(self, names: Iterable[str]) -> NameCounts:
        for s in names:
            self.add(parse_name(s))
        return self

    def add(self, p: ParsedName) -> None:
        self.total_ += 1
        if not p.given_is_initial:
            self.given_[p.given_joined] += 1
            self.full_[p.full] += 1
        if p.surname:
            self.surname_[surname_key(p)] += 1
            self.first_last_[block_key(p)] += 1

    def count_given(self, p: ParsedName) -> int:
        return self.given_.get(p.given_joined, 0) if not p.given_is_initial else -1

    def count_surname(self, p: ParsedName) -> int:
        return self.surname_.get(surname_key(p), 0)

    def count_full(self, p: ParsedName) -> int:
        return self.full_.get(p.full, 0) if not p.given_is_initial else -1

    def count_first_last(self, p: ParsedName) -> int:
        return self.first_last_.get(block_key(p), 0)

    # --- rarity estimates: an unseen name is "unknown", not "rare" ------------------------------------
    def _priors(self) -> dict[str, dict[str, float]]:
        """Mean count per distinct name, by group: full names by block key, given names and surnames by
        first letter, block keys by first initial. Derived from the (possibly truncated) tables, cached."""
        cached = self._priors_cache
        if cached is not None and cached[0] == self.total_:
            return cached[1]

        def mean_by(table: Counter[str], group: Callable[[str], str]) -> dict[str, float]:
            tot: Counter[str] = Counter()
            n: Counter[str] = Counter()
            for k, v in sorted(table.items()):  # fixed order: float sums independent of input order
                g = group(k)
                tot[g] += v
                n[g] += 1
            return {g: tot[g] / n[g] for g in n}

        pri = {
            "full": mean_by(self.full_, block_key),
            "given": mean_by(self.given_, lambda k: k[:1]),
            "surname": mean_by(self.surname_, lambda k: k[:1]),
            "first_last": mean_by(self.first_last_, lambda k: k[:1]),
        }
        self._priors_cache = (self.total_, pri)
        return pri

    def estimate(self, p: ParsedName) -> tuple[float, float, float, float]:
        """(full, given, surname, first-initial+surname) counts of ``p`` for the rarity features.

        A name seen in the counts gives its count. An unseen one is *unknown*, not rare: it gets the mean
        count of the names of its group (full name: same block key; given name and surname: same first
        letter; block key: same first initial) -- or NaN when the group is unseen too, or when ``p`` has no
        full given name (full and given counts of an initials-only name are NaN).
        """
        nan = float("nan")
        pri = self._priors()
        sur = surname_key(p)
        key = block_key(p)
        if p.surname:
            c = self.surname_.get(sur, 0)
            surname = float(c) if c else pri["surname"].get(sur[:1], nan)
            c = self.first_last_.get(key, 0)
            first_last = float(c) if c else pri["first_last"].get(key[:1], nan)
        else:
            surname = first_last = nan
        if p.given_is_initial or not p.given:
            return nan, nan, surname, first_last
        c = self.full_.get(p.full, 0)
        full = float(c) if c else pri["full"].get(key, nan)
        c = self.given_.get(p.given_joined, 0)
        given = float(c) if c else pri["given"].get(p.given_joined[:1], nan)
        return full, given, surname, first_last

    def combined(self, local: NameCounts, prior_total: int = LOCAL_PRIOR_TOTAL) -> NameCounts:
        """These (reference) counts, raised where the data at hand says a name is more common.

        A name seen ``c`` times among the ``n`` signatures at hand counts as
        ``c * total / (n + prior_total)`` on this table's scale (``prior_total`` shrinks the estimates of
        small data); each entry is the larger of that and the reference count. A name that fills a
        listing or store is thus not taken as rare because a small reference corpus never saw it. With
        the reference corpus itself as ``local`` the counts are unchanged.
        """
        out = NameCounts()
        out.total_ = self.total_
        if local.total_ == 0 or self.total_ == 0:
            out.given_, out.surname_ = Counter(self.given_), Counter(self.surname_)
            out.full_, out.first_last_ = Counter(self.full_), Counter(self.first_last_)
            return out
        scale = self.total_ / (local.total_ + prior_total)
        for attr in ("given_", "surname_", "full_", "first_last_"):
            ref: Counter[str] = getattr(self, attr)
            merged = Counter(ref)
            for k, c in getattr(local, attr).items():
                v = c * scale
                if v > merged.get(k, 0):
                    merged[k] = v
            setattr(out, attr, merged)
        return out

    def to_dict(self, max_entries: int = 20_000) -> dict[str, Any]:
        """JSON-able dict, each table truncated to its ``max_entries`` most frequent names."""

        def top(c: Counter[str]) -> dict[str, int]:
            items = sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:max_entries]
            return dict(items)

        return {
            "total": self.total_,
            "given": top(self.given_),
            "surname": top(self.surname_),
            "full": top(self.full_),
            "first_last": top(self.first_last_),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> NameCounts:
        nc = cls()
        nc.total_ = int(d.get("total", 0))
        nc.given_ = Counter({str(k): int(v) for k, v in d.get("given", {}).items()})
        nc.surname_ = Counter({str(k): int(v) for k, v in d.get("surname", {}).items()})
        nc.full_ = Counter({str(k): int(v) for k, v in d.get("full", {}).items()})
        nc.first_last_ = Counter({str(k): int(v) for k, v in d.get("first_last", {}).items()})
        return nc
