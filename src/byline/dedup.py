"""Work deduplication: source records → works.

Two records are the same work only on compatible evidence:

- a shared identifier (DOI, arXiv id, OpenAlex / S2 / PubMed id, Scopus EID, dblp key) **and** compatible titles (equal once
  normalized, one containing the other's words, or nearly the same spelling; a missing title is compatible);
- or the same normalized title **and** a compatible year (equal, or missing on one side) **and** at least
  one author name in common;
- or — when at least one of them has no title — near-identical abstracts (the same first or last 8 words,
  found through an index of those keys — linear cost, never quadratic — and a word-set Jaccard ≥
  ``abstract_threshold``).

Records whose identifiers of one kind differ (two DOIs, two PMIDs, ...) are never merged.

Merging keeps every source record and, per field, the most complete value (longest title/abstract/venue,
the longest author list that is not truncated, the first year, the union of ids and keywords) together
with where it was read (``Work.field_sources``). A merge never drops a record's authors: each author of the
chosen list stands for at most one author of each record (the same printed name first, then a compatible
one), and an author of a merged record that no name can stand for is appended. Each record merged into an
existing work says why in ``record.extra["merged_because"]`` (``byline works --json`` prints it).

Work ids are deterministic: :func:`byline.records.stable_id` over the group's strongest key (DOI > arXiv
id > title + year > abstract), so the same input gives the same ids. Works already known (e.g. in the
store) keep their ids: register them with :meth:`Deduper.add_existing` or a ``resolve`` callback.

Matching is greedy in input order (first match by key priority); two existing works are never merged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from unidecode import unidecode

from byline.records import Author, Provenance, Record, Work, stable_id

__all__ = [
    "Deduper",
    "dedup",
    "normalize_title",
    "record_keys",
    "work_keys",
    "merge_record",
    "titles_compatible",
    "MERGE_REASON",
]

# the key of ``Record.extra`` that says why a record was merged into a work that existed before it
MERGE_REASON = "merged_because"

ABSTRACT_THRESHOLD = 0.9
_MIN_ABSTRACT_TOKENS = 20
_AFFIX_TOKENS = 8
_MIN_TITLE_CHARS = 8
# A key shared by more groups than this is boilerplate ("in this paper we propose a novel method"):
# it stops collecting groups and only its first groups are checked, so matching stays linear.
_MAX_GROUPS_PER_KEY = 64

# Further identifiers that mark one paper (exact match, and a compatible title).
_OTHER_ID_KINDS = ("openalex", "s2", "pmid", "eid", "dblp")  # eid: Scopus; dblp: the dblp record key
_ID_KINDS = ("doi", "arxiv", *_OTHER_ID_KINDS)  # two different values of one kind: never one work
_TITLE_SIMILARITY = 0.9

_WORD = re.compile(r"[a-z0-9]+")


def normalize_title(title: str | None) -> str:
    """Case, accents, punctuation and spacing folded: ``"(Deep) Generative  Geodesics."`` → ``"deep generative geodesics"``."""
    if not title:
        return ""
    return " ".join(_WORD.findall(unidecode(title).lower()))


def titles_compatible(a: str, b: str) -> bool:
    """Can two normalized titles (:func:`normalize_title`) name one paper? Empty is compatible with anything.

    Equal; or every word of the shorter in the longer ("Paper one" / "Paper one (journal version)"); or
    nearly the same spelling (a typo, a dropped letter).
    """
    if not a or not b or a == b:
        return True
    sa, sb = set(a.split()), set(b.split())
    if sa <= sb or sb <= sa:
        return True
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= _TITLE_SIMILARITY


def _name_tokens(authors: Iterable[Author]) -> set[str]:
    """Word tokens of the authors' names (two letters or more), accents and case folded."""
    out: set[str] = set()
    for a in authors:
        out.update(t for t in _WORD.findall(unidecode(a.name).lower()) if len(t) >= 2)
    return out


def _shared_author(a: Iterable[Author], b: Iterable[Author]) -> str | None:
    """A name word the two author lists share (a surname, usually), or ``None``."""
    common = _name_tokens(a) & _name_tokens(b)
    return min(common, key=lambda t: (-len(t), t)) if common else None


