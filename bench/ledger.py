"""Evidence-log benchmark: appends per second, proof time at a million entries, proof sizes.

Not a test (pytest never collects ``bench/``). Run it from the project root::

    uv run python bench/ledger.py            # the full run (a few minutes)
    uv run python bench/ledger.py --quick    # a smoke run (100,000-entry tree)
    uv run python bench/ledger.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

What it measures, each on a fresh database in a temporary directory:

1. Appends through the service layer, one unit of work and one commit each
   (``services.ledger.append``), with a record shaped like a verdict (about 600 bytes).
   Goal: at least 500 per second.
2. Batched appends (``services.ledger.append_many``, 1,000 per commit). Goal: 5,000 per second.
3. A tree of 1,000,000 entries built with batched appends into a temporary SQLite file, then
   inclusion proofs for random entries through ``services.ledger.inclusion`` (each in its own
   read-only unit of work, as the API serves them). Goal: p95 at most 2 ms.
4. Proof sizes at 1,000, 100,000 and 1,000,000 entries against 32·⌈log2 n⌉ bytes.

Phases 1 and 2 are repeated ``--reps`` times (fresh database each time); medians are printed.
With ``--postgres ADMIN_URL`` they also run on a scratch PostgreSQL database.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from aftersales.bootstrap import bootstrap
from aftersales.config import Settings
from aftersales.ledger import leaf_hash, verify_consistency, verify_inclusion
from aftersales.services import ledger
from aftersales.services.context import Context

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def record(i: int, salt_of: Callable[[str], str]) -> dict[str, Any]:
    """A record shaped like a logged verdict (about 600 bytes of canonical JSON)."""
    return {
        "case_id": f"cs_{i:020x}",
        "event_seq": 5,
        "case_type": "return_refund",
        "merchant_id": f"m{i % 200}",
        "store_id": f"s{i % 400}",
        "product_id": f"p{i % 5000}",
        "batch_id": None,
        "category": "digital/phone",
        "consumer": salt_of(f"c{i}"),
        "order_line": salt_of(f"l{i}"),
        "actor_role": "operator",
        "evidence_sha256": [salt_of(f"photo{i}")],
        "verdict": "consumer",
        "liable_party": "merchant",
        "resolution": "refund_only",
        "amount": {"minor_units": 29900, "currency": "CNY"},
        "final": False,
        "appeal_due": "2026-12-02T09:00:00Z",
        "operator": salt_of("op7"),
        "note": salt_of(f"note {i}"),
    }


@contextlib.contextmanager
def platform_on(url: str | None) -> Iterator[tuple[Context, Path]]:
    """A migrated platform on a fresh database (a SQLite file in its data dir, or a scratch
    PostgreSQL database); with its data dir."""
    with (
        tempfile.TemporaryDirectory(prefix="aftersales-ledger-bench-") as tmp,
        contextlib.ExitStack() as stack,
    ):
        database = "" if url is None else stack.enter_context(scratch_postgres(url))
        ctx = bootstrap(Settings(env="test", data_dir=Path(tmp), database_url=database))
        stack.callback(ctx.close)
        yield ctx, Path(tmp)


@contextlib.contextmanager
def scratch_postgres(admin_url: str) -> Iterator[str]:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"aftersales_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# ---- phases 1 and 2: appends --------------------------------------------------------------------


def appends_one_commit_each(ctx: Context, n: int) -> float:
    salted = [record(i, lambda v: ledger.conceal(ctx, v)) for i in range(n)]
    started = time.perf_counter()
    for i, rec in enumerate(salted):
        with ctx.uow() as uow:
            ledger.append(uow, "case.arbitration", f"case:cs_{i:020x}", rec, at=AT)
            uow.commit()
    return n / (time.perf_counter() - started)


def appends_batched(ctx: Context, n: int, batch: int) -> float:
    drafts = [
        ledger.Draft(
            "case.arbitration", f"case:{i}", record(i, lambda v: ledger.conceal(ctx, v)), AT
        )
        for i in range(n)
    ]
    started = time.perf_counter()
    for start in range(0, n, batch):
        with ctx.uow() as uow:
            ledger.append_many(uow, drafts[start : start + batch])
            uow.commit()
    return n / (time.perf_counter() - started)


def median_rate(url: str | None, reps: int, run: Callable[[Context], float]) -> float:
    rates = []
    for _ in range(reps):
        with platform_on(url) as (ctx, _):
            rates.append(run(ctx))
    return statistics.median(rates)


def commit_ceiling(admin_url: str, n: int) -> float:
    """Bare one-row INSERT + COMMIT per second on the server: what one commit each can reach."""
    with scratch_postgres(admin_url) as url:
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("CREATE TABLE t (id serial PRIMARY KEY, v int)"))
            with engine.connect() as conn:
                started = time.perf_counter()
                for i in range(n):
                    conn.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": i})
                    conn.commit()
                return n / (time.perf_counter() - started)
        finally:
            engine.dispose()


# ---- phase 3: a million entries -----------------------------------------------------------------


def build_tree(ctx: Context, n: int, batch: int = 20_000) -> float:
    """Append ``n`` small entries in batches; return the seconds it took."""
    started = time.perf_counter()
    for start in range(0, n, batch):
        drafts = [
            ledger.Draft("bench.entry", f"bench:{i}", {"i": i, "m": f"m{i % 200}"}, AT)
            for i in range(start, min(n, start + batch))
        ]
        with ctx.uow() as uow:
            ledger.append_many(uow, drafts)
            uow.commit()
    return time.perf_counter() - started


def time_proofs(ctx: Context, size: int, samples: int) -> list[float]:
    """Milliseconds per inclusion proof through the service layer, random entries."""
    rng = random.Random(7)
    times = []
    for _ in range(samples):
        index = rng.randrange(size)
        started = time.perf_counter()
        ledger.inclusion(ctx, index, size)
        times.append((time.perf_counter() - started) * 1000)
    return times


def verify_rate(ctx: Context, size: int, samples: int) -> float:
    """Python inclusion-proof verifications per second (proofs fetched beforehand)."""
    root = ledger.checkpoint(ctx).root
    rng = random.Random(11)
    cases = []
    for _ in range(samples):
        index = rng.randrange(size)
        cases.append(
            (leaf_hash(ledger.entry(ctx, index).body), index, ledger.inclusion(ctx, index, size))
        )
    started = time.perf_counter()
    for leaf, index, proof in cases:
        verify_inclusion(leaf, index, size, proof, root)
    return samples / (time.perf_counter() - started)


def proof_sizes(ctx: Context, sizes: list[int]) -> list[tuple[int, int, int, int, int]]:
    """For each n: the largest inclusion and consistency proofs seen (bytes), and the bounds."""
    rng = random.Random(3)
    rows = []
    for n in sizes:
        indices = {0, n - 1, n // 2, *(rng.randrange(n) for _ in range(200))}
        inclusion = max(32 * len(ledger.inclusion(ctx, i, n)) for i in indices)
        olds = {1, n - 1, *(rng.randrange(1, n) for _ in range(100))}
        consistency = max(32 * len(ledger.consistency(ctx, m, n)) for m in olds)
        bound = 32 * math.ceil(math.log2(n))
        rows.append((n, inclusion, bound, consistency, bound + 32))
    return rows


def check_one_consistency(ctx: Context, old: int, new: int) -> None:
    """A sanity check that the big tree's proofs verify (not timed)."""
    with ctx.uow(read_only=True) as uow:
        old_root, new_root = uow.ledger.root(old), uow.ledger.root(new)
    verify_consistency(old, new, old_root, new_root, ledger.consistency(ctx, old, new))


