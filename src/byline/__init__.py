"""byline: messy publication listings in, clean author profiles out.

The public surface is re-exported here from private modules and imported lazily, so
``import byline`` loads no model, reads no config and imports no heavy dependency.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# public name -> module that defines it
_EXPORTS = {
    "BylineError": "byline._errors",
    "InputError": "byline._errors",
    "FormatError": "byline._errors",
    "ModelError": "byline._errors",
    "NotFittedError": "byline._errors",
    "StoreError": "byline._errors",
    "ConstraintError": "byline._errors",
    "EngineError": "byline._errors",
    "Author": "byline.records",
    "Listing": "byline.records",
    "Provenance": "byline.records",
    "Record": "byline.records",
    "Signature": "byline.records",
    "Work": "byline.records",
    "load_records": "byline.ingest",
    "load_signatures": "byline.ingest.signatures",
    "Disambiguator": "byline.model",
    "Store": "byline.store",
}

__all__ = sorted(_EXPORTS) + ["__version__"]

if TYPE_CHECKING:  # pragma: no cover
    __version__: str
    from byline._errors import (  # noqa: F401
        BylineError,
        ConstraintError,
        EngineError,
        FormatError,
        InputError,
        ModelError,
        NotFittedError,
        StoreError,
    )
    from byline.ingest import load_records  # noqa: F401
    from byline.ingest.signatures import load_signatures  # noqa: F401
    from byline.model import Disambiguator  # noqa: F401
    from byline.records import Author, Listing, Provenance, Record, Signature, Work  # noqa: F401
    from byline.store import Store  # noqa: F401


def _version() -> str:
    """The installed distribution's version: written once, in pyproject.toml."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("byline")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()["__version__"] = v = _version()
        return v
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'byline' has no attribute {name!r}") from None
    return getattr(import_module(module), name)
