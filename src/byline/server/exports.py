"""The person page's downloads (BibTeX, CSV, JSON) through the one exporter, :mod:`byline.profiles`.

The web app holds a person as the API serves it (:class:`~byline.server.contracts.PersonView`) and each
work as :class:`~byline.server.contracts.WorkView`; :func:`profile_of` turns them back into the
:class:`~byline.profiles.Profile` and :class:`~byline.profiles.WorkDetails` that ``byline person ID
--export`` writes from, so both give the same columns and the same JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from byline import profiles
from byline.profiles import Profile, WorkDetails, WorkRef

WEB_FORMATS = ("bib", "csv", "json")
EXPORT_TYPES = {f: profiles.EXPORT_TYPES[f] for f in WEB_FORMATS}


def _authors(work: Mapping[str, Any]) -> list[str]:
    return [
        str(a["name"]) if isinstance(a, Mapping) else str(a)
        for a in work.get("authors") or []
        if (a.get("name") if isinstance(a, Mapping) else a)
        and not (isinstance(a, Mapping) and a.get("implicit"))
    ]


def profile_of(
    person: Mapping[str, Any], works: Mapping[str, Mapping[str, Any]]
) -> tuple[Profile, dict[str, WorkDetails]]:
    """The profile behind a served person (and its works' details from the served works)."""
    refs, details = [], {}
    for row in person.get("works") or []:
        full = works.get(row.get("work_id"), {})
        printed = row.get("printed_name") or person.get("name") or ""
        authors = _authors(full) or [str(a) for a in row.get("authors") or []]
        refs.append(
            WorkRef(
                row["work_id"],
                row.get("signature_id") or "",
                full.get("title") or row.get("title"),
                full.get("year") or row.get("year"),
                full.get("venue") or row.get("venue"),
                printed,
                [a for a in authors if a != printed],
                bool(row.get("implicit")),
            )
        )
        details[row["work_id"]] = WorkDetails(
            authors, dict(full.get("ids") or row.get("ids") or {}), full.get("abstract"), row.get("fit")
        )
    prof = Profile(
        id=str(person.get("id") or ""),
        name=str(person.get("name") or ""),
        works=refs,
        name_variants=[(v["name"], v["count"]) for v in person.get("name_variants") or []],
        coauthors=[(c["name"], c["count"]) for c in person.get("coauthors") or []],
        affiliations=[(a["name"], a["count"]) for a in person.get("affiliations") or []],
        years=sorted((int(y), int(n)) for y, n in (person.get("years") or {}).items()),
        topics=[(t["term"], t["count"]) for t in person.get("topics") or [] if isinstance(t, Mapping)],
        emails=list(person.get("emails") or []),
        orcids=list(person.get("orcids") or []),
        locked=bool(person.get("locked")),
    )
    return prof, details


def render(fmt: str, person: Mapping[str, Any], works: Mapping[str, Mapping[str, Any]]) -> str:
    """``fmt`` (bib, csv or json) of a served person, as :func:`byline.profiles.render` gives it."""
    prof, details = profile_of(person, works)
    return profiles.render(fmt, prof, details, {prof.id: list(person.get("merged_from") or [])})


def to_bibtex(person: Mapping[str, Any], works: Mapping[str, Mapping[str, Any]]) -> str:
    return render("bib", person, works)


def to_csv(person: Mapping[str, Any], works: Mapping[str, Mapping[str, Any]]) -> str:
    return render("csv", person, works)


def work_ids(person: Mapping[str, Any]) -> Sequence[str]:
    return [w["work_id"] for w in person.get("works") or [] if w.get("work_id")]
