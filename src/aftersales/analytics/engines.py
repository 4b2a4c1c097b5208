"""The engines that run the cycle's Ibis expressions: DuckDB in-process, or Spark.

An engine takes the cycle's Arrow tables, exposes them as Ibis tables, and executes expressions
into Arrow. DuckDB reads the Arrow tables in place, with no copy, and runs the cycle as the SQL
the expressions compile to, compiled once per process (``plans``). Spark (local mode in the
tests, a cluster in production) gets them as DataFrames and the expressions through Ibis; it
needs the optional ``spark`` dependency group and a Java runtime.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from aftersales.analytics.inputs import BOUNDS, SCHEMAS, CycleInputs, Window, bounds
from aftersales.analytics.plans import compiled, expressions
from aftersales.analytics.query import Limits
from aftersales.errors import Text, ValidationFailed

__all__ = ["ENGINES", "Engine", "duckdb_engine", "duckdb_files", "open_engine", "spark_engine"]


class Engine(Protocol):
    """Input tables in, Arrow results out."""

    name: str

    def table(self, name: str) -> ir.Table: ...

    def run(self, expr: ir.Table) -> pa.Table: ...

    def keep(self, expr: ir.Table) -> ir.Table: ...

    def results(self, window: Window, limits: Limits) -> dict[str, pa.Table]:
        """The cycle's result tables (``plans.expressions``) for ``window``."""
        ...


class _Backend:
    def __init__(self, name: str, backend: Any, register: Callable[[str, pa.Table], None]) -> None:
        self.name = name
        self._backend = backend
        self._register = register  # puts an Arrow table beside the inputs
        self._kept: list[ir.Table] = []

    def results(self, window: Window, limits: Limits) -> dict[str, pa.Table]:
        self._register(BOUNDS, bounds(window))
        tables = {name: self.table(name) for name in (*SCHEMAS, BOUNDS)}
        try:
            return {n: self.run(e) for n, e in expressions(tables, limits, self.keep).items()}
        finally:
            self.release()

    def table(self, name: str) -> ir.Table:
        table: ir.Table = self._backend.table(name)
        return table

    def run(self, expr: ir.Table) -> pa.Table:
        result: pa.Table = self._backend.to_pyarrow(expr)
        return result

    def keep(self, expr: ir.Table) -> ir.Table:
        """The table computed once and held (a temporary table, a cached DataFrame)."""
        kept = expr.cache()
        self._kept.append(kept)
        return kept

    def release(self) -> None:
        """Drop what ``keep`` held, while the connection is still open."""
        for table in self._kept:
            table.release()
        self._kept.clear()


class _DuckDB(_Backend):
    """DuckDB, running the cycle's compiled SQL on its own connection."""

    def __init__(self, con: Any) -> None:
        super().__init__("duckdb", ibis.duckdb.from_connection(con), con.register)
        self._con = con

    def results(self, window: Window, limits: Limits) -> dict[str, pa.Table]:
        plan = compiled("duckdb", limits)
        self._register(BOUNDS, bounds(window))
        try:
            for step in plan.kept:
                self._con.execute(f'CREATE OR REPLACE TEMP TABLE "{step.name}" AS {step.sql}')
            return {
                step.name: self._con.sql(step.sql).to_arrow_table().cast(step.schema)
                for step in plan.results
            }
        finally:
            for step in plan.kept:
                self._con.execute(f'DROP TABLE IF EXISTS "{step.name}"')
            self._con.unregister(BOUNDS)


@contextmanager
def _releasing(engine: _Backend) -> Iterator[_Backend]:
    """``engine``, whose kept tables are dropped on the way out, an error included: a kept
    table left behind is dropped by the garbage collector later, on a closed connection,
    which prints a traceback to the user's terminal."""
    try:
        yield engine
    finally:
        engine.release()


def _duckdb_config(threads: int | None) -> dict[str, Any]:
    # Results are keyed and sorted by the reader (``windows``), never read in insertion order;
    # without that promise DuckDB fills the kept tables in parallel (about a tenth less CPU).
    config: dict[str, Any] = {"preserve_insertion_order": False}
    return config | ({"threads": threads} if threads else {})


@contextmanager
def duckdb_engine(inputs: CycleInputs, threads: int | None = None) -> Iterator[Engine]:
    """An in-memory DuckDB that reads the input tables where they are."""
    import duckdb

    con = duckdb.connect(config=_duckdb_config(threads))
    try:
        for name, table in inputs.tables().items():
            con.register(name, table)
        with _releasing(_DuckDB(con)) as engine:
            yield engine
    finally:
        con.close()


@contextmanager
def duckdb_files(paths: dict[str, str], threads: int | None = None) -> Iterator[Engine]:
    """DuckDB over Parquet files, one per input table (how a large marketplace exports them)."""
    import duckdb

    con = duckdb.connect(config=_duckdb_config(threads))
    try:
        for name, path in paths.items():
            quoted = "'" + path.replace("'", "''") + "'"  # a view's definition takes no parameter
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({quoted})")
        with _releasing(_DuckDB(con)) as engine:
            yield engine
    finally:
        con.close()


@contextmanager
def spark_engine(inputs: CycleInputs, session: Any = None) -> Iterator[Engine]:
    """Spark, given a session (a local one is made, and stopped afterwards, if none is)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise ValidationFailed(
            Text(
                "the spark engine needs pyspark: uv sync --group spark (and a Java 17 runtime)",
                "spark 引擎需要 pyspark：请运行 uv sync --group spark（并安装 Java 17 运行时）",
            )
        ) from error
    own = session is None
    if own:
        session = (
            SparkSession.builder.master("local[2]")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.enabled", "false")
            .getOrCreate()
        )

    def register(name: str, table: pa.Table) -> None:
        # From Arrow (Spark 4), so that nulls in whole-number columns stay nulls.
        session.createDataFrame(table, schema=_spark_schema(table)).createOrReplaceTempView(name)

    try:
        for name, table in inputs.tables().items():
            register(name, table)
        with _releasing(_Backend("pyspark", ibis.pyspark.connect(session), register)) as engine:
            yield engine
    finally:
        if own:
            session.stop()


def _spark_schema(table: pa.Table) -> str:
    kinds = {
        pa.string(): "string",
        pa.float64(): "double",
        pa.int64(): "bigint",
        pa.bool_(): "boolean",
    }
    return ", ".join(f"{f.name} {kinds[f.type]}" for f in table.schema)


ENGINES = {"duckdb": duckdb_engine, "pyspark": spark_engine}


@contextmanager
def open_engine(name: str, inputs: CycleInputs) -> Iterator[Engine]:
    """The engine called ``name`` over ``inputs``."""
    if name not in ENGINES:
        known = ", ".join(ENGINES)
        raise ValidationFailed(
            Text(
                f"unknown cycle engine {name!r} (known: {known})",
                f"未知的考核计算引擎 {name!r}（可用：{known}）",
            )
        )
    with ENGINES[name](inputs) as engine:
        yield engine
