"""BibTeX: one record per entry, with the line the entry starts on.

bibtexparser (v2) splits the file into blocks; byline resolves ``@string`` macros itself (case-insensitive
names, ``#`` concatenation, macro chains, month macros), then decodes LaTeX (``{\\"u}`` → ``ü``).
Entries may use braces or parentheses, and a comma-first layout. Large files stream in pieces cut at ``@`` lines (macros are resolved
across pieces).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import bibtexparser
from bibtexparser import model as bibmodel
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

from byline._errors import InputError
from byline.ingest._common import clean, clean_name, given_surname, iter_lines, make_record
from byline.ingest._problems import quote, report
from byline.records import Author, Record
from byline.text import strip_latex

NAME = "bibtex"

_ENTRY = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(]", re.M)
_KNOWN = {
    "article",
    "book",
    "booklet",
    "inbook",
    "incollection",
    "inproceedings",
    "conference",
    "manual",
    "mastersthesis",
    "phdthesis",
    "misc",
    "techreport",
    "unpublished",
    "online",
    "report",
    "thesis",
    "string",
    "preamble",
    "comment",
    "proceedings",
    "collection",
    "dataset",
    "software",
    "patent",
    "electronic",
}
_VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "series", "school", "institution", "publisher")
_MONTHS = {
    m[:3]: m
    for m in (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    )
}


def sniff(head: str, path: Path) -> float:
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped[:1] in "[{<":
        return 0.0
    types = [m.group(1).lower() for m in _ENTRY.finditer(head)]
    if not types:
        return 0.0
    if any(t in _KNOWN for t in types):
        return 0.95
    return 0.6 if path.suffix.lower() == ".bib" else 0.4


# ------------------------------------------------------------------------------------------------
# @string resolution


def _split_concat(raw: str) -> list[str]:
    """Split a raw BibTeX value on top-level ``#``."""
    if "#" not in raw:
        return [raw]
    parts: list[str] = []
    buf: list[str] = []
    depth, in_quote = 0, False
    for ch in raw:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch == '"' and depth == 0:
            in_quote = not in_quote
        elif ch == "#" and depth == 0 and not in_quote:
            parts.append("".join(buf))
            buf = []
            continue
        buf.append(ch)
    parts.append("".join(buf))
    return parts


_BARE_WORD = re.compile(r"[A-Za-z][\w\-:.+/']*")


def _resolve(raw: str, macros: dict[str, str], undefined: list[str] | None = None) -> str:
    """A raw value with its ``#`` parts joined and ``@string`` macros replaced.

    A bare word that names no macro is an undefined macro: it is left out (never made text, never an
    author name) and, when ``undefined`` is given, added to it so the caller can warn.
    """
    out = []
    for tok in _split_concat(raw):
        t = tok.strip()
        if len(t) >= 2 and ((t[0] == "{" and t[-1] == "}") or (t[0] == '"' and t[-1] == '"')):
            out.append(t[1:-1])
        elif t.isdigit():
            out.append(t)
        elif t.lower() in macros:
            out.append(macros[t.lower()])
        elif t.lower()[:3] in _MONTHS and len(t) == 3:
            out.append(_MONTHS[t.lower()].capitalize())
        elif undefined is not None and _BARE_WORD.fullmatch(t):
            undefined.append(t)
        else:
            out.append(t)
    return "".join(out)


# ------------------------------------------------------------------------------------------------
# names


def _author(raw_name: str) -> Author | None:
    name = _author_name(raw_name.strip())
    return Author(name=name) if name else None


@functools.lru_cache(maxsize=65536)  # bibliographies repeat their authors: parse each spelling once
def _author_name(name: str) -> str | None:
    """The display name (``Given von Family, Jr``) of one BibTeX name, LaTeX decoded and repaired."""
    if not name:
        return None
    if name.startswith("{") and name.endswith("}") and name.count("{") == 1:
        return clean(strip_latex(name[1:-1]))  # corporate author: {Barnes and Noble, Inc.}
    try:
        p = parse_single_name_into_parts(name, strict=False)
    except Exception:
        return clean(strip_latex(name))

    def part(xs: list[str]) -> str | None:
        return strip_latex(" ".join(xs)) if xs else None

    full = given_surname(part(p.first), part(p.last), particle=part(p.von), suffix=part(p.jr))
    return clean_name(full or strip_latex(name))


def _authors(value: str | None) -> list[Author | None]:
    if not value or not value.strip():
        return []
    value = " ".join(value.split())
    value = re.sub(r"^(?:and\s+)+|(?:\s+and)+$", "", value)  # "Harvey and " # UNDEFINED: no empty name
    if not value:
        return []
    truncated = False
    names = split_multiple_persons_names(value)
    if names and names[-1].strip().lower() == "others":
        names, truncated = names[:-1], True
    out = [_author(n) for n in names]
    if truncated:
        out.append(None)  # marker consumed by the caller
    return out


def _keywords(value: str | None) -> list[str]:
    if not value:
        return []
    sep = ";" if ";" in value else ","
    return [k for k in (strip_latex(x.strip()) for x in value.split(sep)) if k]


