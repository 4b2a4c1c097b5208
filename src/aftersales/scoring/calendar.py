"""The fixed assessment calendar: monthly periods, weekly checks, and the windows they look at.

A period is a calendar month in China Standard Time, named ``YYYY-MM`` (the exposure service's
cycles use the same calendar, so a tier and the enrolments it admits share one month). Its
cycle looks at the orders placed in the ``lookback`` days before the month closes (90 by
default), with everything that happened to them up to that moment. A weekly check is named by
its ISO week (``YYYY-Www``, Monday to Monday in China Standard Time) and looks at a shorter
window ending when the week closes.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from aftersales.domain.clock import CST
from aftersales.errors import Text, ValidationFailed

__all__ = ["CST", "Period", "Week", "last_closed_period", "last_closed_week"]


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def _at(day: date) -> datetime:
    return datetime.combine(day, time(), CST).astimezone(UTC)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """One calendar month of the assessment calendar."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _MONTH.match(text.strip())
        if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
            raise ValidationFailed(
                Text(
                    f"a period is a month written YYYY-MM (2026-11), not {text!r}",
                    f"考核周期按月计，须写作 YYYY-MM（如 2026-11），不能是 {text!r}",
                )
            )
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, moment: datetime) -> Period:
        local = moment.astimezone(CST)
        return cls(local.year, local.month)

    @property
    def name(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> datetime:
        return _at(date(self.year, self.month, 1))

    @property
    def end(self) -> datetime:
        """When the month closes: the first moment of the next one."""
        return self.next().start

    def next(self) -> Period:
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Period:
        return Period(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def check_closed(self, now: datetime) -> None:
        """Refuse a month that has not closed yet: its cycle would judge half a month."""
        if self.start > now:
            raise ValidationFailed(
                Text(f"period {self.name} is in the future", f"考核周期 {self.name} 尚未开始")
            )
        if self.end > now:
            closes = f"{self.end.astimezone(CST):%Y-%m-%d %H:%M}"
            raise ValidationFailed(
                Text(
                    f"period {self.name} is still open: it closes {closes} China Standard Time",
                    f"考核周期 {self.name} 尚未结束：将于 {closes}（北京时间）结束",
                )
            )


@dataclass(frozen=True, slots=True, order=True)
class Week:
    """One ISO week of the weekly check."""

    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> Week:
        match = _WEEK.match(text.strip())
        if match is None:
            raise ValidationFailed(
                Text(
                    f"a week is written YYYY-Www (2026-W48), not {text!r}",
                    f"周须写作 YYYY-Www（如 2026-W48），不能是 {text!r}",
                )
            )
        try:
            date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError as error:
            raise ValidationFailed(
                Text(f"there is no week {text}", f"不存在 {text} 这一周")
            ) from error
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, moment: datetime) -> Week:
        year, week, _ = moment.astimezone(CST).isocalendar()
        return cls(year, week)

    @property
    def name(self) -> str:
        return f"{self.year:04d}-W{self.week:02d}"

    @property
    def start(self) -> datetime:
        return _at(date.fromisocalendar(self.year, self.week, 1))

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=7)

    def check_closed(self, now: datetime) -> None:
        if self.end > now:
            raise ValidationFailed(
                Text(f"week {self.name} has not ended yet", f"{self.name} 这一周尚未结束")
            )


def last_closed_period(now: datetime) -> Period:
    """The most recent month that has closed by ``now``."""
    return Period.of(now).previous()


def last_closed_week(now: datetime) -> Week:
    """The most recent ISO week that has ended by ``now``."""
    return Week.of(Week.of(now).start - timedelta(days=1))
