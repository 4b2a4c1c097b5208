"""The configurable terms of the emergency plan: the cluster rule and the parties' deadlines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aftersales.recall.values import Party, PartyTask
from aftersales.recall.workdays import add_working_days

__all__ = ["REVIEW_TASK", "ClusterRule", "RecallTerms", "TaskTemplate"]


@dataclass(frozen=True, slots=True)
class ClusterRule:
    """Open a review once this many safety reports name the same batch (or, for lines without
    a batch, the same product) within the window, even when each alone was unsure."""

    reports: int = 3
    window: timedelta = timedelta(days=7)

    def __post_init__(self) -> None:
        if self.reports < 1 or self.window <= timedelta(0):
            raise ValueError("the cluster rule needs at least one report and a positive window")

    def reached(self, reports_in_window: int) -> bool:
        return reports_in_window >= self.reports

    def since(self, now: datetime) -> datetime:
        """The start of the window that ends now."""
        return now - self.window


@dataclass(frozen=True, slots=True)
class TaskTemplate:
    """A task every confirmed recall gives one party, due some working days after confirming."""

    id: str
    party: Party
    action: str
    working_days: int

    def task(self, confirmed_at: datetime) -> PartyTask:
        return PartyTask(
            self.id, self.party, self.action, add_working_days(confirmed_at, self.working_days)
        )


# The regulator's 2 working days are the platform's commitment (docs/recalls.md); the others
# are defaults an operator may change. Each runs from the moment the recall is confirmed.
_CONFIRMED_TASKS: tuple[TaskTemplate, ...] = (
    TaskTemplate("merchant.withdraw", Party.MERCHANT, "withdraw the affected stock from sale", 1),
    TaskTemplate(
        "logistics.intercept", Party.LOGISTICS, "stop and return affected parcels in transit", 1
    ),
    TaskTemplate("regulator.report", Party.REGULATOR, "file the recall report", 2),
    TaskTemplate(
        "brand.remedy_plan", Party.BRAND, "send the root cause and the remedy supply plan", 5
    ),
)


REVIEW_TASK = "platform.assess"  # done by the decision itself, confirmed or dismissed


@dataclass(frozen=True, slots=True)
class RecallTerms:
    """Everything an operator may tune about the emergency plan."""

    cluster: ClusterRule = field(default_factory=ClusterRule)
    # The platform safety team assesses a new review within these hours (the safety queue SLA).
    safety_review_hours: float = 4
    confirmed_tasks: Sequence[TaskTemplate] = _CONFIRMED_TASKS

    def safety_review_task(self, opened_at: datetime) -> PartyTask:
        due = opened_at + timedelta(hours=self.safety_review_hours)
        return PartyTask(REVIEW_TASK, Party.PLATFORM, "assess the hazard and decide", due)

    def tasks_on_confirm(self, confirmed_at: datetime) -> list[PartyTask]:
        return [t.task(confirmed_at) for t in self.confirmed_tasks]
