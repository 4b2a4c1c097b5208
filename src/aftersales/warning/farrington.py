"""The improved Farrington method (Noufaily et al. 2013), for many series at once.

It does what R ``surveillance::farringtonFlexible`` does with the Noufaily settings
(``noPeriods = 10, w = 3, weightsThreshold = 2.58, pastWeeksNotIncluded = 26,
pThresholdTrend = 1, thresholdMethod = "nbPlugin"``, ``limit54 = c(5, 4)``), for one evaluated
week per row of a matrix of history windows:

1. The reference data are ``b`` years of weeks before the evaluated week, minus the most recent
   26. A 10-level seasonal factor cuts each year into a 7-week window around the same calendar
   week (the level of the evaluated week) and 9 blocks in between.
2. A quasi-Poisson GLM with a linear trend and the seasonal factor (and ``log(exposure)`` as an
   offset when units in service are known) is fitted; weeks whose Anscombe residual exceeds
   2.58 (past outbreaks) are down-weighted and the model is refitted.
3. The trend is kept only with at least 3 years of data, when significant at
   ``p_threshold_trend`` (always, at 1) and when it does not predict beyond the largest count
   seen; otherwise the model is refitted without it.
4. The threshold is the (1 - alpha) quantile of a negative binomial with the fitted mean and
   dispersion (Poisson when the dispersion is at most 1). An alarm needs the count above it and
   at least 5 cases in the last 4 weeks.

Deviations from R, all deliberate, are listed in docs/decisions/0009-early-warning.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from aftersales.warning.distributions import (
    nb_quantile,
    nb_upper_tail,
    normal_quantile,
    t_two_sided_p,
)
from aftersales.warning.glm import Design, fit_quasipoisson, hat_values
from aftersales.warning.parallel import concat, map_batches, row_slices
from aftersales.warning.reasons import REASON_CODES, Reason

__all__ = [
    "FarringtonConfig",
    "FarringtonResult",
    "Layout",
    "ThresholdMethod",
    "farrington_flexible",
    "layout",
]

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]

# Rows per batch: large enough that the matrix products dominate, small enough that a batch of
# (rows x 260 weeks) arrays stays in a few tens of megabytes.
_CHUNK = 8192


class ThresholdMethod(StrEnum):
    """How the upper threshold is taken from the fitted model."""

    NB_PLUGIN = "nbPlugin"  # negative binomial quantile at the fitted mean
    MUAN = "muan"  # the same at the (1 - alpha) upper limit of the fitted mean


@dataclass(frozen=True)
class FarringtonConfig:
    """The settings of ``farringtonFlexible``; the defaults are Noufaily et al.'s."""

    years_back: int = 5  # b
    half_window: int = 3  # w
    no_periods: int = 10
    weights_threshold: float = 2.58
    past_weeks_not_included: int = 26
    p_threshold_trend: float = 1.0
    alpha: float = 0.005
    threshold_method: ThresholdMethod = ThresholdMethod.NB_PLUGIN
    min_cases: int = 5  # limit54: at least this many cases ...
    min_cases_weeks: int = 4  # ... in this many weeks ending with the evaluated one
    freq: int = 52
    reweight: bool = True
    trend: bool = True
    min_observed_share: float = 0.5  # below this share of reference weeks, do not judge


@dataclass(frozen=True)
class Layout:
    """Which weeks of a history window enter the fit, their seasonal level, the two designs."""

    span: int  # weeks of history before the evaluated one: freq * b + w
    offsets: NDArray[np.intp]  # of the fitted weeks, relative to the evaluated week (< 0)
    levels: NDArray[np.intp]  # seasonal level of each fitted week; no_periods = its own season
    no_periods: int
    with_trend: Design
    without_trend: Design


def _design(offsets: NDArray[np.intp], levels: NDArray[np.intp], p: int, trend: bool) -> Design:
    """Columns: intercept, [trend], one indicator per level but the evaluated week's."""
    cols = [np.ones(offsets.size)]
    if trend:
        # Weeks relative to the evaluated one: the same fit as R's absolute week index, better
        # conditioned, and the prediction for the evaluated week is simply the intercept.
        cols.append(offsets.astype(np.float64))
    cols += [(levels == lv).astype(np.float64) for lv in range(1, p)]
    return Design(np.column_stack(cols))


