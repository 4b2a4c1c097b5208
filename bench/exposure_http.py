"""Exposure over HTTP: ``POST /api/v1/exposure/rank`` against the real server with two workers.

Not a test (pytest never collects ``bench/``). Run it from the project root::

    uv run python bench/exposure_http.py            # 100, 300 and 1,000 candidates (1-2 min)
    uv run python bench/exposure_http.py --quick    # a smoke run

What it does:

1. Seeds a fresh SQLite database through the real use cases: ``--merchants`` shops with 25
   products each, a quarter of them in tier good or excellent and enrolled in the programme
   (half a pool of 20, half the whole store), 5% restricted and 10% on watch; 3 short videos per
   tenth shop, put on the content ladder by a real ladder run (cold start); 0.5% of the products
   under a stop-sale hold (recall reviews).
2. Starts the server with ``--workers`` processes as ``aftersales serve`` does (uvicorn, its
   settings, a listening socket per worker: ``api/workers.py``) and waits until every worker has
   started. Tiers come from scoring through ``exposure_tiers.tiers_in_force``; until scorecards
   are stored there is none, so each worker is built by ``worker_app`` after that one function
   is pointed at the seeded tiers (``tiered_worker_app`` below). ``--plain`` runs
   ``aftersales serve --workers N --no-sweep`` itself instead: no tiers, so ladder quotas and
   holds only.
3. For each candidate count, ``--requests`` rank requests (k = 10, slots search 50% / feed 35%
   / mini-detail 15%, random catalogue products with random scores, content ids where the
   product has content) from ``--concurrency`` keep-alive connections; every 10th request is
   followed by an impressions report of what it showed. Prints requests/s, p50 and p99 (median of
   ``--reps``), server and client CPU per request, and the load of other processes meanwhile.

Goal (issue 8): ≥ 1,000 rank requests/s over HTTP on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from api import (  # bench/api.py: the server handle, the clients and the measurements
    HOST,
    UVICORN_SETTINGS,
    Client,
    Run,
    Server,
    _new_loop,
    _process_stats,
    closed_loop,
    free_port,
    make_client,
    measured,
)

GOAL_RPS = 1_000
K = 10
SLOTS = (("search", 0.5), ("feed", 0.35), ("mini_detail", 0.15))
TIERS_FILE = "AFTERSALES_BENCH_TIERS_FILE"
JSON = {"Content-Type": "application/json"}


# ---- the server's workers, with the seeded tiers ----------------------------------------------


def tiered_worker_app() -> Any:
    """``aftersales.api.worker.worker_app`` with the tiers in force read from the seeded file."""
    from aftersales.api.worker import worker_app
    from aftersales.services import exposure_tiers

    table: dict[str, str] = json.loads(Path(os.environ[TIERS_FILE]).read_text())
    exposure_tiers.tiers_in_force = lambda uow, merchants=None, at=None: dict(table)  # type: ignore[assignment]
    return worker_app()


def serve_tiered(port: int, workers: int) -> None:
    """The workers as ``aftersales serve --workers N`` runs them, with the tiered app."""
    from aftersales.api.workers import run_workers

    here = str(Path(__file__).resolve().parent)
    app = f"{Path(__file__).stem}:tiered_worker_app"
    run_workers(app, host=HOST, port=port, workers=workers, app_dir=here, **UVICORN_SETTINGS)


# ---- seeding ---------------------------------------------------------------------------------


@dataclass
class World:
    products: list[tuple[str, str]]  # (product, merchant)
    content: dict[str, str]  # product -> content id
    tiers: dict[str, str]
    token: str
    held: set[str]


def _tier(rng: random.Random) -> str:
    draw = rng.random()
    for tier, upto in (
        ("excellent", 0.10),
        ("good", 0.25),
        ("restricted", 0.30),
        ("watch", 0.40),
        ("standard", 1.0),
    ):
        if draw < upto:
            return tier
    return "standard"


def seed(db_url: str, data_dir: Path, merchants: int, rng: random.Random) -> World:
    """Shops, products, tiers, enrolments, content on the ladder and holds, via the use cases."""
    from aftersales.bootstrap import bootstrap
    from aftersales.config import Settings
    from aftersales.domain.actors import Actor, Role
    from aftersales.domain.catalog import Merchant, Product, Store, StoreKind
    from aftersales.domain.clock import ManualClock
    from aftersales.exposure import ContentKind
    from aftersales.services import catalog, content, exposure_tiers, programme, recalls
    from aftersales.services.ladder_run import run_ladder
    from aftersales.services.tokens import create_token
    from aftersales.store.content import Audience

    integration = Actor(Role.INTEGRATION)
    now = datetime.now(UTC)
    clock = ManualClock(now - timedelta(days=1))  # content is published the day before its run
    ctx = bootstrap(Settings(data_dir=data_dir, database_url=db_url), clock=clock)
    tiers = {f"m{m}": _tier(rng) for m in range(merchants)}
    exposure_tiers.tiers_in_force = lambda uow, merchants=None, at=None: dict(tiers)  # type: ignore[assignment]
    world = World([], {}, tiers, create_token(ctx, integration, "bench")[1], set())
    try:
        for m in range(merchants):
            mid = f"m{m}"
            store = Store(f"s{m}", mid, StoreKind.ONLINE, f"shop {m}", "CN-BJ")
            catalog.put_merchant(ctx, integration, Merchant(mid, f"Merchant {m}", (store,)))
            ids = [f"p{m}-{p}" for p in range(25)]
            for pid in ids:
                product = Product(pid, mid, "digital/phone", pid, "Acme", "X", {})
                catalog.put_product(ctx, integration, product)
                world.products.append((pid, mid))
            agent = Actor(Role.MERCHANT_AGENT, mid)
            if tiers[mid] in ("excellent", "good"):
                cmd = (
                    programme.Enrol("pool", tuple(ids[:20])) if m % 2 else programme.Enrol("store")
                )
                programme.enrol_merchant(ctx, agent, cmd)
            if m % 10 == 0:
                content.put_audience(ctx, integration, Audience(mid, 1000, 200, clock.now()))
                for pid in ids[:3]:
                    made = content.publish(
                        ctx, agent, content.Publish(ContentKind.SHORT_VIDEO, "video", (pid,))
                    )
                    world.content[pid] = made.id
        clock.set(now)
        run_ladder(ctx)
        operator = Actor(Role.OPERATOR, "bench")
        for pid, _ in rng.sample(world.products, max(1, len(world.products) // 200)):
            recalls.open_review(ctx, operator, recalls.OpenReview("bench hazard", pid))
            world.held.add(pid)
    finally:
        ctx.close()
    return world


# ---- requests --------------------------------------------------------------------------------


def rank_bodies(world: World, candidates: int, count: int, rng: random.Random) -> list[bytes]:
    bodies = []
    slots, weights = zip(*SLOTS, strict=True)
    for n in range(count):
        rows = []
        for pid, mid in rng.sample(world.products, candidates):
            row: dict[str, Any] = {"item_id": pid, "merchant_id": mid, "score": rng.random()}
            if pid in world.content:
                row["content_id"] = world.content[pid]
            rows.append(row)
        slot = rng.choices(slots, weights)[0]
        body = {"slot": slot, "user_id": f"u{n % 5000}", "candidates": rows, "k": K}
        bodies.append(json.dumps(body, separators=(",", ":")).encode())
    return bodies


def rank_job(body: bytes, headers: dict[str, str], report: bool, held: set[str]) -> Any:
    async def job(client: Client, latencies: list[float]) -> None:
        t = time.perf_counter()
        status, content = await client.post("/api/v1/exposure/rank", body, headers)
        latencies.append(time.perf_counter() - t)
        if status != 200:
            raise SystemExit(f"rank answered {status}: {content[:300]!r}")
        if not report:
            return
        result = json.loads(content)
        items = [
            {k: i[k] for k in ("item_id", "merchant_id", "content_id") if i.get(k) is not None}
            for i in result["items"]
        ]
        if any(i["item_id"] in held for i in items):
            raise SystemExit("a held product was shown")
        shown = json.dumps({"slot": result["slot"], "items": items}).encode()
        status, content = await client.post("/api/v1/exposure/impressions", shown, headers)
        if status != 200:
            raise SystemExit(f"impressions answered {status}: {content[:300]!r}")

    return job


# ---- the run ---------------------------------------------------------------------------------


async def bench(server: Server, args: argparse.Namespace, world: World) -> dict[int, list[Run]]:
    rng = random.Random(args.seed + 1)
    headers = {"Authorization": f"Bearer {world.token}"} | JSON
    client = make_client(args.client, server.base, args.concurrency)
    runs: dict[int, list[Run]] = {}
    try:
        for size in args.candidates:
            bodies = rank_bodies(world, size, min(args.requests, 1000), rng)

            def jobs(n: int, bodies: list[bytes] = bodies) -> list[Any]:
                return [
                    rank_job(bodies[i % len(bodies)], headers, i % 10 == 0, world.held)
                    for i in range(n)
                ]

            await closed_loop(client, jobs(args.warmup), args.concurrency)
            runs[size] = []
            for _ in range(args.reps):
                time.sleep(0.5)
                work: Callable[[], Awaitable[Run]] = partial(
                    closed_loop, client, jobs(args.requests), args.concurrency
                )
                before = _worker_ticks(server)
                runs[size].append(await measured(server, client, work))
                _progress(size, runs[size][-1], _busiest_share(before, _worker_ticks(server)))
    finally:
        await client.close()
    return runs


def _worker_ticks(server: Server) -> dict[int, int]:
    """CPU clock ticks so far of each worker process (the server's grandchildren or children)."""
    if server.proc is None:
        return {}
    stats = _process_stats()
    children = {pid for pid, (ppid, _) in stats.items() if ppid == server.proc.pid}
    grandchildren = {pid for pid, (ppid, _) in stats.items() if ppid in children}
    return {pid: stats[pid][1] for pid in (grandchildren or children)}


def _settle(server: Server, workers: int, timeout: float = 60.0) -> None:
    """Wait until every worker has started and gone idle.

    The server answers its health check as soon as one worker is up; connections opened before
    the others listen all stay with that one, and the run measures one core instead of two."""
    deadline, last = time.monotonic() + timeout, _worker_ticks(server)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = _worker_ticks(server)
        if len(now) >= workers and now == last:
            return
        last = now
    print("  the workers did not settle; measuring anyway", file=sys.stderr, flush=True)


def _busiest_share(before: dict[int, int], after: dict[int, int]) -> float | None:
    """The busiest worker's share of the workers' CPU during a run: 0.5 is an even split.

    The workers share one listening socket and the kernel hands each keep-alive connection to
    one of them, so a run can load one worker more than the other."""
    used = [after[pid] - before.get(pid, 0) for pid in after]
    return max(used) / sum(used) if len(used) > 1 and sum(used) else None


def _progress(size: int, run: Run, busiest: float | None) -> None:
    cpu = run.cpu_us(run.server_cpu)
    print(
        f"  {size:>5} candidates: {run.rate:,.0f}/s, p50 {run.pct(0.5):.1f} ms,"
        f" p99 {run.pct(0.99):.1f} ms"
        + (f", server CPU {cpu:,.0f} µs/request" if cpu is not None else "")
        + (f", busiest worker {busiest:.0%} of the workers' CPU" if busiest else "")
        + (f", background {run.background_cores:.2f} cores" if run.background_cores else ""),
        file=sys.stderr,
        flush=True,
    )


def _med(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def report(runs: dict[int, list[Run]], args: argparse.Namespace, command: str) -> str:
    lines = [
        f"command: {command}",
        f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC   cpus: {os.cpu_count()}"
        f"   python: {sys.version.split()[0]}   client: {args.client}"
        f" ({args.concurrency} keep-alive connections)   server processes: {args.workers}"
        f"   tiers: {'none (plain serve)' if args.plain else 'seeded'}",
        f"requests per run: {args.requests:,}   repetitions: {args.reps} (medians)   k = {K}"
        "   every 10th request followed by an impressions report (not in the latencies)",
        "",
    ]
    header = (
        f"{'candidates':>10} {'requests/s':>11} {'p50':>8} {'p99':>8}"
        f" {'server CPU':>11} {'client CPU':>11} {'background':>11}"
    )
    lines += [header, "-" * len(header)]
    for size, rs in runs.items():
        rate = _med([r.rate for r in rs]) or 0.0
        server = _med([r.cpu_us(r.server_cpu) for r in rs])
        client = _med([r.cpu_us(r.client_cpu) for r in rs])
        other = _med([r.background_cores for r in rs])
        lines.append(
            f"{size:>10,} {rate:>11,.0f} {_med([r.pct(0.5) for r in rs]) or 0:>6.1f}ms"
            f" {_med([r.pct(0.99) for r in rs]) or 0:>6.1f}ms"
            f" {f'{server:,.0f} µs' if server is not None else '—':>11}"
            f" {f'{client:,.0f} µs' if client is not None else '—':>11}"
            f" {f'{other:.2f} cores' if other is not None else '—':>11}"
        )
    lines.append("")
    for size, rs in runs.items():
        rate = _med([r.rate for r in rs]) or 0.0
        mark = "met" if rate >= GOAL_RPS else "MISSED"
        lines.append(f"goal ≥ {GOAL_RPS:,} rank requests/s with {size:,} candidates: {mark}")
    return "\n".join(lines)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, nargs="+", default=[100, 300, 1000])
    parser.add_argument("--requests", type=int, default=3000, help="rank requests per run")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--merchants", type=int, default=400)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--client", choices=("httpx", "aiohttp"), default="aiohttp")
    parser.add_argument("--plain", action="store_true", help="run `aftersales serve` itself")
    parser.add_argument("--quick", action="store_true", help="small numbers, for a smoke run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--serve-tiered", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.reps, args.warmup, args.merchants = 300, 1, 50, 60
    return args


def _server(args: argparse.Namespace, tmp: Path, db_url: str, world: World) -> Server:
    tiers_file = tmp / "tiers.json"
    tiers_file.write_text(json.dumps(world.tiers))
    env = os.environ | {
        "AFTERSALES_DATA_DIR": str(tmp),
        "AFTERSALES_DATABASE_URL": db_url,
        TIERS_FILE: str(tiers_file),
        "PYTHONUNBUFFERED": "1",
    }
    port = free_port()
    if args.plain:
        cli = "import sys; from aftersales.cli import app; sys.exit(app(prog_name='aftersales'))"
        cmd = [sys.executable, "-c", cli, "serve", "--host", HOST, "--port", str(port)]
        cmd += ["--db", db_url, "--no-sweep", "--workers", str(args.workers)]
    else:
        here = Path(__file__).resolve()
        cmd = [sys.executable, str(here), "--serve-tiered", str(port)]
        cmd += ["--workers", str(args.workers)]
    return Server("aftersales", cmd, env, tmp / "server.log", port)


def main(argv: list[str]) -> None:
    args = parse(argv)
    if args.serve_tiered:
        serve_tiered(args.serve_tiered, args.workers)
        return
    command = "uv run python bench/exposure_http.py" + "".join(f" {shlex.quote(a)}" for a in argv)
    tmp = Path(tempfile.mkdtemp(prefix="aftersales-exposure-bench-"))
    db_url = f"sqlite:///{tmp / 'aftersales.db'}"
    print(f"seeding {args.merchants} shops into {db_url} …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    world = seed(db_url, tmp, args.merchants, random.Random(args.seed))
    print(
        f"  seeded in {time.perf_counter() - started:.1f} s: {len(world.products):,} products,"
        f" {len(world.content)} content items, {len(world.held)} held",
        file=sys.stderr,
        flush=True,
    )
    server = _server(args, tmp, db_url, world)
    server.start()
    try:
        _settle(server, args.workers)
        runs = _run(server, args, world)
    finally:
        server.stop()
    print(report(runs, args, command))
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(server: Server, args: argparse.Namespace, world: World) -> dict[int, list[Run]]:
    loop = _new_loop()
    try:
        return loop.run_until_complete(bench(server, args, world))
    finally:
        loop.close()


if __name__ == "__main__":
    main(sys.argv[1:])
