"""Helpers shared by the standard-format parsers: opening and decoding files, identifiers, years, names.

Everything text-valued that a parser emits goes through :func:`byline.text.repair` here.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from byline._errors import InputError
from byline.ingest._open import open_binary, read_head
from byline.records import Author, Provenance, Record
from byline.text import decode_bytes, repair

# Files up to this size (on disk) are decoded whole with the full fallback chain; larger ones stream
# with the encoding detected from their first bytes.
WHOLE_FILE_LIMIT = 8 * 1024 * 1024
HEAD_BYTES = 64 * 1024


def _open_binary(path: Path) -> IO[bytes]:
    return open_binary(path)


def read_text(path: Path) -> str:
    """The whole file as text (gunzipped, decoded, newlines normalized to ``\\n``)."""
    with _open_binary(path) as fh:
        try:
            raw = fh.read()
        except (OSError, EOFError) as exc:
            raise InputError(f"cannot read: {exc}", file=path) from None
    text, _ = decode_bytes(raw, file=path)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def open_text(path: Path) -> IO[str]:
    """A text stream over the file with universal newlines; small files are decoded whole.

    Large files stream with the encoding of their first 64 KiB (undecodable bytes later on become U+FFFD).
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror}", file=path) from None
    fh = _open_binary(path)
    compressed = not isinstance(fh, io.BufferedReader)
    if size <= (WHOLE_FILE_LIMIT // 8 if compressed else WHOLE_FILE_LIMIT):
        fh.close()
        return io.StringIO(read_text(path), newline=None)
    try:
        head = fh.read(HEAD_BYTES)
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read: {exc}", file=path) from None
    _, enc = decode_bytes(head, file=path)
    if hasattr(fh, "seek"):
        fh.seek(0)
    if enc == "utf-8":
        enc = "utf-8-sig"
    elif enc.startswith(("utf-16", "utf-32")):
        enc = enc[:6]  # let the codec read the byte-order mark itself
    return io.TextIOWrapper(fh, encoding=enc, errors="replace", newline=None)  # type: ignore[arg-type]


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(1-based line number, line without newline)`` pairs, streaming."""
    with open_text(path) as fh:
        try:
            for n, line in enumerate(fh, 1):
                yield n, line.rstrip("\n")
        except (OSError, EOFError) as exc:  # e.g. a truncated .gz
            raise InputError(f"cannot read: {exc}", file=path) from None


def read_nonempty_text(path: Path) -> str:
    """:func:`read_text`, refusing a file with nothing but white space (:class:`InputError` "file is empty")."""
    text = read_text(path)
    if not text.strip():
        raise InputError("file is empty", file=path)
    return text


def load_json(path: Path, text: str | None = None) -> Any:
    """Parse a whole JSON document; a syntax error names file and line."""
    if text is None:
        text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg} (column {exc.colno})", file=path, line=exc.lineno
        ) from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", file=path) from None


def iter_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """``(line number, object)`` for each non-blank line of a JSON-lines file, streaming.

    A line that is not JSON is reported and skipped (:func:`byline.ingest._problems.report`); a file where no
    line is JSON raises :class:`InputError`.
    """
    from byline.ingest._problems import report

    good = 0
    pending: list[tuple[int, str]] = []  # bad lines before the first good one: reported once one is good
    for n, line in iter_lines(path):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            pending.append((n, f"invalid JSON line: {exc.msg} (column {exc.colno})"))
        except RecursionError:
            pending.append((n, "invalid JSON line: nested too deeply"))
        else:
            good += 1
            yield n, obj
        if good and pending:
            for bad_line, msg in pending:
                report(msg, file=path, line=bad_line, skipped=True)
            pending.clear()
    if not good and pending:
        raise InputError(pending[0][1], file=path, line=pending[0][0])


def head_text(path: Path) -> str:
    """The decoded first 64 KiB (for deciding how to read a file before reading it)."""
    return read_head(path)


def is_multiline_jsonl(head: str) -> bool:
    """JSON lines with at least two objects (a one-line file is read as a plain JSON document)."""
    s = head.lstrip("\ufeff \t\r\n")
    return looks_like_jsonl(s) and "\n{" in s.rstrip()


def looks_like_jsonl(head: str) -> bool:
    """True when the first two non-blank lines each start a JSON object and the first one closes."""
    lines = [ln.strip() for ln in head.splitlines() if ln.strip()][:2]
    if not lines or not all(ln.startswith("{") for ln in lines):
        return False
    try:
        json.loads(lines[0])
    except ValueError:
        return False
    return True


# ------------------------------------------------------------------------------------------------
# field normalizers

_DOI = re.compile(r"10\.\d{3,9}/\S+")


def norm_doi(value: Any) -> str | None:
    """``https://doi.org/10.1/ABC`` / ``doi:10.1/abc`` → ``10.1/abc``; ``None`` when there is no DOI."""
    if not isinstance(value, str) or not value.strip():
        return None
    s = repair(value) or ""
    m = _DOI.search(s)
    if not m:
        return None
    return m.group().rstrip(".,;").lower()


_ARXIV_NEW = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?!\d)")
_ARXIV_OLD = re.compile(r"([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")


