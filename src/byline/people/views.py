"""Read views of the stored people: the name search (any printed form of a name, typos as similar
names; paged), the name page (everyone sharing a name, side by side) and one person's profile."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from unidecode import unidecode

from byline._person_ids import follow
from byline.audit import FLAG_THRESHOLD as _AUDIT_FLAG_THRESHOLD
from byline.names import ParsedName, compatible, normalize, parse_name, surname_key
from byline.people import repo
from byline.people.corpus import load_signatures
from byline.profiles import Profile, WorkDetails, snippet, summarize
from byline.store import Store

if TYPE_CHECKING:  # pragma: no cover
    from byline.explain import EvidenceCard
    from byline.scorer import PairModel

__all__ = [
    "FLAG_THRESHOLD",
    "PersonRow",
    "explain",
    "export_details",
    "SearchHit",
    "set_apart",
    "h_index",
    "namesakes",
    "work_label",
    "SearchPage",
    "search_hits",
    "list_people",
    "name_match",
    "name_matcher",
    "name_page",
    "NameColumn",
    "NamePage",
    "profile",
    "search_people",
]


# A work of a person page is shown as "possibly not theirs" when the audit gives it at least this
# probability of not being the person's (byline.audit over the profile as a listing). Set in one place,
# byline.audit, from the IND benchmark (docs/benchmarks.md); re-exported here for the views and the server.
FLAG_THRESHOLD = _AUDIT_FLAG_THRESHOLD

EXACT, SIMILAR = "name", "similar"


@dataclass
class PersonRow:
    id: str
    name: str
    block: str
    locked: bool
    signature_ids: list[str]
    match: str = EXACT  # how the search query matched: the name (any printed form) or a similar name
    n_works: int | None = None

    @property
    def work_ids(self) -> list[str]:
        return sorted({s.split("#", 1)[0] for s in self.signature_ids})


@dataclass(frozen=True)
class SearchPage:
    """One page of a name search: ``people[offset:offset+limit]`` of ``total`` matches, every match of
    the name before the similar names (typos)."""

    query: str | None
    total: int
    offset: int
    limit: int | None
    people: list[PersonRow]
    n_exact: int


def _compact(s: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unidecode(s).lower())


def _readings(query: str) -> list[ParsedName]:
    """The ways a query can be read: as printed, and -- for two words without a comma ("Lee Jaeseong",
    "Wang Lei", "王磊") -- with the words swapped. Readings without a surname of letters or digits are
    left out: ``%``, ``*`` or ``' OR 1=1 --`` name nobody."""
    first = parse_name(query)
    words = unidecode(query).split()  # "王磊" reads "Wang Lei"
    out = [first]
    if len(words) == 2 and "," not in query:
        swapped = parse_name(f"{words[1]} {words[0]}")
        if (swapped.given, swapped.surname) != (first.given, first.surname):
            out.append(swapped)
    return [r for r in out if re.search(r"[a-z]", _compact(r.surname))]


def _tolerance(part: str) -> int:
    """Typos forgiven in a name part of this length: none up to 3 letters, one up to 8, then two."""
    n = len(part)
    return 0 if n <= 3 else (1 if n <= 8 else 2)


def _within(a: str, b: str, k: int) -> bool:
    """Edit distance of ``a`` and ``b`` at most ``k`` (insertions, deletions, substitutions, and swaps of
    two neighbouring letters: "Wnag" is one typo from "Wang")."""
    if abs(len(a) - len(b)) > k:
        return False
    if k == 0 or a == b:
        return a == b
    before: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], before[j - 2] + 1)
        if min(cur) > k and min(prev) > k:  # a swap reaches back two rows
            return False
        before, prev = prev, cur
    return prev[-1] <= k


def _deletions(part: str, k: int) -> set[str]:
    """``part`` with up to ``k`` letters left out: a name within ``k`` edits of ``part`` contains one of
    them as a subsequence (what the SQL prefilter asks)."""
    out = {part}
    for _ in range(k):
        out |= {x[:i] + x[i + 1 :] for x in out for i in range(len(x))}
    return {x for x in out if x}


def _last_surname_word(r: ParsedName) -> str:
    # particles may be printed elsewhere ("Berg, J. van"): only the last word is sure to be there
    return _compact(r.surname.split()[-1]) if surname_key(r) else ""


