"""The one union-find (disjoint sets) of byline: the clusterer's must-link groups and components, the
curation layer's groups and the pipeline's cross-block must-links all use it.

Items are any hashable values (ints for the clusterer, signature ids or cluster keys elsewhere).
Deterministic: when two sets join, the root is the smaller of the two roots, so the representative of a
set is always its smallest item no matter in which order the unions came.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)

__all__ = ["UnionFind"]


class UnionFind(Generic[T]):
    """Disjoint sets with path compression; an item never seen is a set of its own."""

    __slots__ = ("parent",)

    def __init__(self, items: Iterable[T] = ()) -> None:
        self.parent: dict[T, T] = {x: x for x in items}

    def find(self, x: T) -> T:
        parent = self.parent
        if x not in parent:
            return x
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: T, b: T) -> T:
        """Join the sets of ``a`` and ``b``; returns the root of the joined set (the smaller root)."""
        parent = self.parent
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        lo, hi = (ra, rb) if ra < rb else (rb, ra)  # type: ignore[operator]
        parent[hi] = lo
        return lo

    def connected(self, a: T, b: T) -> bool:
        return a == b or self.find(a) == self.find(b)

    def __contains__(self, x: object) -> bool:
        return x in self.parent

    def groups(self) -> dict[T, list[T]]:
        """Root -> the items of its set (each set's items in insertion order)."""
        out: dict[T, list[T]] = {}
        for x in self.parent:
            out.setdefault(self.find(x), []).append(x)
        return out

    def copy(self) -> UnionFind[T]:
        new: UnionFind[T] = UnionFind()
        new.parent = dict(self.parent)
        return new
