"""Recall benchmark: confirm a recall of a 100k-unit batch among 10 million stored order lines.

Not a test (pytest never collects ``bench/``). Run it from the project root::

    uv run python bench/recall.py            # 10 million lines, 3 repetitions (a few minutes)
    uv run python bench/recall.py --quick    # 1 million lines, 10k-unit batches (seconds)

What it does:

1. Creates a fresh SQLite database in a temporary directory with the real migrations, then
   bulk-loads it with plain ``sqlite3`` (indexes dropped during the load and rebuilt after, as
   a data import would): 1 million consumers, ``--lines`` order lines in orders of two lines,
   1,000 products of 100 merchants with 10 batches each, 20% of lines without a batch. One
   product has ``--reps`` recall batches of ``--batch`` lines each, scattered at random
   through the table, so their orders are read from all over the disk, not from one stretch.
2. For each repetition, an operator opens a review of one recall batch (its stop-sale hold),
   then the timed step: ``services.recalls.decide`` confirms it, the very use case behind
   ``POST /api/v1/recalls/{id}/decision``. In one transaction it finds every affected line
   (``INSERT … SELECT`` through the index on ``order_lines.batch_id`` and the orders' keys),
   creates its unit, and queues one notification per affected consumer in the outbox.
3. Prints the median seconds, units/s and notifications/s, and checks the goal (< 5 s).
"""

from __future__ import annotations

import argparse
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from aftersales.bootstrap import bootstrap
from aftersales.config import Settings
from aftersales.domain.actors import Actor, Role
from aftersales.recall import Remedy
from aftersales.services import recalls as rc
from aftersales.store.db import make_engine
from aftersales.store.migrate import upgrade
from aftersales.store.tables import outbox

OPERATOR = Actor(Role.OPERATOR, "bench")
GOAL_SECONDS = 5.0
MERCHANTS, PRODUCTS, BATCHES_PER_PRODUCT = 100, 1_000, 10
CONSUMERS = 1_000_000
REGIONS = ("CN-BJ", "CN-SH", "CN-GD", "CN-ZJ", "CN-JS", "CN-SC", "CN-HB", "CN-HN", "CN-SD")
RECALLED = "p0"  # the product whose batches are recalled; its other lines are spread like all
STAMP = "%Y-%m-%d %H:%M:%S.%f"
_TOPIC = "recall.notification"  # how SQLAlchemy stores a DateTime in SQLite (naive UTC)


# ---- the data -----------------------------------------------------------------------------------


