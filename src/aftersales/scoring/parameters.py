"""The knobs of the scorer, with their defaults and the checks that refuse nonsense.

Every default is written down with its reason in docs/scoring.md. Operators change them per
marketplace; a bad value fails here with a ValidationFailed that names it, never later as a NaN.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Real

from aftersales.errors import Text, ValidationFailed
from aftersales.scoring.metrics import Metric
from aftersales.scoring.tiers import Tier

__all__ = [
    "DEFAULT_RULES",
    "DEFAULT_WEIGHTS",
    "RateCountRule",
    "ScoringConfig",
    "Weights",
]

_SUM_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each metric's peer percentile counts in the 0-100 score; they sum to 1."""

    values: Mapping[Metric, float]
    # Every metric's weight in Metric order, for loops over many merchants' figures.
    in_order: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for metric, weight in self.values.items():
            if not isinstance(metric, Metric):
                raise ValidationFailed(
                    Text(
                        f"unknown metric in weights: {metric!r}", f"权重中有未知的指标：{metric!r}"
                    )
                )
            if not (isinstance(weight, Real) and math.isfinite(weight) and weight >= 0):
                raise ValidationFailed(
                    Text(
                        f"weight of {metric} must be >= 0, got {weight!r}",
                        f"指标 {metric} 的权重须 >= 0，实际为 {weight!r}",
                    )
                )
        total = sum(self.values.values())
        if abs(total - 1.0) > _SUM_TOLERANCE:
            raise ValidationFailed(
                Text(
                    f"weights must sum to 1, they sum to {total:.6g}",
                    f"各项权重之和须为 1，实际为 {total:.6g}",
                )
            )
        object.__setattr__(self, "in_order", tuple(self.values.get(m, 0.0) for m in Metric))

    @classmethod
    def of(cls, values: Mapping[str, float]) -> Weights:
        """Weights from metric names (as a settings file spells them)."""
        known = {m.value for m in Metric}
        unknown = sorted(set(values) - known)
        if unknown:
            names = ", ".join(sorted(known))
            raise ValidationFailed(
                Text(
                    f"unknown metric in weights: {', '.join(unknown)} (known: {names})",
                    f"权重中有未知的指标：{', '.join(unknown)}（可用的指标：{names}）",
                )
            )
        return cls({Metric(name): weight for name, weight in values.items()})

    def __getitem__(self, metric: Metric) -> float:
        return self.values.get(metric, 0.0)


# Speed and outcome for the consumer weigh most; safety incidents weigh nothing here because a
# percentile would let a merchant trade safety for speed: they act through the rules instead.
DEFAULT_WEIGHTS = Weights(
    {
        Metric.CASE_RATE: 0.20,
        Metric.FIRST_RESPONSE: 0.10,
        Metric.PROPOSAL: 0.10,
        Metric.RESOLUTION: 0.10,
        Metric.QUICK_RESOLUTION: 0.05,
        Metric.ESCALATION: 0.10,
        Metric.DISPUTES_LOST: 0.05,
        Metric.REFUND_ONLY: 0.05,
        Metric.REPEAT_CONTACT: 0.05,
        Metric.SATISFACTION: 0.20,
    }
)


@dataclass(frozen=True, slots=True)
class RateCountRule:
    """A line a merchant must not cross: a bad-event rate *and* a bad-event count above it.

    The rate line is ``max(peer_multiple x the peer group's mean bad rate, min_rate)``, so it
    follows the category's base rate; the count line keeps one defect in 50 orders from ever
    counting as a breach. For metrics where higher is better the bad events are the misses.
    """

    metric: Metric
    level: Tier
    peer_multiple: float
    min_rate: float
    count_over: float

    def __post_init__(self) -> None:
        if self.level not in (Tier.WATCH, Tier.RESTRICTED):
            raise ValidationFailed(
                Text(
                    f"a rule demotes to watch or restricted, not {self.level}",
                    f"规则只能降至观察（watch）或受限（restricted），不能是 {self.level}",
                )
            )
        if not (self.peer_multiple >= 1 and 0 <= self.min_rate < 1 and self.count_over >= 0):
            raise ValidationFailed(
                Text(
                    f"rule on {self.metric}: peer_multiple >= 1, 0 <= min_rate < 1,"
                    " count_over >= 0",
                    f"指标 {self.metric} 的规则须满足：peer_multiple >= 1、0 <= min_rate < 1、"
                    "count_over >= 0",
                )
            )


