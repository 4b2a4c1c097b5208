"""Which order lines come back as cases: what went wrong, why, when, and in whose words.

Each line draws its ordinary problems from its category's mix, weighed by the merchant's defect
rate and listing accuracy and by its batch, and, when its batch carries a hazard, a failure whose
chance follows the weather of the buyer's province on the day the unit is in use. The truth
about the cause is kept with the plan: the platform never reads it, the simulated operator does
(as a careful investigation would find it), and the tests do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import numpy as np

from aftersales.simulation.calendar import CST
from aftersales.simulation.catalogue import PROFILES
from aftersales.simulation.demand import LinePlan, OrderPlan
from aftersales.simulation.hazards import HAZARDS
from aftersales.simulation.regions import REGIONS
from aftersales.simulation.texts import complaint
from aftersales.simulation.world import SimConsumer, SimMerchant, SimProduct, World

__all__ = ["SAFETY_ISSUES", "CasePlan", "CasePlanner", "Truth"]

_REGION = {r.code: r for r in REGIONS}
SAFETY_ISSUES = frozenset({"electrical_hazard", "fire_overheat", "food_spoilage"})
_DEFECTS = frozenset({"quality_defect", "malfunction", "missing_parts", "software_issue"})
_LISTING = frozenset({"not_as_described", "size_fit", "colour_difference"})
_RETURN_WINDOW_DAYS = 14  # a day inside the platform's 15-day window for returns and exchanges

# The kinds of case buyers open for each problem, with their shares.
_CASE_TYPES: dict[str, dict[str, float]] = {
    "malfunction": {"repair": 0.4, "exchange": 0.3, "return_refund": 0.3},
    "quality_defect": {"return_refund": 0.5, "exchange": 0.3, "refund_only": 0.2},
    "software_issue": {"repair": 0.6, "return_refund": 0.25, "complaint": 0.15},
    "damaged_in_transit": {"return_refund": 0.5, "refund_only": 0.3, "exchange": 0.2},
    "wrong_item": {"exchange": 0.6, "return_refund": 0.4},
    "missing_parts": {"refund_only": 0.5, "exchange": 0.5},
    "size_fit": {"exchange": 0.6, "return_refund": 0.4},
    "colour_difference": {"return_refund": 0.6, "exchange": 0.4},
    "not_as_described": {"return_refund": 0.6, "refund_only": 0.3, "complaint": 0.1},
    "care_damage": {"return_refund": 0.6, "complaint": 0.4},
    "late_delivery": {"complaint": 0.5, "refund_only": 0.5},
    "electrical_hazard": {"safety_report": 0.5, "return_refund": 0.3, "refund_only": 0.2},
    "fire_overheat": {"safety_report": 0.5, "return_refund": 0.3, "refund_only": 0.2},
    "food_spoilage": {"refund_only": 0.5, "safety_report": 0.5},
}


class Truth(StrEnum):
    """What really caused the problem; decides who a fair arbiter holds liable."""

    DEFECT = "defect"  # the product: the merchant
    LISTING = "listing"  # the merchant described it wrongly (or left out the care label)
    MERCHANT_ERROR = "merchant_error"  # wrong item packed
    LOGISTICS = "logistics"  # the courier
    BUYER_CARE = "buyer_care"  # washed against the label
    BUYER_TASTE = "buyer_taste"  # an accurate listing, the buyer changed their mind

    @property
    def merchant_liable(self) -> bool:
        return self in (Truth.DEFECT, Truth.LISTING, Truth.MERCHANT_ERROR)


@dataclass(frozen=True, slots=True)
class CasePlan:
    line_id: str
    order_id: str
    consumer_id: str
    merchant_id: str
    product_id: str
    batch_id: str
    category: str
    region: str
    issue: str
    truth: Truth
    case_type: str
    description: str
    open_at: datetime
    amount: int  # fen paid for the line
    hazard: bool  # a failure of a hazardous batch
    reported: dict[str, Any] = field(default_factory=dict)

    @property
    def safety(self) -> bool:
        return self.issue in SAFETY_ISSUES


class CasePlanner:
    """Plans the cases of each day's orders; remembers each shop's odds, which do not change."""

    def __init__(self, world: World, rng: np.random.Generator) -> None:
        self._world = world
        self._rng = rng
        self._odds: dict[tuple[str, str, float], tuple[float, dict[str, float]]] = {}

    def plan(self, orders: list[OrderPlan]) -> list[CasePlan]:
        """The cases the buyers of these orders will open, each at its own moment."""
        plans = []
        for order in orders:
            for line in order.lines:
                plan = self._plan_line(order, line)
                if plan is not None:
                    plans.append(plan)
        return plans

    def _plan_line(self, order: OrderPlan, line: LinePlan) -> CasePlan | None:
        world, rng = self._world, self._rng
        product = world.product_by_id[line.product_id]
        merchant = world.by_id[order.merchant_id]
        found = _hazard_failure(world, order, line, rng) or self._ordinary(product, line, merchant)
        if found is None:
            return None
        issue, delay, hazard = found
        consumer = world.consumer_by_id[order.consumer_id]
        return _case_plan(order, line, product, merchant, consumer, issue, delay, hazard, rng)

    def _ordinary(
        self, product: SimProduct, line: LinePlan, merchant: SimMerchant
    ) -> tuple[str, timedelta, bool] | None:
        batch = self._world.batch_by_id[line.batch_id]
        key = (merchant.id, product.category, batch.defect_multiplier)
        if key not in self._odds:
            self._odds[key] = _odds(product.category, merchant, batch.defect_multiplier)
        chance, weights = self._odds[key]
        if self._rng.random() >= chance * line.quantity:
            return None
        issue = _draw(self._rng, weights)
        return issue, _delay(issue, self._rng), False


def _case_plan(
    order: OrderPlan,
    line: LinePlan,
    product: SimProduct,
    merchant: SimMerchant,
    consumer: SimConsumer,
    issue: str,
    delay: timedelta,
    hazard: bool,
    rng: np.random.Generator,
) -> CasePlan:
    truth = _truth(issue, product, merchant, rng)
    case_type = _case_type(issue, delay, rng)
    days = int(delay.total_seconds() // 86400)
    root = PROFILES[product.category].root
    words = complaint(
        issue, root, product.noun_zh, product.noun_en, case_type, days, consumer.language, rng
    )
    return CasePlan(
        line_id=line.id,
        order_id=order.id,
        consumer_id=consumer.id,
        merchant_id=merchant.id,
        product_id=product.id,
        batch_id=line.batch_id,
        category=product.category,
        region=order.region,
        issue=issue,
        truth=truth,
        case_type=case_type,
        description=words,
        open_at=order.delivered_at + delay,
        amount=line.unit_price * line.quantity,
        hazard=hazard,
        reported=_reported(issue, truth),
    )


def _hazard_failure(
    world: World, order: OrderPlan, line: LinePlan, rng: np.random.Generator
) -> tuple[str, timedelta, bool] | None:
    batch = world.batch_by_id[line.batch_id]
    if batch.hazard is None:
        return None
    hazard = HAZARDS[batch.hazard]
    delivered = order.delivered_at.astimezone(CST).date()
    days = hazard.failure_after(_REGION[order.region], delivered, line.quantity, rng)
    if days is None:
        return None
    return _draw(rng, hazard.issues), timedelta(days=days, hours=float(rng.uniform(2, 20))), True


def _odds(
    category: str, merchant: SimMerchant, batch_defects: float
) -> tuple[float, dict[str, float]]:
    """A line's chance of an ordinary case at this shop, and the mix of its problems."""
    profile = PROFILES[category]
    weights = {
        issue: share * _weight(issue, merchant, batch_defects)
        for issue, share in profile.issues.items()
    }
    return profile.case_rate * sum(weights.values()), weights


