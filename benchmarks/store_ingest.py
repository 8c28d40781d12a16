"""Store ingest speed: a generated paper-feed listing (with duplicates) → SQLite store, then a re-ingest.

    python3 benchmarks/store_ingest.py --entries 20000

Reports parse time, first ingest (parse + dedup + one write transaction), idempotent re-ingest, reading every
work back, and peak RSS. Every third entry is repeated in a second, abstract-only file so dedup has work to do.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from pathlib import Path

from byline.ingest.listing import parse
from byline.store import Store

WORDS = [
    "model",
    "data",
    "learning",
    "network",
    "graph",
    "author",
    "name",
    "disambiguation",
    "cluster",
    "feature",
    "record",
    "paper",
    "venue",
    "year",
    "topic",
    "embedding",
    "training",
    "inference",
    "scale",
    "block",
    "pair",
    "score",
    "threshold",
    "sample",
    "noise",
    "signal",
    "transfer",
    "domain",
    "adaptation",
    "retrieval",
    "generation",
    "diffusion",
    "energy",
    "robust",
    "adversarial",
]


def _abstract(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(120, 220))).capitalize() + "."


def write_inputs(folder: Path, entries: int, seed: int = 0) -> tuple[Path, Path]:
    rng = random.Random(seed)
    feed, abstracts = folder / "feed.txt", folder / "abstracts.txt"
    with open(feed, "w", encoding="utf-8") as f, open(abstracts, "w", encoding="utf-8") as a:
        for i in range(entries):
            text = _abstract(rng)
            f.write(f"LGJan {i % 28 + 1}, {1995 + i % 30}Code\n")
            f.write(
                f"Study {i} of {rng.choice(WORDS).title()} ModelsAnn Lee, Bo Kim{i % 50}, Chen Wu et al.\n"
            )
            f.write(text + "\n")
            if i % 3 == 0:
                a.write(f"Abstract:{text}\n")
    return feed, abstracts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entries", type=int, default=20000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        feed, abstracts = write_inputs(folder, args.entries)
        mb = (feed.stat().st_size + abstracts.stat().st_size) / 1e6
        t = time.perf_counter()
        n = sum(1 for _ in parse(feed))
        t_parse = time.perf_counter() - t
        with Store(folder / "b.db") as store:
            t = time.perf_counter()
            first = store.ingest([feed, abstracts], owner="Ann Lee")
            t_ingest = time.perf_counter() - t
            t = time.perf_counter()
            again = store.ingest([feed, abstracts], owner="Ann Lee")
            t_again = time.perf_counter() - t
            t = time.perf_counter()
            works = len(store.works())
            t_read = time.perf_counter() - t
        assert again.new_records == 0 and works == n
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"input: {n} feed entries + {first.records - n} abstract-only duplicates, {mb:.1f} MB")
        print(f"parse feed:        {t_parse:7.1f} s  ({n / t_parse:,.0f} records/s)")
        print(f"first ingest:      {t_ingest:7.1f} s  ({first.summary()})")
        print(f"re-ingest (no-op): {t_again:7.1f} s")
        print(f"read all works:    {t_read:7.1f} s  ({works} works)")
        print(f"peak RSS:          {rss:7.0f} MB")


if __name__ == "__main__":
    main()
