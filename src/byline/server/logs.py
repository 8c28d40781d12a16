"""The server's log: repeated warnings summarized, so no input can make the log grow with its size.

:class:`RepeatSummary` lets the first :data:`FIRST` records of each *kind* through (a kind: logger,
level and message with its quotations and numbers blanked, so "duplicate key 'a' on line 3" and
"duplicate key 'b' on line 9" are one kind), then one line per :data:`EVERY` suppressed records.
``byline serve`` logs to stderr through it (:func:`install`).
"""

from __future__ import annotations

import logging
import re
import sys
from collections import Counter
from typing import TextIO

FIRST = 20  # records of one kind logged as they are
EVERY = 10_000  # then one summary line per this many
MAX_KINDS = 10_000  # kinds remembered (then forgotten all at once: memory stays bounded)

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NUMBER = re.compile(r"\d+")


def kind_of(message: str) -> str:
    """``message`` with quotations and numbers blanked: what repeats of one problem share."""
    return _NUMBER.sub("N", _QUOTED.sub("'…'", message))


class RepeatSummary(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler that writes the first ``first`` warnings of a kind, then one summary line per
    ``every`` (see the module doc). Records are never changed (other handlers see them as they are)."""

    def __init__(self, stream: TextIO | None = None, first: int = FIRST, every: int = EVERY):
        super().__init__(stream)
        self.first = first
        self.every = every
        self.counts: Counter[tuple[str, int, str]] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno < logging.WARNING:
            super().emit(record)
            return
        key = (record.name, record.levelno, kind_of(record.getMessage()))
        if key not in self.counts and len(self.counts) >= MAX_KINDS:
            self.counts.clear()
        self.counts[key] += 1
        n = self.counts[key]
        if n < self.first:
            super().emit(record)
        elif n == self.first:
            note = (
                f"{record.getMessage()} (more like this are counted, not logged; one line per {self.every})"
            )
            super().emit(logging.makeLogRecord({**record.__dict__, "msg": note, "args": None}))
        elif (n - self.first) % self.every == 0:
            line = f"{self.every} more like this were not logged: {key[2]}"
            super().emit(logging.makeLogRecord({**record.__dict__, "msg": line, "args": None}))


def install(stream: TextIO | None = None, level: int = logging.WARNING) -> logging.Handler:
    """A stderr handler on the root logger whose repeated warnings are summarized; returns it."""
    handler = RepeatSummary(stream or sys.stderr)
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("byline serve: %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    return handler
