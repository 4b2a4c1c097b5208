"""The few distribution functions the detectors need, vectorised, with R's parameterisations.

SciPy ships no type information; the detectors reach it only through these typed wrappers.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import special, stats

__all__ = ["nb_quantile", "nb_upper_tail", "normal_quantile", "t_two_sided_p"]

Floats = NDArray[np.float64]


def nb_quantile(q: float, mu: Floats, phi: Floats) -> Floats:
    """Quantile of counts with mean ``mu`` and variance ``phi * mu``; Poisson where ``phi <= 1``.

    The negative binomial is R's ``qnbinom(q, size = mu / (phi - 1), prob = 1 / phi)``, the
    parameterisation of Noufaily et al. (2013).
    """
    mu = np.asarray(mu, dtype=np.float64)
    phi = np.asarray(phi, dtype=np.float64)
    nb = phi > 1
    size = np.where(nb, mu / np.where(nb, phi - 1, 1.0), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        neg = stats.nbinom.ppf(q, size, 1.0 / np.where(nb, phi, 2.0))
        pois = stats.poisson.ppf(q, mu)
    return np.asarray(np.where(nb, neg, pois), dtype=np.float64)


def nb_upper_tail(y: Floats, mu: Floats, phi: Floats) -> Floats:
    """P(Y >= y) under the same model: the alarm's p-value."""
    mu = np.asarray(mu, dtype=np.float64)
    phi = np.asarray(phi, dtype=np.float64)
    nb = phi > 1
    size = np.where(nb, mu / np.where(nb, phi - 1, 1.0), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        neg = stats.nbinom.sf(y - 1, size, 1.0 / np.where(nb, phi, 2.0))
        pois = stats.poisson.sf(y - 1, mu)
    return np.asarray(np.where(nb, neg, pois), dtype=np.float64)


def normal_quantile(q: float) -> float:
    """Standard normal quantile."""
    return float(special.ndtri(q))


def t_two_sided_p(t: Floats, df: NDArray[np.int64]) -> Floats:
    """Two-sided p-value of a t statistic, as R's ``summary.glm`` gives for quasi families."""
    with np.errstate(invalid="ignore"):
        return np.asarray(2.0 * special.stdtr(df, -np.abs(t)), dtype=np.float64)
