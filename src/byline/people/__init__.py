"""People: the persistent layer above the pure pipeline.

* :mod:`~byline.people.repo` -- every SQL statement of people, redirects, curation events and runs;
* :mod:`~byline.people.corpus` -- the store's signatures as every command sees them (claims included);
* :mod:`~byline.people.runs` -- :func:`disambiguate`, :func:`assign` (RND), :func:`audit` (IND);
* :mod:`~byline.people.curate` -- :func:`merge`, :func:`split`, :func:`lock`, :func:`unlock`,
  :func:`claim`, :func:`undo`, :func:`history`;
* :mod:`~byline.people.views` -- :func:`list_people` (name search), :func:`profile`.

Every public function that writes is one SQLite transaction.
"""

from __future__ import annotations

from byline.audit import AuditItem, AuditReport, audit_works
from byline.owners import implicit_signature, implicit_signature_id, owner_signature
from byline.people.corpus import Corpus, load_corpus
from byline.people.curate import claim, history, lock, merge, split, undo, unlock
from byline.people.repo import ListingRow, members, migrate_people, resolve
from byline.people.runs import (
    AssignReport,
    RunReport,
    assign,
    assign_pending,
    audit,
    disambiguate,
    resolve_listing,
)
from byline.people.views import PersonRow, list_people, profile
from byline.place import place_in_block

__all__ = [
    "AssignReport",
    "AuditItem",
    "AuditReport",
    "Corpus",
    "ListingRow",
    "PersonRow",
    "RunReport",
    "assign",
    "assign_pending",
    "audit",
    "audit_works",
    "claim",
    "disambiguate",
    "history",
    "implicit_signature",
    "implicit_signature_id",
    "list_people",
    "load_corpus",
    "lock",
    "members",
    "merge",
    "migrate_people",
    "owner_signature",
    "place_in_block",
    "profile",
    "resolve",
    "resolve_listing",
    "split",
    "undo",
    "unlock",
]
