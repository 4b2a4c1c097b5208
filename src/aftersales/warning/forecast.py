"""Forecasting daily case arrivals of a queue, with day-of-week and yearly seasonality.

A quasi-Poisson GLM on the last two years of daily counts: log mean = intercept + day of week
(with two weeks of data) + two yearly harmonics (with a year of data) + a linear trend (with
eight weeks of data, kept only when significant, so that a flat queue is not extrapolated into a
slope it does not have). The forecast is the fitted mean; the plan is sized to an upper
quantile of a negative binomial with the fitted dispersion, since agents sized to the mean miss
the service level on every busier-than-average day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from aftersales.warning.distributions import nb_quantile, t_two_sided_p
from aftersales.warning.glm import Design, fit_quasipoisson

__all__ = ["DailyForecast", "DailyHistory", "forecast_daily"]

Floats = NDArray[np.float64]

_MAX_HISTORY_DAYS = 730
_YEAR = 365.25


@dataclass(frozen=True)
class DailyHistory:
    """Daily case counts from ``first_day`` on; NaN for a day without a count."""

    first_day: date
    counts: Floats

    def __post_init__(self) -> None:
        counts = np.asarray(self.counts, dtype=np.float64).ravel()
        object.__setattr__(self, "counts", np.where(counts >= 0, counts, np.nan))

    @property
    def end(self) -> date:
        """The day after the last count."""
        return self.first_day + timedelta(days=int(self.counts.size))


@dataclass(frozen=True)
class DailyForecast:
    """Expected cases per day from ``first_day`` on, and the upper quantile to staff for."""

    first_day: date
    expected: Floats
    upper: Floats
    quantile: float
    dispersion: float
    terms: tuple[str, ...]  # the model terms the history allowed, e.g. ("day of week", ...)

    def days(self) -> list[date]:
        """The forecast days."""
        return [self.first_day + timedelta(days=i) for i in range(self.expected.size)]

    @classmethod
    def flat(cls, first_day: date, days: int, per_day: float, quantile: float) -> DailyForecast:
        """A forecast of the same Poisson load every day (when only a rate is known)."""
        expected = np.full(days, max(per_day, 0.0))
        upper = nb_quantile(quantile, expected, np.ones(days))
        return cls(first_day, expected, upper, quantile, 1.0, ("constant rate",))


def forecast_daily(
    history: DailyHistory, days: int, start: date | None = None, quantile: float = 0.8
) -> DailyForecast:
    """Forecast ``days`` days from ``start`` (default: the day after the history ends)."""
    start = start or history.end
    y = history.counts[-_MAX_HISTORY_DAYS:]
    first = history.end - timedelta(days=int(y.size))
    observed = np.isfinite(y)
    if observed.sum() < 7 or np.nansum(y) == 0:
        # Too little to model: the average of what there is (0 for nothing), as Poisson.
        level = float(np.nanmean(y)) if observed.any() else 0.0
        flat = DailyForecast.flat(start, days, level, quantile)
        return DailyForecast(start, flat.expected, flat.upper, quantile, 1.0, ("average",))
    span = int(observed.sum())
    past = np.arange(y.size, dtype=np.float64)
    ahead = (start - first).days + np.arange(days, dtype=np.float64)
    terms = _terms(span)
    x_past, x_ahead = _columns(past, first, terms), _columns(ahead, first, terms)
    mean, phi, kept = _fit(x_past, x_ahead, y, observed, terms)
    upper = nb_quantile(quantile, mean, np.full(days, phi))
    return DailyForecast(start, mean, upper, quantile, phi, kept)


def _terms(span: int) -> tuple[str, ...]:
    terms = []
    if span >= 14:
        terms.append("day of week")
    if span >= 365:
        terms.append("yearly season")
    if span >= 56:
        terms.append("trend")
    return tuple(terms)


def _columns(day: Floats, first: date, terms: tuple[str, ...]) -> Floats:
    """Design columns for day numbers counted from ``first``; the trend, if any, is last."""
    cols = [np.ones_like(day)]
    if "day of week" in terms:
        weekday = (first.weekday() + day.astype(int)) % 7
        cols += [(weekday == d).astype(np.float64) for d in range(1, 7)]
    if "yearly season" in terms:
        doy = (first.timetuple().tm_yday - 1 + day) / _YEAR
        for j in (1, 2):
            cols += [np.cos(2 * np.pi * j * doy), np.sin(2 * np.pi * j * doy)]
    if "trend" in terms:
        cols.append(day / _YEAR)
    return np.column_stack(cols)


def _fit(
    x_past: Floats, x_ahead: Floats, y: Floats, observed: NDArray[np.bool_], terms: tuple[str, ...]
) -> tuple[Floats, float, tuple[str, ...]]:
    prior = observed[None, :].astype(np.float64)
    fit = fit_quasipoisson(Design(x_past), np.nan_to_num(y)[None, :], prior)
    if "trend" in terms:
        raw = fit.dispersion
        t = fit.coef[:, -1] / np.sqrt(np.abs(raw * fit.cov_unscaled[:, -1, -1]))
        if not float(np.nan_to_num(t_two_sided_p(t, fit.df_residual), nan=1.0)[0]) < 0.05:
            terms = tuple(t for t in terms if t != "trend")
            x_past, x_ahead = x_past[:, :-1], x_ahead[:, :-1]
            fit = fit_quasipoisson(Design(x_past), np.nan_to_num(y)[None, :], prior)
    eta = np.minimum(x_ahead @ fit.coef[0], 50.0)
    phi = float(max(np.nan_to_num(fit.dispersion[0], nan=1.0), 1.0))
    return np.exp(eta), phi, terms
