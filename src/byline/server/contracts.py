"""The web API's typed contracts: what every :class:`~byline.server.backend.Backend` returns and every
route answers (``response_model``), so the OpenAPI schema at ``/docs`` documents the API and a backend
(the real one or a test fake) that drifts from it fails: responses are validated against these types
and no undeclared key is allowed (``extra="forbid"``).

Two numbers are named apart everywhere: ``fit`` (how well a work fits the person it is placed in) and
``probability`` (the model's same-person probability of one pair of signatures); see
:mod:`byline.people.review`. Request bodies are pydantic models, modes are ``Literal`` s.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field, with_config
from typing_extensions import TypedDict

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:#@+-]{0,199}$"

Match = Literal["name", "similar"]  # how a search matched: the name in any printed form, or a similar name
CurationAction = Literal["merge", "split", "lock", "unlock", "claim"]
ExportFormat = Literal["bib", "csv", "json"]
Decision = Literal["same person", "different people"]
Verdict = Literal["possibly not theirs", "uncertain", "consistent"]

_STRICT = ConfigDict(extra="forbid")


@with_config(_STRICT)
class SearchHit(TypedDict):
    id: str
    name: str
    locked: bool
    match: Match
    n_works: int
    work_ids: list[str]
    first_year: int | None
    last_year: int | None
    variants: list[str]
    affiliations: list[str]
    example_work: str | None
    summary: NotRequired[str]  # one line that sets them apart from namesakes
    shared_name: NotRequired[bool]  # someone else in these results goes by the same name


@with_config(_STRICT)
class SearchPage(TypedDict):
    query: str | None
    total: int
    n_exact: int
    offset: int
    limit: int
    next_offset: int | None
    people: list[SearchHit]


@with_config(_STRICT)
class Counted(TypedDict):
    name: str
    count: int


@with_config(_STRICT)
class Coauthor(TypedDict):
    name: str
    count: int
    person_id: str | None


@with_config(_STRICT)
class Topic(TypedDict):
    term: str
    count: int


@with_config(_STRICT)
class NameWork(TypedDict):
    work_id: str
    signature_id: str
    title: str | None
    abstract_start: str | None
    year: int | None
    venue: str | None
    printed_name: str
    cited_by: int | None


@with_config(_STRICT)
class NamePerson(TypedDict):
    id: str
    name: str
    locked: bool
    n_works: int
    first_year: int | None
    last_year: int | None
    years: dict[str, int]
    variants: list[str]
    coauthors: list[Coauthor]
    affiliations: list[Counted]
    topics: list[Topic]
    works: list[NameWork]
    summary: NotRequired[str]  # one line that sets them apart from namesakes


@with_config(_STRICT)
class NamePage(TypedDict):
    name: str
    total: int
    people: list[NamePerson]


@with_config(_STRICT)
class HistoryEvent(TypedDict):
    id: int
    kind: str
    person: str
    who: str
    at: str
    why: str
    description: str
    payload: dict[str, Any]
    undone_by: int | None


@with_config(_STRICT)
class WorkRow(TypedDict):
    """One work of a person page; ``fit``: how well it fits the person (None when not scored)."""

    work_id: str
    signature_id: str
    title: str | None
    year: int | None
    abstract_start: str | None
    venue: str | None
    printed_name: str
    implicit: bool
    authors: list[str]
    authors_truncated: bool
    cited_by: int | None
    cited_by_source: str | None
    fit: float | None
    flagged: bool
    ids: NotRequired[dict[str, str]]  # filled in for the person page (DOI / arXiv links)


@with_config(_STRICT)
class FlaggedWork(TypedDict):
    work_id: str
    title: str | None
    fit: float  # as the work row's: low means possibly not theirs
    abstract_start: str | None
    evidence: list[str]
    signature_id: str
    explain_a: str | None
    explain_b: str | None


@with_config(_STRICT)
class Namesake(TypedDict):
    id: str
    name: str
    n_works: int
    summary: str


@with_config(_STRICT)
class PersonView(TypedDict):
    id: str
    name: str
    locked: bool
    merged_from: list[str]
    n_works: int
    work_ids: list[str]
    variants: list[str]
    name_variants: list[Counted]
    works: list[WorkRow]
    coauthors: list[Coauthor]
    affiliations: list[Counted]
    years: dict[str, int]
    topics: list[Topic]
    emails: list[str]
    orcids: list[str]
    flagged: list[FlaggedWork]
    flag_threshold: float
    cited_by: int | None
    scoring: str | None
    typical_signature: str | None
    history: list[HistoryEvent]
    summary: NotRequired[str]  # main institution, years, top topic, top coauthor
    first_year: NotRequired[int | None]
    last_year: NotRequired[int | None]
    h_index: NotRequired[int | None]  # where the sources gave citation counts
    n_cited_works: NotRequired[int]  # works with a citation count
    namesakes: NotRequired[list[Namesake]]  # others with the name: the choices of a merge
    names: NotRequired[dict[str, str]]  # person id -> name, of the people the history names


@with_config(_STRICT)
class WorkAuthor(TypedDict):
    name: str
    position: int | None
    affiliations: list[str]
    signature_id: str
    person_id: str | None
    person_name: str | None
    email: NotRequired[str | None]
    orcid: NotRequired[str | None]
    implicit: NotRequired[bool]


@with_config(_STRICT)
class Source(TypedDict):
    file: str
    line: int | None
    record: str | None  # the record within the file (a BibTeX key, an index, ...)
    format: str | None


@with_config(_STRICT)
class WorkView(TypedDict):
    work_id: str
    title: str | None
    year: int | None
    venue: str | None
    abstract: str | None
    keywords: list[str]
    ids: dict[str, str]
    authors_truncated: bool
    authors: list[WorkAuthor]
    sources: list[Source]


@with_config(_STRICT)
class FeatureRow(TypedDict):
    name: str
    value: float | None
    contribution: float | None
    doc: str
    abs_contribution: float


@with_config(_STRICT)
class ExplainCard(TypedDict):
    """Why two signatures are (not) the same person: the pair ``probability`` and each feature's part."""

    a: dict[str, Any]
    b: dict[str, Any]
    probability: float
    threshold: float
    decision: Decision
    same: bool
    constraint: str | None
    decided_by: str | None
    same_block: bool
    person_a: str | None
    person_b: str | None
    same_person_now: bool
    bias: float | None
    features: list[FeatureRow]
    notes: list[str]
    evidence: list[str]


