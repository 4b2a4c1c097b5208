"""Nonsense parameters are refused with every problem named, before anything runs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from aftersales.errors import ValidationFailed
from aftersales.simulation import SimulationParams, day_start, plan_span

_END = datetime(2026, 12, 1, tzinfo=UTC)


def _params(**changes: object) -> SimulationParams:
    values: dict[str, object] = {
        "seed": 1,
        "merchants": 10,
        "consumers": 100,
        "orders_per_day": 50,
        "start": date(2026, 11, 1),
        "end": _END,
    }
    return SimulationParams(**(values | changes))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"merchants": -5}, "merchants must be between 1 and 100,000 (got -5)"),
        ({"consumers": 0}, "consumers must be between 1"),
        ({"orders_per_day": 0}, "orders_per_day must be between 1"),
        ({"seed": -1}, "seed must be between 0"),
        ({"end": datetime(2026, 10, 1, tzinfo=UTC)}, "the run must end after it starts"),
    ],
)
def test_nonsense_is_refused_with_a_clear_message(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationFailed, match=message.replace("(", r"\(").replace(")", r"\)")):
        _params(**changes)


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(ValidationFailed) as caught:
        _params(merchants=0, consumers=-1)
    assert len(caught.value.extra["errors"]) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"days": 0, "cycles": None}, "--days must be between 1"),
        ({"days": None, "cycles": 0}, "--cycles must be between 1"),
        ({"days": 3, "cycles": 2}, "give --days or --cycles, not both"),
        ({"days": None, "cycles": 2, "start": date(2026, 3, 5)}, "first day of a month"),
    ],
)
def test_spans_that_make_no_sense_are_refused(kwargs: dict[str, object], message: str) -> None:
    args = {"start": None, "today": date(2026, 11, 29)} | kwargs
    with pytest.raises(ValidationFailed, match=message):
        plan_span(**args)  # type: ignore[arg-type]


def test_cycles_are_whole_months_ending_before_the_current_one() -> None:
    first, end = plan_span(days=None, cycles=3, start=None, today=date(2026, 11, 29))
    assert first == date(2026, 8, 1)
    assert end == day_start(date(2026, 11, 1))
    params = _params(start=first, end=end)
    assert params.cycle_ends() == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    assert params.days == 92


def test_days_end_today_by_default() -> None:
    first, end = plan_span(days=10, cycles=None, start=None, today=date(2026, 11, 29))
    assert (first, end) == (date(2026, 11, 19), day_start(date(2026, 11, 29)))
