"""Streaming check for the standard-format parsers: parse a large generated file, report time and peak memory.

    python3 benchmarks/ingest_stream.py --mb 200 --formats openalex ris csv bibtex
    python3 benchmarks/ingest_stream.py --mb 50 --formats bibtex      # BibTeX throughput (MB/s)
    python3 benchmarks/ingest_stream.py --mb 200 --formats dblp       # the dblp dump reader (>= 20 MB/s)

Each format runs in its own subprocess so peak RSS is per format. The file is written to a temporary
folder and removed afterwards.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ABSTRACT = (
    "We study the disambiguation of author names in bibliographic records, with features from "
    "coauthors, venues and topics, and report results on several benchmarks. "
) * 3


def _openalex(i: int) -> str:
    words = ABSTRACT.split()
    inv: dict[str, list[int]] = {}
    for k, w in enumerate(words):
        inv.setdefault(w, []).append(k)
    return (
        json.dumps(
            {
                "id": f"https://openalex.org/W{i}",
                "doi": f"https://doi.org/10.1234/x{i}",
                "title": f"Paper number {i}",
                "publication_year": 1990 + i % 30,
                "primary_location": {"source": {"display_name": "Journal of Tests"}},
                "authorships": [
                    {
                        "author": {"display_name": f"Author {j} Müller", "orcid": None},
                        "institutions": [{"display_name": "University of Somewhere"}],
                    }
                    for j in range(4)
                ],
                "abstract_inverted_index": inv,
            }
        )
        + "\n"
    )


def _ris(i: int) -> str:
    return (
        f"TY  - JOUR\nTI  - Paper number {i}\nAU  - Müller, Author\nAU  - Lee, Bo\nPY  - {1990 + i % 30}\n"
        f"JO  - Journal of Tests\nDO  - 10.1234/x{i}\nAB  - {ABSTRACT}\nER  - \n\n"
    )


def _csv(i: int) -> str:
    return f'"Paper number {i}","Author Müller; Bo Lee",{1990 + i % 30},"Journal of Tests",10.1234/x{i},"{ABSTRACT}"\n'


def _bibtex(i: int) -> str:
    return (
        f'@article{{k{i},\n  author = {{M{{\\"u}}ller, Author and Lee, Bo}},\n  title = {{Paper number {i}}},\n'
        f"  journal = {{Journal of Tests}},\n  year = {1990 + i % 30},\n  doi = {{10.1234/x{i}}},\n"
        f"  abstract = {{{ABSTRACT}}}\n}}\n\n"
    )


def _dblp(i: int) -> str:
    kind = "article" if i % 2 else "inproceedings"
    venue = "<journal>Acta Inf.</journal>" if i % 2 else "<booktitle>VLDB</booktitle>"
    return (
        f'<{kind} mdate="2020-01-01" key="journals/x/K{i}">\n<author>J&uuml;rgen M&uuml;ller 000{i % 9 + 1}</author>\n'
        f'<author>Bo Lee</author>\n<author orcid="0000-0002-1825-0097">Ann Chen</author>\n'
        f"<title>Paper number {i} on <i>things</i>.</title>\n<pages>1-10</pages>\n<year>{1990 + i % 30}</year>\n"
        f"<volume>{i % 50}</volume>\n{venue}\n<ee>https://doi.org/10.1234/x{i}</ee>\n"
        f"<url>db/journals/x/x{i}.html</url>\n</{kind}>\n"
    )


def _crossref(i: int) -> str:
    work = {
        "DOI": f"10.1234/x{i}",
        "title": [f"Paper number {i}"],
        "author": [
            {"given": "Author", "family": "Müller", "sequence": "first", "affiliation": [{"name": "Univ A"}]},
            {
                "given": "Bo",
                "family": "Lee",
                "sequence": "additional",
                "affiliation": [],
                "ORCID": "http://orcid.org/0000-0002-1825-0097",
            },
        ],
        "issued": {"date-parts": [[1990 + i % 30, 5]]},
        "container-title": ["Journal of Tests"],
        "abstract": f"<jats:p>{ABSTRACT}</jats:p>",
        "reference-count": 3,
        "is-referenced-by-count": 1,
        "type": "journal-article",
    }
    return json.dumps(work) + "\n"


GEN = {
    "openalex": (_openalex, ".jsonl", ""),
    "ris": (_ris, ".ris", ""),
    "bibtex": (_bibtex, ".bib", ""),
    "csv": (_csv, ".csv", "Title,Authors,Year,Source title,DOI,Abstract\n"),
    "dblp": (
        _dblp,
        ".xml",
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE dblp SYSTEM "dblp.dtd">\n<dblp>\n',
    ),
    "crossref": (_crossref, ".jsonl", ""),
}
FOOTER = {"dblp": "</dblp>\n"}


def write(fmt: str, path: Path, mb: int) -> int:
    gen, _, header = GEN[fmt]
    target = mb * 1024 * 1024
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(header)
        size = len(header)
        while size < target:
            chunk = "".join(gen(n + k) for k in range(1000))
            fh.write(chunk)
            size += len(chunk.encode("utf-8"))
            n += 1000
        fh.write(FOOTER.get(fmt, ""))
    return n


def child(fmt: str, path: str) -> None:
    from byline.ingest import format_module

    t, cpu = time.perf_counter(), time.process_time()
    count = sum(1 for _ in format_module(fmt).parse(Path(path)))
    secs, cpu = time.perf_counter() - t, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # cpu_seconds: the parser's own CPU time, which other jobs on a shared machine do not inflate
    print(
        json.dumps(
            {
                "format": fmt,
                "records": count,
                "seconds": round(secs, 1),
                "cpu_seconds": round(cpu, 1),
                "peak_rss_mb": round(peak_mb),
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--formats", nargs="+", default=list(GEN))
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as d:
        for fmt in args.formats:
            path = Path(d) / f"big{GEN[fmt][1]}"
            n = write(fmt, path, args.mb)
            size = path.stat().st_size / 1024 / 1024
            out = subprocess.run(
                [sys.executable, __file__, "--child", fmt, str(path)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            res = json.loads(out)
            res.update(
                file_mb=round(size),
                written=n,
                mb_per_s=round(size / max(res["seconds"], 0.1), 2),
                cpu_mb_per_s=round(size / max(res["cpu_seconds"], 0.1), 2),
            )
            print(json.dumps(res), flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
