"""The figures of the platform's overview: cases by state and queue, clocks kept, disputes, safety.

Counts are grouped by the database; the few per-week series are read as (moment, value) rows of
a recent window and bucketed by the caller, since a week in China Standard Time is written
differently in every SQL dialect.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Connection, func, select

from aftersales.store.policy import Activation
from aftersales.store.tables import (
    case_events,
    cases,
    content_items,
    content_metrics,
    merchants,
    policy_activations,
    safety_reports,
    scorecards,
)

__all__ = ["OverviewRepository"]

DISPUTE_EVENTS = ("escalated", "arbitrated", "appealed")


class OverviewRepository:
    """Reads only; for operators and auditors, who see every case."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def by_state(self) -> dict[str, int]:
        rows = self._conn.execute(select(cases.c.state, func.count()).group_by(cases.c.state))
        return {state: int(n) for state, n in rows}

    def active_by_queue(self) -> dict[str, int]:
        """Active cases per queue the policy routed them to ('' when it named none)."""
        rows = self._conn.execute(
            select(cases.c.queue, func.count()).where(cases.c.is_active).group_by(cases.c.queue)
        )
        return {queue or "": int(n) for queue, n in rows}

    def first_responses(self, since: datetime) -> list[tuple[datetime, bool, bool]]:
        """(opened at, responded, breached) of every case opened since then.

        A response after the deadline cannot happen: the missed deadline fires first (``tick``),
        so a case either responded in time, breached, or is still within its clock."""
        snapshot = cases.c.snapshot
        stmt = select(
            cases.c.opened_at,
            snapshot["responded_at"].as_string(),
            snapshot["first_response_breached"].as_boolean(),
        ).where(cases.c.opened_at >= since)
        return [
            (at, responded is not None, bool(breached))
            for at, responded, breached in self._conn.execute(stmt)
        ]

    def opened(self, since: datetime) -> list[datetime]:
        return [
            at
            for (at,) in self._conn.execute(
                select(cases.c.opened_at).where(cases.c.opened_at >= since)
            )
        ]

    def disputes(self, since: datetime) -> list[tuple[datetime, str]]:
        """(when, kind) of every escalation, verdict and appeal since then."""
        stmt = select(case_events.c.at, case_events.c.kind).where(
            case_events.c.kind.in_(DISPUTE_EVENTS), case_events.c.at >= since
        )
        return [(at, kind) for at, kind in self._conn.execute(stmt)]

    def safety_reports(self, since: datetime) -> list[tuple[datetime, bool]]:
        """(reported at, emergency) of every safety report since then."""
        r = safety_reports.c
        stmt = select(r.reported_at, r.emergency).where(r.reported_at >= since)
        return [(at, bool(emergency)) for at, emergency in self._conn.execute(stmt)]

    def activations(self, limit: int) -> list[Activation]:
        """The policy packs put in force, newest first."""
        stmt = select(policy_activations).order_by(policy_activations.c.id.desc()).limit(limit)
        return [Activation(**row) for row in self._conn.execute(stmt).mappings()]

    def activation(self, activation_id: int) -> Activation | None:
        stmt = select(policy_activations).where(policy_activations.c.id == activation_id)
        row = self._conn.execute(stmt).mappings().one_or_none()
        return Activation(**row) if row else None

    def scores(self, cycle_id: str) -> list[tuple[str, float | None]]:
        """(tier, score) of every scorecard of an assessment cycle."""
        c = scorecards.c
        rows = self._conn.execute(select(c.tier, c.score).where(c.cycle_id == cycle_id))
        return [(tier, score) for tier, score in rows]

    def content_impressions(self, first: date, last: date) -> dict[str, int]:
        """Impressions of each merchant's content reported for the days ``first`` to ``last``."""
        m, i = content_metrics.c, content_items.c
        stmt = (
            select(i.merchant_id, func.sum(m.impressions))
            .join_from(content_metrics, content_items, m.content_id == i.id)
            .where(m.day.between(first, last))
            .group_by(i.merchant_id)
        )
        # PostgreSQL sums bigints as numeric (Decimal).
        return {merchant: int(n or 0) for merchant, n in self._conn.execute(stmt)}

    def merchant_ids(self) -> list[str]:
        return list(self._conn.execute(select(merchants.c.id).order_by(merchants.c.id)).scalars())
