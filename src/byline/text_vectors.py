"""Per-work text vectors, computed once and kept in the store.

A signature's text vector (the ``embedding_cosine`` feature) is the static encoder's vector of its work's
text -- title, keywords, start of the abstract (:func:`byline.encoder.work_text`) -- so it is one vector per
work. The store keeps it (table ``work_vectors``: work id, the encoder's sha256, a hash of the text, the
float32 vector; :meth:`byline.store.Store.text_vectors`). Ingest writes the vectors of the works it adds
or changes; ``disambiguate`` reads them per batch and encodes (and stores) only the works lacking one.

A stored vector is used only for the encoder it was computed with and the text it was computed from
(:func:`resolve` checks both), so a new encoder or an edited title just makes it be computed again. In
memory, vectors are keyed by the text's hash (:func:`byline.encoder.text_hash`), never by work id: a
signature gets exactly the vector encoding its own text would give, and the scores are the same with or
without stored vectors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from byline.encoder import StaticEncoder, default_encoder, signature_text, text_hash, work_text
from byline.records import Signature, Work

__all__ = ["Row", "Vectors", "embeddings_for", "encode_works", "resolve"]

Row = tuple[str, bytes, bytes]
"""A stored vector: work id, text hash, float32 little-endian bytes."""

Vectors = dict[bytes, np.ndarray]
"""Text hash -> vector."""

_DTYPE = np.dtype("<f4")


def _rows(items: Sequence[tuple[str, bytes, str]], encoder: StaticEncoder) -> tuple[Vectors, list[Row]]:
    """(work id, text hash, text) -> vectors by hash and the rows to store, in one ``encode`` call."""
    if not items:
        return {}, []
    E = encoder.encode([t for _, _, t in items]).astype(_DTYPE, copy=False)
    vecs: Vectors = {}
    rows: list[Row] = []
    for k, (wid, h, _) in enumerate(items):
        vecs[h] = E[k]
        rows.append((wid, h, E[k].tobytes()))
    return vecs, rows


def encode_works(works: Iterable[Work], encoder: StaticEncoder | None = None) -> list[Row]:
    """The rows to store for ``works`` (ingest: the works a batch added or changed)."""
    enc = encoder or default_encoder()
    items = []
    for w in works:
        text = work_text(w.title, w.keywords, w.abstract)
        items.append((w.id, text_hash(text), text))
    return _rows(items, enc)[1]


def resolve(
    sigs: Iterable[Signature],
    stored: Mapping[str, tuple[bytes, bytes]],
    encoder: StaticEncoder | None = None,
) -> tuple[Vectors, list[Row]]:
    """The vectors of the texts of ``sigs``: the ``stored`` ones (work id -> (text hash, vector bytes), as
    :meth:`~byline.store.Store.text_vectors` reads them for this encoder) whose text is unchanged, the rest
    encoded in one call and returned as rows to store."""
    enc = encoder or default_encoder()
    width = enc.dims * _DTYPE.itemsize
    vecs: Vectors = {}
    todo: dict[bytes, tuple[str, bytes, str]] = {}
    for s in sigs:
        text = signature_text(s)
        h = text_hash(text)
        if h in vecs or h in todo:
            continue
        row = stored.get(s.work_id)
        if row is not None and row[0] == h and len(row[1]) == width:
            vecs[h] = np.frombuffer(row[1], dtype=_DTYPE)
        else:
            todo[h] = (s.work_id, h, text)
    new, rows = _rows(list(todo.values()), enc)
    vecs.update(new)
    return vecs, [r for r in rows if r[0]]  # a signature without a work id is encoded, never stored


def embeddings_for(
    sigs: Sequence[Signature], vectors: Mapping[bytes, np.ndarray], encoder: StaticEncoder | None = None
) -> np.ndarray:
    """One vector per signature (the :attr:`~byline.features.BlockData.embeddings` rows): from ``vectors``
    by the hash of its text, encoded for the texts not in it."""
    enc = encoder or default_encoder()
    hashes = [text_hash(signature_text(s)) for s in sigs]
    out = np.zeros((len(sigs), enc.dims), np.float32)
    missing = []
    for k, h in enumerate(hashes):
        v = vectors.get(h)
        if v is None:
            missing.append(k)
        else:
            out[k] = v
    if missing:
        out[missing] = enc.encode([signature_text(sigs[k]) for k in missing])
    return out
