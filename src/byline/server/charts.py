"""Server-side chart geometry (no JS): the papers-per-year bar chart of a person page.

The function computes plain numbers; the template draws them as inline SVG (autoescaped like
everything else), so the chart needs no script and no external asset.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Bar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float
    label_every: bool


@dataclass(frozen=True, slots=True)
class Timeline:
    width: int
    height: int
    baseline: float
    bars: tuple[Bar, ...]
    max_count: int
    undated: int

    @property
    def empty(self) -> bool:
        return not self.bars


def timeline(
    counts: Mapping[int, int] | Iterable[tuple[int, int]],
    *,
    undated: int = 0,
    width: int = 640,
    height: int = 160,
    max_years: int = 60,
    max_labels: int = 12,
) -> Timeline:
    """Bars for papers per year, one slot per year between the first and last (gaps stay visible)."""
    items = dict(counts.items() if isinstance(counts, Mapping) else counts)
    items = {int(y): int(c) for y, c in items.items() if y is not None and int(c) > 0}
    if not items:
        return Timeline(width, height, height - 20.0, (), 0, undated)
    first, last = min(items), max(items)
    if last - first + 1 > max_years:  # absurd years would make hair-thin bars: keep the recent span
        first = last - max_years + 1
    years = list(range(first, last + 1))
    max_count = max(items.get(y, 0) for y in years) or 1
    top, bottom, left, right = 14.0, 20.0, 28.0, 8.0
    plot_w = width - left - right
    plot_h = height - top - bottom
    slot = plot_w / len(years)
    bar_w = max(slot * 0.75, 1.0)
    step = max(1, -(-len(years) // max_labels))  # at most max_labels year labels (they must not overlap)
    bars = []
    for i, year in enumerate(years):
        count = items.get(year, 0)
        h = plot_h * count / max_count
        bars.append(
            Bar(
                year=year,
                count=count,
                x=round(left + i * slot + (slot - bar_w) / 2, 2),
                y=round(top + plot_h - h, 2),
                width=round(bar_w, 2),
                height=round(h, 2),
                label_every=(i % step == 0) or i == len(years) - 1,
            )
        )
    return Timeline(width, height, top + plot_h, tuple(bars), max_count, undated)
