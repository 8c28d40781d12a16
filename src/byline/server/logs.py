"""The server's log: repeated warnings summarized, so no input can make the log grow with its size.

:class:`RepeatSummary` lets the first :data:`FIRST` records of each *kind* through (a kind: logger,
level and message with its quotations and numbers blanked, so "duplicate key 'a' on line 3" and
"duplicate key 'b' on line 9" are one kind), then one line per :data:`EVERY` suppressed records.
``byline serve`` puts it on the stderr handler it installs (:func:`install`).
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


class RepeatSummary(logging.Filter):
    """Pass the first ``first`` records of a kind, then one summary per ``every`` (see the module doc)."""

    def __init__(self, first: int = FIRST, every: int = EVERY):
        super().__init__()
        self.first = first
        self.every = every
        self.counts: Counter[tuple[str, int, str]] = Counter()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, record.levelno, kind_of(record.getMessage()))
        if key not in self.counts and len(self.counts) >= MAX_KINDS:
            self.counts.clear()
        self.counts[key] += 1
        n = self.counts[key]
        if n <= self.first:
            if n == self.first:
                message = record.getMessage()
                record.msg = f"%s (more like this are counted, not logged; one line per {self.every})"
                record.args = (message,)
            return True
        if (n - self.first) % self.every == 0:
            record.msg = "%d more like this were not logged: %s"
            record.args = (self.every, key[2])
            return True
        return False


def install(stream: TextIO | None = None, level: int = logging.WARNING) -> logging.Handler:
    """A stderr handler on the root logger whose repeated warnings are summarized; returns it."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("byline serve: %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RepeatSummary())
    logging.getLogger().addHandler(handler)
    return handler
