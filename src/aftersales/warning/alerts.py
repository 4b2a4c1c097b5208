"""What detection hands to people: assessments, alerts with explanations, and their roll-up."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from aftersales.warning.reasons import Reason
from aftersales.warning.series import SeriesKey
from aftersales.warning.texts import METHOD_NAMES, TEMPLATES

__all__ = [
    "Alert",
    "AlertGroup",
    "Assessment",
    "Method",
    "RollupLevel",
    "WeekCount",
    "rollup",
]


class Method(StrEnum):
    """The detector behind an assessment."""

    FARRINGTON_FLEXIBLE = "farrington_flexible"
    EARS_C1 = "ears_c1"
    EARS_C2 = "ears_c2"
    EARS_C3 = "ears_c3"
    CUSUM = "cusum"

    @property
    def en(self) -> str:
        """Name for people, English."""
        return METHOD_NAMES[self.value][0]

    @property
    def zh(self) -> str:
        """Name for people, Chinese."""
        return METHOD_NAMES[self.value][1]


@dataclass(frozen=True)
class Assessment:
    """The verdict of one detector on one series for one week.

    ``reason`` says why no alarm was possible (then the figures are None) or, for
    ``Reason.LOW_COUNT``, why an alarm was held back. Figures are never NaN.
    """

    key: SeriesKey
    week: date
    method: Method | None
    alarm: bool
    observed: float | None = None
    expected: float | None = None
    threshold: float | None = None
    score: float | None = None
    p_value: float | None = None
    run_weeks: int = 1  # weeks the evidence spans (CUSUM runs), 1 for weekly detectors
    reason: Reason | None = None
    window_from: date | None = None  # first week of the history the detector read


@dataclass(frozen=True)
class WeekCount:
    """One week of a series excerpt; count None when missing."""

    week: date
    count: float | None


@dataclass(frozen=True)
class Alert:
    """An alarm, with what an operator needs to judge it."""

    key: SeriesKey
    week: date
    method: Method
    observed: float
    expected: float
    threshold: float
    score: float
    p_value: float | None
    run_weeks: int
    excerpt: tuple[WeekCount, ...]
    window_from: date | None = None  # first week of the history the detector read

    @classmethod
    def from_assessment(cls, a: Assessment, excerpt: tuple[WeekCount, ...]) -> Alert:
        """Build the alert of an alarming assessment."""
        if not a.alarm or a.method is None:
            raise ValueError("only an alarm makes an alert")
        return cls(
            a.key,
            a.week,
            a.method,
            a.observed or 0.0,
            a.expected or 0.0,
            a.threshold or 0.0,
            a.score or 0.0,
            a.p_value,
            a.run_weeks,
            excerpt,
            a.window_from,
        )

    @property
    def excess(self) -> float:
        """Cases above expectation."""
        return self.observed - self.expected

    @property
    def explanation_en(self) -> str:
        """One plain English sentence."""
        return self._explain(0)

    @property
    def explanation_zh(self) -> str:
        """One plain Chinese sentence."""
        return self._explain(1)

    def _explain(self, lang: int) -> str:
        thing = self.key.product or self.key.category
        who = TEMPLATES["who"][lang].format(thing=thing, region=self.key.region)
        p = "" if self.p_value is None else TEMPLATES["p"][lang].format(p=_p(self.p_value))
        kind = "run" if self.method is Method.CUSUM else "week"
        return TEMPLATES[kind][lang].format(
            who=who,
            week=self.week.isoformat(),
            observed=_n(self.observed),
            expected=_n(self.expected),
            threshold=_n(self.threshold),
            method=(self.method.en, self.method.zh)[lang],
            p=p,
            weeks=self.run_weeks,
            score=_n(self.score * self.threshold),
        )


class RollupLevel(StrEnum):
    """How far alerts are pooled."""

    CATEGORY_REGION = "category_region"  # the products of one category in one region
    CATEGORY = "category"  # one category across regions
    REGION = "region"  # one region across categories


@dataclass(frozen=True)
class AlertGroup:
    """Related alerts pooled: one problem seen in several series is one thing to look at."""

    category: str | None
    region: str | None
    alerts: tuple[Alert, ...]

    @property
    def series(self) -> int:
        """Distinct series alerting."""
        return len({a.key for a in self.alerts})

    @property
    def observed(self) -> float:
        """Cases in the alerting series (each series counted once, by its strongest alert)."""
        return sum(a.observed for a in self._strongest_per_series())

    @property
    def expected(self) -> float:
        """Expected cases in the same series."""
        return sum(a.expected for a in self._strongest_per_series())

    @property
    def top(self) -> Alert:
        """The strongest alert."""
        return max(self.alerts, key=lambda a: a.score)

    @property
    def explanation_en(self) -> str:
        """One plain English sentence."""
        return self._explain(0)

    @property
    def explanation_zh(self) -> str:
        """One plain Chinese sentence."""
        return self._explain(1)

    def _strongest_per_series(self) -> list[Alert]:
        best: dict[SeriesKey, Alert] = {}
        for a in self.alerts:
            if a.key not in best or a.score > best[a.key].score:
                best[a.key] = a
        return list(best.values())

    def _explain(self, lang: int) -> str:
        if self.category is not None and self.region is not None:
            scope = TEMPLATES["scope_both"][lang]
        elif self.category is not None:
            scope = TEMPLATES["scope_category"][lang]
        else:
            scope = TEMPLATES["scope_region"][lang]
        return TEMPLATES["group"][lang].format(
            count=len(self.alerts),
            scope=scope.format(category=self.category, region=self.region),
            products=self.series,
            observed=_n(self.observed),
            expected=_n(self.expected),
            top=self.top.key.label,
        )


def rollup(
    alerts: Iterable[Alert], level: RollupLevel = RollupLevel.CATEGORY_REGION
) -> list[AlertGroup]:
    """Pool alerts by category and region (or either alone); strongest groups first."""
    groups: dict[tuple[str | None, str | None], list[Alert]] = defaultdict(list)
    for a in alerts:
        category = None if level is RollupLevel.REGION else a.key.category
        region = None if level is RollupLevel.CATEGORY else a.key.region
        groups[(category, region)].append(a)
    pooled = [
        AlertGroup(c, r, tuple(sorted(items, key=lambda a: -a.score)))
        for (c, r), items in groups.items()
    ]
    # Breadth first (a problem in many series), then strength, then a stable order.
    return sorted(pooled, key=lambda g: (-g.series, -g.top.score, g.category or "", g.region or ""))


def _n(x: float) -> str:
    """A count for people: whole numbers without decimals, others with one."""
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def _p(p: float) -> str:
    return "< 0.0001" if p < 1e-4 else f"= {p:.4f}"
