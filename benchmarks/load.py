"""Load benchmark of the web app's read endpoints (not a test).

N concurrent clients (default 200) hit the read endpoints for D seconds (default 30) on a server
listening on the loopback interface, and the script reports throughput, p50/p99 latency and errors.

By default it builds a store from the five seed listings (ingest with their owners, disambiguate)
in a temp folder and starts ``byline serve`` on a free port in a subprocess; ``--db`` serves an
existing store instead and ``--url`` targets a server already running on 127.0.0.1/localhost.

    python3 benchmarks/load.py                        # seeds, 200 clients, 30 s, httpx clients
    python3 benchmarks/load.py --client both --append-docs   # httpx, then a minimal asyncio client
    python3 benchmarks/load.py --clients 50 --seconds 10
    python3 benchmarks/load.py --clients 100 --writers 5 --compare-writes --append-docs
                                       # read p99 without, then with 5 curators writing (lock / unlock)

Clients and duration are bounded (at most 1000 clients, 300 s) and only loopback targets are accepted.

``--writers W`` adds W curator clients that lock and unlock random people (with the token) while the
readers read; latencies are reported for reads only (and writes apart). ``--compare-writes`` runs the
same load twice, without writers and with them, and reports both read p99s and their ratio.

``--append-docs`` writes a "Web load" section with the command and the figures to docs/benchmarks.md
(appended; a previous "Web load" section is replaced, every other section is kept).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
SEED_OWNERS = {
    "000": "Jaeseong Lee",
    "001": "Beomsu Kim",
    "002": "YoungJoon Yoo",
    "003": "Nojun Kwak",
    "004": "Jaeseong Lee",
}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_CLIENTS = 1000
MAX_SECONDS = 300


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def byline(*args: str, env: dict[str, str] | None = None) -> None:
    cmd = [sys.executable, "-c", "from byline.cli import main; main()", *args]
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)


def build_seed_store(folder: Path, model: Path | None = None) -> Path:
    if not SEEDS.is_dir():
        sys.exit(f"load: {SEEDS} is absent; pass --db or --url")
    db = folder / "seeds.db"
    for path in sorted(SEEDS.glob("0*.txt")):
        byline("ingest", str(path), "--owner", SEED_OWNERS[path.name[:3]], "--db", str(db))
    byline("disambiguate", "--db", str(db), *(["--model", str(model)] if model else []))
    return db


TOKEN = "load-benchmark-token-0123456789abcdefghij"


def start_server(db: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, BYLINE_TOKEN=TOKEN)
    cmd = [
        sys.executable,
        "-c",
        "from byline.cli import main; main()",
        "serve",
        "--db",
        str(db),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def wait_ready(url: str, proc: subprocess.Popen | None, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                raise SystemExit(f"load: the server exited: {proc.stderr.read().decode(errors='replace')}")
            try:
                if (await client.get(url + "/api/people?limit=1")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit(f"load: no server answered at {url} within {timeout:.0f} s")


async def discover(url: str) -> list[str]:
    """The read URLs to hit: searches, people (API and page), works, an explain card."""
    import httpx

    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        people = (await client.get("/api/people", params={"limit": 500})).json()["people"]
        paths = ["/api/people?name=" + quote(n) for n in ("Jaeseong Lee", "Kim", "Lee", "Nojun Kwak", "Yoo")]
        sigs: list[str] = []
        for p in people[:40]:
            pid = quote(p["id"], safe="")
            paths += [f"/api/people/{pid}", f"/people/{pid}"]
            detail = (await client.get(f"/api/people/{pid}")).json()
            for w in detail.get("works", [])[:3]:
                paths.append("/api/works/" + quote(w["id"], safe=""))
                if w.get("signature_id"):
                    sigs.append(w["signature_id"])
        if len(sigs) >= 2:
            paths.append(f"/api/explain?a={quote(sigs[0], safe='')}&b={quote(sigs[1], safe='')}")
        paths += ["/api/review?limit=20", "/review", "/"]
        for path in paths[-3:] + paths[-4:-3]:  # warm the slow first computations (cached per store state)
            await client.get(path)
    return paths


async def raw_client(
    url: str, paths: list[str], seed: int, stop_at: float, latencies: list[float], errors: Counter[str]
) -> None:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams (much less client CPU than httpx, so
    the figures say more about the server when both share two cores)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    rng = random.Random(seed)
    reader = writer = None
    while time.monotonic() < stop_at:
        path = rng.choice(paths)
        t0 = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            match = re.search(rb"\r\ncontent-length: *(\d+)", head, re.IGNORECASE)
            if match is None:
                raise ValueError("response without Content-Length")
            await reader.readexactly(int(match.group(1)))
            if status != 200:
                errors[f"HTTP {status}"] += 1
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            errors[type(exc).__name__] += 1
            if writer is not None:
                writer.close()
            reader = writer = None
        latencies.append(time.perf_counter() - t0)
    if writer is not None:
        writer.close()


async def writer(
    url: str,
    people: list[str],
    seed: int,
    stop_at: float,
    pause: float,
    latencies: list[float],
    errors: Counter[str],
) -> None:
    """A curator: lock, then unlock, a random person, again and again (``pause`` seconds between writes)."""
    import httpx

    rng = random.Random(1000 + seed)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=url, timeout=30, headers=auth) as client:
        while time.monotonic() < stop_at:
            pid = quote(rng.choice(people), safe="")
            for action in ("lock", "unlock"):
                t0 = time.perf_counter()
                try:
                    r = await client.post(
                        f"/api/people/{pid}/{action}", json={"who": "load", "why": "benchmark"}
                    )
                    if r.status_code != 200:
                        errors[f"write HTTP {r.status_code}"] += 1
                except httpx.HTTPError as exc:
                    errors[f"write {type(exc).__name__}"] += 1
                latencies.append(time.perf_counter() - t0)
                await asyncio.sleep(pause)


def _quantiles(lat: list[float]) -> list[float]:
    lat = sorted(lat)
    return statistics.quantiles(lat, n=100, method="inclusive") if len(lat) >= 2 else [lat[0]] * 99


async def run_load(
    url: str,
    paths: list[str],
    clients: int,
    seconds: float,
    server_pid: int | None = None,
    raw: bool = False,
    writers: int = 0,
    people: list[str] | None = None,
    write_pause: float = 0.2,
) -> dict:
    import httpx
    import psutil

    server = psutil.Process(server_pid) if server_pid else None
    me = psutil.Process()
    cpu0 = (sum(server.cpu_times()[:2]) if server else None, sum(me.cpu_times()[:2]))

    latencies: list[float] = []
    write_latencies: list[float] = []
    by_kind: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    stop_at = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:

        async def one_client(seed: int) -> None:
            rng = random.Random(seed)
            while time.monotonic() < stop_at:
                path = rng.choice(paths)
                t0 = time.perf_counter()
                try:
                    r = await client.get(path)
                    ok = r.status_code == 200
                    if not ok:
                        errors[f"HTTP {r.status_code}"] += 1
                except httpx.HTTPError as exc:
                    ok = False
                    errors[type(exc).__name__] += 1
                latencies.append(time.perf_counter() - t0)
                by_kind[path.split("?")[0].rsplit("/", 1)[0] or path] += ok

        t0 = time.perf_counter()
        writing = [
            writer(url, people or [], i, stop_at, write_pause, write_latencies, errors)
            for i in range(writers)
        ]
        if raw:
            await asyncio.gather(
                *(raw_client(url, paths, i, stop_at, latencies, errors) for i in range(clients)), *writing
            )
        else:
            await asyncio.gather(*(one_client(i) for i in range(clients)), *writing)
        wall = time.perf_counter() - t0
    server_cpu = sum(server.cpu_times()[:2]) - cpu0[0] if server else None
    client_cpu = sum(me.cpu_times()[:2]) - cpu0[1]

    lat = sorted(latencies)
    q = _quantiles(lat)
    wq = _quantiles(write_latencies) if write_latencies else None
    return {
        "client": "raw asyncio streams" if raw else "httpx",
        "clients": clients,
        "writers": writers,
        "writes": len(write_latencies),
        "write_p50_ms": round(wq[49] * 1000, 1) if wq else None,
        "write_p99_ms": round(wq[98] * 1000, 1) if wq else None,
        "seconds": round(wall, 1),
        "requests": len(lat),
        "throughput_rps": round(len(lat) / wall, 1),
        "p50_ms": round(q[49] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
        "max_ms": round(lat[-1] * 1000, 1),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "distinct_urls": len(paths),
        "server_cpu_ms_per_request": round(1000 * server_cpu / len(lat), 2)
        if server_cpu is not None
        else None,
        "client_cpu_ms_per_request": round(1000 * client_cpu / len(lat), 2),
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def append_docs(results: list[dict], command: str) -> None:
    docs = REPO / "docs" / "benchmarks.md"
    docs.parent.mkdir(exist_ok=True)
    cpu = f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}"
    rows = "".join(
        f"| {r['client']} | {r['clients']} | {r['seconds']} s | {r['requests']} | {r['throughput_rps']} req/s | "
        f"{r['p50_ms']} ms | {r['p99_ms']} ms | {r['max_ms']} ms | {r['errors']} | "
        f"{r.get('server_cpu_ms_per_request')} ms | {r.get('client_cpu_ms_per_request')} ms | "
        f"{(r.get('load_average_after') or ['?'])[0]} |\n"
        for r in results
    )
    text = (
        "\n## Web load\n\n"
        f"Command: `{command}`. Server: `byline serve` on 127.0.0.1 in a subprocess (one uvicorn worker, "
        "h11), over a store built from the five seed listings (ingested with their owners, disambiguated "
        "with the shipped model). Clients: asyncio coroutines in one process on the same machine "
        f"({cpu}), each with its own keep-alive connection, for the stated duration. Read endpoints only, "
        f"picked at random per request from {results[0]['distinct_urls']} URLs: name search, person (API and "
        "HTML page), work (API), explain, review queue (API and page), home. Target: 0 errors.\n\n"
        "| client | clients | duration | requests | throughput | p50 | p99 | max | errors | server CPU / request |"
        " client CPU / request | load avg |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        f"{rows}\n"
        "The machine was shared with other work while measuring (the load average column: runnable tasks on "
        "2 cores), so latency and throughput are bounded by CPU contention, and with `httpx` by the client's "
        "own CPU (several ms per request for 200 connections in one Python process): the `raw` row (a "
        "minimal asyncio HTTP/1.1 client, `--client raw`) shows the same server with a cheap client. The "
        "server's own cost is its CPU time per request (process user+sys time / requests) with a warm cache: "
        "answers are cached per store state and recomputed after any ingest, run or curation.\n"
    )
    old = docs.read_text(encoding="utf-8") if docs.exists() else "# Benchmarks\n"
    start = old.find("\n## Web load\n")
    if start >= 0:  # replace our own section (only it), keep every other one
        end = old.find("\n## ", start + 1)
        old = old[:start] + (old[end:] if end >= 0 else "\n")
    docs.write_text(old.rstrip("\n") + "\n" + text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--db", type=Path, help="serve this store instead of one built from the seeds")
    ap.add_argument("--url", help="a server already running on the loopback interface")
    ap.add_argument("--model", type=Path, help="model folder for disambiguating the seeds (default: shipped)")
    ap.add_argument(
        "--client",
        choices=("httpx", "raw", "both"),
        default="httpx",
        help="httpx.AsyncClient, a minimal asyncio HTTP/1.1 client (less client CPU), or both in turn",
    )
    ap.add_argument("--writers", type=int, default=0, help="curator clients locking and unlocking people")
    ap.add_argument("--write-pause", type=float, default=0.2, help="seconds each writer waits between writes")
    ap.add_argument(
        "--compare-writes",
        action="store_true",
        help="run without writers, then with --writers; compare read p99",
    )
    ap.add_argument("--append-docs", action="store_true", help="append the figures to docs/benchmarks.md")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS:
        ap.error(f"--clients must be within 1..{MAX_CLIENTS}")
    if not 0 <= args.writers <= 50:
        ap.error("--writers must be within 0..50")
    if args.compare_writes and not args.writers:
        ap.error("--compare-writes needs --writers W (W > 0)")
    if not 1 <= args.seconds <= MAX_SECONDS:
        ap.error(f"--seconds must be within 1..{MAX_SECONDS}")
    if args.url and urlsplit(args.url).hostname not in LOOPBACK:
        ap.error("--url must point at the loopback interface (127.0.0.1, localhost or ::1)")

    proc = None
    with tempfile.TemporaryDirectory(prefix="byline-load-") as tmp:
        try:
            if args.url:
                url = args.url.rstrip("/")
            else:
                db = args.db or build_seed_store(Path(tmp), args.model)
                port = free_port()
                url = f"http://127.0.0.1:{port}"
                proc = start_server(db, port)
            asyncio.run(wait_ready(url, proc))
            paths = asyncio.run(discover(url))
            import httpx

            people = [p["id"] for p in httpx.get(url + "/api/people?limit=500", timeout=30).json()["people"]]
            kinds = ["httpx", "raw"] if args.client == "both" else [args.client]
            counts = [0, args.writers] if args.compare_writes else [args.writers]
            results = [
                asyncio.run(
                    run_load(
                        url,
                        paths,
                        args.clients,
                        args.seconds,
                        proc.pid if proc else None,
                        raw=kind == "raw",
                        writers=w,
                        people=people,
                        write_pause=args.write_pause,
                    )
                )
                for kind in kinds
                for w in counts
            ]
        finally:
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
    print(json.dumps(results if len(results) > 1 else results[0], indent=2))
    if args.append_docs:
        shown = ["python3 benchmarks/load.py"] + (argv if argv is not None else sys.argv[1:])
        command = " ".join(a for a in shown if a != "--append-docs")
        if args.compare_writes:
            append_write_docs(results, command)
        else:
            append_docs(results, command)


def _replace_section(title: str, text: str) -> None:
    docs = REPO / "docs" / "benchmarks.md"
    old = docs.read_text(encoding="utf-8") if docs.exists() else "# Benchmarks\n"
    start = old.find(f"\n## {title}\n")
    if start >= 0:  # replace our own section (only it), keep every other one
        end = old.find("\n## ", start + 1)
        old = old[:start] + (old[end:] if end >= 0 else "\n")
    docs.write_text(old.rstrip("\n") + "\n" + text, encoding="utf-8")


def append_write_docs(results: list[dict], command: str) -> None:
    """The "Web reads under curator writes" section: read p99 without and with writers, per client kind."""
    cpu = f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}"
    rows = "".join(
        f"| {r['client']} | {r['clients']} | {r['writers']} | {r['requests']} | {r['p50_ms']} ms | "
        f"{r['p99_ms']} ms | {r['writes']} | {r['write_p99_ms'] if r['write_p99_ms'] is not None else '-'} "
        f"{'ms' if r['write_p99_ms'] is not None else ''} | {r['errors']} | {(r.get('load_average_after') or ['?'])[0]} |\n"
        for r in results
    )
    ratios = []
    for base, loaded in zip(results[::2], results[1::2], strict=True):
        ratios.append(f"{loaded['client']}: {loaded['p99_ms'] / base['p99_ms']:.2f}x")
    text = (
        "\n## Web reads under curator writes\n\n"
        f'Command: `{command}`. The same server and read mix as "Web load" (seed store, one uvicorn worker, '
        f"{cpu}); first readers only, then the same readers beside curator clients, each locking and then "
        "unlocking a random person with the token, pausing between writes. A write drops only the cached "
        "views it touched (the person, the people on their works, the searches and name pages that show or "
        "match them, explain cards and the assembled review queue); everything else stays cached. "
        "Goal: read p99 with writes at most 2x read p99 without.\n\n"
        "| client | readers | writers | reads | read p50 | read p99 | writes | write p99 | errors | load avg |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        f"{rows}\n"
        f"Read p99 with writes / without: {', '.join(ratios)}. The machine was shared with other work while "
        "measuring (load average column).\n"
    )
    _replace_section("Web reads under curator writes", text)


if __name__ == "__main__":
    main()
