"""Publication pages as people copy them from the web: the seed listing shapes.

A listing is a page of one person's works. Four shapes are recognised (see ``../shared/seeds/README.md``):

``profile``    ``"Last, First"`` owner on the first line, then per entry: title line; author line of
               comma-joined ``"Last, First"`` pairs (commas separate both names and people); abstract.
``feed``       per entry: a header of category + date (+ ``Code``) glued together (``"CVJun 16, 2023Code"``);
               the title glued to the author list (``"...ModelsSangyun Lee, Beomsu Kim"``, maybe
               ``"et al."`` = truncated list, ``" · affiliation"`` tags); then the abstract.
``abstracts``  one abstract per ``"Abstract:"`` line; no titles, no authors.
``arxiv``      abstract, optional comments line (``"4 pages, ICASSP '21 accepted"``), then the entry's
               ``arXiv:NNNN.NNNNN`` line. The identifier may be glued to the start of the *next* abstract
               (``"arXiv:2105.00937Nowadays, ..."``): it still belongs to the previous entry.

Every field keeps its provenance (file + 1-based line) in ``Record.field_sources``; text goes through
:func:`byline.text.repair`. Parsing streams line by line (a feed's title/author split only looks at the
names already seen on the page, never ahead).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from byline._errors import InputError
from byline.ingest._open import read_head
from byline.names import PARTICLES, is_suffix
from byline.records import Author, Listing, Provenance, Record

NAME = "listing"

SHAPES = ("profile", "feed", "abstracts", "arxiv")

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_FEED_HEAD = re.compile(
    r"^(?P<cat>[A-Za-z][A-Za-z.\-]{0,11}?)?"
    r"(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\.? (?P<day>\d{1,2}), (?P<year>\d{4})"
    r"\s*(?P<code>Code)?\s*$"
)
_ARXIV_LINE = re.compile(
    r"^arXiv:\s?(?P<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?P<rest>.*)$"
)
_ABSTRACT_LINE = re.compile(r"^Abstract\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
_COMMENTS_LINE = re.compile(r"^Comments?\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
_COMMENTS_HINT = re.compile(
    r"\b(?:\d+\s+pages?|pages?|figures?|tables?|accepted|submitted|to appear|published|proceedings|"
    r"conference|workshop|journal|camera[- ]ready|version|in press|appendix|supplementary)\b",
    re.IGNORECASE,
)
_TAGGED_LINE = re.compile(r"^[A-Z][A-Z0-9](?:  - | {1,2}\S)")
_ET_AL = re.compile(r",?\s*\bet\s+al\.?\s*$", re.IGNORECASE)

# Lines longer than this are abstracts, never titles or author lines.
_MAX_HEADER_CHARS = 600


def _repair(s: str | None) -> str:
    from byline.text import repair

    return repair(s) or ""


# --------------------------------------------------------------------------------------------------
# names


def _is_name_token(tok: str, *, first: bool) -> bool:
    if not tok or len(tok) > 30:
        return False
    if tok in PARTICLES:  # lower-case "van", "de": inside a name only
        return not first
    head = tok[0]
    if not head.isalpha() or not head.isupper():
        return False
    return all(ch.isalpha() or ch in "-'’." for ch in tok)


def is_person_name(s: str, *, min_tokens: int = 2, max_tokens: int = 5, particle_first: bool = False) -> bool:
    """A printed "Given [Middle] Surname" name: 2-5 capitalised tokens (particles allowed inside)."""
    toks = s.split()
    if not min_tokens <= len(toks) <= max_tokens:
        return False
    if toks[-1] in PARTICLES:
        return False
    return all(_is_name_token(t, first=i == 0 and not particle_first) for i, t in enumerate(toks))


def _is_camel(tok: str) -> bool:
    """A token with an inner lower→upper step or several leading capitals ("SeungHyun", "NETte")."""
    core = tok.strip("()[]{}:;,.!?\"'")
    if len(core) < 2:
        return False
    if core[0].isupper() and core[1].isupper():
        return True
    return any(a.islower() and b.isupper() for a, b in zip(core, core[1:], strict=False))


def _name_key(name: str) -> str:
    return " ".join(name.lower().split())


def _is_pair_part(part: str) -> bool:
    """One half of a "Last, First" pair: 1-5 capitalised tokens (initials allowed)."""
    return is_person_name(part, min_tokens=1, max_tokens=5, particle_first=True)


def parse_pair_line(line: str) -> list[str] | None:
    """``"Padalkar, Parth, Lee, Jaeseong"`` → ``["Parth Padalkar", "Jaeseong Lee"]``, or None."""
    if len(line) > _MAX_HEADER_CHARS or "," not in line:
        return None
    parts = [p.strip() for p in line.split(",")]
    merged: list[str] = []
    for p in parts:
        if (
            is_suffix(p) and len(p.rstrip(".")) > 1 and merged
        ):  # "Smith, Jr., John" -> keep the suffix with the surname
            merged[-1] = f"{merged[-1]} {p}"
            continue
        merged.append(p)
    if len(merged) < 2 or len(merged) % 2:
        return None
    if not all(_is_pair_part(p) for p in merged):
        return None
    return [f"{merged[i + 1]} {merged[i]}" for i in range(0, len(merged), 2)]


# --------------------------------------------------------------------------------------------------
# feed: title glued to the author list


@dataclass(slots=True)
class Byline:
    """A feed entry's second line, split: title, author names, truncation and affiliation tags."""

    title: str
    authors: list[str] = field(default_factory=list)
    truncated: bool = False
    affiliations: list[str] = field(default_factory=list)


