"""The load generator: simulated traffic replayed against a running server over HTTP.

``prepare`` gives the server a small simulated marketplace of its own (merchants, products,
buyers, delivered orders: through the integration's API) and mints the tokens its people use;
``replay`` then sends case openings and the merchants' and buyers' next moves at a fixed rate,
open loop (each request leaves at its due time, and its latency counts from then), bounded in
count and time.
"""

from __future__ import annotations

from aftersales.loadgen.prepare import Cast, prepare
from aftersales.loadgen.replay import Bounds, Report, replay

__all__ = ["Bounds", "Cast", "Report", "prepare", "replay"]
