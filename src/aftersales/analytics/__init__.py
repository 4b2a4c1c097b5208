"""Analytics over the operational data, written as Ibis expressions (DuckDB by default, Spark).

The assessment cycle lives here: ``inputs`` says which flat tables it reads, ``query`` what it
computes from them, ``engines`` where it runs, ``windows`` how the results become the scorer's
``MerchantWindow`` objects. Nothing here knows the operational database: the store fills the
input tables (``store/cycle_source.py``), the benchmark and the tests make their own.
"""

from __future__ import annotations

from aftersales.analytics.engines import ENGINES, Engine, open_engine
from aftersales.analytics.inputs import SCHEMAS, CycleInputs, Window, empty
from aftersales.analytics.query import Limits, cycle_query
from aftersales.analytics.run import aggregate, merchant_windows
from aftersales.analytics.windows import CycleResults, build_windows

__all__ = [
    "ENGINES",
    "SCHEMAS",
    "CycleInputs",
    "CycleResults",
    "Engine",
    "Limits",
    "Window",
    "aggregate",
    "build_windows",
    "cycle_query",
    "empty",
    "merchant_windows",
    "open_engine",
]
