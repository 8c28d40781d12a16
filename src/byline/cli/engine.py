"""``byline train`` and ``byline evaluate``: the engine commands (thin shell over the library)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from byline.cli._common import JsonOption, ProgressBar, ProgressEngine, console, print_json, wants_progress

if TYPE_CHECKING:
    from byline.engines.base import Engine
    from byline.model import Disambiguator
    from byline.records import Signature

JSON_KEYS = (
    "b3_precision",
    "b3_recall",
    "b3_f1",
    "pairwise_f1",
    "blocks",
    "signatures",
    "seconds",
    "largest_block",
    "b3_by_block_size",
)


def _load_model(model_dir: Path | None) -> Disambiguator:
    from byline.model import Disambiguator

    if model_dir is not None:
        return Disambiguator.load(model_dir)
    from byline.train_default import load_default_model

    return load_default_model()


def _make_engine(
    name: str, spark_master: str | None, label: str = "disambiguate", expected_total: int = 0
) -> Engine | None:
    """None for the in-process local run; otherwise an engine from :func:`byline.engines.get_engine`.

    On a terminal the engine is wrapped to draw a progress bar (signatures clustered, with an ETA);
    the clusters are the same either way.
    """
    if name == "local":
        inner = None
    else:
        from byline._errors import EngineError

        try:
            from byline.engines import get_engine
        except ImportError as exc:
            raise EngineError(f"engine {name!r} is not available: {exc}") from None
        kwargs = {"master": spark_master} if spark_master else {}
        inner = get_engine(name, **kwargs)
    if not wants_progress():
        return inner
    return ProgressEngine(inner, ProgressBar(label, "signatures"), expected_total=expected_total)


def _load(files: list[Path], label: str) -> list[Signature]:
    """Labeled signatures of ``files``, with a bar over the files on a terminal."""
    from byline.ingest.signatures import load_signatures

    if len(files) < 2 or not wants_progress():
        return load_signatures(files)
    out = []
    with ProgressBar(label, "files", eta=False) as bar:
        for i, f in enumerate(files):
            bar(i, len(files))
            out.extend(load_signatures([f]))
        bar(len(files), len(files))
    return out


def train(
    files: Annotated[list[Path], typer.Argument(help="Labeled signature JSONL(.gz) files to train on.")],
    out: Annotated[Path, typer.Option("--out", help="Model folder to write.", file_okay=False)],
    dev: Annotated[
        list[Path] | None,
        typer.Option("--dev", help="Labeled files to choose the threshold on (repeatable)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
) -> None:
    """Train a disambiguation model and write it to a folder."""
    from byline.model import Disambiguator

    t0 = time.perf_counter()
    train_sigs = _load(files, "reading")
    dev_sigs = _load(dev, "reading dev") if dev else None
    model = Disambiguator(random_state=seed)
    model.training_info_ = {
        "source": "files",
        "train_files": [p.name for p in files],
        "dev_files": [p.name for p in dev or []],
    }
    if wants_progress():  # fit has no progress hook yet: a spinner with the elapsed time
        with ProgressBar(f"training on {len(train_sigs)} signatures", eta=False) as bar:
            bar(0, 0)
            model.fit(train_sigs, dev=dev_sigs)
    else:
        model.fit(train_sigs, dev=dev_sigs)
    model.save(out)
    typer.echo(
        f"trained on {len(train_sigs)} signatures ({model.n_train_pairs_} pairs); "
        f"threshold {model.threshold_:.3f} chosen on {model.threshold_source_}; "
        f"wrote {out} in {time.perf_counter() - t0:.1f}s"
    )


def evaluate(
    files: Annotated[list[Path], typer.Argument(help="Labeled signature JSONL(.gz) files.")],
    model_dir: Annotated[
        Path | None,
        typer.Option("--model", help="Model folder (default: the shipped model).", file_okay=False),
    ] = None,
    json_: JsonOption = False,
    engine: Annotated[str, typer.Option("--engine", help="Execution engine: local or spark.")] = "local",
    spark_master: Annotated[
        str | None,
        typer.Option("--spark-master", "--master", help="Spark master URL, e.g. spark://host:7077."),
    ] = None,
) -> None:
    """Disambiguate every block of labeled files from scratch and print metrics per dataset."""
    from byline._errors import InputError
    from byline.evaluate import evaluate as run_evaluate

    if engine not in ("local", "spark"):
        raise InputError(f"unknown engine {engine!r}; choose local or spark")
    sigs = _load(files, "reading")
    if not sigs:
        raise InputError("no signatures in the given files")
    model = _load_model(model_dir)
    eng = _make_engine(engine, spark_master, label="evaluate", expected_total=len(sigs))
    try:
        results = run_evaluate(sigs, model, engine=eng)
    finally:
        if eng is not None and hasattr(eng, "close"):
            eng.close()
    if json_:
        print_json({"datasets": {ds: {k: m[k] for k in JSON_KEYS} for ds, m in results.items()}})
        return
    from rich.table import Table

    table = Table(title="byline evaluate")
    for col in (
        "dataset",
        "B3 P",
        "B3 R",
        "B3 F1",
        "pairwise F1",
        "blocks",
        "signatures",
        "pairs",
        "seconds",
    ):
        table.add_column(col, justify="left" if col == "dataset" else "right")
    for ds, m in results.items():
        table.add_row(
            ds,
            f"{m['b3_precision']:.4f}",
            f"{m['b3_recall']:.4f}",
            f"{m['b3_f1']:.4f}",
            f"{m['pairwise_f1']:.4f}",
            str(m["blocks"]),
            str(m["signatures"]),
            str(m["pairs"]),
            f"{m['seconds']:.2f}",
        )
    console().print(table)


def register(app: typer.Typer) -> None:
    """Add ``train`` and ``evaluate`` to the ``byline`` command."""
    app.command("train")(train)
    app.command("evaluate")(evaluate)
