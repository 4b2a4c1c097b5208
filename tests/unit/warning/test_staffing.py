"""Erlang C and A, the load forecast, and the daily staff plan."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from aftersales.warning import (
    DailyHistory,
    QueueModel,
    erlang_a,
    erlang_c,
    forecast_daily,
    plan_staff,
    staff_for_service_level,
)
from aftersales.warning.forecast import DailyForecast
from aftersales.warning.staffing import staff_forecast

# The worked example: 100 contacts per 30 minutes, 3 minutes each, 80 % answered in 20 s.
RATE, AHT, WITHIN = 100 / 1800, 180.0, 20.0


def test_the_worked_example_needs_14_agents_and_20_scheduled() -> None:
    res = staff_for_service_level(RATE, AHT, WITHIN, 0.8, shrinkage=0.3)
    assert (res.agents, res.scheduled) == (14, 20)
    assert res.p_wait == pytest.approx(0.1741319, abs=1e-7)
    assert res.service_level == pytest.approx(0.88835, abs=1e-5)
    assert res.mean_wait_seconds == pytest.approx(7.836, abs=1e-3)
    assert res.occupancy == pytest.approx(10 / 14)


def test_13_agents_fall_short_of_the_target() -> None:
    assert erlang_c(13, 10.0) > erlang_c(14, 10.0)
    res = staff_for_service_level(RATE, AHT, WITHIN, 0.795)
    assert res.agents == 13 and res.service_level == pytest.approx(0.79559, abs=1e-5)


def test_erlang_a_becomes_erlang_c_when_nobody_gives_up() -> None:
    patient = erlang_a(14, RATE, AHT, patience=1e9, within=WITHIN)
    assert patient.service_level == pytest.approx(0.88835, abs=1e-5)
    assert patient.p_abandon < 1e-6


def test_erlang_a_needs_fewer_agents_when_contacts_give_up() -> None:
    res = staff_for_service_level(RATE, AHT, WITHIN, 0.8, patience=120.0)
    assert res.agents == 12 and 0 < res.p_abandon < 0.1
    # A discrete-event simulation of M/M/12+M gives 0.822 answered in 20 s, 6.25 % abandoning.
    assert res.service_level == pytest.approx(0.8256, abs=1e-3)


def test_no_contacts_need_no_agents_and_bad_targets_are_refused() -> None:
    assert staff_for_service_level(0.0, AHT, WITHIN, 0.8).agents == 0
    with pytest.raises(ValueError, match="target"):
        staff_for_service_level(RATE, AHT, WITHIN, 1.2)


def _history(days: int = 800, seed: int = 0) -> DailyHistory:
    rng = np.random.default_rng(seed)
    first = date(2024, 1, 1)  # a Monday
    t = np.arange(days)
    weekday = (first.weekday() + t) % 7
    mu = 200 * np.exp(0.3 * np.cos(2 * np.pi * t / 365.25) + np.where(weekday == 0, 0.4, 0.0))
    return DailyHistory(first, rng.poisson(mu).astype(float))


def test_the_forecast_knows_mondays_are_busy_and_winter_is_busier() -> None:
    hist = _history()
    f = forecast_daily(hist, 14)
    assert f.first_day == hist.end and f.terms[:2] == ("day of week", "yearly season")
    mondays = [e for d, e in zip(f.days(), f.expected, strict=True) if d.weekday() == 0]
    others = [e for d, e in zip(f.days(), f.expected, strict=True) if d.weekday() != 0]
    assert min(mondays) > 1.3 * max(others)
    assert (f.upper >= f.expected).all() and np.isfinite(f.upper).all()


@pytest.mark.parametrize("counts", [[], [np.nan] * 20, [0.0] * 30, [3.0, 4.0]])
def test_a_forecast_from_too_little_history_is_flat_and_finite(counts: list[float]) -> None:
    f = forecast_daily(DailyHistory(date(2025, 1, 1), np.array(counts)), 7)
    assert f.expected.size == 7 and np.isfinite(f.expected).all() and np.isfinite(f.upper).all()
    assert np.ptp(f.expected) == 0


def test_the_plan_staffs_the_busiest_interval_of_each_day() -> None:
    # 24 hours of 100 contacts per 30 minutes: the worked example every interval.
    model = QueueModel(aht_seconds=AHT, answer_within_seconds=WITHIN, open_hours=(0, 24))
    flat = DailyForecast(date(2025, 3, 3), np.full(2, 4800.0), np.full(2, 4800.0), 0.8, 1.0, ())
    plan = staff_forecast(flat, model, region="north")
    assert [d.peak_agents for d in plan.days] == [14, 14]
    assert plan.days[0].peak_scheduled == 20
    assert plan.days[0].agent_hours == 14 * 24


def test_plan_staff_takes_its_history_from_any_source() -> None:
    asked: list[tuple[str, str | None]] = []

    def source(region: str, queue: str | None) -> DailyHistory:
        asked.append((region, queue))
        return _history(days=120)

    model = QueueModel(aht_seconds=300, answer_within_seconds=60)
    start = date(2024, 6, 1)
    plan = plan_staff(source, "south", 7, model, queue="repairs", start=start)
    assert asked == [("south", "repairs")]
    assert [d.day for d in plan.days] == [start + timedelta(days=i) for i in range(7)]
    assert all(d.peak_agents >= 1 and d.scheduled_hours > d.agent_hours for d in plan.days)
