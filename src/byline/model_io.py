"""Model folders: ``save`` / ``load`` of a :class:`~byline.model.Disambiguator` and the shipped default.

A folder holds ``model.txt`` (LightGBM's own text format) and ``byline-model.json`` (format version,
feature names, threshold, calibration arrays, name counts, parameters, training data description, the
LightGBM file's sha256). Nothing is pickled. Each file is written atomically, the metadata last (it commits
the pair through the model's checksum).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from byline._errors import ModelError

if TYPE_CHECKING:  # pragma: no cover
    from byline.model import Disambiguator

DEFAULT_DIR_PARTS = ("models", "default")
FORMAT_VERSION = 1
MODEL_FILE = "model.txt"
META_FILE = "byline-model.json"


# lightgbm.compat imports scikit-learn, pandas and dask eagerly for its optional wrappers (about 1 s of
# every command's start-up); byline hands LightGBM numpy arrays only, so those are hidden while it imports.
_LIGHTGBM_OPTIONAL = (
    "sklearn",
    "pandas",
    "dask",
    "dask.array",
    "dask.dataframe",
    "dask.distributed",
    "datatable",
)


def _lightgbm() -> Any:
    """``import lightgbm``, without its optional scikit-learn / pandas / dask integrations."""
    import sys

    if "lightgbm" in sys.modules:
        return sys.modules["lightgbm"]
    hidden = [m for m in _LIGHTGBM_OPTIONAL if m not in sys.modules]
    for m in hidden:
        sys.modules[m] = None  # type: ignore[assignment]  # makes `import m` raise ImportError
    try:
        import lightgbm
    finally:
        for m in hidden:
            if sys.modules.get(m, 0) is None:
                del sys.modules[m]
    return lightgbm


def default_model_dir() -> Path:
    """The shipped model folder inside the installed package (no I/O)."""
    from importlib.resources import files

    return Path(str(files("byline").joinpath(*DEFAULT_DIR_PARTS)))


def metadata(self: Disambiguator) -> dict[str, Any]:
    from byline import __version__

    lightgbm = _lightgbm()

    self._check_fitted()
    return {
        "format_version": FORMAT_VERSION,
        "byline_version": __version__,
        "lightgbm_version": lightgbm.__version__,
        "feature_names": list(self.feature_names_),
        "threshold": self.threshold_,
        "threshold_source": self.threshold_source_,
        "threshold_scores": {str(k): v for k, v in self.threshold_scores_.items()},
        "calibration": None
        if self.calibration_ is None
        else {"kind": "isotonic", "x": self.calibration_[0].tolist(), "y": self.calibration_[1].tolist()},
        "params": self.get_params(),
        "training": {
            "signatures": self.n_train_signatures_,
            "pairs": self.n_train_pairs_,
            "datasets": self.train_datasets_,
            **getattr(self, "training_info_", {}),
        },
        "name_counts": self.name_counts_.to_dict(max_entries=15_000),
        **_encoder_meta(self),
        **_merge_meta(self),
        **_text_only_meta(self),
    }


def _merge_meta(self: Disambiguator) -> dict[str, Any]:
    """The second stage (:mod:`byline.merge`): its LightGBM text, threshold and dev scores."""
    booster = getattr(self, "merge_booster_", None)
    if booster is None:
        return {}
    return {
        "merge": {
            "model": booster.model_to_string(),
            "threshold": getattr(self, "merge_threshold_", None),
            "scores": getattr(self, "merge_scores_", {}),
        }
    }


def _text_only_meta(self: Disambiguator) -> dict[str, Any]:
    head = getattr(self, "text_only_head_", None)
    return {} if head is None else {"text_only_head": head.to_dict()}


def _encoder_meta(self: Disambiguator) -> dict[str, Any]:
    from byline.features import ENCODER_FEATURES

    if not ENCODER_FEATURES & set(self.feature_names_):
        return {}
    from byline.encoder import default_encoder

    return {"encoder_sha256": default_encoder().sha256}


def save(self: Disambiguator, directory: str | os.PathLike[str]) -> Path:
    """Write ``model.txt`` + ``byline-model.json`` into ``directory`` (atomically per file)."""
    self._check_fitted()
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    meta = metadata(self)
    model_text = self.booster_.model_to_string()
    meta["model_sha256"] = hashlib.sha256(model_text.encode("utf-8")).hexdigest()
    # model.txt first, metadata last: the metadata (with the model's checksum) commits the pair
    _atomic_write(d / MODEL_FILE, model_text)
    _atomic_write(d / META_FILE, json.dumps(meta, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
    return d


def load(cls: type[Disambiguator], directory: str | os.PathLike[str]) -> Disambiguator:
    """Read a model folder written by :meth:`save`; a bad folder raises :class:`ModelError`."""
    lgb = _lightgbm()

    from byline.audit_fit import load_audit_fit
    from byline.features import FEATURE_NAMES
    from byline.names import NameCounts

    d = Path(directory)
    meta_path, model_path = d / META_FILE, d / MODEL_FILE
    if not d.is_dir():
        raise ModelError(f"{d}: model folder does not exist")
    for p in (meta_path, model_path):
        if not p.is_file():
            raise ModelError(f"{d}: not a byline model folder ({p.name} is missing)")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{meta_path}: corrupt model metadata ({exc})") from None
    if not isinstance(meta, dict) or "format_version" not in meta:
        raise ModelError(f"{meta_path}: not byline model metadata (no format_version)")
    if meta["format_version"] != FORMAT_VERSION:
        raise ModelError(
            f"{meta_path}: model format version {meta['format_version']!r} is not supported "
            f"(this byline reads version {FORMAT_VERSION}); retrain the model with this version"
        )
    names = meta.get("feature_names")
    if not isinstance(names, list) or not names:
        raise ModelError(f"{meta_path}: incomplete model metadata (no feature_names)")
    unknown = [n for n in names if n not in FEATURE_NAMES]
    if unknown:
        raise ModelError(
            f"{meta_path}: model uses features this byline does not compute ({', '.join(map(str, unknown[:5]))}); "
            "retrain it or use the byline version that wrote it"
        )
    _check_encoder(meta, meta_path)
    try:
        model_text = model_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"{model_path}: cannot read the LightGBM model ({exc})") from None
    want = meta.get("model_sha256")
    if want is not None and hashlib.sha256(model_text.encode("utf-8")).hexdigest() != want:
        raise ModelError(
            f"{model_path}: corrupt LightGBM model (its checksum does not match {META_FILE}; "
            "the folder was modified or half-written)"
        )
    try:
        booster = lgb.Booster(model_str=model_text)
    except Exception as exc:  # LightGBM raises its own LightGBMError / ValueError
        raise ModelError(f"{model_path}: corrupt LightGBM model ({str(exc).strip()[:200]})") from None
    if booster.num_feature() != len(names):
        raise ModelError(
            f"{model_path}: model has {booster.num_feature()} features, its metadata lists {len(names)}"
        )
    try:
        params = {k: v for k, v in meta.get("params", {}).items() if k in cls._PARAMS}
        m = cls(**params)
        m.booster_ = booster
        m.feature_names_ = tuple(meta["feature_names"])
        m.threshold_ = float(meta["threshold"])
        m.threshold_source_ = meta.get("threshold_source", "")
        m.threshold_scores_ = {float(k): v for k, v in meta.get("threshold_scores", {}).items()}
        cal = meta.get("calibration")
        m.calibration_ = None if cal is None else (np.asarray(cal["x"], float), np.asarray(cal["y"], float))
        tr = meta.get("training", {})
        m.n_train_signatures_ = int(tr.get("signatures", 0))
        m.n_train_pairs_ = int(tr.get("pairs", 0))
        m.train_datasets_ = list(tr.get("datasets", []))
        m.training_info_ = {k: v for k, v in tr.items() if k not in ("signatures", "pairs", "datasets")}
        m.name_counts_ = NameCounts.from_dict(meta.get("name_counts", {}))
        merge = meta.get("merge")
        m.merge_booster_ = None if merge is None else lgb.Booster(model_str=merge["model"])
        m.merge_threshold_ = (
            None if merge is None or merge["threshold"] is None else float(merge["threshold"])
        )
        m.merge_scores_ = {} if merge is None else dict(merge.get("scores", {}))
        head = meta.get("text_only_head")
        if head is None:
            m.text_only_head_ = None
        else:
            from byline.textonly import TextOnlyHead

            m.text_only_head_ = TextOnlyHead.from_dict(head)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{meta_path}: incomplete model metadata ({exc!r})") from None
    # the audit's learned profile-fit score, when the folder has one trained on this pair model
    m.audit_fit_ = load_audit_fit(d, hashlib.sha256(model_text.encode("utf-8")).hexdigest())
    return m


def _check_encoder(meta: dict[str, Any], meta_path: Path) -> None:
    """A model whose features use the text encoder must meet the very encoder it was trained with."""
    want = meta.get("encoder_sha256")
    if want is None:
        return
    from byline.encoder import default_encoder

    have = default_encoder().sha256
    if have != want:
        raise ModelError(
            f"{meta_path}: model was trained with another text encoder (sha256 {str(want)[:12]}…, installed "
            f"{have[:12]}…); retrain it with `make model`"
        )


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.chmod(tmp, 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