def _glue_candidates(seg: str) -> Iterator[int]:
    """Positions where a capital follows a non-space character: where a name may be glued on."""
    for i in range(1, len(seg)):
        ch, prev = seg[i], seg[i - 1]
        if ch.isupper() and not prev.isspace() and prev not in "-'’":
            yield i


def _split_glued(seg: str, known: set[str], others: list[str]) -> tuple[str, str] | None:
    """Split ``"...ModelsSangyun Lee"`` into title and first author name, or None."""
    best: tuple[tuple[int, int], int] | None = None
    for i in _glue_candidates(seg):
        title, name = seg[:i].rstrip(), seg[i:].strip()
        if not any(c.isalnum() for c in title) or not is_person_name(name, max_tokens=4):
            continue
        toks = title.split()
        penalty = 0
        if _name_key(name) in known:
            penalty -= 10
        if _is_camel(name.split()[0]):
            penalty += 2
        if toks and _is_camel(toks[-1]):
            penalty += 1
        score = (penalty, -i)  # tie: the rightmost (shortest) name
        if best is None or score < best[0]:
            best = (score, i)
    if best is not None:
        i = best[1]
        return seg[:i].rstrip(), seg[i:].strip()
    # No glue: title and name separated by a space. Take the trailing capitalised run of the usual length.
    toks = seg.split()
    lengths = [n for n in (len(o.split()) for o in others) if n >= 2] or [2]
    want = sorted(lengths)[len(lengths) // 2]
    options = [k for k in range(2, min(4, len(toks) - 1) + 1) if is_person_name(" ".join(toks[-k:]))]
    if not options:
        return None
    for k in options:
        if _name_key(" ".join(toks[-k:])) in known:
            return " ".join(toks[:-k]), " ".join(toks[-k:])
    k = want if want in options else options[0]
    return " ".join(toks[:-k]), " ".join(toks[-k:])


def split_byline(line: str, known: Iterable[str] = ()) -> Byline:
    """Split a feed entry line: title glued to "A B, C D et al. · affiliation".

    The author list is the run of comma-separated names at the end of the line; the first of them is glued
    to the title. ``known`` (names seen earlier on the page, the owner) breaks ties.
    """
    known_set = {_name_key(k) for k in known}
    s = line.strip()
    affiliations: list[str] = []
    if "·" in s:
        head, *tags = s.split("·")
        tags = [t.strip() for t in tags]
        if all(t and len(t) <= 120 for t in tags):
            s, affiliations = head.strip(), tags
    truncated = False
    m = _ET_AL.search(s)
    if m:
        s, truncated = s[: m.start()].rstrip(), True
    parts = [p.strip() for p in s.split(",")]
    # Rightmost run of clean names.
    k = len(parts)
    while k > 1 and is_person_name(parts[k - 1]):
        k -= 1
    # parts[k-1] holds the glue (title + first author); fall back to later parts if it will not split.
    for j in range(k - 1, len(parts)):
        others = parts[j + 1 :]
        got = _split_glued(parts[j], known_set | {_name_key(o) for o in others}, others)
        if got is None:
            continue
        title_tail, first = got
        title = ", ".join([*parts[:j], title_tail]) if j else title_tail
        return Byline(
            title=title.strip(), authors=[first, *others], truncated=truncated, affiliations=affiliations
        )
    return Byline(title=line.strip(), authors=[], truncated=False, affiliations=[])


# --------------------------------------------------------------------------------------------------
# shape detection


def _nonblank(lines: Iterable[str], limit: int = 60) -> list[str]:
    out = []
    for ln in lines:
        if ln.strip():
            out.append(ln.strip())
            if len(out) >= limit:
                break
    return out


def detect_shape(head: str) -> tuple[str | None, float]:
    """The listing shape of a page from its first lines, with a 0..1 confidence."""
    lines = _nonblank(head.splitlines())
    if not lines:
        return None, 0.0
    if lines[0].startswith(("{", "[", "<", "@", "%")) or lines[0][:3] in ("TY ", "TY\t"):
        return None, 0.0
    n = len(lines)
    tagged = sum(bool(_TAGGED_LINE.match(ln)) for ln in lines)
    if tagged > n * 0.3:  # RIS / Web of Science field tags
        return None, 0.0
    feed = sum(bool(_FEED_HEAD.match(ln)) for ln in lines)
    arx = sum(bool(_ARXIV_LINE.match(ln)) for ln in lines)
    abst = sum(bool(_ABSTRACT_LINE.match(ln)) for ln in lines)
    pairs = sum(len(parse_pair_line(ln) or ()) >= 2 for ln in lines[1:])
    scores = {
        "feed": min(1.0, 0.5 + feed / max(1, n / 3) * 0.45) if feed >= 1 and n >= 2 else 0.0,
        "arxiv": min(0.95, 0.55 + arx / max(1, n) * 0.8) if arx >= 1 else 0.0,
        "abstracts": min(0.95, 0.5 + abst / n * 0.45) if abst >= 1 else 0.0,
        "profile": 0.0,
    }
    if pairs >= 1:
        first_is_owner = parse_pair_line(lines[0]) is not None and len(lines[0].split(",")) == 2
        scores["profile"] = min(0.95, 0.55 + pairs / max(1, n / 3) * 0.3 + (0.1 if first_is_owner else 0.0))
    shape = max(scores, key=lambda k: scores[k])
    return (shape, scores[shape]) if scores[shape] > 0 else (None, 0.0)


def sniff(head: str, path: Path | None = None) -> float:
    """Confidence (0..1) that ``head`` is one of the listing page shapes."""
    return detect_shape(head)[1]


# --------------------------------------------------------------------------------------------------
# parsing


@dataclass(slots=True)
class _Entry:
    """A record being assembled, with the line of each field."""

    start: int
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    abstract: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)
    year: int | None = None
    truncated: bool = False
    lines: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def add_abstract(self, text: str, line: int) -> None:
        if text:
            self.abstract.append(text)
            self.lines.setdefault("abstract", line)

    def empty(self) -> bool:
        return not (self.title or self.authors or self.abstract or self.ids)

    def to_record(self, path: Path, shape: str) -> Record:
        file = str(path)
        src = Provenance(file=file, line=self.start)
        fs = {k: Provenance(file=file, line=v) for k, v in self.lines.items() if v != self.start}
        return Record(
            source=src,
            format=NAME,
            title=self.title or None,
            authors=[Author(name=n) for n in self.authors],
            year=self.year,
            abstract=" ".join(self.abstract) or None,
            ids=dict(self.ids),
            authors_truncated=self.truncated,
            field_sources=fs,
            extra={"shape": shape, **self.extra},
        )


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Repaired, stripped ``(line number, text)`` pairs; blank lines skipped."""
    from byline.ingest._common import iter_lines

    for n, raw in iter_lines(path):
        text = _repair(raw)
        if text:
            yield n, text


def _plausible_year(year: int) -> bool:
    from byline.ingest._common import MIN_YEAR, max_year

    return MIN_YEAR <= year <= max_year()


def _year_of_arxiv(aid: str) -> int | None:
    m = re.match(r"^(\d{2})(\d{2})\.", aid) or re.match(r"^[a-z\-.A-Z]+/(\d{2})(\d{2})", aid)
    if not m:
        return None
    yy = int(m.group(1))
    return (1900 + yy) if yy >= 91 else (2000 + yy)


def _heading(line: tuple[int, str], meta: dict[str, Any]) -> None:
    """A page heading; a bare person name there is the page's owner ("Jaeseong Lee")."""
    n, text = line
    meta.setdefault("headings", []).append(text)
    if "owner_line" not in meta and is_person_name(text, max_tokens=4):
        meta["owner"], meta["owner_line"] = text, n