def _same_person(a: str, b: str) -> bool:
    if a == b:
        return True
    from byline.names import compatible, normalize

    if normalize(a) == normalize(b):  # one printing with the source's surname split, one without
        return True

    try:
        return compatible(a, b) and bool(_name_tokens([Author(a)]) & _name_tokens([Author(b)]))
    except Exception:  # a name the parser cannot read is only the same as itself
        return False


def _cover_authors(work: Work, rec: Record) -> None:
    """Append each author of ``rec`` that no author of ``work`` can stand for: nobody is lost.

    Each author of the work stands for at most one author of the record, so two printed authors of one
    record never collapse into one. The same printed name is matched first; the authors left are then
    matched to compatible names (:func:`_same_person`) by a maximum matching, so one author taking a name
    another needs (``Ann Lee`` taking ``Lee Ann`` while ``A. Lee`` can only be ``Ann Lee``) appends nobody
    twice and drops nobody.
    """
    if not rec.authors:
        return
    names = [a.name for a in work.authors]
    slots: dict[str, list[int]] = {}
    for i in range(len(names) - 1, -1, -1):  # popped from the end: lowest index first
        slots.setdefault(names[i], []).append(i)
    claimed: dict[int, int] = {}  # work author index -> record author position
    rest: list[int] = []
    for pos, a in enumerate(rec.authors):
        free = slots.get(a.name)
        if free:
            i = free.pop()
            claimed[i] = pos
            _enrich(work, i, a)
        else:
            rest.append(pos)
    if rest:
        by_token: dict[str, list[int]] = {}
        for i, a in enumerate(work.authors):
            if i not in claimed:
                for t in _name_tokens([a]):
                    by_token.setdefault(t, []).append(i)
        options = {
            pos: [
                i
                for i in sorted({i for t in _name_tokens([rec.authors[pos]]) for i in by_token.get(t, ())})
                if _same_person(rec.authors[pos].name, names[i])
            ]
            for pos in rest
        }
        matched = _max_matching(rest, options)
        for pos, i in matched.items():
            _enrich(work, i, rec.authors[pos])
        missing = [rec.authors[pos] for pos in rest if pos not in matched]
    else:
        missing = []
    work.authors.extend(missing)


def _enrich(work: Work, i: int, other: Author) -> None:
    """What ``other`` (the same author, on another record) says that the work's author ``i`` does not: an
    ORCID iD, a source identity, an email, the split of a multi-word surname. Copied, never shared."""
    from dataclasses import replace

    from byline.names import SURNAME_JOINER

    a = work.authors[i]
    changes: dict[str, object] = {}
    if other.orcid and not a.orcid:
        changes["orcid"] = other.orcid
    if other.identity and not a.identity:
        changes["identity"] = other.identity
    if other.email and not a.email:
        changes["email"] = other.email
    if not a.affiliations and other.affiliations:
        changes["affiliations"] = other.affiliations
    if (
        SURNAME_JOINER in other.name
        and SURNAME_JOINER not in a.name
        and other.name.replace(SURNAME_JOINER, " ") == a.name
    ):
        changes["name"] = other.name
    if changes:
        work.authors[i] = replace(a, **changes)  # type: ignore[arg-type]


def _max_matching(left: list[int], options: dict[int, list[int]]) -> dict[int, int]:
    """A maximum one-to-one matching of ``left`` into their ``options``, as ``{left: right}`` (augmenting
    paths, iterative; deterministic in the order of ``left`` and of each option list)."""
    owner: dict[int, int] = {}  # right -> left
    for start in left:
        if not options[start]:
            continue
        parent: dict[int, tuple[int, int | None]] = {}  # right -> (left that reached it, right before it)
        seen: set[int] = set()
        stack: list[tuple[int, int | None]] = [(start, None)]
        end: int | None = None
        while stack and end is None:
            u, via = stack.pop()
            fresh = [r for r in options[u] if r not in seen]
            for r in fresh:
                seen.add(r)
                parent[r] = (u, via)
            end = next((r for r in fresh if r not in owner), None)
            if end is None:  # every option taken: can its owner move? (first option first)
                stack.extend((owner[r], r) for r in reversed(fresh))
        r_cur: int | None = end
        while r_cur is not None:  # flip the path: each right on it goes to the left that reached it
            u, prev = parent[r_cur]
            owner[r_cur] = u
            r_cur = prev
    return {u: r for r, u in owner.items()}


