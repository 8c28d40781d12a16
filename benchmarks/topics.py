"""Topic quality on dev: each person's top-5 topics against the keywords their works carry.

    python3 benchmarks/topics.py                 # prints the table; --write puts it in docs/benchmarks.md

For qian (author keywords) and pubmed (MeSH terms) dev splits (aminer has no keywords), signatures are grouped
by gold person; each person's topics come from titles, abstracts and venues only (the keywords field is
removed first). A topic **matches** when its normalized form (:func:`byline.topics.normalize`: lower case,
singular, hyphens as spaces) equals, is a run of words inside, or contains as a run of words a normalized
keyword of any of that person's works (MeSH: the descriptor before "/", "*" dropped). Precision@5 = matches
among the first 5 topics / number shown (at most 5), averaged over people with at least one keyword and one
topic; "strict" divides by 5 and counts people with no topic as 0; "exact" counts equality only.

Rows: ``old`` = the word counts profiles.py used before keyphrases (content words by number of works);
``new`` = :func:`byline.topics.keyphrases` with the shipped background (train splits); ``new, dev corpus`` =
the same with document frequencies counted over the dataset's own dev works (as a store's works would give).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from byline import load_signatures  # noqa: E402
from byline.profiles import terms, topic_stop_words  # noqa: E402
from byline.records import Signature  # noqa: E402
from byline.topics import Background, TopicText, keyphrases, normalize  # noqa: E402

DATASETS = ("qian", "pubmed")
K = 5
BEGIN, END = "<!-- topics:begin -->", "<!-- topics:end -->"
COMMAND = "python3 benchmarks/topics.py --write"

Topics = Callable[[Sequence[Signature]], list[str]]


def old_topics(sigs: Sequence[Signature], top: int = K) -> list[str]:
    """profiles.summarize's topics before keyphrases: words by works using them, then mentions."""
    stop = topic_stop_words()
    works: Counter[str] = Counter()
    tf: Counter[str] = Counter()
    for s in sigs:
        words = terms(" ".join(filter(None, [s.title, s.abstract])), stop)
        works.update(set(words))
        tf.update(words)
    ranked = sorted(
        ((t, n) for t, n in works.items() if n > 1 or len(sigs) == 1),
        key=lambda kv: (-kv[1], -tf[kv[0]], kv[0]),
    )
    return [t for t, _ in ranked[:top]]


def text_of(s: Signature) -> TopicText:
    """A work's text without its keywords (they are the answer key)."""
    return TopicText(title=s.title, abstract=s.abstract, venue=s.venue)


def new_topics(background: Background | None) -> Topics:
    return lambda sigs: [t for t, _ in keyphrases([text_of(s) for s in sigs], background=background, top=K)]


def keyword_key(k: str) -> str:
    return normalize(k.replace("*", "").split("/")[0])


def matches(topic: str, keys: set[str], exact: bool) -> bool:
    t = normalize(topic)
    if exact:
        return t in keys
    return any(f" {t} " in f" {k} " or f" {k} " in f" {t} " for k in keys)


def evaluate(people: dict[str, list[Signature]], fn: Topics) -> dict[str, float]:
    prec, strict, exact, n_topics = [], [], [], []
    for sigs in people.values():
        keys = {keyword_key(k) for s in sigs for k in s.keywords} - {""}
        if not keys:
            continue
        topics = fn(sigs)[:K]
        n_topics.append(len(topics))
        hits = sum(matches(t, keys, exact=False) for t in topics)
        strict.append(hits / K)
        if topics:
            prec.append(hits / len(topics))
            exact.append(sum(matches(t, keys, exact=True) for t in topics) / len(topics))
    return {
        "people": len(strict),
        "p5": statistics.fmean(prec),
        "p5_strict": statistics.fmean(strict),
        "p5_exact": statistics.fmean(exact),
        "words": statistics.fmean(len(t.split()) for t in _all_topics(people, fn)),
    }


def _all_topics(people: dict[str, list[Signature]], fn: Topics) -> list[str]:
    return [t for sigs in people.values() for t in fn(sigs)[:K]] or [""]


