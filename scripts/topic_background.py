"""Build the shipped topic background: phrase document frequencies over the labeled *train* splits.

    python3 scripts/topic_background.py                      # ../shared/datasets/*.train.jsonl.gz
    python3 scripts/topic_background.py --min-df 3 --out FILE

Each distinct work (title, abstract, venue, keywords) of the train splits is one document; a phrase is kept
when at least ``--min-df`` documents use it (rarer ones count as unseen, which changes their weight little).
Only train splits are read: topic settings are chosen on dev (``benchmarks/topics.py``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from byline import load_signatures  # noqa: E402
from byline.topics import BACKGROUND_PATH, Background, TopicText  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "files", nargs="*", type=Path, help="train files (default: ../shared/datasets/*.train.jsonl.gz)"
    )
    ap.add_argument("--min-df", type=int, default=2)
    ap.add_argument("--out", type=Path, default=BACKGROUND_PATH)
    args = ap.parse_args(argv)
    files = args.files or sorted((REPO.parent / "shared" / "datasets").glob("*.train.jsonl.gz"))
    if not files or any(".train." not in f.name for f in files):
        ap.error("give train splits only (*.train.jsonl.gz)")
    docs: dict[tuple[str, str, str], TopicText] = {}
    for sig in load_signatures([str(f) for f in files]):
        key = (sig.title or "", sig.abstract or "", sig.venue or "")
        if any(key):
            docs.setdefault(key, TopicText(sig.title, sig.abstract, sig.venue, tuple(sig.keywords)))
    bg = Background.from_texts(docs.values(), min_df=args.min_df)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    bg.save(args.out)
    print(
        f"{args.out}: {bg.n_docs} works from {len(files)} files, {len(bg.df)} phrases (df >= {args.min_df})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
