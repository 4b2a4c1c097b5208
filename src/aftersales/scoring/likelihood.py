"""The beta-binomial marginal likelihood of a peer group, and its maximiser.

The parameters are (t, s) = (logit μ, log κ), where the likelihood is smooth and the bounds are a
box. With two parameters, Newton's method on the analytic gradient and Hessian (digamma and
trigamma functions) converges in a handful of steps; a general-purpose optimiser would go through
BLAS threads that cost more than the whole fit on a busy machine.

Merchants with identical counts (many small shops have 0 of 5) are folded into one term with a
multiplicity, which makes the cost depend on the number of distinct counts, not of merchants.
"""

from __future__ import annotations

import math

import numpy as np

from aftersales.scoring.numerics import Floats, betaln, digamma, expit, trigamma

__all__ = ["maximise_likelihood"]

_MAX_STEPS = 100
_MAX_HALVINGS = 40
_TOLERANCE = 1e-9


class _Group:
    """A peer group's distinct counts (events, non-events, trials) and how often each occurs."""

    def __init__(self, x: Floats, n: Floats) -> None:
        # As complex numbers the pairs sort by x, then n, in one native sort (np.unique with
        # axis=1 gives the same order through a much slower structured sort).
        joined = np.empty(x.size, dtype=np.complex128)
        joined.real, joined.imag = x, n
        pairs, weight = np.unique(joined, return_counts=True)
        self.x, self.n = pairs.real.copy(), pairs.imag.copy()
        self.y = self.n - self.x
        self.w = weight.astype(np.float64)
        self.size = float(self.w.sum())

    def value(self, theta: Floats) -> float:
        a, b = _shape(theta)
        return float(self.w @ betaln(self.x + a, self.y + b)) - self.size * float(betaln(a, b))

    def derivatives(self, theta: Floats) -> tuple[Floats, Floats]:
        """Gradient and Hessian in (t, s), by the chain rule from (a, b)."""
        mu, kappa = expit(float(theta[0])), math.exp(float(theta[1]))
        a, b = mu * kappa, (1.0 - mu) * kappa
        w, size, k = self.w, self.size, self.x.size
        # Every argument in one array: SciPy's zeta costs more per call than per element.
        args = np.concatenate((self.n + kappa, self.x + a, self.y + b, (kappa, a, b)))
        psi, psi1 = digamma(args), trigamma(args)
        n_, x_, y_ = slice(0, k), slice(k, 2 * k), slice(2 * k, 3 * k)
        common = size * float(psi[-3]) - float(w @ psi[n_])
        ga = float(w @ psi[x_]) - size * float(psi[-2]) + common
        gb = float(w @ psi[y_]) - size * float(psi[-1]) + common
        hab = float(w @ -psi1[n_]) + size * float(psi1[-3])
        haa = float(w @ psi1[x_]) - size * float(psi1[-2]) + hab
        hbb = float(w @ psi1[y_]) - size * float(psi1[-1]) + hab
        km = kappa * mu * (1.0 - mu)  # da/dt = -db/dt
        grad = np.array([(ga - gb) * km, ga * a + gb * b])
        h_tt = km * km * (haa - 2.0 * hab + hbb) + (ga - gb) * km * (1.0 - 2.0 * mu)
        h_ts = km * (haa * a + hab * b - hab * a - hbb * b) + (ga - gb) * km
        h_ss = a * a * haa + 2.0 * a * b * hab + b * b * hbb + ga * a + gb * b
        return grad, np.array([[h_tt, h_ts], [h_ts, h_ss]])


def _shape(theta: Floats) -> tuple[float, float]:
    mu, kappa = expit(float(theta[0])), math.exp(float(theta[1]))
    return mu * kappa, (1.0 - mu) * kappa


def _ascent_direction(grad: Floats, hess: Floats) -> Floats:
    """The Newton step, made an ascent step where the Hessian is not negative definite."""
    top = float(np.linalg.eigvalsh(hess).max())
    if top > -1e-8:
        hess = hess - (top + 1.0 + float(np.abs(grad).max())) * np.eye(2)
    return np.asarray(-np.linalg.solve(hess, grad), dtype=np.float64)


def maximise_likelihood(
    x: Floats, n: Floats, start: Floats, low: Floats, high: Floats
) -> Floats | None:
    """The (logit μ, log κ) in the box [low, high] that maximises the group's likelihood."""
    group = _Group(x, n)
    theta = np.clip(start, low, high)
    best = group.value(theta)
    for _ in range(_MAX_STEPS):
        grad, hess = group.derivatives(theta)
        step = _ascent_direction(grad, hess)
        for _ in range(_MAX_HALVINGS):
            trial = np.clip(theta + step, low, high)
            value = group.value(trial)
            if value >= best:
                break
            step = step / 2.0
        else:
            return theta  # no uphill move inside the box: a boundary maximum
        moved = float(np.abs(trial - theta).max())
        theta, best = trial, value
        if moved < _TOLERANCE:
            break
    return theta if bool(np.all(np.isfinite(theta))) and math.isfinite(best) else None
