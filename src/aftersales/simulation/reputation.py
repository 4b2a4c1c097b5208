"""What buyers see of a shop before buying: its recent service ratings.

A decayed average (ratings lose half their weight in ``half_life_days``) shrunk towards a
prior, so that one bad rating does not sink a small shop; demand follows it (``pull``).
"""

from __future__ import annotations

import math

__all__ = ["Reputation"]


class Reputation:
    def __init__(self, prior: float = 4.3, weight: float = 8.0, half_life_days: float = 45.0):
        self._prior = prior
        self._weight = weight
        self._keep = 0.5 ** (1.0 / half_life_days)
        self._sums: dict[str, float] = {}
        self._counts: dict[str, float] = {}

    def rate(self, merchant_id: str, stars: int) -> None:
        self._sums[merchant_id] = self._sums.get(merchant_id, 0.0) + stars
        self._counts[merchant_id] = self._counts.get(merchant_id, 0.0) + 1.0

    def next_day(self) -> None:
        """A day passes: every rating weighs a little less."""
        for key in self._sums:
            self._sums[key] *= self._keep
            self._counts[key] *= self._keep

    def stars(self, merchant_id: str) -> float:
        total = self._sums.get(merchant_id, 0.0) + self._prior * self._weight
        return total / (self._counts.get(merchant_id, 0.0) + self._weight)

    def pull(self, merchant_id: str) -> float:
        """Demand relative to an average shop: a sixth as much at 2.5 stars, 1.6 times at 4.8."""
        return math.exp(1.0 * (self.stars(merchant_id) - self._prior))
