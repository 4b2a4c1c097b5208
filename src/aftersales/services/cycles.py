"""Use cases of the assessment calendar: run a month's cycle, run a weekly check, run what is due.

A run reads the window's operational data in one read-only transaction, aggregates and scores
it outside any transaction (seconds to a minute for a large marketplace), then stores the cycle,
its scorecards and its tier changes in one write, with an evidence-log entry per tier change.
A stored cycle is never changed: running a period again stores its next revision, with a reason.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aftersales.analytics import CycleInputs, Limits, Window, merchant_windows
from aftersales.domain.actors import Actor, Role
from aftersales.domain.case_refusals import beijing
from aftersales.errors import (
    AftersalesError,
    Conflict,
    InvalidTransition,
    PermissionDenied,
    Text,
    ValidationFailed,
)
from aftersales.scoring import CycleScores, Standing, Tier, score_cycle, weekly_check
from aftersales.scoring.calendar import Period, Week, last_closed_period, last_closed_week
from aftersales.services import ledger
from aftersales.services.collector import fewer_collections
from aftersales.services.context import Context
from aftersales.services.scorecard_json import card_json, standing_json, standing_of
from aftersales.store.scoring import NewTierEvent, StoredCard, StoredCycle
from aftersales.store.uow import UnitOfWork

__all__ = [
    "TIER_CHANGE",
    "CycleRun",
    "NothingToAssess",
    "run_cycle",
    "run_due",
    "run_weekly",
    "standings_in_force",
    "tiers_in_force",
]

log = logging.getLogger("aftersales.scoring")
TIER_CHANGE = "merchant.tier_change"
MONTHLY, WEEKLY = "monthly", "weekly"
_KINDS = {MONTHLY: "月度考核周期", WEEKLY: "周度检查"}  # in a refusal's Chinese
_BEGINNING = datetime(2000, 1, 1, tzinfo=UTC)

SCHEDULER = Actor(Role.SYSTEM, "cycles")  # the calendar: runs each closed period once


@dataclass(frozen=True, slots=True)
class CycleRun:
    """A stored cycle (or weekly check) and what it changed."""

    cycle: StoredCycle
    tiers: Mapping[str, int]  # merchants per tier in force after the run
    changes: int  # tier changes recorded


def _operator(actor: Actor) -> None:
    if actor.role not in (Role.OPERATOR, Role.SYSTEM):
        raise PermissionDenied(
            Text("only a platform operator runs assessment cycles", "只有平台运营可以运行考核周期")
        )


def standings_in_force(
    uow: UnitOfWork, at: datetime, merchants: Iterable[str] | None = None
) -> dict[str, Standing]:
    """Each merchant's standing in force at ``at`` (``merchants``: only those): the last
    monthly cycle that closed by then, lowered by any weekly check since."""
    wanted = None if merchants is None else list(merchants)
    base = uow.scoring.latest_before(MONTHLY, at)
    stored = uow.scoring.standings(base.id, wanted) if base else {}
    found = {m: standing_of(s) for m, s in stored.items()}
    since = base.window_end if base else _BEGINNING
    for row in uow.scoring.weekly_since(since, wanted):
        if row.at <= at:
            found[row.merchant_id] = standing_of(row.standing)
    return found


def tiers_in_force(
    uow: UnitOfWork, merchants: Iterable[str] | None = None, at: datetime | None = None
) -> dict[str, str]:
    """The tier in force at ``at`` (now) for each merchant with one (``merchants``: only those).

    What the exposure service reads (``services/exposure_tiers.py``). Restricted in the
    queries: an enrolment asks for one merchant, and reading every merchant's standing for
    each of them was quadratic in the marketplace (docs/decisions/0026)."""
    standings = standings_in_force(uow, at or datetime.now(UTC), merchants)
    return {m: str(s.tier) for m, s in standings.items()}


def _revision(uow: UnitOfWork, kind: str, period: str, reason: str | None) -> int:
    latest = uow.scoring.latest(kind, period)
    if latest is None:
        return 1
    if not (reason and reason.strip()):
        raise InvalidTransition(
            Text(
                f"{kind} cycle {period} already has revision {latest.revision}, which is final;"
                f" give a reason to compute revision {latest.revision + 1}",
                f"{_KINDS[kind]} {period} 已有第 {latest.revision} 版，该版为最终结果；"
                f"如需计算第 {latest.revision + 1} 版，请填写原因",
            )
        )
    return latest.revision + 1


class NothingToAssess(ValidationFailed):
    """A period without orders in its window: nothing was computed, nothing is wrong."""


def _read(uow: UnitOfWork, window: Window, what: Text) -> CycleInputs:
    if not uow.scoring.has_lines(window):
        # The window runs from a Beijing midnight to another: its days, first and last, as a
        # merchant counts them (in UTC the first would read a day early).
        first = beijing(window.start, "%Y-%m-%d")
        last = beijing(window.end - timedelta(days=1), "%Y-%m-%d")
        raise NothingToAssess(
            Text(
                f"no orders were placed in the window of {what.en} ({first} to {last}, China"
                " Standard Time): there is nothing to assess",
                f"{what.zh}的统计窗口（北京时间 {first} 至 {last}）内没有订单，无需考核",
            )
        )
    return uow.scoring.read_inputs(window)


def _month_window(ctx: Context, month: Period) -> Window:
    """What a month's cycle reads: the orders of the lookback days before it closes."""
    return Window(month.end - timedelta(days=ctx.cycle_terms.lookback_days), month.end)


