"""Complaints as text mining and training read them: a product's triaged cases, and the
resolved cases with the labels people settled on."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from aftersales.store.tables import case_assignments, cases, order_lines
from aftersales.triage.faults import Complaint

__all__ = ["ComplaintRepository", "ResolvedCase"]

# An operator's correction, where there is one, over triage's issue type.
_ISSUE_TYPE = func.coalesce(case_assignments.c.issue_type, cases.c.issue_type)
_DESCRIPTION = cases.c.snapshot["description"].as_string()


@dataclass(frozen=True, slots=True)
class ResolvedCase:
    case_id: str
    text: str
    category: str
    issue_type: str | None  # triage's, at opening
    corrected_issue_type: str | None  # an operator's, if any
    severity: str | None  # the policy's decision
    cause: str | None
    liable_party: str | None  # arbitration's finding, if arbitrated
    triage: dict[str, Any]  # triage's result at opening


class ComplaintRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def of_product(self, product_id: str, since: datetime, until: datetime) -> list[Complaint]:
        """The product's triaged cases opened in the period, with their words."""
        stmt = (
            select(cases.c.id, _ISSUE_TYPE, _DESCRIPTION, cases.c.opened_at)
            .join(order_lines, order_lines.c.id == cases.c.order_line_id)
            .outerjoin(case_assignments, case_assignments.c.case_id == cases.c.id)
            .where(
                order_lines.c.product_id == product_id,
                cases.c.opened_at >= since,
                cases.c.opened_at <= until,
                cases.c.issue_type.is_not(None),
            )
        )
        return [
            Complaint(case_id, issue_type, text or "", opened_at)
            for case_id, issue_type, text, opened_at in self._conn.execute(stmt)
        ]

    def products_by_cases(
        self, merchant_id: str, since: datetime, until: datetime, limit: int
    ) -> list[tuple[str, int]]:
        """The merchant's products with the most triaged cases opened in the period, most first."""
        count = func.count(cases.c.id)
        stmt = (
            select(order_lines.c.product_id, count)
            .join(order_lines, order_lines.c.id == cases.c.order_line_id)
            .where(
                cases.c.merchant_id == merchant_id,
                cases.c.opened_at >= since,
                cases.c.opened_at <= until,
                cases.c.issue_type.is_not(None),
            )
            .group_by(order_lines.c.product_id)
            .order_by(count.desc(), order_lines.c.product_id)
            .limit(limit)
        )
        return [(product_id, n) for product_id, n in self._conn.execute(stmt)]

    def resolved(self) -> Iterator[ResolvedCase]:
        """Every resolved or closed case that was triaged at opening, oldest first."""
        stmt = (
            select(
                cases.c.id,
                cases.c.category,
                cases.c.issue_type,
                cases.c.severity,
                cases.c.cause,
                cases.c.snapshot,
                cases.c.assessment,
                case_assignments.c.issue_type.label("corrected"),
            )
            .outerjoin(case_assignments, case_assignments.c.case_id == cases.c.id)
            .where(cases.c.state.in_(("resolved", "closed")), cases.c.assessment.is_not(None))
            .order_by(cases.c.opened_at, cases.c.id)
        )
        for row in self._conn.execution_options(yield_per=2000).execute(stmt):
            snapshot = row.snapshot
            arbitration = snapshot.get("arbitration") or {}
            # The assessment has a column of its own (older snapshots carry it inline).
            assessment = row.assessment or snapshot.get("assessment") or {}
            yield ResolvedCase(
                case_id=row.id,
                text=str(snapshot.get("description") or ""),
                category=row.category,
                issue_type=row.issue_type,
                corrected_issue_type=row.corrected,
                severity=row.severity,
                cause=row.cause,
                liable_party=arbitration.get("liable_party"),
                triage=assessment.get("triage") or {},
            )
