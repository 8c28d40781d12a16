"""The web app's :class:`~byline.server.backend.Backend` over a real store.

It calls the public functions of :mod:`byline.people`, :mod:`byline.explain` and :mod:`byline.store`
and adds only thin, parametrized read queries of its own. Each server thread gets its own
:class:`~byline.store.Store` (one SQLite connection per thread; WAL lets readers and the one writer
work side by side). Views that need the model (flagged works, confidences, the review queue) are
cached per *store generation*, a cheap fingerprint that changes with every ingest, disambiguate
run and curation event.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from byline._errors import InputError, ModelError, StoreError
from byline.audit import FLAG_THRESHOLD
from byline.people import repo
from byline.people.review import MAX_FIT_WORKS, PersonFit, ReviewItem, snippet
from byline.server import contracts
from byline.server.backend import CURATION_ACTIONS, Moved, NotFound
from byline.server.cache import CachedViews
from byline.server.contracts import (
    AuditResult,
    CurationAction,
    CurationResult,
    ExplainCard,
    HistoryEvent,
    NamePage,
    PersonView,
    SearchHit,
    SearchPage,
    WorkView,
)

if TYPE_CHECKING:  # pragma: no cover
    from byline.curation import ConstraintSet, Event
    from byline.people.corpus import Corpus
    from byline.profiles import Profile
    from byline.scorer import Scorer


class StoreBackend(CachedViews):
    """Serve one store file; ``model`` (a fitted Disambiguator or look-alike) or the default model."""

    def __init__(self, path: str | Path, model: Any = None, model_loader: Callable[[], Any] | None = None):
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a store file")
        self._model = model
        self._model_loader = model_loader
        self._model_error: str | None = None
        self._local = threading.local()
        self._init_cache()
        self._store()  # open once now, so errors show at start; opening runs the store's migrations
        # (people tables: v2, server_settings: v3 -- see byline.store.migrations())

    # -- plumbing ---------------------------------------------------------------------------------
    def _store(self) -> Any:
        store = getattr(self._local, "store", None)
        if store is None:
            from byline.store import Store

            store = Store(self.path)
            self._local.store = store
        return store

    @property
    def _con(self) -> Any:
        return self._store().connection

    def model(self) -> Any:
        """The model, loaded once on first need (:class:`ModelError` when there is none)."""
        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None:
                if self._model_error is not None:
                    raise ModelError(self._model_error)
                try:
                    if self._model_loader is not None:
                        self._model = self._model_loader()
                    else:
                        from byline import _store_access as sa

                        self._model = sa.load_model(None)
                except ModelError as exc:
                    self._model_error = str(exc)
                    raise
        return self._model

    def corpus(self) -> Corpus:
        """The store's signatures as every command sees them (claims included); once per store generation."""
        from byline.people.corpus import load_corpus

        return self._cached(("corpus",), lambda: load_corpus(self._store()))

    def scorer(self) -> Scorer:
        """The model with the store's own name counts, as ``byline audit``, ``explain`` and ``disambiguate``
        score with (:meth:`byline.scorer.Scorer.for_corpus`); computed once per store generation."""
        from byline.scorer import Scorer

        model = self.model()
        return self._cached(("scorer",), lambda: Scorer.for_corpus(model, self.corpus().signatures.values()))

    def scoring_model(self) -> Any:
        return self.scorer().model

    def generation(self) -> tuple[Any, ...]:
        return repo.generation(self._con)

    def _resolve(self, person_id: str) -> str:
        try:
            return repo.resolve(self._con, person_id)
        except StoreError:
            raise NotFound("person", person_id) from None

    # -- settings -----------------------------------------------------------------------------------
    def get_setting(self, key: str) -> str | None:
        return repo.get_setting(self._con, key)

    def set_setting(self, key: str, value: str) -> None:
        with self._store().transaction() as con:
            repo.set_setting(con, key, value)

    def delete_setting(self, key: str) -> None:
        with self._store().transaction() as con:
            repo.delete_setting(con, key)

    # -- thin reads ---------------------------------------------------------------------------------
    def _assignments(self) -> dict[str, str]:
        return repo.assignments(self._con)

    def _person_names(self) -> dict[str, str]:
        return repo.person_names(self._con)

    # -- Backend ------------------------------------------------------------------------------------
    def search_people(self, name: str | None, limit: int = 50) -> list[SearchHit]:
        return list(self.search_page(name, 0, limit)["people"])

    def search_page(self, name: str | None, offset: int = 0, limit: int = 50) -> SearchPage:
        return self._cached(("search", name, offset, limit), lambda: self._search(name, offset, limit))

    def _search(self, name: str | None, offset: int, limit: int) -> SearchPage:
        from byline.people.views import search_hits, search_people

        page = search_people(self._store(), name, offset=offset, limit=limit)
        nxt = page.offset + len(page.people)
        return {
            "query": name,
            "total": page.total,
            "n_exact": page.n_exact,
            "offset": page.offset,
            "limit": limit,
            "next_offset": nxt if nxt < page.total else None,
            "people": [cast(SearchHit, h.to_dict()) for h in search_hits(self._store(), page.people)],
        }

    def name_page(self, name: str) -> NamePage:
        return self._cached(("name", name), lambda: self._name_page(name))

    def _name_page(self, name: str) -> NamePage:
        from byline.people import name_page

        page = name_page(self._store(), name)
        people: list[contracts.NamePerson] = []
        for col in page.columns:
            prof = col.profile
            works = sorted(prof.works, key=lambda w: (-(w.year or 0), w.title or "", w.work_id))
            people.append(
                {
                    "id": prof.id,
                    "name": prof.name,
                    "locked": prof.locked,
                    "n_works": len(prof.works),
                    "first_year": col.first_year,
                    "last_year": col.last_year,
                    "summary": col.summary,
                    "years": {str(y): c for y, c in prof.years},
                    "variants": [n for n, _ in prof.name_variants],
                    "coauthors": [
                        {"name": n, "count": c, "person_id": col.coauthor_ids.get(n)}
                        for n, c in prof.coauthors[:5]
                    ],
                    "affiliations": [{"name": n, "count": c} for n, c in prof.affiliations[:3]],
                    "topics": [{"term": t, "count": c} for t, c in prof.topics[:6]],
                    "works": [
                        {
                            "work_id": w.work_id,
                            "signature_id": w.signature_id,
                            "title": w.title,
                            "abstract_start": snippet(w.abstract),
                            "year": w.year,
                            "venue": w.venue,
                            "printed_name": w.printed_name,
                            "cited_by": col.citations[w.work_id][0] if w.work_id in col.citations else None,
                        }
                        for w in works
                    ],
                }
            )
        return {"name": page.name, "total": page.total, "people": people}

    def person(self, person_id: str) -> PersonView:
        current = self._resolve(person_id)
        if current != person_id:
            raise Moved(person_id, current)
        return self._cached(("person", current), lambda: self._person(current))

    def _works(self, work_ids: Iterable[str]) -> dict[str, Any]:
        ids = list(work_ids)
        found = self._store().works_by_id(ids)
        return {w: found[w] for w in ids if w in found}

    def fit(self, pid: str) -> tuple[Profile, PersonFit]:
        """Person ``pid``'s profile and each work's fit (:func:`byline.people.review.person_fit`), once
        per person and store state."""
        return self._cached(("fit", pid), lambda: self._fit(pid))

    def _fit(self, pid: str) -> tuple[Profile, PersonFit]:
        from byline.people import profile
        from byline.people.review import person_fit

        prof, _ = profile(self._store(), pid)
        works = self._works(prof.work_ids)
        scorer, error = None, None
        if 2 <= len(works) <= MAX_FIT_WORKS:
            try:
                scorer = self.scorer()
            except ModelError as exc:
                error = str(exc)
        fit = person_fit(
            pid, prof.name, list(works.values()), scorer, self._assignments(), self._person_names(), error
        )
        return prof, fit

    def _person(self, pid: str) -> PersonView:
        from byline.people import history, profile
        from byline.people.history_words import people_named
        from byline.people.review import flagged_works
        from byline.people.views import h_index, namesakes, set_apart

        store = self._store()
        _, fit = self.fit(pid)  # kept across writes that move no work (a lock, an unlock)
        prof, retired = profile(store, pid)
        works = self._works(prof.work_ids)
        placed = self._assignments()
        coauthor_person: dict[str, Counter[str]] = defaultdict(Counter)
        for w in works.values():
            for i, a in enumerate(w.authors):
                other = placed.get(f"{w.id}#{i}")
                if other and other != pid:
                    coauthor_person[a.name][other] += 1
        cites = repo.work_citations(self._con, list(works))
        years = [y for y, _ in prof.years]
        events = _history(history(store, pid))
        known = self._person_names()
        work_rows: list[contracts.WorkRow] = []
        for ref in prof.works:
            w = works.get(ref.work_id)
            item = fit.works.get(ref.work_id)
            work_rows.append(
                {
                    "work_id": ref.work_id,
                    "signature_id": ref.signature_id,
                    "title": ref.title,
                    "year": ref.year,
                    "abstract_start": snippet(w.abstract if w else None),
                    "venue": ref.venue,
                    "printed_name": ref.printed_name,
                    "implicit": ref.implicit,
                    "authors": [a.name for a in w.authors] if w else [ref.printed_name, *ref.coauthors],
                    "authors_truncated": bool(w and w.authors_truncated),
                    "cited_by": cites[ref.work_id][0] if ref.work_id in cites else None,
                    "cited_by_source": cites[ref.work_id][1] if ref.work_id in cites else None,
                    "fit": None if item is None else item.fit,
                    "flagged": bool(item and item.flagged),
                }
            )
        return {
            "id": prof.id,
            "name": prof.name,
            "locked": prof.locked,
            "merged_from": retired,
            "n_works": len(prof.works),
            "work_ids": prof.work_ids,
            "variants": [n for n, _ in prof.name_variants],
            "name_variants": [{"name": n, "count": c} for n, c in prof.name_variants],
            "works": work_rows,
            "coauthors": [
                {
                    "name": n,
                    "count": c,
                    "person_id": coauthor_person[n].most_common(1)[0][0] if coauthor_person.get(n) else None,
                }
                for n, c in prof.coauthors
            ],
            "affiliations": [{"name": n, "count": c} for n, c in prof.affiliations],
            "years": {str(y): c for y, c in prof.years},
            "topics": [{"term": t, "count": c} for t, c in prof.topics],
            "emails": prof.emails,
            "orcids": prof.orcids,
            "flagged": [cast(contracts.FlaggedWork, f.to_dict()) for f in flagged_works(prof, fit)],
            "flag_threshold": FLAG_THRESHOLD,
            "cited_by": sum((r["cited_by"] or 0) for r in work_rows) if cites else None,
            "scoring": fit.note,
            "typical_signature": fit.typical,
            "history": events,
            "names": {q: known[q] for q in people_named(list(events)) if q in known},
            "summary": set_apart(prof, years[0] if years else None, years[-1] if years else None),
            "first_year": years[0] if years else None,
            "last_year": years[-1] if years else None,
            "h_index": h_index([cites[w][0] for w in works if w in cites]) if cites else None,
            "n_cited_works": sum(1 for w in works if w in cites),
            "namesakes": [
                {"id": h.id, "name": h.name, "n_works": h.n_works, "summary": h.summary}
                for h in namesakes(store, pid, prof.name)
            ],
        }

    def work(self, work_id: str) -> WorkView:
        return self._cached(("work", work_id), lambda: self._work(work_id))

    def _work(self, work_id: str) -> WorkView:
        try:
            w = self._store().work(work_id)
        except StoreError:
            raise NotFound("work", work_id) from None
        placed = self._assignments()
        names = self._person_names()
        authors: list[contracts.WorkAuthor] = []
        for i, a in enumerate(w.authors):
            sid = f"{w.id}#{i}"
            pid = placed.get(sid)
            authors.append(
                {
                    "name": a.name,
                    "position": i,
                    "affiliations": list(a.affiliations),
                    "email": a.email,
                    "orcid": a.orcid,
                    "signature_id": sid,
                    "person_id": pid,
                    "person_name": names.get(pid) if pid else None,
                }
            )
        implicit = [(sid, pid) for sid, pid, imp in repo.placed_on_work(self._con, w.id) if imp]
        for sid, pid in implicit:
            authors.append(
                {
                    "name": names.get(pid, ""),
                    "position": None,
                    "affiliations": [],
                    "signature_id": sid,
                    "person_id": pid,
                    "person_name": names.get(pid),
                    "implicit": True,
                }
            )
        return {
            "work_id": w.id,
            "title": w.title,
            "year": w.year,
            "venue": w.venue,
            "abstract": w.abstract,
            "keywords": list(w.keywords),
            "ids": dict(w.ids),
            "authors_truncated": w.authors_truncated,
            "authors": authors,
            "sources": [
                {"file": r.source.file, "line": r.source.line, "record": r.source.record, "format": r.format}
                for r in w.records
            ],
        }

    def explain(self, a: str, b: str) -> ExplainCard:
        return self._cached(("explain", a, b), lambda: self._explain(a, b))

    def constraints(self) -> ConstraintSet:
        from byline.curation import ConstraintSet

        # the events as stored now (a lock or unlock leaves the cached corpus as it is)
        return self._cached(("constraints",), lambda: ConstraintSet.replay(repo.events(self._con)))

    def _explain(self, a: str, b: str) -> ExplainCard:
        from byline.explain import explain_in

        known = self._known_signatures([a, b])
        missing = [s for s in (a, b) if s not in known]
        if missing:
            raise NotFound("signature", missing[0])
        card = explain_in(
            self.corpus(), self.scorer(), self.constraints(), self._assignments(), a, b
        ).to_dict()
        names = self._person_names()
        card["same"] = card["decision"] == "same person"
        card["decided_by"] = card.get("constraint")
        card["evidence"] = card.get("notes", [])
        for f in card["features"]:
            f["abs_contribution"] = abs(f["contribution"]) if f.get("contribution") is not None else 0.0
        for side, key in (("a", "person_a"), ("b", "person_b")):
            pid = card.get(key)
            card[side]["person"] = f"{names.get(pid, '')} ({pid})" if pid else None
            card[side]["person_id"] = pid
        return cast(ExplainCard, card)

    def _known_signatures(self, sids: list[str]) -> set[str]:
        return repo.known_signatures(self._con, sids)

    def review_queue(self, limit: int = 50) -> list[contracts.ReviewItem]:
        items: list[contracts.ReviewItem] = self._cached(("review_queue",), self._review)
        return items[:limit]

    def _review(self) -> list[contracts.ReviewItem]:
        """The review queue (:mod:`byline.people.review`): each candidate's items cached apart, so a
        write recomputes only the people it touched."""
        from byline.people.review import review_candidates, review_items, sort_queue

        rows = review_candidates(self._store())
        gen = self.generation()
        done: dict[str, list[ReviewItem]] = {}
        with self._lock:
            label = self._cache_gen
            if gen == label or self._writers:  # as _cached: a write of this process keeps the cache
                done = {r.id: self._cache[("review", r.id)] for r in rows if ("review", r.id) in self._cache}
        missing = [r.id for r in rows if r.id not in done]
        if missing:
            fresh = review_items(self.corpus(), self.scorer(), [self.fit(pid) for pid in missing])
            with self._lock:
                if label == self._cache_gen:
                    self._cache.update((("review", pid), items) for pid, items in fresh.items())
            done.update(fresh)
        queue = sort_queue([it for r in rows for it in done.get(r.id, [])])
        return [cast(contracts.ReviewItem, it.to_dict()) for it in queue]

    def audit(self, data: bytes, suffix: str, owner: str | None) -> AuditResult:
        """Audit an uploaded listing without storing it, under the limits of :mod:`byline.server.uploads`:
        its works are matched to stored works (same ids) by the deduplicator, then ranked like
        ``byline audit``."""
        from byline.audit import audit_works
        from byline.dedup import dedup
        from byline.server.uploads import parse_upload

        upload = parse_upload(data, suffix, owner)
        if not upload.owner:
            raise InputError("the listing does not name its owner: pass owner=NAME")
        if not upload.records:
            raise InputError("the listing has no works")
        scorer = self.scorer()
        works = dedup(upload.records, existing=self._store().works(with_records=False))
        report = audit_works(
            works,
            upload.owner,
            scorer,
            placed=self._assignments(),
            person_names=self._person_names(),
            source="upload",
        )
        result = report.to_dict()
        return cast(
            AuditResult,
            {**result, "source": "upload", "problems": upload.problems, "n_problems": upload.n_problems},
        )

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
        from byline import people
        from byline.people.curate import lock_event

        if action not in CURATION_ACTIONS:
            raise InputError(f"unknown curation action {action!r}")
        store = self._store()
        if action in ("split", "claim"):
            self._known_works(works or [])
        with self._writing(person_id, *([other] if other else [])) as touched:
            pid = self._resolve(person_id)
            result: CurationResult = {"action": action, "requested": person_id, "event": None, "person": None}
            if action == "merge":
                if not other:
                    raise InputError("merge needs the other person's id")
                self._resolve(other)
                shown = people.merge(store, pid, other, who=who, why=why or "")
                result["merged"] = other
            elif action == "split":
                new = people.split(store, pid, works or [], who=who, why=why or "")
                shown = pid
                result["new_person"] = new
                touched.add(new)
            elif action == "lock":
                shown = people.lock(store, pid, who=who, why=why or "")
            elif action == "unlock":
                shown = people.unlock(store, pid, who=who, why=why or "")
            else:
                shown = people.claim(store, pid, works or [], who=who, why=why or "")
            result["person"] = shown
            touched.add(shown)
        events = people.history(store, shown)
        if action == "lock":  # the lock that holds it (a second lock makes no event: the first answers)
            held = lock_event(store, shown)
            events = [e for e in events if held is not None and e.id == held.id] or events
        if events:
            result["event"] = _history(events)[-1]
        return result

    def move(
        self, work_id: str, source: str, target: str, *, who: str = "web", why: str | None = None
    ) -> CurationResult:
        """Move ``source``'s signature on ``work_id`` to ``target`` (one claim event, undoable)."""
        from byline import people

        self._known_works([work_id])
        with self._writing(source, target):
            src, dst = self._resolve(source), self._resolve(target)
            ev = people.move(self._store(), work_id, src, dst, who=who, why=why or "")
            left = self._resolve_quiet(src)
        return {"action": "move", "event": _history([ev])[0], "person": dst, "source": left, "work": work_id}

    def undo(self, event_id: int, *, who: str = "web", why: str | None = None) -> CurationResult:
        """Append an undo of curation event ``event_id``; returns the undo event and the person to show."""
        from byline import people

        if not any(e.id == event_id for e in repo.events(self._con)):
            raise NotFound("curation event", str(event_id))
        with self._writing() as touched:
            ev = people.undo(self._store(), event_id, who=who, why=why or "")
            shown = self._resolve_quiet(ev.person)
            touched.update(p for p in (ev.person, shown, *self._event_people(event_id)) if p)
        return {"action": "undo", "event": _history([ev])[0], "person": shown}

    def history(self, person_id: str) -> list[HistoryEvent]:
        from byline import people

        return _history(people.history(self._store(), self._resolve(person_id)))

    def _event_people(self, event_id: int) -> list[str]:
        """The people curation event ``event_id`` named (an undo touches them again)."""
        for ev in repo.events(self._con):
            if ev.id == event_id:
                named = [ev.payload.get(k) for k in ("from", "into", "new_person", "source", "target")]
                return [ev.person, *(str(p) for p in named if isinstance(p, str))]
        return []

    def _known_works(self, work_ids: list[str]) -> None:
        """:class:`NotFound` (404) for the first work id the store does not hold."""
        found = self._store().works_by_id(list(work_ids))
        missing = [w for w in work_ids if w not in found]
        if missing:
            raise NotFound("work", missing[0])

    def _resolve_quiet(self, pid: str) -> str | None:
        try:
            return self._resolve(pid)
        except NotFound:
            return None


def _history(events: list[Event]) -> list[HistoryEvent]:
    """Events as the API shows them: :func:`byline.curation.event_log` (the CLI's ``history --json``)."""
    from byline.curation import event_log

    return cast(list[HistoryEvent], event_log(events))
