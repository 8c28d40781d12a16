"""An in-memory :class:`byline.server.Backend` for the web tests that need no store.

It returns the same typed contracts as the real backend (:mod:`byline.server.contracts`); the routes
validate every answer against them, so a fake that drifts from the contract fails the tests instead of
passing them (``tests/test_server_contracts.py`` checks both backends against the same types).
"""

from __future__ import annotations

import copy

from byline._errors import ConstraintError, InputError
from byline.server import Moved, NotFound
from byline.server.contracts import (
    AuditResult,
    CurationAction,
    CurationResult,
    ExplainCard,
    HistoryEvent,
    NamePage,
    NamePerson,
    PersonView,
    ReviewItem,
    SearchHit,
    SearchPage,
    WorkView,
)

XSS_TITLE = 'Deep <script>alert(1)</script> nets <img src=x onerror="alert(2)"> $\\alpha$ </td></table>'
XSS_NAME = "Eve <b onmouseover=alert(3)>Hacker</b>"


def _event(eid: int, kind: str, person: str, who: str, why: str | None, **payload: object) -> HistoryEvent:
    return {
        "id": eid,
        "kind": kind,
        "person": person,
        "who": who,
        "at": "2026-12-07T00:00:00Z",
        "why": why or "",
        "description": f"event #{eid} ({kind} of {person})",
        "payload": dict(payload),
        "undone_by": None,
    }


