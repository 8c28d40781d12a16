"""Spark's Python daemon, with byline's per-block code imported once before it forks workers.

Used through ``spark.python.daemon.module``: every Python worker Spark forks then starts with numpy,
scipy, scikit-learn and LightGBM already imported, instead of importing them itself.
"""

from __future__ import annotations

if __name__ == "__main__":
    from pyspark.daemon import manager

    import byline.engines.frames  # noqa: F401
    import byline.pipeline  # noqa: F401

    manager()
