"""The parameters of a simulation run, checked before anything is generated or written.

A run covers whole CST days from ``start``; ``end`` may cut its last day short (the demo runs up
to the present moment). Assessment cycles are calendar months (the scoring calendar): a cycle is
complete when the run has passed its last day.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aftersales.errors import ValidationFailed
from aftersales.simulation.calendar import CST, day_start

__all__ = ["LIMITS", "SimulationParams", "month_starts", "plan_span"]

# name: (least, most) of each count a run accepts.
LIMITS: dict[str, tuple[int, int]] = {
    "merchants": (1, 100_000),
    "consumers": (1, 10_000_000),
    "orders_per_day": (1, 1_000_000),
    "days": (1, 3_660),
    "cycles": (1, 120),
    "seed": (0, 2**63 - 1),
}


@dataclass(frozen=True, slots=True)
class SimulationParams:
    seed: int
    merchants: int
    consumers: int
    orders_per_day: int
    start: date  # first simulated day (CST)
    end: datetime  # the simulated clock stops here (aware)
    # The platform's weekly check between cycles (it can only lower tiers). Off, only the
    # monthly cycles assess: a what-if, and a quicker run where the weeks do not matter.
    weekly_checks: bool = True

    def __post_init__(self) -> None:
        problems = [
            f"{name} must be between {low:,} and {high:,} (got {getattr(self, name):,})"
            for name, (low, high) in LIMITS.items()
            if name not in ("days", "cycles") and not low <= getattr(self, name) <= high
        ]
        if self.end.tzinfo is None:
            problems.append("the end of a run is an aware moment")
        elif self.end <= day_start(self.start):
            problems.append("the run must end after it starts")
        elif self.days > LIMITS["days"][1]:
            problems.append(f"a run lasts at most {LIMITS['days'][1]:,} days")
        if problems:
            raise ValidationFailed("; ".join(problems), errors=problems)

    @property
    def days(self) -> int:
        """Simulated days, the last one counted even if the run stops part-way through it."""
        seconds = (self.end - day_start(self.start)).total_seconds()
        return max(1, int(-(-seconds // 86400)))

    def cycle_ends(self) -> list[date]:
        """The first day after each assessment cycle (month) the run completes."""
        last = self.end.astimezone(CST)
        return [m for m in month_starts(self.start, last.date()) if day_start(m) <= self.end]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"] = self.start.isoformat()
        data["end"] = self.end.astimezone(UTC).isoformat()
        return data


def month_starts(first: date, last: date) -> list[date]:
    """The first days of months after ``first`` up to ``last`` (included)."""
    found = []
    month = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
    while month <= last:
        found.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return found


def plan_span(
    *, days: int | None, cycles: int | None, start: date | None, today: date
) -> tuple[date, datetime]:
    """First day and end of a run from ``--days`` or ``--cycles`` and an optional start.

    Without a start, a run of days ends at today's start and a run of cycles is the last
    ``cycles`` whole months before the current one."""
    problems = []
    if days is not None and cycles is not None:
        problems.append("give --days or --cycles, not both")
    for name, value in (("days", days), ("cycles", cycles)):
        low, high = LIMITS[name]
        if value is not None and not low <= value <= high:
            problems.append(f"--{name} must be between {low:,} and {high:,} (got {value:,})")
    if problems:
        raise ValidationFailed("; ".join(problems), errors=problems)
    if cycles is not None:
        first = start or _months_back(today.replace(day=1), cycles)
        if start is not None and start.day != 1:
            raise ValidationFailed("a run of whole cycles starts on the first day of a month")
        return first, day_start(_months_back(first, -cycles))
    span = days if days is not None else 30
    first = start or today - timedelta(days=span)
    return first, day_start(first + timedelta(days=span))


def _months_back(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)