def _week_window(ctx: Context, week: Week) -> Window:
    """What a weekly check reads: the orders of the shorter window before the week ends."""
    return Window(week.end - timedelta(days=ctx.cycle_terms.weekly_days), week.end)


def _limits(ctx: Context) -> Limits:
    config = ctx.cycle_terms.config
    return Limits(config.orders_per_buyer, config.ratings_per_buyer)


def _new_cycle(
    ctx: Context,
    actor: Actor,
    kind: str,
    period: str,
    revision: int,
    reason: str | None,
    window: Window,
    merchants: int,
) -> StoredCycle:
    terms = ctx.cycle_terms
    return StoredCycle(
        id=ctx.ids("cy"),
        kind=kind,
        period=period,
        revision=revision,
        reason=reason.strip() if reason else None,
        window_start=window.start,
        window_end=window.end,
        computed_at=ctx.clock.now(),
        computed_by=f"{actor.role.value}:{actor.subject or ''}",
        engine=terms.engine,
        parameters=terms.parameters(),
        parameters_digest=terms.digest(),
        merchants=merchants,
    )


def run_cycle(ctx: Context, actor: Actor, period: str, reason: str | None = None) -> CycleRun:
    """Compute and store the cycle of a closed month (its next revision, given a reason)."""
    _operator(actor)
    month = Period.parse(period)
    month.check_closed(ctx.clock.now())
    window = _month_window(ctx, month)
    with ctx.uow(read_only=True) as uow:
        revision = _revision(uow, MONTHLY, month.name, reason)
        previous = standings_in_force(uow, month.start)
        before = _tiers_before(uow, month.name, previous)
        inputs = _read(uow, window, Text(f"period {month.name}", f"考核周期 {month.name} "))
    with fewer_collections():  # a scorecard per merchant, tens of thousands of them
        windows = merchant_windows(inputs, window, _limits(ctx), ctx.cycle_terms.engine)
        scores = score_cycle(windows, previous, ctx.cycle_terms.config)
        cycle = _new_cycle(ctx, actor, MONTHLY, month.name, revision, reason, window, len(windows))
        return _store_monthly(ctx, cycle, scores, before)


def _tiers_before(uow: UnitOfWork, period: str, previous: Mapping[str, Standing]) -> dict[str, str]:
    """The tiers in force before this run: the last revision's, or the previous period's."""
    latest = uow.scoring.latest(MONTHLY, period)
    if latest is not None:
        return {m: str(s["tier"]) for m, s in uow.scoring.standings(latest.id).items()}
    return {m: str(s.tier) for m, s in previous.items()}


def _store_monthly(
    ctx: Context, cycle: StoredCycle, scores: CycleScores, before: Mapping[str, str]
) -> CycleRun:
    cards = [
        StoredCard(
            cycle.id,
            c.merchant_id,
            c.category,
            str(c.tier),
            c.score,
            c.percentile,
            card_json(c),
            standing_json(c.standing),
        )
        for c in scores.cards
    ]
    none = str(Tier.NOT_ENOUGH_DATA)
    events = [
        NewTierEvent(
            c.merchant_id,
            cycle.window_end,
            before.get(c.merchant_id, none),
            str(c.tier),
            str(c.change),
            standing_json(c.standing),
            {"en": c.explanation.text.en, "zh": c.explanation.text.zh},
        )
        for c in scores.cards
        if before.get(c.merchant_id, none) != str(c.tier)
    ]
    with ctx.uow() as uow:
        uow.scoring.add_cycle(cycle)
        uow.scoring.add_cards(cards)
        uow.scoring.add_tier_events(cycle.id, events)
        _log_changes(uow, cycle, events)  # last: the log's lock is shared by all decisions
        uow.commit()
    return CycleRun(cycle, _count(c.tier for c in cards), len(events))