def norm_arxiv(value: Any) -> str | None:
    """An arXiv id without version: ``http://arxiv.org/abs/1611.09520v2`` → ``1611.09520``."""
    if value is None:
        return None
    s = str(value).strip()
    m = _ARXIV_NEW.search(s) or _ARXIV_OLD.search(s)
    return m.group(1) if m else None


_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dXx])")


def norm_orcid(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    m = _ORCID.search(value)
    return m.group(1).upper() if m else None


MIN_YEAR = 1400


def max_year() -> int:
    return date.today().year + 5


_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def parse_year(value: Any) -> int | None:
    """A plausible publication year from an int or a string like ``"2014//"`` / ``"1 Jan.-Feb. 2019"``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        value = int(value)
    if isinstance(value, int):
        return value if MIN_YEAR <= value <= max_year() else None
    if not isinstance(value, str):
        return None
    for m in _YEAR.finditer(value):
        y = int(m.group(1))
        if MIN_YEAR <= y <= max_year():
            return y
    return None


def clean(value: Any) -> str | None:
    """Repaired text, or ``None`` when empty / not text."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    out = repair(value)
    return out or None


class JoinedName(str):
    """A name already cleaned whose multi-word surname is joined by ``names.SURNAME_JOINER``: kept as is
    by :func:`clean_name` (cleaning would turn the joiner back into a plain space)."""

    __slots__ = ()


def _joined(given: str | None, family: str | None, suffix: str | None) -> str | None:
    from byline.names import SURNAME_JOINER, joined_name

    if not family:
        out = " ".join(p for p in (given, suffix) if p)
        return out or None
    name = joined_name(given or "", family, suffix or "")
    return JoinedName(name) if SURNAME_JOINER in name else name


def clean_name(value: Any) -> str | None:
    """:func:`clean` for an author name, keeping the surname joiner of a :class:`JoinedName`."""
    if isinstance(value, JoinedName):
        return str(value) or None
    return clean(value)


def given_surname(given: Any, family: Any, *, particle: Any = None, suffix: Any = None) -> str | None:
    """``"Given [particle] Family [suffix]"`` from separate parts (the one name order byline stores).

    The source's split is kept: a multi-word family is joined by ``names.SURNAME_JOINER`` where the plain
    string would be read with another surname (:func:`byline.names.joined_name`).
    """
    family_part = " ".join(p for p in (clean(particle), clean(family)) if p)
    return _joined(clean(given), family_part or None, clean(suffix))


_INITIALS_ONLY = re.compile(r"^[A-Z]{1,3}$")


def invert_name(s: str, *, expand_initials: bool = False) -> str:
    """``"Surname, Given"`` → ``"Given Surname"``; ``"Surname, Jr., Given"`` → ``"Given Surname Jr."``.

    ``expand_initials`` turns WoS-style run-together initials (``"PS"``) into ``"P. S."``.
    """
    parts = [p.strip() for p in s.split(",")]
    if len(parts) < 2 or not parts[0] or not parts[-1]:
        return s.strip().strip(",").strip()
    if len(parts) == 2:
        family, given, jr = parts[0], parts[1], ""
    else:
        family, jr, given = parts[0], parts[1], ", ".join(parts[2:])
    if expand_initials and _INITIALS_ONLY.match(given.replace(" ", "")) and " " not in given:
        given = " ".join(f"{c}." for c in given)
    if " " in family.strip() or " " in given.strip():  # keep the split the source gave (names.joined_name)
        return _joined(clean(given), clean(family), clean(jr)) or ""
    return " ".join(p for p in (given, family, jr) if p)


def make_author(
    name: Any, affiliations: Iterable[Any] = (), email: Any = None, orcid: Any = None
) -> Author | None:
    n = clean_name(name)
    if not n:
        return None
    affs = tuple(dict.fromkeys(a for a in (clean(x) for x in affiliations) if a))
    return Author(name=n, affiliations=affs, email=clean(email), orcid=norm_orcid(orcid))


def make_record(
    path: Path,
    fmt: str,
    *,
    line: int | None = None,
    key: str | None = None,
    title: Any = None,
    authors: Iterable[Author | None] = (),
    year: Any = None,
    venue: Any = None,
    abstract: Any = None,
    keywords: Iterable[Any] = (),
    ids: dict[str, Any] | None = None,
    authors_truncated: bool = False,
    extra: dict[str, Any] | None = None,
    field_lines: dict[str, int | None] | None = None,
) -> Record:
    """A :class:`Record` with every text field repaired, ids cleaned and the year checked.

    ``field_lines`` gives the line each record field (``title``, ``authors``, ``year``, ``venue``,
    ``abstract``, ``keywords``, ``ids``) was read from; lines other than ``line`` go to ``field_sources``.
    """
    clean_ids: dict[str, str] = {}
    for k, v in (ids or {}).items():
        if v is None:
            continue
        if k == "doi":
            v = norm_doi(v)
        elif k == "arxiv":
            v = norm_arxiv(v)
        else:
            v = clean(v)
        if v:
            clean_ids[k] = v
    kws = list(dict.fromkeys(k for k in (clean(x) for x in keywords) if k))
    rec_key = None if key is None else str(key)
    field_sources = {
        name: Provenance(file=str(path), line=ln, record=rec_key)
        for name, ln in (field_lines or {}).items()
        if ln is not None and ln != line
    }
    return Record(
        source=Provenance(file=str(path), line=line, record=rec_key),
        format=fmt,
        title=clean(title),
        authors=[a for a in authors if a is not None],
        year=parse_year(year),
        venue=clean(venue),
        abstract=clean(abstract),
        keywords=kws,
        ids=clean_ids,
        authors_truncated=authors_truncated,
        field_sources=field_sources,
        extra=extra or {},
    )


def undouble(names: list[str]) -> list[str]:
    """Undo an exporter that wrote the author list twice, where that is recognisable.

    IEEE RIS exports may print every author twice in a row (``A, A, B, B``), and some exporters write the
    whole list twice (``A, B, A, B``): only then is each name kept once. A name repeated next to itself
    among other names (``X. Wang, X. Wang, Y. Li``) is two namesakes and is kept twice.

    The rule is conservative: one name printed twice and nothing else (``A A``) is the IEEE export of a
    single-author paper and is read once, but one name printed more often (the same name a thousand times)
    is never cut -- nothing shows how many of them are real. Callers report what was dropped.
    """
    n = len(names)
    if n < 2 or n % 2:
        return names
    if len(set(names)) < 2:
        return names[:1] if n == 2 else names
    if all(names[i] == names[i + 1] for i in range(0, n, 2)):
        return names[0::2]
    if names[: n // 2] == names[n // 2 :]:
        return names[: n // 2]
    return names


def is_mapping(x: Any) -> bool:
    return isinstance(x, dict)


def as_list(x: Any) -> list[Any]:
    if x is None:
        return []
    return x if isinstance(x, list) else [x]
