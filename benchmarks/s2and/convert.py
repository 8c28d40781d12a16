"""Canonical labeled signature JSONL(.gz) -> S2AND's input files, per dataset and split.

    python benchmarks/s2and/convert.py --datasets DIR --out WORKDIR

For every dataset found (files ``<name>.<split>.jsonl[.gz]``, split in train/dev; the records' own
``dataset`` field wins when present) it writes::

    WORKDIR/<dataset>/<split>/signatures.json   S2AND signatures {sig_id: {signature_id, paper_id, author_info}}
    WORKDIR/<dataset>/<split>/papers.json       S2AND papers {paper_id: {paper_id, title, abstract, venue,
                                                journal_name, year, authors: [{position, author_name}]}}
    WORKDIR/<dataset>/<split>/clusters.json     {cluster_id: {cluster_id, signature_ids}} from ``person_id``
    WORKDIR/<dataset>/<split>/blocks.json       {block: [sig_id, ...]} (the dataset's own blocks)
    WORKDIR/<dataset>/<split>/id_map.json       S2AND signature id -> original signature id
    WORKDIR/<dataset>/manifest.json             counts and source files

S2AND ids are numeric strings numbered over the whole dataset (train first, then dev) so train and dev
can be loaded into one ``ANDData`` without collisions. Name counts are *not* written here: they are
built inside the S2AND environment from ``train/papers.json`` only (see ``run_s2and.py``), with S2AND's
own name normalisation. No SPECTER embeddings are written (fairness rules in docs/benchmarks.md).

This module needs only the standard library, so it runs both in the system python and in the S2AND venv.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPLITS = ("train", "dev")
_FILE_RE = re.compile(r"^(?P<name>.+?)\.(?P<split>train|dev|test)\.jsonl(\.gz)?$")
_SIG_ID_KEYS = ("signature_id", "sig_id", "signatureId", "id")
_PERSON_KEYS = ("person_id", "cluster_id", "author_id", "person", "label")
_BLOCK_KEYS = ("block", "author_info_given_block", "given_block", "author_info_block")
_PARTICLES = {
    "van",
    "von",
    "der",
    "den",
    "de",
    "del",
    "della",
    "da",
    "di",
    "dos",
    "das",
    "du",
    "la",
    "le",
    "ter",
    "ten",
    "st",
    "st.",
}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


class ConvertError(ValueError):
    """A bad input line: the message names the file and line."""


@dataclass
class SplitData:
    signatures: dict[str, dict[str, Any]] = field(default_factory=dict)
    papers: dict[str, dict[str, Any]] = field(default_factory=dict)
    clusters: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    blocks: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    id_map: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------
# discovery


def discover(datasets_dir: Path) -> dict[str, dict[str, list[Path]]]:
    """``{dataset: {split: [files]}}`` for ``<name>.<split>.jsonl[.gz]`` files (test files ignored)."""
    found: dict[str, dict[str, list[Path]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(Path(datasets_dir).iterdir()):
        m = _FILE_RE.match(path.name)
        if not m or m.group("split") not in SPLITS:
            continue
        found[m.group("name")][m.group("split")].append(path)
    return {k: dict(v) for k, v in sorted(found.items())}


# ----------------------------------------------------------------------------------------------
# reading


def _open_text(path: Path) -> io.TextIOBase:
    raw = open(path, "rb")  # noqa: SIM115 - closed via the wrapper
    magic = raw.read(2)
    raw.seek(0)
    stream = gzip.GzipFile(fileobj=raw) if magic == b"\x1f\x8b" else raw
    return io.TextIOWrapper(stream, encoding="utf-8")


def iter_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, JSON object) for each non-empty line; bad JSON raises :class:`ConvertError`."""
    with _open_text(path) as fh:
        for lineno, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except ValueError as exc:
                raise ConvertError(f"{path}:{lineno}: malformed JSON: {exc}") from None
            if not isinstance(obj, dict):
                raise ConvertError(f"{path}:{lineno}: expected a JSON object")
            yield lineno, obj


def _first(d: dict[str, Any], keys: Iterable[str]) -> Any:
    for k in keys:
        v = d.get(k)
        if v is not None:
            return v
    return None


def _str_list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [v] if v.strip() else []
    out = []
    for x in v:
        if isinstance(x, dict):
            x = _first(x, ("author_name", "name", "text"))
        if x is not None and str(x).strip():
            out.append(str(x).strip())
    return out


def _paper_authors(v: Any) -> list[str]:
    if not v:
        return []
    items = []
    for k, a in enumerate(v):
        if isinstance(a, dict):
            pos = a.get("position", k)
            items.append((pos if isinstance(pos, int) else k, str(_first(a, ("author_name", "name")) or "")))
        else:
            items.append((k, "" if a is None else str(a)))
    items.sort(key=lambda t: t[0])
    return [n for _, n in items]


# ----------------------------------------------------------------------------------------------
# names


def _is_initials(tok: str) -> bool:
    letters = tok.replace(".", "").replace("-", "")
    return 0 < len(letters) <= 3 and letters.isalpha() and letters.isupper()


