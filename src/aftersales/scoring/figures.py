"""From counts to figures: each metric shrunk, bounded and placed within the peer group.

This is the statistical core of a cycle, written once for any population of *units* (merchants,
or merchants within one category). For every metric and peer group it fits the group's prior on
the group's scorable members and takes each unit's posterior mean and interval.

Each metric then gets a peer percentile: where the unit's posterior mean falls in the peer
group's fitted distribution of true rates, ``100 * F(estimate)`` (``100 * (1 - F(estimate))``
when lower is better), F being the prior's Beta CDF. This is the share of the group's merchants
the unit is estimated to do better than. Unlike the rank of the estimate among peers, it
respects the evidence: a merchant with four cases in the window has an estimate close to the
group's mean, so it lands near the middle instead of at whatever extreme its luck put it. The
score is the weighted sum of these percentiles, and it is the *score* that is ranked among the
peer group (the unit's ``percentile``) to decide the promotion tiers.

Placing each merchant within its own peer group is what makes a 1 % category and an 8 %
category comparable: each merchant is compared with merchants facing the same base rate.

Everything is computed over all units at once, as arrays (decision 0024): a cycle has tens of
thousands of merchants and a few dozen peer groups, so the only loops are over groups and
metrics. Objects (``Assessment``, ``Figure``) are made at the end, for the units shown.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from aftersales.scoring.counts import ServiceCounts
from aftersales.scoring.durations import Times, TimeSummary
from aftersales.scoring.metrics import INFO, Metric
from aftersales.scoring.numerics import Floats, beta_cdf
from aftersales.scoring.parameters import ScoringConfig
from aftersales.scoring.peers import PeerGroup, VolumeBands, peer_groups
from aftersales.scoring.prior import BetaPrior, fit_prior, posteriors
from aftersales.scoring.ranking import midrank_percentiles

__all__ = ["Assessed", "Assessment", "Figure", "FigureColumns", "Unit", "assess", "tallies"]

Index = NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class Unit:
    """What is scored: a merchant, or a merchant within one category."""

    key: str
    category: str
    counts: ServiceCounts


@dataclass(frozen=True, slots=True)
class Figure:
    """One metric of one unit: the raw count, the shrunk estimate and where it stands."""

    metric: Metric
    events: float
    trials: float
    raw: float | None  # events / trials; None without trials
    estimate: float  # posterior mean
    low: float  # equal-tailed posterior interval
    high: float
    peer_mean: float  # the peer group's prior mean: the typical merchant of the group
    percentile: float  # share of the peer group the estimate beats, 0-100
    points: float  # weight x percentile: this metric's part of the score

    @property
    def bad_events(self) -> float:
        """The events that count against the merchant (misses, for rates where higher is better)."""
        return self.trials - self.events if INFO[self.metric].higher_is_better else self.events


@dataclass(frozen=True, slots=True)
class Assessment:
    """A unit's figures, score and peer group for one window."""

    group: PeerGroup
    eligible: bool
    figures: tuple[Figure, ...]  # in Metric order
    score: float | None
    percentile: float | None  # of the score within the peer group
    times: TimeSummary


# The metrics counted straight from ServiceCounts, in the order of ``_pairs``.
_TALLIED = tuple(m for m in Metric if m is not Metric.QUICK_RESOLUTION)


def _pairs(c: ServiceCounts) -> tuple[float, ...]:
    """(events, trials) of every metric of ``_TALLIED``, flat."""
    return (
        c.cases,
        c.orders,
        c.first_response.on_time,
        c.first_response.due,
        c.proposal.on_time,
        c.proposal.due,
        c.resolution.on_time,
        c.resolution.due,
        c.escalations,
        c.cases,
        c.disputes_lost,
        c.escalations,
        c.refund_only,
        c.orders,
        c.repeat_contacts,
        c.cases,
        c.ratings.satisfied,
        c.ratings.n,
        float(c.safety_incidents),
        c.orders,
    )


def tallies(counts: ServiceCounts) -> dict[Metric, tuple[float, float]]:
    """(events, trials) of every metric but quick resolution, which needs a threshold."""
    flat = _pairs(counts)
    # Safety incidents are not weighted while orders are, so they could exceed them.
    return {m: (min(flat[2 * i], flat[2 * i + 1]), flat[2 * i + 1]) for i, m in enumerate(_TALLIED)}


class _Population:
    """The units of one cycle as arrays, with their groups and pools."""

    def __init__(self, units: Sequence[Unit], config: ScoringConfig) -> None:
        self.size = len(units)
        table = np.array([_pairs(u.counts) for u in units], dtype=np.float64).reshape(-1, 20)
        trials = table[:, 1::2]
        events = np.minimum(table[:, 0::2], trials)
        self.tallies = {m: (events[:, i], trials[:, i]) for i, m in enumerate(_TALLIED)}
        orders = self.tallies[Metric.CASE_RATE][1]
        self.eligible = orders >= config.min_orders
        bands = VolumeBands(config.volume_bands)
        categories = [u.category for u in units]
        self.groups = peer_groups(categories, orders, self.eligible, bands, config.min_peers)
        self.times = Times.of([u.counts.resolution_hours for u in units])
        # The units a marketplace-wide prior is fitted on: the eligible ones, or all.
        everyone = np.arange(self.size, dtype=np.intp)
        self.scored = np.flatnonzero(self.eligible) if self.eligible.any() else everyone
        # The quick-resolution line of a pool: the median time of all its cases.
        self.limits = {g: self.times.pooled_median(p) for g, p in self.groups.pools.items()}
        self.marketplace_limit = self.times.pooled_median(self.scored)
        self._quick: dict[float, Floats] = {}

    def counts(self, metric: Metric, limit: float | None) -> tuple[Floats, Floats]:
        """Every unit's events and trials; ``limit`` is the quick-resolution line."""
        if metric is not Metric.QUICK_RESOLUTION:
            return self.tallies[metric]
        trials = self.times.sizes.astype(np.float64)
        if limit is None:
            return np.zeros_like(trials), trials
        if limit not in self._quick:
            self._quick[limit] = self.times.within(limit)
        return self._quick[limit], trials


