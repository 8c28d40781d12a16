"""Opening a store and loading a model for the CLI and the server (no SQL, no scoring here)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from byline._errors import StoreError
from byline.records import Signature
from byline.scorer import Scorer
from byline.store import Store

if TYPE_CHECKING:  # pragma: no cover
    from byline.model import Disambiguator

__all__ = ["open_store", "load_model", "for_corpus", "threshold"]


def open_store(path: str | Path, *, read: bool = False) -> Store:
    """The store at ``path``. ``read``: the command only reads, so a store that cannot be written (on a
    read-only file system, or a read-only file: WAL wants to write beside it) is opened read-only; a write
    to such a store is refused in words before it starts."""
    p = Path(path)
    writable = not p.is_file() or (os.access(p, os.W_OK) and os.access(p.resolve().parent, os.W_OK))
    if writable:
        return Store(p)
    if not read:
        raise StoreError(f"{p}: the store is read-only (its file or folder cannot be written)")
    return Store(p, readonly=True)


def load_model(path: str | Path | None = None) -> Disambiguator:
    """A model folder, or the shipped default model."""
    from byline.model import Disambiguator

    if path is None:
        return Disambiguator.load_default()
    return Disambiguator.load(path)


def for_corpus(model: Any, signatures: list[Signature] | Any) -> Any:
    """The model with name counts combined with ``signatures`` (see :meth:`byline.scorer.Scorer.for_corpus`)."""
    return Scorer.for_corpus(model, signatures).model


def threshold(model: Any) -> float:
    return Scorer(model).threshold
