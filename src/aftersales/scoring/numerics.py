"""The few SciPy functions the scorer needs, typed.

SciPy ships no type information, so it is imported here and nowhere else in the package.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import special, stats

__all__ = [
    "Floats",
    "beta_cdf",
    "beta_quantile",
    "betaln",
    "binomial_quantiles",
    "digamma",
    "distinct",
    "expit",
    "trigamma",
]

Floats = NDArray[np.float64]


def betaln(a: Floats | float, b: Floats | float) -> Floats:
    """log B(a, b), elementwise."""
    return np.asarray(special.betaln(a, b), dtype=np.float64)


def digamma(x: Floats | float) -> Floats:
    """The digamma function, elementwise."""
    return np.asarray(special.digamma(x), dtype=np.float64)


def trigamma(x: Floats | float) -> Floats:
    """The trigamma function (derivative of digamma), elementwise: the Hurwitz zeta(2, x)."""
    return np.asarray(special.zeta(2.0, x), dtype=np.float64)


def distinct(*columns: Floats) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """One row per distinct tuple of the columns, and for each row, its tuple's position.

    ``f(*(c[first] for c in columns))[where]`` equals ``f(*columns)`` for an elementwise f, with
    f evaluated once per tuple: many merchants share their counts (a small shop's 0 of 3), and
    the Beta functions below are costly.
    """
    order = np.lexsort(columns)
    ordered = [c[order] for c in columns]
    new = np.ones(order.size, dtype=bool)
    for c in ordered:
        new[1:] &= c[1:] == c[:-1]
    new[1:] = ~new[1:]
    where = np.empty(order.size, dtype=np.intp)
    where[order] = np.cumsum(new) - 1
    return order[new], where


def expit(x: float) -> float:
    """The logistic function."""
    return float(special.expit(x))


def beta_cdf(a: Floats, b: Floats, x: Floats) -> Floats:
    """P(X <= x) for X ~ Beta(a, b), elementwise, once per distinct (a, b, x)."""
    first, where = distinct(a, b, x)
    found = np.asarray(special.betainc(a[first], b[first], x[first]), dtype=np.float64)
    return found[where]


def beta_quantile(a: Floats, b: Floats, q: float) -> Floats:
    """The q-quantile of Beta(a, b), elementwise, once per distinct (a, b)."""
    first, where = distinct(a, b)
    found = np.asarray(special.betaincinv(a[first], b[first], q), dtype=np.float64)
    return found[where]


def binomial_quantiles(q: float, n: NDArray[np.intp], p: float) -> NDArray[np.intp]:
    """For each n, the smallest k with P(Bin(n, p) <= k) >= q (computed once per distinct n)."""
    values, where = np.unique(n, return_inverse=True)
    found = np.asarray(stats.binom.ppf(q, values, p)).astype(np.intp)
    return np.asarray(found[where.reshape(-1)], dtype=np.intp)
