"""The cycle's expressions as named result tables, and compiled once to SQL for engines that
run SQL text.

Building the Ibis expressions and compiling them costs about half a second: more than DuckDB
then takes to run them over a small marketplace's window, and the platform runs them every week
(the weekly check) and every month, the simulator dozens of times a run. The expressions read
the window from a table (``inputs.BOUNDS``) rather than holding it, so their SQL is the same for
every window: compiled once per process and set of caps, it is only run afterwards.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from aftersales.analytics.inputs import BOUNDS, BOUNDS_SCHEMA, SCHEMAS
from aftersales.analytics.query import Limits, cycle_query

__all__ = ["Plan", "Statement", "compiled", "expressions"]


def expressions(
    tables: dict[str, ir.Table], limits: Limits, keep: Callable[[ir.Table], ir.Table]
) -> dict[str, ir.Table]:
    """The result tables of ``analytics.windows.CycleResults``, by name, over ``tables``
    (the inputs and ``BOUNDS``)."""
    query = cycle_query(tables, limits, keep)
    return {
        "categories": query.categories,
        "hours": query.hours,
        "without": query.without,
        "appealed": query.appealed,
        "severe": query.severe,
        "merchants": tables["merchants"],
    }


@dataclass(frozen=True, slots=True)
class Statement:
    """One table's SQL, and the schema its result is cast to (the expression's own)."""

    name: str
    sql: str
    schema: pa.Schema


@dataclass(frozen=True, slots=True)
class Plan:
    """The tables to compute and keep, in order, then the results, which may read them."""

    kept: tuple[Statement, ...]
    results: tuple[Statement, ...]


@functools.lru_cache(maxsize=8)
def compiled(dialect: str, limits: Limits) -> Plan:
    """The cycle in ``dialect``'s SQL over tables named as the inputs (and ``BOUNDS``)."""
    schemas = {**SCHEMAS, BOUNDS: BOUNDS_SCHEMA}
    tables = {n: ibis.table(ibis.Schema.from_pyarrow(s), name=n) for n, s in schemas.items()}
    kept: list[Statement] = []

    def keep(expr: ir.Table) -> ir.Table:
        name = f"cycle_kept_{len(kept)}"
        kept.append(_statement(name, expr, dialect))
        return ibis.table(expr.schema(), name=name)

    results = expressions(tables, limits, keep)
    return Plan(tuple(kept), tuple(_statement(n, e, dialect) for n, e in results.items()))


def _statement(name: str, expr: ir.Table, dialect: str) -> Statement:
    return Statement(name, str(ibis.to_sql(expr, dialect=dialect)), expr.schema().to_pyarrow())