def _parse_profile(path: Path, lines: Iterator[tuple[int, str]], meta: dict[str, Any]) -> Iterator[_Entry]:
    cur: _Entry | None = None
    pending: tuple[int, str] | None = None
    first = True
    for n, text in lines:
        if first:
            first = False
            names = parse_pair_line(text)
            if names is not None and len(names) == 1:
                meta["owner"] = names[0]
                meta["owner_line"] = n
                continue
        names = parse_pair_line(text)
        if names is not None and pending is not None:
            if cur is not None and not cur.empty():
                yield cur
            pn, ptext = pending
            cur = _Entry(start=pn, title=ptext, authors=names, lines={"title": pn, "authors": n})
            pending = None
            continue
        if pending is not None:
            if cur is None and len(pending[1].split()) <= 8:
                _heading(pending, meta)  # a short line before the first entry: the page's heading
            else:
                if cur is None:
                    cur = _Entry(start=pending[0])
                cur.add_abstract(pending[1], pending[0])
        pending = (n, text) if len(text) <= _MAX_HEADER_CHARS else None
        if pending is None:
            if cur is None:
                cur = _Entry(start=n)
            cur.add_abstract(text, n)
    if pending is not None:
        if cur is None:
            cur = _Entry(start=pending[0])
        cur.add_abstract(pending[1], pending[0])
    if cur is not None and not cur.empty():
        yield cur


