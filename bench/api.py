"""API benchmark: case openings and the full case flow over real HTTP, against a bare baseline.

Not a test (pytest never collects ``bench/``). Run it from the project root::

    uv run python bench/api.py            # the full run (a few minutes)
    uv run python bench/api.py --quick    # a smoke run (well under a minute)

What it does:

1. Seeds a fresh SQLite database in a temporary directory through the real use cases
   (merchants, products, consumers, orders with enough order lines that every case opening
   uses a fresh line, and one bearer token per consumer and per merchant).
2. Starts the real server as a subprocess (``aftersales serve --no-sweep``) on a free port.
3. Phase A (throughput, closed loop): ``--openings`` case openings from ``--concurrency``
   keep-alive connections, then ``--flow-cases`` full flows open → propose → accept → complete.
4. Phase B (latency at a fixed rate, open loop): openings scheduled at ``--rate`` per second for
   ``--seconds``; latency counts from the moment a request was *due*, so a stalled server cannot
   hide its queue (no coordinated omission).
5. Does phases A and B again against a bare FastAPI app (one POST endpoint with a Pydantic body)
   under the same uvicorn settings, and prints both with the ratios aftersales / bare.

Every figure is the median over ``--reps`` repetitions. The client runs on uvloop when it is
installed and sends pre-encoded bodies, so that it takes as little as it can of the two cores it
shares with the server; its CPU time per request is printed next to the server's.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel

HOST = "127.0.0.1"
# The uvicorn settings of ``aftersales serve`` (src/aftersales/cli/main.py); the bare baseline runs
# under exactly these, so that the ratio measures the application, not the server set-up.
UVICORN_SETTINGS: dict[str, Any] = {"log_level": "warning", "access_log": False}

# ---- the bare baseline app ------------------------------------------------------------------


class BareBody(BaseModel):
    order_line_id: str
    type: str
    description: str


def bare_app() -> Any:
    """A bare FastAPI app: one POST endpoint with a Pydantic body that returns JSON."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.post("/api/v1/cases", status_code=201)
    async def create(body: BareBody) -> dict[str, str]:
        return {"id": "cs_bare", "order_line_id": body.order_line_id, "state": "opened"}

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def serve_bare(port: int, workers: int) -> None:
    """Serves ``bare_app`` with as many worker processes as the aftersales server gets."""
    import uvicorn

    if workers == 1:
        uvicorn.run(bare_app(), host=HOST, port=port, **UVICORN_SETTINGS)
        return
    here = str(Path(__file__).resolve().parent)
    uvicorn.run(
        f"{Path(__file__).stem}:bare_app",
        factory=True,
        app_dir=here,
        workers=workers,
        host=HOST,
        port=port,
        **UVICORN_SETTINGS,
    )


# ---- seeding --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    """A fresh order line, with the tokens of its consumer and of its merchant."""

    id: str
    amount: str  # yuan, as the API writes money
    consumer: dict[str, str]  # Authorization header
    merchant: dict[str, str]


_PRODUCTS = (
    ("digital/phone", 299900),
    ("apparel/knitwear", 45000),
    ("appliance/heater", 19900),
)


