"""Who the owner of a listing is on each of its works (pure).

A listing claims its works for its owner. On a work whose author list shows the owner, the owner's
signature is the printed author whose name fits best (:func:`owner_position`). A work without authors
(abstract-only pages), or with a cut author list ("et al.") that does not show the owner, gets an
*implicit owner signature*: one signature printed as the owner's name, id ``<work id>#owner:<hash>``.
"""

from __future__ import annotations

from byline.names import ParsedName, compatible, normalize, parse_name
from byline.records import Signature, Work, signatures_of, stable_id

__all__ = ["implicit_signature_id", "implicit_signature", "owner_position", "owner_signature", "is_implicit"]


def implicit_signature_id(work_id: str, owner: str) -> str:
    """The id of the owner's implicit signature on an author-less work: stable for one owner spelling
    (normalized), distinct from the work's positional ids ``<work id>#<n>``."""
    return f"{work_id}#owner:{stable_id('', normalize(owner))}"


def is_implicit(signature_id: str) -> bool:
    """Whether ``signature_id`` is an implicit owner signature (:func:`implicit_signature_id`)."""
    return "#owner:" in signature_id


def implicit_signature(work: Work, owner: str) -> Signature:
    """The listing owner as the implicit (only) author of an author-less work."""
    return Signature(
        id=implicit_signature_id(work.id, owner),
        name=owner,
        work_id=work.id,
        position=-1,
        title=work.title,
        abstract=work.abstract,
        venue=work.venue,
        year=work.year,
        keywords=tuple(work.keywords),
    )


def _loose_match(printed: str, target: ParsedName) -> bool:
    """Surname-first or shouted forms the parser may misread ("KUMAR Amit", "Lee Jaeseong"): some token
    equals the target's surname and another starts with its first initial."""
    toks = normalize(printed).replace(",", " ").replace(".", " ").split()
    sur = target.surname.replace(" ", "")
    if not sur or sur not in toks or len(toks) < 2:
        return False
    rest = [t for t in toks if t != sur]
    return bool(rest) and bool(target.first_initial) and rest[0].startswith(target.first_initial)


def owner_position(work: Work, name: str) -> int | None:
    """The author position on ``work`` printed most like ``name`` (None if no compatible one)."""
    target = parse_name(name)
    best: tuple[int, int] | None = None
    for i, a in enumerate(work.authors):
        if compatible(a.name, target):
            p = parse_name(a.name)
            rank = (
                0
                if normalize(a.name) == normalize(name)
                else (1 if p.given_joined == target.given_joined else 2)
            )
        elif _loose_match(a.name, target):
            rank = 3
        else:
            continue
        if best is None or rank < best[0]:
            best = (rank, i)
    return None if best is None else best[1]


def owner_signature(work: Work, owner: str) -> tuple[Signature | None, str]:
    """The owner's signature on ``work`` and how it was found (``"printed"``, ``"implicit"``, ``"absent"``)."""
    pos = owner_position(work, owner)
    if pos is not None:
        return signatures_of(work)[pos], "printed"
    if not work.authors or work.authors_truncated:
        return implicit_signature(work, owner), "implicit"
    return None, "absent"
