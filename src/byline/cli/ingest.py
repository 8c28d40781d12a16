"""``byline ingest``, ``byline works``, ``byline listings``: fill the store and look at what it holds."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from byline._errors import InputError, where
from byline.cli._common import DEFAULT_DB, DbOption, JsonOption, console, plural, print_json

if TYPE_CHECKING:
    from byline.store import Store
from byline.dedup import MERGE_REASON
from byline.records import Listing, Work

# Show a progress bar when the inputs are at least this big (and stderr is a terminal).
_PROGRESS_BYTES = 5 * 1024 * 1024


def _formats_help() -> str:
    from byline.ingest import FORMATS

    return "Input format: " + "|".join(FORMATS) + " (auto: detected from the file)."


@contextlib.contextmanager
def _progress(paths: list[Path]) -> Iterator[Any]:
    total = 0
    for p in paths:
        with contextlib.suppress(OSError):
            total += p.stat().st_size
    if not sys.stderr.isatty() or (total < _PROGRESS_BYTES and len(paths) < 20):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files · {task.fields[records]} records · {task.fields[current]}"),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=len(paths), records=0, current="")

        def update(files_done: int, files_total: int, records: int, current: str) -> None:
            bar.update(
                task,
                completed=files_done,
                records=records,
                current=Path(current).name if current else "writing to the store…",
            )

        yield update


def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Input files (listings, BibTeX, RIS, JSON, CSV, ...); '-' reads standard input."),
    ],
    owner: Annotated[
        str | None, typer.Option("--owner", help="Owner of the listing(s), when the page does not say it.")
    ] = None,
    format: Annotated[str, typer.Option("--format", help=_formats_help())] = "auto",
    csv_map: Annotated[
        str | None,
        typer.Option(
            "--csv-map",
            help="CSV column mapping: 'title=Document Title,authors=Authors,...' or a JSON file "
            '{"title": "Document Title", ...}. Fields: title, authors, year, venue, abstract, doi, keywords, ...',
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="All or nothing: an entry that cannot be read stops the ingest and nothing "
            "is stored (default: it is skipped and reported, and everything else is stored).",
        ),
    ] = False,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Parse the files and store their works (deduplicated) and listings, in one transaction.

    An entry that cannot be read is skipped and reported with its file and line (``--strict``: it stops the
    ingest); a file that cannot be read at all stops the ingest, and nothing is stored.
    """
    from byline.ingest._problems import collect_problems
    from byline.store import Store

    mapping = None
    if csv_map is not None:
        from byline.ingest.csv import read_mapping

        mapping = read_mapping(csv_map)  # checked before the store is opened
    existed = db.exists()
    with contextlib.ExitStack() as stack:
        paths, labels = _spool_stdin(paths, stack)
        try:
            with (
                collect_problems(strict=strict) as problems,
                Store(db) as store,
                _progress(paths) as progress,
            ):
                result = store.ingest(
                    paths, owner=owner, format=format, progress=progress, csv_mapping=mapping, labels=labels
                )
        except BaseException:
            if not existed:  # leave no empty store behind when the command failed
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        Path(f"{db}{suffix}").unlink()
            raise
    for problem in problems.items:
        typer.echo(
            f"byline: {'skipped' if problem.skipped else 'warning'}: "
            f"{where(problem.file, problem.line)}: {problem.message}",
            err=True,
        )
    typer.echo(f"ingested {result.summary()} into {db}")
    for file, fmt, n in result.formats:
        how = "detected" if format == "auto" else "as given"
        typer.echo(f"  {file}: read as {fmt} ({how}), {n} record(s)")
    if problems.items:
        typer.echo(
            f"{len(problems.skipped)} entr{'y' if len(problems.skipped) == 1 else 'ies'} skipped, "
            f"{len(problems.warnings)} warning(s) (listed above with file and line)",
            err=True,
        )


def _spool_stdin(paths: list[Path], stack: contextlib.ExitStack) -> tuple[list[Path], dict[str, str]]:
    """Paths with ``-`` replaced by a temporary copy of standard input (provenance still says ``-``)."""
    if not any(str(p) == "-" for p in paths):
        return paths, {}
    if sum(str(p) == "-" for p in paths) > 1:
        raise InputError("standard input ('-') can be read only once per ingest")
    import shutil
    import tempfile

    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="byline-stdin-")))
    spool = folder / "stdin"
    with open(spool, "wb") as out:
        shutil.copyfileobj(sys.stdin.buffer, out)
    return [spool if str(p) == "-" else p for p in paths], {str(spool): "-"}


