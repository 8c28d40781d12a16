"""Execution engines: where the per-block step runs. Same input, same clusters, whatever the engine.

``get_engine("local")`` (default; this machine) or ``get_engine("spark", master="local[2]")``
(``pip install 'byline[spark]'``; pyspark imported only then). Each engine implements one primitive,
:meth:`Engine.map_blocks`.
"""

from __future__ import annotations

from typing import Any

from byline._errors import EngineError
from byline.engines.base import Engine
from byline.engines.local import LocalEngine

ENGINES = ("local", "spark")

__all__ = ["ENGINES", "Engine", "EngineError", "LocalEngine", "get_engine"]


def get_engine(name: str | Engine | None = "local", **opts: Any) -> Engine:
    """An engine by name (``local`` or ``spark``); options go to its constructor.

    ``spark`` accepts ``master`` (e.g. ``local[2]``, ``spark://host:7077``), ``conf``, ``partitions``;
    ``local`` accepts ``workers``, ``min_parallel``, ``batch_signatures``. An Engine passes through.
    """
    if isinstance(name, Engine):
        return name
    key = (name or "local").strip().lower()
    if key == "local":
        try:
            return LocalEngine(**opts)
        except TypeError as exc:
            raise EngineError(f"local engine: {exc}") from exc
    if key == "spark":
        from byline.engines.spark import SparkEngine, _require_pyspark

        _require_pyspark()
        opts = {("master" if k == "spark_master" else k): v for k, v in opts.items()}
        try:
            return SparkEngine(**opts)
        except TypeError as exc:
            raise EngineError(f"spark engine: {exc}") from exc
    raise EngineError(f"unknown engine {name!r}; choose one of {', '.join(ENGINES)}")
