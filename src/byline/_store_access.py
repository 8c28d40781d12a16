"""What the people layer needs from the store, the model and the engines, in one place.

Keeping these few calls here means :mod:`byline.people`, :mod:`byline.explain` and the CLI never
reach into another module's internals, and tests can hand in small fakes (any object with the
same methods as :class:`byline.store.Store` / :class:`byline.model.Disambiguator`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from byline._errors import InputError, StoreError
from byline.records import Signature, Work

# -- store -----------------------------------------------------------------------------------------


def open_store(path: str | Path) -> Any:
    from byline.store import Store

    return Store(path)


@contextmanager
def transaction(store: Any) -> Iterator[Any]:
    """One write transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back on any exception)."""
    with store.transaction() as con:
        yield con


@contextmanager
def read(store: Any) -> Iterator[Any]:
    """A connection for reading (a consistent snapshot when no transaction is open)."""
    yield store.connection


def works(store: Any) -> list[Work]:
    return list(store.works(with_records=False))


@dataclass(frozen=True)
class ListingRow:
    id: str
    owner: str | None
    source: str
    work_ids: tuple[str, ...]


def listings(store: Any) -> list[ListingRow]:
    con = store.connection
    rows = con.execute("SELECT id, owner, source FROM listings ORDER BY rowid").fetchall()
    out = []
    for lid, owner, source in rows:
        wids = con.execute(
            "SELECT wr.work_id FROM listing_entries le JOIN work_records wr ON wr.record_id = le.record_id "
            "WHERE le.listing_id = ? ORDER BY le.position", (lid,)).fetchall()
        out.append(ListingRow(lid, owner, source, tuple(dict.fromkeys(w for (w,) in wids))))
    return out


def ingest(store: Any, items: Sequence[Any], owner: str | None = None) -> list[str]:
    """Ingest files (paths); returns the ids of the listings they made."""
    paths = []
    for x in items:
        if isinstance(x, str | Path):
            paths.append(Path(x))
        else:
            raise InputError(f"cannot ingest {type(x).__name__}: pass file paths")
    res = store.ingest(paths, owner=owner)
    return list(res.listings)


def resolve_listing(store: Any, ref: Any, owner: str | None = None) -> ListingRow:
    """A listing given as a stored listing id, a person id, or a file (ingested first; idempotent)."""
    if isinstance(ref, ListingRow):
        return ref
    ref_s = str(ref)
    for row in listings(store):
        if row.id == ref_s:
            return row if owner is None else ListingRow(row.id, owner, row.source, row.work_ids)
    con = store.connection
    has_people = con.execute("SELECT 1 FROM sqlite_master WHERE name = 'people'").fetchone()
    if has_people:
        from byline.people import resolve

        try:
            pid = resolve(con, ref_s)
        except StoreError:
            pid = None
        if pid is not None:
            name = con.execute("SELECT name FROM people WHERE id = ?", (pid,)).fetchone()[0]
            wids = [w for (w,) in con.execute(
                "SELECT DISTINCT work_id FROM person_signatures WHERE person_id = ? ORDER BY work_id", (pid,))]
            return ListingRow(pid, owner or name, f"person {pid}", tuple(wids))
    path = Path(ref_s)
    if path.is_file():
        ids = ingest(store, [path], owner=owner)
        if not ids:
            raise InputError("not a listing (no owner known): pass --owner NAME", file=path)
        by_id = {r.id: r for r in listings(store)}
        return by_id[ids[0]]
    raise InputError(f"{ref_s!r} is neither a file, a stored listing id (see `byline listings`) "
                     "nor a person id (see `byline people`)")


# -- model -----------------------------------------------------------------------------------------


def load_model(path: str | Path | None = None) -> Any:
    from byline.model import Disambiguator

    if path is None:
        loader = getattr(Disambiguator, "load_default", None)
        if loader is not None:
            return loader()
        from importlib import resources

        path = Path(str(resources.files("byline") / "models" / "default"))
    return Disambiguator.load(path)


def for_corpus(model: Any, signatures: Iterable[Signature]) -> Any:
    """The model as :func:`byline.pipeline.run` sees the whole store: name counts combined with the store's own.

    explain, assign and audit call this so their probabilities match the ones ``disambiguate`` clustered on.
    Models without :meth:`~byline.model.Disambiguator.for_data` (test fakes) are returned unchanged.
    """
    for_data = getattr(model, "for_data", None)
    return model if for_data is None else for_data(list(signatures))


def threshold(model: Any) -> float:
    t = getattr(model, "threshold_", None)
    return 0.5 if t is None else float(t)


def model_name(model: Any) -> str | None:
    if model is None:
        return None
    for attr in ("path_", "path", "name"):
        v = getattr(model, attr, None)
        if v:
            return str(v)
    return type(model).__name__


def block_data(model: Any, sigs: Sequence[Signature]) -> Any:
    from byline.features import BlockData

    return BlockData(list(sigs), getattr(model, "name_counts_", None))


def proba_in(model: Any, data: Any, i: Sequence[int] | np.ndarray, j: Sequence[int] | np.ndarray) -> np.ndarray:
    """Same-person probabilities of index pairs ``(i[k], j[k])`` of one :class:`BlockData`."""
    from byline.features import featurize

    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    if len(i) == 0:
        return np.zeros(0)
    X = featurize(data, i, j)
    p = np.asarray(model.predict_proba_features(X), dtype=np.float64)
    if getattr(model, "name_constraints", False):
        from byline.features import cannot_link_mask

        p = np.where(cannot_link_mask(data, i, j), 0.0, p)
    return p


COMMON_NAME_LOG_COUNT = float(np.log1p(3))  # "a name a few people share" (chosen on synthetic seed 12)


def pair_scores(model: Any, a: Sequence[Signature], b: Sequence[Signature],
                context: Iterable[Signature] = (), neutral_name_counts: bool = False,
                ) -> tuple[np.ndarray, np.ndarray]:
    """(calibrated probabilities, uncalibrated model probabilities) for the pairs ``(a[k], b[k])``.

    The uncalibrated ones keep the model's full ordering (isotonic calibration has plateaus), which
    matters when many pairs are ranked against each other (audit); without a LightGBM booster both are equal.
    ``neutral_name_counts``: score every pair as if the full name were moderately common
    (:data:`COMMON_NAME_LOG_COUNT`). In an audit every work carries the owner's name, so its rarity cannot
    tell the works apart, but a rare name pushes every probability to ~1 and hides the other evidence.
    """
    from byline.features import cannot_link_mask, featurize

    uniq: dict[str, Signature] = {}
    for s in [*a, *b, *context]:
        uniq.setdefault(s.id, s)
    sigs = list(uniq.values())
    pos = {s.id: k for k, s in enumerate(sigs)}
    i = np.array([pos[s.id] for s in a], dtype=np.int64)
    j = np.array([pos[s.id] for s in b], dtype=np.int64)
    if len(i) == 0:
        return np.zeros(0), np.zeros(0)
    data = block_data(model, sigs)
    X = featurize(data, i, j)
    if neutral_name_counts:
        from byline.features import FEATURE_NAMES

        for k, name in enumerate(FEATURE_NAMES):
            if name.startswith("name_count_full") or name == "local_full_count_max":
                X[:, k] = COMMON_NAME_LOG_COUNT
    cal = np.asarray(model.predict_proba_features(X), dtype=np.float64)
    raw = np.asarray(model.raw_scores(X), dtype=np.float64) if hasattr(model, "raw_scores") else cal
    if getattr(model, "name_constraints", False):
        bad = cannot_link_mask(data, i, j)
        cal, raw = np.where(bad, 0.0, cal), np.where(bad, 0.0, raw)
    return cal, raw


def pair_proba(model: Any, a: Sequence[Signature], b: Sequence[Signature],
               context: Iterable[Signature] = ()) -> np.ndarray:
    """Probabilities for the pairs ``(a[k], b[k])``; ``context`` adds signatures to fit TF-IDF and counts on."""
    uniq: dict[str, Signature] = {}
    for s in [*a, *b, *context]:
        uniq.setdefault(s.id, s)
    sigs = list(uniq.values())
    pos = {s.id: k for k, s in enumerate(sigs)}
    data = block_data(model, sigs)
    return proba_in(model, data, [pos[s.id] for s in a], [pos[s.id] for s in b])


def cluster(sigs: Sequence[Signature], model: Any, constraints: Any, engine: Any = None) -> dict[str, str]:
    """signature id -> cluster key (unique across blocks), from the pure pipeline."""
    from byline.pipeline import run

    return dict(run(sigs, model, constraints=constraints, engine=engine).clusters)


def engine(name: Any) -> Any:
    """An engine from :func:`byline.engines.get_engine` (``local`` or ``spark``); None stays None (in-process)."""
    if name is None:
        return None
    from byline.engines import get_engine

    return get_engine(name)


def engine_name(engine: Any) -> str:
    if engine is None:
        return "inline"
    if isinstance(engine, str):
        return engine
    return str(getattr(engine, "name", None) or type(engine).__name__)