def load(path: Path, lines: int, batch: int, reps: int, seed: int) -> None:
    """Fill the migrated database at ``path`` as fast as SQLite goes."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("PRAGMA cache_size=-1000000")
    indexes = _drop_indexes(conn, ("orders", "order_lines"))
    conn.execute("BEGIN")
    now = datetime.now(UTC).strftime(STAMP)
    conn.executemany(
        "INSERT INTO merchants VALUES (?, ?, ?)",
        ((f"m{i}", f"merchant {i}", now) for i in range(MERCHANTS)),
    )
    conn.executemany(
        "INSERT INTO stores VALUES (?, ?, 'online', ?, ?)",
        ((f"s{i}", f"m{i}", f"shop {i}", REGIONS[i % len(REGIONS)]) for i in range(MERCHANTS)),
    )
    conn.executemany(
        "INSERT INTO products VALUES (?, ?, 'appliance/heater', ?, 'Brand', 'M', '{}')",
        ((f"p{i}", f"m{i % MERCHANTS}", f"heater {i}") for i in range(PRODUCTS)),
    )
    conn.executemany("INSERT INTO batches VALUES (?, ?, ?, NULL)", _batches(reps))
    conn.executemany(
        "INSERT INTO consumers VALUES (?, NULL, ?)",
        ((f"c{i}", REGIONS[i % len(REGIONS)]) for i in range(CONSUMERS)),
    )
    rng = random.Random(seed)
    conn.executemany(
        "INSERT INTO orders VALUES (?, ?, ?, ?, 'online', ?, ?, ?, ?, ?)", _orders(lines, rng)
    )
    conn.executemany(
        "INSERT INTO order_lines VALUES (?, ?, ?, ?, 39900, 1)", _lines(lines, batch, reps, rng)
    )
    conn.execute("COMMIT")
    for sql in indexes:
        conn.execute(sql)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()


def _drop_indexes(conn: sqlite3.Connection, tables: tuple[str, ...]) -> list[str]:
    marks = ",".join("?" * len(tables))
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master"
        f" WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})",
        tables,
    ).fetchall()
    for name, _ in rows:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in rows]


def _batches(reps: int) -> Iterator[tuple[str, str, str]]:
    for p in range(PRODUCTS):
        for b in range(BATCHES_PER_PRODUCT):
            yield f"p{p}b{b}", f"p{p}", f"L{b}"
    for r in range(reps):
        yield f"recall{r}", RECALLED, f"R{r}"


def _orders(lines: int, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for o in range((lines + 1) // 2):
        m = o % MERCHANTS
        placed = start + timedelta(minutes=o % 480_000)
        stamp = placed.strftime(STAMP)
        delivered = (placed + timedelta(days=2)).strftime(STAMP)
        consumer = f"c{rng.randrange(CONSUMERS)}"
        yield (
            f"o{o}",
            f"m{m}",
            consumer,
            f"s{m}",
            REGIONS[o % len(REGIONS)],
            stamp,
            stamp,
            delivered,
            stamp,
        )


def _lines(lines: int, batch: int, reps: int, rng: random.Random) -> Iterator[tuple[Any, ...]]:
    recalled = rng.sample(range(lines), batch * reps)
    which = {n: f"recall{i // batch}" for i, n in enumerate(recalled)}
    for n in range(lines):
        order = f"o{n // 2}"
        if n in which:
            # Scattered over every merchant's orders: the point is that the orders are read
            # from all over the table. A unit takes its merchant from its order.
            yield f"l{n}", order, RECALLED, which[n]
            continue
        p = rng.randrange(1, PRODUCTS)
        b = rng.randrange(BATCHES_PER_PRODUCT + 2)  # 2 in 12 (about 17%) without a batch
        yield f"l{n}", order, f"p{p}", f"p{p}b{b}" if b < BATCHES_PER_PRODUCT else None


# ---- the runs -----------------------------------------------------------------------------------


def run(path: Path, batch: int, reps: int) -> list[tuple[float, int, int]]:
    """(seconds, units, notifications) of each confirmation."""
    url = f"sqlite:///{path}"
    settings = Settings(env="test", data_dir=path.parent, database_url=url)
    ctx = bootstrap(settings, migrate=False)
    results = []
    try:
        for r in range(reps):
            opened = rc.open_review(
                ctx, OPERATOR, rc.OpenReview("leaks current", batch_ids=(f"recall{r}",))
            )
            queued_before = _notifications(url)
            confirm = rc.Confirm((Remedy.REFUND, Remedy.REPLACEMENT, Remedy.REPAIR))
            began = time.perf_counter()
            view = rc.decide(ctx, OPERATOR, opened.recall.id, confirm)
            seconds = time.perf_counter() - began
            queued = _notifications(url) - queued_before
            assert view.recall.units == batch, (view.recall.units, batch)
            assert queued == view.recall.consumers
            results.append((seconds, view.recall.units, queued))
            print(
                f"  rep {r + 1}: {seconds:.2f} s, {view.recall.units:,} units,"
                f" {queued:,} notifications",
                flush=True,
            )
    finally:
        ctx.close()
    return results


def _notifications(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            found: int = conn.execute(
                select(func.count()).select_from(outbox).where(outbox.c.topic == _TOPIC)
            ).scalar_one()
            return found
    finally:
        engine.dispose()


def main(argv: list[str]) -> int:
    args = parse(argv)
    with tempfile.TemporaryDirectory(prefix="aftersales-recall-bench-", dir=args.dir) as tmp:
        path = Path(tmp) / "bench.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        print(f"loading {args.lines:,} order lines into {path} …", flush=True)
        began = time.perf_counter()
        load(path, args.lines, args.batch, args.reps, args.seed)
        size = path.stat().st_size / 2**30
        print(f"loaded in {time.perf_counter() - began:.0f} s ({size:.1f} GiB)", flush=True)
        results = run(path, args.batch, args.reps)
    print(report(results, args))
    return 0 if statistics.median(r[0] for r in results) < GOAL_SECONDS else 1


def report(results: list[tuple[float, int, int]], args: argparse.Namespace) -> str:
    seconds = statistics.median(r[0] for r in results)
    units = statistics.median(r[1] for r in results)
    notes = statistics.median(r[2] for r in results)
    verdict = "MET" if seconds < GOAL_SECONDS else "MISSED"
    return "\n".join(
        [
            "",
            f"command: uv run python bench/recall.py {' '.join(sys.argv[1:])}".rstrip(),
            f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC   python: {platform.python_version()}"
            f"   sqlite: {sqlite3.sqlite_version}",
            f"order lines stored: {args.lines:,}   recalled batch: {args.batch:,} lines"
            f"   repetitions: {args.reps} (median)",
            "",
            f"confirm + find affected lines + queue notifications: {seconds:.2f} s",
            f"units created: {units:,.0f} ({units / seconds:,.0f}/s)",
            f"notifications queued: {notes:,.0f} ({notes / seconds:,.0f}/s)",
            f"goal < {GOAL_SECONDS:.0f} s: {verdict} ({seconds:.2f} s)",
        ]
    )


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10_000_000, help="order lines stored")
    parser.add_argument("--batch", type=int, default=100_000, help="lines of each recalled batch")
    parser.add_argument("--reps", type=int, default=3, help="repetitions (a fresh batch each)")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--dir", default=None, help="where the temporary database goes")
    parser.add_argument("--quick", action="store_true", help="1M lines, 10k-line batches")
    args = parser.parse_args(argv)
    if args.quick:
        args.lines, args.batch = 1_000_000, 10_000
    if args.batch * args.reps > args.lines:
        parser.error("the recalled batches do not fit into the order lines")
    return args


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
