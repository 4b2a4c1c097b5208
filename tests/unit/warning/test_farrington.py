"""The improved Farrington method: its reference weeks, its threshold, and awkward input."""

from __future__ import annotations

import numpy as np
import pytest

from aftersales.warning import FarringtonConfig, Reason, farrington_flexible
from aftersales.warning.farrington import layout
from aftersales.warning.reasons import REASON_CODES

CFG = FarringtonConfig()
SPAN = layout(CFG).span


def _windows(n: int = 50, level: float = 20.0, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(SPAN + 1)
    return rng.poisson(level * np.exp(0.3 * np.cos(2 * np.pi * t / 52)), size=(n, t.size)) * 1.0


def _reason(res: object, i: int) -> Reason | None:
    return REASON_CODES[int(res.reason[i])]  # type: ignore[attr-defined]


def test_reference_weeks_are_five_years_minus_the_last_26_weeks() -> None:
    lay = layout(CFG)
    assert lay.span == 52 * 5 + 3
    assert lay.offsets.min() == -lay.span and lay.offsets.max() == -27
    assert lay.offsets.size == lay.span - 26  # every week from the first to t - 27
    # The evaluated week's season: 7 weeks around the same week of each earlier year.
    own = np.sort(lay.offsets[lay.levels == 10])
    assert own.size == 5 * 7 and set(own[:7]) == set(range(-263, -256))
    # Nine blocks of 5 weeks between the windows, levels 1..9; the last year's later blocks
    # fall in the 26 weeks left out.
    assert np.bincount(lay.levels)[1:].tolist() == [25, 25, 25, 25, 22, 20, 20, 20, 20, 35]


def test_score_is_above_one_exactly_when_the_count_exceeds_the_threshold() -> None:
    w = _windows()
    w[:, -1] += np.arange(w.shape[0])  # from ordinary to far above normal
    res = farrington_flexible(w, CFG)
    judged = res.reason == 0
    assert judged.all()
    assert ((res.score > 1) == (res.observed > res.upper)).all()
    assert (res.alarm == ((res.observed > res.upper) & res.enough_cases)).all()
    assert res.alarm[-10:].all() and not res.alarm[:3].any()


def test_a_past_outbreak_is_down_weighted_so_it_does_not_raise_the_threshold() -> None:
    w = _windows(n=1)
    with_past = w.copy()
    with_past[0, 100:103] += 80  # an outbreak two years back
    plain, spiked = farrington_flexible(w, CFG), farrington_flexible(with_past, CFG)
    assert spiked.upper[0] <= plain.upper[0] + 2


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda w: w.__setitem__((0, slice(None)), 0.0), Reason.ZEROS_ONLY),
        (lambda w: w.__setitem__((0, -1), np.nan), Reason.MISSING_CURRENT),
        (lambda w: w.__setitem__((0, slice(0, -30)), np.nan), Reason.TOO_MANY_GAPS),
        (lambda w: w.__setitem__((0, slice(0, -1, 3)), np.nan), None),  # every third week
        (lambda w: w.__setitem__((0, 5), -3.0), None),  # a negative count is a missing week
    ],
    ids=["zeros", "no-current-count", "mostly-missing", "gaps", "negative-count"],
)
def test_awkward_series_get_a_reason_or_a_verdict_never_nan(mutate, reason) -> None:  # type: ignore[no-untyped-def]
    w = _windows(n=3)
    mutate(w)
    res = farrington_flexible(w, CFG)
    assert _reason(res, 0) is reason
    if reason is None:
        assert np.isfinite([res.expected[0], res.upper[0], res.score[0], res.p_value[0]]).all()
    else:
        assert not res.alarm[0]
    assert (res.reason[1:] == 0).all()


def test_exposure_problems_are_reported_and_weeks_without_exposure_are_left_out() -> None:
    w = _windows(n=4)
    e = np.full_like(w, 500.0)
    e[0, -1] = np.nan
    e[1, 40] = -2.0
    e[2, -1] = 0.0
    e[3, :20] = np.nan  # unknown early on: those weeks are simply not used
    res = farrington_flexible(w, CFG, e)
    assert [_reason(res, i) for i in range(4)] == [
        Reason.MISSING_EXPOSURE,
        Reason.NEGATIVE_EXPOSURE,
        Reason.MISSING_EXPOSURE,
        None,
    ]


def test_the_minimum_count_rule_holds_back_alarms_on_sparse_series() -> None:
    w = np.zeros((1, SPAN + 1))
    w[0, ::40] = 1.0  # a case now and then
    w[0, -1] = 3.0  # far above normal, but only 3 cases in 4 weeks
    res = farrington_flexible(w, CFG)
    assert res.reason[0] == 0 and res.observed[0] > res.upper[0]
    assert not res.enough_cases[0] and not res.alarm[0]


def test_windows_of_the_wrong_length_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="windows must be"):
        farrington_flexible(np.zeros((2, 10)), CFG)
