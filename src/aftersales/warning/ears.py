"""EARS C1, C2 and C3: a mean and a standard deviation of the last few weeks, for new series.

The CDC's Early Aberration Reporting System needs only 8 to 12 weeks of history and knows
nothing of seasons, which is what a product launched last month or a region opened last quarter
has. As in R ``surveillance::earsC``:

* C1 compares the week with the mean and SD of the 7 weeks before it;
* C2 does the same with a gap of 2 weeks, so that an outbreak's first weeks do not inflate the
  baseline (t-9 ... t-3);
* C3 adds up the C2 excesses over one SD of the last 3 weeks, catching a rise spread over them.

Two deliberate departures from R: ``min_sigma`` defaults to 0.5 (Burkom's advice for sparse
counts; R's 0 turns a flat baseline into an alarm on any single case), and C3's threshold is the
textbook one, on the sum including the evaluated week (R's ``upperbound`` for C3 leaves the
evaluated week out of the sum).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from aftersales.warning.distributions import normal_quantile
from aftersales.warning.reasons import REASON_CODES, Reason

__all__ = ["EarsConfig", "EarsMethod", "EarsResult", "ears"]

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]


class EarsMethod(StrEnum):
    """Which EARS statistic."""

    C1 = "C1"
    C2 = "C2"
    C3 = "C3"


@dataclass(frozen=True)
class EarsConfig:
    """Settings of the EARS detectors; ``alpha`` None means R's default for the method."""

    method: EarsMethod = EarsMethod.C2
    baseline: int = 7
    alpha: float | None = None
    min_sigma: float = 0.5
    min_cases: int = 5
    min_cases_weeks: int = 4
    min_observed: int = 3  # of the baseline weeks

    @property
    def threshold(self) -> float:
        """The alarm threshold on the statistic: z of 1 - alpha."""
        default = 0.025 if self.method is EarsMethod.C3 else 0.001
        return normal_quantile(1 - (default if self.alpha is None else self.alpha))

    @property
    def weeks_needed(self) -> int:
        """Length of the window ending with the evaluated week."""
        lag = {EarsMethod.C1: 0, EarsMethod.C2: 2, EarsMethod.C3: 4}[self.method]
        return self.baseline + lag + 1


@dataclass(frozen=True)
class EarsResult:
    """One entry per window; NaN where ``reason`` is not 0."""

    observed: Floats
    expected: Floats  # baseline mean
    upper: Floats
    score: Floats  # statistic / threshold: > 1 means above the threshold
    enough_cases: Bools
    alarm: Bools
    reason: NDArray[np.int8]


def ears(
    windows: Floats, config: EarsConfig | None = None, exposure: Floats | None = None
) -> EarsResult:
    """Judge the last week of each row of ``windows`` (``(N, >= weeks_needed)``, NaN = missing).

    With ``exposure`` (units in service, same shape) earlier weeks are scaled to the evaluated
    week's exposure, so the statistic compares rates: a new product's cases grow with its
    sales, and that is no outbreak.
    """
    config = config or EarsConfig()
    if windows.ndim != 2 or windows.shape[1] < config.weeks_needed:
        raise ValueError(f"windows need at least {config.weeks_needed} weeks")
    raw = np.where(windows >= 0, windows, np.nan)
    counts, exposure_ok = _scaled(raw, exposure)
    y = counts[:, -1]
    lag = 0 if config.method is EarsMethod.C1 else 2
    mean, sd, ok = _baseline(counts, lag, config)
    thr = config.threshold
    if config.method is EarsMethod.C3:
        upper, stat = _c3(counts, config, thr)
        ok &= np.isfinite(stat)
    else:
        upper = mean + thr * sd
        stat = (y - mean) / sd
    reason = np.zeros(y.shape[0], dtype=np.int8)
    reason[~ok] = REASON_CODES.index(Reason.TOO_MANY_GAPS)
    reason[ok & (np.nansum(counts, axis=1) == 0)] = REASON_CODES.index(Reason.ZEROS_ONLY)
    reason[~np.isfinite(raw[:, -1])] = REASON_CODES.index(Reason.MISSING_CURRENT)
    reason[~exposure_ok] = REASON_CODES.index(Reason.MISSING_EXPOSURE)
    judged = reason == 0
    recent = np.nansum(raw[:, -config.min_cases_weeks :], axis=1)
    enough = judged & (recent >= config.min_cases)
    alarm = enough & (stat > thr) & (np.nan_to_num(y) > 0)
    nan = np.where(judged, 1.0, np.nan)
    return EarsResult(
        observed=y.copy(),
        expected=np.nan_to_num(mean) * nan,
        upper=np.nan_to_num(upper) * nan,
        score=np.nan_to_num(stat / thr) * nan,
        enough_cases=enough,
        alarm=alarm,
        reason=reason,
    )


def _scaled(counts: Floats, exposure: Floats | None) -> tuple[Floats, Bools]:
    """Counts in units of the evaluated week's exposure; whether that exposure is usable."""
    if exposure is None:
        return counts, np.ones(counts.shape[0], dtype=bool)
    if exposure.shape != counts.shape:
        raise ValueError("exposure must have the shape of windows")
    usable = np.isfinite(exposure) & (exposure > 0)
    scale = np.where(usable, exposure[:, -1:] / np.where(usable, exposure, 1.0), np.nan)
    return counts * scale, usable[:, -1]


def _baseline(counts: Floats, lag: int, config: EarsConfig) -> tuple[Floats, Floats, Bools]:
    """Mean and SD (floored at ``min_sigma``) of the baseline weeks before each evaluated week."""
    end = counts.shape[1] - 1 - lag
    ref = counts[:, end - config.baseline : end]
    n = np.isfinite(ref).sum(axis=1)
    ok = n >= max(config.min_observed, 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(np.where(ok[:, None], ref, 0.0), axis=1)
        sd = np.nanstd(np.where(ok[:, None], ref, 0.0), axis=1, ddof=1)
    return mean, np.maximum(np.nan_to_num(sd), max(config.min_sigma, 1e-6)), ok


def _c3(counts: Floats, config: EarsConfig, thr: float) -> tuple[Floats, Floats]:
    """C3 = sum over the last 3 weeks of max(0, C2 - 1), and the count that would reach thr."""
    parts = []
    for back in (2, 1, 0):
        window = counts[:, : counts.shape[1] - back]
        mean, sd, _ = _baseline(window, 2, config)
        parts.append((window[:, -1], mean, sd))
    lags = sum(np.maximum(0.0, np.nan_to_num((y - m) / s) - 1.0) for y, m, s in parts[:2])
    y, mean, sd = parts[2]
    stat = lags + np.maximum(0.0, (y - mean) / sd - 1.0)
    # The count at which C3 reaches the threshold; 0 once the two earlier weeks alone reach it.
    upper = np.where(lags < thr, mean + sd * (1.0 + thr - lags), 0.0)
    return np.maximum(upper, 0.0), np.asarray(stat, dtype=np.float64)
