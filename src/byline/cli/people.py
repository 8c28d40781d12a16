"""People commands: disambiguate, people, person, audit, assign, explain, and curation
(merge, split, lock, unlock, claim, undo, history). A thin shell over :mod:`byline.people`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from byline.cli._common import DEFAULT_DB, DbOption, JsonOption, plural, print_json

if TYPE_CHECKING:  # pragma: no cover
    from byline.store import Store

ModelOption = Annotated[
    Path | None, typer.Option("--model", help="Model folder (default: the shipped model).", file_okay=False)
]
ByOption = Annotated[str, typer.Option("--by", help="Who makes this change (kept in the history).")]
WhyOption = Annotated[str, typer.Option("--why", help="Why (kept in the history).")]
WorksOption = Annotated[
    list[str], typer.Option("--works", help="Work ids (as in `byline works`); repeatable.")
]
PersonArg = Annotated[str, typer.Argument(help="Person id.")]


def _store(db: Path, *, read: bool = False) -> Store:
    """``read``: the command only reads (a store on a read-only file system is then opened read-only)."""
    from byline import _store_access as sa

    return sa.open_store(db, read=read)


def _model(path: Path | None) -> Any:
    from byline import _store_access as sa

    return sa.load_model(path)


def _event_json(ev: Any) -> dict[str, Any]:
    """A curation event as the curation commands' ``--json`` print it: ``id``, ``kind``, ``people`` (every
    person it names, its own first) and ``works`` (the works it names), with who, when, why and a sentence."""
    p = ev.payload
    named = [ev.person, *(p.get(k) for k in ("into", "from", "new_person", "source", "target"))]
    named += [v for v in (p.get("previous") or {}).values()] if isinstance(p.get("previous"), dict) else []
    people = list(dict.fromkeys(x for x in named if isinstance(x, str) and x))
    works = p.get("works")
    if not isinstance(works, list):
        sigs = [x for v in p.values() if isinstance(v, list) for x in v if isinstance(x, str) and "#" in x]
        works = sorted({x.split("#", 1)[0] for x in sigs})
    return {
        "id": ev.id,
        "kind": ev.kind,
        "people": people,
        "works": list(works),
        "who": ev.who,
        "at": ev.at,
        "why": ev.why,
        "description": ev.describe(),
    }


def _print_last_event(store: Store) -> None:
    """``--json`` of a curation command: the event it just created (the newest in the log)."""
    from byline.people import repo

    print_json(_event_json(repo.events(store.connection)[-1]))


def _works_arg(works: list[str]) -> list[str]:
    # accept both "--works W1 --works W2" and "--works W1,W2"
    return [w for item in works for w in item.replace(",", " ").split() if w]


def register(app: typer.Typer) -> None:
    @app.command()
    def disambiguate(
        db: DbOption = DEFAULT_DB,
        model: ModelOption = None,
        engine: Annotated[str, typer.Option("--engine", help="local or spark.")] = "local",
        spark_master: Annotated[
            str | None,
            typer.Option(
                "--spark-master",
                "--master",
                help="Spark master URL, e.g. spark://host:7077 (with --engine spark).",
            ),
        ] = None,
        json_: JsonOption = False,
    ) -> None:
        """Cluster every signature in the store into people with stable ids (replays curation)."""
        from byline.cli.engine import _make_engine
        from byline.people import disambiguate as run

        report = run(_store(db), _model(model), engine=_make_engine(engine, spark_master))
        if json_:
            print_json(report.to_dict())
            return
        typer.echo(
            f"run {report.run_id}: {report.signatures} signatures in {report.blocks} blocks -> "
            f"{report.people} people ({report.continued} kept their id, {report.new} new, "
            f"{len(report.redirected)} merged away) in {report.seconds:.1f}s"
        )
        for old, new in sorted(report.redirected.items()):
            typer.echo(f"  {old} -> {new} (redirect)")

    @app.command()
    def people(
        db: DbOption = DEFAULT_DB,
        name: Annotated[
            str | None, typer.Option("--name", help="Only people whose name is compatible.")
        ] = None,
        json_: JsonOption = False,
    ) -> None:
        """List people (biggest first), optionally by name."""
        from byline.people import list_people

        rows = list_people(_store(db, read=True), name)
        if json_:
            print_json(
                {
                    "people": [
                        {
                            "id": p.id,
                            "name": p.name,
                            "work_ids": p.work_ids,
                            "n_works": len(p.work_ids),
                            "signature_ids": p.signature_ids,
                            "block": p.block,
                            "locked": p.locked,
                        }
                        for p in rows
                    ]
                }
            )
            return
        if not rows:
            typer.echo(
                "no people"
                + (f" named like {name!r}" if name else "")
                + " (did you run `byline disambiguate`?)"
            )
            return
        for p in rows:
            lock = " [locked]" if p.locked else ""
            typer.echo(f"{p.id}  {p.name}{lock}  {plural(len(p.work_ids), 'work')}")

    @app.command()
    def person(
        person_id: Annotated[str, typer.Argument(help="Person id (retired ids are followed).")],
        db: DbOption = DEFAULT_DB,
        json_: JsonOption = False,
        export: Annotated[
            str | None, typer.Option("--export", help="json (OpenAlex-shaped), csv, bib or parquet.")
        ] = None,
        out: Annotated[Path | None, typer.Option("--out", help="Export file.", dir_okay=False)] = None,
    ) -> None:
        """One person's profile: works, name variants, coauthors, affiliations, years, topics."""
        from byline._errors import InputError
        from byline.people import profile
        from byline.people.views import export_details, work_label
        from byline.profiles import export as do_export
        from byline.profiles import to_openalex

        store = _store(db, read=True)
        prof, retired = profile(store, person_id)
        if export:
            if out is None:
                raise InputError("--export needs --out FILE")
            path = do_export(prof, export, out, {prof.id: retired}, export_details(store, prof))
            typer.echo(f"wrote {path}")
            return
        if json_:
            d = prof.to_dict()
            d["redirects_from"] = retired
            d["openalex"] = to_openalex(prof, retired)
            print_json(d)
            return
        if prof.id != person_id:
            typer.echo(f"({person_id} was merged into {prof.id})")
        lock = " [locked]" if prof.locked else ""
        typer.echo(f"{prof.id}  {prof.name}{lock}  {plural(len(prof.works), 'work')}")
        if len(prof.name_variants) > 1:
            typer.echo("  printed as: " + ", ".join(f"{n} ({c})" for n, c in prof.name_variants))
        if prof.years:
            typer.echo("  years: " + ", ".join(f"{y}: {c}" for y, c in prof.years))
        if prof.coauthors:
            typer.echo("  coauthors: " + ", ".join(f"{n} ({c})" for n, c in prof.coauthors[:10]))
        if prof.affiliations:
            typer.echo("  affiliations: " + "; ".join(f"{n} ({c})" for n, c in prof.affiliations[:5]))
        if prof.topics:
            typer.echo("  topics: " + ", ".join(t for t, _ in prof.topics))
        for w in prof.works:
            label = work_label(w.title, w.abstract)
            imp = "  [implicit owner]" if w.implicit else ""
            # the signature id (work id # author position) is what `byline explain` takes
            typer.echo(f"  {w.signature_id}  {w.year or '----'}  {label[:90]}{imp}")

    @app.command()
    def audit(
        listing: Annotated[str, typer.Argument(help="A listing file, a stored listing id, or a person id.")],
        owner: Annotated[str | None, typer.Option("--owner", help="The listing's owner.")] = None,
        db: DbOption = DEFAULT_DB,
        model: ModelOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Rank a listing's works by the probability that they are NOT the owner's, with evidence."""
        from byline.people import audit as run

        store = _store(db, read=True)
        report = run(store, listing, _model(model), owner=owner)
        if json_:
            print_json(report.to_dict())
            return
        typer.echo(
            f"audit of {report.source or listing} -- owner {report.owner}: {plural(len(report.works), 'work')}, "
            "most suspicious first"
        )
        if Path(listing).is_file() and report.source not in {x.id for x in store.listings()}:
            typer.echo("(an audit reads: the file was not stored; `byline ingest FILE` stores it)")
        for it in report.works:
            title = it.label
            flag = "" if it.verdict == "consistent" else f"  [{it.verdict}]"
            typer.echo(f"{it.score:5.2f}  {it.work_id}  {title[:80]}{flag}")
            for e in it.evidence:
                typer.echo(f"         - {e}")

    @app.command()
    def assign(
        paths: Annotated[
            list[Path], typer.Argument(help="Files with new works.", exists=True, dir_okay=False)
        ],
        db: DbOption = DEFAULT_DB,
        owner: Annotated[str | None, typer.Option("--owner", help="Owner, for listing files.")] = None,
        model: ModelOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Ingest new works and place their signatures into existing people (only affected blocks)."""
        from byline.people import assign as run

        report = run(_store(db), paths, _model(model), owner=owner)
        if json_:
            print_json(report.to_dict())
            return
        typer.echo(
            f"run {report.run_id}: {report.new_signatures} new signatures in {len(report.blocks)} "
            f"blocks: {report.attached} joined existing people, {plural(report.new_people, 'new person', 'new people')} "
            f"({report.seconds:.1f}s)"
        )

    @app.command()
    def explain(
        sig_a: Annotated[str, typer.Argument(help="Signature id (<work id>#<position>).")],
        sig_b: Annotated[str, typer.Argument(help="Signature id.")],
        db: DbOption = DEFAULT_DB,
        model: ModelOption = None,
        json_: JsonOption = False,
    ) -> None:
        """Why two signatures are (or are not) the same person: features, contributions, curation."""
        from byline.people.views import explain as run

        card = run(_store(db, read=True), sig_a, sig_b, _model(model))
        if json_:
            print_json(card.to_dict())
            return
        typer.echo(card.render())

    @app.command()
    def merge(
        p1: Annotated[str, typer.Argument(help="Surviving person id.")],
        p2: Annotated[str, typer.Argument(help="Person merged into P1 (its id then redirects).")],
        db: DbOption = DEFAULT_DB,
        by: ByOption = "",
        why: WhyOption = "",
        json_: JsonOption = False,
    ) -> None:
        """Merge P2 into P1 (recorded; replayed on every later run)."""
        from byline.people import merge as run

        store = _store(db)
        survivor = run(store, p1, p2, who=by, why=why)
        if json_:
            _print_last_event(store)
            return
        typer.echo(f"merged {p2} into {survivor}; {p2} now redirects to {survivor}")

    @app.command()
    def split(
        person_id: PersonArg,
        works: WorksOption,
        db: DbOption = DEFAULT_DB,
        by: ByOption = "",
        why: WhyOption = "",
        json_: JsonOption = False,
    ) -> None:
        """Move a person's signatures on the given works to a new person, kept apart from then on."""
        from byline.people import split as run

        store = _store(db)
        new = run(store, person_id, _works_arg(works), who=by, why=why)
        if json_:
            _print_last_event(store)
            return
        typer.echo(f"split {person_id}: the given works now belong to new person {new}")

    @app.command()
    def lock(
        person_id: PersonArg,
        db: DbOption = DEFAULT_DB,
        by: ByOption = "",
        why: WhyOption = "",
        json_: JsonOption = False,
    ) -> None:
        """Freeze a person's membership against later model runs (locking a locked person changes nothing)."""
        from byline.people import lock as run
        from byline.people.curate import lock_event

        store = _store(db)
        p = run(store, person_id, who=by, why=why)
        if json_:
            held = lock_event(store, p)
            print_json(_event_json(held) if held is not None else None)
            return
        typer.echo(f"locked {p}")

    @app.command()
    def unlock(
        person_id: PersonArg,
        db: DbOption = DEFAULT_DB,
        by: ByOption = "",
        why: WhyOption = "",
        json_: JsonOption = False,
    ) -> None:
        """Lift the locks on a person (recorded; the lock events stay in the history)."""
        from byline.people import unlock as run

        store = _store(db)
        p = run(store, person_id, who=by, why=why)
        if json_:
            _print_last_event(store)
            return
        typer.echo(f"unlocked {p}")

    @app.command()
    def undo(
        event_id: Annotated[int, typer.Argument(help="Curation event id (see `byline history PERSON`).")],
        db: DbOption = DEFAULT_DB,
        by: ByOption = "",
        why: WhyOption = "",
        json_: JsonOption = False,
    ) -> None:
        """Revert one curation event: appends an undo event, applied at once and on every later run."""
        from byline.people import undo as run

        ev = run(_store(db), event_id, who=by, why=why)
        if json_:
            print_json(_event_json(ev))
            return
        typer.echo(f"event #{ev.id}: undid event #{event_id}")

    @app.command()
    def claim(
        person_id: PersonArg,
        works: WorksOption,
        db: DbOption = DEFAULT_DB,
        by: ByOption = "",
        why: WhyOption = "",
        json_: JsonOption = False,
    ) -> None:
        """Attach the given works' matching signatures to a person."""
        from byline.people import claim as run

        store = _store(db)
        p = run(store, person_id, _works_arg(works), who=by, why=why)
        if json_:
            _print_last_event(store)
            return
        typer.echo(f"claimed {len(_works_arg(works))} work(s) for {p}")

    @app.command()
    def history(
        person_id: PersonArg,
        db: DbOption = DEFAULT_DB,
        json_: JsonOption = False,
    ) -> None:
        """Curation events about a person."""
        from byline.people import history as run

        events = run(_store(db, read=True), person_id)
        from byline.curation import event_log

        undone = {i: e.id for e in events for i in e.reverts()}
        if json_:
            print_json({"events": event_log(events)})
            return
        if not events:
            typer.echo(f"no curation events for {person_id}")
        for e in events:
            mark = f"  [undone by #{undone[e.id]}]" if e.id in undone else ""
            typer.echo(f"#{e.id}  {e.at}  {e.summary()}{mark}")
