"""When buyers buy: the week, the shopping festivals, the Spring Festival lull, the hours.

Days are China Standard Time calendar days; the simulation starts each day at CST midnight.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import numpy as np

from aftersales.domain.clock import CST

__all__ = ["CST", "HOUR_SHARE", "day_start", "demand_factor"]


# Monday to Sunday: weekends sell more.
_WEEKDAY = (0.95, 0.93, 0.95, 0.98, 1.03, 1.10, 1.06)
# Spring Festival (lunar new year's day): couriers stop and buyers are with their families.
_SPRING_FESTIVAL = {
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
    2029: date(2029, 2, 13),
    2030: date(2030, 2, 3),
}
# Buyers by hour of the day (CST): a late-morning hump, the lunch break, the evening peak.
_HOURS = np.array(
    [1.2, 0.6, 0.3, 0.2, 0.2, 0.3, 0.8, 1.6, 2.6, 3.6, 4.6, 4.6,
     4.8, 4.4, 4.2, 4.3, 4.2, 4.0, 4.2, 5.2, 6.6, 7.4, 6.8, 3.8]
)  # fmt: skip
HOUR_SHARE = _HOURS / _HOURS.sum()


def demand_factor(day: date) -> float:
    """Orders that day relative to an ordinary weekday-averaged day."""
    return _WEEKDAY[day.weekday()] * _festival(day)


def _festival(day: date) -> float:
    if (day.month, day.day) == (11, 11):
        return 3.0  # Singles' Day
    if day.month == 11 and day.day < 11:
        return 1.3  # its pre-sales
    if (day.month, day.day) == (6, 18):
        return 2.0
    if day.month == 6 and day.day < 18:
        return 1.15
    if (day.month, day.day) == (12, 12):
        return 1.5
    new_year = _SPRING_FESTIVAL.get(day.year)
    if new_year is not None and 0 <= (day - new_year).days < 7:
        return 0.5
    return 1.0


def day_start(day: date) -> datetime:
    """The UTC moment the CST day begins."""
    return datetime.combine(day, time(), CST).astimezone(UTC)
