"""A static text encoder: token embeddings averaged, numpy only (plus the ``tokenizers`` wheel).

The shipped table (``models/encoder/``) is MiniLM distilled by ``model2vec`` (:mod:`byline.build_encoder`,
``make encoder``): ``tokenizer.json`` and ``vectors.npz`` (int8 rows, one float32 scale per row). A text's
vector is the mean of its tokens' rows, L2-normalized; an empty text gives a zero row. Encoding is
deterministic and needs no torch and no network.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np

from byline._errors import ModelError
from byline.records import Signature

DEFAULT_DIR = Path(str(files("byline").joinpath("models", "encoder")))
VECTORS = "vectors.npz"
TOKENIZER = "tokenizer.json"
INFO = "encoder.json"
MAX_CHARS = 1000  # of a signature's text: title, keywords, then the start of the abstract


def work_text(title: str | None, keywords: Sequence[str], abstract: str | None) -> str:
    """The text a work's signatures are encoded from: title, keywords, then the start of the abstract."""
    parts = [title or "", "; ".join(keywords), abstract or ""]
    return ". ".join(p for p in parts if p)[:MAX_CHARS]


def signature_text(s: Signature) -> str:
    """The text a signature is encoded from (empty when it has none): its work's, so one vector per work."""
    return work_text(s.title, s.keywords, s.abstract)


def text_hash(text: str) -> bytes:
    """A 16-byte digest of an encoded text: a stored vector is used only while its work's text is the same."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def save_table(folder: Path, vectors: np.ndarray, source: str) -> None:
    """Quantize ``vectors`` (rows = token ids) to int8 with a per-row scale and write the folder's table."""
    scale = np.abs(vectors).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.round(vectors / scale[:, None]).astype(np.int8)
    np.savez(folder / VECTORS, q=q, scale=scale.astype(np.float32))
    digest = hashlib.sha256((folder / VECTORS).read_bytes() + (folder / TOKENIZER).read_bytes()).hexdigest()
    info = {"source": source, "rows": int(q.shape[0]), "dims": int(q.shape[1]), "sha256": digest}
    (folder / INFO).write_text(json.dumps(info, indent=1, sort_keys=True) + "\n", encoding="utf-8")


class StaticEncoder:
    """Texts -> L2-normalized vectors. ``StaticEncoder.load(folder)``; ``encode(texts)``."""

    def __init__(self, vectors: np.ndarray, tokenizer: object, sha256: str):
        self.vectors = vectors
        self.tokenizer = tokenizer
        self.sha256 = sha256

    @property
    def dims(self) -> int:
        return int(self.vectors.shape[1])

    @classmethod
    def load(cls, folder: str | Path = DEFAULT_DIR) -> StaticEncoder:
        from tokenizers import Tokenizer

        d = Path(folder)
        try:
            info = json.loads((d / INFO).read_text(encoding="utf-8"))
            with np.load(d / VECTORS, allow_pickle=False) as z:
                vectors = z["q"].astype(np.float32) * z["scale"][:, None]
            tok = Tokenizer.from_file(str(d / TOKENIZER))
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(
                f"{d}: not a byline text encoder ({exc}); rebuild it with `make encoder`"
            ) from None
        return cls(vectors, tok, str(info.get("sha256", "")))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dims), np.float32)
        if not texts:
            return out
        enc = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)  # type: ignore[attr-defined]
        lengths = np.fromiter((len(e.ids) for e in enc), np.int64, count=len(enc))
        if lengths.sum() == 0:
            return out
        import scipy.sparse as sp

        flat = np.fromiter((t for e in enc for t in e.ids), np.int64, count=int(lengths.sum()))
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        counts = sp.csr_matrix(
            (np.ones(len(flat), np.float32), flat, indptr), shape=(len(texts), len(self.vectors))
        )
        out = np.asarray(counts @ self.vectors, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1)
        nz = norms > 0
        out[nz] /= norms[nz, None]
        return out

    def encode_signatures(self, sigs: Sequence[Signature]) -> np.ndarray:
        return self.encode([signature_text(s) for s in sigs])


@lru_cache(maxsize=1)
def default_encoder() -> StaticEncoder:
    """The shipped encoder, loaded once on first use (never at import)."""
    return StaticEncoder.load(DEFAULT_DIR)
