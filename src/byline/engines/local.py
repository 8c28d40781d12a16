"""The default engine: this process for small inputs, a pool of worker processes for large ones."""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from byline._errors import EngineError
from byline.engines.base import BlockFn, BlockItem, Engine

# State of a worker process, set once by the pool initializer (so the model is shipped once per worker).
_WORKER: dict[str, Any] = {}


def _init_worker(fn: BlockFn, args: tuple[Any, ...], batched: bool) -> None:
    for a in args:  # each worker is one process on one core: keep libraries single-threaded there
        if hasattr(a, "n_jobs"):
            with contextlib.suppress(AttributeError):  # a read-only attribute stays as it is
                a.n_jobs = 1
    _WORKER["fn"], _WORKER["args"], _WORKER["batched"] = fn, args, batched


def _call(fn: BlockFn, batch: list[BlockItem], args: tuple[Any, ...], batched: bool) -> list[Any]:
    if batched:
        out = list(fn(batch, *args))
        if len(out) != len(batch):
            raise EngineError(f"batched block function returned {len(out)} results for {len(batch)} blocks")
        return out
    return [fn(block, sigs, *args) for block, sigs in batch]


def _run_batch(batch: list[BlockItem]) -> list[Any]:
    return _call(_WORKER["fn"], batch, _WORKER["args"], _WORKER["batched"])


def _run_task(task: Any) -> Any:
    return _WORKER["fn"](task, *_WORKER["args"])


class LocalEngine(Engine):
    """Run blocks on this machine.

    Inputs under ``min_parallel`` signatures (or ``workers=1``) run in this process. Larger ones run
    on ``workers`` processes (default: the CPU count), blocks batched to about ``batch_signatures``
    signatures, the largest batches submitted first; results are yielded in input order, and each
    block's result does not depend on where it ran.
    """

    name = "local"

    def __init__(
        self, workers: int | None = None, min_parallel: int = 20_000, batch_signatures: int = 10_000
    ):
        self.workers = workers
        self.min_parallel = min_parallel
        self.batch_signatures = batch_signatures
        self._validate()

    def _validate(self) -> None:
        if self.workers is not None and (not isinstance(self.workers, int) or self.workers < 1):
            raise EngineError(f"local engine: workers must be a positive integer, not {self.workers!r}")
        if self.min_parallel < 0 or self.batch_signatures < 1:
            raise EngineError("local engine: min_parallel must be >= 0 and batch_signatures >= 1")

    def __repr__(self) -> str:
        return f"LocalEngine(workers={self.workers!r}, min_parallel={self.min_parallel!r})"

    def n_workers(self) -> int:
        return self.workers or os.cpu_count() or 1

    def map_blocks(
        self, fn: BlockFn, items: Sequence[BlockItem], *args: Any, batched: bool = False
    ) -> Iterator[Any]:
        items = list(items)
        n = sum(len(s) for _, s in items)
        workers = self.n_workers()
        batches = _batches(items, self.batch_signatures)
        if workers <= 1 or len(batches) < 2 or n < self.min_parallel:
            for batch in batches:
                yield from _call(fn, batch, args, batched)
            return
        order = sorted(range(len(batches)), key=lambda b: -sum(len(s) for _, s in batches[b]))
        # spawn: fresh interpreters, safe with OpenMP-using libraries (fork after OpenMP can hang)
        ctx = mp.get_context("spawn")
        try:
            with ProcessPoolExecutor(
                workers, mp_context=ctx, initializer=_init_worker, initargs=(fn, args, batched)
            ) as ex:
                futures: dict[int, Future[list[Any]]] = {b: ex.submit(_run_batch, batches[b]) for b in order}
                for b in range(len(batches)):
                    yield from futures[b].result()
        except (OSError, BrokenProcessPool) as exc:
            raise EngineError(
                f"local engine: a worker process failed: {exc or type(exc).__name__} (workers are spawned: a "
                "script using them must guard its entry point with `if __name__ == '__main__':`)"
            ) from exc

    def imap(self, fn: Callable[..., Any], tasks: Iterable[Any], *args: Any) -> Iterator[Any]:
        """``fn(task, *args)`` for every task, on the worker pool, yielded in task order.

        Tasks are taken from ``tasks`` lazily, at most two per worker in flight, so neither the tasks nor
        the results ever sit in memory all at once (the workers read their data themselves, e.g. blocks
        from the store). ``args`` are shipped once per worker.
        """
        workers = self.n_workers()
        it = iter(tasks)
        ctx = mp.get_context("spawn")
        try:
            with ProcessPoolExecutor(
                workers, mp_context=ctx, initializer=_init_worker, initargs=(fn, args, False)
            ) as ex:
                pending: deque[Future[Any]] = deque(
                    ex.submit(_run_task, t) for t in itertools.islice(it, 2 * workers)
                )
                while pending:
                    result = pending.popleft().result()
                    for t in itertools.islice(it, 1):
                        pending.append(ex.submit(_run_task, t))
                    yield result
        except (OSError, BrokenProcessPool) as exc:
            raise EngineError(
                f"local engine: a worker process failed: {exc or type(exc).__name__} (workers are spawned: a "
                "script using them must guard its entry point with `if __name__ == '__main__':`)"
            ) from exc


def _batches(items: list[BlockItem], target: int) -> list[list[BlockItem]]:
    """Consecutive items grouped to about ``target`` signatures (:func:`byline.pipeline.batches`)."""
    from byline.pipeline import batches

    return batches(items, target)  # type: ignore[arg-type,return-value]
