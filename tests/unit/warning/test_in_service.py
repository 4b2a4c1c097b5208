"""Weekly totals to detector input: units in service, where a series begins, counts alone."""

from __future__ import annotations

from datetime import date

import numpy as np

from aftersales.warning import SeriesKey, weekly_counts

FIRST = date(2026, 1, 5)
KEYS = [SeriesKey("heater", "CN-BJ", "h1"), SeriesKey("heater", "CN-SH", "h1")]
NAN = np.nan


def test_exposure_is_the_units_sold_over_the_last_weeks_including_those_before_the_history() -> (
    None
):
    # Two lead weeks (sales before the history), then four weeks.
    cases = np.array([[0, 0, 1, 2, 0, 3], [0, 0, 0, 0, 0, 0]], dtype=float)
    units = np.array([[10, 20, 30, 0, 0, 40], [0, 5, 0, 0, 0, 0]], dtype=float)

    built = weekly_counts(KEYS, FIRST, cases, units, lead=2, service_weeks=3)

    assert built.data.counts.tolist() == [[1, 2, 0, 3], [0, 0, 0, 0]]
    assert built.data.exposure is not None
    # h1 @ CN-BJ: 10+20+30, 20+30+0, 30+0+0, 0+0+40. CN-SH sold 5 units before the history,
    # out of service by its last week: that series is judged on counts alone (exposure 1).
    assert built.data.exposure[0].tolist() == [60, 50, 30, 40]
    assert built.data.exposure[1].tolist() == [1, 1, 1, 1]
    assert built.weighed.tolist() == [True, False]


def test_a_week_with_no_unit_in_service_is_left_out_not_taken_as_zero() -> None:
    cases = np.array([[1, 0, 0, 0, 2]], dtype=float)
    units = np.array([[4, 0, 0, 0, 6]], dtype=float)

    built = weekly_counts(KEYS[:1], FIRST, cases, units, lead=0, service_weeks=2)

    assert built.data.exposure is not None
    assert np.array_equal(built.data.exposure[0], [4, 4, NAN, NAN, 6], equal_nan=True)
    assert np.array_equal(built.data.counts[0], [1, 0, 0, 0, 2])


def test_negative_units_stay_negative_so_the_detector_can_name_the_error() -> None:
    cases = np.array([[1, 1, 1]], dtype=float)
    units = np.array([[5, -9, 5]], dtype=float)

    built = weekly_counts(KEYS[:1], FIRST, cases, units, lead=0, service_weeks=1)

    assert built.data.exposure is not None
    assert built.data.exposure[0].tolist() == [5, -9, 5]


def test_without_exposure_weeks_the_counts_stand_alone() -> None:
    cases = np.array([[0, 0, 2, 1]], dtype=float)

    built = weekly_counts(KEYS[:1], FIRST, cases, np.ones((1, 4)), lead=0, service_weeks=0)

    assert built.data.exposure is None and built.weighed.tolist() == [False]
    assert np.array_equal(built.data.counts[0], [NAN, NAN, 2, 1], equal_nan=True)
