"""Judging the latest week of every series: choose the detector, run it in batches, explain.

Each series gets the best detector its history allows:

* the improved Farrington method with as many years back (up to ``years_back``) as it has;
* EARS for a series younger than a year (or one the Farrington model cannot be fitted to);
* nothing, with the reason, when there is too little to judge.

The CUSUM runs besides, on every series with a year and a half of history, for slow rises.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
from numpy.typing import NDArray

from aftersales.warning.alerts import Alert, Assessment, Method, WeekCount
from aftersales.warning.cusum import CusumConfig, CusumResult, cusum
from aftersales.warning.ears import EarsConfig, EarsResult, ears
from aftersales.warning.farrington import FarringtonConfig, FarringtonResult, farrington_flexible
from aftersales.warning.reasons import REASON_CODES, Reason
from aftersales.warning.series import WeeklyCounts
from aftersales.warning.windows import sliding

__all__ = ["DetectionReport", "DetectorSettings", "detect"]

Floats = NDArray[np.float64]
Ints = NDArray[np.intp]


@dataclass(frozen=True)
class DetectorSettings:
    """Settings of every detector; ``cusum`` None switches the CUSUM off."""

    farrington: FarringtonConfig = field(default_factory=FarringtonConfig)
    ears: EarsConfig = field(default_factory=EarsConfig)
    cusum: CusumConfig | None = field(default_factory=CusumConfig)
    excerpt_weeks: int = 12


@dataclass(frozen=True)
class DetectionReport:
    """Everything one detection run found for one week."""

    week: date
    assessments: tuple[Assessment, ...]  # one per series (its main detector) + CUSUM verdicts
    alerts: tuple[Alert, ...]

    def reasons(self) -> dict[Reason, int]:
        """How many main assessments could not be made (or were held back), by reason."""
        counts: dict[Reason, int] = {}
        for a in self.assessments:
            if a.reason is not None and a.method is not Method.CUSUM:
                counts[a.reason] = counts.get(a.reason, 0) + 1
        return counts


def detect(
    data: WeeklyCounts, as_of: date, today: date, settings: DetectorSettings | None = None
) -> DetectionReport:
    """Judge the week containing ``as_of`` for every series of ``data``.

    ``today`` is passed in (this package reads no clock): a week that has not ended by today
    cannot be judged, since its count is still growing.
    """
    cfg = settings or DetectorSettings()
    t = data.week_index(as_of)
    week = data.week_start(t)
    n = len(data.keys)
    if (week - today).days > -7:
        return _nobody(data, week, Reason.FUTURE_DATE)
    if t >= data.weeks:
        return _nobody(data, week, Reason.MISSING_CURRENT)
    if t < 0:
        return _nobody(data, week, Reason.TOO_SHORT)
    ends = np.array([t])
    counts = data.counts[:, : t + 1]
    exposure = None if data.exposure is None else data.exposure[:, : t + 1]
    history = _history(counts, exposure)
    main = _Verdicts.empty(n)
    negative = np.zeros(n, dtype=bool)
    if exposure is not None:
        negative = np.asarray((np.nan_to_num(exposure) < 0).any(axis=1), dtype=bool)
    main.reason[negative] = REASON_CODES.index(Reason.NEGATIVE_EXPOSURE)
    _run_farrington(main, counts, exposure, history, ends, cfg.farrington, ~negative)
    _run_ears(main, counts, exposure, history, ends, cfg.ears, ~negative)
    side = _Verdicts.empty(n)
    if cfg.cusum is not None:
        _run_cusum(side, counts, exposure, history, ends, cfg.cusum, ~negative)
    return _report(data, t, week, main, side, cfg, history)


def _history(counts: Floats, exposure: Floats | None) -> Ints:
    """Weeks of history before the evaluated one, from the first week with a count."""
    seen = np.isfinite(counts)
    if exposure is not None:
        seen &= np.isfinite(exposure) & (exposure > 0)
    first = np.where(seen.any(axis=1), seen.argmax(axis=1), counts.shape[1] - 1)
    return np.asarray(counts.shape[1] - 1 - first, dtype=np.intp)


@dataclass
class _Verdicts:
    """Per-series figures of one kind of detector, filled in by the runners."""

    method: NDArray[np.object_]
    observed: Floats
    expected: Floats
    threshold: Floats
    score: Floats
    p_value: Floats
    run_weeks: NDArray[np.int64]
    window: NDArray[np.int64]  # weeks the detector read, the evaluated one included
    alarm: NDArray[np.bool_]
    enough: NDArray[np.bool_]
    reason: NDArray[np.int8]

    @classmethod
    def empty(cls, n: int) -> _Verdicts:
        nan = np.full(n, np.nan)
        return cls(
            np.full(n, None, dtype=object),
            nan.copy(),
            nan.copy(),
            nan.copy(),
            nan.copy(),
            nan.copy(),
            np.ones(n, dtype=np.int64),
            np.zeros(n, dtype=np.int64),
            np.zeros(n, bool),
            np.zeros(n, bool),
            np.full(n, REASON_CODES.index(Reason.TOO_SHORT), dtype=np.int8),
        )

    def fill(self, rows: Ints, method: Method, res: FarringtonResult | EarsResult) -> None:
        self.method[rows] = method
        self.observed[rows], self.expected[rows] = res.observed, res.expected
        self.threshold[rows], self.score[rows] = res.upper, res.score
        if isinstance(res, FarringtonResult):
            self.p_value[rows] = res.p_value
        self.alarm[rows], self.enough[rows], self.reason[rows] = (
            res.alarm,
            res.enough_cases,
            res.reason,
        )


def _run_farrington(
    v: _Verdicts,
    counts: Floats,
    exposure: Floats | None,
    history: Ints,
    ends: Ints,
    cfg: FarringtonConfig,
    eligible: NDArray[np.bool_],
) -> None:
    """Farrington with as many years back as each series has (grouped: one batch per b)."""
    years = np.minimum(cfg.years_back, (history - cfg.half_window) // cfg.freq)
    for b in range(1, cfg.years_back + 1):
        rows = np.nonzero(eligible & (years == b))[0]
        if rows.size == 0:
            continue
        sub = replace(cfg, years_back=b)
        span = sub.freq * b + sub.half_window + 1
        win_e = None if exposure is None else sliding(exposure[rows], ends, span)
        res = farrington_flexible(sliding(counts[rows], ends, span), sub, win_e)
        v.fill(rows, Method.FARRINGTON_FLEXIBLE, res)
        v.window[rows] = span


# Farrington verdicts that EARS may replace: the GLM could not speak, a simple baseline can.
_FALLBACK = {
    REASON_CODES.index(r) for r in (Reason.TOO_SHORT, Reason.TOO_MANY_GAPS, Reason.NO_CONVERGENCE)
}


def _run_ears(
    v: _Verdicts,
    counts: Floats,
    exposure: Floats | None,
    history: Ints,
    ends: Ints,
    cfg: EarsConfig,
    eligible: NDArray[np.bool_],
) -> None:
    zeros_with_cases = (v.reason == REASON_CODES.index(Reason.ZEROS_ONLY)) & (counts[:, -1] > 0)
    open_ = np.isin(v.reason, list(_FALLBACK)) | zeros_with_cases
    rows = np.nonzero(eligible & open_ & (history >= cfg.weeks_needed - 1))[0]
    if rows.size == 0:
        return
    win_e = None if exposure is None else sliding(exposure[rows], ends, cfg.weeks_needed)
    res = ears(sliding(counts[rows], ends, cfg.weeks_needed), cfg, win_e)
    method = {"C1": Method.EARS_C1, "C2": Method.EARS_C2, "C3": Method.EARS_C3}[cfg.method.value]
    v.fill(rows, method, res)
    v.window[rows] = cfg.weeks_needed


def _run_cusum(
    v: _Verdicts,
    counts: Floats,
    exposure: Floats | None,
    history: Ints,
    ends: Ints,
    cfg: CusumConfig,
    eligible: NDArray[np.bool_],
) -> None:
    """CUSUM on series with a year of baseline, grouped by whole years of baseline."""
    base_years = np.minimum(
        (history + 1 - cfg.monitor_weeks) // cfg.freq, cfg.max_baseline_weeks // cfg.freq
    )
    for years in range(1, cfg.max_baseline_weeks // cfg.freq + 1):
        rows = np.nonzero(eligible & (base_years == years))[0]
        if rows.size == 0:
            continue
        sub = replace(cfg, max_baseline_weeks=years * cfg.freq)
        length = sub.monitor_weeks + sub.max_baseline_weeks
        win_e = None if exposure is None else sliding(exposure[rows], ends, length)
        res: CusumResult = cusum(sliding(counts[rows], ends, length), sub, win_e)
        v.method[rows] = Method.CUSUM
        v.observed[rows], v.expected[rows] = res.observed, res.expected
        v.threshold[rows], v.score[rows] = cfg.h, res.score
        v.run_weeks[rows], v.alarm[rows] = np.maximum(res.run_weeks, 1), res.alarm
        v.window[rows] = length
        v.enough[rows], v.reason[rows] = res.enough_cases, res.reason


def _report(
    data: WeeklyCounts,
    t: int,
    week: date,
    main: _Verdicts,
    side: _Verdicts,
    cfg: DetectorSettings,
    history: Ints,
) -> DetectionReport:
    low = REASON_CODES.index(Reason.LOW_COUNT)
    for v in (main, side):
        # Judged, above the threshold, but too few cases: say so rather than stay silent.
        held = (v.reason == 0) & ~v.enough & (np.nan_to_num(v.score) > 1)
        v.reason[held] = low
    side_rows = [i for i, m in enumerate(side.method) if m is not None]
    excerpt_from = max(0, t + 1 - cfg.excerpt_weeks)
    assessments, alerts = [], []
    for v, rows in ((main, range(len(data.keys))), (side, side_rows)):
        for i in rows:
            a = _assessment(data, week, v, i, t - min(int(v.window[i]) - 1, int(history[i])))
            assessments.append(a)
            if a.alarm:
                alerts.append(Alert.from_assessment(a, _excerpt(data, i, excerpt_from, t)))
    return DetectionReport(week, tuple(assessments), tuple(alerts))


def _assessment(data: WeeklyCounts, week: date, v: _Verdicts, i: int, first: int) -> Assessment:
    reason = REASON_CODES[int(v.reason[i])]
    judged = reason is None or reason is Reason.LOW_COUNT
    # The weeks the detector read: its window, cut to where the series begins.
    window_from = data.week_start(first) if judged and v.window[i] > 0 else None
    return Assessment(
        key=data.keys[i],
        week=week,
        method=v.method[i],
        alarm=bool(v.alarm[i]),
        observed=_f(v.observed[i]) if judged else None,
        expected=_f(v.expected[i]) if judged else None,
        threshold=_f(v.threshold[i]) if judged else None,
        score=_f(v.score[i]) if judged else None,
        p_value=_f(v.p_value[i]) if judged else None,
        run_weeks=int(v.run_weeks[i]),
        reason=reason,
        window_from=window_from,
    )


def _excerpt(data: WeeklyCounts, row: int, start: int, end: int) -> tuple[WeekCount, ...]:
    return tuple(
        WeekCount(data.week_start(j), _f(data.counts[row, j])) for j in range(start, end + 1)
    )


def _f(x: float) -> float | None:
    return None if not np.isfinite(x) else float(x)


def _nobody(data: WeeklyCounts, week: date, reason: Reason) -> DetectionReport:
    return DetectionReport(
        week, tuple(Assessment(k, week, None, False, reason=reason) for k in data.keys), ()
    )