def _count(tiers: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for tier in tiers:
        counts[tier] = counts.get(tier, 0) + 1
    return dict(sorted(counts.items()))


def _score_text(score: float | None) -> str | None:
    return None if score is None else f"{score:.1f}"


def _log_changes(uow: UnitOfWork, cycle: StoredCycle, events: list[NewTierEvent]) -> None:
    drafts = [
        ledger.Draft(
            TIER_CHANGE,
            f"merchant:{e.merchant_id}",
            {
                "merchant_id": e.merchant_id,
                "cycle": {"kind": cycle.kind, "period": cycle.period, "revision": cycle.revision},
                "tier_before": e.tier_before,
                "tier_after": e.tier_after,
                "change": e.change,
                "score": _score_text(e.standing.get("score")),  # the log takes no floats
                "parameters_digest": cycle.parameters_digest,
            },
            e.at,
        )
        for e in events
        if e.tier_before != e.tier_after
    ]
    if drafts:
        ledger.append_many(uow, drafts)


def run_weekly(ctx: Context, actor: Actor, week: str, reason: str | None = None) -> CycleRun:
    """The weekly check of an ended ISO week: it can only lower a tier, never raise one."""
    _operator(actor)
    checked = Week.parse(week)
    checked.check_closed(ctx.clock.now())
    window = _week_window(ctx, checked)
    with ctx.uow(read_only=True) as uow:
        revision = _revision(uow, WEEKLY, checked.name, reason)
        standings = standings_in_force(uow, checked.end)
        inputs = _read(uow, window, Text(f"week {checked.name}", f"周度检查 {checked.name} "))
    with fewer_collections():
        windows = merchant_windows(inputs, window, _limits(ctx), ctx.cycle_terms.engine)
        flags = weekly_check(windows, standings, ctx.cycle_terms.config)
    cycle = _new_cycle(ctx, actor, WEEKLY, checked.name, revision, reason, window, len(windows))
    events = [
        NewTierEvent(
            f.merchant_id,
            checked.end,
            str(f.tier_before),
            str(f.tier_after),
            "lowered" if f.tier_after is not f.tier_before else "flagged",
            standing_json(f.standing),
            {"en": f.explanation.en, "zh": f.explanation.zh},
        )
        for f in flags
    ]
    with ctx.uow() as uow:
        uow.scoring.add_cycle(cycle)
        uow.scoring.add_tier_events(cycle.id, events)
        _log_changes(uow, cycle, events)
        uow.commit()
    return CycleRun(cycle, _count(e.tier_after for e in events), len(events))


def run_due(ctx: Context) -> list[CycleRun]:
    """What ``serve`` runs on its schedule: the last closed month and week, if not yet assessed.

    A period already stored, or without orders in its window, is skipped after one cheap read:
    the schedule calls this every few minutes, and an empty period would otherwise be retried
    through the cycle's reads each time. A period whose orders arrive late is assessed then."""
    now = ctx.clock.now()
    month, week = last_closed_period(now), last_closed_week(now)
    due = (
        (MONTHLY, month.name, _month_window(ctx, month), run_cycle),
        (WEEKLY, week.name, _week_window(ctx, week), run_weekly),
    )
    runs = []
    for kind, name, window, run in due:
        with ctx.uow(read_only=True) as uow:
            done = uow.scoring.latest(kind, name) is not None
            empty = not done and not uow.scoring.has_lines(window)
        if done or empty:
            continue
        try:
            runs.append(run(ctx, SCHEDULER, name))
        except (InvalidTransition, Conflict) as error:  # another server ran it first
            log.info("%s %s not assessed: %s", kind, name, error.detail)
        except AftersalesError as error:  # the schedule goes on; an operator must look
            log.error("%s %s could not be assessed: %s", kind, name, error.detail)
    return runs
