"""The scorer as it was written before decision 0024: one merchant at a time, in plain Python.

``score_cycle`` here is the per-merchant code that ``aftersales.scoring`` replaced with array
code over all merchants at once. It is kept, in tests only, as the oracle the fast code must
match to 1e-9 (``test_vectorised.py``): it builds every peer group's ladder merchant by
merchant, fits each prior on the group's pool, takes each group's posteriors, counts each
merchant's quick resolutions and checks each rule one figure at a time. It uses the package's
scalar building blocks (the prior fit, the posterior, the tier settlement, the explanation), so
a change to the method itself needs no change here; a change to what is computed for whom does.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
from scipy import special, stats

from aftersales.domain.categories import ancestors
from aftersales.scoring import (
    BetaPrior,
    Breach,
    CategoryCard,
    CycleScores,
    Figure,
    MerchantWindow,
    Metric,
    PeerGroup,
    RateCountRule,
    Scorecard,
    ScoringConfig,
    ServiceCounts,
    Standing,
    TimeSummary,
    fit_prior,
    posterior,
)
from aftersales.scoring.cycle import _no_score_reason
from aftersales.scoring.explain import explain
from aftersales.scoring.figures import Assessment, Unit, tallies
from aftersales.scoring.metrics import INFO
from aftersales.scoring.peers import ANY
from aftersales.scoring.ranking import midrank_percentiles
from aftersales.scoring.rules import indicate
from aftersales.scoring.tiers import RANK, settle

Floats = np.ndarray

# --- peer groups, merchant by merchant ---------------------------------------------------------


def _band(edges: tuple[float, ...], orders: float) -> str:
    low = 0.0
    for edge in edges:
        if orders < edge:
            return f"{low:g}-{edge:g}"
        low = edge
    return f"{low:g}+"


def _ladder(category: str, band: str) -> list[PeerGroup]:
    chain = ancestors(category)
    return (
        [PeerGroup(c, band) for c in chain]
        + [PeerGroup(c, ANY) for c in chain]
        + [PeerGroup(ANY, band), PeerGroup(ANY, ANY)]
    )


def _assign_groups(
    categories: Sequence[str], bands: Sequence[str], eligible: Sequence[bool], min_peers: int
) -> list[PeerGroup]:
    sizes: Counter[PeerGroup] = Counter()
    for category, band, ok in zip(categories, bands, eligible, strict=True):
        if ok:
            sizes.update(_ladder(category, band))
    groups = []
    for category, band in zip(categories, bands, strict=True):
        rungs = _ladder(category, band)
        groups.append(next((g for g in rungs if sizes[g] >= min_peers), rungs[-1]))
    return groups


def _pool_members(
    wanted: set[PeerGroup], categories: Sequence[str], bands: Sequence[str], eligible: list[bool]
) -> dict[PeerGroup, list[int]]:
    pools: dict[PeerGroup, list[int]] = {g: [] for g in wanted}
    for i, (category, band, ok) in enumerate(zip(categories, bands, eligible, strict=True)):
        if ok:
            for group in _ladder(category, band):
                if group in pools:
                    pools[group].append(i)
    return pools


# --- resolution times, one merchant at a time ---------------------------------------------------


def _quantile(ordered: Floats, q: float) -> float:
    h = (ordered.size - 1) * q
    lo = int(h)
    hi = min(lo + 1, ordered.size - 1)
    return float(ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo]))


def _summarise(hours: Sequence[float], level: float) -> TimeSummary:
    if not hours:
        return TimeSummary(0, None, None, None, None)
    ordered = np.sort(np.asarray(hours, dtype=np.float64))
    n = int(ordered.size)
    tail = (1.0 - level) / 2.0
    j = int(stats.binom.ppf(tail, n, 0.5))
    k = int(stats.binom.ppf(1.0 - tail, n, 0.5)) + 1
    return TimeSummary(
        n=n,
        median=_quantile(ordered, 0.5),
        p90=_quantile(ordered, 0.9),
        median_low=float(ordered[j - 1]) if j >= 1 else None,
        median_high=float(ordered[k - 1]) if k <= n else None,
    )


def _pooled_median(samples: Sequence[Floats]) -> float | None:
    if not sum(s.size for s in samples):
        return None
    return float(np.median(np.concatenate(list(samples))))


# --- figures and scores -------------------------------------------------------------------------


class _Population:
    def __init__(self, units: Sequence[Unit], config: ScoringConfig) -> None:
        self.size = len(units)
        orders = np.array([u.counts.orders for u in units], dtype=np.float64)
        self.eligible = orders >= config.min_orders
        bands = [_band(config.volume_bands, o) for o in orders]
        categories = [u.category for u in units]
        flags = self.eligible.tolist()
        self.groups = _assign_groups(categories, bands, flags, config.min_peers)
        pools = _pool_members(set(self.groups), categories, bands, flags)
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

    def counts(self, metric: Metric, index: np.ndarray, limit: float | None) -> tuple:
        if metric is not Metric.QUICK_RESOLUTION:
            table = self.tallies[metric][index]
            return table[:, 0], table[:, 1]
        trials = np.array([self.times[i].size for i in index], dtype=np.float64)
        if limit is None:
            return np.zeros_like(trials), trials
        events = np.array(
            [np.searchsorted(self.times[i], limit, side="right") for i in index], dtype=np.float64
        )
        return events, trials

    def limit(self, index: np.ndarray) -> float | None:
        return _pooled_median([self.times[i] for i in index])


def _metric_columns(
    pop: _Population, metric: Metric, config: ScoringConfig, priors: dict[str, BetaPrior]
) -> dict[str, Floats]:
    cols = {k: np.full(pop.size, np.nan) for k in ("x", "n", "est", "lo", "hi", "peer", "pct")}
    scored = (
        np.flatnonzero(pop.eligible) if pop.eligible.any() else np.arange(pop.size, dtype=np.intp)
    )
    marketplace = fit_prior(*pop.counts(metric, scored, pop.limit(scored)))
    for group, index in pop.assigned.items():
        pool = pop.pools[group]
        limit = pop.limit(pool)
        prior = fit_prior(*pop.counts(metric, pool, limit), fallback=marketplace)
        priors[f"{group.label} · {metric}"] = prior
        events, trials = pop.counts(metric, index, limit)
        post = posterior(prior, events, trials, config.interval)
        cols["x"][index], cols["n"][index] = events, trials
        cols["est"][index], cols["lo"][index], cols["hi"][index] = post.mean, post.low, post.high
        cols["peer"][index] = prior.mean
        below = special.betainc(prior.alpha, prior.beta, post.mean)
        cols["pct"][index] = 100.0 * (below if INFO[metric].higher_is_better else 1.0 - below)
    return cols


def assess(
    units: Sequence[Unit], config: ScoringConfig
) -> tuple[list[Assessment], dict[str, BetaPrior]]:
    """Every unit's figures and score, peer group by peer group."""
    pop = _Population(units, config)
    priors: dict[str, BetaPrior] = {}
    columns = {m: _metric_columns(pop, m, config, priors) for m in Metric}
    total = np.zeros(pop.size)
    for metric, cols in columns.items():
        if config.weights[metric] > 0:
            total += config.weights[metric] * cols["pct"]
    scores = np.where(pop.eligible, total, np.nan)
    ranks = np.full(pop.size, np.nan)
    for group, index in pop.assigned.items():
        pool, mine = pop.pools[group], index[pop.eligible[index]]
        if pool.size and mine.size:
            ranks[mine] = midrank_percentiles(scores[pool], scores[mine])
    results = []
    for i in range(pop.size):
        figures = []
        for m in Metric:
            c = columns[m]
            x, n, pct = float(c["x"][i]), float(c["n"][i]), float(c["pct"][i])
            raw = x / n if n > 0 else None
            est, lo, hi, peer = (float(c[k][i]) for k in ("est", "lo", "hi", "peer"))
            figures.append(Figure(m, x, n, raw, est, lo, hi, peer, pct, config.weights[m] * pct))
        score, rank = float(scores[i]), float(ranks[i])
        results.append(
            Assessment(
                group=pop.groups[i],
                eligible=bool(pop.eligible[i]),
                figures=tuple(figures),
                score=None if math.isnan(score) else score,
                percentile=None if math.isnan(rank) else rank,
                times=_summarise(units[i].counts.resolution_hours, config.interval),
            )
        )
    return results, priors


