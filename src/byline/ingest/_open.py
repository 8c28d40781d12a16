"""Opening input files: plain or gzipped (by their magic bytes), with every read error an
:class:`~byline.InputError` naming the file; the decoded head of a file for format sniffing.

A leaf of the ingest package: the registry (``byline.ingest``) and the parsers import it, it imports none
of them.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import IO, Any

from byline._errors import InputError

_SNIFF_BYTES = 64 * 1024


def read_head(path: Path, size: int = _SNIFF_BYTES) -> str:
    """The first ``size`` bytes of a file as text, gunzipped if needed, for sniffing."""
    from byline.text import decode_bytes

    chunks: list[bytes] = []
    with open_binary(path) as fh:
        try:  # a truncated .gz still sniffs from what it has; nothing readable at all is an InputError
            while sum(map(len, chunks)) < size and (chunk := fh.read(min(8192, size))):
                chunks.append(chunk)
        except (OSError, EOFError) as exc:
            if not chunks:
                raise InputError(f"cannot read: {exc}", file=path) from None
    raw = b"".join(chunks)[:size]
    return decode_bytes(raw, file=path)[0]


def open_binary(path: Path) -> IO[bytes]:
    """``path`` opened for binary reading, gunzipped when it is gzip data."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 -- the open file is returned to the caller
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror}", file=path) from None
    if fh.read(2) == b"\x1f\x8b":
        fh.close()
        return _CheckedGzip(path)  # type: ignore[return-value]  # a GzipFile is a binary file
    fh.seek(0)
    return fh


def _checked(method: Any) -> Any:
    def read(self: Any, *args: Any) -> Any:
        try:
            return method(self, *args)
        except (OSError, EOFError) as exc:  # truncated or corrupt .gz: name the file, whoever reads it
            raise InputError(f"cannot read compressed data: {exc}", file=self.name) from None

    return read


class _CheckedGzip(gzip.GzipFile):
    """A gzip reader whose truncation and corruption errors are :class:`InputError` s naming the file."""

    def __init__(self, path: Path) -> None:
        super().__init__(filename=str(path), mode="rb")

    read = _checked(gzip.GzipFile.read)
    read1 = _checked(gzip.GzipFile.read1)
    readline = _checked(gzip.GzipFile.readline)
    peek = _checked(gzip.GzipFile.peek)
