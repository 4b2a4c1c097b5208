"""The serving plan: what a refresh decides for every merchant, and what the re-ranker reads.

A refresh takes the tiers in force, the cycle's enrolments, the ladder's items and the holds,
and turns them into lookup tables (which product or content on which slot is owed what), the
throttled merchants and the held products. Ranking reads only the plan, so a penalty, a lost tier
or a new hold takes effect at the next refresh and never half-way through one. Comparing the new
plan with the previous one yields the events: eligibility gained or lost, boosts started or
ended, boosts withheld, throttles applied or lifted, each with its reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

from aftersales.errors import ValidationFailed
from aftersales.exposure import texts
from aftersales.exposure.content import ContentItem, Stage
from aftersales.exposure.events import EventKind, ExposureEvent
from aftersales.exposure.lookup import Lookup
from aftersales.exposure.parameters import ExposureConfig
from aftersales.exposure.penalties import Penalty, exposure_multiplier, penalty_for
from aftersales.exposure.programme import Enrolment, Mode, is_eligible
from aftersales.exposure.slots import Slot
from aftersales.exposure.targets import (
    Target,
    TargetKind,
    ladder_key,
    programme_key,
    throttle_key,
)
from aftersales.scoring.texts import Text
from aftersales.scoring.tiers import RANK, Tier

__all__ = ["MerchantStatus", "ServingInputs", "ServingPlan", "build_plan"]


@dataclass(frozen=True, slots=True)
class ServingInputs:
    """Everything a refresh reads; the integrator loads it in one read-only unit of work.

    ``tiers`` are the tiers in force now (after the weekly check). ``day_start`` opens the
    ladder's quota day. ``held`` lists the products under a stop-sale hold
    (``penalties.held_products``).
    """

    cycle_id: str
    cycle_start: datetime
    cycle_end: datetime
    tiers: Mapping[str, Tier]
    enrolments: Sequence[Enrolment] = ()
    content: Sequence[ContentItem] = ()
    day_start: datetime | None = None
    held: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class MerchantStatus:
    """What a merchant sees on its scorecard: tier, programme state, boost and penalty, why."""

    merchant_id: str
    tier: Tier
    eligible: bool
    penalty: Penalty
    multiplier: float  # the share of its merit exposure it may have (below 1: throttled)
    enrolment: Enrolment | None
    weights: Mapping[Slot, float]  # the programme's promise, on the slots where it boosts now
    reason: Text

    @property
    def boosted_slots(self) -> frozenset[Slot]:
        return frozenset(self.weights)


@dataclass(frozen=True, slots=True)
class ServingPlan:
    cycle_id: str
    built_at: datetime
    merchants: Mapping[str, MerchantStatus]
    targets: tuple[Target, ...]
    lookup: Lookup  # what the re-ranker reads: candidates → targets, throttles, holds
    throttled: Mapping[str, float]  # merchant → its exposure cap, a share of its merit
    watched: frozenset[str]  # merchants whose boosts are withheld (tier watch)
    held: frozenset[str]  # products never shown
    stages: Mapping[str, Stage]  # content → stage, for content with a quota in force
    amplified: tuple[str, ...]  # content for candidate generation across stores

    def status(self, merchant_id: str, config: ExposureConfig | None = None) -> MerchantStatus:
        """A merchant's status; one the plan never heard of has no data yet."""
        known = self.merchants.get(merchant_id)
        if known is not None:
            return known
        return _status(merchant_id, Tier.NOT_ENOUGH_DATA, None, config or ExposureConfig())


def _status(
    merchant_id: str,
    tier: Tier,
    enrolment: Enrolment | None,
    config: ExposureConfig,
) -> MerchantStatus:
    penalty, eligible = penalty_for(tier, config), is_eligible(tier, config)
    multiplier = exposure_multiplier(tier, config)
    weights: dict[Slot, float] = {}
    if penalty is Penalty.THROTTLED:
        reason = texts.throttled(multiplier)
    elif penalty is Penalty.NO_BOOST:
        reason = texts.boosts_withheld(tier)
    elif not eligible:
        reason = texts.not_eligible(tier, config.eligible_tiers)
    elif enrolment is None:
        reason = texts.not_enrolled(tier, config.pool_limit)
    else:
        weights = dict(config.weights.get(tier, {}))
        store, size = enrolment.mode is Mode.STORE, len(enrolment.product_ids)
        reason = texts.boosted(tier, store, size, weights)
    return MerchantStatus(
        merchant_id, tier, eligible, penalty, multiplier, enrolment, weights, reason
    )


