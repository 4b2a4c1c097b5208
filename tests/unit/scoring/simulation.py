"""A seeded marketplace whose merchants have known, constant true rates.

Each merchant has a latent quality z ~ N(0, 1) and, per metric, a true rate
``expit(logit(base) + slope * z + noise)``: better merchants have fewer cases, answer on time
more often and please more customers, with some metric-specific variation on top. Months are
simulated independently from those fixed rates, and a window is the sum of consecutive months,
so consecutive 90-day windows share two months exactly as the real cycles do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit, logit

from aftersales.scoring import Attainment, MerchantWindow, Ratings, ServiceCounts

# metric: (base rate, slope on quality, spread of the merchant's own deviation)
RATES: dict[str, tuple[float, float, float]] = {
    "first_response": (0.90, 0.7, 0.4),
    "proposal": (0.88, 0.7, 0.4),
    "resolution": (0.85, 0.7, 0.4),
    "escalation": (0.10, -0.5, 0.3),
    "disputes_lost": (0.40, -0.4, 0.3),
    "refund_only": (0.30, -0.3, 0.3),  # share of cases that are refund-only requests
    "repeat_contact": (0.15, -0.4, 0.3),
    "satisfied": (0.80, 0.7, 0.4),
}
CASE_SLOPE, CASE_SPREAD = -0.6, 0.3
RATED_SHARE = 0.6  # cases the consumer rates


@dataclass
class Market:
    """True parameters of every merchant; draw windows from it."""

    seed: int
    categories: list[str]
    case_base: dict[str, float]
    monthly_orders: np.ndarray
    quality: np.ndarray
    rates: dict[str, np.ndarray] = field(default_factory=dict)
    rng: np.random.Generator = field(init=False)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        size = len(self.categories)
        base = np.array([self.case_base[c] for c in self.categories])
        noise = self.rng.normal(0.0, CASE_SPREAD, size)
        self.rates["case"] = expit(logit(base) + CASE_SLOPE * self.quality + noise)
        for name, (rate, slope, spread) in RATES.items():
            noise = self.rng.normal(0.0, spread, size)
            self.rates[name] = expit(logit(rate) + slope * self.quality + noise)
        self.median_hours = np.exp(3.0 - 0.3 * self.quality + self.rng.normal(0, 0.2, size))

    @property
    def size(self) -> int:
        return len(self.categories)

    def month(self, i: int) -> ServiceCounts:
        """One month of merchant ``i``'s counts, drawn from its true rates."""
        rng, r = self.rng, {k: v[i] for k, v in self.rates.items()}
        orders = int(rng.poisson(self.monthly_orders[i]))
        cases = int(rng.binomial(orders, r["case"]))

        def clock(p: float) -> Attainment:
            return Attainment(cases, int(rng.binomial(cases, p)))

        escalations = int(rng.binomial(cases, r["escalation"]))
        rated = int(rng.binomial(cases, RATED_SHARE))
        happy = int(rng.binomial(rated, r["satisfied"]))
        hours = rng.lognormal(np.log(self.median_hours[i]), 0.8, cases)
        return ServiceCounts(
            orders=orders,
            cases=cases,
            first_response=clock(r["first_response"]),
            proposal=clock(r["proposal"]),
            resolution=clock(r["resolution"]),
            resolution_hours=tuple(float(h) for h in hours),
            escalations=escalations,
            disputes_lost=int(rng.binomial(escalations, r["disputes_lost"])),
            refund_only=int(rng.binomial(cases, r["refund_only"])),
            repeat_contacts=int(rng.binomial(cases, r["repeat_contact"])),
            ratings=Ratings((0.0, rated - happy, 0.0, 0.0, happy)),
        )

    def months(self, count: int) -> list[list[ServiceCounts]]:
        """``count`` months for every merchant: result[month][merchant]."""
        return [[self.month(i) for i in range(self.size)] for _ in range(count)]

    def windows(self, months: list[list[ServiceCounts]]) -> list[MerchantWindow]:
        """One window made of the given months."""
        return [
            MerchantWindow(
                f"m{i:04d}",
                self.categories[i],
                ServiceCounts.total(month[i] for month in months),
            )
            for i in range(self.size)
        ]


def market(
    seed: int,
    per_category: dict[str, int],
    case_base: dict[str, float],
    median_orders: float = 120.0,
) -> Market:
    """A marketplace with the given merchants per category; volumes are lognormal."""
    rng = np.random.default_rng(seed)
    categories = [c for c, n in per_category.items() for _ in range(n)]
    volumes = rng.lognormal(np.log(median_orders), 0.6, len(categories))
    quality = rng.normal(0.0, 1.0, len(categories))
    return Market(seed + 1, categories, case_base, volumes, quality)