def _parse_feed(path: Path, lines: Iterator[tuple[int, str]], meta: dict[str, Any]) -> Iterator[_Entry]:
    known: set[str] = set()
    if meta.get("owner"):
        known.add(meta["owner"])
    cur: _Entry | None = None
    expect_byline = False
    for n, text in lines:
        m = _FEED_HEAD.match(text)
        if m:
            if cur is not None and not cur.empty():
                yield cur
            year = int(m.group("year"))
            cur = _Entry(start=n)
            if _plausible_year(year):  # "Jan 1, 9999" keeps its date in extra, not as a year
                cur.year, cur.lines["year"] = year, n
            month = _MONTHS[m.group("mon").lower()]
            cur.extra.update(
                {
                    "category": m.group("cat") or None,
                    "date": f"{year:04d}-{month:02d}-{int(m.group('day')):02d}",
                    "code": bool(m.group("code")),
                }
            )
            expect_byline = True
            continue
        if expect_byline and cur is not None:
            expect_byline = False
            if len(text) <= _MAX_HEADER_CHARS:
                bl = split_byline(text, known)
                cur.title = bl.title or None
                cur.authors = bl.authors
                cur.truncated = bl.truncated
                cur.lines.update({"title": n, "authors": n})
                if bl.affiliations:
                    cur.extra["affiliations"] = bl.affiliations
                known.update(bl.authors)
                continue
        if cur is None:  # the page starts mid-entry (its header was cut off)
            cur = _Entry(start=n, extra={"cut_off": True})
            if len(text) <= _MAX_HEADER_CHARS and len(text.split()) < 40:
                bl = split_byline(text, known)
                if bl.authors:
                    cur.title, cur.authors, cur.truncated = bl.title or None, bl.authors, bl.truncated
                    cur.lines.update({"title": n, "authors": n})
                    known.update(bl.authors)
                    continue
                if len(text.split()) <= 8:  # a page heading, not part of an entry
                    _heading((n, text), meta)
                    cur = None
                    continue
        cur.add_abstract(text, n)
    if cur is not None and not cur.empty():
        yield cur


def _parse_abstracts(path: Path, lines: Iterator[tuple[int, str]], meta: dict[str, Any]) -> Iterator[_Entry]:
    cur: _Entry | None = None
    for n, text in lines:
        m = _ABSTRACT_LINE.match(text)
        if m:
            if cur is not None and not cur.empty():
                yield cur
            cur = _Entry(start=n)
            cur.add_abstract(m.group("rest").strip(), n)
        elif cur is not None:
            cur.add_abstract(text, n)
        else:  # text before the first "Abstract:" is the page's heading
            _heading((n, text), meta)
    if cur is not None and not cur.empty():
        yield cur