# --- rules, one figure at a time ----------------------------------------------------------------


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
    found = [b for rule in rules if (b := _check(rule, figures[rule.metric])) is not None]
    found.sort(key=lambda b: RANK[b.level])
    worst: dict[Metric, Breach] = {}
    for breach in found:
        worst.setdefault(breach.metric, breach)
    return tuple(worst.values())


# --- the cycle ----------------------------------------------------------------------------------


def _category_cards(
    windows: Sequence[MerchantWindow], units: Sequence[Unit], config: ScoringConfig
) -> dict[str, tuple[CategoryCard, ...]]:
    if not any(w.by_category for w in windows):
        return {}
    keys, parts = [], []
    for window, whole in zip(windows, units, strict=True):
        split = window.counted_by_category() or {window.category: whole.counts}
        for category, counts in sorted(split.items()):
            keys.append((window.merchant_id, category, bool(window.by_category)))
            parts.append(Unit(f"{window.merchant_id}/{category}", category, counts))
    results, _ = assess(parts, config)
    found: dict[str, list[CategoryCard]] = {}
    for (merchant, category, wanted), part, r in zip(keys, parts, results, strict=True):
        if wanted:
            card = CategoryCard(
                category, r.group, part.counts.orders, r.score, r.percentile, r.figures, r.times
            )
            found.setdefault(merchant, []).append(card)
    return {merchant: tuple(cards) for merchant, cards in found.items()}


def _scorecard(
    window: MerchantWindow,
    counts: ServiceCounts,
    result: Assessment,
    previous: Standing | None,
    config: ScoringConfig,
) -> Scorecard:
    orders = counts.orders
    figures = {f.metric: f for f in result.figures}
    breaches = find_breaches(config.rules, figures)
    severe = tuple(dict.fromkeys(window.severe))
    indicated = indicate(result.percentile, orders, breaches, severe, config)
    settlement = settle(previous, indicated, severe=bool(severe))
    reason = None if result.score is not None else _no_score_reason(orders, config)
    points = {f.metric: f.points for f in result.figures}
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
        standing=Standing(settlement.tier, settlement.pending, result.score, points),
    )


def score_cycle(
    windows: Sequence[MerchantWindow],
    previous: Mapping[str, Standing] | None = None,
    config: ScoringConfig | None = None,
) -> CycleScores:
    """Scorecards for every merchant, computed the per-merchant way."""
    config = config or ScoringConfig()
    previous = previous or {}
    units = [Unit(w.merchant_id, w.category, w.counted()) for w in windows]
    results, priors = assess(units, config)
    by_category = _category_cards(windows, units, config)
    cards = []
    for window, unit, result in zip(windows, units, results, strict=True):
        card = _scorecard(window, unit.counts, result, previous.get(unit.key), config)
        categories = by_category.get(unit.key, ())
        cards.append(replace(card, categories=categories) if categories else card)
    return CycleScores(tuple(cards), priors)
