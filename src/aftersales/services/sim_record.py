"""The record of a simulation run in the database, and the summary read back from it.

The run's row is written when it starts (status ``partial``) and after every simulated day
(how far it got, how many cycles are complete); only when the last day and its period-end jobs
are done does it turn ``complete``. A run stopped by Ctrl-C, a crash or a kill leaves the row
``partial`` with the last day it finished, so the database says exactly what it holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from aftersales.domain.clock import SystemClock
from aftersales.services import cycles
from aftersales.services.context import Context
from aftersales.simulation import SimMerchant, SimulationParams, World, day_start
from aftersales.store.simulation_runs import MerchantFigures, StoredRun

__all__ = [
    "RunRecord",
    "by_conduct",
    "platform_totals",
    "shares_by_conduct",
    "tiers_by_conduct",
]


class RunRecord:
    """Keeps the run's row up to date as the simulation goes."""

    def __init__(self, ctx: Context, params: SimulationParams, run_id: str) -> None:
        self._ctx = ctx
        wall = SystemClock().now()  # when it really ran; the simulated time is kept apart
        self.run = StoredRun(
            id=run_id,
            seed=params.seed,
            parameters=params.to_json(),
            status="partial",
            sim_start=day_start(params.start),
            sim_reached=day_start(params.start),
            days_planned=params.days,
            days_completed=0,
            cycles_planned=len(params.cycle_ends()),
            cycles_completed=0,
            summary={},
            started_at=wall,
            updated_at=wall,
        )
        with ctx.uow() as uow:
            uow.simulation_runs.add(self.run)
            uow.commit()

    def progress(
        self, reached: datetime, days: int, cycles: int, summary: Mapping[str, Any]
    ) -> None:
        self._save(
            sim_reached=reached, days_completed=days, cycles_completed=cycles, summary=summary
        )

    def complete(self, summary: Mapping[str, Any]) -> None:
        self._save(status="complete", summary=summary)

    def _save(self, **changes: Any) -> None:
        self.run = replace(self.run, updated_at=SystemClock().now(), **changes)
        with self._ctx.uow() as uow:
            uow.simulation_runs.save_progress(self.run)
            uow.commit()


def platform_totals(ctx: Context) -> dict[str, Any]:
    """What the platform itself stored: orders, cases by state, escalations, alerts, recalls."""
    with ctx.uow(read_only=True) as uow:
        return uow.simulation_runs.figures().totals()


def by_conduct(
    ctx: Context,
    world: World,
    *,
    day: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, dict[str, float | None]]:
    """The platform's figures per merchant, pooled by the merchants' hidden conduct (on ``day``
    of the run; over the whole run without one, see ``_conduct``): do obstructive shops get more
    escalations and lose more arbitrations? ``since`` and ``until`` limit it to the orders and
    cases of a window."""
    with ctx.uow(read_only=True) as uow:
        figures = uow.simulation_runs.figures().merchants(since, until)
    pooled: dict[str, MerchantFigures] = {}
    merchants: dict[str, int] = {}
    for m in world.merchants:
        key = _conduct(m, day)
        merchants[key] = merchants.get(key, 0) + 1
        total = pooled.setdefault(key, MerchantFigures())
        mine = figures.get(m.id, MerchantFigures())
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(mine, name))
    return {key: _rates(merchants[key], f) for key, f in sorted(pooled.items())}


def _rates(merchants: int, f: MerchantFigures) -> dict[str, float | None]:
    # Without a rating there is no mean and no satisfaction: None, not 0 (which reads as the
    # worst service there is, and drags a chart's line to the floor).
    return {
        "merchants": merchants,
        "orders": f.orders,
        "cases": f.cases,
        "cases_per_1000_orders": round(1000 * f.cases / f.orders, 1) if f.orders else 0.0,
        "escalation_rate": round(f.escalated / f.cases, 3) if f.cases else 0.0,
        "arbitrations": f.arbitrated,
        "arbitrations_lost": round(f.lost / f.arbitrated, 3) if f.arbitrated else 0.0,
        "mean_stars": round(f.stars / f.ratings, 2) if f.ratings else None,
        "csat": round(f.satisfied / f.ratings, 3) if f.ratings else None,
        "dispute_rate": round(f.arbitrated / f.cases, 3) if f.cases else 0.0,
    }


def _conduct(m: SimMerchant, day: int | None) -> str:
    """A merchant's conduct on ``day``; without one, over the whole run: ``responsive``, or
    ``responsive→obstructive`` for one that changed its ways, so that a changed shop's figures
    do not pass for either conduct's."""
    if day is not None:
        return m.conduct_on(day).value
    return m.conduct.value if m.later is None else f"{m.conduct.value}→{m.later.value}"


def tiers_by_conduct(ctx: Context, world: World, day: int | None) -> dict[str, dict[str, int]]:
    """The tiers in force now (by the simulated clock), counted by the merchants' conduct on
    the simulation's ``day`` (over the whole run without one, see ``_conduct``)."""
    with ctx.uow(read_only=True) as uow:
        tiers = cycles.tiers_in_force(uow, at=ctx.clock.now())
    counted: dict[str, dict[str, int]] = {}
    for m in world.merchants:
        tier = tiers.get(m.id)
        if tier is not None:
            row = counted.setdefault(_conduct(m, day), {})
            row[tier] = row.get(tier, 0) + 1
    return counted


def shares_by_conduct(
    world: World, day: int, measures: Mapping[str, Mapping[str, float]]
) -> dict[str, dict[str, float]]:
    """Each measure (per merchant) as shares by the merchants' conduct on ``day``."""
    shares: dict[str, dict[str, float]] = {}
    for name, per_merchant in measures.items():
        total = sum(per_merchant.values()) or 1.0
        for m in world.merchants:
            row = shares.setdefault(m.conduct_on(day).value, {})
            row[name] = row.get(name, 0.0) + per_merchant.get(m.id, 0.0) / total
    return {c: {k: round(v, 4) for k, v in row.items()} for c, row in sorted(shares.items())}
