"""The platform at a glance, for operators and auditors: volume, clocks kept, disputes, safety.

Weeks run Monday to Sunday in China Standard Time; the last one is the week in progress.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from aftersales.domain.actors import Actor, Role
from aftersales.errors import NotFound, PermissionDenied, Text
from aftersales.recall import CST
from aftersales.services.context import Context
from aftersales.store.policy import Activation

__all__ = ["Overview", "WeekSeries", "overview", "policy_activation", "policy_activations"]

_READERS = (Role.OPERATOR, Role.AUDITOR)


@dataclass(frozen=True, slots=True)
class WeekSeries:
    """Counts per week for the weeks of an ``Overview``, oldest first."""

    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class Overview:
    weeks: tuple[date, ...]  # the Monday of each week, oldest first
    by_state: dict[str, int]
    active_by_queue: dict[str, int]
    opened: WeekSeries
    first_response_rate: WeekSeries  # share answered in time among those due; None: none due
    escalations: WeekSeries
    verdicts: WeekSeries
    appeals: WeekSeries
    safety_reports: WeekSeries
    emergencies: WeekSeries

    @property
    def active(self) -> int:
        return sum(self.active_by_queue.values())


def overview(ctx: Context, actor: Actor, *, weeks: int = 8) -> Overview:
    """The figures of the last ``weeks`` weeks (this one included) and the current totals."""
    _require_reader(actor)
    first = _monday(ctx.clock.now()) - timedelta(weeks=weeks - 1)
    since = datetime.combine(first, time(), CST)
    with ctx.uow(read_only=True) as uow:
        repo = uow.overview
        by_state, by_queue = repo.by_state(), repo.active_by_queue()
        opened, responses = repo.opened(since), repo.first_responses(since)
        disputes, safety = repo.disputes(since), repo.safety_reports(since)
    mondays = tuple(first + timedelta(weeks=i) for i in range(weeks))
    return Overview(
        weeks=mondays,
        by_state=by_state,
        active_by_queue=by_queue,
        opened=_weekly(mondays, opened),
        first_response_rate=_rates(mondays, responses),
        escalations=_weekly(mondays, (at for at, kind in disputes if kind == "escalated")),
        verdicts=_weekly(mondays, (at for at, kind in disputes if kind == "arbitrated")),
        appeals=_weekly(mondays, (at for at, kind in disputes if kind == "appealed")),
        safety_reports=_weekly(mondays, (at for at, _ in safety)),
        emergencies=_weekly(mondays, (at for at, emergency in safety if emergency)),
    )


def policy_activations(ctx: Context, actor: Actor, *, limit: int = 50) -> list[Activation]:
    """The policy packs put in force, newest first (the first is in force now)."""
    _require_reader(actor)
    with ctx.uow(read_only=True) as uow:
        return uow.overview.activations(limit)


def policy_activation(ctx: Context, actor: Actor, activation_id: int) -> Activation:
    """One activation of a policy pack."""
    _require_reader(actor)
    with ctx.uow(read_only=True) as uow:
        found = uow.overview.activation(activation_id)
    if found is None:
        raise NotFound(
            Text(
                f"policy activation {activation_id} not found",
                f"找不到政策包激活记录 {activation_id}",
            )
        )
    return found


def _require_reader(actor: Actor) -> None:
    if actor.role not in _READERS:
        raise PermissionDenied(
            Text(
                "the platform's figures are for operators and auditors",
                "平台数据仅供平台运营和审计人员查看",
            )
        )


def _monday(moment: datetime) -> date:
    day = moment.astimezone(CST).date()
    return day - timedelta(days=day.weekday())


def _weekly(mondays: tuple[date, ...], moments: Iterable[datetime]) -> WeekSeries:
    counts = Counter(_monday(at) for at in moments)
    return WeekSeries(tuple(float(counts.get(m, 0)) for m in mondays))


def _rates(mondays: tuple[date, ...], rows: list[tuple[datetime, bool, bool]]) -> WeekSeries:
    met, due = Counter[date](), Counter[date]()
    for opened_at, responded, breached in rows:
        if responded or breached:
            week = _monday(opened_at)
            due[week] += 1
            met[week] += responded and not breached
    return WeekSeries(tuple(met[m] / due[m] if due[m] else None for m in mondays))
