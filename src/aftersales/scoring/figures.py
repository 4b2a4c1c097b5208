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
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from aftersales.scoring.counts import ServiceCounts
from aftersales.scoring.durations import TimeSummary, pooled_median, summarise, within
from aftersales.scoring.metrics import INFO, Metric
from aftersales.scoring.numerics import Floats, beta_cdf
from aftersales.scoring.parameters import ScoringConfig
from aftersales.scoring.peers import PeerGroup, VolumeBands, assign_groups, pool_members
from aftersales.scoring.prior import BetaPrior, fit_prior, posterior
from aftersales.scoring.ranking import midrank_percentiles

__all__ = ["Assessment", "Figure", "Unit", "assess", "tallies"]

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


def tallies(counts: ServiceCounts) -> dict[Metric, tuple[float, float]]:
    """(events, trials) of every metric but quick resolution, which needs a threshold."""
    c = counts
    pairs = {
        Metric.CASE_RATE: (c.cases, c.orders),
        Metric.FIRST_RESPONSE: (c.first_response.on_time, c.first_response.due),
        Metric.PROPOSAL: (c.proposal.on_time, c.proposal.due),
        Metric.RESOLUTION: (c.resolution.on_time, c.resolution.due),
        Metric.ESCALATION: (c.escalations, c.cases),
        Metric.DISPUTES_LOST: (c.disputes_lost, c.escalations),
        Metric.REFUND_ONLY: (c.refund_only, c.orders),
        Metric.REPEAT_CONTACT: (c.repeat_contacts, c.cases),
        Metric.SATISFACTION: (c.ratings.satisfied, c.ratings.n),
        Metric.SAFETY_INCIDENTS: (float(c.safety_incidents), c.orders),
    }
    # Safety incidents are not weighted while orders are, so they could exceed them.
    return {m: (min(events, trials), trials) for m, (events, trials) in pairs.items()}


class _Population:
    """The units of one cycle as arrays, with their groups and pools."""

    def __init__(self, units: Sequence[Unit], config: ScoringConfig) -> None:
        self.size = len(units)
        orders = np.array([u.counts.orders for u in units], dtype=np.float64)
        self.eligible = orders >= config.min_orders
        bands = [VolumeBands(config.volume_bands).label(o) for o in orders]
        categories = [u.category for u in units]
        flags = self.eligible.tolist()
        self.groups = assign_groups(categories, bands, flags, config.min_peers)
        pools = pool_members(set(self.groups), categories, bands, flags)
        self.pools = {g: np.array(ix, dtype=np.intp) for g, ix in pools.items()}
        assigned: dict[PeerGroup, list[int]] = defaultdict(list)
        for i, group in enumerate(self.groups):
            assigned[group].append(i)
        self.assigned = {g: np.array(ix, dtype=np.intp) for g, ix in sorted(assigned.items())}
        self.times = [np.sort(np.asarray(u.counts.resolution_hours, np.float64)) for u in units]
        rows = [tallies(u.counts) for u in units]
        self.tallies = {
            m: np.array([row[m] for row in rows], dtype=np.float64).reshape(-1, 2)
            for m in Metric
            if m is not Metric.QUICK_RESOLUTION
        }

    def counts(self, metric: Metric, index: Index, limit: float | None) -> tuple[Floats, Floats]:
        """Events and trials of the units at ``index``; ``limit`` is the quick-resolution line."""
        if metric is not Metric.QUICK_RESOLUTION:
            table = self.tallies[metric][index]
            return table[:, 0], table[:, 1]
        trials = np.array([self.times[i].size for i in index], dtype=np.float64)
        if limit is None:
            return np.zeros_like(trials), trials
        events = np.array([within(self.times[i], limit) for i in index], dtype=np.float64)
        return events, trials

    def limit(self, index: Index) -> float | None:
        """The quick-resolution line of a pool: the median time of all its cases."""
        return pooled_median([self.times[i] for i in index])


