"""Time as an injectable dependency, so tests and the simulator can move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Protocol

__all__ = ["CST", "Clock", "ManualClock", "SystemClock"]

# The marketplace's calendar (its days, weeks, months and working days): China Standard Time.
# China has one time zone and no daylight saving, so a fixed offset is exact.
CST = timezone(timedelta(hours=8), "CST")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that stands still until moved."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a clock keeps aware UTC time")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, moment: datetime) -> None:
        self._now = moment
