"""Quasi-Poisson log-linear GLMs for many series at once, all sharing one design matrix.

The detectors fit the same small model (an intercept, a trend, a seasonal factor) to tens of
thousands of series. A per-series ``statsmodels`` fit costs about a millisecond of Python
overhead each; here every IRLS step is a few matrix products over the whole batch, so the cost
per series is some microseconds. See docs/decisions/0009-early-warning.md.

The iteration is R's ``glm.fit`` for ``quasipoisson(link = "log")`` step for step: start from
``mu = y + 0.1``, stop when the relative change in deviance falls below ``epsilon``, give up
after ``maxit`` steps, floor the mean at machine epsilon. Following it exactly (rather than
Newton from a zero start) is what makes our thresholds agree with R's ``farringtonFlexible``
even when a seasonal level is all zeros and its coefficient runs off towards minus infinity.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["BatchFit", "Design", "fit_quasipoisson", "hat_values"]

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]

_EPS = float(np.finfo(np.float64).eps)
_LOG_EPS = float(np.log(_EPS))
# No count series has a mean near e**60 (1e26); a fit heading there is diverging (a trend
# chasing a lone early case), and capping it keeps X'Wz finite. R halves the step instead.
_ETA_MAX = 60.0


class Design:
    """A design matrix with what every IRLS step needs precomputed.

    X'WX needs the products of every pair of columns. Indicator columns of a factor multiply to
    zero or to themselves, so of the 121 pairs of the Farrington design only 21 products are
    distinct and non-zero; one (S, n) @ (n, 21) product then gives all of X'WX for a batch.
    """

    def __init__(self, matrix: Floats) -> None:
        self.matrix = np.ascontiguousarray(matrix, dtype=np.float64)
        n, p = self.matrix.shape
        self.p = p
        products: list[Floats] = []
        index = np.full(p * p, -1)
        for a in range(p):
            for b in range(a, p):
                col = self.matrix[:, a] * self.matrix[:, b]
                if not col.any():
                    continue
                same = [u for u, seen in enumerate(products) if np.array_equal(seen, col)]
                if not same:
                    products.append(col)
                index[a * p + b] = index[b * p + a] = same[0] if same else len(products) - 1
        self.products = np.column_stack(products) if products else np.zeros((n, 0))
        # Sums of products -> flattened X'WX; absent pairs stay 0.
        self.expand = np.zeros((len(products), p * p))
        hit = index >= 0
        self.expand[index[hit], np.nonzero(hit)[0]] = 1.0

    def gram(self, w: Floats) -> Floats:
        """X' diag(w) X for every row of ``w``: ``(S, p, p)``."""
        return ((w @ self.products) @ self.expand).reshape(-1, self.p, self.p)

    def quadratic(self, m: Floats) -> Floats:
        """x_i' M x_i for every week i and every ``(p, p)`` matrix of ``m``: ``(S, n)``."""
        flat = m.reshape(-1, self.p * self.p)
        return (flat @ self.expand.T) @ self.products.T


@dataclass(frozen=True)
class BatchFit:
    """The fits of a batch of series: one row per series.

    ``work_weights`` and ``cov_unscaled`` are those of the last IRLS step, as in R's ``qr``
    component, so hat values and standard errors match R's ``hatvalues`` and ``summary.glm``.
    """

    coef: Floats  # (S, p); 0 for a column with no observation behind it (R: NA, aliased)
    mu: Floats  # (S, n) fitted means, offset included
    converged: Bools  # (S,)
    dispersion: Floats  # (S,) Pearson chi-square / residual df; NaN when df <= 0
    df_residual: NDArray[np.int64]  # (S,)
    work_weights: Floats  # (S, n)
    cov_unscaled: Floats  # (S, p, p), (X'WX)^-1


def fit_quasipoisson(
    design: Design,
    y: Floats,
    prior: Floats,
    offset: Floats | None = None,
    *,
    maxit: int = 25,
    epsilon: float = 1e-8,
) -> BatchFit:
    """Fit ``log E[y] = offset + X @ coef`` to every row of ``y`` by IRLS.

    ``design`` holds the shared ``(n, p)`` matrix X; ``y``, ``prior`` (prior weights, 0 for a
    missing week) and ``offset`` are ``(S, n)``. Where ``prior`` is 0, ``y`` may be any finite.
    """
    n_series, n = y.shape
    out = _Output.empty(n_series, n, design.p)
    dropped = ((prior > 0).astype(np.float64) @ (design.matrix != 0)) == 0
    off = np.zeros_like(y) if offset is None else offset
    state = _State.start(y, prior, off, dropped)
    for it in range(maxit):
        w, xtwx, beta = _irls_step(state, design)
        eta = np.minimum(beta @ design.matrix.T + state.off, _ETA_MAX)
        mu = np.maximum(np.exp(eta), _EPS)
        dev = _deviance(state.y, state.ylogy, state.prior, mu, np.maximum(eta, _LOG_EPS))
        done = np.abs(dev - state.dev) / (np.abs(dev) + 0.1) < epsilon
        leaving = done | (it == maxit - 1)
        if leaving.any():
            out.store(state.index[leaving], beta[leaving], mu[leaving], w[leaving], xtwx[leaving])
            out.converged[state.index[done]] = True
            state = state.keep(~leaving, eta, mu, dev)
        else:
            state = _State(state.index, state.y, state.prior, state.off, state.ylogy,
                           state.dropped, eta, mu, dev)  # fmt: skip
        if state.index.size == 0:
            break
    return out.finish(y, prior, dropped)