DEFAULT_RULES: tuple[RateCountRule, ...] = (
    RateCountRule(Metric.CASE_RATE, Tier.WATCH, 2.0, 0.005, 3),
    RateCountRule(Metric.CASE_RATE, Tier.RESTRICTED, 4.0, 0.02, 10),
    RateCountRule(Metric.FIRST_RESPONSE, Tier.WATCH, 2.0, 0.10, 5),
    RateCountRule(Metric.RESOLUTION, Tier.WATCH, 2.0, 0.10, 5),
    RateCountRule(Metric.RESOLUTION, Tier.RESTRICTED, 4.0, 0.30, 10),
    RateCountRule(Metric.DISPUTES_LOST, Tier.WATCH, 2.0, 0.25, 3),
    RateCountRule(Metric.SATISFACTION, Tier.WATCH, 2.0, 0.20, 5),
    RateCountRule(Metric.SAFETY_INCIDENTS, Tier.WATCH, 3.0, 0.001, 1),
)


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """Everything the scorer can be told; the defaults are the documented ones."""

    weights: Weights = DEFAULT_WEIGHTS
    rules: tuple[RateCountRule, ...] = DEFAULT_RULES
    interval: float = 0.90  # equal-tailed posterior interval shown with each figure
    min_peers: int = 30  # a smaller peer group falls back to the parent category
    volume_bands: tuple[float, ...] = (100.0, 1_000.0, 10_000.0)  # orders per window
    min_orders: float = 20.0  # fewer orders (after the buyer cap): not_enough_data
    excellent_min_orders: float = 100.0  # eBay asks 100 transactions for Top Rated
    excellent_from: float = 90.0  # score percentile within the peer group: the top 10 %
    good_from: float = 60.0  # the next 30 %
    orders_per_buyer: float = 5.0  # the per-buyer caps (buyers.py)
    ratings_per_buyer: float = 1.0
    explain_top: int = 3  # factors named in each explanation

    def __post_init__(self) -> None:
        refusal = self._refusal()
        if refusal is not None:
            raise ValidationFailed(refusal)

    def _refusal(self) -> Text | None:
        """What is wrong with these settings, if anything."""
        if not 0 < self.interval < 1:
            return Text(
                f"interval must be between 0 and 1, got {self.interval}",
                f"interval 须在 0 到 1 之间，实际为 {self.interval}",
            )
        if self.min_peers < 1:
            return Text(
                f"min_peers must be at least 1, got {self.min_peers}",
                f"min_peers 至少为 1，实际为 {self.min_peers}",
            )
        bands = self.volume_bands
        if any(b <= 0 for b in bands) or list(bands) != sorted(set(bands)):
            return Text(
                f"volume bands must be positive and increasing, got {bands}",
                f"订单量分档（volume_bands）须为正数且递增，实际为 {bands}",
            )
        if not 0 < self.min_orders <= self.excellent_min_orders:
            return Text(
                "need 0 < min_orders <= excellent_min_orders",
                "须满足 0 < min_orders <= excellent_min_orders",
            )
        if not 0 <= self.good_from <= self.excellent_from <= 100:
            return Text(
                "need 0 <= good_from <= excellent_from <= 100",
                "须满足 0 <= good_from <= excellent_from <= 100",
            )
        if min(self.orders_per_buyer, self.ratings_per_buyer) <= 0 or self.explain_top < 1:
            return Text(
                "the per-buyer caps must be positive, explain_top at least 1",
                "每位买家的计数上限须为正数，explain_top 至少为 1",
            )
        return None
