"""Hand-made counts for tests that need an exact merchant rather than a simulated market."""

from __future__ import annotations

import math

from aftersales.scoring import Attainment, MerchantWindow, Ratings, ServiceCounts


def counts(
    orders: float,
    cases: float,
    *,
    late: float = 0.0,
    escalations: float = 0.0,
    lost: float = 0.0,
    unhappy: float = 0.0,
    hours: float = 24.0,
) -> ServiceCounts:
    """A window where ``late`` of the cases missed every deadline and every case was rated."""
    on_time = cases - late
    return ServiceCounts(
        orders=orders,
        cases=cases,
        first_response=Attainment(cases, on_time),
        proposal=Attainment(cases, on_time),
        resolution=Attainment(cases, on_time),
        resolution_hours=tuple(hours for _ in range(int(cases))),
        escalations=escalations,
        disputes_lost=lost,
        ratings=Ratings((unhappy, 0.0, 0.0, 0.0, cases - unhappy)),
    )


def peers(
    count: int, category: str, *, orders: float = 400.0, rate: float = 0.01, prefix: str = ""
) -> list[MerchantWindow]:
    """``count`` ordinary merchants of one category, case rates spread a little around ``rate``."""
    result = []
    for i in range(count):
        cases = max(0, round(orders * rate * (0.5 + i / count)))
        late = math.floor(cases * 0.1 * (i % 3))
        result.append(
            MerchantWindow(
                f"{prefix or category}-{i:03d}", category, counts(orders, cases, late=late)
            )
        )
    return result