@dataclass(frozen=True)
class FarringtonResult:
    """One entry per evaluated window; NaN where ``reason`` is not 0 (no judgement made)."""

    observed: Floats
    expected: Floats  # fitted mean for the evaluated week
    upper: Floats  # threshold: an alarm needs observed > upper
    score: Floats  # (observed - expected) / (upper - expected); > 1 iff above the threshold
    p_value: Floats  # P(count >= observed) under the fitted model
    dispersion: Floats
    trend: Bools  # the trend was kept
    enough_cases: Bools  # the minimum-count rule is met
    alarm: Bools
    reason: NDArray[np.int8]  # index into REASON_CODES; 0 = judged


def layout(config: FarringtonConfig) -> Layout:
    """Lay out the reference weeks and seasonal levels exactly as R's ``blocks`` does."""
    b, w, p, freq = config.years_back, config.half_window, config.no_periods, config.freq
    if b < 1:
        raise ValueError("years_back must be at least 1")
    span = freq * b + w
    level = np.zeros(span + 1, dtype=np.intp)  # index i is offset i - span; 0 = unused
    level[span - w :] = p
    for i in range(1, b + 1):
        ref = span - freq * i
        level[ref - w : ref + w + 1] = p
        if p == 1:
            continue
        period = freq - 2 * w - 1
        if period < p - (2 * w + 1):
            raise ValueError("no_periods is too large for the window")
        # Split the weeks between two windows into p - 1 blocks, the first ones a week longer.
        lengths = np.full(p - 1, period // (p - 1))
        lengths[: period % (p - 1)] += 1
        edges = ref + w + 1 + np.concatenate([[0], np.cumsum(lengths)])
        for j in range(p - 1):
            level[edges[j] : edges[j + 1]] = j + 1
    level[span - config.past_weeks_not_included :] = 0
    used = np.nonzero(level)[0]
    offsets, levels = used - span, level[used]
    return Layout(
        span,
        offsets,
        levels,
        p,
        _design(offsets, levels, p, True),
        _design(offsets, levels, p, False),
    )


def farrington_flexible(
    windows: Floats,
    config: FarringtonConfig | None = None,
    exposure: Floats | None = None,
) -> FarringtonResult:
    """Judge the last week of each row of ``windows`` against the weeks before it.

    ``windows`` is ``(N, span + 1)`` with ``span = freq * years_back + half_window``: the
    history of each series ending with the evaluated week; NaN marks a missing week.
    ``exposure`` (units sold or in service), same shape, turns the counts into rates.
    """
    config = config or FarringtonConfig()
    lay = layout(config)
    if windows.ndim != 2 or windows.shape[1] != lay.span + 1:
        raise ValueError(f"windows must be (N, {lay.span + 1}) for years_back={config.years_back}")
    if exposure is not None and exposure.shape != windows.shape:
        raise ValueError("exposure must have the shape of windows")
    cfg = config

    def judge(rows: slice) -> FarringtonResult:
        return _judge(windows[rows], None if exposure is None else exposure[rows], cfg, lay)

    return concat(map_batches(judge, row_slices(windows.shape[0], _CHUNK)))


def _judge(
    windows: Floats, exposure: Floats | None, config: FarringtonConfig, lay: Layout
) -> FarringtonResult:
    counts = np.where(windows >= 0, windows, np.nan)  # a negative count is no count
    y_now = counts[:, -1]
    fit_y = counts[:, lay.span + lay.offsets]
    prior = np.isfinite(fit_y).astype(np.float64)
    offset, log_now, exposure_reason = _exposure(exposure, lay, prior)
    reason = _screen(y_now, fit_y, prior, lay, config, exposure_reason)
    n = windows.shape[0]
    fitted = _Fitted.blank(n)
    todo = np.nonzero(reason == 0)[0]
    if todo.size:
        part = _fit_with_trend_choice(
            np.nan_to_num(fit_y[todo]), prior[todo], offset[todo], log_now[todo], lay, config
        )
        fitted.fill(todo, part)
        reason[todo[~part.converged]] = REASON_CODES.index(Reason.NO_CONVERGENCE)
    return _threshold(counts, y_now, fitted, reason, config)


def _exposure(
    exposure: Floats | None, lay: Layout, prior: Floats
) -> tuple[Floats, Floats, NDArray[np.int8]]:
    """Offsets log(exposure) for the fitted weeks and the evaluated one, and exposure faults."""
    n = prior.shape[0]
    codes = np.zeros(n, dtype=np.int8)
    if exposure is None:
        return np.zeros_like(prior), np.zeros(n), codes
    fit_e = exposure[:, lay.span + lay.offsets]
    now = exposure[:, -1]
    usable = np.isfinite(fit_e) & (fit_e > 0)
    # A week with no units in service (or none known) says nothing about the rate: leave it out.
    prior *= usable
    offset = np.log(np.where(usable, fit_e, 1.0))
    codes[~(np.isfinite(now) & (now > 0))] = REASON_CODES.index(Reason.MISSING_EXPOSURE)
    negative = (np.nan_to_num(exposure, nan=0.0) < 0).any(axis=1)
    codes[negative] = REASON_CODES.index(Reason.NEGATIVE_EXPOSURE)
    return offset, np.log(np.where(codes == 0, now, 1.0)), codes


def _screen(
    y_now: Floats,
    fit_y: Floats,
    prior: Floats,
    lay: Layout,
    config: FarringtonConfig,
    exposure_reason: NDArray[np.int8],
) -> NDArray[np.int8]:
    """Series that cannot be judged, and why; checks later in the list win."""
    reason = np.zeros(y_now.shape[0], dtype=np.int8)
    observed = prior > 0
    season = observed[:, lay.levels == lay.no_periods].any(axis=1)
    thin = observed.sum(axis=1) < max(config.min_observed_share * lay.offsets.size, 3)
    reason[thin | ~season] = REASON_CODES.index(Reason.TOO_MANY_GAPS)
    history = np.where(observed, fit_y, 0.0).sum(axis=1)
    reason[(history == 0) & ~thin] = REASON_CODES.index(Reason.ZEROS_ONLY)
    reason[exposure_reason != 0] = exposure_reason[exposure_reason != 0]
    reason[~np.isfinite(y_now)] = REASON_CODES.index(Reason.MISSING_CURRENT)
    return reason


@dataclass(frozen=True)
class _Fitted:
    """What the threshold needs from a fit, one entry per series."""

    eta0: Floats  # linear predictor for the evaluated week, offset included
    se0: Floats  # its standard error
    phi: Floats  # dispersion, at least 1
    trend: Bools  # the trend was kept
    converged: Bools

    @classmethod
    def blank(cls, n: int) -> _Fitted:
        nan = np.full(n, np.nan)
        return cls(nan, nan.copy(), nan.copy(), np.zeros(n, bool), np.zeros(n, bool))

    def fill(self, rows: NDArray[np.intp], part: _Fitted) -> None:
        self.eta0[rows], self.se0[rows], self.phi[rows] = part.eta0, part.se0, part.phi
        self.trend[rows], self.converged[rows] = part.trend, part.converged


def _fit_with_trend_choice(
    y: Floats, prior: Floats, offset: Floats, log_now: Floats, lay: Layout, config: FarringtonConfig
) -> _Fitted:
    """Fit with the trend, keep it where R would, refit the others without it."""
    out = _Fitted.blank(y.shape[0])
    if config.trend:
        m = _fit_reweighted(y, prior, offset, log_now, lay.with_trend, config, trend=True)
        biggest = np.where(prior > 0, y, -np.inf).max(axis=1)
        keep = (
            m.converged
            & (config.years_back >= 3)
            & (m.trend_p < config.p_threshold_trend)
            & (np.exp(np.minimum(m.eta0, 700.0)) <= biggest)
        )
        rows = np.nonzero(keep)[0]
        out.fill(rows, _Fitted(m.eta0[keep], m.se0[keep], m.phi[keep], keep[keep], keep[keep]))
    redo = np.nonzero(~out.trend)[0]
    if redo.size:
        y, prior, offset, log_now = y[redo], prior[redo], offset[redo], log_now[redo]
        flat = _fit_reweighted(y, prior, offset, log_now, lay.without_trend, config, trend=False)
        trend = np.zeros(redo.size, dtype=bool)
        out.fill(redo, _Fitted(flat.eta0, flat.se0, flat.phi, trend, flat.converged))
    return out


@dataclass(frozen=True)
class _Model:
    eta0: Floats  # linear predictor for the evaluated week, offset included
    se0: Floats  # its standard error
    phi: Floats  # dispersion, at least 1
    trend_p: Floats  # p-value of the trend coefficient (NaN without trend)
    converged: Bools  # the unweighted fit converged (the only check R makes)


def _fit_reweighted(
    y: Floats,
    prior: Floats,
    offset: Floats,
    log_now: Floats,
    design: Design,
    config: FarringtonConfig,
    *,
    trend: bool,
) -> _Model:
    """Fit, down-weight weeks with large Anscombe residuals, fit again (R's fitGLM.flexible)."""
    first = fit_quasipoisson(design, y, prior, offset)
    fit = first
    if config.reweight:
        phi = np.maximum(np.nan_to_num(first.dispersion, nan=1.0), 1.0)
        s = _anscombe(y, first.mu, phi, hat_values(first, design), prior)
        fit = fit_quasipoisson(design, y, prior * _outbreak_weights(s, prior, config), offset)
    raw = fit.dispersion
    eta0 = fit.coef[:, 0] + log_now
    se0 = np.sqrt(np.abs(raw * fit.cov_unscaled[:, 0, 0]))
    trend_p = np.full(y.shape[0], np.nan)
    if trend:
        t = fit.coef[:, 1] / np.sqrt(raw * fit.cov_unscaled[:, 1, 1])
        trend_p = t_two_sided_p(t, fit.df_residual)
    phi_out = np.maximum(np.nan_to_num(raw, nan=1.0), 1.0)
    return _Model(eta0, se0, phi_out, trend_p, first.converged)


def _anscombe(y: Floats, mu: Floats, phi: Floats, hat: Floats, prior: Floats) -> Floats:
    """Standardised Anscombe residuals; 0 for missing weeks and for points the fit goes through."""
    room = 1.0 - hat
    raw = 1.5 * (np.cbrt(y) ** 2 * mu ** (-1 / 6) - np.sqrt(mu))
    with np.errstate(divide="ignore", invalid="ignore"):
        s = raw / np.sqrt(phi[:, None] * room)
    return np.where((prior > 0) & (room > 1e-12), s, 0.0)


def _outbreak_weights(s: Floats, prior: Floats, config: FarringtonConfig) -> Floats:
    """Weights s^-2 for weeks above the residual threshold, scaled to average 1 (Farrington)."""
    valid = prior > 0
    big = valid & (s > config.weights_threshold)
    inv2 = np.where(big, 1.0 / np.where(big, s, 1.0) ** 2, 1.0)
    gamma = valid.sum(axis=1) / np.where(valid, inv2, 0.0).sum(axis=1)
    return np.where(valid, gamma[:, None] * inv2, 0.0)


def _threshold(
    counts: Floats,
    y_now: Floats,
    fitted: _Fitted,
    reason: NDArray[np.int8],
    config: FarringtonConfig,
) -> FarringtonResult:
    judged = reason == 0
    eta = np.minimum(np.where(judged, fitted.eta0, 0.0), 700.0)
    eta_q = eta
    if config.threshold_method is ThresholdMethod.MUAN:
        eta_q = eta + normal_quantile(1 - config.alpha) * np.nan_to_num(fitted.se0)
    expected = np.exp(eta)
    phi = np.where(judged, fitted.phi, 1.0)
    upper = nb_quantile(1 - config.alpha, np.exp(eta_q), phi)
    y = np.where(judged, y_now, 0.0)
    p_value = nb_upper_tail(y, np.exp(eta_q), phi)
    # Score > 1 exactly when y > upper: counts and thresholds are whole numbers, so a floor of
    # one half under the denominator never flips the comparison, and keeps tiny means finite.
    score = (y - expected) / np.maximum(upper - expected, 0.5)
    recent = np.nansum(np.where(counts >= 0, counts, 0.0)[:, -config.min_cases_weeks :], axis=1)
    enough = recent >= config.min_cases
    alarm = judged & enough & (y > upper) & (y != 0)
    nan = np.where(judged, 1.0, np.nan)
    return FarringtonResult(
        observed=y_now.copy(),
        expected=expected * nan,
        upper=upper * nan,
        score=score * nan,
        p_value=p_value * nan,
        dispersion=phi * nan,
        trend=fitted.trend & judged,
        enough_cases=enough & judged,
        alarm=alarm,
        reason=reason,
    )
