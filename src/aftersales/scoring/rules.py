"""Rate-and-count rules, and the tier one cycle's evidence points to.

A breach needs both the rate and the count of bad events over the line, as eBay and Amazon do:
one late shipment in 50 orders is a 2 % rate but one event, and luck of that size must never
demote a small shop. The rate is the raw one, which the merchant can check by hand.

One more condition guards against luck that clears the count line: the whole posterior interval
must lie on the bad side of the peer mean, i.e. the merchant is worse than a typical peer with
95 % posterior probability (for the default 90 % interval). This matters because 90-day windows
recomputed monthly overlap: an unlucky month stays in three consecutive windows, so "two cycles
in a row" alone would not keep it from demoting.

A low rank alone never demotes: in every peer group someone is last. Demotion needs a breach;
the score only decides how far *up* a merchant goes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from aftersales.scoring.counts import SevereBreach
from aftersales.scoring.figures import FigureColumns
from aftersales.scoring.metrics import INFO, Metric
from aftersales.scoring.numerics import Floats
from aftersales.scoring.parameters import RateCountRule, ScoringConfig
from aftersales.scoring.tiers import RANK, Tier

__all__ = ["Breach", "find_breaches", "indicate"]

Index = NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class Breach:
    """A rule crossed: the merchant's bad-event rate and count against the rule's lines."""

    rule: RateCountRule
    rate: float
    count: float
    rate_line: float

    @property
    def level(self) -> Tier:
        return self.rule.level

    @property
    def metric(self) -> Metric:
        return self.rule.metric


def _hits(rule: RateCountRule, c: FigureColumns) -> tuple[Index, Floats, Floats, Floats]:
    """The units that cross ``rule``, with their rate, count and rate line."""
    higher_is_better = INFO[rule.metric].higher_is_better
    count = c.trials - c.events if higher_is_better else c.events
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = count / c.trials
    if higher_is_better:
        peer, confident = 1.0 - c.peer_mean, c.high < c.peer_mean
    else:
        peer, confident = c.peer_mean, c.low > c.peer_mean
    line = np.maximum(rule.peer_multiple * peer, rule.min_rate)
    hit = (c.trials > 0) & (rate > line) & (count > rule.count_over) & confident
    found = np.flatnonzero(hit)
    return found, rate[found], count[found], line[found]


def _worst(found: list[Breach]) -> tuple[Breach, ...]:
    """The most serious breach of each metric, the most serious first."""
    found.sort(key=lambda b: RANK[b.level])
    worst: dict[Metric, Breach] = {}
    for breach in found:
        worst.setdefault(breach.metric, breach)
    return tuple(worst.values())


def find_breaches(
    rules: Sequence[RateCountRule], columns: Mapping[Metric, FigureColumns]
) -> list[tuple[Breach, ...]]:
    """For every unit, the most serious rule each metric crosses, the most serious first.

    The rules are checked on whole columns; Breach objects are made only for the few units
    that cross a line."""
    size = columns[Metric.CASE_RATE].trials.size
    found: dict[int, list[Breach]] = {}
    for rule in rules:
        units, rates, counts, lines = _hits(rule, columns[rule.metric])
        rows = zip(units.tolist(), rates.tolist(), counts.tolist(), lines.tolist(), strict=True)
        for i, rate, count, line in rows:
            found.setdefault(i, []).append(Breach(rule, rate, count, line))
    return [_worst(found[i]) if i in found else () for i in range(size)]


def indicate(
    percentile: float | None,
    orders: float,
    breaches: Sequence[Breach],
    severe: Sequence[SevereBreach],
    config: ScoringConfig,
) -> Tier:
    """The tier this cycle's evidence alone points to, before hysteresis.

    ``percentile`` is the score's place within the peer group (None without a score). Promotion
    tiers are relative because traffic is: the boost goes to the best of each peer group, which
    also keeps every category's share of top merchants the same. Demotion is absolute (a
    breach). Breaches count even below the minimum volume, because the count line already
    demands enough evidence; without a breach, a merchant with too few orders gets no verdict.
    """
    if severe or any(b.level is Tier.RESTRICTED for b in breaches):
        return Tier.RESTRICTED
    if breaches:
        return Tier.WATCH
    if percentile is None:
        return Tier.NOT_ENOUGH_DATA
    if percentile >= config.excellent_from and orders >= config.excellent_min_orders:
        return Tier.EXCELLENT
    if percentile >= config.good_from:
        return Tier.GOOD
    return Tier.STANDARD
