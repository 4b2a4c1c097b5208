"""Use cases of the quality-merchant programme: enrol for the cycle, and read where one stands."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from aftersales.domain.actors import Actor, Role
from aftersales.errors import NotFound, PermissionDenied
from aftersales.exposure import MerchantStatus, ServingInputs, build_plan, enrol, texts
from aftersales.scoring.texts import Text
from aftersales.scoring.tiers import Tier
from aftersales.services import exposure_tiers
from aftersales.services.context import Context
from aftersales.services.exposure_tiers import Cycle, cycle_at, parse_tiers
from aftersales.store.exposure import EventQuery, StoredEvent
from aftersales.store.programme import StoredEnrolment
from aftersales.store.uow import UnitOfWork

__all__ = ["Enrol", "ProgrammeView", "enrol_merchant", "own_products", "programme_status"]

_NOTICES = 10  # the latest decisions shown with a merchant's status


@dataclass(frozen=True, slots=True)
class Enrol:
    mode: str  # pool | store
    product_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProgrammeView:
    """Where a merchant stands this cycle: tier, eligibility, boost or penalty, and why."""

    cycle: Cycle
    status: MerchantStatus
    enrolment: StoredEnrolment | None
    notices: tuple[StoredEvent, ...]  # the latest decisions about the merchant, newest first


def _replaced(by: str) -> Text:
    return Text(f"Replaced by enrolment {by}.", f"已由报名 {by} 替代。")


def _no_merchant(merchant_id: str) -> Text:
    return Text(f"merchant {merchant_id} not found", f"找不到商家 {merchant_id}")


def _tier(uow: UnitOfWork, merchant_id: str, now: datetime) -> Tier:
    tiers = parse_tiers(exposure_tiers.tiers_in_force(uow, [merchant_id], now))
    return tiers.get(merchant_id, Tier.NOT_ENOUGH_DATA)


def own_products(uow: UnitOfWork, merchant: str, product_ids: Iterable[str]) -> dict[str, str]:
    """The owners of ``product_ids``, all ``merchant``; a product that is not the merchant's is
    not found, whether it is unknown or another merchant's, so no other tenant's id is ever
    confirmed (docs/decisions/0004)."""
    owners = uow.programme.owners(product_ids)
    for product_id in product_ids:
        if owners.get(product_id) != merchant:
            refusal = texts.not_your_product(product_id)
            raise NotFound(refusal.en, text=refusal)
    return owners


def enrol_merchant(ctx: Context, actor: Actor, cmd: Enrol) -> StoredEnrolment:
    """A merchant's agent enrols its merchant for this cycle; a second enrolment replaces the
    first. Refused, with nothing kept, when the tier in force is not eligible, a product is not
    the merchant's (404), or the pool is not of 1 to 30 distinct products."""
    if actor.role is not Role.MERCHANT_AGENT or not actor.subject:
        raise PermissionDenied(
            Text("only a merchant's agent enrols its merchant", "只有商家客服可以为本商家报名")
        )
    merchant, now = actor.subject, ctx.clock.now()
    cycle = cycle_at(now)
    with ctx.uow() as uow:
        if not uow.programme.lock_merchant(merchant):
            raise NotFound(_no_merchant(merchant))
        tier = _tier(uow, merchant, now)
        enrolment, event = enrol(
            merchant_id=merchant,
            cycle_id=cycle.id,
            tier=tier,
            mode=cmd.mode,
            product_ids=cmd.product_ids,
            owners=own_products(uow, merchant, cmd.product_ids),
            at=now,
            config=ctx.exposure.config,
        )
        stored = StoredEnrolment(ctx.ids("en"), enrolment, cycle.start, cycle.end, tier.value)
        previous = uow.programme.in_force(merchant, cycle.id)
        if previous is not None:
            uow.programme.end(previous.id, now, _replaced(stored.id))
        uow.programme.add(stored)
        uow.exposure.add_events([event])
        uow.commit()
    return stored


def _visible(actor: Actor, merchant_id: str) -> None:
    if actor.role in (Role.OPERATOR, Role.AUDITOR) or actor.is_merchant(merchant_id):
        return
    raise NotFound(_no_merchant(merchant_id))


def programme_status(ctx: Context, actor: Actor, merchant_id: str) -> ProgrammeView:
    """The merchant's programme status now, as its scorecard shows it: read from the stored
    tier and enrolment, so it is right at once after an enrolment."""
    _visible(actor, merchant_id)
    cycle = cycle_at(ctx.clock.now())
    with ctx.uow(read_only=True) as uow:
        if uow.catalog.get_merchant(merchant_id) is None:
            raise NotFound(_no_merchant(merchant_id))
        tier = _tier(uow, merchant_id, ctx.clock.now())
        enrolment = uow.programme.in_force(merchant_id, cycle.id)
        notices = uow.exposure.events(EventQuery(merchant_id=merchant_id, limit=_NOTICES))
    status = _status(ctx, cycle, merchant_id, tier, enrolment)
    return ProgrammeView(cycle, status, enrolment, tuple(notices))


def _status(
    ctx: Context, cycle: Cycle, merchant_id: str, tier: Tier, enrolment: StoredEnrolment | None
) -> MerchantStatus:
    inputs = ServingInputs(
        cycle_id=cycle.id,
        cycle_start=cycle.start,
        cycle_end=cycle.end,
        tiers={merchant_id: tier},
        enrolments=[enrolment.enrolment] if enrolment else [],
    )
    plan, _ = build_plan(inputs, at=ctx.clock.now(), config=ctx.exposure.config)
    return plan.status(merchant_id, ctx.exposure.config)
