"""How the platform runs its assessment cycles: the scorer's knobs plus the calendar's windows."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from aftersales.scoring.parameters import ScoringConfig

__all__ = ["CycleTerms"]


@dataclass(frozen=True, slots=True)
class CycleTerms:
    """Everything that decides a cycle's result, and the engine that computes it."""

    config: ScoringConfig = field(default_factory=ScoringConfig)
    lookback_days: int = 90  # the monthly cycle: orders placed in the 90 days before it closes
    weekly_days: int = 28  # the weekly check: a shorter window, so a collapse shows quickly
    engine: str = "duckdb"

    def parameters(self) -> dict[str, Any]:
        """The parameters as JSON, stored with every cycle (the engine changes no result)."""
        c = self.config
        return {
            "lookback_days": self.lookback_days,
            "weekly_days": self.weekly_days,
            "weights": {str(m): w for m, w in sorted(c.weights.values.items())},
            "rules": [
                [str(r.metric), str(r.level), r.peer_multiple, r.min_rate, r.count_over]
                for r in c.rules
            ],
            "interval": c.interval,
            "min_peers": c.min_peers,
            "volume_bands": list(c.volume_bands),
            "min_orders": c.min_orders,
            "excellent_min_orders": c.excellent_min_orders,
            "excellent_from": c.excellent_from,
            "good_from": c.good_from,
            "orders_per_buyer": c.orders_per_buyer,
            "ratings_per_buyer": c.ratings_per_buyer,
        }

    def digest(self) -> str:
        """SHA-256 of the canonical JSON of the parameters."""
        text = json.dumps(self.parameters(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()
