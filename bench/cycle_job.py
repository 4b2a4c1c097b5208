"""The whole monthly cycle job on an operational database: read, aggregate, score, store.

Not a test (pytest never collects ``bench/``). ``bench/cycle.py`` times the computation on
Parquet files; this times what ``aftersales cycle run`` does on a real database the size of that
benchmark's marketplace (10 million order lines, a million cases, 50,000 merchants)::

    uv run python bench/cycle_job.py --db postgresql+psycopg://postgres@127.0.0.1:5432/cyclejob
    uv run python bench/cycle_job.py --db ... --small   # 1/20 of it
    uv run python bench/cycle_job.py --db sqlite:////tmp/cyclejob.db --small

What it does:

1. Generates the marketplace of ``bench/cycle.py`` (``aftersales.analytics.synthetic``), its times
   rounded to the microsecond (what a database keeps), and loads it into the operational tables
   of a fresh database (merchants, consumers, stores, products, orders and their lines, cases
   with their snapshots, case events, recalls, safety reports, accepted appeals). PostgreSQL
   loads with ``COPY`` and its foreign-key triggers off for the load (``session_replication_role``);
   SQLite with ``executemany``. ``--reuse`` skips this when the database already holds it.
2. Runs the period's cycle through the service (``services.cycles.run_cycle``, as the command
   does), then its second revision (which reads the first one's standings), timing each step.
3. Checks that the merchants' windows read back from the database equal the ones computed from
   the generated tables themselves.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

import aftersales.services.cycles as cycles
from aftersales.analytics import CycleInputs, Limits, Window, merchant_windows
from aftersales.analytics.synthetic import Shape, generate
from aftersales.bootstrap import bootstrap
from aftersales.config import Settings
from aftersales.domain.actors import Actor, Role
from aftersales.domain.clock import ManualClock
from aftersales.store.db import make_engine
from aftersales.store.migrate import upgrade

PERIOD = "2026-10"
END = datetime(2026, 11, 1, tzinfo=UTC)
WINDOW = Window(END - timedelta(days=90), END)
FULL = Shape(merchants=50_000, lines=10_000_000, cases=1_000_000, consumers=2_000_000, appeals=500)
SMALL = Shape(merchants=2_500, lines=500_000, cases=50_000, consumers=100_000, appeals=25)
_CHUNK = 500_000


# --- the marketplace as operational rows -------------------------------------------------


def _to_microseconds(table: pa.Table, *columns: str) -> pa.Table:
    """Times rounded to the microsecond, as the database keeps them."""
    for name in columns:
        seconds = table.column(name)
        micros = pc.round(pc.multiply(seconds, 1e6))
        i = table.schema.get_field_index(name)
        table = table.set_column(i, name, pc.divide(micros, 1e6))
    return table


def _renumbered(events: pa.Table) -> pa.Table:
    """Each case's events numbered 1, 2, 3… in their order: the generator gives two events of
    a case the same number at times, where the database keeps one number per event."""
    events = events.sort_by([("case_id", "ascending"), ("seq", "ascending"), ("at", "ascending")])
    case = events.column("case_id").to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(np.r_[True, case[1:] != case[:-1]])
    sizes = np.diff(np.r_[starts, case.size])
    seq = np.arange(case.size) - np.repeat(starts, sizes) + 1
    return events.set_column(events.schema.get_field_index("seq"), "seq", pa.array(seq))


def _rounded(inputs: CycleInputs) -> CycleInputs:
    return CycleInputs(
        lines=_to_microseconds(inputs.lines, "placed_at"),
        cases=_to_microseconds(
            inputs.cases,
            "placed_at",
            "opened_at",
            "first_response_due",
            "proposal_due",
            "resolved_at",
        ),
        events=_renumbered(_to_microseconds(inputs.events, "at")),
        safety=pa.table({"case_id": pc.unique(inputs.safety.column("case_id"))}),
        recalls=_to_microseconds(inputs.recalls, "confirmed_at"),
        appeals=inputs.appeals,
        merchants=inputs.merchants,
    )


def _stamp(seconds: pa.ChunkedArray | pa.Array) -> pa.Array:
    """Naive UTC timestamps from epoch seconds (already whole microseconds)."""
    micros = pc.cast(pc.round(pc.multiply(seconds, 1e6)), pa.int64())
    return pc.cast(micros, pa.timestamp("us"))


def _iso(seconds: pa.ChunkedArray | pa.Array) -> pa.Array:
    """JSON strings of ISO 8601 times with an offset (what case snapshots hold), or ``null``."""
    stamps = pc.cast(_stamp(seconds), pa.timestamp("us", tz="UTC"))
    quoted = pc.binary_join_element_wise(
        '"', pc.strftime(stamps, "%Y-%m-%dT%H:%M:%S+00:00"), '"', ""
    )
    return pc.fill_null(quoted, "null")


def _json_object(**fields: pa.Array) -> pa.Array:
    """One JSON object per row from columns of JSON texts (null values are left out)."""
    parts: list[Any] = []
    for name, values in fields.items():
        parts.append(pc.fill_null(pc.binary_join_element_wise(f'"{name}": ', values, ""), ""))
    joined = parts[0]
    for part in parts[1:]:
        glue = pc.if_else(pc.and_(pc.not_equal(joined, ""), pc.not_equal(part, "")), ", ", "")
        joined = pc.binary_join_element_wise(joined, glue, part, "")
    return pc.binary_join_element_wise("{", joined, "}", "")


def _json_text(values: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise('"', values, '"', "")


def _json_bool(values: pa.Array) -> pa.Array:
    return pc.if_else(values, "true", "false")


def _json_int(values: pa.Array) -> pa.Array:
    return pc.cast(values, pa.string())


def _constant(value: str, n: int) -> pa.Array:
    return pa.array(np.full(n, value, dtype=object) if n else [], pa.string())


def operational_tables(inputs: CycleInputs) -> dict[str, pa.Table]:
    """The operational rows of ``inputs``, table by table, in an order the keys allow."""
    lines, cases, events = inputs.lines, inputs.cases, inputs.events
    merchants = inputs.merchants.column("merchant_id")
    created = _stamp(pa.array(np.full(len(merchants), WINDOW.start_s - 400 * 86_400.0)))
    n_lines = lines.num_rows
    # A product per merchant and category sold, and a spare one in the merchant's own category
    # so that the store finds the same main category for a merchant as the generator gave it.
    sold = lines.group_by(["merchant_id", "category"]).aggregate([])
    spare = inputs.merchants.select(["merchant_id", "category"])
    products = pa.concat_tables([sold, spare])
    product_ids = pc.binary_join_element_wise(
        products.column("merchant_id"),
        pc.cast(pa.array(np.arange(products.num_rows)), pa.string()),
        "/p",
    )
    products = products.append_column("id", product_ids)
    keyed = lines.join(
        products.slice(0, sold.num_rows), ["merchant_id", "category"], use_threads=True
    ).sort_by("line_id")
    line_product = keyed.select(["line_id", "id"]).rename_columns(["line_id", "product_id"])
    lines = lines.sort_by("line_id").append_column("product_id", line_product.column("product_id"))
    consumers = pc.unique(lines.column("consumer_id"))
    placed = _stamp(lines.column("placed_at"))
    n_cases = cases.num_rows
    recalls = inputs.recalls
    recall_ids = pc.binary_join_element_wise(
        "r", pc.cast(pa.array(np.arange(recalls.num_rows)), pa.string()), ""
    )
    merchant_of_case = cases.select(["case_id", "merchant_id"])
    appeals = inputs.appeals.join(merchant_of_case, "case_id")
    spare_of = dict(
        zip(
            spare.column("merchant_id").to_pylist(),
            product_ids.slice(sold.num_rows).to_pylist(),
            strict=True,
        )
    )
    safety = inputs.safety.column("case_id")
    return {
        "merchants": pa.table(
            {
                "id": merchants,
                "name": merchants,
                "created_at": created,
            }
        ),
        "consumers": pa.table({"id": consumers}),
        "stores": pa.table(
            {
                "id": merchants,
                "merchant_id": merchants,
                "kind": _constant("shop", len(merchants)),
                "name": merchants,
                "region": _constant("BJ", len(merchants)),
            }
        ),
        "products": pa.table(
            {
                "id": products.column("id"),
                "merchant_id": products.column("merchant_id"),
                "category": products.column("category"),
                "name": products.column("id"),
                "attributes": _constant("{}", products.num_rows),
            }
        ),
        "orders": pa.table(
            {
                "id": lines.column("line_id"),
                "merchant_id": lines.column("merchant_id"),
                "consumer_id": lines.column("consumer_id"),
                "store_id": lines.column("merchant_id"),
                "channel": _constant("app", n_lines),
                "region": _constant("BJ", n_lines),
                "placed_at": placed,
                "received_at": placed,
            }
        ),
        "order_lines": pa.table(
            {
                "id": lines.column("line_id"),
                "order_id": lines.column("line_id"),
                "product_id": lines.column("product_id"),
                "unit_price": pa.array(np.full(n_lines, 9_900, dtype=np.int64)),
                "quantity": pa.array(np.ones(n_lines, dtype=np.int64)),
            }
        ),
        "cases": pa.table(
            {
                "id": cases.column("case_id"),
                "order_line_id": cases.column("line_id"),
                "consumer_id": cases.column("consumer_id"),
                "merchant_id": cases.column("merchant_id"),
                "type": cases.column("type"),
                "state": _constant("closed", n_cases),
                "is_active": pa.array(np.zeros(n_cases, dtype=bool)),
                "category": cases.column("category"),
                "channel": _constant("app", n_cases),
                "region": _constant("BJ", n_cases),
                "opened_at": _stamp(cases.column("opened_at")),
                "updated_at": _stamp(cases.column("opened_at")),
                "version": pa.array(np.ones(n_cases, dtype=np.int64)),
                "snapshot": _json_object(
                    first_response_due=_iso(cases.column("first_response_due")),
                    proposal_due=_iso(cases.column("proposal_due")),
                    resolved_at=_iso(cases.column("resolved_at")),
                ),
                "counts_against_merchant": cases.column("counts_against_merchant"),
            }
        ),
        "case_events": pa.table(
            {
                "case_id": events.column("case_id"),
                "seq": events.column("seq"),
                "kind": events.column("kind"),
                "at": _stamp(events.column("at")),
                "actor_role": events.column("actor_role"),
                "actor_id": events.column("actor_id"),
                "data": _json_object(
                    first_response=_json_bool(events.column("first_response")),
                    reason=_json_text(events.column("reason")),
                    verdict=_json_text(events.column("verdict")),
                    score=_json_int(events.column("score")),
                ),
            }
        ),
        "recalls": pa.table(
            {
                "id": recall_ids,
                "product_id": pa.array(
                    [spare_of[m] for m in recalls.column("merchant_id").to_pylist()], pa.string()
                ),
                "merchant_id": recalls.column("merchant_id"),
                "state": _constant("confirmed", recalls.num_rows),
                "trigger": _constant("manual", recalls.num_rows),
                "opened_at": _stamp(recalls.column("confirmed_at")),
                "updated_at": _stamp(recalls.column("confirmed_at")),
                "version": pa.array(np.ones(recalls.num_rows, dtype=np.int64)),
                "snapshot": _constant("{}", recalls.num_rows),
            }
        ),
        "recall_events": pa.table(
            {
                "recall_id": recall_ids,
                "seq": pa.array(np.ones(recalls.num_rows, dtype=np.int64)),
                "kind": _constant("confirmed", recalls.num_rows),
                "at": _stamp(recalls.column("confirmed_at")),
                "actor_role": _constant("operator", recalls.num_rows),
                "data": _constant("{}", recalls.num_rows),
            }
        ),
        # Every confirmed safety incident is taken in by a confirmed recall: the first one.
        "safety_reports": pa.table(
            {
                "case_id": safety,
                "product_id": _constant("-", len(safety)),
                "reported_at": _stamp(pa.array(np.full(len(safety), WINDOW.start_s))),
                "emergency": pa.array(np.zeros(len(safety), dtype=bool)),
                "recall_id": _constant(recall_ids[0].as_py(), len(safety)),
            }
        ),
        "scoring_appeals": pa.table(
            {
                "id": pc.binary_join_element_wise("ap-", appeals.column("case_id"), ""),
                "case_id": appeals.column("case_id"),
                "merchant_id": appeals.column("merchant_id"),
                "state": _constant("accepted", appeals.num_rows),
                "reason": appeals.column("reason"),
                "filed_at": _stamp(pa.array(np.full(appeals.num_rows, WINDOW.end_s - 86_400.0))),
                "decision_reason": appeals.column("reason"),
            }
        ),
    }


# --- loading -----------------------------------------------------------------------------


def _fresh_postgres(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def _csv_chunks(table: pa.Table) -> Iterator[bytes]:
    options = pv.WriteOptions(include_header=False, quoting_style="needed")
    for start in range(0, table.num_rows, _CHUNK):
        out = io.BytesIO()
        pv.write_csv(table.slice(start, _CHUNK), out, options)
        yield out.getvalue()


def _load_postgres(engine: Engine, tables: dict[str, pa.Table]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET session_replication_role = replica")  # no key checks while loading
        for name, table in tables.items():
            columns = ", ".join(f'"{c}"' for c in table.column_names)
            with cursor.copy(f"COPY {name} ({columns}) FROM STDIN (FORMAT csv)") as copy:
                for chunk in _csv_chunks(table):
                    copy.write(chunk)
        cursor.execute("SET session_replication_role = DEFAULT")
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def _sqlite_values(table: pa.Table) -> Iterator[list[tuple[Any, ...]]]:
    for batch in table.to_batches(_CHUNK):
        columns = []
        for column in batch.columns:
            if pa.types.is_timestamp(column.type):  # SQLAlchemy's text of a naive UTC time
                column = pc.strftime(column, "%Y-%m-%d %H:%M:%S.%f")
                column = pc.utf8_slice_codeunits(column, 0, 26)
            columns.append(column.to_pylist())
        yield list(zip(*columns, strict=True))


def _load_sqlite(path: str, tables: dict[str, pa.Table]) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        for name, table in tables.items():
            columns = ", ".join(f'"{c}"' for c in table.column_names)
            marks = ", ".join("?" * table.num_columns)
            for rows in _sqlite_values(table):
                conn.executemany(f"INSERT INTO {name} ({columns}) VALUES ({marks})", rows)
        conn.commit()
        conn.execute("ANALYZE")
    finally:
        conn.close()


def load(url: str, tables: dict[str, pa.Table]) -> None:
    """A fresh database at ``url`` with the platform's schema and ``tables`` in it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        _fresh_postgres(url)
    elif parsed.database and os.path.exists(parsed.database):
        os.remove(parsed.database)
    engine = make_engine(url)
    upgrade(engine)
    if parsed.get_backend_name() == "postgresql":
        _load_postgres(engine, tables)
    else:
        engine.dispose()
        _load_sqlite(str(parsed.database), tables)
    engine.dispose()