def _needles(query: str, similar: bool = False) -> list[str]:
    """What a printed name must contain (folded, letters and digits only, any letters in between) to
    possibly match ``query``: for each reading of the query, the last word of its surname (the one name
    part every match shows: a given name may be missing or an initial), with up to :func:`_tolerance`
    letters left out when typos are forgiven."""
    out: set[str] = set()
    for r in _readings(query):
        part = _compact(r.surname) if not r.given else _last_surname_word(r)
        if part:
            out |= _deletions(part, _tolerance(part) if similar else 0)
    return sorted(out)


def _exact(a: ParsedName, r: ParsedName, printed: str) -> bool:
    if not r.given and r.surname:  # one word: a surname, or a given name ("Jaeseong")
        word = surname_key(r)
        return surname_key(a) == word or a.given_joined == word or (not a.given and _compact(printed) == word)
    if not compatible(a, r):
        return False
    if r.given_is_initial or a.given_is_initial:
        return True
    return a.given_joined == r.given_joined or normalize(printed) == normalize(r.raw)


def _similar(a: ParsedName, r: ParsedName) -> bool:
    """The same name but for a few typos (:func:`_tolerance` per part)."""
    sur = surname_key(r)
    if not r.given:
        return any(x and _within(x, sur, _tolerance(sur)) for x in (surname_key(a), a.given_joined))
    if not _within(surname_key(a), sur, _tolerance(sur)):
        return False
    if not a.given or r.given_is_initial or a.given_is_initial:
        return not a.given or a.first_initial == r.first_initial
    return _within(a.given_joined, r.given_joined, _tolerance(r.given_joined))


def name_match(query: str, similar: bool = True) -> Callable[[str], str | None]:
    """How a printed name matches the query: :data:`EXACT` (the same name in any printed form: compatible
    per :func:`byline.names.compatible` and the same given name when both are written in full; either word
    order; one word matches a surname or a given name), :data:`SIMILAR` (the same but for typos), or None.
    Answers are memoized; names that cannot contain a needle (:func:`_needles`) are rejected unparsed."""
    readings = _readings(query)
    needles = _needles(query, similar)
    memo: dict[str, str | None] = {}

    def slow(printed: str) -> str | None:
        a = parse_name(printed)
        if any(_exact(a, r, printed) for r in readings):
            return EXACT
        if similar and any(_similar(a, r) for r in readings):
            return SIMILAR
        return None

    def match(printed: str) -> str | None:
        if printed in memo:
            return memo[printed]
        flat = _compact(printed)
        if needles and flat and not any(_subsequence(n, flat) for n in needles):
            memo[printed] = None
        else:
            memo[printed] = slow(printed)
        return memo[printed]

    return match


def _subsequence(needle: str, text: str) -> bool:
    it = iter(text)
    return all(ch in it for ch in needle)


def name_matcher(query: str) -> Callable[[str], bool]:
    """Does a printed name match the query exactly (:data:`EXACT` of :func:`name_match`)?"""
    match = name_match(query, similar=False)
    return lambda printed: match(printed) == EXACT


def search_people(
    store: Store, name: str | None = None, *, offset: int = 0, limit: int | None = 50, similar: bool = True
) -> SearchPage:
    """People whose name or a printed variant matches ``name`` (:func:`name_match`; every person when
    None): the exact matches biggest first, then the similar names. Paged (``offset``, ``limit``; None:
    all). A fixed number of SQL statements (four), whatever the size of the store or of the answer."""
    conn = store.connection
    kind: dict[str, str] = {}
    if name and not _readings(name):  # nothing a name is made of: no one matches
        return SearchPage(name, 0, max(0, offset), limit, [], 0)
    if name:
        match = name_match(name, similar)
        needles = _needles(name, similar)
        for pid, printed in [*repo.person_variants(conn, needles), *repo.person_names_like(conn, needles)]:
            k = match(printed)
            if k is not None and kind.get(pid) != EXACT:
                kind[pid] = k
        counts = repo.person_counts(conn, sorted(kind))
    else:
        counts = repo.person_counts(conn)
        kind = dict.fromkeys(counts, EXACT)
    order = sorted(
        counts.values(),
        key=lambda c: (kind[c.person.id] != EXACT, -c.n_signatures, c.person.name, c.person.id),
    )
    offset = max(0, offset)
    page = order[offset:] if limit is None else order[offset : offset + max(0, limit)]
    mem = repo.members_json(conn, [c.person.id for c in page]) if page else {}
    rows = [
        PersonRow(
            c.person.id, c.person.name, c.person.block, c.person.locked, mem.get(c.person.id, []),
            kind[c.person.id], c.n_works,
        )
        for c in page
    ]  # fmt: skip
    n_exact = sum(1 for c in order if kind[c.person.id] == EXACT)
    return SearchPage(name, len(order), offset, limit, rows, n_exact)