def _open_existing(db: Path) -> Store:
    from byline.store import Store

    if not db.exists():
        raise InputError(f"no store at {db}: run `byline ingest ... --db {db}` first")
    return Store(db)


def work_json(w: Work) -> dict[str, Any]:
    """The JSON shape of a work printed by ``byline works --json`` (absent fields are left out)."""
    out: dict[str, Any] = {"id": w.id}
    if w.title:
        out["title"] = w.title
    if w.year is not None:
        out["year"] = w.year
    out["authors"] = [
        {
            "name": a.name,
            **({"orcid": a.orcid} if a.orcid else {}),
            **({"identity": a.identity} if a.identity else {}),
        }
        for a in w.authors
    ]
    if w.authors_truncated:
        out["authors_truncated"] = True
    out["ids"] = dict(w.ids)
    if w.venue:
        out["venue"] = w.venue
    if w.keywords:
        out["keywords"] = list(w.keywords)
    if w.abstract:
        out["abstract"] = w.abstract
    sources = []
    for r in w.records:
        src: dict[str, Any] = {"file": r.source.file, "line": r.source.line}
        if r.source.record is not None:
            src["record"] = r.source.record
        if r.extra.get(MERGE_REASON):  # why this record joined the work the earlier ones made
            src["merged_because"] = r.extra[MERGE_REASON]
        sources.append(src)
    out["sources"] = sources
    out["field_sources"] = {
        k: {"file": p.file, "line": p.line} for k, p in sorted(w.field_sources.items()) if "." not in k
    }
    return out


def _print_table(columns: tuple[str, ...], rows: Iterable[tuple[str, ...]], title: str) -> None:
    """A rich table on stdout (cells are rich markup: escape what comes from the data)."""
    from rich.table import Table

    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*row)
    console().print(table)  # piped: full width, never cut to 80 columns


def works(db: DbOption = DEFAULT_DB, json: JsonOption = False) -> None:
    """List the stored works (deduplicated papers) with their sources."""
    with _open_existing(db) as store:
        items = store.works()
    if json:
        print_json({"works": [work_json(w) for w in items]})
        return
    from rich.markup import escape

    def row(w: Work) -> tuple[str, ...]:
        if w.title:
            title = escape(w.title)
        else:
            title = f"[dim](abstract) {escape(w.abstract[:60])}…[/dim]" if w.abstract else "[dim]-[/dim]"
        authors = ", ".join(a.name for a in w.authors[:3]) + (
            " …" if len(w.authors) > 3 or w.authors_truncated else ""
        )
        return w.id, str(w.year or ""), title, escape(authors), str(len(w.records))

    _print_table(("id", "year", "title", "authors", "sources"), map(row, items), plural(len(items), "work"))


def listing_json(lst: Listing) -> dict[str, Any]:
    """A stored listing as ``byline listings --json`` prints it."""
    work_ids = [r.extra.get("work_id") for r in lst.records]
    return {
        "id": lst.id,
        "owner": lst.owner,
        "source": lst.source,
        "entries": len(lst.records),
        "works": list(dict.fromkeys(w for w in work_ids if w)),
    }


def listings(db: DbOption = DEFAULT_DB, json: JsonOption = False) -> None:
    """List the stored listings (claimed profiles: an owner and the works a page attributes to them)."""
    with _open_existing(db) as store:
        items = store.listings()
    if json:
        print_json({"listings": [listing_json(x) for x in items]})
        return
    from rich.markup import escape

    def row(x: Listing) -> tuple[str, ...]:
        d = listing_json(x)
        owner = escape(d["owner"]) if d["owner"] else "[dim]-[/dim]"
        return d["id"], owner, str(d["entries"]), str(len(d["works"])), escape(d["source"])

    _print_table(
        ("id", "owner", "entries", "works", "source"), map(row, items), plural(len(items), "listing")
    )


def register(app: typer.Typer) -> None:
    """Add ``ingest``, ``works`` and ``listings`` to the ``byline`` command."""
    app.command("ingest")(ingest)
    app.command("works")(works)
    app.command("listings")(listings)
