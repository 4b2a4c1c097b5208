"""Use case: run a simulated marketplace day by day through the platform's real use cases.

The world (``aftersales.simulation``) decides what its people do; everything they do goes through
the same use cases the API calls: the integration pushes merchants, products, buyers and orders
(``catalog``, ``order_batches``), buyers open cases (``cases.open_case``: triage, the policy,
dispatch, the emergency plan), merchants answer and serve, buyers accept, reject, escalate and
rate, operators arbitrate and decide recall reviews, and the platform's own jobs run on their
schedule (the SLA sweep hourly, exposure daily, early warning weekly). Time is a ``ManualClock``
the driver moves from one due moment to the next, so a year runs in minutes and a seed always
gives the same history (ids are sequential, not random).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

import numpy as np

from aftersales.domain.clock import ManualClock
from aftersales.errors import Text, ValidationFailed
from aftersales.services import exposure_refresh
from aftersales.services.collector import fewer_collections
from aftersales.services.context import Context
from aftersales.services.sim_cases import CaseDesk
from aftersales.services.sim_exposure import ShopWindow
from aftersales.services.sim_incentives import Incentives
from aftersales.services.sim_market import MarketSide, register_world
from aftersales.services.sim_platform import PlatformJobs
from aftersales.services.sim_record import (
    RunRecord,
    by_conduct,
    platform_totals,
    shares_by_conduct,
    tiers_by_conduct,
)
from aftersales.simulation import (
    Agenda,
    CasePlanner,
    Demand,
    OrderPlan,
    SimulationParams,
    World,
    WorldSize,
    day_start,
    generate_world,
)

__all__ = [
    "DATABASE_IN_USE",
    "DayReport",
    "SimulationResult",
    "run_simulation",
    "sequential_ids",
]

DATABASE_IN_USE = (
    "this database already holds marketplace data; a simulation needs an empty one"
    " (give another --db, or delete the file)"
)
_IN_USE = Text(
    DATABASE_IN_USE,
    "该数据库已有商城数据，模拟需要一个空数据库（请另指定 --db，或删除该文件）",  # noqa: RUF001
)
_DAY = timedelta(days=1)
_BLOCK = timedelta(hours=6)  # the marketplace pushes its orders every six hours
_SWEEP_EVERY = timedelta(hours=3)  # deadlines bind at their own time however late it runs


@dataclass(frozen=True, slots=True)
class DayReport:
    """One simulated day done, for a progress bar."""

    index: int
    day: date
    orders: int  # recorded so far
    cases: int  # opened so far
    cycles: int  # complete so far


@dataclass(frozen=True, slots=True)
class SimulationResult:
    run_id: str
    status: str
    summary: dict[str, Any]
    world: World


def sequential_ids() -> Callable[[str], str]:
    """Ids numbered per prefix (``cs_000000000001``): a seed gives the same ids every time."""
    counters: dict[str, int] = {}

    def next_id(prefix: str) -> str:
        counters[prefix] = counters.get(prefix, 0) + 1
        return f"{prefix}_{counters[prefix]:012d}"

    return next_id


def run_simulation(
    ctx: Context,
    params: SimulationParams,
    on_day: Callable[[DayReport], None] | None = None,
    *,
    adjust: Callable[[World], None] | None = None,
) -> SimulationResult:
    """Simulate the marketplace from ``params.start`` to ``params.end`` in an empty database.

    ``adjust`` may change the generated world before the run (a merchant that changes its ways
    on a given day, …): a what-if on the same seed."""
    clock = ctx.clock
    if not isinstance(clock, ManualClock):
        raise TypeError("a simulation moves time itself: give the context a ManualClock")
    ctx = replace(ctx, ids=sequential_ids())
    with ctx.uow(read_only=True) as uow:
        if uow.simulation_runs.database_in_use():
            raise ValidationFailed(_IN_USE)
    run = _Run(ctx, clock, params)
    if adjust is not None:
        adjust(run.world)
    # A run allocates rows by the million around a world that lives as long as the run.
    with fewer_collections():
        return run.go(on_day or (lambda report: None))


class _Run:
    """One simulation run: the world, its people, the platform's jobs, and the agenda."""

    def __init__(self, ctx: Context, clock: ManualClock, params: SimulationParams) -> None:
        streams = [np.random.default_rng(s) for s in np.random.SeedSequence(params.seed).spawn(6)]
        self.ctx, self.clock, self.params = ctx, clock, params
        size = WorldSize(params.merchants, params.consumers, params.days)
        self.world = generate_world(size, streams[0])
        self.demand = Demand(self.world, params.orders_per_day, streams[1])
        self.planner = CasePlanner(self.world, streams[2])
        self.agenda = Agenda()
        self.index = 0
        self.desk = CaseDesk(ctx, self.world, self.agenda, streams[3], lambda: self.index)
        self.window = ShopWindow(ctx, self.world, streams[4])
        self.market = MarketSide(ctx, self.world, params.start)
        self.jobs = PlatformJobs(ctx, self.world, weekly_checks=params.weekly_checks)
        self.incentives = Incentives(ctx, self.world, streams[5])
        self.orders = 0
        self.cycles = 0
        self.sold: Counter[str] = Counter()  # orders recorded this period, by merchant
        self.flywheel: dict[str, dict[str, dict[str, Any]]] = {}
        self.record: RunRecord | None = None

    def go(self, on_day: Callable[[DayReport], None]) -> SimulationResult:
        self.clock.set(day_start(self.params.start))
        self.record = RunRecord(self.ctx, self.params, self.ctx.ids("sim"))
        register_world(self.ctx, self.world, self.params.start)
        exposure_refresh.refresh(self.ctx)
        self.window.refresh()
        for index in range(self.params.days):
            self.index = index
            day = self.params.start + timedelta(days=index)
            self._day(day)
            on_day(DayReport(index, day, self.orders, self.desk.tally.opened, self.cycles))
        summary = self.summary()
        self.record.complete(summary)
        return SimulationResult(self.record.run.id, "complete", summary, self.world)

    def _day(self, day: date) -> None:
        begin = day_start(day)
        end = min(begin + _DAY, self.params.end)
        self.clock.set(begin)
        self._schedule_orders(self.demand.day(day, self.window.pull()), begin, end)
        for n in range(1, 9):
            self.agenda.at(begin + n * _SWEEP_EVERY - timedelta(minutes=30), self.jobs.sweep)
        self.agenda.run_until(end, self.clock.set)
        self.clock.set(end)
        if end == begin + _DAY:
            self._end_of_day(day)
        assert self.record is not None
        self.record.progress(end, self.index + 1, self.cycles, self._progress())

    def _schedule_orders(self, orders: list[OrderPlan], begin: datetime, end: datetime) -> None:
        for block in range(4):
            start, stop = begin + block * _BLOCK, begin + (block + 1) * _BLOCK
            due = [o for o in orders if start <= o.placed_at < min(stop, end)]
            if due:
                push_at = min(stop, end) - timedelta(seconds=1)
                self.agenda.at(push_at, partial(self._push, due))

    def _push(self, plans: list[OrderPlan]) -> None:
        recorded = self.market.push(plans, self.index)
        self.orders += len(recorded)
        self.sold.update(p.merchant_id for p in recorded)
        self.desk.plan(self.planner.plan(recorded), self.params.end)

    def _end_of_day(self, day: date) -> None:
        self.jobs.end_of_day(day)
        self.incentives.end_of_day(day, self.index)
        self.window.read_ratings(self.desk.tally.ratings)
        self.desk.tally.ratings.clear()
        self.window.next_day()
        self.window.refresh()
        if (day + _DAY).day == 1:
            self.cycles += 1  # a month, the assessment cycle, is over
            self.flywheel[f"{day:%Y-%m}"] = self._cycle_figures(day)

    def _cycle_figures(self, last: date) -> dict[str, dict[str, Any]]:
        """The month that has just ended, by the merchants' conduct that month: shares of
        exposure and orders, service figures of its cases, tiers in force after its cycle. The
        flywheel, turning; starts the next month's counts."""
        since = day_start(last.replace(day=1))
        figures: dict[str, dict[str, Any]] = {
            conduct: dict(row)
            for conduct, row in by_conduct(
                self.ctx, self.world, day=self.index, since=since, until=self.clock.now()
            ).items()
        }
        shares = shares_by_conduct(
            self.world, self.index, {"exposure": self.window.attention, "orders": self.sold}
        )
        tiers = tiers_by_conduct(self.ctx, self.world, self.index)
        for conduct, row in figures.items():
            row |= {f"{k}_share": v for k, v in shares.get(conduct, {}).items()}
            row["tiers"] = tiers.get(conduct, {})
        self.window.attention.clear()
        self.sold.clear()
        return figures

    def _progress(self) -> dict[str, Any]:
        tally = self.desk.tally
        return {
            "orders": self.orders,
            "cases_opened": tally.opened,
            "safety_cases_opened": tally.safety_opened,
            "moves": dict(tally.moves),
        }

    def summary(self) -> dict[str, Any]:
        """The platform's own figures, the simulation's tallies, and the loop by conduct."""
        tally, jobs = self.desk.tally, self.jobs.tally
        return {
            "platform": platform_totals(self.ctx),
            "by_conduct": by_conduct(self.ctx, self.world),
            "tiers_by_conduct": tiers_by_conduct(self.ctx, self.world, None),
            "flywheel": self.flywheel,
            "simulation": {
                **self._progress(),
                "hazard_cases_opened": tally.hazard_opened,
                "refused_openings": dict(tally.refused_openings),
                "refused_moves": dict(tally.refused_moves),
                "orders_refused_on_hold": self.market.held_refusals,
                "orders_refused_otherwise": dict(self.market.other_refusals),
                "restocked_batches": self.market.restocked,
                "sweep_events": dict(jobs.sweep_events),
                "warning_runs": jobs.warning_runs,
                "recalls_confirmed": jobs.recalls_confirmed,
                "recalls_dismissed": jobs.recalls_dismissed,
                "alerts_linked_to_recalls": jobs.alerts_linked,
                "alerts_acknowledged": jobs.alerts_acknowledged,
                "cycles_completed": self.cycles,
                "assessment_cycles_stored": jobs.cycles_run,
                "weekly_checks_stored": jobs.weekly_checks,
                "tier_changes": jobs.tier_changes,
                "incentives": dict(self.incentives.tally),
            },
        }