def seed(db_url: str, data_dir: Path, merchants: int, consumers: int, lines: int) -> list[Line]:
    """Master data, orders and tokens, written through the use cases as the API would."""
    from aftersales.bootstrap import bootstrap
    from aftersales.config import Settings
    from aftersales.domain.actors import Actor, Role
    from aftersales.domain.catalog import (
        Batch,
        Channel,
        Consumer,
        Merchant,
        Order,
        OrderLine,
        Product,
        Store,
        StoreKind,
    )
    from aftersales.services import catalog
    from aftersales.services.tokens import create_token

    ctx = bootstrap(Settings(data_dir=data_dir, database_url=db_url))
    integration = Actor(Role.INTEGRATION)
    now = datetime.now(UTC)
    try:
        merchant_auth: list[dict[str, str]] = []
        for m in range(merchants):
            mid = f"m{m}"
            store = Store(f"s{m}", mid, StoreKind.ONLINE, f"shop {m}", "CN-BJ")
            catalog.put_merchant(ctx, integration, Merchant(mid, f"Merchant {m}", (store,)))
            for p, (category, _) in enumerate(_PRODUCTS):
                pid = f"p{m}-{p}"
                batch = (Batch(f"b{m}-{p}", pid, "L2026"),)
                product = Product(pid, mid, category, f"product {p}", "Acme", "X", {}, batch)
                catalog.put_product(ctx, integration, product)
            secret = create_token(ctx, Actor(Role.MERCHANT_AGENT, mid), "bench")[1]
            merchant_auth.append({"Authorization": f"Bearer {secret}"})
        consumer_auth: list[dict[str, str]] = []
        for c in range(consumers):
            catalog.put_consumer(ctx, integration, Consumer(f"c{c}", f"consumer {c}", "CN-SH"))
            secret = create_token(ctx, Actor(Role.CONSUMER, f"c{c}"), "bench")[1]
            consumer_auth.append({"Authorization": f"Bearer {secret}"})
        per_order = 4
        orders = math.ceil(lines / per_order)
        slots: list[list[Line]] = [[] for _ in range(per_order)]
        for k in range(orders):
            m, c = k % merchants, k % consumers
            order_lines = []
            for j in range(per_order):
                p = (k + j) % len(_PRODUCTS)
                price = _PRODUCTS[p][1]
                order_lines.append(OrderLine(f"l{k}-{j}", f"o{k}", f"p{m}-{p}", price, 1))
                amount = f"{price // 100}.{price % 100:02d}"
                slots[j].append(Line(f"l{k}-{j}", amount, consumer_auth[c], merchant_auth[m]))
            order = Order(
                f"o{k}",
                f"m{m}",
                f"c{c}",
                f"s{m}",
                Channel.ONLINE,
                "CN-SH",
                now - timedelta(days=3),
                tuple(order_lines),
                paid_at=now - timedelta(days=3),
                delivered_at=now - timedelta(days=1),
            )
            catalog.push_order(ctx, integration, order)
    finally:
        ctx.close()
    # Consecutive openings come from different consumers, orders and merchants.
    return [line for slot in slots for line in slot][:lines]


# ---- the server under test ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    cmd: list[str]
    env: dict[str, str]
    log: Path
    port: int
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(self.cmd, env=self.env, stdout=out, stderr=out)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} server exited early:\n{self.log.read_text()}")
            health = f"{self.base}/healthz"
            with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=1) as answer:
                if answer.status == 200:
                    return
            time.sleep(0.1)
        raise SystemExit(f"{self.name} server did not come up:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the server and its worker processes so far (Linux only)."""
        if self.proc is None:
            return None
        stats = _process_stats()
        if self.proc.pid not in stats:
            return None
        tree = {self.proc.pid}
        # /proc lists parents before their children often, not always: loop until stable.
        while True:
            more = {pid for pid, (ppid, _) in stats.items() if ppid in tree} - tree
            if not more:
                break
            tree |= more
        return sum(stats[pid][1] for pid in tree) / os.sysconf("SC_CLK_TCK")


def _process_stats() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, user + system clock ticks) for every process we can read."""
    stats: dict[int, tuple[int, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return stats


# ---- the client -----------------------------------------------------------------------------


class Client(Protocol):
    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]: ...

    async def close(self) -> None: ...


class HttpxClient:
    def __init__(self, base: str, connections: int) -> None:
        import httpx

        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        self._client = httpx.AsyncClient(base_url=base, limits=limits, timeout=60)

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        response = await self._client.post(path, content=body, headers=headers)
        return response.status_code, response.content

    async def close(self) -> None:
        await self._client.aclose()


class AiohttpClient:
    def __init__(self, base: str, connections: int) -> None:
        import aiohttp

        self._base = base
        connector = aiohttp.TCPConnector(limit=connections, force_close=False)
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=60),
            skip_auto_headers=["User-Agent"],
        )

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        async with self._session.post(self._base + path, data=body, headers=headers) as response:
            return response.status, await response.read()

    async def close(self) -> None:
        await self._session.close()


def make_client(kind: str, base: str, connections: int) -> Client:
    return AiohttpClient(base, connections) if kind == "aiohttp" else HttpxClient(base, connections)


JSON = {"Content-Type": "application/json"}


def _opening(line: Line) -> tuple[bytes, dict[str, str]]:
    body = {"order_line_id": line.id, "type": "return_refund", "description": "屏幕有坏点"}
    return json.dumps(body, ensure_ascii=False).encode(), line.consumer | JSON


class Failed(Exception):
    pass


async def _call(
    client: Client, path: str, body: bytes, headers: dict[str, str], want: int
) -> bytes:
    status, content = await client.post(path, body, headers)
    if status != want:
        raise Failed(f"POST {path} answered {status}: {content[:300]!r}")
    return content


# ---- measurements ---------------------------------------------------------------------------


@dataclass
class Run:
    """One measured run: how many operations in how long, and every request's latency."""

    ops: int
    seconds: float
    latencies: list[float]
    server_cpu: float | None = None
    client_cpu: float = 0.0
    background_cores: float | None = None
    by_step: dict[str, list[float]] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.ops / self.seconds

    def pct(self, q: float, values: list[float] | None = None) -> float:
        data = sorted(self.latencies if values is None else values)
        return data[min(len(data) - 1, math.ceil(q * len(data)) - 1)] * 1000

    def cpu_us(self, seconds: float | None) -> float | None:
        return None if seconds is None else seconds / len(self.latencies) * 1e6