def _weight(issue: str, merchant: SimMerchant, batch_defects: float) -> float:
    if issue in _DEFECTS:
        return merchant.defect_rate * batch_defects
    if issue in _LISTING:
        # An accurate listing (0.9) gives the usual share; a poor one (0.5) three times it.
        return (1.0 + 5.0 * (1.0 - merchant.listing_accuracy)) / 1.5
    return 1.0


def _delay(issue: str, rng: np.random.Generator) -> timedelta:
    """From delivery to the case: returns within the window, breakdowns weeks later."""
    mean = 20.0 if issue in ("malfunction", "software_issue") else 2.0
    days = float(rng.exponential(mean))
    return timedelta(days=days, hours=float(rng.uniform(1, 12)))


def _truth(
    issue: str, product: SimProduct, merchant: SimMerchant, rng: np.random.Generator
) -> Truth:
    if issue in ("damaged_in_transit", "late_delivery"):
        return Truth.LOGISTICS
    if issue == "wrong_item":
        return Truth.MERCHANT_ERROR
    if issue == "care_damage":
        return Truth.LISTING if "care_label" not in product.attributes else Truth.BUYER_CARE
    if issue in ("size_fit", "colour_difference"):
        misdescribed = rng.random() < 2.0 * (1.0 - merchant.listing_accuracy)
        return Truth.LISTING if misdescribed else Truth.BUYER_TASTE
    if issue == "not_as_described":
        return Truth.LISTING
    if issue == "software_issue" and rng.random() < 0.4:
        return Truth.BUYER_TASTE  # a setting the buyer had wrong
    return Truth.DEFECT


def _case_type(issue: str, delay: timedelta, rng: np.random.Generator) -> str:
    kind = _draw(rng, _CASE_TYPES[issue])
    late = delay > timedelta(days=_RETURN_WINDOW_DAYS)
    if late and kind in ("return_refund", "refund_only", "exchange"):
        # Past the return window a buyer asks for a repair, or reports a hazard as such.
        return "safety_report" if issue in SAFETY_ISSUES else "repair"
    return kind


def _reported(issue: str, truth: Truth) -> dict[str, Any]:
    """What the buyer says about how they cared for the item."""
    if issue != "care_damage":
        return {}
    if truth is Truth.BUYER_CARE:
        return {"care_applied": ["wash_60", "tumble_dry_normal"]}
    return {"care_applied": ["wash_30"]}


def _draw(rng: np.random.Generator, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]
