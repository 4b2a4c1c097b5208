"""Empirical-Bayes shrinkage: a beta-binomial prior per peer group, and each merchant's posterior.

A merchant's true rate p is taken to be drawn from its peer group's Beta(alpha, beta); its count
is Binomial(n, p). The posterior is Beta(alpha + x, beta + n - x): its mean pulls a small shop's
raw rate toward the group's mean by exactly as much as its few orders warrant, and its quantiles
give the interval shown with every figure.

**How the prior is fitted.** By maximum likelihood on the marginal (beta-binomial) likelihood of
the group's counts, over the mean mu = alpha / (alpha + beta) and the strength kappa = alpha +
beta, rather than by the method of moments:

- the likelihood weighs each merchant by how much its count says (a shop with 5 orders and one
  with 5,000 are not equally informative), which moments of raw rates ignore;
- moments break down where robustness matters: a group less spread out than binomial noise
  gives a negative variance, an all-zero group a mean of 0 and a degenerate prior.

The method of moments only supplies the starting point. Three guards make the fit safe on small
and degenerate groups:

1. It runs only when the group can show its spread at all: at least ``MIN_INFORMATIVE``
   merchants with trials and ``MIN_INFORMATIVE`` events and non-events. Otherwise the group
   borrows the whole marketplace's prior (``fallback``); without one (the marketplace itself is
   that thin) every merchant gets the pooled Jeffreys posterior Beta(sum x + 1/2,
   sum (n - x) + 1/2) as its prior: merchants are treated as alike, and an all-zero group gets
   small but honest rates.
2. kappa may not exceed the group's total trials: a prior never weighs more than the data it was
   learnt from. Without this cap, a group that shows no spread beyond binomial noise sends kappa
   to infinity and every merchant's interval collapses onto the group mean.
3. mu stays inside generous logit bounds, so no rate is ever exactly 0 or 1.

The maximisation itself is in ``likelihood.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from aftersales.scoring.likelihood import maximise_likelihood
from aftersales.scoring.numerics import Floats, beta_quantile, expit

__all__ = [
    "MIN_INFORMATIVE",
    "BetaPrior",
    "Posterior",
    "fit_prior",
    "posterior",
    "posteriors",
]

MIN_INFORMATIVE = 5
_LOGIT_BOUND = 20.0
_LOG_STRENGTH_FLOOR = math.log(0.05)


@dataclass(frozen=True, slots=True)
class BetaPrior:
    """Beta(alpha, beta) as its mean and strength kappa = alpha + beta (pseudo-trials)."""

    mean: float
    strength: float
    method: str = "fitted"  # "fitted", "fallback" (the marketplace's) or "pooled"

    @property
    def alpha(self) -> float:
        return self.mean * self.strength

    @property
    def beta(self) -> float:
        return (1.0 - self.mean) * self.strength


@dataclass(frozen=True, slots=True)
class Posterior:
    """Posterior means and equal-tailed interval bounds, one entry per merchant."""

    mean: Floats
    low: Floats
    high: Floats


def _pooled_mean(x: Floats, n: Floats) -> float:
    """The pooled rate with half an event and half a non-event added (Jeffreys): never 0 or 1."""
    return float((x.sum() + 0.5) / (n.sum() + 1.0))


def _moments_start(x: Floats, n: Floats, cap: float) -> Floats:
    mu = _pooled_mean(x, n)
    spread = float(np.var(x / n)) / (mu * (1.0 - mu))
    noise = float(np.mean(1.0 / n))
    rho = (spread - noise) / (1.0 - noise) if noise < 1.0 else 0.0
    kappa = 1.0 / rho - 1.0 if 0.0 < rho < 1.0 else cap  # no visible spread: pool strongly
    kappa = min(max(kappa, 1.0), cap)
    return np.array([math.log(mu / (1.0 - mu)), math.log(kappa)])


def _pooled(x: Floats, n: Floats) -> BetaPrior:
    total = float(n.sum()) + 1.0
    return BetaPrior(_pooled_mean(x, n), total, "pooled")


def fit_prior(events: Floats, trials: Floats, fallback: BetaPrior | None = None) -> BetaPrior:
    """The peer group's Beta prior from its merchants' counts (see the module notes)."""
    keep = trials > 0
    n = trials[keep]
    x = np.minimum(events[keep], n)
    shown = min(float(x.sum()), float((n - x).sum()))
    if x.size < MIN_INFORMATIVE or shown < MIN_INFORMATIVE:
        if fallback is not None:
            return BetaPrior(fallback.mean, fallback.strength, "fallback")
        return _pooled(x, n)
    cap = max(float(n.sum()), 1.0)
    low = np.array([-_LOGIT_BOUND, _LOG_STRENGTH_FLOOR])
    high = np.array([_LOGIT_BOUND, math.log(cap)])
    found = maximise_likelihood(x, n, _moments_start(x, n, cap), low, high)
    if found is None:
        return _pooled(x, n)
    return BetaPrior(expit(float(found[0])), math.exp(float(found[1])))


def posterior(prior: BetaPrior, events: Floats, trials: Floats, level: float) -> Posterior:
    """Each merchant's posterior mean and equal-tailed ``level`` interval under ``prior``."""
    return posteriors(prior.alpha, prior.beta, events, trials, level)


def posteriors(
    alpha: Floats | float,
    beta: Floats | float,
    events: Floats,
    trials: Floats,
    level: float,
    bounded: NDArray[np.bool_] | None = None,
) -> Posterior:
    """``posterior`` with a prior per merchant (its peer group's), for many groups at once.

    The interval bounds, Beta quantiles, are most of the cost: only the merchants in
    ``bounded`` (all by default) get them, the others NaN.
    """
    x = np.minimum(events, trials)
    a = alpha + x
    b = beta + (trials - x)
    tail = (1.0 - level) / 2.0
    low, high = np.full(a.shape, np.nan), np.full(a.shape, np.nan)
    rows = np.ones(a.shape, dtype=bool) if bounded is None else bounded
    low[rows] = beta_quantile(a[rows], b[rows], tail)
    high[rows] = beta_quantile(a[rows], b[rows], 1.0 - tail)
    return Posterior(a / (a + b), low, high)