Measure = Callable[[Client], Awaitable[Run]]


async def closed_loop(
    client: Client, jobs: list[Callable[[Client, list[float]], Awaitable[None]]], workers: int
) -> Run:
    """Run the jobs from ``workers`` concurrent tasks, each starting a job when the last ends."""
    latencies: list[float] = []
    queue: Iterator[Callable[[Client, list[float]], Awaitable[None]]] = iter(jobs)

    async def worker() -> None:
        for job in queue:
            await job(client, latencies)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return Run(len(jobs), time.perf_counter() - start, latencies)


def opening_job(path: str, body: bytes, headers: dict[str, str]) -> Any:
    async def job(client: Client, latencies: list[float]) -> None:
        t = time.perf_counter()
        await _call(client, path, body, headers, 201)
        latencies.append(time.perf_counter() - t)

    return job


def flow_job(line: Line, by_step: dict[str, list[float]]) -> Any:
    """open → propose → accept → complete, each step timed on its own."""
    open_body, open_headers = _opening(line)
    proposal = json.dumps({"resolution": "return_refund", "amount": line.amount}).encode()
    merchant = line.merchant | JSON

    async def job(client: Client, latencies: list[float]) -> None:
        async def step(
            name: str, path: str, body: bytes, headers: dict[str, str], want: int
        ) -> bytes:
            t = time.perf_counter()
            content = await _call(client, path, body, headers, want)
            took = time.perf_counter() - t
            latencies.append(took)
            by_step.setdefault(name, []).append(took)
            return content

        opened = await step("open", "/api/v1/cases", open_body, open_headers, 201)
        case = f"/api/v1/cases/{json.loads(opened)['id']}"
        await step("propose", f"{case}/proposals", proposal, merchant, 200)
        await step("accept", f"{case}/accept", b"", line.consumer, 200)
        await step("complete", f"{case}/complete", b'{"note":"refunded"}', merchant, 200)

    return job


async def open_loop(
    client: Client, requests: list[tuple[bytes, dict[str, str]]], rate: float
) -> Run:
    """Send each request at its due time (``rate`` per second) whatever the earlier ones do."""
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    failures: list[BaseException] = []
    done = loop.create_future()
    pending = len(requests)

    async def one(due: float, body: bytes, headers: dict[str, str]) -> None:
        nonlocal pending
        try:
            await _call(client, "/api/v1/cases", body, headers, 201)
            latencies.append(loop.time() - due)  # from when it was due, not when it was sent
        except Exception as exc:  # reported once all are done
            failures.append(exc)
        pending -= 1
        if pending == 0 and not done.done():
            done.set_result(None)

    tasks: set[asyncio.Task[None]] = set()

    def fire(due: float, body: bytes, headers: dict[str, str]) -> None:
        task = loop.create_task(one(due, body, headers))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    start = loop.time() + 0.05
    for i, (body, headers) in enumerate(requests):
        due = start + i / rate
        loop.call_at(due, fire, due, body, headers)
    await done
    if failures:
        raise failures[0]
    return Run(len(requests), loop.time() - start, latencies)


