"""Uploaded listings under limits: what the web audit reads before it scores anything.

An upload is untrusted and may be a bomb: a small gzip file that unpacks to gigabytes, or a file of a
million tiny entries. :func:`unpack` gunzips while streaming and stops at :data:`MAX_UNPACKED_BYTES`
(nested compression is refused); :func:`parse_upload` refuses more BibTeX entry starts than it could take before parsing (BibTeX
is parsed a run of entries at a time), and stops at :data:`MAX_UPLOAD_LINES` lines, at
:data:`MAX_UPLOAD_WORKS` + 1 records and at :data:`MAX_UPLOAD_PROBLEMS` skipped or suspicious
entries, whichever comes first, so neither memory nor time grows with what the file claims to hold.
Problems are summarized (one line per kind, with a count), never logged one by one.

Both run in a worker thread (the app calls them through ``run_in_threadpool``), at most
:data:`MAX_CONCURRENT_AUDITS` at a time.
"""

from __future__ import annotations

import logging
import re
import tempfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from byline._errors import InputError
from byline.records import Record

MAX_UNPACKED_BYTES = 8 * 1024 * 1024  # a gzip upload unpacks to at most this much (= the upload limit)
MAX_UPLOAD_LINES = 100_000  # a listing of MAX_UPLOAD_WORKS entries is far shorter
MAX_UPLOAD_WORKS = 500  # an uploaded listing is scored pairwise: bigger ones belong to `byline audit`
MAX_UPLOAD_PROBLEMS = 2_000  # skipped or suspicious entries before the upload is refused
MAX_CONCURRENT_AUDITS = 2  # audits running at once; more get 503 with Retry-After
GZIP_MAGIC = b"\x1f\x8b"
_BIBTEX_ENTRY = re.compile(rb"@[ \t]*[A-Za-z]+[ \t]*[{(]")  # where a BibTeX entry starts (emails never match)

_log = logging.getLogger("byline.server")


class UploadTooLarge(InputError):
    """The upload unpacks to more than the limit (HTTP 413)."""


def unpack(data: bytes, suffix: str, limit: int = MAX_UNPACKED_BYTES) -> tuple[bytes, str]:
    """``data`` gunzipped when it is gzip (every member), stopping as soon as the output passes ``limit``;
    the suffix loses its ``.gz``. Raises :class:`UploadTooLarge` past the limit and :class:`InputError`
    for corrupt or nested compression."""
    if not data.startswith(GZIP_MAGIC):
        return data, suffix
    out = bytearray()
    rest = data
    while rest:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        chunk = rest
        while chunk:
            try:
                piece = inflater.decompress(chunk, limit + 1 - len(out))
            except zlib.error as exc:
                raise InputError(f"upload: cannot read compressed data: {exc}") from None
            out += piece
            if len(out) > limit:
                raise UploadTooLarge(
                    f"upload: unpacks to more than {limit // (1024 * 1024)} MB; the web audit takes smaller "
                    "listings (use `byline audit` for bigger ones)"
                )
            chunk = inflater.unconsumed_tail
        if not inflater.eof:
            raise InputError("upload: the compressed data is truncated")
        rest = inflater.unused_data.lstrip(b"\0")
        if rest and not rest.startswith(GZIP_MAGIC):
            break  # trailing garbage after the last member, as gzip(1) tolerates
    if bytes(out[:2]) == GZIP_MAGIC:
        raise InputError("upload: compressed twice; upload the listing compressed at most once")
    return bytes(out), suffix[: -len(".gz")] if suffix.endswith(".gz") else suffix


class _BoundedProblems(list):  # type: ignore[type-arg]
    """A problem list that refuses to grow past its limit (a file of nothing but bad entries)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def append(self, item: Any) -> None:
        if len(self) >= self.limit:
            raise InputError(
                f"upload: more than {self.limit} entries skipped or suspicious; is this a listing of works?"
            )
        super().append(item)


@dataclass
class ParsedUpload:
    """What an upload holds: its records (at most :data:`MAX_UPLOAD_WORKS`), the owner it names, and its
    problems summarized (``"N x message"``, most frequent first)."""

    records: list[Record]
    owner: str | None
    problems: list[str] = field(default_factory=list)
    n_problems: int = 0


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_NUMBER = re.compile(r"\d+")


def _kind(message: str) -> str:
    """A message with its quotations and numbers blanked: what repeats of one kind of problem share."""
    return _NUMBER.sub("N", _QUOTED.sub("'…'", message.split(": ", 1)[-1]))


def summarize_problems(messages: list[str], top: int = 10) -> list[str]:
    """One line per kind of problem (:func:`_kind`), the most frequent first: ``"N x kind (first: ...)"``."""
    first: dict[str, str] = {}
    kinds: Counter[str] = Counter()
    for m in messages:
        k = _kind(m)
        kinds[k] += 1
        first.setdefault(k, m)
    return [f"{n} x {k} (first: {first[k]})" if n > 1 else first[k] for k, n in kinds.most_common(top)]


def parse_upload(
    data: bytes, suffix: str, owner: str | None, max_works: int = MAX_UPLOAD_WORKS
) -> ParsedUpload:
    """The records of an uploaded listing, under the limits of this module (see its doc). Error messages
    name the upload, never the temporary file."""
    from byline.ingest import collect_problems, format_module, load_listing, parse_records, resolve_format

    data, suffix = unpack(data, suffix)
    n_entries = len(_BIBTEX_ENTRY.findall(data))
    if n_entries > max_works + MAX_UPLOAD_PROBLEMS:  # BibTeX parses a run without blank lines at once
        raise InputError(
            f"upload: {n_entries} BibTeX entries; the web audit takes at most {max_works} works "
            "(use `byline audit` for bigger listings)"
        )
    n_lines = data.count(b"\n")
    if n_lines > MAX_UPLOAD_LINES:
        raise UploadTooLarge(
            f"upload: {n_lines} lines; the web audit takes at most {MAX_UPLOAD_LINES} "
            "(use `byline audit` for bigger listings)"
        )
    with tempfile.TemporaryDirectory(prefix="byline-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        del data
        try:
            with collect_problems() as sink:
                sink.items = _BoundedProblems(MAX_UPLOAD_PROBLEMS)
                fmt = resolve_format(path)
                if hasattr(format_module(fmt), "parse_listing"):
                    listing = load_listing(path, owner, format=fmt)
                    records, named = list(listing.records[: max_works + 1]), listing.owner
                else:
                    records, named = list(islice(parse_records(path, fmt), max_works + 1)), owner
        except InputError as exc:
            raise type(exc)(str(exc).replace(str(path), "upload")) from None
        messages = [str(p).replace(str(path), "upload") for p in sink.items]
    if len(records) > max_works:
        raise InputError(
            f"upload: the listing has more than {max_works} entries; the web audit takes at most "
            f"{max_works} (use `byline audit` for bigger ones)"
        )
    summary = summarize_problems(messages)
    if messages:
        _log.info("upload: %d problems (%s)", len(messages), "; ".join(summary[:3]))
    return ParsedUpload(records, owner or named, summary, len(messages))
