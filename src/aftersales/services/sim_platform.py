"""The platform's own jobs during a simulation, as ``serve`` and its operators would run them:
the SLA sweep every hour, operators deciding recall reviews and reviewing alerts every day, the
early-warning run every Monday, the exposure service's refresh every day (and its ranking, which
decides what buyers see), the scoring calendar (``cycles.run_due``: each month's assessment
cycle and each week's check once it has closed) and a signed checkpoint of the evidence log at
the end of every day.

Operators decide recall reviews on what a real investigation finds: a batch that really carries
a hazard is recalled (refund or replacement), a false alarm is dismissed and its hold lifted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from aftersales.domain.actors import SYSTEM
from aftersales.recall import RecallState, Remedy
from aftersales.scoring.calendar import last_closed_period
from aftersales.services import alerts, cycles, ledger, recalls
from aftersales.services.context import Context
from aftersales.services.sim_cases import OPERATOR
from aftersales.services.sla import sweep
from aftersales.services.warning_run import run_warning
from aftersales.simulation import World
from aftersales.store.recalls import RecallQuery
from aftersales.warning import AlertStatus

__all__ = ["PlatformJobs", "PlatformTally"]

_REVIEW_AFTER_HOURS = 4  # the safety team's review time (Settings.safety_review_hours)


@dataclass
class PlatformTally:
    sweeps: int = 0
    sweep_events: Counter[str] = field(default_factory=Counter)
    warning_runs: int = 0
    alerts_new: int = 0
    recalls_confirmed: int = 0
    recalls_dismissed: int = 0
    alerts_linked: int = 0
    alerts_acknowledged: int = 0
    cycles_run: int = 0  # monthly assessment cycles the platform stored
    weekly_checks: int = 0
    tier_changes: int = 0


class PlatformJobs:
    def __init__(self, ctx: Context, world: World, *, weekly_checks: bool = True) -> None:
        self._ctx = ctx
        self._world = world
        self._weekly = weekly_checks
        self.tally = PlatformTally()

    def sweep(self) -> None:
        """The SLA sweep: every timeout that has come due."""
        report = sweep(self._ctx)
        self.tally.sweeps += 1
        self.tally.sweep_events.update(report.events)

    def end_of_day(self, day: date) -> None:
        """The operators' daily round: recall reviews first, then (Mondays) the week's alerts;
        then, when a week or a month has just closed, its assessment (``cycles.run_due``, which
        ``serve`` runs on a timer: here only on the days it can find something new)."""
        self._decide_reviews()
        if day.weekday() == 0:
            self._warn()
        following = day + timedelta(days=1)
        if following.day == 1 or (self._weekly and following.weekday() == 0):
            self._assess()
        # The evidence log's checkpoint, which serve signs on a timer: it also binds the database
        # to its key, so that nothing later signs its log with another one (bootstrap refuses).
        ledger.checkpoint(self._ctx)

    def _assess(self) -> None:
        for run in cycles.run_due(self._ctx) if self._weekly else self._month():
            if run.cycle.kind == "monthly":
                self.tally.cycles_run += 1
            else:
                self.tally.weekly_checks += 1
            self.tally.tier_changes += run.changes

    def _month(self) -> list[cycles.CycleRun]:
        """The month that has just closed, without the weekly check.

        A month whose window holds no orders has no cycle (``NothingToAssess``), as ``run_due``
        skips it; any other failure stops the simulation."""
        period = last_closed_period(self._ctx.clock.now()).name
        try:
            return [cycles.run_cycle(self._ctx, SYSTEM, period)]
        except cycles.NothingToAssess:
            return []

    def _decide_reviews(self) -> None:
        ctx = self._ctx
        now = ctx.clock.now()
        query = RecallQuery(states=(RecallState.REVIEW.value,), limit=500)
        for view in recalls.list_recalls(ctx, OPERATOR, query):
            recall = view.recall
            opened = recall.opened_at or now
            if (now - opened).total_seconds() < _REVIEW_AFTER_HOURS * 3600:
                continue  # the safety team has not finished its review yet
            if self._really_hazardous(recall.product_id, recall.batches):
                remedies = (Remedy.REFUND, Remedy.REPLACEMENT)
                recalls.decide(ctx, OPERATOR, recall.id, recalls.Confirm(remedies))
                self.tally.recalls_confirmed += 1
            else:
                reason = "检查未发现批次性安全问题 / no batch-wide hazard found on inspection"
                recalls.decide(ctx, OPERATOR, recall.id, recalls.Dismiss(reason))
                self.tally.recalls_dismissed += 1

    def _really_hazardous(self, product_id: str, batches: tuple[str, ...]) -> bool:
        product = self._world.product_by_id.get(product_id)
        if product is None:
            return False
        wanted = set(batches) or {b.id for b in product.batches}
        return any(b.hazard is not None for b in product.batches if b.id in wanted)

    def _warn(self) -> None:
        """The week's early warning, then an operator's look at each new alert."""
        run = run_warning(self._ctx)
        self.tally.warning_runs += 1
        self.tally.alerts_new += run.new
        for record in run.alerts:
            if record.status is AlertStatus.OPEN:
                self._review_alert(record.id, record.product_id)

    def _review_alert(self, alert_id: str, product_id: str | None) -> None:
        """Link the alert to the product's recall if there is one; otherwise look into it."""
        ctx = self._ctx
        found = []
        if product_id is not None:
            query = RecallQuery(product_id=product_id, limit=5)
            found = [
                v.recall
                for v in recalls.list_recalls(ctx, OPERATOR, query)
                if v.recall.state is not RecallState.DISMISSED
            ]
        if found:
            alerts.link_recall(ctx, OPERATOR, alert_id, found[0].id)
            self.tally.alerts_linked += 1
        else:
            alerts.acknowledge(ctx, OPERATOR, alert_id)
            self.tally.alerts_acknowledged += 1
