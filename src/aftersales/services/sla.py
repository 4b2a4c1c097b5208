"""The SLA sweep: applies every timeout that has come due, one case per transaction."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from aftersales.errors import Conflict
from aftersales.services import dispatch
from aftersales.services.context import Context

__all__ = ["SweepReport", "sweep"]


@dataclass
class SweepReport:
    cases: int = 0
    events: Counter[str] = field(default_factory=Counter)
    conflicts: int = 0


def sweep(ctx: Context, *, batch: int = 500) -> SweepReport:
    """Fire due timeouts: missed first responses, proposals that stand, overdue cases, closing."""
    report = SweepReport()
    now = ctx.clock.now()
    seen: set[str] = set()
    while True:
        with ctx.uow(read_only=True) as uow:
            due = [i for i in uow.cases.due(now, batch + len(seen)) if i not in seen]
        if not due:
            return report
        for case_id in due:
            seen.add(case_id)
            _sweep_one(ctx, case_id, report)


def _sweep_one(ctx: Context, case_id: str, report: SweepReport) -> None:
    now = ctx.clock.now()
    try:
        with ctx.uow() as uow:
            case = uow.cases.get(case_id, for_update=True)
            if case is None:
                return
            events = case.tick(now)
            dispatch.follow(uow, case, now)  # a case that ended frees its agent
            uow.cases.save(case)
            uow.commit()
    except Conflict:
        report.conflicts += 1  # someone acted on it meanwhile; the next sweep looks again
        return
    report.cases += bool(events)
    report.events.update(e.kind for e in events)
