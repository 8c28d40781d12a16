"""Options and helpers shared by the command modules.

Progress: library code never imports rich. A long-running library function takes an optional
``progress: ProgressFn | None`` and calls ``progress(done, total)`` now and then; the command passes
it a :class:`ProgressBar` (a rich bar on stderr, with an ETA) or ``None`` when stderr is not a
terminal, so piped and logged runs print nothing extra.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from byline.engines.base import BlockFn, BlockItem, Engine

DEFAULT_DB = Path("byline.db")

DbOption = Annotated[Path, typer.Option("--db", help="SQLite store.", dir_okay=False, metavar="FILE")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

ProgressFn = Callable[[int, int], None]
"""``progress(done, total)``: how much of a long job is finished (any unit; ``total`` may grow)."""

# Rich's width when stdout is not a terminal: wide enough that piped tables are never cut.
PIPE_WIDTH = 10_000


def print_json(obj: Any) -> None:
    """Print one JSON document on stdout (UTF-8, no ASCII escaping)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def plural(n: int, noun: str, plural_form: str | None = None) -> str:
    """``"1 work"``, ``"2 works"``, ``"0 people"`` (with ``plural_form``)."""
    return f"{n} {noun if n == 1 else (plural_form or noun + 's')}"


def console(stderr: bool = False) -> Any:
    """A rich Console: the terminal's width on a terminal; unlimited width when piped (never cut to 80)."""
    from rich.console import Console

    stream: TextIO = sys.stderr if stderr else sys.stdout
    if stream.isatty():
        return Console(stderr=stderr)
    return Console(stderr=stderr, width=PIPE_WIDTH, soft_wrap=True)


def wants_progress(stream: TextIO | None = None) -> bool:
    """Progress bars only on a terminal (stderr), never in pipes, logs or tests."""
    stream = stream or sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


class ProgressBar:
    """A rich progress bar on stderr, usable as a :data:`ProgressFn` (``bar(done, total)``).

    Starts on the first call, so a job that turns out to be instant shows nothing; stop it with
    :meth:`close` or a ``with`` block. ``total=0`` shows a spinner with elapsed time (unknown length).
    """

    def __init__(self, label: str, unit: str = "", eta: bool = True):
        self.label = label
        self.unit = unit
        self.eta = eta
        self._progress: Any = None
        self._task: Any = None

    def _start(self, total: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        columns: list[Any] = [
            SpinnerColumn(),
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(self.unit),
            TimeElapsedColumn(),
        ]
        if not total:  # unknown length: a spinner, the label and the elapsed time
            columns = [SpinnerColumn(), TextColumn("[bold]{task.description}"), TimeElapsedColumn()]
        elif self.eta:
            columns += [TextColumn("eta"), TimeRemainingColumn()]
        self._progress = Progress(*columns, console=console(stderr=True), transient=True)
        self._progress.start()
        self._task = self._progress.add_task(self.label, total=None)

    def __call__(self, done: int, total: int) -> None:
        if self._progress is None:
            self._start(total)
        self._progress.update(self._task, completed=done, total=total or None)

    def close(self) -> None:
        """Take the bar off the terminal (again: no effect)."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def progress_bar(label: str, unit: str = "", eta: bool = True) -> ProgressBar | None:
    """A :class:`ProgressBar` on a terminal, else None (pass it straight to a ``progress=`` parameter)."""
    return ProgressBar(label, unit, eta) if wants_progress() else None


class ProgressEngine(Engine):
    """Wraps an execution engine (or None: this process) and reports signatures clustered so far.

    The pipeline hands every engine the same ``(block, signatures)`` items and takes the results in
    order; each block's result does not depend on how blocks are batched, so reporting per batch
    changes nothing in the output. Only the progress display is added.
    """

    def __init__(
        self,
        inner: Engine | None,
        progress: ProgressFn,
        batch_signatures: int = 2_000,
        expected_total: int = 0,
    ):
        self.inner = inner
        self.progress = progress
        self.batch_signatures = batch_signatures
        self.expected_total = expected_total  # known up front (e.g. evaluate), else grows per call
        self._done = 0
        self._seen = 0
        self.name = "inline" if inner is None else str(getattr(inner, "name", None) or type(inner).__name__)

    def map_blocks(
        self, fn: BlockFn, items: Sequence[BlockItem], *args: Any, batched: bool = False
    ) -> Iterator[Any]:
        """Results of ``fn`` per block, in order, as the inner engine (or this process) gives them,
        advancing the progress display; the display closes when the iteration ends."""
        try:
            yield from self._map(fn, list(items), args, batched)
        finally:  # the bar goes away with the run (the command prints its summary next)
            close = getattr(self.progress, "close", None)
            if close is not None:
                close()

    def _map(
        self, fn: BlockFn, items: list[BlockItem], args: tuple[Any, ...], batched: bool
    ) -> Iterator[Any]:
        self._seen += sum(len(s) for _, s in items)
        total = max(self.expected_total, self._seen)
        self.progress(self._done, total)
        if self.inner is not None:
            sizes = {id(sigs): len(sigs) for _, sigs in items}
            for item, result in zip(
                items, self.inner.map_blocks(fn, items, *args, batched=batched), strict=True
            ):
                self._done += sizes[id(item[1])]
                self.progress(self._done, total)
                yield result
            return
        for batch in _batches(items, self.batch_signatures):
            results = fn(batch, *args) if batched else [fn(block, sigs, *args) for block, sigs in batch]
            yield from results
            self._done += sum(len(s) for _, s in batch)
            self.progress(self._done, total)

    def close(self) -> None:
        """Close the inner engine (its workers), if any."""
        if self.inner is not None:
            self.inner.close()

    def __repr__(self) -> str:
        return f"ProgressEngine({self.inner!r})"


def _batches(items: list[BlockItem], target: int) -> list[list[BlockItem]]:
    out: list[list[BlockItem]] = []
    cur: list[BlockItem] = []
    size = 0
    for item in items:
        if cur and size + len(item[1]) > target:
            out.append(cur)
            cur, size = [], 0
        cur.append(item)
        size += len(item[1])
    if cur:
        out.append(cur)
    return out
