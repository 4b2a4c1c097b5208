"""How many agents a queue needs: Erlang C, Erlang A (with abandonment), and a daily plan.

Erlang C (M/M/N) assumes contacts wait forever; Erlang A (M/M/N+M, Garnett, Mandelbaum and
Reiman 2002) lets them give up after an exponential patience, which is what consumers do, so it
needs fewer agents for the same service level. Both are computed exactly: Erlang C through the
Erlang B recursion, Erlang A from its birth-death chain, with the chance of being answered in
time from the transient of the waiting customer's own chain (a bidiagonal matrix exponential).

Staffing is for the busiest interval of each day (stationary independent periods), with the
day's load taken at an upper quantile of the forecast, and scheduled headcount raised for
shrinkage (breaks, training, absence): ``scheduled = ceil(agents / (1 - shrinkage))``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import expm_multiply

from aftersales.warning.forecast import DailyForecast, DailyHistory, forecast_daily

__all__ = [
    "LoadSource",
    "QueueModel",
    "StaffDay",
    "StaffPlan",
    "StaffingResult",
    "erlang_a",
    "erlang_c",
    "plan_staff",
    "staff_for_service_level",
    "staff_forecast",
]

# Where the daily history of a (region, queue) comes from: a CSV file today, the database later.
LoadSource = Callable[[str, str | None], DailyHistory]

Floats = NDArray[np.float64]
_MAX_AGENTS = 100_000


@dataclass(frozen=True)
class StaffingResult:
    """The queue's behaviour with ``agents`` agents answering."""

    agents: int
    scheduled: int  # agents / (1 - shrinkage), rounded up
    service_level: float  # share of contacts answered within the target time
    p_wait: float  # share of contacts that wait at all
    p_abandon: float  # share that give up (0 under Erlang C)
    mean_wait_seconds: float  # over all contacts
    occupancy: float  # share of agent time busy


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a contact waits, with ``traffic`` Erlangs offered to ``agents`` agents."""
    if traffic <= 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    return agents * b / (agents - traffic * (1 - b))


def _erlang_c_result(
    agents: int, rate: float, aht: float, within: float, shrinkage: float
) -> StaffingResult:
    traffic = rate * aht
    pw = erlang_c(agents, traffic)
    if agents <= traffic:
        return StaffingResult(agents, _scheduled(agents, shrinkage), 0.0, 1.0, 0.0, math.inf, 1.0)
    sl = 1.0 - pw * math.exp(-(agents - traffic) * within / aht)
    wait = pw * aht / (agents - traffic)
    occupancy = traffic / agents if agents else 0.0
    return StaffingResult(agents, _scheduled(agents, shrinkage), sl, pw, 0.0, wait, occupancy)


def erlang_a(
    agents: int,
    rate: float,
    aht: float,
    patience: float,
    within: float,
    shrinkage: float = 0.0,
) -> StaffingResult:
    """M/M/N+M with ``rate`` contacts per second, mean handling ``aht`` and patience (seconds)."""
    if rate <= 0:
        return StaffingResult(agents, _scheduled(agents, shrinkage), 1.0, 0.0, 0.0, 0.0, 0.0)
    mu, theta = 1.0 / aht, 1.0 / patience
    pi = _stationary(agents, rate, mu, theta)
    queued = np.arange(pi.size) - agents
    wait_states = pi[agents:]
    p_wait = float(wait_states.sum())
    mean_queue = float((np.maximum(queued, 0) * pi).sum())
    p_abandon = theta * mean_queue / rate
    in_time = _answered_within(agents, mu, theta, within, wait_states.size)
    sl = float(pi[:agents].sum() + (wait_states * in_time).sum())
    occupancy = rate * (1 - p_abandon) * aht / agents if agents else 0.0
    return StaffingResult(
        agents, _scheduled(agents, shrinkage), sl, p_wait, p_abandon, mean_queue / rate, occupancy
    )


def _stationary(agents: int, rate: float, mu: float, theta: float) -> Floats:
    """Birth-death stationary law of the number in system, truncated where it is negligible."""
    logs = [0.0]
    peak = 0.0
    j = 0
    while j < agents + 1_000_000:
        j += 1
        departures = min(j, agents) * mu + max(j - agents, 0) * theta
        logs.append(logs[-1] + math.log(rate / departures))
        peak = max(peak, logs[-1])
        # Past the mode the terms only shrink; stop once they are far below the largest.
        if j > agents and rate < departures and logs[-1] < peak - 40:
            break
    weights = np.exp(np.array(logs) - peak)
    return np.asarray(weights / weights.sum(), dtype=np.float64)


def _answered_within(agents: int, mu: float, theta: float, within: float, depth: int) -> Floats:
    """P(answered within ``within``) for a contact arriving with m = 0..depth-1 waiting ahead.

    With i ahead, the queue moves on at rate N mu + i theta (a service ends or someone ahead
    gives up) and the contact itself gives up at rate theta; it is answered when the queue
    moves on with nobody ahead. v_m(t) solves v_m' = (N mu + m theta)(v_{m-1} - v_m) -
    theta v_m, v_{-1} = 1, v(0) = 0: a bidiagonal linear system, plus one constant state.
    """
    if within <= 0:
        return np.zeros(depth)
    progress = agents * mu + theta * np.arange(depth)
    m = np.arange(depth)
    # Row m: leaves at progress + theta, takes from m - 1; row 0 from the constant state (last).
    rows = np.concatenate([m, m])
    cols = np.concatenate([m, np.where(m == 0, depth, m - 1)])
    vals = np.concatenate([-(progress + theta), progress])
    a = coo_matrix((vals, (rows, cols)), shape=(depth + 1, depth + 1))
    start = np.zeros(depth + 1)
    start[depth] = 1.0
    out = np.asarray(expm_multiply(a.tocsr() * within, start), dtype=np.float64)
    return np.clip(out[:depth], 0.0, 1.0)


def staff_for_service_level(
    rate: float,
    aht: float,
    within: float,
    target: float,
    *,
    shrinkage: float = 0.0,
    max_occupancy: float = 1.0,
    patience: float | None = None,
) -> StaffingResult:
    """Fewest agents that answer ``target`` of contacts within ``within`` seconds.

    ``rate`` is contacts per second and ``aht`` the mean handling time in seconds; with
    ``patience`` (mean seconds before a waiting contact gives up) Erlang A, else Erlang C.
    """
    if not 0 < target < 1:
        raise ValueError("target must be between 0 and 1")
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be in [0, 1)")
    if rate <= 0:
        return StaffingResult(0, 0, 1.0, 0.0, 0.0, 0.0, 0.0)
    traffic = rate * aht
    n = max(1, math.floor(traffic) + (patience is None))
    while n < _MAX_AGENTS:
        res = (
            _erlang_c_result(n, rate, aht, within, shrinkage)
            if patience is None
            else erlang_a(n, rate, aht, patience, within, shrinkage)
        )
        if res.service_level >= target and res.occupancy <= max_occupancy:
            return res
        n += 1
    raise ValueError("no staffing reaches the target")


def _scheduled(agents: int, shrinkage: float) -> int:
    # The tiny tolerance keeps 14 / 0.7 = 20.000000000000004 at 20.
    return math.ceil(agents / (1 - shrinkage) - 1e-9)


@dataclass(frozen=True)
class QueueModel:
    """How a queue works: handling time, the service-level target, opening hours, shrinkage."""

    aht_seconds: float = 360.0
    answer_within_seconds: float = 20.0
    target: float = 0.8
    shrinkage: float = 0.3
    max_occupancy: float = 0.85
    patience_seconds: float | None = None  # None: Erlang C; else Erlang A
    open_hours: tuple[int, int] = (9, 21)  # contacts arrive between these hours
    interval_minutes: int = 30
    # Share of the day's contacts per interval while open; None spreads them evenly.
    intraday: tuple[float, ...] | None = None

    def profile(self) -> Floats:
        """Share of a day's contacts in each interval of the open hours."""
        n = (self.open_hours[1] - self.open_hours[0]) * 60 // self.interval_minutes
        if n <= 0:
            raise ValueError("open_hours must span at least one interval")
        if self.intraday is None:
            return np.full(n, 1.0 / n)
        shares = np.asarray(self.intraday, dtype=np.float64)
        if shares.size != n or (shares < 0).any() or shares.sum() <= 0:
            raise ValueError(f"intraday must give {n} non-negative shares")
        return np.asarray(shares / shares.sum(), dtype=np.float64)


