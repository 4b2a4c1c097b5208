"""In-process timing of case openings: what dispatch and the automatic first reply add.

Not a test (pytest never collects ``bench/``). It seeds a fresh database through the real use
cases, opens ``--cases`` cases with ``services.cases.open_case`` (no HTTP), and prints the
median and p99 of the whole opening and of its write transaction (the part every writer of
every process queues for on SQLite), plus the statements that transaction ran::

    uv run python bench/dispatch_opening.py                      # SQLite in a temp directory
    uv run python bench/dispatch_opening.py --agents 4           # 4 online agents per merchant
    uv run python bench/dispatch_opening.py --db postgresql+psycopg://postgres@127.0.0.1/test

``--agents 0`` leaves every case in the unassigned backlog; ``--no-auto-reply`` switches the
automatic first reply off (both need the dispatch code; the script also runs on code without it,
which is how the "before" figures in docs/triage.md were taken).
"""

# ruff: noqa: RUF001 (Chinese punctuation in Chinese complaints)

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TEXTS = (
    "屏幕有坏点，刚用两天",
    "The zipper broke the first time I wore it",
    "电池续航很差，半天就没电了",
    "Wrong colour, I ordered navy and got black",
    "快递外包装破损，商品有划痕",
    "The app keeps crashing after the update",
)


@dataclass
class Timings:
    openings: list[float] = field(default_factory=list)
    writes: list[float] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    # CPU time of this thread: what the code costs, much less moved by other jobs on the machine
    opening_cpu: list[float] = field(default_factory=list)
    write_cpu: list[float] = field(default_factory=list)


def main() -> None:
    args = _arguments()
    with _database(args.db) as url:
        timings = run(url, args)
    _report(args, timings)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: SQLite in a temporary directory)")
    parser.add_argument("--cases", type=int, default=1500)
    parser.add_argument("--merchants", type=int, default=10)
    parser.add_argument("--agents", type=int, default=-1, help="online agents per merchant")
    parser.add_argument("--no-auto-reply", action="store_true")
    parser.add_argument("--warmup", type=int, default=100)
    return parser.parse_args()


@contextmanager
def _database(url: str | None) -> Iterator[str]:
    if url is None:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"aftersales_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(url: str, args: argparse.Namespace) -> Timings:
    from aftersales.bootstrap import bootstrap
    from aftersales.config import Settings
    from aftersales.domain.clock import ManualClock

    with tempfile.TemporaryDirectory() as data:
        settings: Any = Settings(env="test", data_dir=Path(data), database_url=url)
        if args.no_auto_reply:
            settings = settings.model_copy(update={"auto_reply": False})
        ctx = bootstrap(settings, clock=ManualClock(START))
        try:
            lines = _seed(ctx, args)
            return _open_all(ctx, lines, args.warmup)
        finally:
            ctx.close()