# ------------------------------------------------------------------------------------------------


CHUNK_LINES = 20000
_BLOCK_START = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]")


def _chunks(path: Path) -> Iterator[tuple[int, str]]:
    """``(first line number, text)`` pieces of the file, cut only where a line starts a new ``@`` block.

    byline resolves ``@string`` macros itself, so the pieces can be parsed one at a time: a large file
    streams instead of being handed to bibtexparser whole.
    """
    buf: list[str] = []
    first = 1
    for n, line in iter_lines(path):
        if len(buf) >= CHUNK_LINES and _BLOCK_START.match(line):
            yield first, "\n".join(buf) + "\n"
            buf, first = [], n
        buf.append(line)
    if buf:
        yield first, "\n".join(buf) + "\n"


# ``@article{`` directly followed by a field (EndNote exports write entries without a citation key)
_NO_KEY = re.compile(
    r"(^[ \t]*@[ \t]*(?!(?:string|preamble|comment)\b)[A-Za-z]+[ \t]*[{(])(?=\s*[A-Za-z][\w\-:.]*[ \t]*=)",
    re.M | re.I,
)
_NO_KEY_PREFIX = "byline-no-key-"


def _add_missing_keys(text: str) -> str:
    """Give every keyless entry a placeholder key (on the same line, so line numbers stay right)."""
    if "=" not in text:
        return text
    return _NO_KEY.sub(lambda m: f"{m.group(1)}{_NO_KEY_PREFIX}{m.start()},", text)


def _failure(block: bibmodel.ParsingFailedBlock) -> str:
    lines = [ln.strip() for ln in str(block.error or "").splitlines() if ln.strip()]
    return quote(lines[-1]) if lines else "syntax error (an entry or value that is never closed?)"


def parse(path: Path) -> Iterator[Record]:
    """Every entry that parses, in file order. An entry that does not parse is reported and skipped
    (:func:`byline.ingest._problems.report`); duplicate keys and duplicate fields are kept with a warning."""
    path = Path(path)
    macros: dict[str, str] = {}
    keys: dict[str, int] = {}  # citation key -> line of its first entry
    found_entry, blank, failed = False, True, 0
    xref = _CrossRefs(path)
    for first, text in _chunks(path):
        if text.strip():
            blank = False
        else:
            continue
        log = logging.getLogger("bibtexparser")
        level = log.level
        log.setLevel(logging.CRITICAL)  # its messages repeat what byline reports itself
        try:
            lib = bibtexparser.parse_string(_add_missing_keys(text), parse_stack=[])
        except Exception as exc:  # bibtexparser raises assorted errors on pathological input
            raise InputError(f"not readable as BibTeX: {quote(exc)}", file=path, line=first) from None
        finally:
            log.setLevel(level)
        for parsed in lib.blocks:
            line = first + (parsed.start_line or 0)
            block: bibmodel.Block | None = parsed
            if isinstance(parsed, bibmodel.DuplicateFieldKeyBlock):
                block = parsed.ignore_error_block
                fields = block.fields if isinstance(block, bibmodel.Entry) else []
                dups = sorted(
                    {f.key.lower() for f in fields if sum(g.key.lower() == f.key.lower() for g in fields) > 1}
                )
                report(
                    f"duplicate field(s) {', '.join(dups)} in one entry; the first value of each is kept",
                    file=path,
                    line=line,
                    skipped=False,
                )
            elif isinstance(parsed, bibmodel.DuplicateBlockKeyBlock):
                block = parsed.ignore_error_block
            elif isinstance(parsed, bibmodel.ParsingFailedBlock):
                failed += 1
                report(f"BibTeX entry does not parse: {_failure(parsed)}", file=path, line=line, skipped=True)
                continue
            if isinstance(block, bibmodel.String):
                macros[block.key.lower()] = _resolve(str(block.value), macros)
            elif isinstance(block, bibmodel.Entry):
                found_entry = True
                if block.key.startswith(_NO_KEY_PREFIX):
                    block.key = ""
                elif block.key in keys:
                    report(
                        f"duplicate citation key {quote(block.key)} (first used on line {keys[block.key]}); "
                        "both entries are kept",
                        file=path,
                        line=line,
                        skipped=False,
                    )
                else:
                    keys[block.key] = line
                yield from xref.add(_Entry.read(path, block, macros, line))
    yield from xref.finish()
    if blank:
        raise InputError("file is empty", file=path)
    if not found_entry:  # nothing readable at all: the wrong file (or format), not one bad entry
        raise InputError(
            "no BibTeX entries found" if not failed else f"no BibTeX entry parses ({failed} tried)", file=path
        )