def hat_values(fit: BatchFit, design: Design) -> Floats:
    """Return the diagonal of the hat matrix of each fit, ``(S, n)``, as R's ``hatvalues``."""
    # h_i = w_i x_i' (X'WX)^-1 x_i, for every series and week in two matrix products.
    return fit.work_weights * design.quadratic(fit.cov_unscaled)


@dataclass(frozen=True)
class _Output:
    coef: Floats
    mu: Floats
    weights: Floats
    xtwx: Floats
    converged: Bools

    @classmethod
    def empty(cls, s: int, n: int, p: int) -> _Output:
        return cls(
            np.zeros((s, p)),
            np.ones((s, n)),
            np.zeros((s, n)),
            np.zeros((s, p, p)),
            np.zeros(s, dtype=bool),
        )

    def store(
        self, idx: NDArray[np.intp], coef: Floats, mu: Floats, w: Floats, xtwx: Floats
    ) -> None:
        self.coef[idx], self.mu[idx], self.weights[idx], self.xtwx[idx] = coef, mu, w, xtwx

    def finish(self, y: Floats, prior: Floats, dropped: Bools) -> BatchFit:
        p = self.coef.shape[1]
        df = (prior > 0).sum(axis=1) - (p - dropped.sum(axis=1))
        # R: sum(weights * residuals^2) / df.residual, with the last step's working weights.
        pearson = (self.weights * np.square((y - self.mu) / self.mu)).sum(axis=1)
        dispersion = np.where(df > 0, pearson / np.maximum(df, 1), np.nan)
        return BatchFit(
            coef=self.coef,
            mu=self.mu,
            converged=self.converged,
            dispersion=dispersion,
            df_residual=df.astype(np.int64),
            work_weights=self.weights,
            cov_unscaled=_invert(self.xtwx),
        )


@dataclass(frozen=True)
class _State:
    """The series still iterating, with their current means: shrinks as fits converge."""

    index: NDArray[np.intp]
    y: Floats
    prior: Floats
    off: Floats
    ylogy: Floats
    dropped: Bools
    eta: Floats
    mu: Floats
    dev: Floats

    @classmethod
    def start(cls, y: Floats, prior: Floats, off: Floats, dropped: Bools) -> _State:
        ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0)
        # R's quasipoisson()$initialize: every fit starts from mu = y + 0.1.
        mu = y + 0.1
        eta = np.log(mu)
        dev = _deviance(y, ylogy, prior, mu, eta)
        return cls(np.arange(y.shape[0]), y, prior, off, ylogy, dropped, eta, mu, dev)

    def keep(self, rows: Bools, eta: Floats, mu: Floats, dev: Floats) -> _State:
        return _State(
            self.index[rows],
            self.y[rows],
            self.prior[rows],
            self.off[rows],
            self.ylogy[rows],
            self.dropped[rows],
            eta[rows],
            mu[rows],
            dev[rows],
        )


def _irls_step(state: _State, design: Design) -> tuple[Floats, Floats, Floats]:
    """One weighted least-squares solve: working weights, X'WX and the new coefficients."""
    # Log link: d mu / d eta = mu and Var(mu) = mu, so the working weight is prior * mu and the
    # working response is eta - offset + (y - mu) / mu.
    w = state.prior * state.mu
    wz = state.prior * (state.mu * (state.eta - state.off - 1.0) + state.y)
    xtwx = design.gram(w)
    xtwz = wz @ design.matrix
    # A column with no observation behind it is aliased (R sets its coefficient to NA); a unit
    # pivot pins it at 0 without touching the rest of the solve.
    rows, cols = np.nonzero(state.dropped)
    xtwx[rows, cols, cols] = 1.0
    xtwz[rows, cols] = 0.0
    return w, xtwx, _solve(xtwx, xtwz)


def _deviance(y: Floats, ylogy: Floats, prior: Floats, mu: Floats, log_mu: Floats) -> Floats:
    """Poisson deviance per series, 2 * sum prior * (y log(y / mu) - (y - mu))."""
    return np.asarray(2.0 * (prior * (ylogy - y * log_mu - y + mu)).sum(axis=1), dtype=np.float64)


def _solve(a: Floats, b: Floats) -> Floats:
    try:
        return np.asarray(np.linalg.solve(a, b[..., None])[..., 0], dtype=np.float64)
    except np.linalg.LinAlgError:
        # An exactly singular system (a degenerate series) must not sink the whole batch.
        return np.asarray((np.linalg.pinv(a) @ b[..., None])[..., 0], dtype=np.float64)


def _invert(a: Floats) -> Floats:
    try:
        return np.asarray(np.linalg.inv(a), dtype=np.float64)
    except np.linalg.LinAlgError:
        return np.asarray(np.linalg.pinv(a), dtype=np.float64)
