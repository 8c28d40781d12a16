"""Optional compiled tree scoring: the LightGBM booster compiled to machine code with ``lleaves``.

``pip install 'byline[fast]'``. LightGBM walks 300 trees per pair at ~40 ns a tree; the compiled model
scores the same trees about 8x faster in one thread (``benchmarks/featurize_speed.py``). Its outputs equal
LightGBM's to rounding (|difference| <= 1e-12, checked once per process on the first batch it scores;
``tests/test_fastpredict.py``). Without ``lleaves``, or with ``BYLINE_COMPILED_TREES=0``, LightGBM scores.

The compiled library is cached per booster (sha256 of its text) in ``$BYLINE_CACHE`` (default
``~/.cache/byline``): compiling takes a few CPU seconds, loading the cached file milliseconds. Each
process keeps its compiled models in a module dict, never on the (pickled) model object.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ENV_SWITCH = "BYLINE_COMPILED_TREES"
TOLERANCE = 1e-12

_COMPILED: dict[int, Any] = {}  # id(booster) -> compiled model, or None when unavailable
_KEEP: dict[int, Any] = {}  # the boosters themselves, so their ids stay theirs


def _cache_dir() -> Path:
    return Path(os.environ.get("BYLINE_CACHE") or Path.home() / ".cache" / "byline") / "compiled-trees"


def _compile(booster: Any) -> Any:
    if os.environ.get(ENV_SWITCH, "1") == "0":
        return None
    try:
        import lleaves
    except ImportError:
        return None
    text = booster.model_to_string()
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    folder = _cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        model_file = folder / f"{digest}.txt"
        if not model_file.exists():
            _atomic_write(model_file, text.encode())
        lib = folder / f"{digest}.so"
        model = lleaves.Model(model_file=str(model_file))
        if lib.exists():
            model.compile(cache=str(lib))
        else:  # compile to a private file, then move it in: concurrent workers never read half a file
            fd, tmp = tempfile.mkstemp(suffix=".so", dir=folder)
            os.close(fd)
            os.unlink(tmp)
            model.compile(cache=tmp)
            os.replace(tmp, lib)
    except Exception:  # noqa: BLE001 - a compiler or cache failure falls back to LightGBM
        return None
    return model


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def predict(booster: Any, X: np.ndarray, num_threads: int = 1) -> np.ndarray:
    """``booster.predict(X)`` (probabilities of the binary objective), compiled when ``lleaves`` is there."""
    key = id(booster)
    if key not in _COMPILED:
        _KEEP[key] = booster
        _COMPILED[key] = _compile(booster)
        if _COMPILED[key] is not None and len(X):  # check it once against LightGBM on this data
            head = np.ascontiguousarray(X[:2000], dtype=np.float64)
            ref = np.asarray(booster.predict(head, num_threads=num_threads), np.float64)
            got = np.asarray(_COMPILED[key].predict(head, n_jobs=1), np.float64)
            if got.shape != ref.shape or not np.all(np.abs(got - ref) <= TOLERANCE):
                _COMPILED[key] = None
    compiled = _COMPILED[key]
    if compiled is None:
        return np.asarray(booster.predict(X, num_threads=num_threads), dtype=np.float64)
    return np.asarray(compiled.predict(np.ascontiguousarray(X, dtype=np.float64), n_jobs=1), dtype=np.float64)
