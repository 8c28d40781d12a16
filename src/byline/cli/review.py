"""``byline review``: the review queue in the terminal (the web app's /review, from the same functions)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from byline.cli._common import DEFAULT_DB, DbOption, JsonOption, print_json

ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="Model folder (default: the shipped model).", file_okay=False),
]


def review(
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option("--limit", help="How many items.", min=1, max=10_000)] = 20,
    model: ModelOption = None,
    json_: JsonOption = False,
) -> None:
    """The assignments to check first: each work of a person against the person's most typical work, the
    least probable pair first. ``probability`` is the pair's same-person probability (what `byline explain
    A B` shows); ``fit`` is how well the work fits the whole person. Locked people are left out."""
    from byline import _store_access as sa
    from byline.people.review import review_queue

    items = review_queue(sa.open_store(db), sa.load_model(model), limit)
    if json_:
        print_json({"items": [it.to_dict() for it in items]})
        return
    if not items:
        typer.echo("nothing to review")
        return
    typer.echo("same-person probability, fit  work  person  (explain with: byline explain A B)")
    for it in items:
        title = it.title or it.abstract_start or "(untitled work)"
        typer.echo(
            f"{it.probability:5.2f} {it.fit:5.2f}  {it.work_id}  {title[:60]}\n"
            f"             in {it.person_id} ({it.person_name})  byline explain {it.explain_a} {it.explain_b}"
        )


def register(app: typer.Typer) -> None:
    app.command("review")(review)
