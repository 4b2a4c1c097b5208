"""The parameters of a simulation run, checked before anything is generated or written.

A run covers whole CST days from ``start``; ``end`` may cut its last day short (the demo runs up
to the present moment). Assessment cycles are calendar months (the scoring calendar): a cycle is
complete when the run has passed its last day.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aftersales.errors import Text, ValidationFailed
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
            _out_of_range(name, getattr(self, name))
            for name in LIMITS
            if name not in ("days", "cycles") and not _within(name, getattr(self, name))
        ]
        if self.end.tzinfo is None:
            problems.append(Text("the end of a run is an aware moment", "模拟的结束时间须带时区"))
        elif self.end <= day_start(self.start):
            problems.append(
                Text("the run must end after it starts", "模拟的结束时间须晚于开始时间")
            )
        elif self.days > LIMITS["days"][1]:
            most = f"{LIMITS['days'][1]:,}"
            problems.append(Text(f"a run lasts at most {most} days", f"一次模拟最多 {most} 天"))
        if problems:
            raise _refused(problems)

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
        problems.append(
            Text("give --days or --cycles, not both", "--days 和 --cycles 只能给出其一")
        )
    for name, value in (("days", days), ("cycles", cycles)):
        if value is not None and not _within(name, value):
            problems.append(_out_of_range(f"--{name}", value, name))
    if problems:
        raise _refused(problems)
    if cycles is not None:
        first = start or _months_back(today.replace(day=1), cycles)
        if start is not None and start.day != 1:
            raise ValidationFailed(
                Text(
                    "a run of whole cycles starts on the first day of a month",
                    "按整个考核周期模拟时，须从某月的 1 日开始",
                )
            )
        return first, day_start(_months_back(first, -cycles))
    span = days if days is not None else 30
    first = start or today - timedelta(days=span)
    return first, day_start(first + timedelta(days=span))


def _within(name: str, value: int) -> bool:
    low, high = LIMITS[name]
    return low <= value <= high


def _out_of_range(shown: str, value: int, name: str | None = None) -> Text:
    """``shown`` (a field, or a command-line option) outside the limits of ``name``."""
    low, high = LIMITS[name or shown]
    return Text(
        f"{shown} must be between {low:,} and {high:,} (got {value:,})",
        f"{shown} 须在 {low:,} 到 {high:,} 之间（实际为 {value:,}）",
    )


def _refused(problems: list[Text]) -> ValidationFailed:
    """Every problem in one refusal; ``errors`` lists them in English, as before."""
    text = Text("; ".join(p.en for p in problems), "；".join(p.zh for p in problems))
    return ValidationFailed(text, errors=[p.en for p in problems])


def _months_back(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)