@dataclass(frozen=True)
class StaffDay:
    """One day of the plan."""

    day: date
    expected_cases: float
    planned_cases: float  # the forecast quantile staffed for
    peak_agents: int  # at the busiest interval
    peak_scheduled: int  # the same, raised for shrinkage
    agent_hours: float  # sum over intervals of agents needed x interval length
    scheduled_hours: float  # the same, raised for shrinkage
    peak: StaffingResult


@dataclass(frozen=True)
class StaffPlan:
    """Agents per day for one region (and queue)."""

    region: str
    queue: str | None
    model: QueueModel
    forecast: DailyForecast
    days: tuple[StaffDay, ...] = field(default_factory=tuple)


def plan_staff(
    source: LoadSource,
    region: str,
    days: int,
    model: QueueModel,
    *,
    queue: str | None = None,
    start: date | None = None,
    quantile: float = 0.8,
) -> StaffPlan:
    """Forecast the region's load from ``source`` and staff each day for it."""
    forecast = forecast_daily(source(region, queue), days, start, quantile)
    return staff_forecast(forecast, model, region=region, queue=queue)


def staff_forecast(
    forecast: DailyForecast, model: QueueModel, *, region: str, queue: str | None = None
) -> StaffPlan:
    """Staff each day of a forecast (its upper quantile) interval by interval."""
    profile = model.profile()
    seconds = model.interval_minutes * 60
    plan = []
    for day, mean, load in zip(forecast.days(), forecast.expected, forecast.upper, strict=True):
        needs = [_staff(float(load) * share / seconds, model) for share in np.unique(profile)]
        by_share = dict(zip(np.unique(profile), needs, strict=True))
        agents = [by_share[s].agents for s in profile]
        peak = max(needs, key=lambda r: r.agents)
        hours = sum(agents) * model.interval_minutes / 60
        plan.append(
            StaffDay(
                day,
                float(mean),
                float(load),
                peak.agents,
                peak.scheduled,
                hours,
                hours / (1 - model.shrinkage),
                peak,
            )
        )
    return StaffPlan(region, queue, model, forecast, tuple(plan))


def _staff(rate: float, model: QueueModel) -> StaffingResult:
    return staff_for_service_level(
        rate,
        model.aht_seconds,
        model.answer_within_seconds,
        model.target,
        shrinkage=model.shrinkage,
        max_occupancy=model.max_occupancy,
        patience=model.patience_seconds,
    )
