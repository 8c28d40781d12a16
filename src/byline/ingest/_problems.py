"""Problems found while reading a file that do not stop it: entries skipped, entries kept with a warning.

A parser that meets one bad entry reports it with :func:`report` and carries on with the next entry.
Who reads the report decides what it means:

- inside :func:`collect_problems` the problems are collected (``byline ingest`` prints them and a summary);
  with ``strict=True`` the first *skipped* entry raises :class:`~byline.InputError` instead (all or nothing);
- anywhere else (the Python API without a collector) each problem is logged on the ``byline.ingest`` logger.

Messages quote input through :func:`quote`, which keeps a few hundred characters at most.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from os import PathLike

from byline._errors import InputError, where

__all__ = ["Problem", "Problems", "collect_problems", "report", "quote", "QUOTE_CHARS"]

QUOTE_CHARS = 200

_log = logging.getLogger("byline.ingest")


def quote(text: object, limit: int = QUOTE_CHARS) -> str:
    """``text`` as a short one-line quotation: ``repr`` of at most ``limit`` characters, then ``…``."""
    s = " ".join(str(text).split())
    if len(s) > limit:
        return repr(s[:limit]) + f"… ({len(s)} characters)"
    return repr(s)


@dataclass(frozen=True, slots=True)
class Problem:
    """One entry left out (``skipped``) or kept with a warning, at ``file:line``."""

    file: str
    line: int | None
    message: str
    skipped: bool

    def __str__(self) -> str:
        return f"{where(self.file, self.line)}: {'skipped: ' if self.skipped else ''}{self.message}"


@dataclass(slots=True)
class Problems:
    """What :func:`collect_problems` gathers."""

    strict: bool = False
    items: list[Problem] = field(default_factory=list)

    @property
    def skipped(self) -> list[Problem]:
        return [p for p in self.items if p.skipped]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if not p.skipped]


_SINK: ContextVar[Problems | None] = ContextVar("byline_ingest_problems", default=None)


@contextlib.contextmanager
def collect_problems(strict: bool = False) -> Iterator[Problems]:
    """Collect the problems reported inside the block (``strict``: a skipped entry raises instead)."""
    sink = Problems(strict=strict)
    token = _SINK.set(sink)
    try:
        yield sink
    finally:
        _SINK.reset(token)


def report(message: str, *, file: str | PathLike[str] | None, line: int | None, skipped: bool) -> None:
    """Report one entry that is skipped (``skipped=True``) or kept but suspicious; see the module doc."""
    sink = _SINK.get()
    if sink is not None and sink.strict and skipped:
        raise InputError(message, file=file, line=line)
    problem = Problem(
        file="<input>" if file is None else str(file), line=line, message=message, skipped=skipped
    )
    if sink is None:
        _log.warning("%s", problem)
    else:
        sink.items.append(problem)
