"""The cycle compiled once to DuckDB's SQL: one plan for every window, the same counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aftersales.analytics import Limits, Window, merchant_windows
from aftersales.analytics.inputs import BOUNDS
from aftersales.analytics.plans import compiled
from aftersales.analytics.reference import aggregate_pandas
from aftersales.analytics.synthetic import Shape, generate
from aftersales.analytics.windows import build_windows

END = datetime(2026, 12, 1, tzinfo=UTC)
QUARTER = Window(END - timedelta(days=90), END)
LAST_MONTH = Window(END - timedelta(days=28), END)
EARLIER = Window(END - timedelta(days=60), END - timedelta(days=30))


def test_one_compiled_plan_counts_each_window_as_the_plain_version_does() -> None:
    """The windows run one after the other in one process, through one cached plan."""
    inputs = generate(
        Shape(merchants=80, lines=8_000, cases=900, consumers=1_500, appeals=6), QUARTER
    )
    found = {}
    for window in (QUARTER, LAST_MONTH, EARLIER, QUARTER):
        on_duckdb = merchant_windows(inputs, window, Limits())
        assert on_duckdb == build_windows(aggregate_pandas(inputs, window, Limits()))
        found[window] = on_duckdb
    assert len({repr(w) for w in found.values()}) == 3  # the windows do differ


def test_the_plan_is_compiled_once_per_set_of_caps_and_holds_no_window() -> None:
    plan = compiled("duckdb", Limits())

    assert compiled("duckdb", Limits()) is plan
    assert compiled("duckdb", Limits(orders_per_buyer=3.0)) is not plan
    sql = "\n".join(step.sql for step in (*plan.kept, *plan.results))
    assert BOUNDS in sql
    assert str(int(QUARTER.end_s)) not in sql