def machine_busy_seconds() -> float | None:
    """CPU time every process on the machine has used since boot (Linux only)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


async def measured(server: Server, client: Client, run: Callable[[], Awaitable[Run]]) -> Run:
    cpu0, own0, all0 = server.cpu_seconds(), time.process_time(), machine_busy_seconds()
    result = await run()
    cpu1, all1 = server.cpu_seconds(), machine_busy_seconds()
    result.server_cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
    result.client_cpu = time.process_time() - own0
    if result.server_cpu is not None and all0 is not None and all1 is not None:
        # Cores kept busy by anything but this benchmark: other work on a shared machine.
        other = all1 - all0 - result.server_cpu - result.client_cpu
        result.background_cores = max(0.0, other) / result.seconds
    return result


# ---- the benchmark --------------------------------------------------------------------------


@dataclass
class Results:
    openings: list[Run] = field(default_factory=list)
    flows: list[Run] = field(default_factory=list)
    fixed_rate: list[Run] = field(default_factory=list)


class Lines:
    """Hands out fresh order lines; each is used by exactly one opening."""

    def __init__(self, lines: list[Line]) -> None:
        self._lines = lines
        self._next = 0

    def take(self, n: int) -> list[Line]:
        if self._next + n > len(self._lines):
            raise SystemExit("ran out of seeded order lines; this is a bug in the line budget")
        taken = self._lines[self._next : self._next + n]
        self._next += n
        return taken


def _pause() -> None:
    time.sleep(0.5)  # let the server settle (and SQLite checkpoint) between runs


async def bench_aftersales(server: Server, args: argparse.Namespace, lines: Lines) -> Results:
    results = Results()
    client = make_client(args.client, server.base, args.concurrency)
    try:
        path = "/api/v1/cases"
        warm = [opening_job(path, *_opening(ln)) for ln in lines.take(args.warmup)]
        await closed_loop(client, warm, args.concurrency)
        for _ in range(args.reps):
            _pause()
            jobs = [opening_job(path, *_opening(ln)) for ln in lines.take(args.openings)]
            results.openings.append(
                await measured(server, client, partial(closed_loop, client, jobs, args.concurrency))
            )
            _progress("aftersales openings", results.openings[-1])
        for _ in range(args.reps):
            _pause()
            by_step: dict[str, list[float]] = {}
            jobs = [flow_job(ln, by_step) for ln in lines.take(args.flow_cases)]
            run = await measured(
                server, client, partial(closed_loop, client, jobs, args.concurrency)
            )
            run.by_step = by_step
            results.flows.append(run)
            _progress("aftersales full flows", run)
        for _ in range(args.reps):
            _pause()
            requests = [_opening(ln) for ln in lines.take(round(args.rate * args.seconds))]
            results.fixed_rate.append(
                await measured(server, client, partial(open_loop, client, requests, args.rate))
            )
            _progress(f"aftersales at {args.rate:g}/s", results.fixed_rate[-1])
    finally:
        await client.close()
    return results


async def bench_bare(server: Server, args: argparse.Namespace) -> Results:
    results = Results()
    client = make_client(args.client, server.base, args.concurrency)
    body = json.dumps(
        {"order_line_id": "l1", "type": "return_refund", "description": "屏幕有坏点"},
        ensure_ascii=False,
    ).encode()
    headers = {"Authorization": "Bearer ast_not_checked"} | JSON
    try:
        path = "/api/v1/cases"
        await closed_loop(
            client, [opening_job(path, body, headers)] * args.warmup, args.concurrency
        )
        for _ in range(args.reps):
            _pause()
            jobs = [opening_job(path, body, headers)] * args.openings
            results.openings.append(
                await measured(server, client, partial(closed_loop, client, jobs, args.concurrency))
            )
            _progress("bare openings", results.openings[-1])
        for _ in range(args.reps):
            _pause()
            requests = [(body, headers)] * round(args.rate * args.seconds)
            results.fixed_rate.append(
                await measured(server, client, partial(open_loop, client, requests, args.rate))
            )
            _progress(f"bare at {args.rate:g}/s", results.fixed_rate[-1])
    finally:
        await client.close()
    return results


def _progress(what: str, run: Run) -> None:
    server = run.cpu_us(run.server_cpu)
    other = run.background_cores
    print(
        f"  {what}: {run.rate:,.0f}/s, p50 {run.pct(0.5):.1f} ms, p99 {run.pct(0.99):.1f} ms"
        + (f", server CPU {server:,.0f} µs/request" if server is not None else "")
        + (f", background load {other:.2f} cores" if other is not None else ""),
        file=sys.stderr,
        flush=True,
    )


# ---- report ---------------------------------------------------------------------------------


def _med(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _rows(
    mine: Results, bare: Results | None, rate: float
) -> list[tuple[str, float | None, float | None, str]]:
    """(metric, aftersales, bare, unit) — every figure the median over the repetitions."""

    def throughput(runs: list[Run]) -> float | None:
        return _med([r.rate for r in runs]) if runs else None

    def pct(runs: list[Run], q: float) -> float | None:
        return _med([r.pct(q) for r in runs]) if runs else None

    def server_cpu(runs: list[Run]) -> float | None:
        return _med([r.cpu_us(r.server_cpu) for r in runs]) if runs else None

    def client_cpu(runs: list[Run]) -> float | None:
        return _med([r.cpu_us(r.client_cpu) for r in runs]) if runs else None

    b = bare or Results()
    rows = [
        ("A  openings/s", throughput(mine.openings), throughput(b.openings), "/s"),
        ("A  opening p50", pct(mine.openings, 0.5), pct(b.openings, 0.5), "ms"),
        ("A  opening p99", pct(mine.openings, 0.99), pct(b.openings, 0.99), "ms"),
        ("A  server CPU per opening", server_cpu(mine.openings), server_cpu(b.openings), "µs"),
        ("A  client CPU per opening", client_cpu(mine.openings), client_cpu(b.openings), "µs"),
        ("A' full flows (4 requests)/s", throughput(mine.flows), None, "/s"),
        ("A' flow request p50", pct(mine.flows, 0.5), None, "ms"),
        ("A' flow request p99", pct(mine.flows, 0.99), None, "ms"),
    ]
    every = [*mine.openings, *mine.flows, *mine.fixed_rate]
    every_bare = [*b.openings, *b.fixed_rate]
    background = _med([r.background_cores for r in every]) if every else None
    background_bare = _med([r.background_cores for r in every_bare]) if every_bare else None
    rows += [
        (f"B  opening p50 at {rate:g}/s", pct(mine.fixed_rate, 0.5), pct(b.fixed_rate, 0.5), "ms"),
        (
            f"B  opening p99 at {rate:g}/s",
            pct(mine.fixed_rate, 0.99),
            pct(b.fixed_rate, 0.99),
            "ms",
        ),
        ("B  achieved rate", throughput(mine.fixed_rate), throughput(b.fixed_rate), "/s"),
        ("background load (other processes)", background, background_bare, "cores"),
    ]
    return rows


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "µs":
        return f"{value:,.0f} µs"
    if unit == "cores":
        return f"{value:.2f}"
    return f"{value:,.0f}/s"


def report(mine: Results, bare: Results | None, args: argparse.Namespace, command: str) -> str:
    lines = [
        f"command: {command}",
        f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC   cpus: {os.cpu_count()}"
        f"   python: {sys.version.split()[0]}"
        f"   client: {args.client} ({args.concurrency} keep-alive connections)"
        f"   server processes: {args.workers}",
        f"repetitions: {args.reps} (every figure is the median)   openings: {args.openings}"
        f"   full flows: {args.flow_cases}   fixed rate: {args.rate:g}/s for {args.seconds:g} s",
        "",
    ]
    header = f"{'metric':<36} {'aftersales':>12} {'bare':>12} {'ratio':>8}"
    lines += [header, "-" * len(header)]
    for name, a, b, unit in _rows(mine, bare, args.rate):
        ratio = f"{a / b:.2f}" if a is not None and b and unit != "cores" else ""
        lines.append(f"{name:<36} {_fmt(a, unit):>12} {_fmt(b, unit):>12} {ratio:>8}")
    if mine.flows:
        lines += ["", f"{'full flow, per step':<36} {'p50':>12} {'p99':>12}"]
        for step in ("open", "propose", "accept", "complete"):
            p50 = _med([r.pct(0.5, r.by_step[step]) for r in mine.flows if step in r.by_step])
            p99 = _med([r.pct(0.99, r.by_step[step]) for r in mine.flows if step in r.by_step])
            name = "A' " + step
            lines.append(f"{name:<36} {_fmt(p50, 'ms'):>12} {_fmt(p99, 'ms'):>12}")
    lines.append("")
    openings = _med([r.rate for r in mine.openings])
    p99 = _med([r.pct(0.99) for r in mine.fixed_rate])
    if openings is not None:
        mark = "met" if openings >= 500 else "MISSED"
        lines.append(f"goal ≥ 500 openings/s: {mark} ({openings:,.0f}/s)")
    if p99 is not None:
        mark = "met" if p99 < 50 else "MISSED"
        lines.append(f"goal p99 < 50 ms at {args.rate:g}/s: {mark} ({p99:.1f} ms)")
    return "\n".join(lines)


# ---- main -----------------------------------------------------------------------------------


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--openings", type=int, default=3000, help="openings per phase A run")
    parser.add_argument("--flow-cases", type=int, default=500, help="full flows per run")
    parser.add_argument("--rate", type=float, default=200, help="phase B requests per second")
    parser.add_argument("--seconds", type=float, default=10, help="phase B duration")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (medians are printed)")
    parser.add_argument("--concurrency", type=int, default=16, help="keep-alive connections")
    parser.add_argument(
        "--workers", type=int, default=2, help="server processes, for both servers (default 2)"
    )
    parser.add_argument("--warmup", type=int, default=200, help="openings before measuring")
    parser.add_argument("--merchants", type=int, default=20)
    parser.add_argument("--consumers", type=int, default=2000)
    parser.add_argument("--client", choices=("httpx", "aiohttp"), default=_default_client())
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare FastAPI app")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--quick", action="store_true", help="small numbers, for a smoke run")
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="attach py-spy to the aftersales server and write collapsed stacks to FILE "
        "(run as: uv run --with py-spy python bench/api.py --profile out.txt)",
    )
    parser.add_argument(
        "--profile-idle",
        action="store_true",
        help="py-spy: sample every thread, idle ones too (default: only the GIL holder)",
    )
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.openings, args.flow_cases, args.seconds = 300, 50, 2
        args.reps, args.warmup, args.consumers = 1, 50, 200
    return args


def _profiler(server: Server, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """py-spy sampling the server until interrupted; collapsed stacks, one line per stack."""
    assert server.proc is not None
    cmd = ["py-spy", "record", "--pid", str(server.proc.pid), "--format", "raw", "--rate", "250"]
    cmd += ["--output", str(Path(args.profile).resolve()), "--nonblocking"]
    # --gil: only the thread holding the GIL, i.e. where the Python CPU time goes; --idle: every
    # thread, waiting ones too (lock waits, I/O).
    cmd.append("--idle" if args.profile_idle else "--gil")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)  # let it attach
    return proc


def _default_client() -> str:
    try:
        import aiohttp  # noqa: F401
    except ImportError:
        return "httpx"
    return "aiohttp"


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


def main(argv: list[str]) -> None:
    args = parse(argv)
    if args.serve_bare:
        serve_bare(args.serve_bare, args.workers)
        return
    command = "uv run python bench/api.py" + "".join(f" {shlex.quote(a)}" for a in argv)
    tmp = Path(tempfile.mkdtemp(prefix="aftersales-bench-"))
    db_url = f"sqlite:///{tmp / 'aftersales.db'}"
    needed = args.warmup + args.reps * (
        args.openings + args.flow_cases + round(args.rate * args.seconds)
    )
    print(f"seeding {needed:,} order lines into {db_url} …", file=sys.stderr, flush=True)
    started = time.perf_counter()
    lines = Lines(seed(db_url, tmp, args.merchants, args.consumers, needed))
    print(f"  seeded in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)

    env = os.environ | {"AFTERSALES_DATA_DIR": str(tmp), "PYTHONUNBUFFERED": "1"}
    cli = "import sys; from aftersales.cli import app; sys.exit(app(prog_name='aftersales'))"
    port = free_port()
    app_server = Server(
        "aftersales",
        [
            sys.executable,
            "-c",
            cli,
            "serve",
            "--host",
            HOST,
            "--port",
            str(port),
            "--db",
            db_url,
            "--no-sweep",
            "--workers",
            str(args.workers),
        ],
        env,
        tmp / "server.log",
        port,
    )
    port = free_port()
    bare_server = Server(
        "bare",
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--serve-bare",
            str(port),
            "--workers",
            str(args.workers),
        ],
        env,
        tmp / "bare.log",
        port,
    )
    loop = _new_loop()
    try:
        print("aftersales server …", file=sys.stderr, flush=True)
        app_server.start()
        profiler = _profiler(app_server, args) if args.profile else None
        try:
            mine = loop.run_until_complete(bench_aftersales(app_server, args, lines))
        finally:
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)
                profiler.wait(timeout=60)
            app_server.stop()
        bare = None
        if not args.no_baseline:
            print("bare FastAPI server …", file=sys.stderr, flush=True)
            bare_server.start()
            try:
                bare = loop.run_until_complete(bench_bare(bare_server, args))
            finally:
                bare_server.stop()
    finally:
        loop.close()
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    print()
    print(report(mine, bare, args, command))


if __name__ == "__main__":
    main(sys.argv[1:])