def split_name(name: str) -> tuple[str, str, str, str]:
    """A printed name -> S2AND's (first, middle, last, suffix), keeping case, hyphens and periods.

    Handles "Last, First Middle", "Lee HY" (surname then capital initials), "J.C. Ye", particles
    ("Ludwig van Beethoven") and suffixes ("Jr."). S2AND normalises these parts itself.
    """
    s = " ".join(name.replace("\u00a0", " ").split())
    if not s:
        return "", "", "", ""
    suffix = ""
    if "," in s:
        last, _, rest = s.partition(",")
        rest_toks = rest.replace(",", " ").split()
        if rest_toks and rest_toks[-1].lower() in _SUFFIXES:
            suffix = rest_toks.pop()
        if rest_toks and rest_toks[0].lower() in _SUFFIXES:  # "Smith, Jr., John"
            suffix = rest_toks.pop(0)
        given = _expand_initials(rest_toks)
        return (given[0] if given else ""), " ".join(given[1:]), last.strip(), suffix
    toks = s.split()
    if len(toks) > 1 and toks[-1].lower() in _SUFFIXES:
        suffix = toks.pop()
    if len(toks) == 1:
        return "", "", toks[0], suffix
    if len(toks) == 2 and _is_initials(toks[1]) and not _is_initials(toks[0]):
        # "Lee HY" / "Ye JC": surname first, then initials
        given = list(toks[1].replace(".", "").replace("-", ""))
        return given[0], " ".join(given[1:]), toks[0], suffix
    # surname = last token plus any lowercase particles right before it
    i = len(toks) - 1
    while i > 1 and toks[i - 1].lower() in _PARTICLES:
        i -= 1
    last = " ".join(toks[i:])
    given = _expand_initials(toks[:i])
    return (given[0] if given else ""), " ".join(given[1:]), last, suffix


def _expand_initials(toks: list[str]) -> list[str]:
    """["J.C.", "Maria"] -> ["J.", "C.", "Maria"]."""
    out: list[str] = []
    for t in toks:
        if re.fullmatch(r"(?:[A-Za-z]\.){2,}", t):
            out.extend(p + "." for p in t.split(".") if p)
        else:
            out.append(t)
    return out


# ----------------------------------------------------------------------------------------------
# conversion


class _Numberer:
    def __init__(self) -> None:
        self.ids: dict[Any, str] = {}

    def __call__(self, key: Any) -> str:
        got = self.ids.get(key)
        if got is None:
            got = self.ids[key] = str(len(self.ids))
        return got


def convert_dataset(
    files_by_split: dict[str, list[Path]], max_blocks: int | None = None, dataset: str | None = None
) -> dict[str, SplitData]:
    """Read one dataset's train/dev files into S2AND structures (ids numbered across splits).

    ``max_blocks`` keeps only the first N blocks of each split (smoke runs). ``dataset`` keeps only
    records whose ``dataset`` field matches (when a file mixes datasets).
    """
    sig_ids, paper_ids = _Numberer(), _Numberer()
    out: dict[str, SplitData] = {}
    for split in SPLITS:
        data = SplitData()
        seen_orig: set[str] = set()
        for path in files_by_split.get(split, []):
            data.sources.append(str(path))
            for lineno, obj in iter_lines(path):
                rec_ds = obj.get("dataset")
                if dataset is not None and rec_ds is not None and str(rec_ds) != dataset:
                    continue
                _add_record(data, obj, path, lineno, split, sig_ids, paper_ids, seen_orig, max_blocks)
        out[split] = data
    return out


