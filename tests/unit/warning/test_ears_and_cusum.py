"""EARS for new series and the CUSUM for slow rises: the basics."""

from __future__ import annotations

import numpy as np

from aftersales.warning import (
    CusumConfig,
    EarsConfig,
    EarsMethod,
    Reason,
    cusum,
    ears,
)
from aftersales.warning.reasons import REASON_CODES
from aftersales.warning.windows import sliding

Z = 3.090232306167813  # the 0.999 normal quantile: R's default for C1 and C2


def test_c1_compares_the_week_with_mean_and_sd_of_the_seven_before() -> None:
    w = np.array([[4, 6, 5, 7, 5, 4, 6, 20.0]])
    res = ears(w, EarsConfig(method=EarsMethod.C1))
    base = w[0, :7]
    assert res.expected[0] == base.mean()
    assert np.isclose(res.upper[0], base.mean() + Z * base.std(ddof=1))
    assert res.alarm[0]


def test_c2_leaves_a_two_week_gap_so_a_growing_outbreak_does_not_hide_itself() -> None:
    w = np.array([[4, 6, 5, 7, 5, 4, 6, 15, 18, 20.0]])
    c1 = ears(w, EarsConfig(method=EarsMethod.C1))
    c2 = ears(w, EarsConfig(method=EarsMethod.C2))
    assert not c1.alarm[0]  # the first outbreak weeks sit in C1's baseline
    assert c2.alarm[0] and c2.expected[0] == w[0, :7].mean()


def test_c3_adds_up_excess_over_three_weeks() -> None:
    w = np.array([[3, 7, 4, 8, 3, 7, 5, 3, 7, 4, 10, 10, 10.0]])
    c3 = ears(w, EarsConfig(method=EarsMethod.C3))
    c2 = ears(w, EarsConfig(method=EarsMethod.C2))
    assert c3.alarm[0] and not c2.alarm[0]


def test_ears_needs_enough_weeks_and_says_why_it_cannot_judge() -> None:
    w = np.array([[np.nan] * 7 + [1, 2, 3.0], [0.0] * 10, [1, 2, 3, 4, 5, 6, 7, 8, 9, np.nan]])
    res = ears(w, EarsConfig(method=EarsMethod.C1))
    reasons = [REASON_CODES[int(r)] for r in res.reason]
    assert reasons == [Reason.TOO_MANY_GAPS, Reason.ZEROS_ONLY, Reason.MISSING_CURRENT]
    assert not res.alarm.any()


def test_a_handful_of_cases_never_alarms() -> None:
    w = np.array([[0, 0, 0, 0, 0, 0, 0, 0, 0, 3.0]])
    res = ears(w, EarsConfig(method=EarsMethod.C2))
    assert res.reason[0] == 0 and res.score[0] > 1 and not res.alarm[0]


def test_ears_with_exposure_compares_rates_so_a_sales_ramp_is_no_outbreak() -> None:
    units = np.array([[100, 120, 150, 190, 240, 300, 380, 480, 600, 750.0]])
    cases = units / 10 + np.array([[1, -1, 0, 1, -1, 0, 1, -1, 0, 0]])
    assert ears(cases, EarsConfig()).alarm[0]  # counts alone: a rise
    by_rate = ears(cases, EarsConfig(), units)
    assert by_rate.reason[0] == 0 and not by_rate.alarm[0]
    assert by_rate.observed[0] == cases[0, -1]
    units[0, -1] = np.nan
    missing = ears(cases, EarsConfig(), units)
    assert REASON_CODES[int(missing.reason[0])] is Reason.MISSING_EXPOSURE


def _weekly(n: int, weeks: int, mean: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(weeks)
    return rng.poisson(mean * np.exp(0.3 * np.sin(2 * np.pi * t / 52)), size=(n, weeks)) * 1.0


def test_cusum_finds_a_sustained_30_percent_rise_that_no_single_week_shows() -> None:
    weeks = 182 + 15
    w = _weekly(200, weeks, 20.0, seed=4)
    lifted = w.copy()
    lifted[:, -16:] = _weekly(200, weeks, 26.0, seed=5)[:, -16:]
    ends = np.arange(weeks - 16, weeks)
    calm = cusum(sliding(w, ends, 182)).alarm.reshape(200, 16)
    rise = cusum(sliding(lifted, ends, 182))
    assert calm.any(axis=1).mean() < 0.15
    assert rise.alarm.reshape(200, 16).any(axis=1).mean() > 0.6
    hit = rise.alarm
    assert (rise.observed[hit] > rise.expected[hit]).all() and (rise.run_weeks[hit] > 1).all()


def test_cusum_false_alarms_are_rare_on_stable_series() -> None:
    res = cusum(_weekly(500, 182, 5.0, seed=6), CusumConfig())
    assert (res.reason == 0).all()
    assert res.alarm.mean() < 0.02


def test_cusum_reports_reasons_for_unusable_series() -> None:
    w = _weekly(3, 182, 5.0, seed=7)
    w[0] = 0.0
    w[1, -1] = np.nan
    e = np.full_like(w, 100.0)
    e[2, -1] = np.nan
    res = cusum(w, exposure=e)
    reasons = [REASON_CODES[int(r)] for r in res.reason]
    assert reasons == [Reason.ZEROS_ONLY, Reason.MISSING_CURRENT, Reason.MISSING_EXPOSURE]
    assert not res.alarm.any()