def _check(inputs: ServingInputs, at: datetime) -> dict[str, Enrolment]:
    for moment in (at, inputs.cycle_start, inputs.cycle_end):
        if moment.tzinfo is None:
            raise ValidationFailed("a serving refresh needs aware (UTC) times")
    if inputs.cycle_end <= inputs.cycle_start:
        raise ValidationFailed(f"cycle {inputs.cycle_id} ends before it starts")
    by_merchant: dict[str, Enrolment] = {}
    for e in inputs.enrolments:
        if e.cycle_id != inputs.cycle_id:
            raise ValidationFailed(
                f"the enrolment of {e.merchant_id} is for cycle {e.cycle_id}, not {inputs.cycle_id}"
            )
        if e.merchant_id in by_merchant:
            raise ValidationFailed(f"merchant {e.merchant_id} has two enrolments in one cycle")
        by_merchant[e.merchant_id] = e
    return by_merchant


@dataclass
class _Builder:
    """The tables under construction; targets get their index in the order they are added."""

    targets: list[Target] = field(default_factory=list)
    pool: dict[Slot, dict[str, tuple[int, str]]] = field(default_factory=dict)
    store: dict[Slot, dict[str, int]] = field(default_factory=dict)
    content: dict[Slot, dict[str, tuple[int, str]]] = field(default_factory=dict)
    caps: dict[Slot, dict[str, int]] = field(default_factory=dict)

    def add(self, target: Target) -> int:
        self.targets.append(target)
        return len(self.targets) - 1

    def programme(self, status: MerchantStatus, inputs: ServingInputs) -> None:
        enrolment = status.enrolment
        assert enrolment is not None  # a status with weights has an enrolment
        m = status.merchant_id
        for slot, weight in sorted(status.weights.items()):
            key, kind = programme_key(m, slot), TargetKind.PROGRAMME
            period = (inputs.cycle_start, inputs.cycle_end)
            i = self.add(Target(key, kind, m, m, frozenset({slot}), *period, weight=weight))
            if enrolment.mode is Mode.STORE:
                self.store.setdefault(slot, {})[m] = i
            else:
                table = self.pool.setdefault(slot, {})
                table.update({p: (i, m) for p in enrolment.product_ids})

    def ladder(
        self, item: ContentItem, quota: int, day: tuple[datetime, datetime], config: ExposureConfig
    ) -> None:
        slots = frozenset(config.ladder_slots)
        key, kind = ladder_key(item.id), TargetKind.LADDER
        i = self.add(Target(key, kind, item.id, item.merchant_id, slots, *day, goal=quota))
        for slot in slots:
            self.content.setdefault(slot, {})[item.id] = (i, item.merchant_id)

    def throttle(self, status: MerchantStatus, inputs: ServingInputs) -> None:
        m, period = status.merchant_id, (inputs.cycle_start, inputs.cycle_end)
        for slot in Slot:
            key, kind = throttle_key(m, slot), TargetKind.THROTTLE
            cap = Target(key, kind, m, m, frozenset({slot}), *period, weight=status.multiplier)
            self.caps.setdefault(slot, {})[m] = self.add(cap)

    def lookup(self, held: frozenset[str]) -> Lookup:
        return Lookup.build(
            store=self.store, pool=self.pool, content=self.content, caps=self.caps, held=held
        )


def _ladder_day(inputs: ServingInputs) -> tuple[datetime, datetime]:
    if inputs.day_start is None or inputs.day_start.tzinfo is None:
        raise ValidationFailed("content with a ladder quota needs the quota day's aware start")
    return inputs.day_start, inputs.day_start + timedelta(days=1)


def build_plan(
    inputs: ServingInputs,
    *,
    at: datetime,
    config: ExposureConfig | None = None,
    previous: ServingPlan | None = None,
) -> tuple[ServingPlan, tuple[ExposureEvent, ...]]:
    """The plan for the next serving period, and the events that separate it from ``previous``."""
    config = config or ExposureConfig()
    enrolments = _check(inputs, at)
    ids = set(inputs.tiers) | set(enrolments) | {c.merchant_id for c in inputs.content}
    statuses = {
        m: _status(m, inputs.tiers.get(m, Tier.NOT_ENOUGH_DATA), enrolments.get(m), config)
        for m in sorted(ids)
    }
    builder = _Builder()
    for status in statuses.values():
        if status.weights:
            builder.programme(status, inputs)
        if status.penalty is Penalty.THROTTLED:
            builder.throttle(status, inputs)
    stages: dict[str, Stage] = {}
    for item in sorted(inputs.content, key=lambda c: c.id):
        quota = config.ladder.quotas.get(item.stage, 0)
        if quota <= 0 or statuses[item.merchant_id].penalty is not Penalty.NONE:
            continue
        builder.ladder(item, quota, _ladder_day(inputs), config)
        stages[item.id] = item.stage
    throttled = {m: s.multiplier for m, s in statuses.items() if s.penalty is Penalty.THROTTLED}
    plan = ServingPlan(
        cycle_id=inputs.cycle_id,
        built_at=at,
        merchants=MappingProxyType(statuses),
        targets=tuple(builder.targets),
        lookup=builder.lookup(frozenset(inputs.held)),
        throttled=MappingProxyType(throttled),
        watched=frozenset(m for m, s in statuses.items() if s.penalty is Penalty.NO_BOOST),
        held=frozenset(inputs.held),
        stages=MappingProxyType(stages),
        amplified=tuple(c for c, s in stages.items() if s is Stage.AMPLIFICATION_POOL),
    )
    return plan, _changes(previous, plan, at)


