"""What one assessment window holds for a merchant: the counts its scorecard is computed from.

The counts come from the operational tables (the cycle job aggregates them); this package only
reads them. Two conventions keep them honest:

- **Only what the policy attributes to the merchant is counted.** Cases the policy blames on
  logistics, the consumer or the brand never reach these counts.
- **Every count except safety incidents and resolution times is a sum of buyer weights**
  (``buyers.buyer_weight``): 1 per order, case or rating for almost every buyer, less for a
  buyer who placed more orders than the cap, so one buyer cannot pile up fake perfect orders.
  That is why the counts are floats.

Cases are counted on the orders of the window (a cohort), so a merchant never has more cases
than orders.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from numbers import Real

from aftersales.errors import ValidationFailed

__all__ = [
    "Attainment",
    "ExcludedCase",
    "MerchantWindow",
    "Ratings",
    "ServiceCounts",
    "SevereBreach",
    "case_contribution",
]

# Weighted counts are sums of fractions; a comparison that fails by less than this is rounding.
_SLACK = 1e-9


_SCALARS = (
    "orders",
    "cases",
    "escalations",
    "disputes_lost",
    "refund_only",
    "repeat_contacts",
    "safety_incidents",
)


def _check_count(value: float, what: str) -> None:
    # Plain floats and ints first: the ABC check of Real is slow, and a cycle makes millions.
    if not (
        (type(value) in (float, int) or isinstance(value, Real))
        and math.isfinite(value)
        and value >= 0
    ):
        raise ValidationFailed(f"{what} must be a finite number >= 0, got {value!r}")


def _plain(values: Iterable[float]) -> bool:
    """True when every value is a finite float >= 0: the common case, checked in one pass."""
    return all(type(v) is float and 0.0 <= v < math.inf for v in values)


def _check_counts(values: tuple[float, ...], what: str) -> None:
    """``_check_count`` on each value."""
    if not _plain(values):
        for value in values:
            _check_count(value, what)


def _check_at_most(part: float, whole: float, what: str) -> None:
    if part > whole * (1 + _SLACK) + _SLACK:
        raise ValidationFailed(f"{what}: {part:g} is more than {whole:g}")


class SevereBreach(StrEnum):
    """Breaches that restrict a merchant at once, without waiting for a second cycle."""

    SAFETY_RECALL = "safety_recall"  # a confirmed recall of a product the merchant sold
    FRAUD = "fraud"  # confirmed fraud: brushing, fake tracking, counterfeit goods


@dataclass(frozen=True, slots=True)
class Attainment:
    """An SLA clock: how many deadlines fell due in the window and how many were met."""

    due: float = 0.0
    on_time: float = 0.0

    def __post_init__(self) -> None:
        _check_count(self.due, "deadlines due")
        _check_count(self.on_time, "deadlines met")
        _check_at_most(self.on_time, self.due, "deadlines met exceed deadlines due")


@dataclass(frozen=True, slots=True)
class Ratings:
    """Satisfaction ratings by star: ``stars[0]`` counts 1-star ratings, ``stars[4]`` 5-star."""

    stars: tuple[float, float, float, float, float] = (0.0, 0.0, 0.0, 0.0, 0.0)

    def __post_init__(self) -> None:
        if len(self.stars) != 5:
            raise ValidationFailed(f"ratings need 5 star counts (1 to 5), got {len(self.stars)}")
        if not _plain(self.stars):
            for star, count in enumerate(self.stars, start=1):
                _check_count(count, f"{star}-star ratings")

    @property
    def n(self) -> float:
        return sum(self.stars)

    @property
    def satisfied(self) -> float:
        """4- and 5-star ratings: CSAT as the industry defines it."""
        return self.stars[3] + self.stars[4]

    @property
    def mean(self) -> float | None:
        """Average stars, or None without ratings."""
        n = self.n
        return sum(s * c for s, c in enumerate(self.stars, start=1)) / n if n > 0 else None


@dataclass(frozen=True, slots=True)
class ServiceCounts:
    """The counts of one window for a merchant, or for a merchant in one category."""

    orders: float = 0.0
    cases: float = 0.0  # merchant-attributable cases on these orders
    first_response: Attainment = field(default_factory=Attainment)
    proposal: Attainment = field(default_factory=Attainment)
    resolution: Attainment = field(default_factory=Attainment)
    resolution_hours: tuple[float, ...] = ()  # one per resolved case; never weighted
    escalations: float = 0.0  # cases the platform had to step into
    disputes_lost: float = 0.0  # escalations decided against the merchant
    refund_only: float = 0.0  # refund-only requests among the cases
    repeat_contacts: float = 0.0  # cases where the consumer had to come back
    ratings: Ratings = field(default_factory=Ratings)
    safety_incidents: int = 0  # confirmed, never weighted: one is one too many

    def __post_init__(self) -> None:
        for name in _SCALARS:
            _check_count(getattr(self, name), name)
        _check_counts(self.resolution_hours, "resolution hours")

    def check_consistent(self, what: str) -> None:
        """Refuse counts that cannot describe one window (a case's contribution need not be)."""
        _check_at_most(self.cases, self.orders, f"{what}: cases exceed orders")
        _check_at_most(self.escalations, self.cases, f"{what}: escalations exceed cases")
        _check_at_most(
            self.disputes_lost, self.escalations, f"{what}: disputes lost exceed escalations"
        )
        _check_at_most(self.refund_only, self.cases, f"{what}: refund-only requests exceed cases")
        _check_at_most(self.repeat_contacts, self.cases, f"{what}: repeat contacts exceed cases")

    def plus(self, other: ServiceCounts) -> ServiceCounts:
        """Both windows' counts together."""
        hours = self.resolution_hours + other.resolution_hours
        safety = self.safety_incidents + other.safety_incidents
        return _combine(self, other, lambda a, b: a + b, hours, safety)

    def scaled(self, weight: float) -> ServiceCounts:
        """Every weighted count times ``weight``; safety incidents and times stay as they are."""
        hours, safety = self.resolution_hours, self.safety_incidents
        return _combine(self, self, lambda a, _: a * weight, hours, safety)

    def minus(self, other: ServiceCounts, what: str) -> ServiceCounts:
        """These counts without ``other``'s, refusing to go below zero."""
        hours = list(self.resolution_hours)
        for h in other.resolution_hours:
            if h not in hours:
                raise ValidationFailed(f"{what}: resolution time {h:g} h is not in the counts")
            hours.remove(h)
        safety = int(_subtract(self.safety_incidents, other.safety_incidents, what))
        try:
            return _combine(self, other, lambda a, b: _subtract(a, b, what), tuple(hours), safety)
        except ValidationFailed as error:
            if error.detail.startswith(what):
                raise
            raise ValidationFailed(f"{what}: {error.detail}") from error

    @classmethod
    def total(cls, parts: Iterable[ServiceCounts]) -> ServiceCounts:
        """The sum of many windows' (or buyers') counts."""
        result = cls()
        for part in parts:
            result = result.plus(part)
        return result


def _subtract(a: float, b: float, what: str) -> float:
    diff = a - b
    if diff < -_SLACK * max(1.0, abs(a)):
        raise ValidationFailed(f"{what} would take a count below zero ({a:g} - {b:g})")
    return max(diff, 0.0)


def _combine(
    a: ServiceCounts,
    b: ServiceCounts,
    op: Callable[[float, float], float],
    hours: tuple[float, ...],
    safety: int,
) -> ServiceCounts:
    def clock(x: Attainment, y: Attainment) -> Attainment:
        return Attainment(op(x.due, y.due), op(x.on_time, y.on_time))

    s, t = a.ratings.stars, b.ratings.stars
    stars = (op(s[0], t[0]), op(s[1], t[1]), op(s[2], t[2]), op(s[3], t[3]), op(s[4], t[4]))
    return ServiceCounts(
        orders=op(a.orders, b.orders),
        cases=op(a.cases, b.cases),
        first_response=clock(a.first_response, b.first_response),
        proposal=clock(a.proposal, b.proposal),
        resolution=clock(a.resolution, b.resolution),
        resolution_hours=hours,
        escalations=op(a.escalations, b.escalations),
        disputes_lost=op(a.disputes_lost, b.disputes_lost),
        refund_only=op(a.refund_only, b.refund_only),
        repeat_contacts=op(a.repeat_contacts, b.repeat_contacts),
        ratings=Ratings(stars),
        safety_incidents=safety,
    )


def _flag(value: bool | None) -> Attainment:
    """One deadline: met, missed, or (None) not due for this case."""
    if value is None:
        return Attainment()
    return Attainment(1.0, 1.0 if value else 0.0)


def case_contribution(
    *,
    first_response_on_time: bool | None = None,
    proposal_on_time: bool | None = None,
    resolution_on_time: bool | None = None,
    resolution_hours: float | None = None,
    escalated: bool = False,
    dispute_lost: bool = False,
    refund_only: bool = False,
    repeat_contact: bool = False,
    stars: int | None = None,
    safety_incident: bool = False,
    weight: float = 1.0,
) -> ServiceCounts:
    """What one case added to its merchant's counts: the amount an accepted appeal takes back.

    ``weight`` is the buyer weight of the case's buyer (1 unless that buyer passed the cap).
    The order stays counted: the appeal takes back the blame for the case, not the sale.
    """
    ratings = [0.0] * 5
    if stars is not None:
        if stars not in range(1, 6):
            raise ValidationFailed(f"a rating has 1 to 5 stars, got {stars}")
        ratings[stars - 1] = 1.0
    return ServiceCounts(
        cases=1.0,
        first_response=_flag(first_response_on_time),
        proposal=_flag(proposal_on_time),
        resolution=_flag(resolution_on_time),
        resolution_hours=() if resolution_hours is None else (resolution_hours,),
        escalations=float(escalated or dispute_lost),
        disputes_lost=float(dispute_lost),
        refund_only=float(refund_only),
        repeat_contacts=float(repeat_contact),
        ratings=Ratings((ratings[0], ratings[1], ratings[2], ratings[3], ratings[4])),
        safety_incidents=int(safety_incident),
    ).scaled(weight)


@dataclass(frozen=True, slots=True)
class ExcludedCase:
    """A case taken out of scoring by an accepted appeal, and what it had added to the counts."""

    case_id: str
    reason: str
    contribution: ServiceCounts
    category: str | None = None  # the category breakdown the case was counted in, if any


@dataclass(frozen=True, slots=True)
class MerchantWindow:
    """Everything the cycle knows about one merchant for one window.

    ``category`` is the merchant's main category (where most of its orders are): it decides the
    merchant's peer group. ``by_category`` optionally breaks the counts down per category for
    the per-category figures. ``excluded`` lists the cases whose appeal was accepted: they are
    still inside ``counts`` and are taken out here, so the scorecard can show what was excluded.
    """

    merchant_id: str
    category: str
    counts: ServiceCounts
    by_category: Mapping[str, ServiceCounts] = field(default_factory=dict)
    severe: tuple[SevereBreach, ...] = ()
    excluded: tuple[ExcludedCase, ...] = ()

    def __post_init__(self) -> None:
        if not self.merchant_id:
            raise ValidationFailed("a merchant window needs a merchant id")
        if not self.category or self.category.startswith("/") or self.category.endswith("/"):
            raise ValidationFailed(
                f"merchant {self.merchant_id}: category must be a path like 'apparel/knitwear',"
                f" got {self.category!r}"
            )
        self.counts.check_consistent(f"merchant {self.merchant_id}")
        for category, counts in self.by_category.items():
            counts.check_consistent(f"merchant {self.merchant_id} in {category}")

    def counted(self) -> ServiceCounts:
        """The merchant's counts without the cases excluded on appeal."""
        counts = self.counts
        for case in self.excluded:
            counts = counts.minus(case.contribution, self._what(case))
        return counts

    def counted_by_category(self) -> dict[str, ServiceCounts]:
        """The per-category counts without the cases excluded on appeal."""
        result = dict(self.by_category)
        for case in self.excluded:
            if case.category is not None and case.category in result:
                result[case.category] = result[case.category].minus(
                    case.contribution, self._what(case)
                )
        return result

    def _what(self, case: ExcludedCase) -> str:
        return f"merchant {self.merchant_id}: excluding case {case.case_id}"