def _abstract_tokens(abstract: str | None) -> list[str]:
    if not abstract:
        return []
    return _WORD.findall(unidecode(abstract).lower())


def _shingles(tokens: list[str], k: int = 1) -> frozenset[str]:
    if k == 1 or len(tokens) < k:
        return frozenset(tokens)
    return frozenset(" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1))


def _abstract_keys(tokens: list[str]) -> list[str]:
    if len(tokens) < _MIN_ABSTRACT_TOKENS:
        return []
    return ["abs:p:" + " ".join(tokens[:_AFFIX_TOKENS]), "abs:s:" + " ".join(tokens[-_AFFIX_TOKENS:])]


def _norm_doi(v: str | None) -> str | None:
    return v.strip().lower() if v and v.strip() else None


def _norm_arxiv(v: str | None) -> str | None:
    if not v or not v.strip():
        return None
    return re.sub(r"v\d+$", "", v.strip().lower().removeprefix("arxiv:"))


def _norm_id(kind: str, v: str | None) -> str | None:
    if kind == "doi":
        return _norm_doi(v)
    if kind == "arxiv":
        return _norm_arxiv(v)
    return str(v).strip().lower() if v is not None and str(v).strip() else None


def _volume(rec: Record) -> str | None:
    v = rec.extra.get("volume")
    return str(v).strip().lower() or None if v is not None else None


def _keys(title: str | None, abstract: str | None, ids: dict[str, str]) -> list[str]:
    out = []
    doi = _norm_doi(ids.get("doi"))
    if doi:
        out.append(f"doi:{doi}")
    arx = _norm_arxiv(ids.get("arxiv"))
    if arx:
        out.append(f"arxiv:{arx}")
    for kind in _OTHER_ID_KINDS:
        v = ids.get(kind)
        if v and str(v).strip():
            out.append(f"{kind}:{str(v).strip().lower()}")
    t = normalize_title(title)
    if len(t) >= _MIN_TITLE_CHARS:
        out.append(f"title:{t}")
    out.extend(_abstract_keys(_abstract_tokens(abstract)))
    return out


def record_keys(rec: Record) -> list[str]:
    """Index keys of a record, strongest first: ``doi:``, ``arxiv:``, ``openalex:``/``s2:``/``pmid:``,
    ``title:``, ``abs:p:``/``abs:s:``."""
    return _keys(rec.title, rec.abstract, rec.ids)


def work_keys(work: Work) -> list[str]:
    """Index keys of a work (from its merged fields and every record it holds)."""
    keys = dict.fromkeys(_keys(work.title, work.abstract, work.ids))
    for r in work.records:
        keys.update(dict.fromkeys(record_keys(r)))
    return list(keys)


# ------------------------------------------------------------------------------------------------
# merging


def _prov(rec: Record, name: str) -> Provenance:
    return rec.provenance_of(name)


def merge_record(work: Work, rec: Record) -> None:
    """Fold ``rec`` into ``work`` in place: keep it, and take each field where it is more complete.

    The work's authors then stand for every author of every record it holds (see :func:`_cover_authors`).
    """
    work.records.append(rec)
    fs = work.field_sources
    if rec.title and len(rec.title) > len(work.title or ""):
        work.title, fs["title"] = rec.title, _prov(rec, "title")
    if rec.authors:
        cur = (not work.authors_truncated, len(work.authors)) if work.authors else (False, -1)
        new = (not rec.authors_truncated, len(rec.authors))
        if new > cur:
            work.authors = list(rec.authors)
            work.authors_truncated = rec.authors_truncated
            fs["authors"] = _prov(rec, "authors")
            for earlier in work.records[:-1]:
                _cover_authors(work, earlier)
        else:
            _cover_authors(work, rec)
    if rec.year is not None and work.year is None:
        work.year, fs["year"] = rec.year, _prov(rec, "year")
    if rec.venue and len(rec.venue) > len(work.venue or ""):
        work.venue, fs["venue"] = rec.venue, _prov(rec, "venue")
    if rec.abstract and len(rec.abstract) > len(work.abstract or ""):
        work.abstract, fs["abstract"] = rec.abstract, _prov(rec, "abstract")
    for kw in rec.keywords:
        if kw not in work.keywords:
            work.keywords.append(kw)
    for kind, value in rec.ids.items():
        if value and kind not in work.ids:
            work.ids[kind] = value
            fs.setdefault("ids", _prov(rec, "ids"))
            fs[f"ids.{kind}"] = _prov(rec, "ids")


# ------------------------------------------------------------------------------------------------
# the index


@dataclass(slots=True)
class _Group:
    work: Work
    existing: bool
    shingles: list[frozenset[str]] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    changed: bool = False
    norm_title: str | None = None  # cache of normalize_title(work.title)
    all_keys: dict[str, None] = field(default_factory=dict)  # every key seen (``keys``: those indexed)

    def title_key(self) -> str:
        if self.norm_title is None:
            self.norm_title = normalize_title(self.work.title)
        return self.norm_title


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


class Deduper:
    """Incremental deduplication index (keys → groups). Feed records with :meth:`add`, read :meth:`works`.

    ``resolve(keys)`` (optional) returns already-known works carrying any of ``keys`` — the store uses it
    so new records merge into stored works without loading the whole store.
    """

    def __init__(
        self,
        *,
        abstract_threshold: float = ABSTRACT_THRESHOLD,
        resolve: Callable[[list[str]], Iterable[Work]] | None = None,
    ) -> None:
        if not 0.0 < abstract_threshold <= 1.0:
            raise ValueError("abstract_threshold must be in (0, 1]")
        self.abstract_threshold = abstract_threshold
        self.resolve = resolve
        self._groups: list[_Group] = []
        self._index: dict[str, list[int]] = {}
        self._existing_ids: dict[str, int] = {}
        self._finalized = False

    # -- registration

    def _register(self, gi: int, keys: Iterable[str]) -> None:
        g = self._groups[gi]
        for k in keys:
            g.all_keys.setdefault(k, None)
            slots = self._index.setdefault(k, [])
            if len(slots) < _MAX_GROUPS_PER_KEY and gi not in slots:
                slots.append(gi)
                g.keys.append(k)

    def add_existing(self, work: Work) -> None:
        """Register a known work (keeps its id; never merged with another known work)."""
        if work.id in self._existing_ids:
            return
        gi = len(self._groups)
        g = _Group(work=work, existing=True)
        texts = [work.abstract, *(r.abstract for r in work.records)]
        g.shingles = list({_shingles(t) for t in (_abstract_tokens(x) for x in texts if x) if t})
        self._groups.append(g)
        self._existing_ids[work.id] = gi
        self._register(gi, work_keys(work))

    def knows(self, work_id: str) -> bool:
        """True when an existing work with this id is registered already."""
        return work_id in self._existing_ids

    # -- matching

    def _compatible(self, g: _Group, rec: Record) -> bool:
        """No identifier kind with two different values (two DOIs, two PMIDs, ...), and no two volumes
        (the volumes of one proceedings series share a title, often editors too)."""
        w = g.work
        for kind in _ID_KINDS:
            a, b = _norm_id(kind, w.ids.get(kind)), _norm_id(kind, rec.ids.get(kind))
            if a and b and a != b:
                return False
        vol = _volume(rec)
        return vol is None or all(_volume(r) in (None, vol) for r in w.records)

    def _match(self, rec: Record, keys: list[str]) -> tuple[int, str] | None:
        """The group ``rec`` belongs to, and why; ``None`` for a new work."""
        abstract_sh: frozenset[str] | None = None
        rec_title = normalize_title(rec.title) if rec.title else ""
        for key in keys:
            is_title, is_abs = key.startswith("title:"), key.startswith("abs:")
            for gi in self._index.get(key, ()):
                g = self._groups[gi]
                if is_abs and rec_title and g.work.title and rec_title != g.title_key():
                    continue
                if not self._compatible(g, rec):
                    continue
                if is_title:
                    if rec.year is not None and g.work.year is not None and rec.year != g.work.year:
                        continue
                    shared = _shared_author(rec.authors, g.work.authors)
                    if shared is None:
                        continue
                    year = (
                        "same year"
                        if rec.year is not None and g.work.year is not None
                        else "year on one side only"
                    )
                    return gi, f"same title, {year}, shared author name {shared!r}"
                if is_abs:
                    if abstract_sh is None:
                        abstract_sh = _shingles(_abstract_tokens(rec.abstract))
                    best = max((_jaccard(abstract_sh, s) for s in g.shingles), default=0.0)
                    if best >= self.abstract_threshold:
                        return gi, f"near-identical abstracts (word overlap {best:.2f})"
                    continue
                if not titles_compatible(rec_title, g.title_key()):
                    continue
                kind, _, value = key.partition(":")
                title = "compatible title" if rec_title and g.title_key() else "title on one side only"
                return gi, f"same {kind} {value}, {title}"
        return None

    def add(self, rec: Record) -> Work:
        """Put ``rec`` into the work it duplicates (or a new one) and return that work.

        A new work's id is provisional until :meth:`works` is called.
        """
        keys = record_keys(rec)
        if self.resolve is not None and keys:
            for w in self.resolve(keys):
                self.add_existing(w)
        found = self._match(rec, keys)
        if found is None:
            gi = len(self._groups)
            self._groups.append(_Group(work=Work(id=""), existing=False))
        else:
            gi, why = found
            rec.extra[MERGE_REASON] = why
        g = self._groups[gi]
        merge_record(g.work, rec)
        g.changed = True
        g.norm_title = None
        if rec.abstract:
            toks = _abstract_tokens(rec.abstract)
            if len(toks) >= _MIN_ABSTRACT_TOKENS:
                sh = _shingles(toks)
                if sh not in g.shingles:
                    g.shingles.append(sh)
        self._register(gi, keys)
        self._finalized = False
        return g.work

    # -- results

    def _finalize(self) -> None:
        if self._finalized:
            return
        taken = {g.work.id for g in self._groups if g.existing}
        for g in self._groups:
            if g.existing or g.work.id:
                continue
            wid = _new_id(g.work, taken)
            g.work.id = wid
            taken.add(wid)
        self._finalized = True

    def works(self, *, changed_only: bool = False) -> list[Work]:
        """All works (or only those created or changed by :meth:`add`), in first-seen order."""
        self._finalize()
        return [g.work for g in self._groups if g.changed or not changed_only]

    def changed_with_keys(self) -> list[tuple[Work, list[str]]]:
        """The created or changed works, each with every index key it holds (records' and merged fields')."""
        self._finalize()
        return [
            (g.work, list(dict.fromkeys([*_keys(g.work.title, g.work.abstract, g.work.ids), *g.all_keys])))
            for g in self._groups
            if g.changed
        ]

    def new_work_ids(self) -> set[str]:
        self._finalize()
        return {g.work.id for g in self._groups if not g.existing}


def _new_id(work: Work, taken: set[str]) -> str:
    keys = _keys(work.title, work.abstract, work.ids)
    if keys:
        best = keys[0]
        base = stable_id("W", best, work.year if best.startswith("title:") else None)
    else:
        first = work.records[0].source if work.records else Provenance(file="")
        base = stable_id("W", "record", first.file, first.line, first.record)
    wid, n = base, 1
    while wid in taken:
        first = work.records[0].source if work.records else Provenance(file="")
        wid = stable_id("W", base, first.file, first.line, first.record, n)
        n += 1
    return wid


def dedup(
    records: Iterable[Record],
    existing: Iterable[Work] = (),
    *,
    abstract_threshold: float = ABSTRACT_THRESHOLD,
) -> list[Work]:
    """Merge ``records`` into works (also against ``existing`` works, which keep their ids).

    Returns every work that holds at least one of ``records``, in first-seen order.
    """
    d = Deduper(abstract_threshold=abstract_threshold)
    for w in existing:
        d.add_existing(w)
    for r in records:
        d.add(r)
    return d.works(changed_only=True)
