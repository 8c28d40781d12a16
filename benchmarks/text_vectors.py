"""Per-work text vectors kept in the store: what they save ``disambiguate`` and what they add to ingest.

    python benchmarks/text_vectors.py encode --size 100000     # in-process CPU seconds of the text-vector path
    python benchmarks/text_vectors.py runs --size 100000       # ingest, then disambiguate with / without them

``encode``: on the synthetic store of ``size`` signatures (``byline_synth`` seed 0, ingested once into
``benchmarks/.work/scale/``), the CPU seconds of encoding every signature's text in batches of 10,000 (what
every run did before), of encoding every work once and writing the rows (what ingest adds), and of reading
the stored vectors back for every signature (what a run does now); and that the vectors are bit-identical.
``runs``: ``byline ingest`` then ``byline disambiguate`` twice as child processes (CPU seconds of the process
tree, peak RSS, load average; :func:`scale_store.measure`): once reading the stored vectors, once after
deleting them (the run encodes the works and stores their vectors again).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scale_store  # noqa: E402

BATCH = 10_000


def _cpu(fn: Any) -> tuple[float, Any]:
    t = time.process_time()
    out = fn()
    return round(time.process_time() - t, 2), out


def cmd_encode(size: int) -> dict[str, Any]:
    import numpy as np

    from byline import text_vectors as tv
    from byline.encoder import default_encoder
    from byline.people.streamed import stored_vectors
    from byline.store import Store

    db = scale_store.WORK / f"vectors-{size}.db"
    if not db.exists():
        with Store(db) as s:
            s.encode_at_ingest = False
            s.ingest([scale_store._data(size)], format="signatures")
    with Store(db) as s:
        enc = default_encoder()
        sigs = s.signatures()
        works = s.works(with_records=False)
        parts = [sigs[k : k + BATCH] for k in range(0, len(sigs), BATCH)]
        out: dict[str, Any] = {"signatures": len(sigs), "works": len(works)}
        out["encode_every_signature_cpu_s"], E0 = _cpu(lambda: [enc.encode_signatures(p) for p in parts])
        out["encode_every_work_cpu_s"], rows = _cpu(lambda: tv.encode_works(works, enc))
        with s.transaction() as con:
            con.execute("DELETE FROM work_vectors")
            out["write_rows_cpu_s"], _ = _cpu(lambda: s.put_text_vectors(enc.sha256, rows))

        def read() -> list[Any]:
            got = []
            for p in parts:
                vecs, new = stored_vectors(s, p)
                assert not new
                got.append(tv.embeddings_for(p, vecs, enc))
            return got

        out["read_stored_cpu_s"], E1 = _cpu(read)
        out["identical"] = bool(np.array_equal(np.vstack(E0), np.vstack(E1)))
    print(json.dumps(out), flush=True)
    return out


def cmd_runs(size: int) -> None:
    db = scale_store.WORK / f"vectors-runs-{size}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    ingest = scale_store.measure(
        scale_store._byline("ingest", str(scale_store._data(size)), "--format", "signatures", "--db", str(db))
    )
    ingest.pop("stdout")
    print("ingest (vectors stored)", json.dumps(ingest), flush=True)
    for label, drop in (("disambiguate, stored vectors", False), ("disambiguate, no stored vectors", True)):
        if drop:
            con = sqlite3.connect(db)
            con.execute("DELETE FROM work_vectors")
            con.commit()
            con.close()
        r = scale_store.measure(scale_store._byline("disambiguate", "--db", str(db), "--json"))
        rep = json.loads(r.pop("stdout") or "{}")
        r["pairs"] = rep.get("pairs")
        print(label, json.dumps(r), flush=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("encode", "runs"):
        p = sub.add_parser(name)
        p.add_argument("--size", type=int, default=100_000)
    a = ap.parse_args(argv)
    if a.cmd == "encode":
        cmd_encode(a.size)
    else:
        cmd_runs(a.size)


if __name__ == "__main__":
    main()