@dataclass(frozen=True, slots=True)
class FigureColumns:
    """One metric's figures for every unit, as arrays."""

    events: Floats
    trials: Floats
    estimate: Floats
    low: Floats  # NaN for the units whose bounds were not asked for
    high: Floats
    peer_mean: Floats
    percentile: Floats

    def rows(self, metric: Metric, weight: float, index: Index) -> list[Figure]:
        """The figures of the units at ``index`` (lists first: NumPy scalars are slow singly)."""
        columns = (self.events, self.trials, self.estimate, self.low, self.high)
        found = zip(
            *(c[index].tolist() for c in (*columns, self.peer_mean, self.percentile)),
            strict=True,
        )
        return [
            Figure(metric, x, n, x / n if n > 0 else None, est, low, high, peer, pct, weight * pct)
            for x, n, est, low, high, peer, pct in found
        ]


def _metric_columns(
    pop: _Population,
    metric: Metric,
    config: ScoringConfig,
    priors: dict[str, BetaPrior],
    bounded: NDArray[np.bool_],
) -> FigureColumns:
    """Shrink, bound and place one metric for every unit: a prior per peer group, fitted on
    the group's pool, then every unit's posterior under its own group's prior at once."""
    scored = pop.scored
    all_events, all_trials = pop.counts(metric, pop.marketplace_limit)
    marketplace = fit_prior(all_events[scored], all_trials[scored])
    events, trials = np.zeros(pop.size), np.zeros(pop.size)
    alpha, beta, mean = np.zeros(pop.size), np.zeros(pop.size), np.zeros(pop.size)
    for group, index in pop.groups.members.items():
        pool = pop.groups.pools[group]
        group_events, group_trials = pop.counts(metric, pop.limits[group])
        prior = fit_prior(group_events[pool], group_trials[pool], fallback=marketplace)
        priors[f"{group.label} · {metric}"] = prior
        events[index], trials[index] = group_events[index], group_trials[index]
        alpha[index], beta[index], mean[index] = prior.alpha, prior.beta, prior.mean
    post = posteriors(alpha, beta, events, trials, config.interval, bounded)
    share_below = beta_cdf(alpha, beta, post.mean)
    percentile = 100.0 * (share_below if INFO[metric].higher_is_better else 1.0 - share_below)
    return FigureColumns(events, trials, post.mean, post.low, post.high, mean, percentile)


def _scores(
    pop: _Population, columns: dict[Metric, FigureColumns], config: ScoringConfig
) -> Floats:
    """The weighted sum of percentiles for every scorable unit; NaN for the others."""
    total = np.zeros(pop.size)
    for metric, cols in columns.items():
        if config.weights[metric] > 0:
            total += config.weights[metric] * cols.percentile
    return np.where(pop.eligible, total, np.nan)


def _score_percentiles(pop: _Population, scores: Floats) -> Floats:
    result = np.full(pop.size, np.nan)
    for group, index in pop.groups.members.items():
        pool = pop.groups.pools[group]
        mine = index[pop.eligible[index]]
        if pool.size and mine.size:
            result[mine] = midrank_percentiles(scores[pool], scores[mine])
    return result


def _optional(values: Floats) -> list[float | None]:
    return [None if math.isnan(v) else v for v in values.tolist()]


@dataclass(frozen=True, slots=True)
class Assessed:
    """Every unit's figures, score and peer group for one window, as columns."""

    groups: list[PeerGroup]
    eligible: NDArray[np.bool_]
    columns: dict[Metric, FigureColumns]  # in Metric order
    scores: Floats  # NaN where not eligible
    percentiles: Floats  # of the score within the peer group; NaN where not eligible
    times: Times
    config: ScoringConfig

    def assessments(self, index: Index) -> list[Assessment]:
        """The units at ``index`` as objects (their bounds must have been asked for)."""
        weights = self.config.weights
        figures = zip(
            *(cols.rows(m, weights[m], index) for m, cols in self.columns.items()), strict=True
        )
        found = zip(
            index.tolist(),
            figures,
            _optional(self.scores[index]),
            _optional(self.percentiles[index]),
            self.times.summaries(index, self.config.interval),
            strict=True,
        )
        return [
            Assessment(self.groups[i], bool(self.eligible[i]), tuple(f), score, pct, times)
            for i, f, score, pct, times in found
        ]


def assess(
    units: Sequence[Unit], config: ScoringConfig, bounded: NDArray[np.bool_] | None = None
) -> tuple[Assessed, dict[str, BetaPrior]]:
    """Every unit's figures and score, and the priors used (keyed by group and metric).

    ``bounded`` marks the units whose intervals are wanted (all by default): units that only
    serve as peers need estimates and scores, not bounds, and bounds are most of the cost.
    """
    pop = _Population(units, config)
    wanted = np.ones(pop.size, dtype=bool) if bounded is None else bounded
    priors: dict[str, BetaPrior] = {}
    columns = {m: _metric_columns(pop, m, config, priors, wanted) for m in Metric}
    scores = _scores(pop, columns, config)
    ranks = _score_percentiles(pop, scores)
    assessed = Assessed(pop.groups.of_unit, pop.eligible, columns, scores, ranks, pop.times, config)
    return assessed, priors