@dataclass
class _Columns:
    """One metric's results for every unit, filled group by group."""

    events: Floats
    trials: Floats
    estimate: Floats
    low: Floats
    high: Floats
    peer_mean: Floats
    percentile: Floats

    @classmethod
    def empty(cls, size: int) -> _Columns:
        return cls(*(np.full(size, np.nan) for _ in range(7)))


def _optional(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _metric_columns(
    pop: _Population, metric: Metric, config: ScoringConfig, priors: dict[str, BetaPrior]
) -> _Columns:
    """Shrink, bound and rank one metric for every unit, peer group by peer group."""
    cols = _Columns.empty(pop.size)
    scored = (
        np.flatnonzero(pop.eligible) if pop.eligible.any() else np.arange(pop.size, dtype=np.intp)
    )
    marketplace = fit_prior(*pop.counts(metric, scored, pop.limit(scored)))
    higher_is_better = INFO[metric].higher_is_better
    for group, index in pop.assigned.items():
        pool = pop.pools[group]
        limit = pop.limit(pool)
        pool_events, pool_trials = pop.counts(metric, pool, limit)
        prior = fit_prior(pool_events, pool_trials, fallback=marketplace)
        priors[f"{group.label} · {metric}"] = prior
        events, trials = pop.counts(metric, index, limit)
        post = posterior(prior, events, trials, config.interval)
        cols.events[index], cols.trials[index] = events, trials
        cols.estimate[index], cols.low[index], cols.high[index] = post.mean, post.low, post.high
        cols.peer_mean[index] = prior.mean
        share_below = beta_cdf(prior.alpha, prior.beta, post.mean)
        cols.percentile[index] = 100.0 * (share_below if higher_is_better else 1.0 - share_below)
    return cols


def _scores(pop: _Population, columns: dict[Metric, _Columns], config: ScoringConfig) -> Floats:
    """The weighted sum of percentiles for every scorable unit; NaN for the others."""
    total = np.zeros(pop.size)
    for metric, cols in columns.items():
        if config.weights[metric] > 0:
            total += config.weights[metric] * cols.percentile
    return np.where(pop.eligible, total, np.nan)


def _score_percentiles(pop: _Population, scores: Floats) -> Floats:
    result = np.full(pop.size, np.nan)
    for group, index in pop.assigned.items():
        pool = pop.pools[group]
        mine = index[pop.eligible[index]]
        if pool.size and mine.size:
            result[mine] = midrank_percentiles(scores[pool], scores[mine])
    return result


def _figures(metric: Metric, cols: _Columns, weight: float) -> list[Figure]:
    """One metric's figure for every unit (lists first: NumPy scalars are slow one by one)."""
    rows = zip(
        cols.events.tolist(),
        cols.trials.tolist(),
        cols.estimate.tolist(),
        cols.low.tolist(),
        cols.high.tolist(),
        cols.peer_mean.tolist(),
        cols.percentile.tolist(),
        strict=True,
    )
    return [
        Figure(metric, x, n, x / n if n > 0 else None, est, low, high, peer, pct, weight * pct)
        for x, n, est, low, high, peer, pct in rows
    ]


def assess(
    units: Sequence[Unit], config: ScoringConfig
) -> tuple[list[Assessment], dict[str, BetaPrior]]:
    """Every unit's figures and score, and the priors used (keyed by group and metric)."""
    pop = _Population(units, config)
    priors: dict[str, BetaPrior] = {}
    columns = {m: _metric_columns(pop, m, config, priors) for m in Metric}
    scores = _scores(pop, columns, config)
    ranks = _score_percentiles(pop, scores)
    per_metric = [_figures(m, columns[m], config.weights[m]) for m in Metric]
    results = [
        Assessment(
            group=pop.groups[i],
            eligible=bool(pop.eligible[i]),
            figures=tuple(column[i] for column in per_metric),
            score=_optional(scores[i]),
            percentile=_optional(ranks[i]),
            times=summarise(units[i].counts.resolution_hours, config.interval),
        )
        for i in range(pop.size)
    ]
    return results, priors