class FakeBackend:
    def __init__(self) -> None:
        self.settings: dict[str, str] = {}
        self.events: list[HistoryEvent] = []
        self.redirects: dict[str, str] = {}
        self.people: dict[str, PersonView] = {
            "P1": self._person("P1", "Jaeseong Lee", [("W1", "Graph nets", 2021), ("W2", XSS_TITLE, 2023)]),
            "P2": self._person("P2", "J. Lee", [("W3", "Protein folding", 2019)]),
            "P3": self._person("P3", XSS_NAME, [("W4", "Attacks", 2022)]),
        }
        self.people["P1"]["flagged"] = [
            {
                "work_id": "W2",
                "title": XSS_TITLE,
                "fit": 0.09,
                "abstract_start": None,
                "evidence": ["no shared coauthor <i>x</i>"],
                "signature_id": "W2#0",
                "explain_a": "W2#0",
                "explain_b": "W1#0",
            }
        ]
        self.works: dict[str, WorkView] = {
            w["work_id"]: {
                "work_id": w["work_id"],
                "title": w["title"],
                "year": w["year"],
                "venue": None,
                "abstract": "<script>alert(4)</script>",
                "keywords": [],
                "ids": {},
                "authors_truncated": False,
                "authors": [
                    {
                        "name": p["name"],
                        "position": 0,
                        "affiliations": [],
                        "signature_id": f"{w['work_id']}#0",
                        "person_id": p["id"],
                        "person_name": p["name"],
                    }
                ],
                "sources": [{"file": "seed.txt", "line": 3, "record": None, "format": "listing"}],
            }
            for p in self.people.values()
            for w in p["works"]
        }

    @staticmethod
    def _person(pid: str, name: str, works: list[tuple[str, str, int]]) -> PersonView:
        return {
            "id": pid,
            "name": name,
            "locked": False,
            "merged_from": [],
            "n_works": len(works),
            "work_ids": [w for w, _, _ in works],
            "variants": [name],
            "name_variants": [{"name": name, "count": len(works)}],
            "works": [
                {
                    "work_id": w,
                    "signature_id": f"{w}#0",
                    "title": t,
                    "year": y,
                    "abstract_start": None,
                    "venue": None,
                    "printed_name": name,
                    "implicit": False,
                    "authors": [name],
                    "authors_truncated": False,
                    "cited_by": None,
                    "cited_by_source": None,
                    "fit": 0.8,
                    "flagged": False,
                }
                for w, t, y in works
            ],
            "coauthors": [],
            "affiliations": [],
            "years": {str(y): 1 for _, _, y in works},
            "topics": [{"term": "graphs", "count": 1}],
            "emails": [],
            "orcids": [],
            "flagged": [],
            "flag_threshold": 0.64,
            "cited_by": None,
            "scoring": None,
            "typical_signature": f"{works[0][0]}#0",
            "history": [],
        }

    def _hit(self, p: PersonView) -> SearchHit:
        years = sorted(w["year"] for w in p["works"] if w["year"])
        return {
            "id": p["id"],
            "name": p["name"],
            "locked": p["locked"],
            "match": "name",
            "n_works": len(p["works"]),
            "work_ids": [w["work_id"] for w in p["works"]],
            "first_year": years[0] if years else None,
            "last_year": years[-1] if years else None,
            "variants": list(p["variants"]),
            "affiliations": [],
            "example_work": p["works"][0]["title"] if p["works"] else None,
        }

    def search_people(self, name: str | None, limit: int = 50) -> list[SearchHit]:
        out = [p for p in self.people.values() if name is None or name.lower() in p["name"].lower()]
        return [self._hit(p) for p in out][:limit]

    def search_page(self, name: str | None, offset: int = 0, limit: int = 50) -> SearchPage:
        rows = self.search_people(name, 10**6)
        page = rows[offset : offset + limit]
        nxt = offset + len(page)
        return {
            "query": name,
            "total": len(rows),
            "n_exact": len(rows),
            "offset": offset,
            "limit": limit,
            "next_offset": nxt if nxt < len(rows) else None,
            "people": page,
        }

    def name_page(self, name: str) -> NamePage:
        people: list[NamePerson] = [
            {
                "id": p["id"],
                "name": p["name"],
                "locked": p["locked"],
                "n_works": len(p["works"]),
                "first_year": min((w["year"] for w in p["works"] if w["year"]), default=None),
                "last_year": max((w["year"] for w in p["works"] if w["year"]), default=None),
                "years": dict(p["years"]),
                "variants": list(p["variants"]),
                "coauthors": [],
                "affiliations": [],
                "topics": list(p["topics"]),
                "works": [
                    {
                        "work_id": w["work_id"],
                        "signature_id": w["signature_id"],
                        "title": w["title"],
                        "abstract_start": None,
                        "year": w["year"],
                        "venue": None,
                        "printed_name": w["printed_name"],
                        "cited_by": None,
                    }
                    for w in p["works"]
                ],
            }
            for p in self.people.values()
            if name.lower() in p["name"].lower()
        ]
        return {"name": name, "total": len(people), "people": people}

    def move(
        self, work_id: str, source: str, target: str, *, who: str = "web", why: str | None = None
    ) -> CurationResult:
        if work_id not in self.works:
            raise NotFound("work", work_id)
        src, dst = self.person(source), self.person(target)
        work = next((w for w in src["works"] if w["work_id"] == work_id), None)
        if work is None:
            raise InputError(f"person {source} has no signature on work {work_id}")
        self.people[source]["works"].remove(work)
        self.people[target]["works"].append(work)
        event = _event(len(self.events) + 1, "claim", target, who, why, works=[work_id], source=source)
        self.events.append(event)
        return {"action": "move", "event": event, "person": dst["id"], "source": src["id"], "work": work_id}

    def person(self, person_id: str) -> PersonView:
        if person_id in self.redirects:
            raise Moved(person_id, self.redirects[person_id])
        if person_id not in self.people:
            raise NotFound("person", person_id)
        return copy.deepcopy(self.people[person_id])

    def work(self, work_id: str) -> WorkView:
        if work_id not in self.works:
            raise NotFound("work", work_id)
        return self.works[work_id]

    def audit(self, data: bytes, suffix: str, owner: str | None) -> AuditResult:
        """Every non-blank line is a work; a line mentioning "river" is another person's."""
        lines = [x for x in data.decode("utf-8", "replace").splitlines() if x.strip()]
        works = [
            {
                "work_id": f"U{i}",
                "title": t,
                "score": 0.9 if "river" in t.lower() else 0.1,
                "flagged": "river" in t.lower(),
                "verdict": "possibly not theirs" if "river" in t.lower() else "consistent",
                "evidence": [f"read from a {suffix} upload"],
            }
            for i, t in enumerate(lines)
        ]
        works.sort(key=lambda w: -float(w["score"]))  # type: ignore[arg-type]
        return {"owner": owner or "", "works": works, "source": "upload", "problems": [], "n_problems": 0}  # type: ignore[typeddict-item]

    def _placed(self, sid: str) -> str | None:
        return next(
            (p["id"] for p in self.people.values() for w in p["works"] if w["signature_id"] == sid), None
        )

    def explain(self, a: str, b: str) -> ExplainCard:
        """Two signatures are the same person exactly when the fake has them in one person."""
        pa, pb = self._placed(a), self._placed(b)
        same = pa is not None and pa == pb
        return {
            "a": {"id": a, "name": XSS_NAME},
            "b": {"id": b, "name": "J. Lee"},
            "probability": 0.9 if same else 0.2,
            "threshold": 0.5,
            "decision": "same person" if same else "different people",
            "same": same,
            "constraint": None,
            "decided_by": None,
            "same_block": True,
            "person_a": pa,
            "person_b": pb,
            "same_person_now": same,
            "bias": 0.0,
            "features": [
                {"name": "name_sim", "value": 0.5, "contribution": -0.3, "doc": "", "abs_contribution": 0.3}
            ],
            "notes": [],
            "evidence": [],
        }

    def review_queue(self, limit: int = 50) -> list[ReviewItem]:
        """Every work but the first of each unlocked person, with the pair probability its explain card shows."""
        items: list[ReviewItem] = []
        for p in self.people.values():
            if p["locked"] or len(p["works"]) < 2:
                continue
            typical = p["works"][0]["signature_id"]
            for w in p["works"][1:]:
                items.append(
                    {
                        "signature_id": w["signature_id"],
                        "name": w["printed_name"],
                        "work_id": w["work_id"],
                        "title": w["title"],
                        "abstract_start": None,
                        "person_id": p["id"],
                        "person_name": p["name"],
                        "fit": w["fit"] or 0.0,
                        "probability": self.explain(w["signature_id"], typical)["probability"],
                        "explain_a": w["signature_id"],
                        "explain_b": typical,
                    }
                )
        return sorted(items, key=lambda it: it["probability"])[:limit]

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
        self.person(person_id)
        for w in works or []:
            if w not in self.works:
                raise NotFound("work", w)
        if action == "lock" and self.people[person_id]["locked"]:  # idempotent: the lock that holds it
            held = [e for e in self.people[person_id]["history"] if e["kind"] == "lock"]
            return {"action": action, "event": held[-1] if held else None, "person": person_id}
        if action == "merge":
            if other == person_id:
                raise ConstraintError("cannot merge a person with itself")
            assert other is not None
            self.person(other)
            self.people[person_id]["works"] += self.people.pop(other)["works"]
            self.redirects[other] = person_id
        if action == "lock":
            self.people[person_id]["locked"] = True
        event = _event(len(self.events) + 1, action, person_id, who, why, other=other, works=works or [])
        self.events.append(event)
        self.people[person_id]["history"].append(event)
        return {"action": action, "event": event, "person": person_id}

    def undo(self, event_id: int, *, who: str = "web", why: str | None = None) -> CurationResult:
        if not 1 <= event_id <= len(self.events):
            raise NotFound("curation event", str(event_id))
        event = _event(
            len(self.events) + 1, "undo", self.events[event_id - 1]["person"], who, why, reverts=event_id
        )
        self.events.append(event)
        return {"action": "undo", "event": event, "person": None}

    def history(self, person_id: str) -> list[HistoryEvent]:
        return list(self.person(person_id)["history"])

    def get_setting(self, key: str) -> str | None:
        return self.settings.get(key)

    def set_setting(self, key: str, value: str) -> None:
        self.settings[key] = value
