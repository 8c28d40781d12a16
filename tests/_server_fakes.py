"""An in-memory :class:`byline.server.Backend` for the web tests that need no store."""

from __future__ import annotations

import copy
from typing import Any

from byline._errors import ConstraintError, InputError
from byline.server import Moved, NotFound

XSS_TITLE = 'Deep <script>alert(1)</script> nets <img src=x onerror="alert(2)"> $\\alpha$ </td></table>'
XSS_NAME = "Eve <b onmouseover=alert(3)>Hacker</b>"


class FakeBackend:
    def __init__(self) -> None:
        self.settings: dict[str, str] = {}
        self.events: list[dict[str, Any]] = []
        self.redirects: dict[str, str] = {}
        self.people: dict[str, dict[str, Any]] = {
            "P1": self._person("P1", "Jaeseong Lee", [("W1", "Graph nets", 2021), ("W2", XSS_TITLE, 2023)]),
            "P2": self._person("P2", "J. Lee", [("W3", "Protein folding", 2019)]),
            "P3": self._person("P3", XSS_NAME, [("W4", "Attacks", 2022)]),
        }
        self.people["P1"]["flagged"] = [
            {
                "work_id": "W2",
                "title": XSS_TITLE,
                "score": 0.91,
                "evidence": ["no shared coauthor <i>x</i>"],
                "explain_a": "W1#0",
                "explain_b": "W2#0",
            }
        ]
        self.works = {
            w["id"]: {
                "id": w["id"],
                "title": w["title"],
                "year": w["year"],
                "abstract": "<script>alert(4)</script>",
                "authors": [{"name": p["name"], "person_id": p["id"], "signature_id": f"{w['id']}#0"}],
                "sources": [{"file": "seed.txt", "line": 3}],
            }
            for p in self.people.values()
            for w in p["works"]
        }

    @staticmethod
    def _person(pid: str, name: str, works: list[tuple[str, str, int]]) -> dict[str, Any]:
        return {
            "id": pid,
            "name": name,
            "variants": [name],
            "locked": False,
            "n_works": len(works),
            "works": [{"id": w, "title": t, "year": y, "authors": [name], "fit": 0.8} for w, t, y in works],
            "coauthors": [],
            "affiliations": [],
            "topics": ["graphs"],
            "flagged": [],
            "history": [],
        }

    def search_people(self, name: str | None, limit: int = 50) -> list[dict[str, Any]]:
        out = [p for p in self.people.values() if name is None or name.lower() in p["name"].lower()]
        return [{k: v for k, v in p.items() if k != "works"} for p in out][:limit]

    def search_page(self, name: str | None, offset: int = 0, limit: int = 50) -> dict[str, Any]:
        rows = self.search_people(name, 10**6)
        page = [{**r, "match": "name"} for r in rows[offset : offset + limit]]
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

    def name_page(self, name: str) -> dict[str, Any]:
        rows = [p for p in self.people.values() if name.lower() in p["name"].lower()]
        people = [
            {
                **{k: v for k, v in p.items() if k not in ("flagged", "history")},
                "first_year": min((w["year"] for w in p["works"]), default=None),
                "last_year": max((w["year"] for w in p["works"]), default=None),
                "topics": [{"term": t, "count": 1} for t in p["topics"]],
            }
            for p in rows
        ]
        return {"name": name, "total": len(people), "people": people}

    def move(
        self, work_id: str, source: str, target: str, *, who: str = "web", why: str | None = None
    ) -> dict[str, Any]:
        src, dst = self.person(source), self.person(target)
        work = next((w for w in src["works"] if w["id"] == work_id), None)
        if work is None:
            raise InputError(f"person {source} has no signature on work {work_id}")
        self.people[source]["works"].remove(work)
        self.people[target]["works"].append(work)
        event = {"id": len(self.events) + 1, "action": "move", "kind": "claim", "works": [work_id]}
        self.events.append(event)
        return {"event": event, "person": dst["id"], "source": src["id"], "work": work_id}

    def person(self, person_id: str) -> dict[str, Any]:
        if person_id in self.redirects:
            raise Moved(person_id, self.redirects[person_id])
        if person_id not in self.people:
            raise NotFound("person", person_id)
        return copy.deepcopy(self.people[person_id])

    def work(self, work_id: str) -> dict[str, Any]:
        if work_id not in self.works:
            raise NotFound("work", work_id)
        return self.works[work_id]

    def audit(self, data: bytes, suffix: str, owner: str | None) -> dict[str, Any]:
        lines = [x for x in data.decode("utf-8", "replace").splitlines() if x.strip()]
        return {
            "owner": owner,
            "suffix": suffix,
            "works": [{"work_id": None, "title": t, "score": 0.5, "evidence": ["fake"]} for t in lines],
        }

    def explain(self, a: str, b: str) -> dict[str, Any]:
        return {
            "a": {"id": a, "name": XSS_NAME},
            "b": {"id": b, "name": "J. Lee"},
            "probability": 0.2,
            "same": False,
            "features": [{"name": "name_sim", "value": 0.5, "contribution": -0.3}],
        }

    def review_queue(self, limit: int = 50) -> list[dict[str, Any]]:
        return [
            {
                "signature_id": "W2#0",
                "name": "Jaeseong Lee",
                "work_id": "W2",
                "title": XSS_TITLE,
                "person_id": "P1",
                "person_name": "Jaeseong Lee",
                "fit": 0.62,
                "probability": 0.51,
            }
        ][:limit]

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
        self.person(person_id)
        if action == "merge":
            if other == person_id:
                raise ConstraintError("cannot merge a person with itself")
            self.person(other)
            self.people[person_id]["works"] += self.people.pop(other)["works"]
            self.redirects[other] = person_id
        if action == "lock":
            self.people[person_id]["locked"] = True
        event = {
            "action": action,
            "person": person_id,
            "other": other,
            "works": works or [],
            "who": who,
            "why": why,
        }
        self.events.append(event)
        self.people[person_id]["history"].append({"kind": action, "who": who, "why": why, "at": "now"})
        return {"event": event, "person": person_id}

    def undo(self, event_id: int, *, who: str = "web", why: str | None = None) -> dict[str, Any]:
        if not 1 <= event_id <= len(self.events):
            raise InputError(f"there is no curation event #{event_id}")
        event = {"action": "undo", "reverts": event_id, "who": who, "why": why}
        self.events.append(event)
        return {"event": event, "person": None}

    def history(self, person_id: str) -> list[dict[str, Any]]:
        return list(self.person(person_id)["history"])

    def get_setting(self, key: str) -> str | None:
        return self.settings.get(key)

    def set_setting(self, key: str, value: str) -> None:
        self.settings[key] = value
