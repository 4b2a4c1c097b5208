"""The safety emergency plan, run inside the transaction of the case change that calls for it.

``on_case_opened`` is the one entry point: the use case that opens (or re-triages) a case calls
it with the case and two flags, inside its own write transaction and before it commits. So the
plan is never half-applied: if anything here fails, the case change fails with it and nothing
of either is stored.

- ``emergency`` (the policy decided so): hold the batch — or the product, when the line names
  no batch — and open a recall review at once.
- ``safety`` alone (triage, or a case of type ``safety_report``): record the report; when the
  cluster rule is reached (by default 3 reports on the same batch within 7 days) do the same.
- Either way, a report on a batch or product that already has an open recall joins it.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from datetime import datetime

from aftersales.domain.actors import Actor, Role
from aftersales.domain.case import Case
from aftersales.domain.cases_types import CaseType
from aftersales.domain.catalog import Order
from aftersales.errors import AftersalesError, ErrorCode, Text
from aftersales.recall import Recall, Trigger
from aftersales.services.context import Context
from aftersales.store.recalls import SafetyReport
from aftersales.store.uow import UnitOfWork

__all__ = ["EMERGENCY_PLAN", "check_stop_sale", "is_safety_report", "on_case_opened"]

EMERGENCY_PLAN = Actor(Role.SYSTEM, "emergency_plan")


def is_safety_report(case: Case) -> bool:
    """Until triage and the policy engine pass their own flags: a safety report is safety."""
    return case.type is CaseType.SAFETY_REPORT


def on_case_opened(
    ctx: Context, uow: UnitOfWork, case: Case, *, safety: bool, emergency: bool
) -> Recall | None:
    """Run the emergency plan for a case, in the caller's unit of work; return the recall the
    case now belongs to, if any.

    Call it again for the same case when a later flag arrives (triage after opening, a policy
    re-decision): a report is recorded once, and an emergency flag on a recorded report still
    starts the plan."""
    if not (safety or emergency):
        return None
    assert case.facts is not None
    product_id, batch_id = case.facts.product_id, case.facts.batch_id
    at = case.updated_at or ctx.clock.now()
    # The product's row lock: every change to its recalls queues here (see lock_product).
    merchant_id = uow.recalls.lock_product(product_id)
    assert merchant_id is not None  # the case's order line references the product
    if not _record(uow, case.id, product_id, batch_id, at, emergency=emergency):
        return None
    joined = _join_open_recall(uow, case.id, product_id, batch_id, at)
    if joined is not None:
        return joined
    reports = uow.recalls.unassigned_reports(
        product_id, batch_id, ctx.recall_terms.cluster.since(at)
    )
    if not emergency and not ctx.recall_terms.cluster.reached(len(reports)):
        return None
    recall = Recall.open_review(
        ctx.ids("rc"),
        product_id=product_id,
        merchant_id=merchant_id,
        batch_ids=[batch_id] if batch_id else [],
        hazard=_hazard(case, batch_id, len(reports), emergency=emergency),
        trigger=Trigger.EMERGENCY if emergency else Trigger.CLUSTER,
        case_ids=reports,
        terms=ctx.recall_terms,
        by=EMERGENCY_PLAN,
        at=at,
    )
    uow.recalls.add(recall)
    uow.recalls.assign_reports(reports, recall.id)
    return recall


def check_stop_sale(uow: UnitOfWork, order: Order) -> None:
    """Refuse a new order with a line of a held batch or product (``product_on_hold``, 409)."""
    holds = uow.recalls.holds_in_force(line.product_id for line in order.lines)
    if not holds:
        return
    held = [
        line
        for line in order.lines
        if any(h.blocks(line.product_id, line.batch_id, order.region) for h in holds)
    ]
    if held:
        problems = [_on_hold(line.id, line.product_id, line.batch_id) for line in held]
        text = Text("; ".join(p.en for p in problems), "；".join(p.zh for p in problems))
        errors = [p.en for p in problems]
        raise AftersalesError(text, code=ErrorCode.PRODUCT_ON_HOLD, errors=errors)


def _on_hold(line_id: str, product_id: str, batch_id: str | None) -> Text:
    if batch_id:
        held = Text(
            f"batch {batch_id} of product {product_id}", f"商品 {product_id} 的批次 {batch_id}"
        )
    else:
        held = Text(f"product {product_id}", f"商品 {product_id}")
    return Text(
        f"line {line_id}: {held.en} is on a stop-sale hold",
        f"订单商品 {line_id}：{held.zh} 已停售",
    )


def _record(
    uow: UnitOfWork,
    case_id: str,
    product_id: str,
    batch_id: str | None,
    at: datetime,
    *,
    emergency: bool,
) -> bool:
    """Record the report; False when nothing new is to be done for it."""
    known = uow.recalls.report(case_id)
    if known is None:
        uow.recalls.add_report(SafetyReport(case_id, product_id, batch_id, at, emergency))
        return True
    if known.recall_id is not None or known.emergency or not emergency:
        return False  # already counted, and already in a recall or not newly an emergency
    uow.recalls.mark_emergency(case_id)
    return True


def _join_open_recall(
    uow: UnitOfWork, case_id: str, product_id: str, batch_id: str | None, at: datetime
) -> Recall | None:
    for recall in uow.recalls.open_on_product(product_id):
        if recall.covers(product_id, batch_id):
            recall.attach_report(case_id, EMERGENCY_PLAN, at)
            uow.recalls.save(recall)
            uow.recalls.assign_reports([case_id], recall.id)
            return recall
    return None


def _hazard(case: Case, batch_id: str | None, reports: int, *, emergency: bool) -> str:
    """The recall's hazard as every holder of a unit may read it: what triage made of the
    reports, never a reporter's own words or case (staff find those under the recall's cases)."""
    subject = f"batch {batch_id}" if batch_id else "the product (no batch known)"
    found = _reported(case)
    if emergency:
        return f"emergency safety report on {subject}: {found}"
    return f"{reports} safety reports on {subject} within the window; latest: {found}"


def _reported(case: Case) -> str:
    triage = (case.assessment or {}).get("triage") or {}
    issue = str(triage.get("issue_type") or "safety hazard").replace("_", " ")
    families = ", ".join(str(f) for f in triage.get("hazards") or ())
    return f"{issue} ({families})" if families else issue
