"""The web app's view cache over one store (:class:`CachedViews`, a mixin of
:class:`~byline.server.store_backend.StoreBackend`).

Answers are cached per *store generation* (:func:`byline.people.repo.generation`, a cheap fingerprint
that changes with every ingest, run and curation event). A generation made by another process clears
the cache; a curator write made through this process drops only the views it touched.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from byline.people import repo
from byline.server.backend import MISS, Moved

MAX_CACHE = 4096


class CachedViews:
    """Caching for a backend that has ``generation()``, ``_assignments()``, ``_resolve(pid)`` and ``_con``."""

    def _init_cache(self) -> None:
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._cache_gen: tuple[Any, ...] | None = None
        self._key_locks: dict[tuple[Any, ...], threading.Lock] = {}
        self._writers = 0  # writes of this process under way (see _writing)

    # provided by the backend
    _con: Any

    def generation(self) -> tuple[Any, ...]:
        raise NotImplementedError

    def _assignments(self) -> dict[str, str]:
        raise NotImplementedError

    def _resolve(self, person_id: str) -> str:
        raise NotImplementedError

    def _cached(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """``compute()`` once per key and store generation (concurrent misses wait for the first).

        A generation this process did not make (another process wrote) clears the cache. While a write of
        this process is under way the cache stays as it is (a read concurrent with a write may answer from
        just before it); the write then drops what it touched (:meth:`_writing`)."""
        gen = self.generation()
        with self._lock:
            if gen != self._cache_gen and not self._writers:
                self._cache, self._key_locks = {}, {}
                self._cache_gen = gen
            label = self._cache_gen
            if key in self._cache:
                return self._cache[key]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if label == self._cache_gen and key in self._cache:
                    return self._cache[key]
            value = compute()
            with self._lock:
                if label == self._cache_gen:
                    if len(self._cache) >= MAX_CACHE:
                        self._cache, self._key_locks = {}, {}
                    self._cache[key] = value
        return value

    @contextlib.contextmanager
    def _writing(self, *pids: str) -> Iterator[set[str]]:
        """One curator write at a time in this process (SQLite serializes the rest); afterwards only the
        cached views it touched are dropped (:meth:`_forget`). ``pids`` and what the body adds to the
        yielded set are the people the write names; the people whose signatures changed, and the people
        on the works those are on (their coauthor links), are found by comparing placements."""
        with self._write_lock:
            before_gen, before = self.generation(), self._assignments()
            with self._lock:
                self._writers += 1
            touched = set(pids)
            try:
                yield touched
            finally:
                after_gen, after = self.generation(), self._assignments()
                changed = {s for s in before.keys() | after.keys() if before.get(s) != after.get(s)}
                works = {s.split("#", 1)[0] for s in changed}
                moved = {before[s] for s in changed if s in before} | {
                    after[s] for s in changed if s in after
                }
                moved |= {p for s, p in after.items() if s.split("#", 1)[0] in works}
                touched |= moved
                names = self._names_of(touched)
                with self._lock:
                    self._writers -= 1
                    if after_gen != before_gen and before_gen == self._cache_gen:
                        self._forget(touched, moved, names)
                        self._cache_gen = after_gen

    def _names_of(self, pids: set[str]) -> set[str]:
        """Every name the people ``pids`` are shown or found by (before the write, from the cache; after)."""
        now = repo.person_names(self._con)
        names = {now[p] for p in pids if p in now}
        with self._lock:
            for pid in pids:
                view = self._cache.get(("person", pid))
                if view is not None:
                    names.add(view["name"])
                    names.update(view["variants"])
                fit = self._cache.get(("fit", pid))
                if fit is not None:
                    names.add(fit[0].name)
                    names.update(n for n, _ in fit[0].name_variants)
        return names

    def _forget(self, touched: set[str], moved: set[str], names: set[str]) -> None:
        """Drop the cached views a write touched; the caller holds ``_lock``. Person pages of ``touched``
        (their lock flag, history or works changed); works' fit and review items only of ``moved`` (the
        people whose works or coauthor placements changed: a lock changes no fit); the corpus only when
        signatures moved; the searches, name pages and person pages (their namesakes) that show or match a
        touched person; explain cards
        (their constraints) and the assembled review queue."""
        from byline.people.views import name_match

        def shows(query: str | None, people: list[dict[str, Any]]) -> bool:
            if query is None or any(p["id"] in touched for p in people):
                return True
            match = name_match(query)
            return any(match(n) is not None for n in names)

        def namesake_of_touched(view: dict[str, Any]) -> bool:
            """A person page lists its namesakes: it changes when a touched person shares its name."""
            if any(n.get("id") in touched for n in view.get("namesakes") or ()):
                return True
            match = name_match(view["name"])
            return any(match(n) is not None for n in names)

        for key, value in list(self._cache.items()):
            kind = key[0]
            if (
                (kind == "person" and (key[1] in touched or namesake_of_touched(value)))
                or (kind in ("fit", "review") and key[1] in moved)
                or (kind == "corpus" and moved)
                or kind in ("constraints", "explain", "review_queue")
                or (kind in ("search", "name") and shows(key[1], value["people"]))
            ):
                del self._cache[key]
                self._key_locks.pop(key, None)

    def peek(self, method: str, *args: Any) -> Any:
        """The cached result of ``method(*args)`` if there is one, else :data:`MISS` (never computes).

        Lets the app answer warm reads on the event loop without a thread hop.
        """
        if method == "person":
            current = self._resolve(args[0])
            if current != args[0]:
                raise Moved(args[0], current)
            key: tuple[Any, ...] = ("person", current)
        elif method == "search_people":
            key = ("search", args[0], 0, *args[1:])
        elif method == "search_page":
            key = ("search", *args)
        elif method == "name_page":
            key = ("name", *args)
        elif method == "review_queue":
            key = ("review_queue",)
        elif method in ("work", "explain"):
            key = (method, *args)
        else:
            return MISS
        gen = self.generation()
        with self._lock:
            if (gen != self._cache_gen and not self._writers) or key not in self._cache:
                return MISS
            value = self._cache[key]
        if method == "search_people":
            return list(value["people"])
        return value[: args[0]] if method == "review_queue" else value