@with_config(_STRICT)
class ReviewItem(TypedDict):
    """An assignment to review: its ``fit`` to the person and the pair's same-person ``probability``."""

    signature_id: str
    name: str
    work_id: str
    title: str | None
    abstract_start: str | None
    person_id: str
    person_name: str
    fit: float
    probability: float
    explain_a: str
    explain_b: str


@with_config(_STRICT)
class AuditWork(TypedDict):
    work_id: str
    title: str | None
    score: float
    flagged: bool
    verdict: Verdict
    evidence: list[str]
    abstract_start: NotRequired[str | None]  # names a work without a title


@with_config(_STRICT)
class AuditResult(TypedDict):
    owner: str
    works: list[AuditWork]
    source: str
    problems: list[str]  # problems met while reading the upload, one line per kind, with counts
    n_problems: int


@with_config(_STRICT)
class CurationResult(TypedDict):
    """What a curator write did: the event it stored and the person to show now."""

    action: Literal["merge", "split", "lock", "unlock", "claim", "move", "undo"]
    event: HistoryEvent | None
    person: str | None
    requested: NotRequired[str]
    merged: NotRequired[str]
    new_person: NotRequired[str]
    source: NotRequired[str | None]
    work: NotRequired[str]


# -- paged answers of the API: one shape ------------------------------------------------------------
# Every listing the API pages (search, review, names, history) answers ``items`` (this page), ``total``
# (all matches), ``limit`` and ``offset`` (as asked), ``next_offset`` (None on the last page).


@with_config(_STRICT)
class SearchResults(TypedDict):
    """``GET /api/people``: people whose name matches, those matching the name first (``n_exact``)."""

    items: list[SearchHit]
    total: int
    limit: int
    offset: int
    next_offset: int | None
    query: str | None
    n_exact: int


@with_config(_STRICT)
class NamesResults(TypedDict):
    """``GET /api/names``: everyone sharing ``name``, side by side."""

    items: list[NamePerson]
    total: int
    limit: int
    offset: int
    next_offset: int | None
    name: str


@with_config(_STRICT)
class HistoryPage(TypedDict):
    """``GET /api/people/{id}/history``: the person's curation events, oldest first."""

    items: list[HistoryEvent]
    total: int
    limit: int
    offset: int
    next_offset: int | None


@with_config(_STRICT)
class ReviewPage(TypedDict):
    """``GET /api/review``: assignments to review, the least probable first."""

    items: list[ReviewItem]
    total: int
    limit: int
    offset: int
    next_offset: int | None


def page_of(items: list[Any], offset: int, limit: int) -> dict[str, Any]:
    """The paging keys of a whole list: ``items`` (``limit`` of them from ``offset``), ``total``, ...."""
    total = len(items)
    nxt = offset + limit
    return {
        "items": items[offset:nxt],
        "total": total,
        "limit": limit,
        "offset": offset,
        "next_offset": nxt if nxt < total else None,
    }


# -- request bodies ---------------------------------------------------------------------------------


class CurationBody(BaseModel):
    """Body of a curator write. ``other`` is the second person of a merge; ``works`` the works of a
    split or a claim."""

    other: str | None = Field(default=None, pattern=ID_PATTERN)
    works: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(default_factory=list, max_length=1000)
    who: str = Field(default="web", min_length=1, max_length=100)
    why: str | None = Field(default=None, max_length=2000)


class MoveBody(BaseModel):
    """Body of a move: the work goes from person ``source`` to person ``target`` (a claim event for the
    target, which an undo reverts)."""

    source: str = Field(pattern=ID_PATTERN)
    target: str = Field(pattern=ID_PATTERN)
    who: str = Field(default="web", min_length=1, max_length=100)
    why: str | None = Field(default=None, max_length=2000)


class UndoBody(BaseModel):
    """Body of an undo: who asks and why (both kept in the history)."""

    who: str = Field(default="web", min_length=1, max_length=100)
    why: str | None = Field(default=None, max_length=2000)
