"""What the web app needs from the store, as one small interface.

:class:`Backend` is the protocol the routes call; :class:`StoreBackend` implements it over the real
store and the people layer (``byline.store``, ``byline.people``, ``byline.profiles``,
``byline.explain``), importing them lazily. Tests may inject any other implementation.

Every method returns plain JSON-able dicts (the API returns them as they are; the pages render
them). Unknown ids raise :class:`NotFound`; a retired (merged) person id raises :class:`Moved`.
"""

from __future__ import annotations

from typing import Any, Protocol

from byline._errors import StoreError

CURATION_ACTIONS = ("merge", "split", "lock", "unlock", "claim")
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

    def search_people(self, name: str | None, limit: int = 50) -> list[dict[str, Any]]:
        """People whose name (or a name variant) matches ``name``; all people when ``name`` is None."""
        ...

    def search_page(self, name: str | None, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        """One page of :meth:`search_people`: ``people``, ``total``, ``n_exact`` (matches of the name come
        first, then similar names, each row saying which in ``match``), ``offset``, ``limit``,
        ``next_offset`` (None on the last page)."""
        ...

    def name_page(self, name: str) -> dict[str, Any]:
        """Everyone sharing ``name`` (any printed form), side by side: ``name``, ``total``, ``people``
        (each with years, coauthors, affiliations, topics and works)."""
        ...

    def move(
        self, work_id: str, source: str, target: str, *, who: str = "web", why: str | None = None
    ) -> dict[str, Any]:
        """Move person ``source``'s signature on ``work_id`` to ``target``; returns ``{"event": ...,
        "person": target, "source": source id or None if it was emptied}``."""
        ...

    def person(self, person_id: str) -> dict[str, Any]:
        """The profile of one person (raises :class:`Moved` for a retired id)."""
        ...

    def work(self, work_id: str) -> dict[str, Any]: ...

    def audit(self, data: bytes, suffix: str, owner: str | None) -> dict[str, Any]:
        """Audit a listing given as raw bytes (``suffix`` is a safe file extension hint)."""
        ...

    def explain(self, a: str, b: str) -> dict[str, Any]: ...

    def review_queue(self, limit: int = 50) -> list[dict[str, Any]]:
        """The lowest-confidence assignments, least confident first."""
        ...

    def curate(
        self,
        action: str,
        person_id: str,
        *,
        other: str | None = None,
        works: list[str] | None = None,
        who: str = "web",
        why: str | None = None,
    ) -> dict[str, Any]:
        """Record one curation event; returns ``{"event": ..., "person": id_to_show}``."""
        ...

    def undo(self, event_id: int, *, who: str = "web", why: str | None = None) -> dict[str, Any]:
        """Append an undo of curation event ``event_id``; returns ``{"event": ..., "person": id_to_show}``."""
        ...

    def history(self, person_id: str) -> list[dict[str, Any]]:
        """Curation events about a person (``id``, ``kind``, ``person``, ``who``, ``at``, ``why``, ...)."""
        ...

    def get_setting(self, key: str) -> str | None: ...

    def set_setting(self, key: str, value: str) -> None: ...