def _parse_arxiv(path: Path, lines: Iterator[tuple[int, str]], meta: dict[str, Any]) -> Iterator[_Entry]:
    cur: _Entry | None = None
    seen_entry = False
    for n, text in lines:
        m = _ARXIV_LINE.match(text)
        seen_entry = seen_entry or cur is not None
        if m:
            aid = m.group("id")
            rest = m.group("rest").strip()
            if cur is not None and "arxiv" not in cur.ids:
                cur.ids["arxiv"] = aid
                cur.lines["ids"] = n
                y = _year_of_arxiv(aid)
                if y is not None:
                    cur.year = y
                    cur.lines["year"] = n
                yield cur
                cur = None
            elif cur is None or "arxiv" in cur.ids:
                # an identifier with no open entry: an entry of its own (its abstract was cut off)
                if cur is not None:
                    yield cur
                lone = _Entry(start=n, ids={"arxiv": aid}, lines={"ids": n}, extra={"cut_off": True})
                y = _year_of_arxiv(aid)
                if y is not None:
                    lone.year, lone.lines["year"] = y, n
                yield lone
                cur = None
            if rest:
                cur = _Entry(start=n)
                cur.add_abstract(rest, n)
            continue
        cm = _COMMENTS_LINE.match(text)
        if (
            cur is not None
            and cur.abstract
            and "comments" not in cur.extra
            and (cm or (len(text) <= 200 and (_COMMENTS_HINT.search(text) or not text.endswith("."))))
        ):
            cur.extra["comments"] = cm.group("rest").strip() if cm else text
            cur.lines["comments"] = n
            continue
        am = _ABSTRACT_LINE.match(text)
        if am:
            text = am.group("rest").strip()
        elif cur is None and not seen_entry and len(text.split()) <= 8 and not text.endswith("."):
            _heading((n, text), meta)
            continue
        if cur is not None and cur.abstract and "comments" not in cur.extra and not am:
            # a second long line before any identifier: a new entry (the previous one has no id)
            yield cur
            cur = None
        if cur is None:
            cur = _Entry(start=n)
        cur.add_abstract(text, n)
    if cur is not None and not cur.empty():
        yield cur


_PARSERS = {
    "profile": _parse_profile,
    "feed": _parse_feed,
    "abstracts": _parse_abstracts,
    "arxiv": _parse_arxiv,
}


def _head(path: Path) -> str:
    return read_head(path)


def _shape_of(path: Path, shape: str | None) -> str:
    if shape is not None:
        if shape not in _PARSERS:
            raise InputError(
                f"unknown listing shape {shape!r}; choose one of: {', '.join(SHAPES)}", file=path
            )
        return shape
    head = _head(path)
    if not head.strip():
        raise InputError("file is empty", file=path)
    found, conf = detect_shape(head)
    if found is None:
        raise InputError(
            "not a listing page (expected a profile, paper-feed, 'Abstract:' or arXiv-style page)", file=path
        )
    return found


def _records(path: Path, owner: str | None, shape: str | None, meta: dict[str, Any]) -> Iterator[Record]:
    path = Path(path)
    kind = _shape_of(path, shape)
    if owner:
        meta.setdefault("owner", owner)
    for entry in _PARSERS[kind](path, _lines(path), meta):
        yield entry.to_record(path, kind)


def parse(path: str | Path, shape: str | None = None) -> Iterator[Record]:
    """The records of a listing page, streaming (shape detected from the first 64 KiB unless given)."""
    return _records(Path(path), None, shape, {})


def iter_listing(
    path: str | Path, owner: str | None = None, shape: str | None = None
) -> tuple[Iterator[Record], Callable[[], str | None]]:
    """Streaming form of :func:`parse_listing`: ``(records, owner)``; call ``owner()`` after the records."""
    meta: dict[str, Any] = {}
    if owner:
        owner = _repair(owner) or None

    def get_owner() -> str | None:
        return owner or (meta.get("owner") if "owner_line" in meta else None)

    return _records(Path(path), owner, shape, meta), get_owner


def parse_listing(path: str | Path, owner: str | None = None, shape: str | None = None) -> Listing:
    """A listing: the page's records and its owner (read from the page when it names one; ``owner`` wins)."""
    records, get_owner = iter_listing(path, owner, shape)
    recs = list(records)
    return Listing(source=str(path), owner=get_owner(), records=recs)
