"""One assessment cycle: every merchant's counts in, every merchant's scorecard out.

``score_cycle`` is what the cycle job calls once it has aggregated the window's counts: it takes
out the cases excluded on appeal, computes the figures and scores (``figures.py``), checks the
rate-and-count rules, settles each tier against the previous cycle's standing, and explains the
result. It is pure: the same counts and standings always give the same scorecards.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from aftersales.errors import ValidationFailed
from aftersales.scoring.counts import ExcludedCase, MerchantWindow, SevereBreach
from aftersales.scoring.durations import TimeSummary
from aftersales.scoring.explain import Explanation, explain
from aftersales.scoring.figures import Assessment, Figure, Unit, assess
from aftersales.scoring.metrics import Metric
from aftersales.scoring.parameters import ScoringConfig
from aftersales.scoring.peers import PeerGroup
from aftersales.scoring.prior import BetaPrior
from aftersales.scoring.rules import Breach, find_breaches, indicate
from aftersales.scoring.texts import Text
from aftersales.scoring.tiers import Change, Standing, Tier, settle

__all__ = ["CategoryCard", "CycleScores", "Scorecard", "score_cycle"]


@dataclass(frozen=True, slots=True)
class CategoryCard:
    """A merchant's figures within one of its categories, against that category's peers."""

    category: str
    peer_group: PeerGroup
    orders: float
    score: float | None
    percentile: float | None
    figures: tuple[Figure, ...]
    resolution_time: TimeSummary


@dataclass(frozen=True, slots=True)
class Scorecard:
    """Everything one cycle says about one merchant."""

    merchant_id: str
    category: str
    peer_group: PeerGroup
    orders: float  # after the per-buyer cap
    score: float | None  # 0-100; None exactly when there is not enough data
    percentile: float | None  # of the score among the peer group
    indicated: Tier  # what this cycle alone points to
    tier: Tier  # the tier in force, after hysteresis
    change: Change
    figures: tuple[Figure, ...]
    resolution_time: TimeSummary
    breaches: tuple[Breach, ...]
    severe: tuple[SevereBreach, ...]
    excluded: tuple[ExcludedCase, ...]
    reason: Text | None  # why there is no score, when there is none
    explanation: Explanation
    standing: Standing  # store it and pass it to the next cycle
    categories: tuple[CategoryCard, ...] = ()

    def figure(self, metric: Metric) -> Figure:
        return next(f for f in self.figures if f.metric == metric)


@dataclass(frozen=True, slots=True)
class CycleScores:
    cards: tuple[Scorecard, ...]
    priors: Mapping[str, BetaPrior] = field(default_factory=dict)  # by "group · metric"

    def card(self, merchant_id: str) -> Scorecard:
        for card in self.cards:
            if card.merchant_id == merchant_id:
                return card
        raise KeyError(merchant_id)

    def standings(self) -> dict[str, Standing]:
        """What the next cycle needs from this one."""
        return {c.merchant_id: c.standing for c in self.cards}


def _check_windows(windows: Sequence[MerchantWindow]) -> None:
    if not windows:
        raise ValidationFailed("nothing to score: the cycle has no merchants with data")
    twice = sorted(k for k, n in Counter(w.merchant_id for w in windows).items() if n > 1)
    if twice:
        raise ValidationFailed(f"merchants listed twice in one cycle: {', '.join(twice[:5])}")


def _no_score_reason(orders: float, config: ScoringConfig) -> Text:
    if orders <= 0:
        return Text(
            "Not enough data: no orders in the assessment window.", "数据不足：考核期内没有订单。"
        )
    need, have = f"{config.min_orders:g}", f"{orders:.0f}"
    return Text(
        f"Not enough data: {need} orders are needed in the window, there were {have}.",
        f"数据不足：考核期内需要至少 {need} 单，实际 {have} 单。",
    )


def _category_cards(
    windows: Sequence[MerchantWindow], units: Sequence[Unit], config: ScoringConfig
) -> dict[str, tuple[CategoryCard, ...]]:
    """Per-category figures for merchants that broke their counts down by category.

    Each merchant-in-category is compared with the same category's merchants-in-category. A
    merchant without a breakdown sells in one category, so its whole counts are its counts
    there: it takes part as a peer, and its scorecard needs no breakdown (nor its bounds).
    """
    if not any(w.by_category for w in windows):
        return {}
    keys, parts = [], []
    for window, whole in zip(windows, units, strict=True):
        split = window.counted_by_category() or {window.category: whole.counts}
        for category, counts in sorted(split.items()):
            keys.append((window.merchant_id, category, bool(window.by_category)))
            parts.append(Unit(f"{window.merchant_id}/{category}", category, counts))
    wanted = np.array([key[2] for key in keys], dtype=bool)
    assessed, _ = assess(parts, config, bounded=wanted)
    shown = np.flatnonzero(wanted)
    found: dict[str, list[CategoryCard]] = {}
    for i, r in zip(shown.tolist(), assessed.assessments(shown), strict=True):
        (merchant, category, _), part = keys[i], parts[i]
        card = CategoryCard(
            category, r.group, part.counts.orders, r.score, r.percentile, r.figures, r.times
        )
        found.setdefault(merchant, []).append(card)
    return {merchant: tuple(cards) for merchant, cards in found.items()}


def _scorecard(
    window: MerchantWindow,
    orders: float,
    result: Assessment,
    breaches: tuple[Breach, ...],
    previous: Standing | None,
    config: ScoringConfig,
) -> Scorecard:
    severe = tuple(dict.fromkeys(window.severe))
    indicated = indicate(result.percentile, orders, breaches, severe, config)
    settlement = settle(previous, indicated, severe=bool(severe))
    reason = None if result.score is not None else _no_score_reason(orders, config)
    points = {f.metric: f.points for f in result.figures}
    standing = Standing(settlement.tier, settlement.pending, result.score, points)
    explanation = explain(
        score=result.score,
        figures=result.figures,
        previous=previous,
        breaches=breaches,
        severe=severe,
        settlement=settlement,
        reason=reason,
        excluded=len(window.excluded),
        config=config,
    )
    return Scorecard(
        merchant_id=window.merchant_id,
        category=window.category,
        peer_group=result.group,
        orders=orders,
        score=result.score,
        percentile=result.percentile,
        indicated=indicated,
        tier=settlement.tier,
        change=settlement.change,
        figures=result.figures,
        resolution_time=result.times,
        breaches=breaches,
        severe=severe,
        excluded=window.excluded,
        reason=reason,
        explanation=explanation,
        standing=standing,
    )


def score_cycle(
    windows: Sequence[MerchantWindow],
    previous: Mapping[str, Standing] | None = None,
    config: ScoringConfig | None = None,
) -> CycleScores:
    """Scorecards for every merchant of one window, given the previous cycle's standings."""
    config = config or ScoringConfig()
    previous = previous or {}
    _check_windows(windows)
    units = [Unit(w.merchant_id, w.category, w.counted()) for w in windows]
    for unit in units:
        unit.counts.check_consistent(f"merchant {unit.key} after appeals")
    assessed, priors = assess(units, config)
    breaches = find_breaches(config.rules, assessed.columns)
    results = assessed.assessments(np.arange(len(units), dtype=np.intp))
    by_category = _category_cards(windows, units, config)
    cards = tuple(
        _with_categories(
            _scorecard(window, unit.counts.orders, result, found, previous.get(unit.key), config),
            by_category.get(unit.key, ()),
        )
        for window, unit, result, found in zip(windows, units, results, breaches, strict=True)
    )
    return CycleScores(cards, priors)


def _with_categories(card: Scorecard, categories: tuple[CategoryCard, ...]) -> Scorecard:
    return replace(card, categories=categories) if categories else card
