"""Name search over a big store: ``byline people --name`` / ``GET /api/people?name=`` on N signatures.

    python3 benchmarks/people_search.py --signatures 100000

Builds (once, cached in ``benchmarks/.work/people_search/``) a store of generated papers whose authors are
drawn from a pool of names with a skewed distribution (common surnames such as Wang, Lee, Kim, many given
names), ingests it, and groups signatures into people by their normalized printed name within a block --
a stand-in for ``byline disambiguate`` (the search cost depends on the rows, not on how they were
clustered). Then it times :func:`byline.people.list_people` for a few names in a fresh process state
(first call: name parsing caches cold) and warm (median of 5), counts the SQL statements of one search, and
times ``byline people --name`` end to end in a subprocess.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

SURNAMES = [
    "Wang",
    "Lee",
    "Kim",
    "Zhang",
    "Li",
    "Chen",
    "Liu",
    "Park",
    "Nguyen",
    "Smith",
    "Müller",
    "García",
    "Kumar",
    "Singh",
    "Ivanova",
    "Rossi",
    "Tanaka",
    "Sato",
    "Cohen",
    "Brown",
    "Dubois",
    "Silva",
    "Novak",
    "Jensen",
    "O'Brien",
    "van der Berg",
    "Hernández",
    "Yilmaz",
    "Kowalski",
    "Andersson",
]
GIVEN = [
    "Lei",
    "Jaeseong",
    "Minho",
    "Wei",
    "Jun",
    "Hana",
    "Anna",
    "Maria",
    "John",
    "David",
    "Sora",
    "Yuki",
    "Amit",
    "Priya",
    "Olga",
    "Luca",
    "Sofia",
    "Ahmed",
    "Fatima",
    "Pierre",
    "Jan",
    "Eva",
    "Tom",
    "Kai",
    "Ming",
    "Xin",
    "Hao",
    "Yan",
    "Ji-woo",
    "Seo-yeon",
    "Hyun",
    "Young",
    "Chris",
    "Alex",
    "Sam",
    "Noah",
]
TOPICS = [
    "graph",
    "neural",
    "soil",
    "river",
    "protein",
    "molecule",
    "network",
    "learning",
    "climate",
    "sensor",
    "robot",
    "vision",
    "language",
    "quantum",
    "catalyst",
    "membrane",
    "genome",
    "market",
    "policy",
    "fluid",
]
QUERIES = ["Lei Wang", "Jaeseong Lee", "J. Kim", "Maria García", "Pierre van der Berg"]


def _name(rng: random.Random) -> str:
    sur = (
        SURNAMES[min(int(rng.paretovariate(1.2)) - 1, len(SURNAMES) - 1)]
        if rng.random() < 0.6
        else rng.choice(SURNAMES)
    )
    given = rng.choice(GIVEN) + ("" if rng.random() < 0.7 else f" {rng.choice('ABCDEFGHJK')}.")
    return f"{given} {sur}" if rng.random() < 0.85 else f"{given[0]}. {sur}"


def write_bib(path: Path, n_signatures: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    done = 0
    k = 0
    with open(path, "w", encoding="utf-8") as f:
        while done < n_signatures:
            authors = [_name(rng) for _ in range(rng.randint(1, 6))]
            authors = list(dict.fromkeys(authors))
            title = " ".join(rng.choice(TOPICS) for _ in range(6)).capitalize() + f" {k}"
            names = " and ".join(a for a in authors)
            f.write(
                f"@article{{p{k},\n  title = {{{title}}},\n  author = {{{names}}},\n"
                f"  journal = {{J{rng.randint(1, 40)}}},\n  year = {{{rng.randint(1990, 2024)}}}\n}}\n"
            )
            done += len(authors)
            k += 1


def build(db: Path, n_signatures: int) -> dict[str, float]:
    from byline.curation import ConstraintSet
    from byline.names import normalize
    from byline.people import repo
    from byline.people.corpus import load_corpus
    from byline.people.runs import people_write
    from byline.records import stable_id
    from byline.store import Store

    bib = db.with_suffix(".bib")
    t0 = time.perf_counter()
    write_bib(bib, n_signatures)
    t1 = time.perf_counter()
    with Store(db) as store:
        store.ingest([bib])
        t2 = time.perf_counter()
        corpus = load_corpus(store)
        person_of = {
            sid: stable_id("P", corpus.blocks[sid], normalize(s.name)) for sid, s in corpus.signatures.items()
        }
        with store.transaction() as conn:
            run = repo.start_run(conn, "benchmark")
            repo.write_people(conn, run, people_write(person_of, corpus, ConstraintSet()), {})
            repo.finish_run(conn, run, {})
        t3 = time.perf_counter()
        stats = {
            "signatures": len(corpus.signatures),
            "works": len(corpus.works),
            "people": len(set(person_of.values())),
            "write_bib_s": round(t1 - t0, 1),
            "ingest_s": round(t2 - t1, 1),
            "people_s": round(t3 - t2, 1),
        }
    (db.with_suffix(".json")).write_text(json.dumps(stats))
    return stats


def measure(db: Path) -> None:
    """Runs in a fresh interpreter (cold caches): one search per query, timed and statement-counted."""
    from byline.people import list_people
    from byline.store import Store

    out = {}
    with Store(db) as store:
        for q in QUERIES:
            statements: list[str] = []
            store.connection.set_trace_callback(statements.append)
            t0 = time.perf_counter()
            rows = list_people(store, q)
            cold = time.perf_counter() - t0
            store.connection.set_trace_callback(None)
            warm = []
            for _ in range(5):
                t0 = time.perf_counter()
                list_people(store, q)
                warm.append(time.perf_counter() - t0)
            out[q] = {
                "people": len(rows),
                "cold_s": round(cold, 3),
                "warm_median_s": round(statistics.median(warm), 3),
                "statements": len(statements),
            }
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--signatures", type=int, default=100_000)
    ap.add_argument("--work", type=Path, default=Path(__file__).parent / ".work" / "people_search")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        measure(args.measure)
        return
    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / f"search-{args.signatures}.db"
    stats = json.loads(db.with_suffix(".json").read_text()) if db.exists() else build(db, args.signatures)
    print("store:", json.dumps(stats))
    res = subprocess.run(
        [sys.executable, __file__, "--measure", str(db)], capture_output=True, text=True, check=True
    )
    print("list_people:", res.stdout.strip())
    for q in QUERIES[:2]:
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from byline.cli import main; main()",
                "people",
                "--name",
                q,
                "--db",
                str(db),
            ],
            capture_output=True,
            check=True,
        )
        print(f"byline people --name {q!r}: {time.perf_counter() - t0:.2f} s wall (process start included)")


if __name__ == "__main__":
    main()
