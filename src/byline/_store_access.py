"""Opening a store and loading a model for the CLI and the server (no SQL, no scoring here)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from byline.records import Signature
from byline.scorer import Scorer
from byline.store import Store

if TYPE_CHECKING:  # pragma: no cover
    from byline.model import Disambiguator

__all__ = ["open_store", "load_model", "for_corpus", "threshold"]


def open_store(path: str | Path) -> Store:
    return Store(path)


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