# ---- report ------------------------------------------------------------------------------------


class Load:
    """CPU the rest of the machine used while a phase ran, in cores (Linux ``/proc/stat``).

    The 2-core machine is shared; a figure measured while other jobs kept a core busy is a lower
    bound. PostgreSQL's own server processes count as "rest of the machine" here."""

    def __enter__(self) -> Load:
        self._start = (time.perf_counter(), _busy_seconds(), _own_seconds())
        return self

    def __exit__(self, *exc: object) -> None:
        wall, busy, own = self._start
        elapsed = time.perf_counter() - wall
        self.cores = ((_busy_seconds() - busy) - (_own_seconds() - own)) / elapsed


def _busy_seconds() -> float:
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            ticks = [int(v) for v in handle.readline().split()[1:8]]
    except OSError:
        return 0.0
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # minus idle, iowait


def _own_seconds() -> float:
    t = os.times()
    return t.user + t.system


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


def goal(text: str, ok: bool, shown: str) -> str:
    return f"goal {text}: {'met' if ok else 'MISSED'} ({shown})"


def run_appends(name: str, url: str | None, reps: int, single_n: int, batched_n: int) -> list[str]:
    """Phases 1 and 2 on one database; print the rates, return the goal lines."""
    with Load() as load:
        single = median_rate(url, reps, lambda c: appends_one_commit_each(c, single_n))
        batched = median_rate(url, reps, lambda c: appends_batched(c, batched_n, 1000))
    print(f"\n[{name}] background load during the appends: {load.cores:.2f} cores")
    print(f"[{name}] appends, one commit each ({single_n:,}):   {single:>9,.0f}/s")
    print(f"[{name}] appends, 1,000 per commit ({batched_n:,}): {batched:>9,.0f}/s")
    if url is not None:
        ceiling = commit_ceiling(url, single_n)
        print(f"[{name}] bare INSERT + COMMIT, for scale ({single_n:,}): {ceiling:>6,.0f}/s")
    return [
        goal(f">= 500 appends/s, one commit each, {name}", single >= 500, f"{single:,.0f}/s"),
        goal(f">= 5,000 appends/s, batched, {name}", batched >= 5000, f"{batched:,.0f}/s"),
    ]


