"""Run the cycle's expressions on an engine and hand the scorer its windows."""

from __future__ import annotations

from aftersales.analytics.engines import Engine, open_engine
from aftersales.analytics.inputs import SCHEMAS, CycleInputs, Window
from aftersales.analytics.query import Limits, cycle_query
from aftersales.analytics.windows import CycleResults, build_windows
from aftersales.scoring import MerchantWindow

__all__ = ["aggregate", "merchant_windows"]


def aggregate(engine: Engine, window: Window, limits: Limits) -> CycleResults:
    """The query's result tables, computed by ``engine`` over the tables it holds."""
    tables = {name: engine.table(name) for name in SCHEMAS}
    query = cycle_query(tables, window, limits, keep=engine.keep)
    return CycleResults(
        categories=engine.run(query.categories),
        hours=engine.run(query.hours),
        without=engine.run(query.without),
        appealed=engine.run(query.appealed),
        severe=engine.run(query.severe),
        merchants=engine.run(tables["merchants"]),
    )


def merchant_windows(
    inputs: CycleInputs, window: Window, limits: Limits, engine: str = "duckdb"
) -> list[MerchantWindow]:
    """Every merchant's window, aggregated by the engine called ``engine``."""
    with open_engine(engine, inputs) as running:
        return build_windows(aggregate(running, window, limits))
