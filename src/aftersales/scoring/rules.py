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

from aftersales.scoring.counts import SevereBreach
from aftersales.scoring.figures import Figure
from aftersales.scoring.metrics import INFO, Metric
from aftersales.scoring.parameters import RateCountRule, ScoringConfig
from aftersales.scoring.tiers import RANK, Tier

__all__ = ["Breach", "find_breaches", "indicate"]


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


def _check(rule: RateCountRule, figure: Figure) -> Breach | None:
    if figure.trials <= 0:
        return None
    count = figure.bad_events
    rate = count / figure.trials
    if INFO[figure.metric].higher_is_better:
        peer, confident = 1.0 - figure.peer_mean, figure.high < figure.peer_mean
    else:
        peer, confident = figure.peer_mean, figure.low > figure.peer_mean
    line = max(rule.peer_multiple * peer, rule.min_rate)
    if rate > line and count > rule.count_over and confident:
        return Breach(rule, rate, count, line)
    return None


def find_breaches(
    rules: Sequence[RateCountRule], figures: Mapping[Metric, Figure]
) -> tuple[Breach, ...]:
    """The most serious rule each metric crosses, the most serious first."""
    found = [b for rule in rules if (b := _check(rule, figures[rule.metric])) is not None]
    found.sort(key=lambda b: RANK[b.level])
    worst: dict[Metric, Breach] = {}
    for breach in found:
        worst.setdefault(breach.metric, breach)
    return tuple(worst.values())


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
