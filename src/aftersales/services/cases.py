"""Use cases of the case lifecycle: open, converse, propose, agree, escalate, arbitrate, rate."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from aftersales.domain import case_refusals as refused
from aftersales.domain.actors import Actor, Role
from aftersales.domain.case import Case, CaseEvent, CaseFacts
from aftersales.domain.cases_types import CaseType, LiableParty, ResolutionType, Verdict
from aftersales.domain.catalog import Order, OrderLine
from aftersales.domain.sla import check_window
from aftersales.errors import (
    NotFound,
    PermissionDenied,
    Text,
    ValidationFailed,
)
from aftersales.services import dispatch
from aftersales.services.assessment import (
    HISTORY_WINDOW,
    REPORTED_ATTRIBUTES,
    Assessment,
    assess,
)
from aftersales.services.context import Context
from aftersales.services.emergency import on_case_opened
from aftersales.services.first_reply import post_first_reply
from aftersales.services.ledger_records import log_arbitration, log_service
from aftersales.store.cases import CaseQuery
from aftersales.store.uow import UnitOfWork

__all__ = [
    "ArbitrationCommand",
    "OpenCase",
    "accept",
    "appeal",
    "arbitrate",
    "cancel",
    "case_events",
    "complete_service",
    "escalate",
    "get_case",
    "list_cases",
    "load_visible",
    "open_case",
    "post_message",
    "propose",
    "rate",
    "reject",
]


@dataclass(frozen=True, slots=True)
class OpenCase:
    order_line_id: str
    type: CaseType
    description: str
    # What the consumer says about the item (opened, intact, packaging_damaged, care_applied).
    reported: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ArbitrationCommand:
    verdict: Verdict
    liable_party: LiableParty
    resolution: ResolutionType
    amount: int
    note: str


def open_case(ctx: Context, actor: Actor, cmd: OpenCase) -> Case:
    """Open a case on one of the consumer's own order lines, triaged and decided by the policy.

    The checks, triage and the policy decision are worked out in a read transaction; the write
    transaction only stores the case and what the decision sets in motion. On SQLite every
    writer of every server process waits for that one, so it must be short. A second case racing
    onto the same line is still refused, by the unique index of active cases, with the same
    answer as the early check."""
    if actor.role is not Role.CONSUMER:
        raise PermissionDenied(
            Text("only consumers open after-sales cases", "只有消费者可以申请售后")
        )
    unknown = sorted(set(cmd.reported) - REPORTED_ATTRIBUTES)
    if unknown:
        text = Text(
            f"unknown item condition: {', '.join(unknown)}", f"未知的商品状况：{'、'.join(unknown)}"
        )
        raise ValidationFailed(text, errors=unknown)
    now = ctx.clock.now()
    with ctx.uow(read_only=True) as uow:
        order, line = _own_line(uow, actor, cmd.order_line_id)
        check_window(ctx.windows, cmd.type, order.delivered_at or order.placed_at, now)
        active, history = uow.cases.opening_checks(line.id, order.consumer_id, now - HISTORY_WINDOW)
        if active:
            raise refused.already_open()
        product = uow.catalog.get_product(line.product_id)
        assert product is not None  # order lines reference products by foreign key
        pack = ctx.policy.current(uow)
        assessment = assess(
            pack,
            ctx.triager(),
            case_type=cmd.type,
            description=cmd.description,
            reported=cmd.reported,
            order=order,
            line=line,
            product=product,
            history=history,
            now=now,
        )
        case = Case.open(
            ctx.ids("cs"),
            facts=_facts(order, line, product.category),
            type=cmd.type,
            description=cmd.description,
            sla=assessment.sla(ctx.sla),
            by=actor,
            at=now,
            assessment=assessment.to_json(),
        )
        _set_in_motion(case, assessment, now)
        # The agents who could take it are read here, so the write adds only the claim.
        opening = dispatch.prepare(uow, case, now)
    post_first_reply(ctx, case, assessment, product)  # rides in the case's own event rows
    with ctx.uow() as uow:
        uow.cases.add(case)
        # The emergency plan commits with the case or neither does (services/emergency.py).
        on_case_opened(
            ctx, uow, case, safety=assessment.safety, emergency=assessment.decision.emergency
        )
        dispatch.place(uow, opening, now)
        uow.commit()
    return case


def _set_in_motion(case: Case, assessment: Assessment, now: datetime) -> None:
    """What the decision does at once: grant a remedy, or hand the case to the platform."""
    decision = assessment.decision
    grant = assessment.grant()
    if grant is not None:
        case.grant_by_policy(*grant, decision.rules, now)
    elif decision.emergency or "escalate_to_platform" in decision.auto_actions:
        case.route_to_platform(f"policy:{decision.queue}", now)


def get_case(ctx: Context, actor: Actor, case_id: str) -> Case:
    with ctx.uow(read_only=True) as uow:
        return load_visible(uow, actor, case_id)


def case_events(ctx: Context, actor: Actor, case_id: str) -> list[CaseEvent]:
    with ctx.uow(read_only=True) as uow:
        load_visible(uow, actor, case_id)
        return uow.cases.events(case_id)


def list_cases(ctx: Context, actor: Actor, query: CaseQuery) -> list[Case]:
    """The cases the actor may see, filtered; consumers and merchants see only their own."""
    with ctx.uow(read_only=True) as uow:
        return uow.cases.search(query, actor)


def post_message(ctx: Context, actor: Actor, case_id: str, body: str) -> Case:
    return _change(ctx, actor, case_id, lambda c, now: c.post_message(actor, body, now))


def propose(
    ctx: Context, actor: Actor, case_id: str, resolution: ResolutionType, amount: int
) -> Case:
    return _change(ctx, actor, case_id, lambda c, now: c.propose(actor, resolution, amount, now))


def accept(ctx: Context, actor: Actor, case_id: str) -> Case:
    return _change(ctx, actor, case_id, lambda c, now: c.accept(actor, now))


def reject(ctx: Context, actor: Actor, case_id: str, reason: str) -> Case:
    return _change(ctx, actor, case_id, lambda c, now: c.reject(actor, reason, now))


def escalate(ctx: Context, actor: Actor, case_id: str, reason: str) -> Case:
    return _change(ctx, actor, case_id, lambda c, now: c.escalate(actor, reason, now))


def complete_service(ctx: Context, actor: Actor, case_id: str, note: str) -> Case:
    return _change(
        ctx, actor, case_id, lambda c, now: c.complete_service(actor, note, now), log=log_service
    )


def cancel(ctx: Context, actor: Actor, case_id: str, reason: str) -> Case:
    return _change(ctx, actor, case_id, lambda c, now: c.cancel(actor, reason, now))


def appeal(ctx: Context, actor: Actor, case_id: str, reason: str) -> Case:
    return _change(ctx, actor, case_id, lambda c, now: c.appeal(actor, reason, now))


def rate(ctx: Context, actor: Actor, case_id: str, score: int, comment: str | None) -> Case:
    return _change(ctx, actor, case_id, lambda c, now: c.rate(actor, score, comment, now))


def arbitrate(ctx: Context, actor: Actor, case_id: str, cmd: ArbitrationCommand) -> Case:
    def apply(case: Case, now: datetime) -> None:
        case.arbitrate(
            actor,
            verdict=cmd.verdict,
            liable_party=cmd.liable_party,
            resolution=cmd.resolution,
            amount=cmd.amount,
            note=cmd.note,
            at=now,
        )

    return _change(ctx, actor, case_id, apply, log=log_arbitration)


def to_fen(amount: Decimal) -> int:
    """Yuan with at most two decimals, as whole fen."""
    return int((amount * 100).to_integral_exact())


def _change(
    ctx: Context,
    actor: Actor,
    case_id: str,
    action: Callable[[Case, datetime], None],
    *,
    log: Callable[[Context, UnitOfWork, Case], None] | None = None,
) -> Case:
    """Load the case under a row lock, let due timeouts fire first, act, store, commit.

    ``log`` writes the decision to the evidence log in the same transaction, as late as it
    can (it reads the new events, which ``save`` hands over): it locks the log, which every
    decision shares, after the case's own row lock."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        case = load_visible(uow, actor, case_id, for_update=True)
        case.tick(now)  # a deadline that passed binds even if the sweep has not run yet
        action(case, now)
        if log is not None:
            log(ctx, uow, case)
        dispatch.follow(uow, case, now)  # frees its agent, or hands it to the platform
        uow.cases.save(case)
        uow.commit()
    return case