def _changes(
    previous: ServingPlan | None, plan: ServingPlan, at: datetime
) -> tuple[ExposureEvent, ...]:
    before = previous.merchants if previous is not None else {}
    events: list[ExposureEvent] = []
    for m in sorted(set(before) | set(plan.merchants)):
        now = plan.merchants.get(m) or plan.status(m)
        events.extend(_merchant_changes(before.get(m), now, plan.cycle_id, at))
    return tuple(events)


def _merchant_changes(
    was: MerchantStatus | None, now: MerchantStatus, cycle_id: str, at: datetime
) -> list[ExposureEvent]:
    subject = f"merchant:{now.merchant_id}"
    data = {"tier": now.tier.value, "tier_before": was.tier.value if was else None}
    out: list[ExposureEvent] = []

    def emit(kind: EventKind, reason: Text, **extra: object) -> None:
        out.append(ExposureEvent(kind, subject, reason, at, {**data, **extra}))

    if now.eligible and not (was and was.eligible):
        emit(EventKind.ELIGIBILITY_GAINED, texts.eligibility_gained(now.tier, cycle_id))
    if was and was.eligible and not now.eligible:
        emit(EventKind.ELIGIBILITY_LOST, texts.eligibility_lost(was.tier, now.tier))
    penalty_before = was.penalty if was else Penalty.NONE
    if now.penalty is not penalty_before:
        out.extend(_penalty_changes(penalty_before, now, subject, data, at))
    started = now.boosted_slots - (was.boosted_slots if was else frozenset())
    ended = (was.boosted_slots if was else frozenset()) - now.boosted_slots
    if started:
        weights = {s.value: now.weights[s] for s in sorted(started)}
        emit(EventKind.BOOST_STARTED, now.reason, weights=weights, mode=_mode(now))
    if ended and was is not None:
        emit(
            EventKind.BOOST_ENDED,
            _end_reason(was, now, ended, cycle_id),
            slots=sorted(s.value for s in ended),
        )
    return out


def _mode(status: MerchantStatus) -> str | None:
    return status.enrolment.mode.value if status.enrolment else None


def _end_reason(
    was: MerchantStatus, now: MerchantStatus, ended: frozenset[Slot], cycle_id: str
) -> Text:
    if now.tier is not was.tier and RANK.get(now.tier, -1) < RANK.get(was.tier, -1):
        return texts.tier_dropped(was.tier, now.tier)
    if now.enrolment is None or now.enrolment.cycle_id != cycle_id:
        return texts.not_enrolled_for(cycle_id)
    return texts.boost_ended_on(ended)


def _penalty_changes(
    before: Penalty, now: MerchantStatus, subject: str, data: Mapping[str, object], at: datetime
) -> list[ExposureEvent]:
    out = []
    if now.penalty is Penalty.THROTTLED:
        reason = texts.throttled(now.multiplier)
        out.append(
            ExposureEvent(
                EventKind.THROTTLE_APPLIED,
                subject,
                reason,
                at,
                {**data, "multiplier": now.multiplier},
            )
        )
    elif before is Penalty.THROTTLED:
        reason = texts.throttle_lifted(now.tier)
        out.append(ExposureEvent(EventKind.THROTTLE_LIFTED, subject, reason, at, dict(data)))
    if now.penalty is Penalty.NO_BOOST:
        reason = texts.boosts_withheld(now.tier)
        out.append(ExposureEvent(EventKind.BOOSTS_WITHHELD, subject, reason, at, dict(data)))
    elif before is Penalty.NO_BOOST:
        reason = texts.boosts_restored(now.tier)
        out.append(ExposureEvent(EventKind.BOOSTS_RESTORED, subject, reason, at, dict(data)))
    return out
