"""The one exception hierarchy of byline.

Every error byline raises on purpose is a :class:`BylineError`.  Each family is also a builtin
error, so callers that know nothing of byline can still catch it (``except ValueError``)::

    BylineError
    ├── InputError(ValueError)        bad user input: a file, a line, a record, a CLI argument
    │   └── FormatError               unknown or undetectable input format
    ├── ModelError(ValueError)        a model folder that is missing, corrupt or incompatible
    │   └── NotFittedError(AttributeError)   predict before fit
    ├── StoreError(RuntimeError)      the SQLite store: schema version, missing ids
    │   └── ConstraintError(ValueError)  curator constraints that contradict each other
    └── EngineError(RuntimeError)     an execution engine (e.g. Spark) is missing or failed

Messages name the file, line or record they are about: use :func:`where` to format that.
"""

from __future__ import annotations

from os import PathLike


class BylineError(Exception):
    """Base class of every error byline raises on purpose."""


class InputError(BylineError, ValueError):
    """Bad user input; the message names the file and line (or record) at fault."""

    def __init__(self, message: str, *, file: str | PathLike[str] | None = None, line: int | None = None):
        self.file = None if file is None else str(file)
        self.line = line
        super().__init__(f"{where(file, line)}: {message}" if file is not None else message)


class FormatError(InputError):
    """The input format is unknown, or could not be detected with confidence."""


class ModelError(BylineError, ValueError):
    """A model folder is missing, corrupt, or written by an incompatible version."""


class NotFittedError(ModelError, AttributeError):
    """An estimator was used before ``fit``."""


class StoreError(BylineError, RuntimeError):
    """The store cannot do what was asked (unknown id, schema too new, ...)."""


class ConstraintError(StoreError, ValueError):
    """Curator constraints contradict each other (e.g. must-link and cannot-link on one pair)."""


class EngineError(BylineError, RuntimeError):
    """An execution engine is unavailable or failed."""


def where(file: str | PathLike[str] | None, line: int | None = None) -> str:
    """Format a location the way every byline message does: ``file:line``."""
    if file is None:
        return "<input>" if line is None else f"<input>:{line}"
    return f"{file}:{line}" if line is not None else str(file)
