"""Run the cycle's expressions on an engine and hand the scorer its windows."""

from __future__ import annotations

from aftersales.analytics.engines import Engine, open_engine
from aftersales.analytics.inputs import CycleInputs, Window
from aftersales.analytics.query import Limits
from aftersales.analytics.windows import CycleResults, build_windows
from aftersales.scoring import MerchantWindow

__all__ = ["aggregate", "merchant_windows"]


def aggregate(engine: Engine, window: Window, limits: Limits) -> CycleResults:
    """The query's result tables, computed by ``engine`` over the tables it holds."""
    return CycleResults(**engine.results(window, limits))


def merchant_windows(
    inputs: CycleInputs, window: Window, limits: Limits, engine: str = "duckdb"
) -> list[MerchantWindow]:
    """Every merchant's window, aggregated by the engine called ``engine``."""
    with open_engine(engine, inputs) as running:
        return build_windows(aggregate(running, window, limits))