def run(
    data: Path, min_works: int
) -> tuple[list[dict[str, object]], dict[str, list[tuple[str, list[str], list[str]]]]]:
    rows: list[dict[str, object]] = []
    examples: dict[str, list[tuple[str, list[str], list[str]]]] = {}
    for ds in DATASETS:
        sigs = load_signatures([str(data / f"{ds}.dev.jsonl.gz")])
        people: dict[str, list[Signature]] = defaultdict(list)
        for s in sigs:
            people[s.person or s.id].append(s)
        people = {p: v for p, v in people.items() if len(v) >= min_works}
        dev_bg = Background.from_texts(
            text_of(s) for s in {(s.title, s.abstract, s.venue): s for s in sigs}.values()
        )
        fns: dict[str, Topics] = {
            "old (words)": old_topics,
            "new (keyphrases, shipped train background)": new_topics(None),
            "new, dev corpus as background": new_topics(dev_bg),
        }
        for name, fn in fns.items():
            rows.append({"dataset": ds, "method": name, **evaluate(people, fn)})
        big = sorted(people.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:2]
        examples[ds] = [
            (p, old_topics(v), fns["new (keyphrases, shipped train background)"](v)) for p, v in big
        ]
    return rows, examples


def render(
    rows: list[dict[str, object]], examples: dict[str, list[tuple[str, list[str], list[str]]]], min_works: int
) -> str:
    out = [
        BEGIN,
        "## Topics",
        "",
        f"`{COMMAND}`" + (f" (people with at least {min_works} works)" if min_works > 1 else ""),
        "",
        "Each dev person's top-5 topics, from titles, abstracts and venues only, against the keywords of their",
        "works (qian: author keywords; pubmed: MeSH descriptors; aminer has none). A topic matches when its",
        "normalized form (lower case, singular, hyphens as spaces) equals a normalized keyword of the person's",
        "works or one is a run of words inside the other. P@5 = matches / topics shown (at most 5), averaged over",
        "people with a keyword and a topic; strict divides by 5 (no topic = 0); exact counts equality only.",
        "`old` is what profiles.py showed before (single words by the number of works using them).",
        "",
        "| dataset | method | people | P@5 | P@5 strict | P@5 exact | words per topic |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['dataset']} | {r['method']} | {r['people']} | {r['p5']:.3f} | {r['p5_strict']:.3f} | "
            f"{r['p5_exact']:.3f} | {r['words']:.2f} |"
        )
    by = {
        (str(r["dataset"]), str(r["method"]).split(" ")[0]): r for r in rows
    }  # "new," is the dev-corpus row
    fig = {ds: (by[ds, "old"], by[ds, "new"]) for ds in DATASETS if (ds, "old") in by}
    out += [
        "",
        "Reading: under the containment rule the old single words score higher ("
        + ", ".join(f"{ds} {o['p5']:.3f} vs {n['p5']:.3f}" for ds, (o, n) in fig.items())
        + "),",
        'because one generic word sits inside many multi-word keywords ("systems" in "MIMO systems",',
        '"networks" in "social networks"): the very words the issue complains about. Where a topic has to *be*',
        "a keyword (exact), keyphrases win: "
        + ", ".join(f"{ds} {o['p5_exact']:.3f} → {n['p5_exact']:.3f}" for ds, (o, n) in fig.items())
        + ". MeSH descriptors",
        'rarely use an abstract\'s words ("Ovarian Neoplasms" for "ovarian cancer"), which caps pubmed. Document',
        "frequencies counted over the dataset's own dev works (what a store's works would give) do a little better",
        "than the shipped train background on the containment rule.",
    ]
    out += ["", "The two biggest dev people of each dataset (old → new):", ""]
    for ds, ex in examples.items():
        for p, old, new in ex:
            out.append(f"- {ds} `{p}`: {', '.join(old)} → **{', '.join(new)}**")
    out += [
        "",
        "Settings were chosen on these dev splits (grid: length bonus 0 / 0.25 / 0.5 per extra word, IDF power",
        "0.5 / 0.75 / 1, abstract weight 0.3 / 0.5 / 0.8, venue weight 0 / 0.1 / 0.3; venue phrases lowered both",
        "rules, so the venue is off; a phrase in both title and abstract counts 1.5). The shipped background (`src/byline/models/topics/background.json.gz`,",
        "phrases in 2+ works) is built from the train splits only by `python3 scripts/topic_background.py`.",
        END,
    ]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "datasets")
    ap.add_argument("--min-works", type=int, default=1, help="only people with at least this many works")
    ap.add_argument("--write", action="store_true", help="replace the Topics section of docs/benchmarks.md")
    args = ap.parse_args(argv)
    if not all((args.data / f"{ds}.dev.jsonl.gz").exists() for ds in DATASETS):
        print(f"no dev splits under {args.data}; nothing measured")
        return 0
    rows, examples = run(args.data, args.min_works)
    section = render(rows, examples, args.min_works)
    print(section)
    if args.write:
        from _sections import replace_section

        replace_section(REPO / "docs" / "benchmarks.md", section, BEGIN, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