@dataclass(frozen=True)
class SearchHit:
    """A search result as it is shown: the person with their years, printed names, affiliations and the
    title of their latest work (``example_work``) to tell people apart at a glance."""

    id: str
    name: str
    locked: bool
    match: str
    n_works: int
    work_ids: list[str]
    first_year: int | None
    last_year: int | None
    variants: list[str]
    affiliations: list[str]
    example_work: str | None
    summary: str = ""  # what sets them apart (:func:`set_apart`)
    shared_name: bool = False  # someone else on the page goes by this name

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def search_hits(store: Store, rows: list[PersonRow]) -> list[SearchHit]:
    """``rows`` (a page of :func:`search_people`) with what a result shows; two statements, reading only
    the page's own works and signatures."""
    conn = store.connection
    labels: dict[str, tuple[int | None, str | None]] = {}
    for wid, (year, title, abstract) in repo.work_labels(conn, [w for p in rows for w in p.work_ids]).items():
        labels[wid] = (year, title or snippet(abstract, 70))
    found, implicit = load_signatures(store, [s for p in rows for s in p.signature_ids])
    out = []
    for p in rows:
        years = sorted(y for w in p.work_ids if (y := labels.get(w, (None, None))[0]))
        sigs = [found[s] for s in p.signature_ids if s in found]
        prof = summarize(p.id, sigs, implicit=implicit, locked=p.locked)
        latest = sorted(p.work_ids, key=lambda w: -(labels.get(w, (None, None))[0] or 0))
        first, last = (years[0], years[-1]) if years else (None, None)
        out.append(
            SearchHit(
                p.id, p.name, p.locked, p.match, len(p.work_ids), p.work_ids, first, last,
                [n for n, _ in prof.name_variants] or [p.name],
                [a for a, _ in prof.affiliations[:3]],
                next((lab for w in latest if (lab := labels.get(w, (None, None))[1])), None),
                set_apart(prof, first, last),
            )
        )  # fmt: skip
    matchers = {h.name: name_matcher(h.name) for h in out}
    return [replace(h, shared_name=any(o.id != h.id and matchers[h.name](o.name) for o in out)) for h in out]


def _years_text(first: int | None, last: int | None) -> str:
    if not first:
        return ""
    return str(first) if not last or last == first else f"{first}–{last}"


def h_index(counts: list[int]) -> int:
    """The largest h such that h works have at least h citations each."""
    ranked = sorted(counts, reverse=True)
    return sum(1 for k, c in enumerate(ranked, 1) if c >= k)


def work_label(title: str | None, abstract: str | None, n: int = 90) -> str:
    """How a work is named wherever it is listed: its title, else the first words of its abstract
    (quoted, with an ellipsis), else "(no title or abstract)"."""
    if title:
        return title
    start = snippet(abstract, n)
    return f"“{start}”" if start else "(no title or abstract)"


def namesakes(store: Store, pid: str, name: str, limit: int = 20) -> list[SearchHit]:
    """The other people with ``name`` in some printed form (the biggest ``limit``), each with the line
    that sets them apart: the choices of a merge."""
    page = search_people(store, name, limit=limit + 1, similar=False)
    return [h for h in search_hits(store, [p for p in page.people if p.id != pid][:limit])]


def set_apart(prof: Profile, first: int | None, last: int | None) -> str:
    """One line that tells a person from namesakes, as ORCID, OpenAlex and dblp do: the main institution,
    the years, the top topic and the top coauthor ("KAIST, 2021–2024, face swapping · with Jaegul Choo")."""
    head = [x for x in (
        prof.affiliations[0][0] if prof.affiliations else "",
        _years_text(first, last),
        prof.topics[0][0] if prof.topics else "",
    ) if x]  # fmt: skip
    line = ", ".join(head)
    if prof.coauthors:
        line = f"{line} · with {prof.coauthors[0][0]}" if line else f"with {prof.coauthors[0][0]}"
    return line or "no details known"


def export_details(store: Store, prof: Profile) -> dict[str, WorkDetails]:
    """What the stored works add to ``prof``'s export (every author, identifiers, abstract): one batch read."""
    works = store.works_by_id(prof.work_ids)
    return {
        wid: WorkDetails([a.name for a in w.authors], dict(w.ids), w.abstract) for wid, w in works.items()
    }


