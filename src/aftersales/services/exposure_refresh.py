"""The recording refresh: what changed for each merchant since the last one, stored with reasons.

Every process rebuilds its own plan (``exposure_serving.refresh_serving``); one recording refresh
at a time (``aftersales exposure refresh``, and ``serve``'s scheduler) also writes down what the
change means: eligibility gained or lost, boosts started or ended, watch and throttle, each with
its reason and, for those that grant or take exposure, an entry in the evidence log. It compares
the tiers and enrolments in force with what the previous recording refresh saw
(``programme_standings``), so each change is recorded once whichever process finds it, and it
ends the enrolment of a merchant that lost its tier. Then it reviews the targets: met and
infeasible ones are recorded once per period.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from aftersales.exposure import (
    EventKind,
    ExposureConfig,
    ExposureEvent,
    MerchantStatus,
    ServingInputs,
    TargetStatus,
    build_plan,
)
from aftersales.scoring.texts import Text
from aftersales.scoring.tiers import Tier
from aftersales.services.context import Context
from aftersales.services.exposure_inputs import Loaded, load_inputs
from aftersales.services.exposure_records import log_exposure_decisions
from aftersales.store.exposure import ExposureState, Standing
from aftersales.store.uow import UnitOfWork

__all__ = ["RefreshReport", "refresh"]

# Counters of periods that ended this long ago are no longer read by anyone.
_KEEP_COUNTS = timedelta(days=40)
_NONE = Tier.NOT_ENOUGH_DATA.value


@dataclass(frozen=True, slots=True)
class RefreshReport:
    events: tuple[ExposureEvent, ...]  # the merchants' changes, and targets met or infeasible
    ended: tuple[str, ...]  # enrolments ended because their merchant lost its tier
    targets: tuple[TargetStatus, ...]  # every target's pacing, on the shared counts


def refresh(ctx: Context) -> RefreshReport:
    """Record what changed since the last recording refresh, serve the new plan, review."""
    now = ctx.clock.now()
    config = ctx.exposure.config
    with ctx.uow() as uow:
        state = uow.exposure.lock_state()  # one recording refresh at a time
        loaded = load_inputs(uow, now)
        events, ended = _record_changes(uow, state, loaded, config, now)
        uow.exposure.purge_counts(now - _KEEP_COUNTS)
        c = loaded.cycle
        uow.exposure.save_state(
            cycle_id=c.id, cycle_start=c.start, cycle_end=c.end, refreshed_at=now
        )
        log_exposure_decisions(ctx, uow, events)  # last: the log's lock is shared
        uow.commit()
    served = loaded.without(set(ended))
    ctx.exposure.adopt(served.inputs, served.holds, at=now)
    ctx.exposure.sync(ctx.uow, now)
    reviewed = _review(ctx, now)
    ids = tuple(ended.values())
    return RefreshReport((*events, *reviewed), ids, ctx.exposure.exposure.pacing(now))


def _changed(loaded: Loaded, standings: Mapping[str, Standing]) -> dict[str, Standing]:
    """Merchants whose tier or enrolment differs from what the last refresh saw: the new one."""
    tiers = loaded.inputs.tiers
    merchants = set(tiers) | set(loaded.enrolments) | set(standings)
    out: dict[str, Standing] = {}
    for m in sorted(merchants):
        enrolment = loaded.enrolments.get(m)
        now = Standing(tiers[m].value if m in tiers else _NONE, enrolment.id if enrolment else None)
        if now != standings.get(m, Standing(_NONE, None)):
            out[m] = now
    return out


def _previous_inputs(
    uow: UnitOfWork, state: ExposureState, loaded: Loaded, before: Mapping[str, Standing]
) -> ServingInputs:
    """The changed merchants as the last refresh saw them, in the cycle it served."""
    c = loaded.cycle
    cycle_id = state.cycle_id or c.id
    start, end = state.cycle_start or c.start, state.cycle_end or c.end
    stored = uow.programme.by_ids(s.enrolment_id for s in before.values() if s.enrolment_id)
    return ServingInputs(
        cycle_id=cycle_id,
        cycle_start=start,
        cycle_end=end,
        tiers={m: Tier(s.tier) for m, s in before.items()},
        enrolments=[e.enrolment for e in stored.values() if e.enrolment.cycle_id == cycle_id],
    )


def _record_changes(
    uow: UnitOfWork, state: ExposureState, loaded: Loaded, config: ExposureConfig, now: datetime
) -> tuple[tuple[ExposureEvent, ...], dict[str, str]]:
    """Store the events of every changed merchant and end the enrolments of those that lost
    their tier; returns the events and the ended enrolments by merchant."""
    standings = uow.exposure.standings()
    changed = _changed(loaded, standings)
    if not changed:
        return (), {}
    before = {m: standings[m] for m in changed if m in standings}
    previous = None
    if state.refreshed_at is not None:
        old = _previous_inputs(uow, state, loaded, before)
        previous = build_plan(old, at=state.refreshed_at, config=config)[0]
    c = loaded.cycle
    subset = ServingInputs(
        cycle_id=c.id,
        cycle_start=c.start,
        cycle_end=c.end,
        tiers={m: t for m, t in loaded.inputs.tiers.items() if m in changed},
        enrolments=[e.enrolment for m, e in loaded.enrolments.items() if m in changed],
    )
    plan, events = build_plan(subset, at=now, config=config, previous=previous)
    ended = _end_lost(uow, loaded, plan.merchants, changed, events, now)
    uow.exposure.add_events(events)
    uow.exposure.put_standings(changed, now)
    return events, ended


def _end_lost(
    uow: UnitOfWork,
    loaded: Loaded,
    statuses: Mapping[str, MerchantStatus],
    changed: dict[str, Standing],
    events: tuple[ExposureEvent, ...],
    now: datetime,
) -> dict[str, str]:
    """End the enrolments whose merchant is no longer eligible, with the reason it was told."""
    ended: dict[str, str] = {}
    for m, standing in list(changed.items()):
        enrolment = loaded.enrolments.get(m)
        status = statuses.get(m)
        if enrolment is None or status is None or status.eligible:
            continue
        uow.programme.end(enrolment.id, now, _end_reason(m, events, status))
        changed[m] = Standing(standing.tier, None)
        ended[m] = enrolment.id
    return ended


def _end_reason(merchant: str, events: tuple[ExposureEvent, ...], status: MerchantStatus) -> Text:
    mine = {e.kind: e.reason for e in events if e.subject == f"merchant:{merchant}"}
    for kind in (EventKind.BOOST_ENDED, EventKind.ELIGIBILITY_LOST):
        if kind in mine:
            return mine[kind]
    return status.reason


def _review(ctx: Context, now: datetime) -> tuple[ExposureEvent, ...]:
    """Targets met or found infeasible, recorded once per target and period."""
    found = ctx.exposure.review(now)
    if not found:
        return ()
    keyed = [(e, f"{e.kind.value}|{e.subject}|{e.data['period'][0]}") for e in found]
    with ctx.uow() as uow:
        added = uow.exposure.add_once(keyed)
        uow.commit()
    return added
