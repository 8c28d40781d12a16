"""One input file: its content hash, detected format and records, streamed or read whole.

:func:`open_file` is what ``byline ingest`` (:meth:`byline.store.Store.ingest`) runs on each path: it checks
the path, hashes the bytes (record ids come from that hash and the record's position), detects the format
(:func:`byline.ingest.resolve_format`) and returns the format's streaming parser as an iterator, which the
store consumes batch by batch (memory flat in the file's size). :func:`parse_file` collects every record.
Neither touches the store; the store writes a whole ingest in one transaction, so a file that fails midway
leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any

from byline._errors import BylineError, InputError
from byline.ingest import FORMATS, drop_empty, format_module, parse_records, relabel, resolve_format
from byline.ingest._problems import quote
from byline.records import Record

__all__ = ["OpenFile", "ParsedFile", "ProgressFn", "file_hash", "open_file", "parse_file", "parse_files"]

ProgressFn = Callable[[int, int, int, str], None]
"""progress(files_done, files_total, records_so_far, current_path)."""


@dataclass(slots=True)
class ParsedFile:
    """One input file, parsed: its content hash, format, records and (maybe) listing owner."""

    path: str
    hash: str
    size: int
    format: str
    records: list[Record]
    is_listing: bool
    owner: str | None


def file_hash(path: Path) -> tuple[str, int]:
    """``(sha256 hex digest, size in bytes)`` of a file, read in 1 MiB chunks; :class:`InputError` when
    it cannot be read."""
    h = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=path) from None
    return h.hexdigest(), size


@dataclass(slots=True)
class OpenFile:
    """One input file, checked and hashed, with its records still to be read (:func:`open_file`).

    ``records`` yields each record once; ``owner`` is the listing owner, final once ``records`` is
    exhausted (a listing page may name its owner anywhere).
    """

    path: str
    hash: str
    size: int
    format: str
    records: Iterator[Record]
    is_listing: bool
    owner: str | None


def open_file(
    path: str | PathLike[str],
    owner: str | None = None,
    format: str = "auto",
    on_record: Callable[[int], None] | None = None,
    csv_mapping: Mapping[str, str] | None = None,
    label: str | None = None,
) -> OpenFile:
    """Check, hash and detect one input file; its records stream from ``.records`` (InputError on a bad file,
    raised here or while iterating).

    ``csv_mapping`` (record field -> column name) applies to files read as CSV. ``label`` names the file
    in provenance instead of its path (``-`` for standard input spooled to a temporary file).
    """
    p = Path(path)
    if format not in FORMATS:
        raise InputError(f"unknown format {format!r}; choose one of: {', '.join(FORMATS)}")
    if not p.exists():
        raise InputError("no such file", file=p)
    if p.is_dir():
        raise InputError("is a directory, not a file", file=p)
    digest, size = file_hash(p)
    if size == 0:
        raise InputError("file is empty", file=p)
    fmt = resolve_format(p, format, csv_mapping)
    mod = format_module(fmt)
    is_listing = hasattr(mod, "parse_listing")
    out = OpenFile(
        path=str(p) if label is None else label,
        hash=digest,
        size=size,
        format=fmt,
        records=iter(()),
        is_listing=is_listing or owner is not None,
        owner=owner,
    )
    out.records = _records(out, p, mod, owner, csv_mapping, label, on_record)
    return out


def _records(
    out: OpenFile,
    p: Path,
    mod: Any,
    owner: str | None,
    csv_mapping: Mapping[str, str] | None,
    label: str | None,
    on_record: Callable[[int], None] | None,
) -> Iterator[Record]:
    fmt = out.format
    n = 0
    try:
        get_owner = None
        if hasattr(mod, "iter_listing"):  # streaming listing parser: progress while parsing
            stream, get_owner = mod.iter_listing(p, owner)
        elif hasattr(mod, "parse_listing"):
            listing = mod.parse_listing(p, owner)
            stream, out.owner = iter(listing.records), listing.owner
        else:
            stream = parse_records(p, fmt, csv_mapping)
        if hasattr(mod, "parse_listing"):
            stream = drop_empty(stream)
        if label is not None:
            stream = relabel(stream, label)
        for r in stream:
            n += 1
            if on_record is not None and n % 1000 == 0:
                on_record(1000)
            yield r
        if on_record is not None:
            on_record(n % 1000)
        if get_owner is not None:
            out.owner = get_owner()
        if getattr(mod, "LISTING_NEEDS_OWNER", False) and out.owner is None:
            out.is_listing = False  # e.g. a dblp dump: papers, not anyone's profile
    except BylineError:  # already names the file (and line)
        raise
    except (UnicodeError, ValueError, OSError, EOFError) as exc:  # a parser that let one through
        raise InputError(f"cannot parse as {fmt}: {quote(exc)}", file=p) from exc


def parse_file(
    path: str | PathLike[str],
    owner: str | None = None,
    format: str = "auto",
    on_record: Callable[[int], None] | None = None,
    csv_mapping: Mapping[str, str] | None = None,
    label: str | None = None,
) -> ParsedFile:
    """Parse one input file completely (:func:`open_file`, records collected). Raises InputError."""
    return _collected(open_file(path, owner, format, on_record, csv_mapping, label))


def _collected(f: OpenFile) -> ParsedFile:
    records = list(f.records)  # the owner and the listing flag are final once the records are read
    return ParsedFile(f.path, f.hash, f.size, f.format, records, f.is_listing, f.owner)


def parse_files(
    paths: str | PathLike[str] | Iterable[str | PathLike[str]],
    owner: str | None = None,
    format: str = "auto",
    progress: ProgressFn | None = None,
    csv_mapping: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> list[ParsedFile]:
    """:func:`parse_file` on every path, in order (``labels``: path -> the name provenance gives it);
    the first bad file raises. ``progress`` hears of each file and of every 1,000 records."""
    return [_collected(f) for f in open_files(paths, owner, format, progress, csv_mapping, labels)]


def open_files(
    paths: str | PathLike[str] | Iterable[str | PathLike[str]],
    owner: str | None = None,
    format: str = "auto",
    progress: ProgressFn | None = None,
    csv_mapping: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Iterator[OpenFile]:
    """:func:`open_file` on every path, in order, one at a time (consume a file's ``records`` before the
    next); ``progress`` as in :func:`parse_files`. No input files: :class:`InputError`."""
    if isinstance(paths, str | PathLike):
        paths = [paths]
    todo = [Path(p) for p in paths]
    if not todo:
        raise InputError("no input files")
    count = 0
    for i, p in enumerate(todo):
        if progress is not None:
            progress(i, len(todo), count, str(p))

        def bump(n: int, _i: int = i, _p: Path = p) -> None:
            nonlocal count
            count += n
            if progress is not None:
                progress(_i, len(todo), count, str(_p))

        label = (labels or {}).get(str(p))
        yield open_file(p, owner, format, on_record=bump, csv_mapping=csv_mapping, label=label)
    if progress is not None:
        progress(len(todo), len(todo), count, "")
