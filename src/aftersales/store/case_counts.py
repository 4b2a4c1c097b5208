"""Counting cases and units sold per series and period, in DuckDB.

The rows come from the operational database through one streaming SELECT each
(``store.case_feed``); DuckDB then does the grouping, in plain SQL that any engine with
``GROUPING SETS`` and window functions runs (Spark, PostgreSQL, Trino), so the same job can move
to a cluster when a marketplace outgrows one machine (decision 0014). DuckDB does not read
SQLite or PostgreSQL directly here: its scanners are extensions downloaded at run time, which a
machine without the internet cannot do.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
from numpy.typing import NDArray

from aftersales.store.case_feed import Columns
from aftersales.warning import SeriesKey

__all__ = ["SeriesTotals", "count_days", "count_series"]

Floats = NDArray[np.float64]

# Cases and units come summed per product, region and day; they are added up per period, under its
# product's category (today's: a product's series and its category's agree); then totals per
# product and, in the same pass, per whole category, in every region. Series are numbered in the
# order of their keys, a category's own series first.
_COUNT_SERIES = """
CREATE TEMP TABLE counted AS
WITH happened AS (
    SELECT product_id, region, day, cases, 0 AS units FROM case_rows
    UNION ALL
    SELECT product_id, region, day, 0 AS cases, quantity AS units FROM sale_rows
), dated AS (
    SELECT p.category, h.region, h.product_id, p.merchant_id, h.cases, h.units,
           CAST(FLOOR((h.day - $first_day) / CAST($period_days AS DOUBLE)) AS INTEGER) AS period
    FROM happened h JOIN product_rows p ON p.product_id = h.product_id
), totals AS (
    SELECT category, region, product_id, merchant_id, period,
           SUM(cases) AS cases, SUM(units) AS units
    FROM dated
    WHERE period >= -$lead AND period < $periods
    GROUP BY GROUPING SETS (
        (category, region, product_id, merchant_id, period),
        (category, region, period)
    )
)
SELECT DENSE_RANK() OVER (ORDER BY category, region, product_id NULLS FIRST) - 1 AS series,
       category, region, product_id, merchant_id, period, cases, units
FROM totals
"""

_SERIES_KEYS = """
SELECT DISTINCT series, category, region, product_id, merchant_id FROM counted ORDER BY series
"""

_SERIES_FIGURES = "SELECT series, period, cases, units FROM counted"

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
        con.execute(_COUNT_SERIES, params)
        keys = con.execute(_SERIES_KEYS).fetchall()
        figures = con.execute(_SERIES_FIGURES).fetchnumpy()
    shape = (len(keys), lead + periods)
    cases, units = np.zeros(shape), np.zeros(shape)
    rows = np.asarray(figures["series"], dtype=np.intp)
    cols = np.asarray(figures["period"], dtype=np.intp) + lead
    cases[rows, cols] = np.asarray(figures["cases"], dtype=np.float64)
    units[rows, cols] = np.asarray(figures["units"], dtype=np.float64)
    return SeriesTotals(
        keys=tuple(SeriesKey(str(c), str(r), p) for _, c, r, p, _ in keys),
        merchants=tuple(m if p is not None else None for _, _, _, p, m in keys),
        first_day=first_day,
        period_days=period_days,
        lead=lead,
        cases=cases,
        units=units,
    )


def count_days(case_rows: Columns, *, first_day: int, days: int) -> Floats:
    """Cases per CST day over ``days`` days from ``first_day`` (0 where none)."""
    with duckdb.connect() as con:
        con.register("case_rows", {"day": case_rows["day"], "cases": case_rows["cases"]})
        figures = con.execute(_COUNT_DAYS, {"first_day": first_day, "days": days}).fetchnumpy()
    counts = np.zeros(days)
    counts[np.asarray(figures["offset"], dtype=np.intp)] = figures["cases"]
    return counts
