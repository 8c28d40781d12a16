"""Work deduplication: source records → works.

Two records are the same work when they share a DOI, an arXiv id (or an OpenAlex / S2 / PubMed id), a
normalized title (and the same year
when both have one), or — when at least one of them has no title — near-identical abstracts (the same
first or last 8 words, found through an index of those keys — linear cost, never quadratic — and a word-set
Jaccard ≥ ``abstract_threshold``). Records whose DOIs (or arXiv ids) differ are never merged.

Merging keeps every source record and, per field, the most complete value (longest title/abstract/venue,
the longest author list that is not truncated, the first year, the union of ids and keywords) together
with where it was read (``Work.field_sources``).

Work ids are deterministic: :func:`byline.records.stable_id` over the group's strongest key (DOI > arXiv
id > title + year > abstract), so the same input gives the same ids. Works already known (e.g. in the
store) keep their ids: register them with :meth:`Deduper.add_existing` or a ``resolve`` callback.

Matching is greedy in input order (first match by key priority); two existing works are never merged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from unidecode import unidecode

from byline.records import Provenance, Record, Work, stable_id

__all__ = ["Deduper", "dedup", "normalize_title", "record_keys", "work_keys", "merge_record"]

ABSTRACT_THRESHOLD = 0.9
_MIN_ABSTRACT_TOKENS = 20
_AFFIX_TOKENS = 8
_MIN_TITLE_CHARS = 8
# A key shared by more groups than this is boilerplate ("in this paper we propose a novel method"):
# it stops collecting groups and only its first groups are checked, so matching stays linear.
_MAX_GROUPS_PER_KEY = 64

# Further identifiers that mark one paper (exact match only; a mismatch does not veto a merge).
_OTHER_ID_KINDS = ("openalex", "s2", "pmid")

_WORD = re.compile(r"[a-z0-9]+")


def normalize_title(title: str | None) -> str:
    """Case, accents, punctuation and spacing folded: ``"(Deep) Generative  Geodesics."`` → ``"deep generative geodesics"``."""
    if not title:
        return ""
    return " ".join(_WORD.findall(unidecode(title).lower()))


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
    """Fold ``rec`` into ``work`` in place: keep it, and take each field where it is more complete."""
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
        w = g.work
        for kind, norm in (("doi", _norm_doi), ("arxiv", _norm_arxiv)):
            a, b = norm(w.ids.get(kind)), norm(rec.ids.get(kind))
            if a and b and a != b:
                return False
        return True

    def _match(self, rec: Record, keys: list[str]) -> int | None:
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
                    return gi
                if is_abs:
                    if abstract_sh is None:
                        abstract_sh = _shingles(_abstract_tokens(rec.abstract))
                    if any(_jaccard(abstract_sh, s) >= self.abstract_threshold for s in g.shingles):
                        return gi
                    continue
                return gi
        return None

    def add(self, rec: Record) -> Work:
        """Put ``rec`` into the work it duplicates (or a new one) and return that work.

        A new work's id is provisional until :meth:`works` is called.
        """
        keys = record_keys(rec)
        if self.resolve is not None and keys:
            for w in self.resolve(keys):
                self.add_existing(w)
        gi = self._match(rec, keys)
        if gi is None:
            gi = len(self._groups)
            self._groups.append(_Group(work=Work(id=""), existing=False))
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


def dedup(records: Iterable[Record], existing: Iterable[Work] = (), *,
          abstract_threshold: float = ABSTRACT_THRESHOLD) -> list[Work]:
    """Merge ``records`` into works (also against ``existing`` works, which keep their ids).

    Returns every work that holds at least one of ``records``, in first-seen order.
    """
    d = Deduper(abstract_threshold=abstract_threshold)
    for w in existing:
        d.add_existing(w)
    for r in records:
        d.add(r)
    return d.works(changed_only=True)