def _seed(ctx: Any, args: argparse.Namespace) -> list[tuple[str, str]]:
    from aftersales.domain.actors import Actor, Role
    from aftersales.domain.catalog import (
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

    integration = Actor(Role.INTEGRATION)
    for m in range(args.merchants):
        store = Store(f"s{m}", f"m{m}", StoreKind.ONLINE, f"shop {m}", "CN-SH")
        catalog.put_merchant(ctx, integration, Merchant(f"m{m}", f"merchant {m}", (store,)))
        product = Product(f"p{m}", f"m{m}", "digital/phone", "Phone", "Acme", "X1", {})
        catalog.put_product(ctx, integration, product)
        _agents(ctx, f"m{m}", args.agents)
    _agents(ctx, None, args.agents)
    total = args.cases + args.warmup
    lines = []
    for k in range(total):
        m, c = k % args.merchants, f"c{k}"
        catalog.put_consumer(ctx, integration, Consumer(c, c, "CN-SH"))
        line = OrderLine(f"l{k}", f"o{k}", f"p{m}", 99900, 1)
        placed = START - timedelta(days=3)
        order = Order(
            f"o{k}", f"m{m}", c, f"s{m}", Channel.ONLINE, "CN-SH", placed, (line,), placed, placed
        )
        catalog.push_order(ctx, integration, order)
        lines.append((c, f"l{k}"))
    return lines


def _agents(ctx: Any, merchant: str | None, n: int) -> None:
    if n <= 0:
        return
    from aftersales.domain.actors import Actor, Role
    from aftersales.services import agents

    if merchant is None:
        queues = ("human_triage", "product_safety", "food_safety", "arbitration")
    else:
        queues = ("technical_support", "general")
    for i in range(n):
        cmd = agents.AddAgent(
            name=f"agent {merchant or 'platform'} {i}",
            merchant_id=merchant,
            queues=queues,
            languages=("zh", "en"),
            capacity=1000,
        )
        agents.add_agent(ctx, Actor(Role.OPERATOR, "bench"), cmd)


def _open_all(ctx: Any, lines: list[tuple[str, str]], warmup: int) -> Timings:
    from aftersales.domain.actors import Actor, Role
    from aftersales.domain.cases_types import CaseType
    from aftersales.services.cases import OpenCase, open_case

    timings = Timings()
    probe = _WriteProbe(ctx)
    for n, (consumer, line) in enumerate(lines):
        cmd = OpenCase(line, CaseType.RETURN_REFUND, TEXTS[n % len(TEXTS)])
        probe.reset()
        started, cpu = time.perf_counter(), time.thread_time()
        open_case(ctx, Actor(Role.CONSUMER, consumer), cmd)
        elapsed, cpu = time.perf_counter() - started, time.thread_time() - cpu
        if n >= warmup:
            timings.openings.append(elapsed)
            timings.writes.append(probe.write_seconds)
            timings.statements.append(probe.write_statements)
            timings.opening_cpu.append(cpu)
            timings.write_cpu.append(probe.write_cpu)
    return timings


class _WriteProbe:
    """Times the write transactions of the context's units of work, and counts their statements."""

    def __init__(self, ctx: Any) -> None:
        self.write_seconds = 0.0
        self.write_cpu = 0.0
        self.write_statements = 0
        self._in_write = False
        make = ctx.uow

        def uow(*, read_only: bool = False) -> Any:
            unit = make(read_only=read_only)
            return unit if read_only else _Timed(unit, self)

        ctx.uow = uow
        engine = make(read_only=True)._engine
        event.listen(engine, "before_cursor_execute", self._count)

    def reset(self) -> None:
        self.write_seconds, self.write_cpu, self.write_statements = 0.0, 0.0, 0

    def _count(self, *_: Any) -> None:
        if self._in_write:
            self.write_statements += 1


class _Timed:
    def __init__(self, unit: Any, probe: _WriteProbe) -> None:
        self._unit, self._probe = unit, probe

    def __enter__(self) -> Any:
        self._started, self._cpu = time.perf_counter(), time.thread_time()
        self._probe._in_write = True
        return self._unit.__enter__()

    def __exit__(self, *exc: Any) -> None:
        try:
            self._unit.__exit__(*exc)
        finally:
            self._probe._in_write = False
            self._probe.write_seconds += time.perf_counter() - self._started
            self._probe.write_cpu += time.thread_time() - self._cpu


def _report(args: argparse.Namespace, t: Timings) -> None:
    def ms(values: list[float], q: float) -> str:
        ordered = sorted(values)
        return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.3f}"

    print(
        f"database: {args.db or 'sqlite (temp file)'}   cases: {len(t.openings)}   "
        f"agents/merchant: {args.agents}   auto reply: {not args.no_auto_reply}"
    )
    print(f"opening          p50 {ms(t.openings, 0.5)} ms   p99 {ms(t.openings, 0.99)} ms")
    print(f"write txn        p50 {ms(t.writes, 0.5)} ms   p99 {ms(t.writes, 0.99)} ms")
    print(f"opening CPU      p50 {ms(t.opening_cpu, 0.5)} ms   mean {_mean_ms(t.opening_cpu)} ms")
    print(f"write txn CPU    p50 {ms(t.write_cpu, 0.5)} ms   mean {_mean_ms(t.write_cpu)} ms")
    print(f"openings/s (one thread): {len(t.openings) / sum(t.openings):.0f}")
    print(f"statements in the write txn (incl. BEGIN/COMMIT): {statistics.median(t.statements)}")


def _mean_ms(values: list[float]) -> str:
    return f"{statistics.fmean(values) * 1000:.3f}"


if __name__ == "__main__":
    main()