@dataclass(slots=True)
class _Entry:
    """One entry's resolved fields (lower-case names) and the line of each."""

    type: str
    key: str
    line: int
    fields: dict[str, str]
    lines: dict[str, int]

    @classmethod
    def read(cls, path: Path, entry: bibmodel.Entry, macros: dict[str, str], line: int) -> _Entry:
        fields: dict[str, str] = {}
        lines: dict[str, int] = {}
        for f in entry.fields:
            k = f.key.lower().strip()
            if k not in fields:
                undefined: list[str] = []
                fields[k] = _resolve(str(f.value), macros, undefined)
                if f.start_line is not None:
                    lines[k] = line - (entry.start_line or 0) + f.start_line
                if undefined:
                    report(
                        f"undefined macro(s) {', '.join(undefined)} in field {k!r}; left out",
                        file=path,
                        line=lines.get(k, line),
                        skipped=False,
                    )
        return cls(entry.entry_type.lower(), entry.key, line, fields, lines)


# Entry types that are cross-referenced parents; their fields are kept for later children.
_PARENT_TYPES = frozenset(
    {
        "proceedings",
        "book",
        "collection",
        "mvbook",
        "mvproceedings",
        "mvcollection",
        "reference",
        "periodical",
    }
)
_NOT_INHERITED = frozenset({"crossref", "key", "ids", "xdata", "entryset", "label"})


class _CrossRefs:
    """Follows ``crossref``: a child takes every field it lacks from its parent entry in the same file
    (the parent's ``title`` becomes the child's ``booktitle``). A child seen before its parent (BibTeX's
    order) waits for it; a parent that never comes is reported and the child read as it is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.parents: dict[str, _Entry] = {}  # lower-case key -> parent-like entry
        self.waiting: dict[str, list[_Entry]] = {}  # parent key -> children read before it

    def add(self, e: _Entry) -> Iterator[Record]:
        k = e.key.lower()
        if e.type in _PARENT_TYPES or k in self.waiting:
            self.parents[k] = e
        parent_key = e.fields.get("crossref", "").strip().lower()
        if parent_key and parent_key not in self.parents:
            self.waiting.setdefault(parent_key, []).append(e)
        else:
            yield _record(self.path, self._inherit(e))
        for child in self.waiting.pop(k, []):
            yield _record(self.path, self._inherit(child))

    def _inherit(self, e: _Entry) -> _Entry:
        parent = self.parents.get(e.fields.get("crossref", "").strip().lower())
        if parent is None:
            return e
        fields, lines = dict(e.fields), dict(e.lines)
        for name, value in parent.fields.items():
            target = "booktitle" if name == "title" else name
            if name in _NOT_INHERITED or not value.strip() or fields.get(target, "").strip():
                continue
            fields[target] = value
            if name in parent.lines:
                lines[target] = parent.lines[name]
        return _Entry(e.type, e.key, e.line, fields, lines)

    def finish(self) -> Iterator[Record]:
        for key, children in self.waiting.items():
            for child in children:
                report(
                    f"crossref {key!r} names no entry of this file; read without it",
                    file=self.path,
                    line=child.lines.get("crossref", child.line),
                    skipped=False,
                )
                yield _record(self.path, child)
        self.waiting.clear()


def _record(path: Path, e: _Entry) -> Record:
    fields, lines, line = e.fields, e.lines, e.line

    def line_of(*names: str) -> int | None:
        return next((lines[n] for n in names if n in lines and fields.get(n, "").strip()), None)

    def get(*names: str) -> str | None:
        for n in names:
            if fields.get(n, "").strip():
                return strip_latex(fields[n])
        return None

    authors = _authors(fields.get("author"))
    truncated = bool(authors) and authors[-1] is None
    ids: dict[str, str | None] = {"doi": fields.get("doi")}
    eprint = fields.get("eprint")
    if eprint and (
        (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower() == "arxiv"
        or re.fullmatch(r"\s*\d{4}\.\d{4,5}(v\d+)?\s*", eprint)
    ):
        ids["arxiv"] = eprint
    url = fields.get("url") or ""
    if "arxiv.org" in url and "arxiv" not in ids:
        ids["arxiv"] = url
    if not ids["doi"] and "doi.org/" in url:
        ids["doi"] = url
    for k in ("pmid", "isbn"):
        if fields.get(k):
            ids[k] = fields[k]
    year = get("year") or get("date")
    title = get("title")
    subtitle = get("subtitle")
    if subtitle:  # biblatex: "Title: Subtitle"
        title = f"{title}{' ' if title[-1:] in '.:?!' else ': '}{subtitle}" if title else subtitle
    return make_record(
        path,
        NAME,
        line=line,
        key=e.key or None,
        title=title,
        authors=[a for a in authors if a is not None],
        authors_truncated=truncated,
        year=year,
        venue=get(*_VENUE_FIELDS),
        abstract=get("abstract"),
        keywords=_keywords(fields.get("keywords")),
        ids=ids,
        extra={
            "type": e.type,
            "key": clean(e.key) or None,
            **({"volume": vol} if (vol := clean(get("volume"))) else {}),
        },
        field_lines={
            "title": line_of("title", "subtitle"),
            "authors": line_of("author"),
            "year": line_of("year", "date"),
            "venue": line_of(*_VENUE_FIELDS),
            "abstract": line_of("abstract"),
            "keywords": line_of("keywords"),
            "ids": line_of("doi", "eprint"),
        },
    )