def run_big_tree(tree_n: int, samples: int) -> list[str]:
    """Phases 3 and 4 on a SQLite file; print the figures, return the goal lines."""
    with platform_on(None) as (ctx, data_dir):
        seconds = build_tree(ctx, tree_n)
        ledger.checkpoint(ctx)
        check_one_consistency(ctx, tree_n // 3, tree_n)
        with Load() as load:
            times = time_proofs(ctx, tree_n, samples)
        rate = verify_rate(ctx, tree_n, 2000)
        sizes = proof_sizes(ctx, [n for n in (1_000, 100_000, 1_000_000) if n <= tree_n])
        mib = (data_dir / "aftersales.db").stat().st_size / 2**20
    p50, p95, p99 = (percentile(times, p) for p in (50, 95, 99))
    print(f"\ntree of {tree_n:,} entries built in {seconds:.1f} s ({tree_n / seconds:,.0f}/s)")
    print(f"SQLite database: {mib:,.0f} MiB")
    print(f"inclusion proof at {tree_n:,} ({samples:,} random entries, service layer):")
    print(f"  p50 {p50:.3f} ms   p95 {p95:.3f} ms   p99 {p99:.3f} ms   max {max(times):.3f} ms")
    print(f"  background load while proving: {load.cores:.2f} cores")
    print(f"python verification: {rate:,.0f} inclusion proofs/s")
    print("\nproof sizes, largest seen   inclusion   32*ceil(log2 n)   consistency   +32")
    for n, inc, bound, cons, cbound in sizes:
        print(f"  n = {n:>9,}          {inc:>6} B   {bound:>12} B   {cons:>9} B   {cbound:>3} B")
    within = all(inc <= bound for _, inc, bound, _, _ in sizes)
    return [
        goal(f"inclusion proof p95 <= 2 ms at {tree_n:,}", p95 <= 2, f"{p95:.3f} ms"),
        goal("inclusion proof <= 32*ceil(log2 n) bytes", within, "largest seen above"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller figures, under a minute")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="also run phases 1-2 there")
    args = parser.parse_args()
    single_n, batched_n = (500, 10_000) if args.quick else (3_000, 50_000)
    tree_n, samples = (100_000, 500) if args.quick else (1_000_000, 5_000)

    print("command: uv run python bench/ledger.py " + " ".join(sys.argv[1:]))
    print(
        f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC   cpus: {os.cpu_count()}   "
        f"python: {platform.python_version()}   sqlite: {sqlite3.sqlite_version}   "
        f"reps: {args.reps} (medians)"
    )
    targets: list[tuple[str, str | None]] = [("sqlite", None)]
    if args.postgres:
        targets.append(("postgresql", args.postgres))
    goals = [
        line
        for name, url in targets
        for line in run_appends(name, url, args.reps, single_n, batched_n)
    ]
    goals += run_big_tree(tree_n, samples)
    print()
    print("\n".join(goals))


if __name__ == "__main__":
    main()
