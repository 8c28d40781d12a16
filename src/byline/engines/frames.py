"""Signatures as Arrow tables / Parquet files (the interchange format of the Spark engine).

One column list (:data:`COLUMNS`) is the single source of truth for both directions. Only pyarrow is
needed here (a core dependency); Spark is not.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from byline._errors import InputError
from byline.block import group_blocks
from byline.records import Signature

_STR = pa.string()
_STRS = pa.list_(pa.string())

# (Signature field, Arrow type); list columns map to tuples on the way back.
COLUMNS: tuple[tuple[str, pa.DataType], ...] = (
    ("id", _STR),
    ("name", _STR),
    ("work_id", _STR),
    ("position", pa.int32()),
    ("affiliations", _STRS),
    ("email", _STR),
    ("orcid", _STR),
    ("coauthors", _STRS),
    ("title", _STR),
    ("abstract", _STR),
    ("venue", _STR),
    ("year", pa.int32()),
    ("keywords", _STRS),
    ("block", _STR),
    ("person", _STR),
    ("dataset", _STR),
)
_LISTS = frozenset(n for n, t in COLUMNS if pa.types.is_list(t))
# Engine columns: the block actually used (dataset block or computed key) and the input order.
BLOCK_COL, ORD_COL = "_block", "_ord"
SCHEMA = pa.schema([*COLUMNS, (BLOCK_COL, _STR), (ORD_COL, pa.int64())])


def to_table(signatures: Iterable[Signature]) -> pa.Table:
    """Signatures -> Arrow table with :data:`SCHEMA` (``_block`` = the key of :func:`byline.block.group_blocks`)."""
    sigs = list(signatures)
    key_of = {id(s): key for key, ss in group_blocks(sigs).items() for s in ss}
    cols: dict[str, list[Any]] = {n: [] for n in SCHEMA.names}
    for k, s in enumerate(sigs):
        for n, _ in COLUMNS:
            v = getattr(s, n)
            cols[n].append(list(v) if n in _LISTS else v)
        cols[BLOCK_COL].append(key_of[id(s)])
        cols[ORD_COL].append(k)
    return pa.table(cols, schema=SCHEMA)


def _none(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _strs(v: Any) -> tuple[str, ...]:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ()
    return tuple(str(x) for x in v)


def from_records(rows: Iterable[dict[str, Any]]) -> list[Signature]:
    """Rows (dicts of :data:`COLUMNS`, e.g. ``table.to_pylist()`` or pandas records) -> Signatures."""
    out = []
    for r in rows:
        kw: dict[str, Any] = {}
        for n, _ in COLUMNS:
            v = r.get(n)
            if n in _LISTS:
                kw[n] = _strs(v)
            elif n in ("position", "year"):
                v = _none(v)
                kw[n] = None if v is None else int(v)
            else:
                kw[n] = _none(v)
        if kw["position"] is None:
            kw["position"] = 0
        kw["work_id"] = kw["work_id"] or ""
        out.append(Signature(**kw))
    return out


def from_pandas(df: Any) -> list[Signature]:
    """A pandas frame with :data:`COLUMNS` -> Signatures, in the frame's row order."""
    return from_records(df.to_dict("records"))


def write_parquet(signatures: Iterable[Signature] | pa.Table, path: str | os.PathLike[str]) -> int:
    """Write signatures (or a table from :func:`to_table`) as one Parquet file; atomic; returns rows."""
    table = signatures if isinstance(signatures, pa.Table) else to_table(signatures)
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return table.num_rows


def write_parquet_stream(
    signatures: Iterable[Signature], path: str | os.PathLike[str], chunk: int = 100_000
) -> int:
    """Like :func:`write_parquet` for a stream too big for memory (``_ord`` stays global).

    Blocks come from each signature alone (:func:`byline.block.group_blocks` keys), so chunking
    never changes them.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    n = 0
    try:
        with pq.ParquetWriter(tmp, SCHEMA) as writer:
            buf: list[Signature] = []
            for s in signatures:
                buf.append(s)
                if len(buf) >= chunk:
                    n = _write_chunk(writer, buf, n)
                    buf = []
            if buf:
                n = _write_chunk(writer, buf, n)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


def _write_chunk(writer: pq.ParquetWriter, buf: list[Signature], start: int) -> int:
    t = to_table(buf)
    t = t.set_column(
        t.schema.get_field_index(ORD_COL), ORD_COL, pa.array(range(start, start + len(buf)), pa.int64())
    )
    writer.write_table(t)
    return start + len(buf)


def read_parquet(path: str | os.PathLike[str]) -> list[Signature]:
    """Signatures from a Parquet file (or folder) written by :func:`write_parquet`."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as exc:
        raise InputError(f"cannot read Parquet signatures: {exc}", file=path) from exc
    missing = [n for n, _ in COLUMNS if n not in table.column_names and n in ("id", "name")]
    if missing:
        raise InputError(f"Parquet signatures lack column(s) {missing}", file=path)
    return from_records(table.to_pylist())


def items_of(signatures: Sequence[Signature]) -> list[tuple[str, list[Signature]]]:
    """(block, signatures) items exactly as :func:`byline.block.group_blocks` makes them."""
    return list(group_blocks(signatures).items())
