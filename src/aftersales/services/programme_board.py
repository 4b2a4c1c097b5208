"""The operators' view of the traffic incentives: every merchant's programme status this cycle,
and the content items waiting for a review for the amplification pool.

The statuses come from the same plan a serving refresh builds (``exposure.build_plan`` on
``load_inputs``), so this page and the ranking never disagree about who is boosted or
throttled; the review queue is ``content.list_contents`` with the metrics the ladder judges.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from aftersales.domain.actors import Actor, Role
from aftersales.errors import PermissionDenied, Text
from aftersales.exposure import ContentMetrics, EventKind, MerchantStatus, build_plan
from aftersales.exposure.targets import Target, TargetKind
from aftersales.scoring.tiers import RANK
from aftersales.services import content
from aftersales.services.context import Context
from aftersales.services.exposure_inputs import load_inputs
from aftersales.services.exposure_tiers import Cycle
from aftersales.store.content import ContentQuery, ContentRecord
from aftersales.store.exposure import Counts, EventQuery, StoredEvent
from aftersales.store.programme import StoredEnrolment
from aftersales.store.uow import UnitOfWork

__all__ = [
    "MerchantStanding",
    "Nomination",
    "ProgrammeBoard",
    "programme_board",
    "review_queue",
]

_READERS = (Role.OPERATOR, Role.AUDITOR)


@dataclass(frozen=True, slots=True)
class MerchantStanding:
    """One merchant this cycle: its status as the serving plan has it, its enrolment, and the
    product impressions the exposure service counted for its promise or its throttle."""

    status: MerchantStatus
    enrolment: StoredEnrolment | None
    delivered: int  # impressions on the slots its promise or throttle covers
    merit: int  # what its products earned there without boost or throttle


@dataclass(frozen=True, slots=True)
class ProgrammeBoard:
    cycle: Cycle
    merchants: tuple[MerchantStanding, ...]  # boosted first, then by tier, then by id

    @property
    def by_tier(self) -> dict[str, int]:
        return dict(Counter(m.status.tier.value for m in self.merchants))


@dataclass(frozen=True, slots=True)
class Nomination:
    """An item waiting for an operator's review, with what the ladder judges it on."""

    record: ContentRecord
    window: ContentMetrics  # the days the next daily run judges
    reason: StoredEvent | None  # the nomination, with the figures that earned it


def _require_reader(actor: Actor) -> None:
    if actor.role not in _READERS:
        raise PermissionDenied(
            Text(
                "the programme board is for operators and auditors",
                "优质商家计划看板仅供平台运营和审计人员查看",
            )
        )


def programme_board(ctx: Context, actor: Actor) -> ProgrammeBoard:
    """Every merchant the plan knows (a tier, an enrolment or content), with its standing."""
    _require_reader(actor)
    now = ctx.clock.now()
    with ctx.uow(read_only=True) as uow:
        loaded = load_inputs(uow, now)
        counts = uow.exposure.live_counts(now)
    plan, _ = build_plan(loaded.inputs, at=now, config=ctx.exposure.config)
    served = _served(plan.targets, counts)
    rows = [
        MerchantStanding(s, loaded.enrolments.get(m), *served.get(m, (0, 0)))
        for m, s in plan.merchants.items()
    ]
    return ProgrammeBoard(loaded.cycle, tuple(sorted(rows, key=_order)))


def _served(
    targets: Sequence[Target], counts: Mapping[tuple[str, datetime], Counts]
) -> dict[str, tuple[int, int]]:
    """Delivered and merit impressions per merchant, summed over its programme and throttle
    targets of the current period."""
    found: dict[str, tuple[int, int]] = {}
    for target in targets:
        if target.kind is TargetKind.LADDER:
            continue
        delivered, merit, _ = counts.get((target.key, target.start), (0, 0, 0))
        before = found.get(target.merchant_id, (0, 0))
        found[target.merchant_id] = (before[0] + delivered, before[1] + merit)
    return found


def _order(row: MerchantStanding) -> tuple[int, int, str]:
    status = row.status
    return (0 if status.weights else 1, -RANK.get(status.tier, -1), status.merchant_id)


def review_queue(ctx: Context, actor: Actor, limit: int = 50) -> list[Nomination]:
    """Items nominated for the amplification pool, newest first, with their window's metrics
    and the reason of their nomination."""
    _require_reader(actor)
    waiting = content.list_contents(ctx, actor, ContentQuery(nominated=True, limit=limit))
    first, last = content.judged_window(ctx)
    with ctx.uow(read_only=True) as uow:
        return [_nomination(uow, r, first, last) for r in waiting]


def _nomination(uow: UnitOfWork, record: ContentRecord, first: date, last: date) -> Nomination:
    metrics = uow.content.metrics_between(first=first, last=last, content_id=record.id)
    query = EventQuery(
        kinds=(EventKind.AMPLIFICATION_NOMINATED.value,), subject=f"content:{record.id}", limit=1
    )
    found = uow.exposure.events(query)
    return Nomination(record, metrics.get(record.id, ContentMetrics()), found[0] if found else None)