def load_visible(uow: UnitOfWork, actor: Actor, case_id: str, *, for_update: bool = False) -> Case:
    """The case, if the actor may see it; to anyone else it does not exist."""
    case = uow.cases.get(case_id, for_update=for_update)
    if case is None or not case.visible_to(actor):
        raise NotFound(Text(f"case {case_id} not found", f"找不到售后单 {case_id}"))
    return case


def _own_line(uow: UnitOfWork, actor: Actor, line_id: str) -> tuple[Order, OrderLine]:
    order = uow.catalog.order_of_line(line_id)
    line = order.line(line_id) if order else None
    if order is None or line is None or not actor.is_consumer(order.consumer_id):
        raise NotFound(
            Text(
                f"order line {line_id} not found among your orders",
                f"在您的订单中找不到订单商品 {line_id}",
            )
        )
    return order, line


def _facts(order: Order, line: OrderLine, category: str) -> CaseFacts:
    return CaseFacts(
        order_line_id=line.id,
        order_id=order.id,
        consumer_id=order.consumer_id,
        merchant_id=order.merchant_id,
        store_id=order.store_id,
        product_id=line.product_id,
        category=category,
        channel=order.channel.value,
        region=order.region,
        amount=line.amount,
        batch_id=line.batch_id,
    )
