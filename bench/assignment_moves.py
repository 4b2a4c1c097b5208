"""In-process timing of case moves: what the assignment history adds to each one.

Not a test (pytest never collects ``bench/``). It seeds a fresh database through the real use
cases — one merchant, two agents, ``--cases`` cases — then has an operator hand the cases back
and forth between the agents ``--moves`` times (``services.assignment.assign``, no HTTP) and
prints the median and p99 CPU time of a move::

    uv run python bench/assignment_moves.py                 # SQLite in a temp directory
    uv run python bench/assignment_moves.py --no-history    # the same without the history rows
    uv run python bench/assignment_moves.py --db postgresql+psycopg://postgres@127.0.0.1/test

``--no-history`` replaces the repository's closing of holdings with nothing, to show what the
history costs; the moves themselves are the same.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

START = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="database URL (default: SQLite in a temporary directory)")
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--moves", type=int, default=400)
    parser.add_argument("--no-history", action="store_true")
    args = parser.parse_args()
    if args.no_history:
        from aftersales.store.assignments import AssignmentRepository

        AssignmentRepository._close = lambda *_, **__: None  # type: ignore[method-assign]
    with _database(args.db) as url:
        cpu = run(url, args)
    history = "without" if args.no_history else "with"
    print(f"{args.moves} moves {history} the history, after {args.cases} warm-up")
    print(f"move CPU  p50 {statistics.median(cpu) * 1e3:.3f} ms", end="  ")
    print(f"p99 {statistics.quantiles(cpu, n=100)[98] * 1e3:.3f} ms")


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


def run(url: str, args: argparse.Namespace) -> list[float]:
    from aftersales.bootstrap import bootstrap
    from aftersales.config import Settings
    from aftersales.domain.clock import ManualClock

    with tempfile.TemporaryDirectory() as data:
        settings = Settings(env="test", data_dir=Path(data), database_url=url, auto_reply=False)
        ctx = bootstrap(settings, clock=ManualClock(START))
        try:
            _catalog(ctx)
            first = _agent(ctx, "first")
            cases = _open(ctx, args.cases)
            second = _agent(ctx, "second")
            return _move(ctx, cases, (second, first), args.moves)
        finally:
            ctx.close()


def _agent(ctx: Any, name: str) -> str:
    from aftersales.domain.actors import Actor, Role
    from aftersales.services.agents import AddAgent, add_agent

    cmd = AddAgent(name, "m0", ("technical_support", "general"), ("zh", "en"), 1000)
    return add_agent(ctx, Actor(Role.OPERATOR, "bench"), cmd).view.agent.id


def _catalog(ctx: Any) -> None:
    from aftersales.domain.actors import Actor, Role
    from aftersales.domain.catalog import Consumer, Merchant, Product, Store, StoreKind
    from aftersales.services import catalog

    integration = Actor(Role.INTEGRATION)
    store = Store("s0", "m0", StoreKind.ONLINE, "shop", "CN-SH")
    catalog.put_merchant(ctx, integration, Merchant("m0", "merchant", (store,)))
    product = Product("p0", "m0", "digital/phone", "Phone", "A", "X1", {})
    catalog.put_product(ctx, integration, product)
    catalog.put_consumer(ctx, integration, Consumer("c0", "c0", "CN-SH"))


def _open(ctx: Any, n: int) -> list[str]:
    """Cases of merchant m0 (the first agent takes them all)."""
    from aftersales.domain.actors import Actor, Role
    from aftersales.domain.cases_types import CaseType
    from aftersales.domain.catalog import Channel, Order, OrderLine
    from aftersales.services import catalog
    from aftersales.services.cases import OpenCase, open_case

    integration = Actor(Role.INTEGRATION)
    placed = START - timedelta(days=3)
    cases = []
    for k in range(n):
        line = OrderLine(f"l{k}", f"o{k}", "p0", 99900, 1)
        order = Order(
            f"o{k}", "m0", "c0", "s0", Channel.ONLINE, "CN-SH", placed, (line,), placed, placed
        )
        catalog.push_order(ctx, integration, order)
        cmd = OpenCase(f"l{k}", CaseType.RETURN_REFUND, "屏幕有坏点")
        cases.append(open_case(ctx, Actor(Role.CONSUMER, "c0"), cmd).id)
    return cases


def _move(ctx: Any, cases: list[str], agents: tuple[str, str], moves: int) -> list[float]:
    """Hand every case to the other agent, round after round; each move's CPU time."""
    from aftersales.domain.actors import Actor, Role
    from aftersales.services.assignment import Assign, assign

    operator, cpu = Actor(Role.OPERATOR, "bench"), []
    for n in range(moves + len(cases)):
        target = agents[(n // len(cases)) % 2]
        started = time.thread_time()
        assign(ctx, operator, cases[n % len(cases)], Assign(agent_id=target))
        if n >= len(cases):  # the first round warms up
            cpu.append(time.thread_time() - started)
    return cpu


if __name__ == "__main__":
    main()
