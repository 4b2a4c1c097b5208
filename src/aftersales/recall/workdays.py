"""Working-day deadlines, counted in China Standard Time.

Deliberately simple: Monday to Friday are working days, and public holidays and the weekend
days China swaps for them (调休) are ignored. A deadline of N working days ends at midnight after
the Nth working day that follows the day of the start, so a recall confirmed on a Friday owes
its 2-working-day report by the end of Tuesday. A holiday calendar can replace this function
without touching its callers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from aftersales.domain.clock import CST

__all__ = ["CST", "add_working_days", "day_bounds"]

_SATURDAY = 5


def add_working_days(start: datetime, days: int) -> datetime:
    """The moment (UTC) at which ``days`` working days after ``start``'s day have passed."""
    if days < 1:
        raise ValueError("a working-day deadline needs at least one day")
    day = start.astimezone(CST).date()
    left = days
    while left:
        day += timedelta(days=1)
        if day.weekday() < _SATURDAY:
            left -= 1
    return _midnight_after(day)


def day_bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """The UTC half-open interval [start of ``first``, end of ``last``) of CST calendar days."""
    start = None if first is None else datetime.combine(first, time(), CST).astimezone(UTC)
    end = None if last is None else _midnight_after(last)
    return start, end


def _midnight_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), CST).astimezone(UTC)