def _add_record(
    data: SplitData,
    obj: dict[str, Any],
    path: Path,
    lineno: int,
    split: str,
    sig_ids: _Numberer,
    paper_ids: _Numberer,
    seen_orig: set[str],
    max_blocks: int | None,
) -> None:
    where = f"{path}:{lineno}"
    orig_sig = _first(obj, _SIG_ID_KEYS)
    if orig_sig is None:
        raise ConvertError(f"{where}: missing required field 'signature_id'")
    orig_sig = str(orig_sig)
    if orig_sig in seen_orig:
        raise ConvertError(f"{where}: duplicate signature_id {orig_sig!r}")
    author = obj.get("author") or obj.get("author_info")
    paper = obj.get("paper")
    if author is None and paper is None:  # flat line
        author = paper = obj
    author = author or {}
    paper = paper or {}
    block = _first(obj, _BLOCK_KEYS) or _first(author, ("block", "given_block"))
    if block is None:
        raise ConvertError(f"{where}: missing required field 'block'")
    block = str(block)
    if max_blocks is not None and block not in data.blocks and len(data.blocks) >= max_blocks:
        return
    name = _first(author, ("name", "author_info_full_name", "full_name", "author_name"))
    raw_parts = [_first(author, (k, f"author_info_{k}")) for k in ("first", "middle", "last", "suffix")]
    if raw_parts[2]:  # the data already splits the name (S2AND-derived dumps): use it as is
        first, middle, last, suffix = (str(p) if p else "" for p in raw_parts)
        if name is None:
            name = " ".join(p for p in (first, middle, last) if p)
    else:
        if name is None or not str(name).strip():
            raise ConvertError(f"{where}: missing required field 'author.name'")
        first, middle, last, suffix = split_name(str(name))
    seen_orig.add(orig_sig)
    pos = _first(author, ("position", "author_info_position"))
    try:
        position = int(pos) if pos is not None else 0
    except (TypeError, ValueError):
        raise ConvertError(f"{where}: 'author.position' is not an integer: {pos!r}") from None

    orig_paper = _first(paper, ("paper_id", "work_id", "corpus_paper_id"))
    orig_paper = f"sig:{orig_sig}" if orig_paper is None else str(orig_paper)
    pid = paper_ids((split, orig_paper))
    if pid not in data.papers:
        authors = _paper_authors(_first(paper, ("authors", "author_names")))
        if not authors or position >= len(authors):
            authors = authors + [""] * (position + 1 - len(authors))
            authors[position] = str(name)
        year = _first(paper, ("year", "publication_year"))
        try:
            year = int(year) if year not in (None, "") else None
        except (TypeError, ValueError):
            raise ConvertError(f"{where}: 'paper.year' is not a year: {year!r}") from None
        venue = _first(paper, ("venue",))
        journal = _first(paper, ("journal_name", "journal"))
        data.papers[pid] = {
            "paper_id": int(pid),
            "title": _first(paper, ("title", "paper_title")) or "",
            "abstract": _first(paper, ("abstract", "paper_abstract")) or "",
            "venue": venue or journal or "",
            "journal_name": journal or venue or "",
            "year": year,
            "authors": [{"position": i, "author_name": a} for i, a in enumerate(authors)],
            "references": None,
        }
    sid = sig_ids((split, orig_sig))
    affiliations = _str_list(_first(author, ("affiliations", "author_info_affiliations", "affiliation")))
    orcid = _first(author, ("orcid", "author_info_orcid"))
    info: dict[str, Any] = {
        "position": position,
        "block": block,
        "given_block": block,
        "first": first or None,
        "middle": middle or None,
        "last": last,
        "suffix": suffix or None,
        "email": _first(author, ("email", "author_info_email")),
        "affiliations": affiliations,
    }
    if orcid:
        info["source_ids"] = [str(orcid)]
        info["source_id_source"] = "ORCID"
    data.signatures[sid] = {"signature_id": sid, "paper_id": int(pid), "author_info": info}
    person = _first(obj, _PERSON_KEYS)
    # an unlabeled signature is its own person (it can only be scored as a singleton)
    cluster = f"p:{person}" if person is not None else f"unlabeled:{orig_sig}"
    data.clusters[cluster].append(sid)
    data.blocks[block].append(sid)
    data.id_map[sid] = orig_sig


def write_split(data: SplitData, out_dir: Path) -> dict[str, int]:
    out_dir.mkdir(parents=True, exist_ok=True)
    clusters = {cid: {"cluster_id": cid, "signature_ids": sids} for cid, sids in data.clusters.items()}
    for fname, obj in (
        ("signatures.json", data.signatures),
        ("papers.json", data.papers),
        ("clusters.json", clusters),
        ("blocks.json", dict(data.blocks)),
        ("id_map.json", data.id_map),
    ):
        tmp = out_dir / (fname + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(obj, fh, ensure_ascii=False)
        tmp.replace(out_dir / fname)
    return {
        "signatures": len(data.signatures),
        "papers": len(data.papers),
        "clusters": len(data.clusters),
        "blocks": len(data.blocks),
    }


def convert_all(
    datasets_dir: Path | None = None,
    out: Path = Path("."),
    files: dict[str, dict[str, list[Path]]] | None = None,
    max_blocks: int | None = None,
) -> dict[str, dict[str, Any]]:
    """Convert every dataset of ``datasets_dir`` (or the given ``files`` mapping) into ``out``."""
    if files is None:
        if datasets_dir is None:
            raise ValueError("give datasets_dir or files")
        files = discover(datasets_dir)
    manifest: dict[str, dict[str, Any]] = {}
    for name, by_split in files.items():
        if "train" not in by_split or "dev" not in by_split:
            print(f"[convert] skipping {name}: needs both train and dev files", file=sys.stderr)
            continue
        splits = convert_dataset(by_split, max_blocks=max_blocks)
        entry: dict[str, Any] = {"sources": {}}
        for split, data in splits.items():
            entry[split] = write_split(data, Path(out) / name / split)
            entry["sources"][split] = data.sources
        (Path(out) / name / "manifest.json").write_text(json.dumps(entry, indent=1))
        manifest[name] = entry
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--datasets", type=Path, required=True, help="folder of <name>.<split>.jsonl[.gz]")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--max-blocks", type=int, default=None, help="keep the first N blocks per split")
    args = ap.parse_args(argv)
    try:
        manifest = convert_all(args.datasets, args.out, max_blocks=args.max_blocks)
    except ConvertError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(manifest, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
