"""What the web app needs from the store, as one small interface.

:class:`Backend` is the protocol the routes call; :class:`StoreBackend` implements it over the real
store and the people layer (``byline.store``, ``byline.people``, ``byline.profiles``,
``byline.explain``), importing them lazily. Tests may inject any other implementation.

Every method returns plain JSON-able dicts typed by :mod:`byline.server.contracts` (the API validates
and returns them; the pages render them). Unknown ids raise :class:`NotFound`; a retired (merged)
person id raises :class:`Moved`.
"""

from __future__ import annotations

from typing import Protocol, get_args

from byline._errors import StoreError
from byline.server.contracts import (
    AuditResult,
    CurationAction,
    CurationResult,
    ExplainCard,
    HistoryEvent,
    NamePage,
    PersonView,
    ReviewItem,
    SearchHit,
    SearchPage,
    WorkView,
)

CURATION_ACTIONS: tuple[CurationAction, ...] = get_args(CurationAction)
MISS = object()  # what an optional ``peek(method, *args)`` returns when it has no cached answer


class NotFound(StoreError):
    """No such person, work or signature."""

    def __init__(self, kind: str, ident: str):
        self.kind = kind
        self.ident = ident
        super().__init__(f"no {kind} with id {ident!r}")


class Moved(StoreError):
    """A retired person id: ``new_id`` is the person it was merged into."""

    def __init__(self, old_id: str, new_id: str):
        self.old_id = old_id
        self.new_id = new_id
        super().__init__(f"person {old_id!r} was merged into {new_id!r}")


class Backend(Protocol):
    """The read and curation operations the web app serves."""

    def search_people(self, name: str | None, limit: int = 50) -> list[SearchHit]:
        """People whose name (or a name variant) matches ``name``; all people when ``name`` is None."""
        ...

    def search_page(self, name: str | None, offset: int = 0, limit: int = 50) -> SearchPage:
        """One page of :meth:`search_people`: ``people``, ``total``, ``n_exact`` (matches of the name come
        first, then similar names, each row saying which in ``match``), ``offset``, ``limit``,
        ``next_offset`` (None on the last page)."""
        ...

    def name_page(self, name: str) -> NamePage:
        """Everyone sharing ``name`` (any printed form), side by side: ``name``, ``total``, ``people``
        (each with years, coauthors, affiliations, topics and works)."""
        ...

    def move(
        self, work_id: str, source: str, target: str, *, who: str = "web", why: str | None = None
    ) -> CurationResult:
        """Move person ``source``'s signature on ``work_id`` to ``target``; returns ``{"event": ...,
        "person": target, "source": source id or None if it was emptied}``."""
        ...

    def person(self, person_id: str) -> PersonView:
        """The profile of one person (raises :class:`Moved` for a retired id)."""
        ...

    def work(self, work_id: str) -> WorkView: ...

    def audit(self, data: bytes, suffix: str, owner: str | None) -> AuditResult:
        """Audit a listing given as raw bytes (``suffix`` is a safe file extension hint)."""
        ...

    def explain(self, a: str, b: str) -> ExplainCard: ...

    def review_queue(self, limit: int = 50) -> list[ReviewItem]:
        """The assignments whose pair probability is lowest, the least probable first."""
        ...

    def curate(
        self,
        action: CurationAction,
        person_id: str,
        *,
        other: str | None = None,
        works: list[str] | None = None,
        who: str = "web",
        why: str | None = None,
    ) -> CurationResult:
        """Record one curation event; returns ``{"event": ..., "person": id_to_show}``."""
        ...

    def undo(self, event_id: int, *, who: str = "web", why: str | None = None) -> CurationResult:
        """Append an undo of curation event ``event_id``; returns ``{"event": ..., "person": id_to_show}``."""
        ...

    def history(self, person_id: str) -> list[HistoryEvent]:
        """Curation events about a person (``id``, ``kind``, ``person``, ``who``, ``at``, ``why``, ...)."""
        ...

    def get_setting(self, key: str) -> str | None: ...

    def set_setting(self, key: str, value: str) -> None: ...
