"""The one primitive every execution engine implements: apply a per-block function to blocks.

An engine knows nothing of names, features or models. :func:`byline.pipeline.run` hands it the pure
per-block function (:func:`byline.pipeline.disambiguate_block`) and the ``(block, signatures)`` items;
the engine decides where each call runs (this process, a process pool, a Spark cluster) and yields the
results **in input order**, so every engine gives the same output for the same input.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from byline.records import Signature

BlockItem = tuple[str, Sequence[Signature]]
BlockFn = Callable[..., Any]


class Engine(ABC):
    """Runs ``fn(block, signatures, *args)`` for every block item; subclasses choose where."""

    name: str = "engine"

    @abstractmethod
    def map_blocks(
        self, fn: BlockFn, items: Sequence[BlockItem], *args: Any, batched: bool = False
    ) -> Iterator[Any]:
        """Yield one result per ``(block, sigs)`` of ``items``, in input order.

        ``batched=False``: the result of ``fn(block, sigs, *args)`` per item.
        ``batched=True``: ``fn(list_of_items, *args)`` returns a list with one result per item; the
        engine chooses the batches (consecutive items), so ``fn`` must give each item the result it
        would get alone (e.g. :func:`byline.pipeline.disambiguate_blocks`).

        ``fn`` must be a module-level function (so it can be shipped to other processes) that depends
        only on its arguments; ``args`` are shipped once per worker.
        """

    def close(self) -> None:
        """Release resources (worker pools, sessions). Engines are reusable until closed."""
        return None

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
