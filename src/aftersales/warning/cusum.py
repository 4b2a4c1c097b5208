"""A CUSUM for slow, sustained rises that a one-week detector misses.

A bad batch that lifts a product's case rate by 30 % for months never makes one week stand out,
but the excess adds up. Following Rossi et al. (1999), as R ``surveillance::cusum`` does:

1. The in-control mean of each of the last ``monitor_weeks`` weeks comes from a quasi-Poisson
   GLM fitted to the weeks *before* them, so that the rise being looked for does not raise its
   own baseline: an intercept, seasonal harmonics once a year of data is there, and a trend
   where it is significant (a steadily growing business is not a shift) and does not carry the
   level more than twofold away from the last year's.
2. Each monitored count becomes an approximately standard-normal score with Rossi's transform
   ``(y - 3 mu + 2 sqrt(y mu)) / (2 sqrt(mu))``, scaled by the dispersion and by the
   uncertainty of the extrapolated mean.
3. ``S = max(0, S + z - k)`` runs over the monitored weeks and restarts after each crossing of
   ``h``; the evaluated (last) week alarms when ``S > h`` and the run that raised ``S`` holds at
   least ``min_cases`` cases.

With the defaults (k = 0.5, h = 5) about 0.3 % of weeks alarm on the 42 null scenarios of the
Noufaily design, fewer than the improved Farrington method's 0.5 %; against a rise of 30 % held
for 20 weeks it alarms in more series than the Farrington method does (docs/early-warning.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from aftersales.warning.distributions import t_two_sided_p
from aftersales.warning.glm import BatchFit, Design, fit_quasipoisson
from aftersales.warning.parallel import concat, map_batches, row_slices
from aftersales.warning.reasons import REASON_CODES, Reason

__all__ = ["CusumConfig", "CusumResult", "cusum"]

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


@dataclass(frozen=True)
class CusumConfig:
    """Settings of the CUSUM."""

    monitor_weeks: int = 26
    k: float = 0.5  # allowance, in standard deviations per week
    h: float = 5.0  # decision interval
    min_baseline_weeks: int = 26
    max_baseline_weeks: int = 156
    freq: int = 52
    harmonics: int = 2  # seasonal harmonics of the in-control model, with a year of data
    p_trend: float = 0.05  # keep the trend only when significant at this level
    min_cases: int = 5  # in the run that raised the statistic


@dataclass(frozen=True)
class CusumResult:
    """One entry per window; NaN where ``reason`` is not 0."""

    statistic: Floats  # S at the evaluated week
    score: Floats  # S / h: > 1 means above the decision interval
    run_weeks: NDArray[np.int64]  # weeks since S last stood at 0
    observed: Floats  # cases over the run
    expected: Floats  # in-control cases over the run
    enough_cases: Bools
    alarm: Bools
    reason: NDArray[np.int8]


def cusum(
    windows: Floats, config: CusumConfig | None = None, exposure: Floats | None = None
) -> CusumResult:
    """Run the CUSUM over the last ``monitor_weeks`` of each row, judged at the last week."""
    cfg = config or CusumConfig()
    if windows.ndim != 2 or windows.shape[1] < cfg.monitor_weeks + cfg.min_baseline_weeks:
        raise ValueError("windows are shorter than the monitored weeks plus the baseline")
    if exposure is not None and exposure.shape != windows.shape:
        raise ValueError("exposure must have the shape of windows")

    def run(rows: slice) -> CusumResult:
        return _cusum(windows[rows], cfg, None if exposure is None else exposure[rows])

    return concat(map_batches(run, row_slices(windows.shape[0])))


def _cusum(windows: Floats, cfg: CusumConfig, exposure: Floats | None) -> CusumResult:
    length = windows.shape[1]
    base_len = min(length - cfg.monitor_weeks, cfg.max_baseline_weeks)
    counts = np.where(windows >= 0, windows, np.nan)[:, length - cfg.monitor_weeks - base_len :]
    log_e = None
    if exposure is not None:
        usable = np.isfinite(exposure) & (exposure > 0)
        log_e = np.where(usable, np.log(np.where(usable, exposure, 1.0)), np.nan)
        log_e = log_e[:, length - cfg.monitor_weeks - base_len :]
        # Without units in service a week's expected count is unknown: leave the week out.
        counts = np.where(np.isfinite(log_e), counts, np.nan)
    reason = _screen(counts, base_len, log_e, cfg)
    mu0, scale = _in_control(counts, base_len, log_e, reason, cfg)
    watch = counts[:, base_len:]
    z = _rossi(np.nan_to_num(watch), mu0) / np.sqrt(scale)
    z = np.where(np.isfinite(watch), z, 0.0)  # a missing week adds no evidence either way
    stat, run = _accumulate(z, cfg.k, cfg.h)
    in_run = np.arange(cfg.monitor_weeks)[None, :] >= (cfg.monitor_weeks - run)[:, None]
    observed = np.where(in_run, np.nan_to_num(watch), 0.0).sum(axis=1)
    expected = np.where(in_run, mu0, 0.0).sum(axis=1)
    judged = reason == 0
    enough = judged & (observed >= cfg.min_cases)
    nan = np.where(judged, 1.0, np.nan)
    return CusumResult(
        statistic=stat * nan,
        score=stat / cfg.h * nan,
        run_weeks=np.where(judged, run, 0),
        observed=observed * nan,
        expected=expected * nan,
        enough_cases=enough,
        alarm=enough & (stat > cfg.h),
        reason=reason,
    )


def _screen(
    counts: Floats, base_len: int, log_e: Floats | None, cfg: CusumConfig
) -> NDArray[np.int8]:
    base = counts[:, :base_len]
    observed = np.isfinite(base)
    reason = np.zeros(counts.shape[0], dtype=np.int8)
    reason[observed.sum(axis=1) < cfg.min_baseline_weeks // 2] = REASON_CODES.index(
        Reason.TOO_MANY_GAPS
    )
    history = np.where(observed, base, 0.0).sum(axis=1)
    reason[(reason == 0) & (history == 0)] = REASON_CODES.index(Reason.ZEROS_ONLY)
    reason[~np.isfinite(counts[:, -1])] = REASON_CODES.index(Reason.MISSING_CURRENT)
    if log_e is not None:
        reason[~np.isfinite(log_e[:, -1])] = REASON_CODES.index(Reason.MISSING_EXPOSURE)
    return reason


def _in_control(
    counts: Floats, base_len: int, log_e: Floats | None, reason: NDArray[np.int8], cfg: CusumConfig
) -> tuple[Floats, Floats]:
    """In-control means of the monitored weeks, and each count's variance relative to its mean.

    Series that cannot be fitted get ``reason`` NO_CONVERGENCE (``reason`` is updated).
    """
    weeks = np.arange(counts.shape[1], dtype=np.float64)
    trend, flat = _designs(weeks, base_len, cfg)
    offset = np.zeros_like(counts) if log_e is None else np.nan_to_num(log_e, nan=0.0)
    y, prior = np.nan_to_num(counts[:, :base_len]), np.isfinite(counts[:, :base_len]) * 1.0
    mu0 = np.ones((counts.shape[0], cfg.monitor_weeks))
    scale = np.ones_like(mu0)
    fit = fit_quasipoisson(Design(trend[:base_len]), y, prior, offset[:, :base_len])
    raw = fit.dispersion
    t = fit.coef[:, 1] / np.sqrt(np.abs(raw * fit.cov_unscaled[:, 1, 1]))
    keep = fit.converged & (np.nan_to_num(t_two_sided_p(t, fit.df_residual), nan=1.0) < cfg.p_trend)
    every = np.ones_like(keep)
    ahead, ahead_scale = _predict(fit, trend, base_len, offset, every)
    # Nor where it extrapolates the last year's level more than twofold either way: a trend
    # fitted to a few early cases would otherwise predict nothing and alarm on anything.
    ratio = ahead.mean(axis=1) / np.maximum(fit.mu[:, -cfg.freq :].mean(axis=1), 1e-10)
    keep &= (ratio >= 0.5) & (ratio <= 2.0)
    mu0[keep], scale[keep] = ahead[keep], ahead_scale[keep]
    redo = ~keep
    fit = fit_quasipoisson(Design(flat[:base_len]), y[redo], prior[redo], offset[redo, :base_len])
    everyone = np.ones(int(redo.sum()), dtype=bool)
    mu0[redo], scale[redo] = _predict(fit, flat, base_len, offset[redo], everyone)
    failed = np.zeros_like(keep)
    failed[redo] = ~fit.converged
    reason[(reason == 0) & failed] = REASON_CODES.index(Reason.NO_CONVERGENCE)
    return mu0, scale


def _designs(weeks: Floats, base_len: int, cfg: CusumConfig) -> tuple[Floats, Floats]:
    """The in-control designs with and without a trend (in years from the monitored weeks)."""
    cols = [np.ones_like(weeks), (weeks - base_len) / cfg.freq]
    if base_len >= cfg.freq:
        for j in range(1, cfg.harmonics + 1):
            angle = 2 * np.pi * j * weeks / cfg.freq
            cols += [np.cos(angle), np.sin(angle)]
    trend = np.column_stack(cols)
    return trend, np.delete(trend, 1, axis=1)


def _predict(
    fit: BatchFit, design: Floats, base_len: int, offset: Floats, rows: Bools
) -> tuple[Floats, Floats]:
    ahead = design[base_len:]
    eta = np.minimum(fit.coef[rows] @ ahead.T + offset[rows, base_len:], 60.0)
    mu0 = np.maximum(np.exp(eta), 1e-10)
    phi = np.maximum(np.nan_to_num(fit.dispersion[rows], nan=1.0), 1.0)[:, None]
    # The mean is estimated and extrapolated up to half a year: Var(y - mu0) is
    # phi mu0 + mu0^2 Var(eta0), not phi mu0. Without this, a large series raises its CUSUM on
    # estimation error alone.
    var_eta = phi * np.maximum(Design(ahead).quadratic(fit.cov_unscaled[rows]), 0.0)
    return mu0, phi + mu0 * var_eta


def _rossi(y: Floats, mu: Floats) -> Floats:
    """Rossi et al.'s transform: near standard normal for Poisson counts, even small ones."""
    return np.asarray((y - 3 * mu + 2 * np.sqrt(y * mu)) / (2 * np.sqrt(mu)), dtype=np.float64)


def _accumulate(z: Floats, k: float, h: float) -> tuple[Floats, NDArray[np.int64]]:
    """Upper CUSUM over the columns; the final statistic and how long it has been above 0.

    The statistic restarts from 0 after it crossed ``h`` in an earlier week: that week raised
    its own alert, and carrying its excess forward would re-announce the same spike for weeks.
    """
    stat = np.zeros(z.shape[0])
    run = np.zeros(z.shape[0], dtype=np.int64)
    for col in z.T:
        stat = np.where(stat > h, 0.0, stat)
        run = np.where(stat > 0, run, 0)
        stat = np.maximum(0.0, stat + col - k)
        run = np.where(stat > 0, run + 1, 0)
    return stat, run