def _loaded(url: str, lines: int) -> bool:
    try:
        engine = make_engine(url)
        with engine.connect() as conn:
            found = conn.execute(text("SELECT count(*) FROM order_lines")).scalar_one()
        engine.dispose()
    except Exception:  # no database, no table: load it
        return False
    return bool(found == lines)


# --- the job, timed ----------------------------------------------------------------------


class _Steps:
    """Wall time of the job's steps, by wrapping the service module's own functions."""

    NAMES = (
        "standings_in_force",
        "_tiers_before",
        "_read",
        "merchant_windows",
        "score_cycle",
        "_store_monthly",
    )

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def watching(self) -> Iterator[None]:
        originals = {name: getattr(cycles, name) for name in self.NAMES}
        for name, original in originals.items():
            setattr(cycles, name, self._timed(name, original))
        try:
            yield
        finally:
            for name, original in originals.items():
                setattr(cycles, name, original)

    def _timed(self, name: str, work: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return work(*args, **kwargs)
            finally:
                took = time.perf_counter() - start
                self.seconds[name] = self.seconds.get(name, 0.0) + took

        return timed


def _run(url: str, reason: str | None) -> tuple[float, dict[str, float], Any]:
    settings = Settings().model_copy(update={"database_url": url})
    ctx = bootstrap(settings, clock=ManualClock(END + timedelta(days=3)))
    steps = _Steps()
    try:
        start = time.perf_counter()
        with steps.watching():
            done = cycles.run_cycle(ctx, Actor(Role.OPERATOR, "bench"), PERIOD, reason)
        return time.perf_counter() - start, steps.seconds, done
    finally:
        ctx.close()


def _same_windows(url: str, inputs: CycleInputs) -> bool:
    """The windows read back from the database equal the generated tables' own."""
    engine = make_engine(url)
    try:
        from aftersales.store.cycle_source import read_inputs

        with engine.connect() as conn:
            stored = read_inputs(conn, WINDOW)
    finally:
        engine.dispose()
    return merchant_windows(stored, WINDOW, Limits()) == merchant_windows(inputs, WINDOW, Limits())


def _load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:4.1f} (5 min {five:4.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="a PostgreSQL or SQLite URL")
    parser.add_argument("--small", action="store_true", help="1/20 of the full size")
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded")
    args = parser.parse_args()
    shape = SMALL if args.small else FULL
    print(f"python {platform.python_version()}, {os.cpu_count()} cores; {_load_average()}")
    print(f"{shape.lines:,} order lines, {shape.cases:,} cases, {shape.merchants:,} merchants")
    start = time.perf_counter()
    inputs = _rounded(generate(shape, WINDOW))
    print(f"  generate                 {time.perf_counter() - start:7.2f} s")
    reused = args.reuse and _loaded(args.db, shape.lines)
    if not reused:
        start = time.perf_counter()
        tables = operational_tables(inputs)
        print(f"  operational rows         {time.perf_counter() - start:7.2f} s")
        start = time.perf_counter()
        load(args.db, tables)
        del tables
        print(
            f"  load                     {time.perf_counter() - start:7.2f} s  ({_load_average()})"
        )
    totals = []
    # A loaded database may hold this period's cycle already: then both runs are revisions.
    first = "bench: run again" if reused else None
    for reason in (first, "bench: the next revision"):
        took, steps, done = _run(args.db, reason)
        totals.append(took)
        print(f"revision {done.cycle.revision}: {took:7.2f} s  ({_load_average()})")
        for name, seconds in steps.items():
            print(f"  {name.strip('_'):<24} {seconds:7.2f} s")
        print(f"  tiers {dict(done.tiers)}, {done.changes:,} tier changes")
    print(f"median of the two runs: {statistics.median(totals):.1f} s")
    same = _same_windows(args.db, inputs)
    print(f"windows read back equal the generated ones: {same}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
