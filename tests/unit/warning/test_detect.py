"""Detection over many series: method choice, bad input, alerts and their roll-up."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from aftersales.warning import (
    Alert,
    DetectionReport,
    Method,
    Reason,
    RollupLevel,
    SeriesKey,
    WeeklyCounts,
    detect,
    last_complete_week,
    rollup,
)

FIRST = date(2021, 1, 4)  # a Monday
WEEKS = 5 * 52 + 10


def _data(rows: dict[SeriesKey, np.ndarray], exposure: np.ndarray | None = None) -> WeeklyCounts:
    return WeeklyCounts(list(rows), FIRST, np.array(list(rows.values())), exposure)


def _series(mean: float = 10.0, seed: int = 0, weeks: int = WEEKS) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(weeks)
    return rng.poisson(mean * np.exp(0.4 * np.cos(2 * np.pi * t / 52))).astype(float)


def _run(data: WeeklyCounts, week: int = WEEKS - 1) -> DetectionReport:
    as_of = data.week_start(week) + timedelta(days=3)  # any day of the week will do
    return detect(data, as_of, today=data.week_start(week) + timedelta(days=7))


def _main(report: DetectionReport, key: SeriesKey):  # type: ignore[no-untyped-def]
    return next(a for a in report.assessments if a.key == key and a.method is not Method.CUSUM)


def _no_nan(report: DetectionReport) -> None:
    for a in report.assessments:
        for x in (a.observed, a.expected, a.threshold, a.score, a.p_value):
            assert x is None or math.isfinite(x)


def test_an_outbreak_raises_an_alert_that_explains_itself_in_both_languages() -> None:
    key = SeriesKey("heater", "north", "H-200")
    y = _series()
    y[-1] = 60
    report = _run(_data({key: y, SeriesKey("heater", "south"): _series(seed=1)}))
    alert = next(a for a in report.alerts if a.method is Method.FARRINGTON_FLEXIBLE)
    assert alert.key == key and alert.observed == 60 and alert.observed > alert.threshold
    assert alert.score > 1 and alert.p_value is not None and alert.p_value < 0.001
    assert "H-200 in north: 60 cases" in alert.explanation_en
    assert "north地区 H-200" in alert.explanation_zh and "60 单" in alert.explanation_zh
    assert len(alert.excerpt) == 12 and alert.excerpt[-1].count == 60
    assert alert.excerpt[-1].week == report.week


def test_each_series_gets_the_detector_its_history_allows() -> None:
    long, mid, young, baby = (SeriesKey("phone", r) for r in ("a", "b", "c", "d"))
    y_mid, y_young, y_baby = _series(seed=2), _series(seed=3), _series(seed=4)
    y_mid[: WEEKS - 2 * 52 - 10] = np.nan  # two years on sale
    y_young[: WEEKS - 20] = np.nan  # 20 weeks
    y_baby[: WEEKS - 5] = np.nan  # 5 weeks
    report = _run(_data({long: _series(seed=1), mid: y_mid, young: y_young, baby: y_baby}))
    assert _main(report, long).method is Method.FARRINGTON_FLEXIBLE
    assert _main(report, mid).method is Method.FARRINGTON_FLEXIBLE
    assert _main(report, young).method is Method.EARS_C2
    assert _main(report, baby).reason is Reason.TOO_SHORT
    cusum_keys = {a.key for a in report.assessments if a.method is Method.CUSUM}
    assert cusum_keys == {long, mid}


def test_bad_input_gives_a_reason_never_a_crash_or_nan() -> None:
    keys = [SeriesKey("sofa", f"r{i}") for i in range(7)]
    y = np.array([_series(seed=i) for i in range(7)])
    y[0] = 0.0  # zeros only
    y[1, :-1] = np.nan  # a single week of history
    y[2, ::4] = np.nan  # gaps
    y[3, -1] = np.nan  # no count this week
    e = np.full_like(y, 1000.0)
    e[4, 30] = -1.0  # negative exposure
    e[5, -1] = np.nan  # missing exposure this week
    report = _run(WeeklyCounts(keys, FIRST, y, e))
    reasons = [_main(report, k).reason for k in keys]
    assert reasons[:6] == [
        Reason.ZEROS_ONLY,
        Reason.TOO_SHORT,
        None,
        Reason.MISSING_CURRENT,
        Reason.NEGATIVE_EXPOSURE,
        Reason.MISSING_EXPOSURE,
    ]
    assert reasons[6] is None
    assert _main(report, keys[2]).expected is not None  # gaps are left out, not fatal
    _no_nan(report)
    assert all(r.en and r.zh for r in report.reasons())


@pytest.mark.parametrize(
    ("as_of", "today", "reason"),
    [
        (FIRST + timedelta(weeks=WEEKS - 1), FIRST + timedelta(weeks=WEEKS - 1, days=3), "future"),
        (FIRST + timedelta(weeks=WEEKS + 5), FIRST + timedelta(weeks=WEEKS + 9), "missing"),
        (FIRST - timedelta(weeks=2), FIRST + timedelta(weeks=WEEKS), "short"),
    ],
    ids=["week-not-over", "after-the-data", "before-the-data"],
)
def test_a_week_that_cannot_be_judged_says_so_for_every_series(
    as_of: date, today: date, reason: str
) -> None:
    data = _data({SeriesKey("tv", "x"): _series(), SeriesKey("tv", "y"): _series(seed=5)})
    report = detect(data, as_of, today)
    expected = {
        "future": Reason.FUTURE_DATE,
        "missing": Reason.MISSING_CURRENT,
        "short": Reason.TOO_SHORT,
    }[reason]
    assert [a.reason for a in report.assessments] == [expected, expected]
    assert report.alerts == ()


def test_a_one_case_series_never_alarms() -> None:
    y = np.zeros(WEEKS)
    y[-1] = 1.0
    y[100] = 1.0
    key = SeriesKey("lamp", "z")
    report = _run(_data({key: y}))
    assert report.alerts == ()
    assert _main(report, key).alarm is False


def test_a_new_problem_in_a_series_that_never_had_cases_is_still_caught() -> None:
    y = np.zeros(WEEKS)
    y[-2:] = [4.0, 9.0]
    key = SeriesKey("kettle", "east")
    report = _run(_data({key: y}))
    verdict = _main(report, key)
    assert verdict.method is Method.EARS_C2 and verdict.alarm


def test_last_complete_week_is_the_week_before_the_current_one() -> None:
    assert last_complete_week(FIRST, FIRST + timedelta(weeks=10, days=2)) == FIRST + timedelta(
        weeks=9
    )


def _alert(category: str, region: str, product: str, observed: float, score: float) -> Alert:
    return Alert(
        SeriesKey(category, region, product),
        FIRST,
        Method.FARRINGTON_FLEXIBLE,
        observed,
        observed / 3,
        observed / 2,
        score,
        0.001,
        1,
        (),
    )


def test_related_alerts_roll_up_by_category_and_region() -> None:
    alerts = [
        _alert("heater", "north", "H1", 30, 2.0),
        _alert("heater", "north", "H2", 12, 1.5),
        _alert("heater", "south", "H3", 9, 3.0),
        _alert("phone", "north", "P1", 50, 1.2),
    ]
    groups = rollup(alerts)
    assert [(g.category, g.region, g.series) for g in groups] == [
        ("heater", "north", 2),
        ("heater", "south", 1),
        ("phone", "north", 1),
    ]
    assert groups[0].observed == 42 and groups[0].top.key.product == "H1"
    assert "2 alerts in heater in north (2 series): 42 cases" in groups[0].explanation_en
    assert "north地区 heater 共 2 条预警" in groups[0].explanation_zh
    by_category = rollup(alerts, RollupLevel.CATEGORY)
    assert [(g.category, g.region, g.series) for g in by_category] == [
        ("heater", None, 3),
        ("phone", None, 1),
    ]
    by_region = rollup(alerts, RollupLevel.REGION)
    assert {(g.region, g.series) for g in by_region} == {("north", 3), ("south", 1)}


def test_weekly_counts_refuse_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match="keys"):
        WeeklyCounts([SeriesKey("a", "b")], FIRST, np.zeros((2, 10)))
    with pytest.raises(ValueError, match="exposure"):
        WeeklyCounts([SeriesKey("a", "b")], FIRST, np.zeros((1, 10)), np.zeros((1, 9)))
