"""What the evidence log records: case verdicts, service records and recall decisions.

Each function runs inside the unit of work of the decision, after the domain applied it, and
appends one entry about it. Ids of businesses (merchant, product, batch) and of the case are
logged as they are; the consumer, the order line, staff and every free-text note only as
salted commitments (``ledger.conceal``); evidence files by their SHA-256.
"""

from __future__ import annotations

from typing import Any

from aftersales.domain.case import Case, CaseEvent
from aftersales.ledger.entry import utc
from aftersales.recall import Recall
from aftersales.services import ledger
from aftersales.services.context import Context
from aftersales.store.uow import UnitOfWork

__all__ = [
    "ARBITRATION",
    "RECALL_DECISION",
    "SERVICE_RECORD",
    "case_subject",
    "log_arbitration",
    "log_recall_decision",
    "log_service",
]

ARBITRATION = "case.arbitration"
SERVICE_RECORD = "case.service_record"
CURRENCY = "CNY"


def case_subject(case_id: str) -> str:
    """The subject under which a case's entries are logged (and its receipts found)."""
    return f"case:{case_id}"


def log_arbitration(ctx: Context, uow: UnitOfWork, case: Case) -> None:
    """Log the verdict just given: who is liable, the remedy and amount, and the evidence."""
    verdict = case.arbitration
    assert verdict is not None  # called right after Case.arbitrate
    event = _last(case, "arbitrated")
    record = _about(ctx, uow, case, event) | {
        "verdict": verdict.verdict.value,
        "liable_party": verdict.liable_party.value,
        "resolution": verdict.resolution.value,
        "amount": {"minor_units": verdict.amount, "currency": CURRENCY},
        "final": verdict.final,
        "appeal_due": utc(case.appeal_due) if case.appeal_due else None,
        "operator": _personal(ctx, verdict.operator_id),
        "note": _personal(ctx, verdict.note),
    }
    ledger.append(uow, ARBITRATION, case_subject(case.id), record, at=event.at)


def log_service(ctx: Context, uow: UnitOfWork, case: Case) -> None:
    """Log the service record: the agreed remedy as carried out, with the merchant's note."""
    remedy = case.resolution
    assert remedy is not None  # a case in service always has its agreed remedy
    event = _last(case, "service_completed")
    record = _about(ctx, uow, case, event) | {
        "resolution": remedy.type.value,
        "agreed_by": remedy.by,
        "amount": {"minor_units": remedy.amount, "currency": CURRENCY},
        "note": _personal(ctx, str(event.data.get("note", ""))),
    }
    ledger.append(uow, SERVICE_RECORD, case_subject(case.id), record, at=event.at)


def _about(ctx: Context, uow: UnitOfWork, case: Case, event: CaseEvent) -> dict[str, Any]:
    """What every case entry carries: the case, the event it records, parties and evidence."""
    facts = case.facts
    assert facts is not None and case.type is not None
    files = sorted({r.sha256 for r in uow.evidence.for_case(case.id)})
    return {
        "case_id": case.id,
        "event_seq": event.seq,
        "case_type": case.type.value,
        "merchant_id": facts.merchant_id,
        "store_id": facts.store_id,
        "product_id": facts.product_id,
        "batch_id": facts.batch_id,
        "category": facts.category,
        "consumer": ledger.conceal(ctx, facts.consumer_id),
        "order_line": ledger.conceal(ctx, facts.order_line_id),
        "actor_role": event.actor.role.value,
        "evidence_sha256": files,
    }


def _last(case: Case, kind: str) -> CaseEvent:
    return next(e for e in reversed(case.pending) if e.kind == kind)


def _personal(ctx: Context, value: str | None) -> str | None:
    return None if value is None else ledger.conceal(ctx, value)


RECALL_DECISION = "recall.decision"


def log_recall_decision(ctx: Context, uow: UnitOfWork, recall: Recall) -> None:
    """Log a recall confirmed (its scope, remedies and the units found) or dismissed (why).

    The businesses and the reports are named as they are; the operator's identity and the
    free text of a dismissal only as salted commitments, like every other note."""
    assert recall.decided_at is not None  # called right after the decision
    record: dict[str, Any] = {
        "recall_id": recall.id,
        "decision": recall.state.value,
        "trigger": recall.trigger.value,
        "product_id": recall.product_id,
        "merchant_id": recall.merchant_id,
        "batch_ids": list(recall.batch_ids),
        "case_ids": list(recall.case_ids),
        "hazard": _personal(ctx, recall.hazard),
        "decided_by": _personal(ctx, recall.decided_by or ""),
    }
    if recall.scope is not None:
        record |= {
            "scope": recall.scope.encode(),
            "remedies": [r.value for r in recall.remedies],
            "units": recall.units,
            "consumers_notified": recall.consumers,
        }
    if recall.dismissal_reason is not None:
        record["dismissal_reason"] = _personal(ctx, recall.dismissal_reason)
    ledger.append(uow, RECALL_DECISION, f"recall:{recall.id}", record, at=recall.decided_at)