def explain(store: Store, sig_a: str, sig_b: str, model: PairModel) -> EvidenceCard:
    """The evidence card (:func:`byline.explain.explain_in`, pure) for two stored signatures, with the
    store's curation and the people they sit in; scored with the store's own name counts."""
    from byline.curation import ConstraintSet
    from byline.explain import explain_in
    from byline.people.corpus import load_corpus
    from byline.scorer import Scorer

    corpus = load_corpus(store)
    scorer = Scorer.for_corpus(model, corpus.signatures.values())
    placed = repo.assignments(store.connection)
    return explain_in(corpus, scorer, ConstraintSet.replay(corpus.events), placed, sig_a, sig_b)


def list_people(store: Store, name: str | None = None) -> list[PersonRow]:
    """Stored people, biggest first; with ``name``, those whose name or a printed variant is that name in
    any printed form (:func:`name_matcher`; no typos). A fixed number of statements, whatever the size of
    the store."""
    return search_people(store, name, limit=None, similar=False).people


def profile(store: Store, pid: str) -> tuple[Profile, list[str]]:
    """The profile of person ``pid`` and the retired ids that redirect to it."""
    conn = store.connection
    p = repo.resolve(conn, pid)
    sids = repo.members(conn, p)
    rec = repo.person(conn, p)
    redirects = repo.redirects(conn)
    found, implicit = load_signatures(store, sids)
    sigs = [found[s] for s in sids if s in found]
    prof = summarize(p, sigs, implicit=implicit, locked=bool(rec and rec.locked))
    return prof, sorted(a for a in redirects if follow(redirects, a) == p)


# -- the name page: everyone sharing a name, side by side -----------------------------------------------

NAME_PAGE_PEOPLE = 12  # people shown side by side (the biggest); the rest are counted
NAME_PAGE_WORKS = 5  # works shown per person before "all works"


@dataclass
class NameColumn:
    """One person of a name page: who they are at a glance."""

    person: PersonRow
    profile: Profile
    first_year: int | None
    last_year: int | None
    coauthor_ids: dict[str, str] = field(default_factory=dict)  # coauthor name -> their person id
    citations: dict[str, tuple[int, str]] = field(default_factory=dict)  # work id -> (count, source)
    summary: str = ""  # what sets them apart (:func:`set_apart`)


@dataclass
class NamePage:
    """Everyone whose name is ``name`` in some printed form (:func:`name_matcher`), biggest first."""

    name: str
    total: int
    columns: list[NameColumn]


def name_page(store: Store, name: str, limit: int = NAME_PAGE_PEOPLE) -> NamePage:
    """The people sharing ``name`` side by side (the ``limit`` biggest): their years, works, top
    coauthors (with the people they are), affiliations and topics. Statements: the search's four, the
    works (one per 500), the coauthors' placements and the citation counts (one each)."""
    page = search_people(store, name, limit=limit, similar=False)
    sids = [s for p in page.people for s in p.signature_ids]
    found, implicit = load_signatures(store, sids)
    coauthor_sids = [
        f"{sig.work_id}#{k}"
        for sig in found.values()
        if sig.id not in implicit
        for k in range(len(sig.coauthors) + 1)
        if k != sig.position
    ]
    conn = store.connection
    placed = repo.placements(conn, coauthor_sids)
    cites = repo.work_citations(conn, sorted({s.work_id for s in found.values()}))
    columns = []
    for row in page.people:
        sigs = [found[s] for s in row.signature_ids if s in found]
        prof = summarize(row.id, sigs, implicit=implicit, locked=row.locked)
        who: dict[str, Counter[str]] = defaultdict(Counter)
        for sig in sigs:
            if sig.id in implicit:
                continue
            for k, co in enumerate(sig.coauthors):
                pid = placed.get(f"{sig.work_id}#{k if k < sig.position else k + 1}")
                if pid and pid != row.id:
                    who[co][pid] += 1
        years = [y for y, _ in prof.years]
        columns.append(
            NameColumn(
                row,
                prof,
                years[0] if years else None,
                years[-1] if years else None,
                {n: c.most_common(1)[0][0] for n, c in who.items()},
                {w: cites[w] for w in prof.work_ids if w in cites},
                set_apart(prof, years[0] if years else None, years[-1] if years else None),
            )
        )
    return NamePage(name, page.total, columns)
