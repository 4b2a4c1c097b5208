"""Counting cases and units sold per series and period, in DuckDB.

The rows come from the operational database through one streaming SELECT each
(``store.case_feed``); DuckDB then does the grouping, in plain SQL that any engine with temporary
tables and window functions runs (Spark, PostgreSQL, Trino), so the same job can move to a
cluster when a marketplace outgrows one machine (decision 0014). DuckDB does not read
SQLite or PostgreSQL directly here: its scanners are extensions downloaded at run time, which a
machine without the internet cannot do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
from numpy.typing import NDArray

from aftersales.store.case_feed import Columns
from aftersales.warning import SeriesKey

__all__ = ["SeriesTotals", "count_days", "count_series"]

Floats = NDArray[np.float64]

# Cases and units come summed per product, region and day. They are first added up per product,
# region and period, on narrow rows (no category or merchant yet): a year of a large marketplace
# is about a million such rows, and this is the one pass over all of them.
_SUM_PERIODS = """
CREATE TEMP TABLE sums AS
SELECT product_id, region, period, SUM(cases) AS cases, SUM(units) AS units
FROM (
    SELECT product_id, region, cases, 0 AS units,
           CAST(FLOOR((day - $first_day) / CAST($period_days AS DOUBLE)) AS INTEGER) AS period
    FROM case_rows
    UNION ALL
    SELECT product_id, region, 0 AS cases, quantity AS units,
           CAST(FLOOR((day - $first_day) / CAST($period_days AS DOUBLE)) AS INTEGER) AS period
    FROM sale_rows
) AS happened
WHERE period >= -$lead AND period < $periods
GROUP BY product_id, region, period
"""

# One series per product and region, and one per whole category and region, under the product's
# category (today's: a product's series and its category's agree). They are numbered in the
# order of their keys, a category's own series first; numbering the few distinct keys, not every
# (series, period) row, keeps the sort small.
_NUMBER_SERIES = """
CREATE TEMP TABLE series AS
WITH products_sold AS (
    SELECT p.category, s.region, s.product_id, p.merchant_id
    FROM (SELECT DISTINCT product_id, region FROM sums) AS s
    JOIN product_rows p ON p.product_id = s.product_id
), keyed AS (
    SELECT category, region, product_id, merchant_id FROM products_sold
    UNION ALL
    SELECT DISTINCT category, region, NULL, NULL FROM products_sold
)
SELECT ROW_NUMBER() OVER (ORDER BY category, region, product_id NULLS FIRST) - 1 AS series,
       category, region, product_id, merchant_id
FROM keyed
"""

_SERIES_KEYS = "SELECT category, region, product_id, merchant_id FROM series ORDER BY series"

# A product's totals are its sums; a whole category's are its products' sums added up.
_SERIES_FIGURES = """
SELECT k.series, s.period, s.cases, s.units
FROM sums s JOIN series k ON k.product_id = s.product_id AND k.region = s.region
UNION ALL
SELECT k.series, c.period, c.cases, c.units
FROM (
    SELECT p.category, s.region, s.period, SUM(s.cases) AS cases, SUM(s.units) AS units
    FROM sums s JOIN product_rows p ON p.product_id = s.product_id
    GROUP BY p.category, s.region, s.period
) AS c
JOIN series k ON k.category = c.category AND k.region = c.region AND k.product_id IS NULL
"""

_COUNT_DAYS = """
SELECT day - $first_day AS offset, SUM(cases) AS cases
FROM case_rows
WHERE day >= $first_day AND day < $first_day + $days
GROUP BY day
"""


@dataclass(frozen=True)
class SeriesTotals:
    """Cases opened and units sold per series and period.

    Columns run from ``-lead`` to ``periods - 1``: the ``lead`` periods before period 0 carry
    the units sold before the counted history, which are still in service during it."""

    keys: tuple[SeriesKey, ...]
    merchants: tuple[str | None, ...]  # the product's merchant; None for a whole category
    first_day: int  # CST day (since 1970-01-01) on which period 0 begins
    period_days: int
    lead: int
    cases: Floats  # (series, lead + periods)
    units: Floats  # (series, lead + periods)


def count_series(
    case_rows: Columns,
    sale_rows: Columns,
    product_rows: Columns,
    *,
    first_day: int,
    periods: int,
    period_days: int = 7,
    lead: int = 0,
) -> SeriesTotals:
    """Totals per (product or whole category), region and period, for every series with a case
    or a sale in the periods counted."""
    params = {"first_day": first_day, "period_days": period_days, "periods": periods, "lead": lead}
    with duckdb.connect() as con:
        con.register("case_rows", case_rows)
        con.register("sale_rows", sale_rows)
        con.register("product_rows", product_rows)
        con.execute(_SUM_PERIODS, params)
        con.execute(_NUMBER_SERIES)
        # Columns rather than a tuple per series: fewer objects for the garbage collector.
        keys = {
            name: column.tolist() for name, column in con.execute(_SERIES_KEYS).fetchnumpy().items()
        }
        figures = con.execute(_SERIES_FIGURES).fetchnumpy()
    products = keys["product_id"]
    cases, units = _spread(figures, (len(products), lead + periods), lead)
    return SeriesTotals(
        keys=tuple(map(SeriesKey, map(str, keys["category"]), map(str, keys["region"]), products)),
        merchants=tuple(
            m if p is not None else None for p, m in zip(products, keys["merchant_id"], strict=True)
        ),
        first_day=first_day,
        period_days=period_days,
        lead=lead,
        cases=cases,
        units=units,
    )


def _spread(figures: dict[str, Any], shape: tuple[int, int], lead: int) -> tuple[Floats, Floats]:
    """Cases and units as (series, period) arrays, 0 where a series had none."""
    cases, units = np.zeros(shape), np.zeros(shape)
    rows = np.asarray(figures["series"], dtype=np.intp)
    cols = np.asarray(figures["period"], dtype=np.intp) + lead
    cases[rows, cols] = np.asarray(figures["cases"], dtype=np.float64)
    units[rows, cols] = np.asarray(figures["units"], dtype=np.float64)
    return cases, units


def count_days(case_rows: Columns, *, first_day: int, days: int) -> Floats:
    """Cases per CST day over ``days`` days from ``first_day`` (0 where none)."""
    with duckdb.connect() as con:
        con.register("case_rows", {"day": case_rows["day"], "cases": case_rows["cases"]})
        figures = con.execute(_COUNT_DAYS, {"first_day": first_day, "days": days}).fetchnumpy()
    counts = np.zeros(days)
    counts[np.asarray(figures["offset"], dtype=np.intp)] = figures["cases"]
    return counts
