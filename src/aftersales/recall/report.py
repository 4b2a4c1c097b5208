"""The regulator's report on a recall, and the campaign's progress over time."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from aftersales.domain.snapshot import encode
from aftersales.recall.recall import Recall
from aftersales.recall.values import PartyTask, UnitState
from aftersales.recall.workdays import CST

__all__ = ["Counts", "ProgressPoint", "RecallReport", "progress"]


@dataclass(frozen=True, slots=True)
class Counts:
    """How far the campaign has come: every unit is notified; some responded; some remedied."""

    units: int = 0
    responded: int = 0  # units whose buyer chose a remedy (remedied ones included)
    remedied: int = 0

    @classmethod
    def of(cls, by_state: Mapping[UnitState, int]) -> Counts:
        remedied = by_state.get(UnitState.REMEDIED, 0)
        responded = by_state.get(UnitState.RESPONDED, 0) + remedied
        return cls(sum(by_state.values()), responded, remedied)

    @property
    def notified(self) -> int:
        return self.units

    @property
    def completion_rate(self) -> float:
        """Remedied units over affected units; 0 for a campaign without units."""
        return round(self.remedied / self.units, 4) if self.units else 0.0


@dataclass(frozen=True, slots=True)
class ProgressPoint:
    day: date  # a calendar day in China Standard Time; the counts stand at its end
    notified: int
    responded: int
    remedied: int
    completion_rate: float


def progress(
    units: int,
    launched: datetime,
    responded: Iterable[datetime],
    remedied: Iterable[datetime],
    until: datetime,
    *,
    step_days: int = 1,
) -> list[ProgressPoint]:
    """The campaign day by day (every ``step_days``) from its launch to ``until``."""
    first, last = launched.astimezone(CST).date(), until.astimezone(CST).date()
    answered = sorted(t.astimezone(CST).date() for t in responded)
    done = sorted(t.astimezone(CST).date() for t in remedied)
    points = []
    day = first
    while day <= last:
        n_done = _upto(done, day)
        rate = round(n_done / units, 4) if units else 0.0
        points.append(ProgressPoint(day, units, _upto(answered, day), n_done, rate))
        day += timedelta(days=step_days)
    return points


def _upto(days: list[date], day: date) -> int:
    return bisect_right(days, day)


@dataclass(frozen=True, slots=True)
class RecallReport:
    """What the regulator is told: what, why, how many, what is offered, by when."""

    recall: Recall
    product_name: str
    brand: str | None
    counts: Counts
    points: list[ProgressPoint]
    generated_at: datetime

    def summary(self) -> dict[str, Any]:
        """The one-row summary, in the order the CSV columns are written."""
        r, c = self.recall, self.counts
        return {
            "recall_id": r.id,
            "state": r.state.value,
            "product_id": r.product_id,
            "product_name": self.product_name,
            "brand": self.brand,
            "merchant_id": r.merchant_id,
            "batches": " ".join(r.batches),
            "regions": " ".join(r.scope.regions) if r.scope else "",
            "hazard": r.hazard,
            "trigger": r.trigger.value,
            "safety_reports": len(r.case_ids),
            "units_affected": c.units,
            "pieces_affected": r.pieces,
            "consumers_notified": r.consumers,
            "units_notified": c.notified,
            "units_responded": c.responded,
            "units_remedied": c.remedied,
            "completion_rate": c.completion_rate,
            "remedies_offered": " ".join(r.remedies),
            "opened_at": encode(r.opened_at),
            "decided_at": encode(r.decided_at),
            "launched_at": encode(r.launched_at),
            "generated_at": encode(self.generated_at),
        }

    def to_dict(self) -> dict[str, Any]:
        """The whole report as JSON-ready data: the summary, the scope, tasks and progress."""
        r = self.recall
        return self.summary() | {
            "batches": list(r.batches),
            "regions": list(r.scope.regions) if r.scope else [],
            "remedies_offered": [m.value for m in r.remedies],
            "scope": r.scope.encode() if r.scope else None,
            "dismissal_reason": r.dismissal_reason,
            "tasks": [_task(t, self.generated_at) for t in r.tasks],
            "progress": [_point(p) for p in self.points],
        }


def _task(task: PartyTask, now: datetime) -> dict[str, Any]:
    return {
        "id": task.id,
        "party": task.party.value,
        "action": task.action,
        "due": encode(task.due),
        "done_at": encode(task.done_at),
        "overdue": task.overdue(now),
    }


def _point(p: ProgressPoint) -> dict[str, Any]:
    return {
        "day": p.day.isoformat(),
        "notified": p.notified,
        "responded": p.responded,
        "remedied": p.remedied,
        "completion_rate": p.completion_rate,
    }
