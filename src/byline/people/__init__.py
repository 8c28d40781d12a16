"""People: the persistent layer above the pure pipeline.

* :mod:`~byline.people.repo` -- every SQL statement of people, redirects, curation events and runs;
* :mod:`~byline.people.corpus` -- the store's signatures as every command sees them (claims included);
* :mod:`~byline.people.runs` -- :func:`disambiguate`, :func:`assign` (RND), :func:`audit` (IND);
* :mod:`~byline.people.curate` -- :func:`merge`, :func:`split`, :func:`lock`, :func:`unlock`,
  :func:`claim`, :func:`move`, :func:`undo`, :func:`history`;
* :mod:`~byline.people.views` -- :func:`search_people` / :func:`list_people` (name search),
  :func:`name_page` (everyone sharing a name, side by side), :func:`profile`; :data:`FLAG_THRESHOLD`.

Every public function that writes is one SQLite transaction.
"""

from __future__ import annotations

from byline.audit import AuditItem, AuditReport, audit_works
from byline.owners import implicit_signature, implicit_signature_id, owner_signature
from byline.people.corpus import Corpus, load_corpus
from byline.people.curate import claim, history, lock, merge, move, split, undo, unlock
from byline.people.repo import ListingRow, members, resolve
from byline.people.runs import (
    AssignReport,
    RunReport,
    assign,
    assign_pending,
    audit,
    disambiguate,
    resolve_listing,
)
from byline.people.views import (
    FLAG_THRESHOLD,
    PersonRow,
    SearchPage,
    list_people,
    name_page,
    profile,
    search_people,
)
from byline.place import place_in_block

__all__ = [
    "FLAG_THRESHOLD",
    "AssignReport",
    "AuditItem",
    "AuditReport",
    "Corpus",
    "ListingRow",
    "PersonRow",
    "RunReport",
    "SearchPage",
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
    "move",
    "name_page",
    "owner_signature",
    "place_in_block",
    "profile",
    "resolve",
    "resolve_listing",
    "search_people",
    "split",
    "undo",
    "unlock",
]
